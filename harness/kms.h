// SPDX-License-Identifier: MIT
// A KMS display pipeline driven the way a compositor drives it: the device's
// primary node (a DRM master), atomic modesetting, one connected connector,
// its CRTC and that CRTC's primary plane, and the property ids a commit names
// (FB_ID, IN_FENCE_FD on the plane; MODE_ID, ACTIVE, OUT_FENCE_PTR on the CRTC).
//
// Discovery (resources, connectors, planes, properties) asks libdrm; every
// commit, framebuffer and event goes through the uapi layer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "harness/device.h"
#include "harness/fd.h"
#include "harness/probe.h"
#include "harness/result.h"
#include "harness/uapi.h"

namespace fc {

struct KmsPlaneProperties {
  std::uint32_t fb_id = 0, crtc_id = 0, in_fence_fd = 0;
  std::uint32_t src_x = 0, src_y = 0, src_w = 0, src_h = 0;
  std::uint32_t crtc_x = 0, crtc_y = 0, crtc_w = 0, crtc_h = 0;
};

struct KmsPipeline {
  std::uint32_t connector = 0;
  std::uint32_t connector_crtc_id = 0;  // the connector's CRTC_ID property
  std::uint32_t crtc = 0;
  std::uint32_t crtc_mode_id = 0, crtc_active = 0, crtc_out_fence_ptr = 0;
  std::uint32_t plane = 0;
  KmsPlaneProperties plane_properties;
  std::vector<std::byte> mode;  // the connector's first (preferred) drm_mode_modeinfo
  std::uint32_t width = 0, height = 0;
  std::string connector_name;  // "Virtual-1"
};

// A framebuffer on a dumb buffer of the pipeline's size (XRGB8888), with the
// buffer's dma-buf: what a client hands a compositor. Removed (RMFB, dumb
// buffer destroyed) on destruction; must not outlive its KmsDevice.
class KmsFramebuffer {
 public:
  KmsFramebuffer(KmsFramebuffer&& other) noexcept;
  KmsFramebuffer& operator=(KmsFramebuffer&&) = delete;
  KmsFramebuffer(const KmsFramebuffer&) = delete;
  KmsFramebuffer& operator=(const KmsFramebuffer&) = delete;
  ~KmsFramebuffer();

  [[nodiscard]] std::uint32_t id() const { return fb_; }
  [[nodiscard]] BorrowedFd dmabuf() const { return dmabuf_.borrow(); }

 private:
  friend class KmsDevice;
  KmsFramebuffer(BorrowedFd drm, std::uint32_t handle, std::uint32_t fb, UniqueFd dmabuf)
      : drm_(drm), handle_(handle), fb_(fb), dmabuf_(std::move(dmabuf)) {}
  BorrowedFd drm_;
  std::uint32_t handle_ = 0;
  std::uint32_t fb_ = 0;
  UniqueFd dmabuf_;
};

struct OpenedKms;

class KmsDevice {
 public:
  // The device's primary node with atomic modesetting and a pipeline, or why
  // not: unsupported (no primary node, no atomic, nothing connected, no
  // primary plane with IN_FENCE_FD) or broken (an open or a query failed).
  [[nodiscard]] static OpenedKms open(const DrmDevice& device);

  [[nodiscard]] BorrowedFd fd() const { return fd_.borrow(); }
  [[nodiscard]] const KmsPipeline& pipeline() const { return pipeline_; }
  [[nodiscard]] const DrmDevice& info() const { return info_; }

  [[nodiscard]] Result<KmsFramebuffer> create_framebuffer() const;

  // A blocking commit that lights the pipeline up showing fb (ALLOW_MODESET).
  // EACCES: this process is not the node's DRM master.
  [[nodiscard]] Status modeset(const KmsFramebuffer& fb) const;

  // What a flip carries besides the framebuffer.
  struct Flip {
    std::optional<int> in_fence_fd;     // the plane's IN_FENCE_FD
    std::int64_t* out_fence = nullptr;  // the CRTC's OUT_FENCE_PTR target (-1 before)
    bool event = true;                  // DRM_MODE_PAGE_FLIP_EVENT
    bool nonblock = true;               // DRM_MODE_ATOMIC_NONBLOCK
  };
  // An atomic commit that puts fb on the primary plane.
  [[nodiscard]] Status flip(const KmsFramebuffer& fb, const Flip& flip, std::uint64_t user_data = 0) const;
  // The plane's FB_ID as the kernel reports it now (what is committed).
  [[nodiscard]] Result<std::uint64_t> shown_framebuffer() const;

 private:
  KmsDevice(UniqueFd fd, DrmDevice info, KmsPipeline pipeline)
      : fd_(std::move(fd)), info_(std::move(info)), pipeline_(std::move(pipeline)) {}
  UniqueFd fd_;
  DrmDevice info_;
  KmsPipeline pipeline_;
};

struct OpenedKms {
  std::optional<KmsDevice> device;
  Probe probe = Probe::supported();
};

// Without committing anything: does device's primary node offer atomic
// modesetting with a primary plane that takes IN_FENCE_FD? ("atomic,
// IN_FENCE_FD" / the reason not.)
[[nodiscard]] Probe probe_kms(const DrmDevice& device);

}  // namespace fc
