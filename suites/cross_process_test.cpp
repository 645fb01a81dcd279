// SPDX-License-Identifier: MIT
// Cross-process handoff, as PipeWire hands a dma-buf to a capture client: the
// buffer crosses a Unix socket (SCM_RIGHTS) while its producer is still
// writing; the receiving process must see the fence pending through its own
// export and poll, and wake only once the producer's fence signals.
//
// Once its sync_file wait returns, the receiver's poll() on the dma-buf must
// become ready, but not necessarily at once: dma_buf_poll() answers "not
// ready" while the callback an earlier poll of that buffer left on the fence
// has not run yet (drivers/dma-buf/dma-buf.c, dcb->active), and a fence runs
// its callbacks one after another, the sync_file's (registered first here)
// before the dma-buf's. A receiver woken by the first can poll the buffer
// before the signalling CPU reaches the second: measured in the VM on every
// kernel from 6.1 to 7.3-rc (docs/findings/dma-buf-poll-busy-after-signal.md).
// No uAPI promises an order between two waits on the same fence, so the test
// holds the dma-buf to becoming ready within the wake bound, and records
// whether the zero-timeout poll right after the wake still said busy.
#include <gtest/gtest.h>

#include <chrono>
#include <cstring>
#include <string>
#include <thread>

#include "fixtures/vgem_fixture.h"
#include "harness/description.h"
#include "harness/process.h"
#include "results/schema.h"

namespace fc {
namespace {

using namespace std::chrono_literals;

// What the child reports back, one message per step.
struct ChildReport {
  std::int32_t error = 0;           // errno of the step that failed, 0 if none
  std::int32_t step = 0;            // which step failed
  std::uint8_t export_pending = 0;  // export(READ) + poll(sync_file, 0) == 0
  std::uint8_t dmabuf_pending = 0;  // poll(dma-buf, POLLIN, 0) == 0
  std::uint8_t woke = 0;            // the blocking poll on the sync_file returned Ready
  std::int64_t woke_at_ns = 0;      // CLOCK_MONOTONIC when it did
  std::uint8_t busy_at_wake = 0;    // poll(dma-buf, POLLIN, 0) right after the wake said busy
  std::uint8_t settled = 0;         // poll(dma-buf, POLLIN) then returned Ready within kWakeBound
  std::int64_t settle_ns = 0;       // how long that took (0 when ready at once)
};

Status send_report(BorrowedFd socket, const ChildReport& report) {
  return send_message(socket, std::as_bytes(std::span(&report, 1)));
}

Result<ChildReport> receive_report(BorrowedFd socket) {
  ChildReport report;
  auto message =
      receive_message(socket, std::as_writable_bytes(std::span(&report, 1)), Deadline::after(timeouts::kChildProcess));
  if (!message) return message.err();
  if (message->size != sizeof report) return Errno{EPROTO};
  return report;
}

// The capture client: receive the dma-buf, look at it, then block until it is ready.
int capture_client(BorrowedFd socket) {
  ChildReport report;
  auto fail = [&](int step, Errno err) {
    report.step = step;
    report.error = err.value;
    (void)send_report(socket, report);
    return 1;
  };
  std::byte tag{};
  auto message = receive_message(socket, {&tag, 1}, Deadline::after(timeouts::kChildProcess));
  if (!message) return fail(1, message.err());
  if (!message->fd.valid()) return fail(1, Errno{EPROTO});
  BorrowedFd dmabuf = message->fd.borrow();

  auto sync_file = uapi::export_sync_file(dmabuf, Access::Read);
  if (!sync_file) return fail(2, sync_file.err());
  auto exported = uapi::is_busy(sync_file->borrow(), POLLIN);
  if (!exported) return fail(3, exported.err());
  auto polled = uapi::is_busy(dmabuf, POLLIN);
  if (!polled) return fail(4, polled.err());
  report.export_pending = *exported;
  report.dmabuf_pending = *polled;
  if (!send_report(socket, report)) return 1;

  auto woke = uapi::poll_fd(sync_file->borrow(), POLLIN, Deadline::after(timeouts::kFenceSignal));
  if (!woke) return fail(5, woke.err());
  report.woke = *woke == WaitResult::Ready;
  report.woke_at_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch()).count();
  auto after = uapi::is_busy(dmabuf, POLLIN);
  if (!after) return fail(6, after.err());
  report.busy_at_wake = *after;
  const auto settling = Clock::now();
  auto settled = uapi::poll_fd(dmabuf, POLLIN, Deadline::after(timeouts::kWakeBound));
  if (!settled) return fail(7, settled.err());
  report.settled = *settled == WaitResult::Ready;
  report.settle_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - settling).count();
  return send_report(socket, report) ? 0 : 1;
}

