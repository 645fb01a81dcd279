// SPDX-License-Identifier: MIT
// The kernel ABI the suite speaks: ioctl numbers and struct layouts of
//   include/uapi/linux/dma-buf.h      (DMA_BUF_IOCTL_SYNC, EXPORT/IMPORT_SYNC_FILE)
//   include/uapi/linux/sync_file.h    (SYNC_IOC_MERGE, SYNC_IOC_FILE_INFO)
//   include/uapi/drm/vgem_drm.h       (VGEM_FENCE_ATTACH / SIGNAL; not shipped by Debian)
//   include/uapi/drm/drm.h            (GET_CAP, SET_CLIENT_CAP, the syncobj ioctls)
//   include/uapi/drm/drm_mode.h       (ADDFB2, RMFB, ATOMIC, property blobs, events)
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

// SYNC_IOC_SET_DEADLINE (Linux 6.5): a hint of when the fence is needed.
struct SyncSetDeadline {
  std::uint64_t deadline_ns;  // CLOCK_MONOTONIC
  std::uint64_t pad;          // must be 0
};

inline constexpr std::uint32_t kSyncIocMerge = iowr(kSyncIocMagic, 3, sizeof(SyncMergeData));
inline constexpr std::uint32_t kSyncIocFileInfo = iowr(kSyncIocMagic, 4, sizeof(SyncFileInfo));
inline constexpr std::uint32_t kSyncIocSetDeadline = iow(kSyncIocMagic, 5, sizeof(SyncSetDeadline));

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

// DRM_IOCTL_GET_CAP / SET_CLIENT_CAP.
struct DrmCap {
  std::uint64_t capability;
  std::uint64_t value;
};
inline constexpr std::uint64_t kDrmCapSyncobj = 0x13;
inline constexpr std::uint64_t kDrmCapSyncobjTimeline = 0x14;
inline constexpr std::uint64_t kDrmClientCapUniversalPlanes = 2;
inline constexpr std::uint64_t kDrmClientCapAtomic = 3;
inline constexpr std::uint32_t kDrmIoctlGetCap = iowr(kDrmIoctlBase, 0x0c, sizeof(DrmCap));
inline constexpr std::uint32_t kDrmIoctlSetClientCap = iow(kDrmIoctlBase, 0x0d, sizeof(DrmCap));

// ---- drm/drm.h: syncobj (DRIVER_SYNCOBJ, DRIVER_SYNCOBJ_TIMELINE) ----
inline constexpr std::uint32_t kSyncobjCreateSignaled = 1u << 0;
inline constexpr std::uint32_t kSyncobjFdToHandleImportSyncFile = 1u << 0;
inline constexpr std::uint32_t kSyncobjHandleToFdExportSyncFile = 1u << 0;
inline constexpr std::uint32_t kSyncobjWaitAll = 1u << 0;
inline constexpr std::uint32_t kSyncobjWaitForSubmit = 1u << 1;
inline constexpr std::uint32_t kSyncobjWaitAvailable = 1u << 2;

struct SyncobjCreate {
  std::uint32_t handle;
  std::uint32_t flags;
};
struct SyncobjDestroy {
  std::uint32_t handle;
  std::uint32_t pad;
};
// HANDLE_TO_FD / FD_TO_HANDLE, as every kernel since 4.12 reads it (the
// later `point` member is left out: the kernel zero-fills what a caller omits).
struct SyncobjHandle {
  std::uint32_t handle;
  std::uint32_t flags;
  std::int32_t fd;
  std::uint32_t pad;
};
struct SyncobjTransfer {
  std::uint32_t src_handle;
  std::uint32_t dst_handle;
  std::uint64_t src_point;
  std::uint64_t dst_point;
  std::uint32_t flags;
  std::uint32_t pad;
};
// TIMELINE_WAIT without the 6.5 deadline_nsec member (zero-filled, as above).
struct SyncobjTimelineWait {
  std::uint64_t handles;      // user pointer to u32[count_handles]
  std::uint64_t points;       // user pointer to u64[count_handles]
  std::int64_t timeout_nsec;  // absolute, CLOCK_MONOTONIC
  std::uint32_t count_handles;
  std::uint32_t flags;
  std::uint32_t first_signaled;
  std::uint32_t pad;
};
// QUERY and TIMELINE_SIGNAL.
struct SyncobjTimelineArray {
  std::uint64_t handles;
  std::uint64_t points;
  std::uint32_t count_handles;
  std::uint32_t flags;
};
// SYNCOBJ_EVENTFD (Linux 6.6).
struct SyncobjEventfd {
  std::uint32_t handle;
  std::uint32_t flags;
  std::uint64_t point;
  std::int32_t fd;
  std::uint32_t pad;
};
inline constexpr std::uint32_t kDrmIoctlSyncobjCreate = iowr(kDrmIoctlBase, 0xBF, sizeof(SyncobjCreate));
inline constexpr std::uint32_t kDrmIoctlSyncobjDestroy = iowr(kDrmIoctlBase, 0xC0, sizeof(SyncobjDestroy));
inline constexpr std::uint32_t kDrmIoctlSyncobjHandleToFd = iowr(kDrmIoctlBase, 0xC1, sizeof(SyncobjHandle));
inline constexpr std::uint32_t kDrmIoctlSyncobjFdToHandle = iowr(kDrmIoctlBase, 0xC2, sizeof(SyncobjHandle));
inline constexpr std::uint32_t kDrmIoctlSyncobjTimelineWait = iowr(kDrmIoctlBase, 0xCA, sizeof(SyncobjTimelineWait));
inline constexpr std::uint32_t kDrmIoctlSyncobjQuery = iowr(kDrmIoctlBase, 0xCB, sizeof(SyncobjTimelineArray));
inline constexpr std::uint32_t kDrmIoctlSyncobjTransfer = iowr(kDrmIoctlBase, 0xCC, sizeof(SyncobjTransfer));
inline constexpr std::uint32_t kDrmIoctlSyncobjTimelineSignal = iowr(kDrmIoctlBase, 0xCD, sizeof(SyncobjTimelineArray));
inline constexpr std::uint32_t kDrmIoctlSyncobjEventfd = iowr(kDrmIoctlBase, 0xCF, sizeof(SyncobjEventfd));

