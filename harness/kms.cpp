// SPDX-License-Identifier: MIT
#include "harness/kms.h"

#include <xf86drmMode.h>

#include <cstring>
#include <memory>
#include <string_view>

#include "harness/abi.h"

namespace fc {
namespace {

template <class T, void (*Free)(T*)>
struct Freer {
  void operator()(T* p) const { Free(p); }
};
using Resources = std::unique_ptr<drmModeRes, Freer<drmModeRes, drmModeFreeResources>>;
using Connector = std::unique_ptr<drmModeConnector, Freer<drmModeConnector, drmModeFreeConnector>>;
using PlaneResources = std::unique_ptr<drmModePlaneRes, Freer<drmModePlaneRes, drmModeFreePlaneResources>>;
using Plane = std::unique_ptr<drmModePlane, Freer<drmModePlane, drmModeFreePlane>>;
using Properties =
    std::unique_ptr<drmModeObjectProperties, Freer<drmModeObjectProperties, drmModeFreeObjectProperties>>;
using Property = std::unique_ptr<drmModePropertyRes, Freer<drmModePropertyRes, drmModeFreeProperty>>;

// An object's properties by name: id and current value.
struct Named {
  std::uint32_t id = 0;
  std::uint64_t value = 0;
};
std::optional<Named> property_of(BorrowedFd drm, std::uint32_t object, std::uint32_t type, std::string_view name) {
  Properties properties(drmModeObjectGetProperties(drm.get(), object, type));
  if (!properties) return std::nullopt;
  for (std::uint32_t i = 0; i < properties->count_props; ++i) {
    Property property(drmModeGetProperty(drm.get(), properties->props[i]));
    if (property && name == property->name) return Named{property->prop_id, properties->prop_values[i]};
  }
  return std::nullopt;
}

// The property ids a commit needs, or the name of the first one missing.
struct Ids {
  bool ok = true;
  std::string missing;
  std::uint32_t get(BorrowedFd drm, std::uint32_t object, std::uint32_t type, std::string_view name) {
    auto found = property_of(drm, object, type, name);
    if (!found && ok) {
      ok = false;
      missing = std::string(name);
    }
    return found ? found->id : 0;
  }
};

constexpr std::uint64_t kPrimaryPlane = 1;  // DRM_PLANE_TYPE_PRIMARY

// The pipeline of an open primary node with atomic enabled; where there is
// none, ENODEV and why_not says why (any other errno: a query failed).
Result<KmsPipeline> find_pipeline(BorrowedFd drm, std::string& why_not) {
  Resources resources(drmModeGetResources(drm.get()));
  if (!resources) return last_errno();
  KmsPipeline pipeline;
  Connector connected;
  for (int i = 0; i < resources->count_connectors && !connected; ++i) {
    Connector connector(drmModeGetConnector(drm.get(), resources->connectors[i]));
    if (connector && connector->connection == DRM_MODE_CONNECTED && connector->count_modes > 0)
      connected = std::move(connector);
  }
  if (!connected) {
    why_not = "no connected connector with a mode";
    return Errno{ENODEV};
  }
  if (resources->count_crtcs < 1) {
    why_not = "no CRTC";
    return Errno{ENODEV};
  }
  pipeline.connector = connected->connector_id;
  const char* type_name = drmModeGetConnectorTypeName(connected->connector_type);
  pipeline.connector_name =
      std::string(type_name ? type_name : "connector") + "-" + std::to_string(connected->connector_type_id);
  // The first CRTC, and the primary plane that can show on it.
  pipeline.crtc = resources->crtcs[0];
  const drmModeModeInfo& mode = connected->modes[0];
  pipeline.width = mode.hdisplay;
  pipeline.height = mode.vdisplay;
  pipeline.mode.resize(sizeof mode);
  std::memcpy(pipeline.mode.data(), &mode, sizeof mode);

  PlaneResources planes(drmModeGetPlaneResources(drm.get()));
  if (!planes) return last_errno();
  for (std::uint32_t i = 0; i < planes->count_planes && !pipeline.plane; ++i) {
    Plane plane(drmModeGetPlane(drm.get(), planes->planes[i]));
    auto type = property_of(drm, planes->planes[i], DRM_MODE_OBJECT_PLANE, "type");
    if (plane && (plane->possible_crtcs & 1u) && type && type->value == kPrimaryPlane)
      pipeline.plane = planes->planes[i];
  }
  if (!pipeline.plane) {
    why_not = "no primary plane for CRTC " + std::to_string(pipeline.crtc);
    return Errno{ENODEV};
  }

  Ids ids;
  KmsPlaneProperties& p = pipeline.plane_properties;
  const std::uint32_t plane = pipeline.plane;
  p.fb_id = ids.get(drm, plane, DRM_MODE_OBJECT_PLANE, "FB_ID");
  p.crtc_id = ids.get(drm, plane, DRM_MODE_OBJECT_PLANE, "CRTC_ID");
  p.in_fence_fd = ids.get(drm, plane, DRM_MODE_OBJECT_PLANE, "IN_FENCE_FD");
  p.src_x = ids.get(drm, plane, DRM_MODE_OBJECT_PLANE, "SRC_X");
  p.src_y = ids.get(drm, plane, DRM_MODE_OBJECT_PLANE, "SRC_Y");
  p.src_w = ids.get(drm, plane, DRM_MODE_OBJECT_PLANE, "SRC_W");
  p.src_h = ids.get(drm, plane, DRM_MODE_OBJECT_PLANE, "SRC_H");
  p.crtc_x = ids.get(drm, plane, DRM_MODE_OBJECT_PLANE, "CRTC_X");
  p.crtc_y = ids.get(drm, plane, DRM_MODE_OBJECT_PLANE, "CRTC_Y");
  p.crtc_w = ids.get(drm, plane, DRM_MODE_OBJECT_PLANE, "CRTC_W");
  p.crtc_h = ids.get(drm, plane, DRM_MODE_OBJECT_PLANE, "CRTC_H");
  pipeline.crtc_mode_id = ids.get(drm, pipeline.crtc, DRM_MODE_OBJECT_CRTC, "MODE_ID");
  pipeline.crtc_active = ids.get(drm, pipeline.crtc, DRM_MODE_OBJECT_CRTC, "ACTIVE");
  pipeline.crtc_out_fence_ptr = ids.get(drm, pipeline.crtc, DRM_MODE_OBJECT_CRTC, "OUT_FENCE_PTR");
  pipeline.connector_crtc_id = ids.get(drm, pipeline.connector, DRM_MODE_OBJECT_CONNECTOR, "CRTC_ID");
  if (!ids.ok) {
    why_not = "the pipeline has no " + ids.missing + " property";
    return Errno{ENODEV};
  }
  return pipeline;
}

// Opens device's primary node with atomic enabled: the node, or the probe that says why not.
Result<UniqueFd> open_atomic(const DrmDevice& device, Probe& probe) {
  if (device.primary_node.empty()) {
    probe = Probe::unsupported(device.driver + " has no primary node (KMS)");
    return Errno{ENODEV};
  }
  auto fd = open_node(device.primary_node);
  if (!fd) {
    probe = Probe::broken("open(" + device.primary_node + ")", fd.err());
    return fd.err();
  }
  if (Status atomic = uapi::drm_set_client_cap(fd->borrow(), abi::kDrmClientCapAtomic, 1); !atomic) {
    probe = Probe::unsupported(device.primary_node + " (" + device.driver +
                               ") refuses DRM_CLIENT_CAP_ATOMIC: " + atomic.err().describe());
    return atomic.err();
  }
  return fd;
}

}  // namespace

KmsFramebuffer::KmsFramebuffer(KmsFramebuffer&& other) noexcept
    : drm_(other.drm_),
      handle_(std::exchange(other.handle_, 0)),
      fb_(std::exchange(other.fb_, 0)),
      dmabuf_(std::move(other.dmabuf_)) {}

KmsFramebuffer::~KmsFramebuffer() {
  if (fb_) (void)uapi::drm_mode_rm_fb(drm_, fb_);
  if (handle_) (void)uapi::drm_destroy_dumb(drm_, handle_);
}

OpenedKms KmsDevice::open(const DrmDevice& device) {
  OpenedKms opened;
  auto fd = open_atomic(device, opened.probe);
  if (!fd) return opened;
  std::string why_not;
  auto pipeline = find_pipeline(fd->borrow(), why_not);
  if (!pipeline) {
    opened.probe = why_not.empty() ? Probe::broken("the KMS resource queries", pipeline.err())
                                   : Probe::unsupported(device.primary_node + " (" + device.driver + "): " + why_not);
    return opened;
  }
  opened.device.emplace(KmsDevice(std::move(*fd), device, std::move(*pipeline)));
  return opened;
}

Probe probe_kms(const DrmDevice& device) {
  Probe probe = Probe::supported();
  auto fd = open_atomic(device, probe);
  if (!fd) return probe;
  std::string why_not;
  auto pipeline = find_pipeline(fd->borrow(), why_not);
  if (!pipeline)
    return why_not.empty() ? Probe::broken("the KMS resource queries", pipeline.err()) : Probe::unsupported(why_not);
  return Probe::supported();
}

Result<KmsFramebuffer> KmsDevice::create_framebuffer() const {
  auto dumb = uapi::drm_create_dumb(fd(), pipeline_.width, pipeline_.height, 32);
  if (!dumb) return dumb.err();
  auto fb = uapi::drm_mode_add_fb2(fd(), pipeline_.width, pipeline_.height, abi::kDrmFormatXrgb8888, dumb->handle,
                                   dumb->pitch);
  if (!fb) {
    (void)uapi::drm_destroy_dumb(fd(), dumb->handle);
    return fb.err();
  }
  auto dmabuf = uapi::drm_prime_handle_to_fd(fd(), dumb->handle);
  KmsFramebuffer framebuffer(fd(), dumb->handle, *fb, dmabuf ? std::move(*dmabuf) : UniqueFd());
  if (!dmabuf) return dmabuf.err();
  return framebuffer;
}

Status KmsDevice::modeset(const KmsFramebuffer& fb) const {
  auto blob = uapi::drm_mode_create_blob(fd(), pipeline_.mode);
  if (!blob) return blob.err();
  const KmsPlaneProperties& p = pipeline_.plane_properties;
  const std::uint32_t plane = pipeline_.plane;
  const uapi::AtomicProperty properties[] = {
      {pipeline_.connector, pipeline_.connector_crtc_id, pipeline_.crtc},
      {pipeline_.crtc, pipeline_.crtc_mode_id, *blob},
      {pipeline_.crtc, pipeline_.crtc_active, 1},
      {plane, p.fb_id, fb.id()},
      {plane, p.crtc_id, pipeline_.crtc},
      {plane, p.src_x, 0},
      {plane, p.src_y, 0},
      {plane, p.src_w, std::uint64_t{pipeline_.width} << 16},
      {plane, p.src_h, std::uint64_t{pipeline_.height} << 16},
      {plane, p.crtc_x, 0},
      {plane, p.crtc_y, 0},
      {plane, p.crtc_w, pipeline_.width},
      {plane, p.crtc_h, pipeline_.height},
  };
  Status committed = uapi::drm_mode_atomic(fd(), properties, abi::kDrmModeAtomicAllowModeset);
  (void)uapi::drm_mode_destroy_blob(fd(), *blob);
  return committed;
}

Status KmsDevice::flip(const KmsFramebuffer& fb, const Flip& flip, std::uint64_t user_data) const {
  std::vector<uapi::AtomicProperty> properties = {{pipeline_.plane, pipeline_.plane_properties.fb_id, fb.id()}};
  if (flip.in_fence_fd)
    properties.push_back({pipeline_.plane, pipeline_.plane_properties.in_fence_fd,
                          static_cast<std::uint64_t>(static_cast<std::int64_t>(*flip.in_fence_fd))});
  if (flip.out_fence) {
    *flip.out_fence = -1;
    properties.push_back(
        {pipeline_.crtc, pipeline_.crtc_out_fence_ptr, reinterpret_cast<std::uintptr_t>(flip.out_fence)});
  }
  std::uint32_t flags = 0;
  if (flip.event) flags |= abi::kDrmModePageFlipEvent;
  if (flip.nonblock) flags |= abi::kDrmModeAtomicNonblock;
  return uapi::drm_mode_atomic(fd(), properties, flags, user_data);
}

Result<std::uint64_t> KmsDevice::shown_framebuffer() const {
  auto fb = property_of(fd(), pipeline_.plane, DRM_MODE_OBJECT_PLANE, "FB_ID");
  if (!fb) return Errno{ENOENT};
  return fb->value;
}

}  // namespace fc
