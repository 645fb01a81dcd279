// SPDX-License-Identifier: MIT
// uAPI ABI: the ioctl numbers and struct layouts fencecheck sends to the kernel
// equal the values of include/uapi/linux/dma-buf.h, linux/sync_file.h,
// drm/drm.h and drm/vgem_drm.h (written out here from those headers), so a
// wrong encoding fails here by name instead of as a mysterious ENOTTY later.
// No kernel needed: these run on every machine.
#include <gtest/gtest.h>

#include <cstddef>

#include "harness/abi.h"
#include "harness/description.h"

namespace fc {
namespace {

FC_DESCRIBE(UapiAbi, DmaBufIoctlNumbersMatchTheUapiHeader,
            "The dma-buf ioctl numbers this suite and every consumer compile in (SYNC, EXPORT_SYNC_FILE, "
            "IMPORT_SYNC_FILE) are the kernel's.");
TEST(UapiAbi, DmaBufIoctlNumbersMatchTheUapiHeader) {
  EXPECT_EQ(abi::kDmaBufIoctlSync, 0x40086200u);
  EXPECT_EQ(abi::kDmaBufIoctlExportSyncFile, 0xC0086202u);
  EXPECT_EQ(abi::kDmaBufIoctlImportSyncFile, 0x40086203u);
}

FC_DESCRIBE(UapiAbi, DmaBufSyncFlagsMatchTheUapiHeader,
            "The DMA_BUF_SYNC_* flag values a consumer passes are the kernel's.");
TEST(UapiAbi, DmaBufSyncFlagsMatchTheUapiHeader) {
  EXPECT_EQ(abi::kSyncRead, 1u);
  EXPECT_EQ(abi::kSyncWrite, 2u);
  EXPECT_EQ(abi::kSyncRw, 3u);
  EXPECT_EQ(abi::kSyncStart, 0u);
  EXPECT_EQ(abi::kSyncEnd, 4u);
}

FC_DESCRIBE(UapiAbi, DmaBufStructLayoutsMatchTheUapiHeader,
            "The dma-buf ioctl argument structs have the kernel's size and field offsets.");
TEST(UapiAbi, DmaBufStructLayoutsMatchTheUapiHeader) {
  EXPECT_EQ(sizeof(abi::DmaBufSync), 8u);
  EXPECT_EQ(sizeof(abi::DmaBufExportSyncFile), 8u);
  EXPECT_EQ(offsetof(abi::DmaBufExportSyncFile, flags), 0u);
  EXPECT_EQ(offsetof(abi::DmaBufExportSyncFile, fd), 4u);
  EXPECT_EQ(sizeof(abi::DmaBufImportSyncFile), 8u);
  EXPECT_EQ(offsetof(abi::DmaBufImportSyncFile, flags), 0u);
  EXPECT_EQ(offsetof(abi::DmaBufImportSyncFile, fd), 4u);
}

FC_DESCRIBE(UapiAbi, SyncFileIoctlNumbersMatchTheUapiHeader,
            "SYNC_IOC_MERGE and SYNC_IOC_FILE_INFO have the kernel's numbers.");
TEST(UapiAbi, SyncFileIoctlNumbersMatchTheUapiHeader) {
  EXPECT_EQ(abi::kSyncIocMerge, 0xC0303E03u);
  EXPECT_EQ(abi::kSyncIocFileInfo, 0xC0383E04u);
}

FC_DESCRIBE(UapiAbi, SyncFileStructLayoutsMatchTheUapiHeader,
            "The sync_file structs (merge data, file and fence info) have the kernel's layout.");
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

FC_DESCRIBE(UapiAbi, DrmDumbAndPrimeIoctlNumbersMatchTheUapiHeader,
            "The DRM dumb-buffer, PRIME and GEM-close ioctls have the kernel's numbers and layouts.");
TEST(UapiAbi, DrmDumbAndPrimeIoctlNumbersMatchTheUapiHeader) {
  EXPECT_EQ(abi::kDrmIoctlModeCreateDumb, 0xC02064B2u);
  EXPECT_EQ(abi::kDrmIoctlModeDestroyDumb, 0xC00464B4u);
  EXPECT_EQ(abi::kDrmIoctlPrimeHandleToFd, 0xC00C642Du);
}

FC_DESCRIBE(UapiAbi, VgemFenceIoctlsMatchTheUapiHeader,
            "vgem's fence ioctls, which the reference lane drives, have the kernel's numbers and layouts.");
TEST(UapiAbi, VgemFenceIoctlsMatchTheUapiHeader) {
  EXPECT_EQ(abi::kVgemIoctlFenceAttach, 0xC0106441u);
  EXPECT_EQ(abi::kVgemIoctlFenceSignal, 0x40086442u);
  EXPECT_EQ(abi::kVgemFenceWrite, 1u);
  EXPECT_EQ(sizeof(abi::VgemFenceAttach), 16u);
  EXPECT_EQ(offsetof(abi::VgemFenceAttach, out_fence), 8u);
  EXPECT_EQ(sizeof(abi::VgemFenceSignal), 8u);
}

FC_DESCRIBE(UapiAbi, SwSyncIoctlsMatchTheKernelsPrivateDefinitions,
            "sw_sync's debugfs ioctls have the numbers and layouts of the kernel's private header.");
TEST(UapiAbi, SwSyncIoctlsMatchTheKernelsPrivateDefinitions) {
  EXPECT_EQ(abi::kSwSyncIocCreateFence, 0xC0285700u);
  EXPECT_EQ(abi::kSwSyncIocInc, 0x40045701u);
  EXPECT_EQ(offsetof(abi::SwSyncCreateFence, fence), 36u);
}

}  // namespace
}  // namespace fc
