// SPDX-License-Identifier: MIT
// The kernel ABI the suite speaks: ioctl numbers and struct layouts of
//   include/uapi/linux/dma-buf.h      (DMA_BUF_IOCTL_SYNC, EXPORT/IMPORT_SYNC_FILE)
//   include/uapi/linux/sync_file.h    (SYNC_IOC_MERGE, SYNC_IOC_FILE_INFO)
//   include/uapi/drm/vgem_drm.h       (VGEM_FENCE_ATTACH / SIGNAL; not shipped by Debian)
//   linux/udmabuf.h, linux/dma-heap.h (dma-buf exporters that are not DRM)
//   drivers/dma-buf/sync_debug.h      (sw_sync: no uAPI header exists)
//
// Declared here, once, so the suite builds on systems whose headers predate
// the ioctls; where the system headers do declare them, static_asserts below
// prove both agree. Only harness/uapi.cpp issues these ioctls.
#pragma once

#include <cstddef>
#include <cstdint>

namespace fc::abi {

// The _IOC encoding of asm-generic/ioctl.h, as a constant expression.
inline constexpr std::uint32_t kIocNone = 0, kIocWrite = 1, kIocRead = 2;
constexpr std::uint32_t ioc(std::uint32_t dir, std::uint32_t type, std::uint32_t nr, std::size_t size) {
  return (dir << 30) | (static_cast<std::uint32_t>(size) << 16) | (type << 8) | nr;
}
constexpr std::uint32_t iow(std::uint32_t type, std::uint32_t nr, std::size_t size) {
  return ioc(kIocWrite, type, nr, size);
}
constexpr std::uint32_t iowr(std::uint32_t type, std::uint32_t nr, std::size_t size) {
  return ioc(kIocRead | kIocWrite, type, nr, size);
}

// ---- linux/dma-buf.h ----
inline constexpr std::uint32_t kDmaBufBase = 'b';
inline constexpr std::uint32_t kSyncRead = 1u << 0;
inline constexpr std::uint32_t kSyncWrite = 1u << 1;
inline constexpr std::uint32_t kSyncRw = kSyncRead | kSyncWrite;
inline constexpr std::uint32_t kSyncStart = 0;
inline constexpr std::uint32_t kSyncEnd = 1u << 2;

struct DmaBufSync {
  std::uint64_t flags;
};
struct DmaBufExportSyncFile {
  std::uint32_t flags;
  std::int32_t fd;
};
struct DmaBufImportSyncFile {
  std::uint32_t flags;
  std::int32_t fd;
};

inline constexpr std::uint32_t kDmaBufIoctlSync = iow(kDmaBufBase, 0, sizeof(DmaBufSync));
inline constexpr std::uint32_t kDmaBufIoctlExportSyncFile = iowr(kDmaBufBase, 2, sizeof(DmaBufExportSyncFile));
inline constexpr std::uint32_t kDmaBufIoctlImportSyncFile = iow(kDmaBufBase, 3, sizeof(DmaBufImportSyncFile));

// ---- linux/sync_file.h ----
inline constexpr std::uint32_t kSyncIocMagic = '>';
inline constexpr std::size_t kSyncNameLen = 32;

struct SyncMergeData {
  char name[kSyncNameLen];
  std::int32_t fd2;
  std::int32_t fence;
  std::uint32_t flags;
  std::uint32_t pad;
};
struct SyncFenceInfo {
  char obj_name[kSyncNameLen];
  char driver_name[kSyncNameLen];
  std::int32_t status;
  std::uint32_t flags;
  std::uint64_t timestamp_ns;
};
struct SyncFileInfo {
  char name[kSyncNameLen];
  std::int32_t status;
  std::uint32_t flags;
  std::uint32_t num_fences;
  std::uint32_t pad;
  std::uint64_t sync_fence_info;  // user pointer to SyncFenceInfo[num_fences]
};

inline constexpr std::uint32_t kSyncIocMerge = iowr(kSyncIocMagic, 3, sizeof(SyncMergeData));
inline constexpr std::uint32_t kSyncIocFileInfo = iowr(kSyncIocMagic, 4, sizeof(SyncFileInfo));

// ---- drm/drm.h (the DRM core ioctls the suite uses) ----
inline constexpr std::uint32_t kDrmIoctlBase = 'd';
inline constexpr std::uint32_t kDrmCommandBase = 0x40;

struct DrmModeCreateDumb {
  std::uint32_t height;
  std::uint32_t width;
  std::uint32_t bpp;
  std::uint32_t flags;
  std::uint32_t handle;
  std::uint32_t pitch;
  std::uint64_t size;
};
struct DrmModeDestroyDumb {
  std::uint32_t handle;
};
struct DrmPrimeHandle {
  std::uint32_t handle;
  std::uint32_t flags;
  std::int32_t fd;
};
inline constexpr std::uint32_t kDrmIoctlModeCreateDumb = iowr(kDrmIoctlBase, 0xB2, sizeof(DrmModeCreateDumb));
inline constexpr std::uint32_t kDrmIoctlModeDestroyDumb = iowr(kDrmIoctlBase, 0xB4, sizeof(DrmModeDestroyDumb));
struct DrmGemClose {
  std::uint32_t handle;
  std::uint32_t pad;
};
inline constexpr std::uint32_t kDrmIoctlPrimeHandleToFd = iowr(kDrmIoctlBase, 0x2d, sizeof(DrmPrimeHandle));
inline constexpr std::uint32_t kDrmIoctlPrimeFdToHandle = iowr(kDrmIoctlBase, 0x2e, sizeof(DrmPrimeHandle));
inline constexpr std::uint32_t kDrmIoctlGemClose = iow(kDrmIoctlBase, 0x09, sizeof(DrmGemClose));

// ---- drm/vgem_drm.h ----
inline constexpr std::uint32_t kVgemFenceWrite = 0x1;
struct VgemFenceAttach {
  std::uint32_t handle;
  std::uint32_t flags;
  std::uint32_t out_fence;
  std::uint32_t pad;
};
struct VgemFenceSignal {
  std::uint32_t fence;
  std::uint32_t flags;
};
inline constexpr std::uint32_t kVgemIoctlFenceAttach =
    iowr(kDrmIoctlBase, kDrmCommandBase + 0x1, sizeof(VgemFenceAttach));
inline constexpr std::uint32_t kVgemIoctlFenceSignal =
    iow(kDrmIoctlBase, kDrmCommandBase + 0x2, sizeof(VgemFenceSignal));

// ---- linux/udmabuf.h: memfd pages as a dma-buf (CONFIG_UDMABUF) ----
inline constexpr std::uint32_t kUdmabufFlagsCloexec = 0x01;
struct UdmabufCreate {
  std::uint32_t memfd;
  std::uint32_t flags;
  std::uint64_t offset;
  std::uint64_t size;
};
inline constexpr std::uint32_t kUdmabufCreate = iow('u', 0x42, sizeof(UdmabufCreate));

// ---- linux/dma-heap.h: dma-buf allocation heaps (CONFIG_DMABUF_HEAPS) ----
struct DmaHeapAllocationData {
  std::uint64_t len;
  std::uint32_t fd;
  std::uint32_t fd_flags;
  std::uint64_t heap_flags;
};
inline constexpr std::uint32_t kDmaHeapIoctlAlloc = iowr('H', 0x0, sizeof(DmaHeapAllocationData));

// ---- sw_sync (debugfs sync/sw_sync; CONFIG_SW_SYNC) ----
struct SwSyncCreateFence {
  std::uint32_t value;
  char name[kSyncNameLen];
  std::int32_t fence;
};
inline constexpr std::uint32_t kSwSyncIocMagic = 'W';
inline constexpr std::uint32_t kSwSyncIocCreateFence = iowr(kSwSyncIocMagic, 0, sizeof(SwSyncCreateFence));
inline constexpr std::uint32_t kSwSyncIocInc = iow(kSwSyncIocMagic, 1, sizeof(std::uint32_t));

// Layouts are the ABI: a change here is a bug, whatever the compiler thinks.
static_assert(sizeof(DmaBufSync) == 8);
static_assert(sizeof(DmaBufExportSyncFile) == 8 && offsetof(DmaBufExportSyncFile, fd) == 4);
static_assert(sizeof(DmaBufImportSyncFile) == 8 && offsetof(DmaBufImportSyncFile, fd) == 4);
static_assert(sizeof(SyncMergeData) == 48 && offsetof(SyncMergeData, fence) == 36);
static_assert(sizeof(SyncFenceInfo) == 80 && offsetof(SyncFenceInfo, timestamp_ns) == 72);
static_assert(sizeof(SyncFileInfo) == 56 && offsetof(SyncFileInfo, sync_fence_info) == 48);
static_assert(sizeof(VgemFenceAttach) == 16 && sizeof(VgemFenceSignal) == 8);
static_assert(sizeof(DrmModeCreateDumb) == 32 && sizeof(DrmPrimeHandle) == 12);
static_assert(sizeof(SwSyncCreateFence) == 40);
static_assert(sizeof(UdmabufCreate) == 24 && sizeof(DmaHeapAllocationData) == 24);

}  // namespace fc::abi