// ---- drm/drm_mode.h: framebuffers and atomic commits ----
struct DrmModeFbCmd2 {
  std::uint32_t fb_id;
  std::uint32_t width;
  std::uint32_t height;
  std::uint32_t pixel_format;
  std::uint32_t flags;
  std::uint32_t handles[4];
  std::uint32_t pitches[4];
  std::uint32_t offsets[4];
  std::uint64_t modifier[4];
};
struct DrmModeAtomic {
  std::uint32_t flags;
  std::uint32_t count_objs;
  std::uint64_t objs_ptr;
  std::uint64_t count_props_ptr;
  std::uint64_t props_ptr;
  std::uint64_t prop_values_ptr;
  std::uint64_t reserved;
  std::uint64_t user_data;
};
struct DrmModeCreateBlob {
  std::uint64_t data;
  std::uint32_t length;
  std::uint32_t blob_id;
};
struct DrmModeDestroyBlob {
  std::uint32_t blob_id;
};
// What read() on a DRM node returns: struct drm_event_vblank.
struct DrmEventVblank {
  std::uint32_t type;
  std::uint32_t length;
  std::uint64_t user_data;
  std::uint32_t tv_sec;
  std::uint32_t tv_usec;
  std::uint32_t sequence;
  std::uint32_t crtc_id;
};
inline constexpr std::uint32_t kDrmEventFlipComplete = 0x02;
inline constexpr std::uint32_t kDrmModePageFlipEvent = 0x01;
inline constexpr std::uint32_t kDrmModeAtomicTestOnly = 0x0100;
inline constexpr std::uint32_t kDrmModeAtomicNonblock = 0x0200;
inline constexpr std::uint32_t kDrmModeAtomicAllowModeset = 0x0400;
inline constexpr std::uint32_t kDrmFormatXrgb8888 = 0x34325258;  // fourcc 'XR24'
inline constexpr std::uint32_t kDrmIoctlModeAddFb2 = iowr(kDrmIoctlBase, 0xB8, sizeof(DrmModeFbCmd2));
inline constexpr std::uint32_t kDrmIoctlModeRmFb = iowr(kDrmIoctlBase, 0xAF, sizeof(std::uint32_t));
inline constexpr std::uint32_t kDrmIoctlModeAtomic = iowr(kDrmIoctlBase, 0xBC, sizeof(DrmModeAtomic));
inline constexpr std::uint32_t kDrmIoctlModeCreatePropBlob = iowr(kDrmIoctlBase, 0xBD, sizeof(DrmModeCreateBlob));
inline constexpr std::uint32_t kDrmIoctlModeDestroyPropBlob = iowr(kDrmIoctlBase, 0xBE, sizeof(DrmModeDestroyBlob));

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
static_assert(sizeof(SyncSetDeadline) == 16 && sizeof(DrmCap) == 16);
static_assert(sizeof(SyncobjCreate) == 8 && sizeof(SyncobjDestroy) == 8 && sizeof(SyncobjHandle) == 16);
static_assert(sizeof(SyncobjTransfer) == 32 && offsetof(SyncobjTransfer, flags) == 24);
static_assert(sizeof(SyncobjTimelineWait) == 40 && offsetof(SyncobjTimelineWait, count_handles) == 24);
static_assert(sizeof(SyncobjTimelineArray) == 24 && sizeof(SyncobjEventfd) == 24);
static_assert(sizeof(DrmModeFbCmd2) == 104 && offsetof(DrmModeFbCmd2, modifier) == 72);
static_assert(sizeof(DrmModeAtomic) == 56 && sizeof(DrmModeCreateBlob) == 16);
static_assert(sizeof(DrmEventVblank) == 32);

}  // namespace fc::abi
