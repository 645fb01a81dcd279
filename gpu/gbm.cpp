// SPDX-License-Identifier: MIT
#include "gpu/gbm.h"

#include <cstdlib>

#include <drm_fourcc.h>

#include "gpu/pattern.h"
#include "harness/device.h"
#include "harness/held.h"
#include "harness/uapi.h"

namespace fc {

Result<GbmDevice> GbmDevice::open(const std::string& node) {
  auto fd = open_node(node);
  if (!fd) return fd.err();
  errno = 0;
  gbm_device* device = gbm_create_device(fd->get());
  if (device == nullptr) return Errno{errno != 0 ? errno : ENODEV};
  note_made(Held::GbmDevice);
  return GbmDevice(std::move(*fd), device, node);
}

GbmDevice::GbmDevice(GbmDevice&& other) noexcept
    : fd_(std::move(other.fd_)), device_(std::exchange(other.device_, nullptr)), node_(std::move(other.node_)) {}

GbmDevice::~GbmDevice() {
  if (device_ == nullptr) return;
  gbm_device_destroy(device_);
  note_released(Held::GbmDevice);
}

std::string GbmDevice::backend_name() const {
  const char* name = gbm_device_get_backend_name(device_);
  return name != nullptr ? name : "unknown";
}

bool GbmDevice::advertises(std::uint32_t fourcc) const {
  return gbm_device_is_format_supported(device_, fourcc, GBM_BO_USE_RENDERING) != 0;
}

std::string describe(const BufferSpec& spec) {
  return fourcc_name(spec.fourcc) + " " + std::to_string(spec.width) + "x" + std::to_string(spec.height) + " " +
         (spec.modifier == DRM_FORMAT_MOD_INVALID ? std::string("driver-preferred modifier")
                                                  : modifier_name(spec.modifier));
}

Result<GbmBuffer> GbmBuffer::create(const GbmDevice& device, const BufferSpec& spec) {
  // The selftests' broken allocator: every allocation fails, as a driver's
  // GBM that advertises formats it cannot allocate would.
  if (std::getenv("FENCECHECK_SELFTEST_GBM_FAILS") != nullptr) return Errno{ENOMEM};
  errno = 0;
  gbm_bo* bo = nullptr;
  if (spec.modifier == DRM_FORMAT_MOD_INVALID) {
    bo = gbm_bo_create(device.get(), spec.width, spec.height, spec.fourcc, GBM_BO_USE_RENDERING);
  } else {
    bo = gbm_bo_create_with_modifiers2(device.get(), spec.width, spec.height, spec.fourcc, &spec.modifier, 1,
                                       GBM_BO_USE_RENDERING);
    if (bo == nullptr && spec.modifier == DRM_FORMAT_MOD_LINEAR) {
      // Backends without modifier support still honour the LINEAR usage flag.
      bo = gbm_bo_create(device.get(), spec.width, spec.height, spec.fourcc, GBM_BO_USE_RENDERING | GBM_BO_USE_LINEAR);
    }
  }
  if (bo == nullptr) return Errno{errno != 0 ? errno : EINVAL};
  note_made(Held::GbmBo);
  return GbmBuffer(bo, device.fd(), spec.modifier == DRM_FORMAT_MOD_LINEAR);
}

GbmBuffer::GbmBuffer(GbmBuffer&& other) noexcept
    : bo_(std::exchange(other.bo_, nullptr)), drm_(other.drm_), linear_requested_(other.linear_requested_) {}

GbmBuffer::~GbmBuffer() {
  // The selftests' leaking harness: every buffer stays allocated, as a
  // missing gbm_bo_destroy would leave it (HeldObjectListener must fail it).
  if (bo_ == nullptr || std::getenv("FENCECHECK_SELFTEST_LEAK_BO") != nullptr) return;
  gbm_bo_destroy(bo_);
  note_released(Held::GbmBo);
}

std::uint32_t GbmBuffer::width() const { return gbm_bo_get_width(bo_); }
std::uint32_t GbmBuffer::height() const { return gbm_bo_get_height(bo_); }
std::uint32_t GbmBuffer::fourcc() const { return gbm_bo_get_format(bo_); }
std::uint64_t GbmBuffer::modifier() const { return gbm_bo_get_modifier(bo_); }
bool GbmBuffer::linear() const {
  std::uint64_t chosen = modifier();
  return chosen == DRM_FORMAT_MOD_LINEAR || (linear_requested_ && chosen == DRM_FORMAT_MOD_INVALID);
}

std::vector<Plane> GbmBuffer::planes() const {
  std::vector<Plane> planes;
  int count = gbm_bo_get_plane_count(bo_);
  for (int i = 0; i < count; ++i)
    planes.push_back(Plane{gbm_bo_get_offset(bo_, i), gbm_bo_get_stride_for_plane(bo_, i)});
  return planes;
}

Result<UniqueFd> GbmBuffer::export_plane(int plane) const {
  gbm_bo_handle handle = gbm_bo_get_handle_for_plane(bo_, plane);
  if (handle.s32 <= 0) return Errno{EINVAL};
  return uapi::drm_prime_handle_to_fd(drm_, handle.u32);
}

}  // namespace fc
