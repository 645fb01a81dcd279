// SPDX-License-Identifier: MIT
// The three consumer-side waits agree: EXPORT_SYNC_FILE + poll(sync_file),
// poll() on the dma-buf, and DMA_BUF_IOCTL_SYNC START. A consumer may pick any
// of them; in every fence state and for every access they must give the same
// answer, and a blocked wait must end only after the fence signals. The
// recommended helper (harness/consumer.h, poll on the dma-buf) must agree too.
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <optional>
#include <thread>
#include <tuple>

#include "fixtures/record.h"
#include "fixtures/vgem_fixture.h"
#include "harness/consumer.h"
#include "harness/description.h"
#include "results/schema.h"

namespace fc {
namespace {

using namespace std::chrono_literals;

enum class FenceState { Idle, ReadFencePending, WriteFencePending, WriteFenceSignalled };

std::string name_of(FenceState state) {
  switch (state) {
    case FenceState::Idle: return "Idle";
    case FenceState::ReadFencePending: return "ReadFencePending";
    case FenceState::WriteFencePending: return "WriteFencePending";
    case FenceState::WriteFenceSignalled: return "WriteFenceSignalled";
  }
  return "Unknown";
}

void PrintTo(FenceState state, std::ostream* out) { *out << name_of(state); }

// The uAPI's rule: readers wait for pending writers; writers wait for anyone pending.
bool must_wait(FenceState state, Access access) {
  switch (state) {
    case FenceState::Idle:
    case FenceState::WriteFenceSignalled: return false;
    case FenceState::ReadFencePending: return writes(access);
    case FenceState::WriteFencePending: return true;
  }
  return false;
}

class WaitAgreement : public VgemTest, public ::testing::WithParamInterface<std::tuple<FenceState, Access>> {};

FC_DESCRIBE(WaitAgreement, AllThreeWaitsGiveTheSameAnswer,
            "EXPORT_SYNC_FILE and poll(), poll() on the dma-buf and DMA_BUF_IOCTL_SYNC give the same answer in every "
            "fence state and access.");
TEST_P(WaitAgreement, AllThreeWaitsGiveTheSameAnswer) {
  auto [state, access] = GetParam();
  const bool expected = must_wait(state, access);
  std::optional<VgemFence> fence;
  if (state != FenceState::Idle) {
    FC_ASSERT_OK_AND_ASSIGN(
        VgemFence attached,
        buffer().attach_fence(state == FenceState::ReadFencePending ? FenceUsage::Read : FenceUsage::Write));
    fence.emplace(std::move(attached));
  }
  if (state == FenceState::WriteFenceSignalled) FC_ASSERT_OK(fence->signal());

  // 1. The common consumer recipe: export, then poll the sync_file (Linux >= 6.0).
  if (exports().is_supported()) {
    FC_ASSERT_OK_AND_ASSIGN(UniqueFd sync_file, uapi::export_sync_file(dmabuf(), access));
    FC_ASSERT_OK_AND_ASSIGN(SyncFileInfo info, uapi::sync_file_info(sync_file.borrow()));
    record_fence(name_of(state) + " export " + std::string(to_string(access)), info);
    EXPECT_EQ(sync_file_pending(sync_file.borrow()).value(), expected)
        << "export+poll; kernel returned " << info.describe();
  } else {
    RecordProperty(std::string(schema::kCheckedThrough),
                   "poll, DMA_BUF_IOCTL_SYNC and the helper; not the export: " + exports().reason());
  }

  // 2. poll() on the dma-buf itself.
  EXPECT_EQ(dmabuf_poll_pending(dmabuf(), access).value(), expected) << "poll(dma-buf)";

  // 3. DMA_BUF_IOCTL_SYNC START blocks while it must wait: give it a bounded chance.
  auto deadline = Deadline::after(expected ? timeouts::kStaysPending : timeouts::kFenceSignal);
  FC_ASSERT_OK_AND_ASSIGN(WaitResult synced, uapi::dma_buf_sync_start(dmabuf(), access, deadline));
  EXPECT_EQ(synced, expected ? WaitResult::TimedOut : WaitResult::Ready) << "DMA_BUF_IOCTL_SYNC START";
  if (synced == WaitResult::Ready) FC_ASSERT_OK(uapi::dma_buf_sync_end(dmabuf(), access));

  // 4. The recommended helper (harness/consumer.h) waits for writers, as a reader does.
  if (access == Access::Read) {
    auto helper_deadline = Deadline::after(expected ? timeouts::kStaysPending : timeouts::kFenceSignal);
    FC_ASSERT_OK_AND_ASSIGN(ConsumerWait waited, wait_for_writers(dmabuf(), helper_deadline));
    EXPECT_EQ(waited.had_writers, expected) << "wait_for_writers";
    EXPECT_EQ(waited.result, expected ? WaitResult::TimedOut : WaitResult::Ready) << "wait_for_writers";
  }
}

INSTANTIATE_TEST_SUITE_P(
    Vgem, WaitAgreement,
    ::testing::Combine(::testing::Values(FenceState::Idle, FenceState::ReadFencePending, FenceState::WriteFencePending,
                                         FenceState::WriteFenceSignalled),
                       kAllAccesses),
    [](const ::testing::TestParamInfo<WaitAgreement::ParamType>& param_info) {
      return name_of(std::get<0>(param_info.param)) + "_" +
             AccessName()(::testing::TestParamInfo<Access>(std::get<1>(param_info.param), param_info.index));
    });

// Each blocking wait, started on a pending write fence that another thread
// signals a little later, must return Ready, and not before the signal.
class WaitWakesOnSignal : public VgemTest {
 protected:
  template <class Wait>
  void check_wakes_after_signal(Wait&& wait) {
    FC_ASSERT_OK_AND_ASSIGN(VgemFence fence, buffer().attach_fence(FenceUsage::Write));
    // Held from before the signal: its FILE_INFO says when the kernel signalled
    // the fence. Without EXPORT_SYNC_FILE (before Linux 6.0) the wake is timed
    // against the clock readings around the signal ioctl alone.
    std::optional<UniqueFd> witness;
    if (exports().is_supported()) {
      FC_ASSERT_OK_AND_ASSIGN(UniqueFd exported, uapi::export_sync_file(dmabuf(), Access::Write));
      witness.emplace(std::move(exported));
    } else {
      RecordProperty(std::string(schema::kCheckedThrough),
                     "the clock readings around the signal ioctl; no FILE_INFO timestamp: " + exports().reason());
    }
    Clock::time_point before_signal, after_signal;
    Status signalled;
    std::jthread signaller([&] {
      std::this_thread::sleep_for(100ms);
      before_signal = Clock::now();
      signalled = fence.signal();
      after_signal = Clock::now();
    });
    // Bounded well under vgem's own timer: only the test's signal can end it in time.
    auto result = wait(Deadline::after(timeouts::kFenceSignal));
    auto returned_at = Clock::now();
    signaller.join();
    ASSERT_TRUE(signalled) << "DRM_IOCTL_VGEM_FENCE_SIGNAL failed (" << signalled.err().describe()
                           << "): the wait below proves nothing";
    ASSERT_TRUE(result.ok()) << describe(result);
    EXPECT_EQ(*result, WaitResult::Ready)
        << "the fence signalled 100 ms in; the wait must see it within " << timeouts::kFenceSignal.count() << " ms";
    // When the kernel says the fence signalled: between the clock readings
    // around the signal ioctl (CLOCK_MONOTONIC both), and before the wake.
    Clock::time_point signalled_at = before_signal;
    if (witness) {
      FC_ASSERT_OK_AND_ASSIGN(SyncFileInfo info, uapi::sync_file_info(witness->borrow()));
      ASSERT_EQ(info.fences.size(), 1u) << info.describe();
      ASSERT_EQ(info.fences[0].status, 1) << "the fence the test signalled: " << info.describe();
      signalled_at = Clock::time_point(std::chrono::nanoseconds(info.fences[0].timestamp_ns));
      EXPECT_GE(signalled_at, before_signal) << "FILE_INFO's signal timestamp is before the signal ioctl was called";
      EXPECT_LE(signalled_at, after_signal) << "FILE_INFO's signal timestamp is after the signal ioctl returned";
    }
    EXPECT_GE(returned_at, signalled_at) << "the wait returned before the kernel signalled the fence";
    EXPECT_LT(returned_at - signalled_at, timeouts::kWakeBound)
        << "the wait returned " << std::chrono::duration_cast<milliseconds>(returned_at - signalled_at).count()
        << " ms after the fence signalled, more than " << timeouts::kWakeBound.count() << " ms";
  }
};

FC_DESCRIBE(WaitWakesOnSignal, ExportedSyncFileWakesWhenTheFenceSignals,
            "A poll() on an exported sync_file returns only after the fence signals.");
TEST_F(WaitWakesOnSignal, ExportedSyncFileWakesWhenTheFenceSignals) {
  FC_REQUIRE(exports());
  check_wakes_after_signal([&](Deadline deadline) -> Result<WaitResult> {
    auto sync_file = uapi::export_sync_file(dmabuf(), Access::Read);
    if (!sync_file) return sync_file.err();
    return uapi::poll_fd(sync_file->borrow(), POLLIN, deadline);
  });
}

FC_DESCRIBE(WaitWakesOnSignal, PollOnTheDmaBufWakesWhenTheFenceSignals,
            "A poll() on the dma-buf returns only after the fence signals.");
TEST_F(WaitWakesOnSignal, PollOnTheDmaBufWakesWhenTheFenceSignals) {
  check_wakes_after_signal([&](Deadline deadline) { return uapi::poll_fd(dmabuf(), POLLIN, deadline); });
}

FC_DESCRIBE(WaitWakesOnSignal, ConsumerHelperWakesWhenTheFenceSignals,
            "The consumer helper this project recommends returns only after the fence signals.");
TEST_F(WaitWakesOnSignal, ConsumerHelperWakesWhenTheFenceSignals) {
  check_wakes_after_signal([&](Deadline deadline) -> Result<WaitResult> {
    auto waited = wait_for_writers(dmabuf(), deadline);
    if (!waited) return waited.err();
    if (!waited->had_writers) return Errno{EPROTO};  // it looked while the fence was pending
    return waited->result;
  });
}

FC_DESCRIBE(WaitWakesOnSignal, DmaBufSyncStartReturnsOnlyAfterTheFenceSignals,
            "DMA_BUF_IOCTL_SYNC START returns only after the fence signals.");
TEST_F(WaitWakesOnSignal, DmaBufSyncStartReturnsOnlyAfterTheFenceSignals) {
  check_wakes_after_signal([&](Deadline deadline) {
    auto result = uapi::dma_buf_sync_start(dmabuf(), Access::Read, deadline);
    if (result && *result == WaitResult::Ready) (void)uapi::dma_buf_sync_end(dmabuf(), Access::Read);
    return result;
  });
}

}  // namespace
}  // namespace fc