// The receiver follows the capture recipe: EXPORT_SYNC_FILE, then poll.
class CrossProcess : public VgemExportTest {};

FC_DESCRIBE(CrossProcess, ReceiverSeesThePendingFenceAndWakesOnlyWhenItSignals,
            "A process that receives a dma-buf over a socket (as from PipeWire) sees the sender's pending fence and "
            "wakes only when it signals.");
TEST_F(CrossProcess, ReceiverSeesThePendingFenceAndWakesOnlyWhenItSignals) {
  FC_ASSERT_OK_AND_ASSIGN(VgemFence fence, buffer().attach_fence(FenceUsage::Write));
  FC_ASSERT_OK_AND_ASSIGN(SocketPair sockets, make_socket_pair());
  BorrowedFd child_end = sockets.second.borrow();
  FC_ASSERT_OK_AND_ASSIGN(ChildProcess child, ChildProcess::fork([&] { return capture_client(child_end); }));
  sockets.second.reset();

  FC_ASSERT_OK_AND_ASSIGN(UniqueFd handed, UniqueFd::dup(dmabuf()));
  std::byte tag{1};
  FC_ASSERT_OK(send_message(sockets.first.borrow(), {&tag, 1}, &handed));

  FC_ASSERT_OK_AND_ASSIGN(ChildReport seen, receive_report(sockets.first.borrow()));
  ASSERT_EQ(seen.error, 0) << "child step " << seen.step << " failed: " << Errno{seen.error}.describe();
  EXPECT_TRUE(seen.export_pending) << "the receiver's EXPORT_SYNC_FILE(READ) must be pending while the producer writes";
  EXPECT_TRUE(seen.dmabuf_pending) << "the receiver's poll(dma-buf, POLLIN) must be pending while the producer writes";

  std::this_thread::sleep_for(50ms);  // the child is now blocked in poll()
  auto signalled_at = Clock::now();
  FC_ASSERT_OK(fence.signal());

  FC_ASSERT_OK_AND_ASSIGN(ChildReport woke, receive_report(sockets.first.borrow()));
  ASSERT_EQ(woke.error, 0) << "child step " << woke.step << " failed: " << Errno{woke.error}.describe();
  EXPECT_TRUE(woke.woke) << "the receiver's wait timed out although the fence signalled";
  EXPECT_GE(woke.woke_at_ns,
            std::chrono::duration_cast<std::chrono::nanoseconds>(signalled_at.time_since_epoch()).count())
      << "the receiver woke before the producer's fence signalled";
  EXPECT_TRUE(woke.settled) << "after the signal the dma-buf must poll ready in the receiver too: still busy "
                            << std::chrono::duration_cast<std::chrono::milliseconds>(timeouts::kWakeBound).count()
                            << " ms after the receiver's sync_file woke";
  RecordProperty(std::string(schema::kChild), woke.busy_at_wake
                                                  ? "dma-buf busy at once after the sync_file woke, ready " +
                                                        std::to_string(woke.settle_ns / 1000) + " us later"
                                                  : std::string("dma-buf ready at once after the sync_file woke"));

  FC_ASSERT_OK_AND_ASSIGN(ExitStatus status, child.wait(Deadline::after(timeouts::kChildProcess)));
  EXPECT_TRUE(status.success()) << status.describe();
}

}  // namespace
}  // namespace fc
