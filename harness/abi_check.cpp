// SPDX-License-Identifier: MIT
// Compile-time proof that harness/abi.h matches the kernel headers this
// system has. Headers too old to declare an ioctl are skipped, not faked.
#include "harness/abi.h"

#include <cstddef>

#if __has_include(<linux/dma-buf.h>)
#include <linux/dma-buf.h>
#endif
#if __has_include(<linux/sync_file.h>)
#include <linux/sync_file.h>
#endif
#if __has_include(<linux/udmabuf.h>)
#include <linux/udmabuf.h>
#endif
#if __has_include(<linux/dma-heap.h>)
#include <linux/dma-heap.h>
#endif
#if __has_include(<drm.h>)
#include <drm.h>
#include <drm_mode.h>
#endif

namespace fc::abi {

#ifdef DMA_BUF_IOCTL_SYNC
static_assert(kDmaBufIoctlSync == DMA_BUF_IOCTL_SYNC);
static_assert(kSyncRead == DMA_BUF_SYNC_READ && kSyncWrite == DMA_BUF_SYNC_WRITE);
static_assert(kSyncRw == DMA_BUF_SYNC_RW && kSyncEnd == DMA_BUF_SYNC_END && kSyncStart == DMA_BUF_SYNC_START);
static_assert(sizeof(DmaBufSync) == sizeof(struct dma_buf_sync));
#endif
#ifdef DMA_BUF_IOCTL_EXPORT_SYNC_FILE
static_assert(kDmaBufIoctlExportSyncFile == DMA_BUF_IOCTL_EXPORT_SYNC_FILE);
static_assert(kDmaBufIoctlImportSyncFile == DMA_BUF_IOCTL_IMPORT_SYNC_FILE);
static_assert(sizeof(DmaBufExportSyncFile) == sizeof(struct dma_buf_export_sync_file));
static_assert(offsetof(DmaBufExportSyncFile, fd) == offsetof(struct dma_buf_export_sync_file, fd));
static_assert(sizeof(DmaBufImportSyncFile) == sizeof(struct dma_buf_import_sync_file));
static_assert(offsetof(DmaBufImportSyncFile, fd) == offsetof(struct dma_buf_import_sync_file, fd));
#endif
#ifdef SYNC_IOC_FILE_INFO
static_assert(kSyncIocMerge == SYNC_IOC_MERGE);
static_assert(kSyncIocFileInfo == SYNC_IOC_FILE_INFO);
static_assert(sizeof(SyncMergeData) == sizeof(struct sync_merge_data));
static_assert(offsetof(SyncMergeData, fence) == offsetof(struct sync_merge_data, fence));
static_assert(sizeof(SyncFenceInfo) == sizeof(struct sync_fence_info));
static_assert(offsetof(SyncFenceInfo, status) == offsetof(struct sync_fence_info, status));
static_assert(offsetof(SyncFenceInfo, timestamp_ns) == offsetof(struct sync_fence_info, timestamp_ns));
static_assert(sizeof(SyncFileInfo) == sizeof(struct sync_file_info));
static_assert(offsetof(SyncFileInfo, num_fences) == offsetof(struct sync_file_info, num_fences));
static_assert(offsetof(SyncFileInfo, sync_fence_info) == offsetof(struct sync_file_info, sync_fence_info));
#endif
#ifdef DRM_IOCTL_MODE_CREATE_DUMB
static_assert(kDrmIoctlModeCreateDumb == DRM_IOCTL_MODE_CREATE_DUMB);
static_assert(kDrmIoctlModeDestroyDumb == DRM_IOCTL_MODE_DESTROY_DUMB);
static_assert(kDrmIoctlPrimeHandleToFd == DRM_IOCTL_PRIME_HANDLE_TO_FD);
static_assert(kDrmIoctlPrimeFdToHandle == DRM_IOCTL_PRIME_FD_TO_HANDLE);
static_assert(kDrmIoctlGemClose == DRM_IOCTL_GEM_CLOSE);
static_assert(sizeof(DrmGemClose) == sizeof(struct drm_gem_close));
static_assert(sizeof(DrmModeCreateDumb) == sizeof(struct drm_mode_create_dumb));
static_assert(offsetof(DrmModeCreateDumb, size) == offsetof(struct drm_mode_create_dumb, size));
static_assert(sizeof(DrmPrimeHandle) == sizeof(struct drm_prime_handle));
static_assert(kDrmCommandBase == DRM_COMMAND_BASE);
static_assert(kDrmIoctlGetCap == DRM_IOCTL_GET_CAP && kDrmIoctlSetClientCap == DRM_IOCTL_SET_CLIENT_CAP);
static_assert(kDrmCapSyncobj == DRM_CAP_SYNCOBJ && kDrmClientCapAtomic == DRM_CLIENT_CAP_ATOMIC);
static_assert(kDrmClientCapUniversalPlanes == DRM_CLIENT_CAP_UNIVERSAL_PLANES);
static_assert(kDrmIoctlModeAddFb2 == DRM_IOCTL_MODE_ADDFB2 && kDrmIoctlModeRmFb == DRM_IOCTL_MODE_RMFB);
static_assert(kDrmIoctlModeAtomic == DRM_IOCTL_MODE_ATOMIC);
static_assert(kDrmIoctlModeCreatePropBlob == DRM_IOCTL_MODE_CREATEPROPBLOB);
static_assert(kDrmIoctlModeDestroyPropBlob == DRM_IOCTL_MODE_DESTROYPROPBLOB);
static_assert(sizeof(DrmModeFbCmd2) == sizeof(struct drm_mode_fb_cmd2));
static_assert(sizeof(DrmModeAtomic) == sizeof(struct drm_mode_atomic));
static_assert(sizeof(DrmEventVblank) == sizeof(struct drm_event_vblank));
static_assert(kDrmModeAtomicNonblock == DRM_MODE_ATOMIC_NONBLOCK && kDrmModePageFlipEvent == DRM_MODE_PAGE_FLIP_EVENT);
static_assert(kDrmModeAtomicAllowModeset == DRM_MODE_ATOMIC_ALLOW_MODESET);
static_assert(kDrmModeAtomicTestOnly == DRM_MODE_ATOMIC_TEST_ONLY && kDrmEventFlipComplete == DRM_EVENT_FLIP_COMPLETE);
#endif
#ifdef DRM_IOCTL_SYNCOBJ_CREATE
static_assert(kDrmIoctlSyncobjCreate == DRM_IOCTL_SYNCOBJ_CREATE);
static_assert(kDrmIoctlSyncobjDestroy == DRM_IOCTL_SYNCOBJ_DESTROY);
static_assert(kDrmIoctlSyncobjHandleToFd == DRM_IOCTL_SYNCOBJ_HANDLE_TO_FD);
static_assert(kDrmIoctlSyncobjFdToHandle == DRM_IOCTL_SYNCOBJ_FD_TO_HANDLE);
static_assert(kSyncobjFdToHandleImportSyncFile == DRM_SYNCOBJ_FD_TO_HANDLE_FLAGS_IMPORT_SYNC_FILE);
static_assert(kSyncobjHandleToFdExportSyncFile == DRM_SYNCOBJ_HANDLE_TO_FD_FLAGS_EXPORT_SYNC_FILE);
static_assert(kSyncobjCreateSignaled == DRM_SYNCOBJ_CREATE_SIGNALED);
#endif
#ifdef DRM_IOCTL_SYNCOBJ_TIMELINE_WAIT
static_assert(kDrmIoctlSyncobjTimelineWait == DRM_IOCTL_SYNCOBJ_TIMELINE_WAIT);
static_assert(kDrmIoctlSyncobjQuery == DRM_IOCTL_SYNCOBJ_QUERY);
static_assert(kDrmIoctlSyncobjTransfer == DRM_IOCTL_SYNCOBJ_TRANSFER);
static_assert(kDrmIoctlSyncobjTimelineSignal == DRM_IOCTL_SYNCOBJ_TIMELINE_SIGNAL);
static_assert(kSyncobjWaitForSubmit == DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT);
static_assert(kSyncobjWaitAvailable == DRM_SYNCOBJ_WAIT_FLAGS_WAIT_AVAILABLE);
static_assert(kSyncobjWaitAll == DRM_SYNCOBJ_WAIT_FLAGS_WAIT_ALL);
#endif
#ifdef DRM_IOCTL_SYNCOBJ_EVENTFD
static_assert(kDrmIoctlSyncobjEventfd == DRM_IOCTL_SYNCOBJ_EVENTFD);
static_assert(sizeof(SyncobjEventfd) == sizeof(struct drm_syncobj_eventfd));
#endif
#ifdef SYNC_IOC_SET_DEADLINE
static_assert(kSyncIocSetDeadline == SYNC_IOC_SET_DEADLINE);
static_assert(sizeof(SyncSetDeadline) == sizeof(struct sync_set_deadline));
#endif

#ifdef UDMABUF_CREATE
static_assert(kUdmabufCreate == UDMABUF_CREATE && kUdmabufFlagsCloexec == UDMABUF_FLAGS_CLOEXEC);
static_assert(sizeof(UdmabufCreate) == sizeof(struct udmabuf_create));
static_assert(offsetof(UdmabufCreate, size) == offsetof(struct udmabuf_create, size));
#endif
#ifdef DMA_HEAP_IOCTL_ALLOC
static_assert(kDmaHeapIoctlAlloc == DMA_HEAP_IOCTL_ALLOC);
static_assert(sizeof(DmaHeapAllocationData) == sizeof(struct dma_heap_allocation_data));
static_assert(offsetof(DmaHeapAllocationData, heap_flags) == offsetof(struct dma_heap_allocation_data, heap_flags));
#endif

}  // namespace fc::abi
