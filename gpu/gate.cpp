// SPDX-License-Identifier: MIT
#include "gpu/gate.h"

#include "harness/uapi.h"

namespace fc {

std::string_view to_string(GateKind kind) {
  switch (kind) {
    case GateKind::Gpu: return "gpu";
    case GateKind::Cpu: return "cpu";
    case GateKind::None: return "none";
  }
  return "?";
}

MadeGate Gate::make() {
  OpenedVgem vgem = VgemDevice::open_first(discover_drm_devices());
  if (!vgem.device) return {nullptr, Probe::unsupported("no gate: " + vgem.probe.reason())};
  auto buffer = VgemBuffer::create(*vgem.device);
  if (!buffer) return {nullptr, Probe::broken("no gate: a vgem buffer for the gate fence", buffer.err())};
  if (Probe exports = probe_export_sync_file(buffer->dmabuf()); !exports.is_supported()) {
    if (exports.outcome() == Probe::Outcome::Broken) return {nullptr, exports};
    return {nullptr, Probe::unsupported("no gate: a vgem fence cannot be had as a sync_file: " + exports.reason())};
  }
  return {std::unique_ptr<Gate>(new Gate(std::move(*vgem.device), std::move(*buffer))), Probe::supported()};
}

Gate::~Gate() {
  stop_watchdog();
  (void)open_now();
}

Result<BorrowedFd> Gate::close(milliseconds watchdog) {
  stop_watchdog();
  if (Status opened = open_now(); !opened) return opened.err();
  auto fence = uapi::vgem_fence_attach(device_.fd(), buffer_.dumb().handle, abi::kVgemFenceWrite);
  if (!fence) return fence.err();
  fence_ = *fence;
  auto file = uapi::export_sync_file(buffer_.dmabuf(), Access::Read);
  if (!file) return file.err();
  sync_file_ = std::move(*file);
  {
    std::lock_guard lock(mutex_);
    state_ = State::Armed;
  }
  watchdog_ = std::thread([this, watchdog, drm = device_.fd(), id = *fence_] {
    std::unique_lock lock(mutex_);
    if (changed_.wait_for(lock, watchdog, [this] { return state_ != State::Armed; })) return;
    state_ = State::Fired;
    (void)uapi::vgem_fence_signal(drm, id);  // on failure vgem opens it itself after 10 s
  });
  return sync_file_.borrow();
}

bool Gate::claim() {
  bool claimed = false;
  {
    std::lock_guard lock(mutex_);
    if (state_ == State::Armed) {
      state_ = State::Claimed;
      claimed = true;
    }
  }
  changed_.notify_all();
  if (watchdog_.joinable()) watchdog_.join();
  if (!claimed) fence_.reset();  // the watchdog signalled it
  return claimed;
}

Status Gate::open_now() {
  if (!fence_) return {};
  const std::uint32_t id = *std::exchange(fence_, std::nullopt);
  Status signalled = uapi::vgem_fence_signal(device_.fd(), id);
  // ETIMEDOUT: vgem's own timer opened it first (10 s), which is no error here.
  if (!signalled && signalled.err().value != ETIMEDOUT) return signalled;
  return {};
}

void Gate::stop_watchdog() {
  if (!watchdog_.joinable()) return;
  (void)claim();
}

}  // namespace fc
