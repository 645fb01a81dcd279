// SPDX-License-Identifier: MIT
// vgem, the kernel's virtual GEM driver: the deterministic reference "GPU".
// Its fences are attached and signalled by ioctl, so every fence state a real
// GPU can produce can be produced on demand (drivers/gpu/drm/vgem).
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "harness/device.h"
#include "harness/fd.h"
#include "harness/probe.h"
#include "harness/result.h"
#include "harness/uapi.h"

namespace fc {

struct OpenedVgem;

// The vgem primary node, open. (Its render node refuses dumb buffers: EACCES.)
class VgemDevice {
 public:
  [[nodiscard]] static Result<VgemDevice> open(const DrmDevice& device);
  // probe_vgem(devices), then open() of the first vgem device.
  [[nodiscard]] static OpenedVgem open_first(const std::vector<DrmDevice>& devices);
  [[nodiscard]] BorrowedFd fd() const { return fd_.borrow(); }
  [[nodiscard]] const DrmDevice& info() const { return info_; }

 private:
  VgemDevice(UniqueFd fd, DrmDevice info) : fd_(std::move(fd)), info_(std::move(info)) {}
  UniqueFd fd_;
  DrmDevice info_;
};

// What open_first() found: the device, or why there is none in probe terms:
// unsupported (no vgem: skip with the reason) or broken (the open failed: its errno).
struct OpenedVgem {
  std::optional<VgemDevice> device;
  Probe probe = Probe::supported();
};

// How a vgem fence is attached: as a reader or as a writer of the buffer.
enum class FenceUsage { Read, Write };

// An attached vgem fence. Signalled on destruction if the test did not, so a
// failing test never leaves a buffer busy for vgem's 10 s. Must not outlive
// the VgemDevice it came from.
class VgemFence {
 public:
  VgemFence(VgemFence&& other) noexcept;
  VgemFence& operator=(VgemFence&&) = delete;
  VgemFence(const VgemFence&) = delete;
  VgemFence& operator=(const VgemFence&) = delete;
  ~VgemFence();

  // DRM_IOCTL_VGEM_FENCE_SIGNAL; ETIMEDOUT once vgem's own 10 s timer fired.
  [[nodiscard]] Status signal();
  [[nodiscard]] std::uint32_t id() const { return id_; }

 private:
  friend class VgemBuffer;
  VgemFence(BorrowedFd drm, std::uint32_t id) : drm_(drm), id_(id) {}
  BorrowedFd drm_;
  std::uint32_t id_;
  bool pending_ = true;
};

// A vgem dumb buffer and its dma-buf. Must not outlive its VgemDevice.
class VgemBuffer {
 public:
  [[nodiscard]] static Result<VgemBuffer> create(const VgemDevice& device, std::uint32_t width = 64,
                                                 std::uint32_t height = 64);
  VgemBuffer(VgemBuffer&& other) noexcept;
  VgemBuffer& operator=(VgemBuffer&&) = delete;
  VgemBuffer(const VgemBuffer&) = delete;
  VgemBuffer& operator=(const VgemBuffer&) = delete;
  ~VgemBuffer();

  [[nodiscard]] BorrowedFd dmabuf() const { return dmabuf_.borrow(); }
  [[nodiscard]] const DumbBuffer& dumb() const { return dumb_; }

  // DRM_IOCTL_VGEM_FENCE_ATTACH. vgem refuses (EBUSY) a writer while any fence
  // is pending, and a reader while a writer is.
  [[nodiscard]] Result<VgemFence> attach_fence(FenceUsage usage) const;

  // The dma-buf and the GEM handle, handed to the caller, who closes them
  // (close(), DRM_IOCTL_GEM_CLOSE) when it chooses; fences attached so far are
  // unaffected. The VgemBuffer owns nothing afterwards.
  struct Released {
    UniqueFd dmabuf;
    std::uint32_t handle = 0;
  };
  [[nodiscard]] Released release() &&;

 private:
  VgemBuffer(BorrowedFd drm, DumbBuffer dumb, UniqueFd dmabuf) : drm_(drm), dumb_(dumb), dmabuf_(std::move(dmabuf)) {}
  BorrowedFd drm_;
  DumbBuffer dumb_;
  UniqueFd dmabuf_;
  bool owns_handle_ = true;
};

}  // namespace fc
