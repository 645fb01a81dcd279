// SPDX-License-Identifier: MIT
#include "harness/vgem.h"

#include <utility>

namespace fc {

Result<VgemDevice> VgemDevice::open(const DrmDevice& device) {
  auto fd = open_node(device.primary_node);
  if (!fd) return fd.err();
  return VgemDevice(std::move(*fd), device);
}

OpenedVgem VgemDevice::open_first(const std::vector<DrmDevice>& devices) {
  Probe probe = probe_vgem(devices);
  if (!probe.is_supported()) return {std::nullopt, std::move(probe)};
  auto device = find_device(devices, "vgem");
  auto opened = open(*device);
  if (!opened) {
    return {std::nullopt, Probe::broken("opening the vgem primary node " + device->primary_node, opened.err())};
  }
  return {std::move(*opened), Probe::supported()};
}

VgemFence::VgemFence(VgemFence&& other) noexcept
    : drm_(other.drm_), id_(other.id_), pending_(std::exchange(other.pending_, false)) {}

VgemFence::~VgemFence() {
  if (pending_) (void)signal();
}

Status VgemFence::signal() {
  pending_ = false;
  return uapi::vgem_fence_signal(drm_, id_);
}

Result<VgemBuffer> VgemBuffer::create(const VgemDevice& device, std::uint32_t width, std::uint32_t height) {
  auto dumb = uapi::drm_create_dumb(device.fd(), width, height, 32);
  if (!dumb) return dumb.err();
  auto dmabuf = uapi::drm_prime_handle_to_fd(device.fd(), dumb->handle);
  if (!dmabuf) {
    (void)uapi::drm_destroy_dumb(device.fd(), dumb->handle);
    return dmabuf.err();
  }
  return VgemBuffer(device.fd(), *dumb, std::move(*dmabuf));
}

VgemBuffer::VgemBuffer(VgemBuffer&& other) noexcept
    : drm_(other.drm_),
      dumb_(other.dumb_),
      dmabuf_(std::move(other.dmabuf_)),
      owns_handle_(std::exchange(other.owns_handle_, false)) {}

VgemBuffer::~VgemBuffer() {
  // The dma-buf keeps the memory alive on its own; this drops the GEM handle.
  if (owns_handle_) (void)uapi::drm_destroy_dumb(drm_, dumb_.handle);
}

Result<VgemFence> VgemBuffer::attach_fence(FenceUsage usage) const {
  auto id = uapi::vgem_fence_attach(drm_, dumb_.handle, usage == FenceUsage::Write ? abi::kVgemFenceWrite : 0u);
  if (!id) return id.err();
  return VgemFence(drm_, *id);
}

VgemBuffer::Released VgemBuffer::release() && {
  owns_handle_ = false;
  return Released{std::move(dmabuf_), dumb_.handle};
}

}  // namespace fc
