// SPDX-License-Identifier: MIT
// sync_file operations a consumer combines with exports: SYNC_IOC_MERGE of
// two buffers' exports, the name, fences and status SYNC_IOC_FILE_INFO
// reports, and SYNC_IOC_SET_DEADLINE (its bad input: bad_input_table_test.cpp).
#include <gtest/gtest.h>

#include "fixtures/record.h"
#include "fixtures/vgem_fixture.h"
#include "harness/description.h"
#include "harness/kernel.h"

namespace fc {
namespace {

// The sync_files come from exports (Debian's kernels have no sw_sync).
class SyncFileMerge : public VgemExportTest {
 protected:
  // Write fences on this test's buffer and on a second one, and the merge
  // ("fencecheck-merge") of their READ exports: pending until both signal.
  struct TwoPending {
    VgemBuffer other;
    VgemFence first;
    VgemFence second;
    UniqueFd merged;
  };
  Result<TwoPending> merge_two_pending() {
    auto other = VgemBuffer::create(vgem());
    if (!other) return other.err();
    auto first = buffer().attach_fence(FenceUsage::Write);
    if (!first) return first.err();
    auto second = other->attach_fence(FenceUsage::Write);
    if (!second) return second.err();
    auto a = uapi::export_sync_file(dmabuf(), Access::Read);
    if (!a) return a.err();
    auto b = uapi::export_sync_file(other->dmabuf(), Access::Read);
    if (!b) return b.err();
    auto merged = uapi::sync_file_merge(a->borrow(), b->borrow(), "fencecheck-merge");
    if (!merged) return merged.err();
    return TwoPending{std::move(*other), std::move(*first), std::move(*second), std::move(*merged)};
  }
};

FC_DESCRIBE(SyncFileMerge, MergeOfTwoPendingExportsSignalsOnlyAfterBoth,
            "A merge of two buffers' pending exports signals only after both fences have.");
TEST_F(SyncFileMerge, MergeOfTwoPendingExportsSignalsOnlyAfterBoth) {
  FC_ASSERT_OK_AND_ASSIGN(TwoPending two, merge_two_pending());
  UniqueFd& merged = two.merged;
  VgemFence& first = two.first;
  VgemFence& second = two.second;
  FC_ASSERT_OK_AND_ASSIGN(SyncFileInfo info, uapi::sync_file_info(merged.borrow()));
  record_fence("merged", info);
  EXPECT_EQ(info.name, "fencecheck-merge");
  ASSERT_EQ(info.fences.size(), 2u) << info.describe();
  EXPECT_EQ(info.fences[0].driver, "vgem");
  EXPECT_EQ(info.fences[1].driver, "vgem");

  EXPECT_EQ(sync_file_pending(merged.borrow()).value(), true);
  FC_ASSERT_OK(first.signal());
  EXPECT_EQ(sync_file_pending(merged.borrow()).value(), true) << "the second buffer's fence is still pending";
  FC_ASSERT_OK(second.signal());
  EXPECT_EQ(sync_file_pending(merged.borrow()).value(), false);
}

FC_DESCRIBE(SyncFileMerge, MergeLeavesBothInputsOpenAndUnchanged,
            "SYNC_IOC_MERGE leaves both input sync_files open and unchanged.");
TEST_F(SyncFileMerge, MergeLeavesBothInputsOpenAndUnchanged) {
  FC_ASSERT_OK_AND_ASSIGN(UniqueFd idle, uapi::export_sync_file(dmabuf(), Access::Read));
  FC_ASSERT_OK_AND_ASSIGN(VgemFence fence, buffer().attach_fence(FenceUsage::Write));
  FC_ASSERT_OK_AND_ASSIGN(UniqueFd pending, uapi::export_sync_file(dmabuf(), Access::Read));

  FC_ASSERT_OK_AND_ASSIGN(UniqueFd merged, uapi::sync_file_merge(idle.borrow(), pending.borrow(), "m"));
  EXPECT_EQ(sync_file_pending(merged.borrow()).value(), true);
  EXPECT_EQ(sync_file_pending(idle.borrow()).value(), false) << "inputs are not modified";
  EXPECT_EQ(sync_file_pending(pending.borrow()).value(), true);
  FC_ASSERT_OK(fence.signal());
  EXPECT_EQ(sync_file_pending(merged.borrow()).value(), false);
  EXPECT_EQ(sync_file_pending(pending.borrow()).value(), false);
}

// A merged sync_file is a dma_fence_array. Before "dma-buf: fix
// dma_fence_array_signaled v4" (Linux 6.13; stable 6.12.5, 6.1.120,
// 5.10.231), the array counted its signalled fences only through the
// callbacks that a poll() installs, so FILE_INFO reported a merge of two
// signalled fences as still active until someone polled it. A consumer that
// asks FILE_INFO first, as a capture tool checking status does, waits forever.
FC_DESCRIBE(SyncFileMerge, AMergedFileReportsItsSignalThroughFileInfoWithoutAPoll,
            "Once both fences of a merged sync_file signalled, SYNC_IOC_FILE_INFO reports it signalled without anyone "
            "having polled it.");
TEST_F(SyncFileMerge, AMergedFileReportsItsSignalThroughFileInfoWithoutAPoll) {
  FC_ASSERT_OK_AND_ASSIGN(TwoPending two, merge_two_pending());
  FC_ASSERT_OK_AND_ASSIGN(SyncFileInfo pending, uapi::sync_file_info(two.merged.borrow()));
  EXPECT_EQ(pending.status, 0) << "both fences are pending: " << pending.describe();

  FC_ASSERT_OK(two.first.signal());
  FC_ASSERT_OK(two.second.signal());
  // No poll() on the merged file before this: FILE_INFO alone must see it.
  FC_ASSERT_OK_AND_ASSIGN(SyncFileInfo info, uapi::sync_file_info(two.merged.borrow()));
  record_fence("merged", info);
  ASSERT_EQ(info.fences.size(), 2u) << info.describe();
  EXPECT_EQ(info.fences[0].status, 1) << info.describe();
  EXPECT_EQ(info.fences[1].status, 1) << info.describe();
  EXPECT_EQ(info.status, 1) << "both fences signalled, but FILE_INFO reports the merge as "
                            << (info.status == 0 ? "still active" : "failed") << " until it is polled ("
                            << info.describe() << ")";
}

// SYNC_IOC_SET_DEADLINE (Linux 6.5, "dma-buf/sync_file: Add SET_DEADLINE
// ioctl"): a hint passed to the fences' drivers (dma_fence_set_deadline);
// vgem's fences have no set_deadline op, so it must change nothing. On an
// older kernel the ioctl is ENOTTY and the tests SKIP naming the release.
class SyncFileDeadline : public VgemExportTest {
 protected:
  void SetUp() override {
    VgemExportTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    FC_ASSERT_OK_AND_ASSIGN(UniqueFd idle, uapi::export_sync_file(dmabuf(), Access::Read));
    FC_REQUIRE(probe_set_deadline(idle.borrow()));
  }
};

FC_DESCRIBE(SyncFileDeadline, ADeadlineOnAVgemFenceIsAcceptedAndChangesNothing,
            "SYNC_IOC_SET_DEADLINE on a fence whose driver has no deadline op is accepted and changes nothing: the "
            "fence stays pending until signalled.");
TEST_F(SyncFileDeadline, ADeadlineOnAVgemFenceIsAcceptedAndChangesNothing) {
  FC_ASSERT_OK_AND_ASSIGN(VgemFence fence, buffer().attach_fence(FenceUsage::Write));
  FC_ASSERT_OK_AND_ASSIGN(UniqueFd file, uapi::export_sync_file(dmabuf(), Access::Read));
  const auto now_ns = static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch()).count());
  FC_ASSERT_OK(uapi::sync_file_set_deadline(file.borrow(), now_ns + 1'000'000));
  FC_ASSERT_OK(uapi::sync_file_set_deadline(file.borrow(), 0));  // a deadline long past
  EXPECT_EQ(uapi::poll_fd(file.borrow(), POLLIN, Deadline::after(timeouts::kStaysPending)).value(),
            WaitResult::TimedOut)
      << "the fence signalled after a deadline was set: a deadline is a hint, not a signal";
  FC_ASSERT_OK_AND_ASSIGN(SyncFileInfo info, uapi::sync_file_info(file.borrow()));
  EXPECT_EQ(info.status, 0) << info.describe();
  expect_state(true, true, "after the deadlines");

  FC_ASSERT_OK(fence.signal());
  EXPECT_TRUE(signals_within(file.borrow(), timeouts::kWakeBound, "the export after its deadline and signal"));
}

FC_DESCRIBE(SyncFileDeadline, ADeadlineOnASignalledFileIsAccepted,
            "SYNC_IOC_SET_DEADLINE on an already-signalled sync_file is accepted.");
TEST_F(SyncFileDeadline, ADeadlineOnASignalledFileIsAccepted) {
  FC_ASSERT_OK_AND_ASSIGN(UniqueFd idle, uapi::export_sync_file(dmabuf(), Access::Write));
  FC_ASSERT_OK(uapi::sync_file_set_deadline(idle.borrow(), 1));
  EXPECT_EQ(sync_file_pending(idle.borrow()).value(), false);
}

}  // namespace
}  // namespace fc
