// SPDX-License-Identifier: MIT
// sync_file operations a consumer combines with exports: SYNC_IOC_MERGE of
// two buffers' exports, and the name and fences SYNC_IOC_FILE_INFO reports.
#include <gtest/gtest.h>

#include "fixtures/record.h"
#include "fixtures/vgem_fixture.h"

namespace fc {
namespace {

// The sync_files come from exports (Debian's kernels have no sw_sync).
class SyncFileMerge : public VgemExportTest {};

TEST_F(SyncFileMerge, MergeOfTwoPendingExportsSignalsOnlyAfterBoth) {
  FC_ASSERT_OK_AND_ASSIGN(VgemBuffer other, VgemBuffer::create(vgem()));
  FC_ASSERT_OK_AND_ASSIGN(VgemFence first, buffer().attach_fence(FenceUsage::Write));
  FC_ASSERT_OK_AND_ASSIGN(VgemFence second, other.attach_fence(FenceUsage::Write));
  FC_ASSERT_OK_AND_ASSIGN(UniqueFd a, uapi::export_sync_file(dmabuf(), Access::Read));
  FC_ASSERT_OK_AND_ASSIGN(UniqueFd b, uapi::export_sync_file(other.dmabuf(), Access::Read));

  FC_ASSERT_OK_AND_ASSIGN(UniqueFd merged, uapi::sync_file_merge(a.borrow(), b.borrow(), "fencecheck-merge"));
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

}  // namespace
}  // namespace fc
