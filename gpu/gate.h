// SPDX-License-Identifier: MIT
// The gate (IGT calls it a "cork"): a fence the test holds closed, which a
// producer's submit is made to wait on before it writes. While it is closed
// the write cannot have landed, so what the kernel's export says then is
// judged without racing the GPU: a fencing driver shows a pending export, a
// driver that attaches no fence shows a signalled one, every time.
//
// The fence is the kernel's own: a vgem write fence on a vgem buffer,
// exported as a sync_file (DMA_BUF_IOCTL_EXPORT_SYNC_FILE), opened by
// DRM_IOCTL_VGEM_FENCE_SIGNAL. Some drivers wait for an in-fence on the CPU,
// inside the submit call (virtio-gpu waits in its execbuffer ioctl): a
// watchdog thread then opens the gate so the submit returns, and the frame
// is said to have had a CPU-side gate, which proves nothing and is judged
// as an ungated one. vgem's own timer would open it after 10 s anyway.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string_view>
#include <thread>

#include "harness/deadline.h"
#include "harness/fd.h"
#include "harness/probe.h"
#include "harness/result.h"
#include "harness/vgem.h"

namespace fc {

// How a frame's gate behaved, as results record it ("gate" property).
enum class GateKind {
  Gpu,   // the submit returned with the gate closed: the write waited on the GPU side
  Cpu,   // the submit blocked until the watchdog opened the gate: nothing was gated
  None,  // no gate: the producer cannot wait on a sync_file, or no vgem to make one
};
[[nodiscard]] std::string_view to_string(GateKind kind);

namespace timeouts {
// How long a gated submit may stay inside the producer's submit call before
// the watchdog opens the gate. It decides nothing but the gate kind: a submit
// that waits on the GPU side returns at once; one that took this long waited
// on the CPU (or was slow), and its frame is judged as an ungated one.
inline constexpr milliseconds kGateWatchdog{2'000};
}  // namespace timeouts

class Gate;
// What Gate::make() found: a gate, or why there is none in probe terms.
struct MadeGate {
  std::unique_ptr<Gate> gate;
  Probe probe = Probe::supported();
};

class Gate {
 public:
  // A gate on the first vgem device: unsupported where there is none or the
  // kernel cannot export a sync_file (Linux < 6.0).
  [[nodiscard]] static MadeGate make();
  Gate(const Gate&) = delete;
  Gate& operator=(const Gate&) = delete;
  ~Gate();

  // Closes the gate: a fresh vgem fence, and the sync_file a submit waits on.
  // Arms the watchdog, which opens the gate after `watchdog` unless claim()
  // comes first.
  [[nodiscard]] Result<BorrowedFd> close(milliseconds watchdog = timeouts::kGateWatchdog);
  // Called when the submit returned: true if the gate is still closed (the
  // watchdog is stopped and the caller opens the gate), false if the watchdog
  // had to open it. Either way the watchdog is done.
  [[nodiscard]] bool claim();
  // Opens a claimed gate (signals the fence). Idempotent.
  [[nodiscard]] Status open_now();

 private:
  Gate(VgemDevice device, VgemBuffer buffer) : device_(std::move(device)), buffer_(std::move(buffer)) {}
  void stop_watchdog();

  VgemDevice device_;
  VgemBuffer buffer_;
  UniqueFd sync_file_;
  std::optional<std::uint32_t> fence_;  // the closed gate's vgem fence
  enum class State { Idle, Armed, Claimed, Fired };
  std::mutex mutex_;
  std::condition_variable changed_;
  State state_ = State::Idle;
  std::thread watchdog_;
};

}  // namespace fc
