// SPDX-License-Identifier: MIT
// uAPI ABI: the ioctl numbers and struct layouts fencecheck sends to the kernel
// equal the values of include/uapi/linux/dma-buf.h, linux/sync_file.h,
// drm/drm.h and drm/vgem_drm.h (written out here from those headers), so a
// wrong encoding fails here by name instead of as a mysterious ENOTTY later.
// No kernel needed: these run on every machine.
#include <gtest/gtest.h>

#include <cstddef>

#include "harness/abi.h"

namespace fc {
namespace {

TEST(UapiAbi, DmaBufIoctlNumbersMatchTheUapiHeader) {
  EXPECT_EQ(abi::kDmaBufIoctlSync, 0x40086200u);
  EXPECT_EQ(abi::kDmaBufIoctlExportSyncFile, 0xC0086202u);
  EXPECT_EQ(abi::kDmaBufIoctlImportSyncFile, 0x40086203u);
}

TEST(UapiAbi, DmaBufSyncFlagsMatchTheUapiHeader) {
  EXPECT_EQ(abi::kSyncRead, 1u);
  EXPECT_EQ(abi::kSyncWrite, 2u);
  EXPECT_EQ(abi::kSyncRw, 3u);
  EXPECT_EQ(abi::kSyncStart, 0u);
  EXPECT_EQ(abi::kSyncEnd, 4u);
}

TEST(UapiAbi, DmaBufStructLayoutsMatchTheUapiHeader) {
  EXPECT_EQ(sizeof(abi::DmaBufSync), 8u);
  EXPECT_EQ(sizeof(abi::DmaBufExportSyncFile), 8u);
  EXPECT_EQ(offsetof(abi::DmaBufExportSyncFile, flags), 0u);
  EXPECT_EQ(offsetof(abi::DmaBufExportSyncFile, fd), 4u);
  EXPECT_EQ(sizeof(abi::DmaBufImportSyncFile), 8u);
  EXPECT_EQ(offsetof(abi::DmaBufImportSyncFile, flags), 0u);
  EXPECT_EQ(offsetof(abi::DmaBufImportSyncFile, fd), 4u);
}

TEST(UapiAbi, SyncFileIoctlNumbersMatchTheUapiHeader) {
  EXPECT_EQ(abi::kSyncIocMerge, 0xC0303E03u);
  EXPECT_EQ(abi::kSyncIocFileInfo, 0xC0383E04u);
}

TEST(UapiAbi, SyncFileStructLayoutsMatchTheUapiHeader) {
  EXPECT_EQ(sizeof(abi::SyncMergeData), 48u);
  EXPECT_EQ(offsetof(abi::SyncMergeData, fd2), 32u);
  EXPECT_EQ(offsetof(abi::SyncMergeData, fence), 36u);
  EXPECT_EQ(offsetof(abi::SyncMergeData, flags), 40u);
  EXPECT_EQ(offsetof(abi::SyncMergeData, pad), 44u);

  EXPECT_EQ(sizeof(abi::SyncFenceInfo), 80u);
  EXPECT_EQ(offsetof(abi::SyncFenceInfo, driver_name), 32u);
  EXPECT_EQ(offsetof(abi::SyncFenceInfo, status), 64u);
  EXPECT_EQ(offsetof(abi::SyncFenceInfo, flags), 68u);
  EXPECT_EQ(offsetof(abi::SyncFenceInfo, timestamp_ns), 72u);

  EXPECT_EQ(sizeof(abi::SyncFileInfo), 56u);
  EXPECT_EQ(offsetof(abi::SyncFileInfo, status), 32u);
  EXPECT_EQ(offsetof(abi::SyncFileInfo, flags), 36u);
  EXPECT_EQ(offsetof(abi::SyncFileInfo, num_fences), 40u);
  EXPECT_EQ(offsetof(abi::SyncFileInfo, pad), 44u);
  EXPECT_EQ(offsetof(abi::SyncFileInfo, sync_fence_info), 48u);
}

TEST(UapiAbi, DrmDumbAndPrimeIoctlNumbersMatchTheUapiHeader) {
  EXPECT_EQ(abi::kDrmIoctlModeCreateDumb, 0xC02064B2u);
  EXPECT_EQ(abi::kDrmIoctlModeDestroyDumb, 0xC00464B4u);
  EXPECT_EQ(abi::kDrmIoctlPrimeHandleToFd, 0xC00C642Du);
}

TEST(UapiAbi, VgemFenceIoctlsMatchTheUapiHeader) {
  EXPECT_EQ(abi::kVgemIoctlFenceAttach, 0xC0106441u);
  EXPECT_EQ(abi::kVgemIoctlFenceSignal, 0x40086442u);
  EXPECT_EQ(abi::kVgemFenceWrite, 1u);
  EXPECT_EQ(sizeof(abi::VgemFenceAttach), 16u);
  EXPECT_EQ(offsetof(abi::VgemFenceAttach, out_fence), 8u);
  EXPECT_EQ(sizeof(abi::VgemFenceSignal), 8u);
}

TEST(UapiAbi, SwSyncIoctlsMatchTheKernelsPrivateDefinitions) {
  EXPECT_EQ(abi::kSwSyncIocCreateFence, 0xC0285700u);
  EXPECT_EQ(abi::kSwSyncIocInc, 0x40045701u);
  EXPECT_EQ(offsetof(abi::SwSyncCreateFence, fence), 36u);
}

}  // namespace
}  // namespace fc
