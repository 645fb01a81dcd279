// SPDX-License-Identifier: MIT
// DMA_BUF_IOCTL_EXPORT_SYNC_FILE semantics on the vgem reference lane.
//
// Covers and extends IGT dmabuf_sync_file export-basic, export-before-signal,
// export-multiwait and export-wait-after-attach. A READ export collects the
// buffer's writers (what a reader must wait for); WRITE and RW collect readers
// and writers; no fence gives an already-signalled "stub"; the export is a
// snapshot. Every state is checked through the exported sync_file and through
// poll() on the dma-buf (VgemTest::expect_busy).
#include <gtest/gtest.h>

#include "fixtures/record.h"
#include "fixtures/vgem_fixture.h"
#include "harness/description.h"
#include "harness/kernel.h"

namespace fc {
namespace {

class ExportSyncFile : public VgemExportTest {};
class ExportSyncFileEachAccess : public VgemExportTest, public ::testing::WithParamInterface<Access> {};

FC_DESCRIBE(ExportSyncFileEachAccess, IdleBufferExportsAnAlreadySignalledStubFence,
            "EXPORT_SYNC_FILE of an idle buffer gives an already-signalled sync_file for every access, so a consumer "
            "does not wait.");
TEST_P(ExportSyncFileEachAccess, IdleBufferExportsAnAlreadySignalledStubFence) {
  FC_ASSERT_OK_AND_ASSIGN(UniqueFd sync_file, uapi::export_sync_file(dmabuf(), GetParam()));
  FC_ASSERT_OK_AND_ASSIGN(SyncFileInfo info, uapi::sync_file_info(sync_file.borrow()));
  record_fence("idle", info);
  EXPECT_EQ(info.status, 1) << info.describe();
  ASSERT_EQ(info.fences.size(), 1u) << info.describe();
  // The stub fence is signalled from the start: named as this release names signalled fences.
  const FenceNames expected = signalled_names({"stub", "stub"}, running_kernel());
  EXPECT_EQ(info.fences[0].driver, expected.driver) << describe_signalled_names(running_kernel());
  EXPECT_EQ(info.fences[0].timeline, expected.timeline) << describe_signalled_names(running_kernel());
  EXPECT_EQ(info.fences[0].status, 1);
  EXPECT_EQ(sync_file_pending(sync_file.borrow()).value(), false);
}

FC_DESCRIBE(ExportSyncFileEachAccess, PendingReadFenceBlocksWritersButNotReaders,
            "A pending read fence makes a WRITE export wait and leaves a READ export signalled.");
TEST_P(ExportSyncFileEachAccess, PendingReadFenceBlocksWritersButNotReaders) {
  FC_ASSERT_OK_AND_ASSIGN(VgemFence fence, buffer().attach_fence(FenceUsage::Read));
  expect_busy(dmabuf(), GetParam(), writes(GetParam()), "read fence pending");
}

FC_DESCRIBE(ExportSyncFileEachAccess, PendingWriteFenceBlocksEveryAccess,
            "A pending write fence makes every export (READ, WRITE, RW) wait.");
TEST_P(ExportSyncFileEachAccess, PendingWriteFenceBlocksEveryAccess) {
  FC_ASSERT_OK_AND_ASSIGN(VgemFence fence, buffer().attach_fence(FenceUsage::Write));
  expect_busy(dmabuf(), GetParam(), true, "write fence pending");
}

FC_DESCRIBE(ExportSyncFileEachAccess, SignallingTheFenceMakesTheBufferIdleAgain,
            "Once the buffer's fence signals, every export is signalled again.");
TEST_P(ExportSyncFileEachAccess, SignallingTheFenceMakesTheBufferIdleAgain) {
  for (FenceUsage usage : {FenceUsage::Read, FenceUsage::Write}) {
    SCOPED_TRACE(usage == FenceUsage::Read ? "read fence" : "write fence");
    FC_ASSERT_OK_AND_ASSIGN(VgemFence fence, buffer().attach_fence(usage));
    FC_ASSERT_OK(fence.signal());
    expect_busy(dmabuf(), GetParam(), false,
                usage == FenceUsage::Read ? "read fence signalled" : "write fence signalled");
  }
}

INSTANTIATE_TEST_SUITE_P(Vgem, ExportSyncFileEachAccess, kAllAccesses, AccessName());

FC_DESCRIBE(ExportSyncFile, ExportedSyncFileIsCloseOnExec,
            "The exported sync_file is close-on-exec, so it does not leak into programs the consumer starts.");
TEST_F(ExportSyncFile, ExportedSyncFileIsCloseOnExec) {
  FC_ASSERT_OK_AND_ASSIGN(UniqueFd sync_file, uapi::export_sync_file(dmabuf(), Access::Read));
  FC_ASSERT_OK_AND_ASSIGN(bool cloexec, is_cloexec(sync_file.borrow()));
  EXPECT_TRUE(cloexec) << "the kernel allocates the sync_file with O_CLOEXEC";
}

FC_DESCRIBE(
    ExportSyncFile, PendingFenceIsNamedInFileInfoAndTimestampedOnSignal,
    "FILE_INFO of an export names the pending fence's driver and timeline, and gives its signal time once signalled.");
TEST_F(ExportSyncFile, PendingFenceIsNamedInFileInfoAndTimestampedOnSignal) {
  FC_ASSERT_OK_AND_ASSIGN(VgemFence fence, buffer().attach_fence(FenceUsage::Write));
  FC_ASSERT_OK_AND_ASSIGN(UniqueFd sync_file, uapi::export_sync_file(dmabuf(), Access::Read));

  FC_ASSERT_OK_AND_ASSIGN(SyncFileInfo pending, uapi::sync_file_info(sync_file.borrow()));
  record_fence("before signal", pending);
  EXPECT_EQ(pending.status, 0) << pending.describe();
  ASSERT_EQ(pending.fences.size(), 1u) << pending.describe();
  EXPECT_EQ(pending.fences[0].driver, "vgem");
  EXPECT_FALSE(pending.fences[0].timeline.empty());
  EXPECT_EQ(pending.fences[0].status, 0);

  FC_ASSERT_OK(fence.signal());
  FC_ASSERT_OK_AND_ASSIGN(SyncFileInfo signalled, uapi::sync_file_info(sync_file.borrow()));
  record_fence("after signal", signalled);
  EXPECT_EQ(signalled.status, 1) << signalled.describe();
  ASSERT_EQ(signalled.fences.size(), 1u) << signalled.describe();
  const FenceNames expected = signalled_names({"vgem", pending.fences[0].timeline}, running_kernel());
  EXPECT_EQ(signalled.fences[0].driver, expected.driver) << describe_signalled_names(running_kernel());
  EXPECT_EQ(signalled.fences[0].timeline, expected.timeline) << describe_signalled_names(running_kernel());
  EXPECT_EQ(signalled.fences[0].status, 1);
  EXPECT_GT(signalled.fences[0].timestamp_ns, 0u) << "a signalled fence reports when it signalled";
}

// IGT export-before-signal: sync_files exported while a fence is pending
// become readable when it signals, and only the right ones were pending.
FC_DESCRIBE(ExportSyncFile, ExportTakenBeforeSignalBecomesReadableWhenTheFenceSignals,
            "A sync_file exported while the write is pending becomes readable when the fence signals.");
TEST_F(ExportSyncFile, ExportTakenBeforeSignalBecomesReadableWhenTheFenceSignals) {
  for (FenceUsage usage : {FenceUsage::Read, FenceUsage::Write}) {
    bool writer = usage == FenceUsage::Write;
    SCOPED_TRACE(writer ? "write fence" : "read fence");
    FC_ASSERT_OK_AND_ASSIGN(VgemFence fence, buffer().attach_fence(usage));
    FC_ASSERT_OK_AND_ASSIGN(UniqueFd read_file, uapi::export_sync_file(dmabuf(), Access::Read));
    FC_ASSERT_OK_AND_ASSIGN(UniqueFd write_file, uapi::export_sync_file(dmabuf(), Access::Write));
    EXPECT_EQ(sync_file_pending(read_file.borrow()).value(), writer);
    EXPECT_EQ(sync_file_pending(write_file.borrow()).value(), true);

    FC_ASSERT_OK(fence.signal());
    EXPECT_EQ(sync_file_pending(read_file.borrow()).value(), false);
    EXPECT_EQ(sync_file_pending(write_file.borrow()).value(), false);
    FC_ASSERT_OK_AND_ASSIGN(SyncFileInfo info, uapi::sync_file_info(write_file.borrow()));
    record_fence(writer ? "write fence, WRITE export after signal" : "read fence, WRITE export after signal", info);
    EXPECT_EQ(info.status, 1) << info.describe();
  }
}

// IGT export-wait-after-attach: fences attached after the export are not in it.
FC_DESCRIBE(ExportSyncFile, ExportIsASnapshotThatIgnoresLaterFences,
            "An export is a snapshot: fences added to the buffer afterwards do not hold it.");
TEST_F(ExportSyncFile, ExportIsASnapshotThatIgnoresLaterFences) {
  FC_ASSERT_OK_AND_ASSIGN(UniqueFd idle_read, uapi::export_sync_file(dmabuf(), Access::Read));
  FC_ASSERT_OK_AND_ASSIGN(UniqueFd idle_write, uapi::export_sync_file(dmabuf(), Access::Write));
  FC_ASSERT_OK_AND_ASSIGN(VgemFence first, buffer().attach_fence(FenceUsage::Write));
  EXPECT_EQ(sync_file_pending(idle_read.borrow()).value(), false) << "exported before the fence existed";
  EXPECT_EQ(sync_file_pending(idle_write.borrow()).value(), false) << "exported before the fence existed";

  FC_ASSERT_OK_AND_ASSIGN(UniqueFd on_first_read, uapi::export_sync_file(dmabuf(), Access::Read));
  FC_ASSERT_OK_AND_ASSIGN(UniqueFd on_first_write, uapi::export_sync_file(dmabuf(), Access::Write));
  EXPECT_EQ(sync_file_pending(on_first_read.borrow()).value(), true);
  EXPECT_EQ(sync_file_pending(on_first_write.borrow()).value(), true);

  FC_ASSERT_OK(first.signal());
  FC_ASSERT_OK_AND_ASSIGN(VgemFence second, buffer().attach_fence(FenceUsage::Write));
  EXPECT_EQ(sync_file_pending(on_first_read.borrow()).value(), false) << "waits for the first fence only";
  EXPECT_EQ(sync_file_pending(on_first_write.borrow()).value(), false) << "waits for the first fence only";
  expect_state(true, true, "second write fence pending");
}

// IGT export-multiwait: one export of two fences waits for both.
FC_DESCRIBE(ExportSyncFile, ExportOfTwoFencesStaysPendingUntilBothSignal,
            "An export taken with two pending fences stays pending until both have signalled.");
TEST_F(ExportSyncFile, ExportOfTwoFencesStaysPendingUntilBothSignal) {
  FC_ASSERT_OK_AND_ASSIGN(VgemFence first, buffer().attach_fence(FenceUsage::Read));
  FC_ASSERT_OK_AND_ASSIGN(VgemFence second, buffer().attach_fence(FenceUsage::Read));
  FC_ASSERT_OK_AND_ASSIGN(UniqueFd sync_file, uapi::export_sync_file(dmabuf(), Access::Write));
  FC_ASSERT_OK_AND_ASSIGN(SyncFileInfo info, uapi::sync_file_info(sync_file.borrow()));
  record_fence("two read fences, WRITE export", info);
  ASSERT_EQ(info.fences.size(), 2u) << info.describe();
  for (const FenceInfo& fence : info.fences) {
    EXPECT_EQ(fence.driver, "vgem") << info.describe();
    EXPECT_EQ(fence.status, 0) << info.describe();
  }
  FC_ASSERT_OK_AND_ASSIGN(VgemFence third, buffer().attach_fence(FenceUsage::Read));

  EXPECT_EQ(sync_file_pending(sync_file.borrow()).value(), true);
  FC_ASSERT_OK(first.signal());
  EXPECT_EQ(sync_file_pending(sync_file.borrow()).value(), true) << "the second fence is still pending";
  FC_ASSERT_OK(second.signal());
  EXPECT_EQ(sync_file_pending(sync_file.borrow()).value(), false) << "the third fence came after the export";
  expect_busy(dmabuf(), Access::Write, true, "third read fence pending");
}

}  // namespace
}  // namespace fc
