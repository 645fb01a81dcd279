// SPDX-License-Identifier: MIT
// GBM: a device per DRM node, buffer objects by format and modifier, and
// their planes exported as dma-bufs. Everything is RAII.
#pragma once

#include <gbm.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "harness/fd.h"
#include "harness/result.h"

namespace fc {

class GbmDevice {
 public:
  // Opens node (a DRM render or primary node) and creates a GBM device on it.
  [[nodiscard]] static Result<GbmDevice> open(const std::string& node);
  GbmDevice(GbmDevice&& other) noexcept;
  GbmDevice& operator=(GbmDevice&&) = delete;
  GbmDevice(const GbmDevice&) = delete;
  GbmDevice& operator=(const GbmDevice&) = delete;
  ~GbmDevice();

  [[nodiscard]] gbm_device* get() const { return device_; }
  [[nodiscard]] BorrowedFd fd() const { return fd_.borrow(); }
  [[nodiscard]] const std::string& node() const { return node_; }
  // gbm_device_get_backend_name(): "drm" for Mesa's DRI backend.
  [[nodiscard]] std::string backend_name() const;
  // gbm_device_is_format_supported(fourcc, GBM_BO_USE_RENDERING): does the
  // device say it can render to this format?
  [[nodiscard]] bool advertises(std::uint32_t fourcc) const;

 private:
  GbmDevice(UniqueFd fd, gbm_device* device, std::string node)
      : fd_(std::move(fd)), device_(device), node_(std::move(node)) {}
  UniqueFd fd_;
  gbm_device* device_;
  std::string node_;
};

// What to allocate. modifier LINEAR asks for exactly that; INVALID lets the
// driver choose (its preferred layout), whatever it is.
struct BufferSpec {
  std::uint32_t width = 256;
  std::uint32_t height = 256;
  std::uint32_t fourcc = 0;
  std::uint64_t modifier = 0;  // DRM_FORMAT_MOD_LINEAR
};
[[nodiscard]] std::string describe(const BufferSpec& spec);

struct Plane {
  std::uint32_t offset = 0;
  std::uint32_t stride = 0;
};

class GbmBuffer {
 public:
  // LINEAR through gbm_bo_create_with_modifiers2 (falling back to
  // GBM_BO_USE_LINEAR); INVALID through gbm_bo_create(GBM_BO_USE_RENDERING).
  [[nodiscard]] static Result<GbmBuffer> create(const GbmDevice& device, const BufferSpec& spec);
  GbmBuffer(GbmBuffer&& other) noexcept;
  GbmBuffer& operator=(GbmBuffer&&) = delete;
  GbmBuffer(const GbmBuffer&) = delete;
  GbmBuffer& operator=(const GbmBuffer&) = delete;
  ~GbmBuffer();

  [[nodiscard]] gbm_bo* get() const { return bo_; }
  [[nodiscard]] std::uint32_t width() const;
  [[nodiscard]] std::uint32_t height() const;
  [[nodiscard]] std::uint32_t fourcc() const;
  [[nodiscard]] std::uint64_t modifier() const;  // what the driver chose
  // Known to be linear: a LINEAR modifier, or LINEAR asked for and granted
  // through GBM_BO_USE_LINEAR by a backend that reports no modifiers.
  [[nodiscard]] bool linear() const;
  [[nodiscard]] std::vector<Plane> planes() const;

  // A dma-buf for one plane, owned by the caller. Exported by PRIME from the
  // GBM device's node with DRM_RDWR (Mesa's gbm_bo_get_fd() exports
  // read-only, and a CPU producer must be able to map it for writing); the
  // first export fixes the dma-buf's mode, so call this before anything else
  // exports the buffer.
  [[nodiscard]] Result<UniqueFd> export_plane(int plane) const;

 private:
  GbmBuffer(gbm_bo* bo, BorrowedFd drm, bool linear_requested)
      : bo_(bo), drm_(drm), linear_requested_(linear_requested) {}
  gbm_bo* bo_;
  BorrowedFd drm_;
  bool linear_requested_;
};

}  // namespace fc
