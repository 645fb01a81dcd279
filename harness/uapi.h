// SPDX-License-Identifier: MIT
// The uapi layer: the only fencecheck code that makes the dma-buf, sync_file,
// DRM and vgem system calls itself (ioctl(), poll(), mmap()), but for
// bench/bare_recipe.c (the consumer recipe in plain C, the idle benchmark's
// baseline), the recommended helper's one poll() on an idle buffer
// (harness/consumer.cpp, traced too) and libdrm's device and KMS object queries (harness/device.cpp,
// harness/kms.cpp: versions, resources, properties); GBM, EGL and Vulkan make
// their own inside Mesa. Every call here is traced while a test runs
// (harness/trace.h): what `fencecheck-results reproducer` replays.
//
// Typed wrappers over the dma-buf, sync_file, DRM-dumb/PRIME, vgem and sw_sync
// ioctls. Each returns the exact errno of the failing call; EINTR is retried
// here and nowhere else; every wait takes a Deadline. Descriptors passed as
// BorrowedFd are never closed; descriptors the kernel creates come back as
// UniqueFd (the caller owns them).
#pragma once

#include <poll.h>
#include <sys/epoll.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "harness/abi.h"
#include "harness/deadline.h"
#include "harness/fd.h"
#include "harness/result.h"

namespace fc {

// What a consumer is about to do with a buffer: the DMA_BUF_SYNC_{READ,WRITE,RW} flags.
enum class Access : std::uint32_t {
  Read = abi::kSyncRead,
  Write = abi::kSyncWrite,
  ReadWrite = abi::kSyncRw,
};
[[nodiscard]] std::string_view to_string(Access access);
[[nodiscard]] constexpr std::uint32_t flags_of(Access access) { return static_cast<std::uint32_t>(access); }
[[nodiscard]] constexpr bool writes(Access access) { return (flags_of(access) & abi::kSyncWrite) != 0; }
// poll() on a dma-buf: POLLIN waits for its writers, POLLOUT for readers and writers.
[[nodiscard]] constexpr short poll_events_for(Access access) { return writes(access) ? POLLOUT : POLLIN; }

enum class WaitResult { Ready, TimedOut };
[[nodiscard]] std::string_view to_string(WaitResult result);

// One fence of a sync_file, as SYNC_IOC_FILE_INFO reports it.
struct FenceInfo {
  std::string driver;              // driver_name, e.g. "vgem", "virtio_gpu", "stub"
  std::string timeline;            // obj_name
  std::int32_t status = 0;         // 0 active, 1 signalled, < 0 error
  std::uint64_t timestamp_ns = 0;  // signal time (CLOCK_MONOTONIC) once signalled
};

struct SyncFileInfo {
  std::string name;
  std::int32_t status = 0;  // of the sync_file as a whole
  std::vector<FenceInfo> fences;

  // "1 fence: vgem/unbound active" — what a failure message and a report show.
  [[nodiscard]] std::string describe() const;
};

// A shared mapping of a dma-buf, unmapped on destruction.
class DmaBufMapping {
 public:
  DmaBufMapping() = default;
  DmaBufMapping(void* address, std::size_t size) : address_(address), size_(size) {}
  DmaBufMapping(DmaBufMapping&& other) noexcept
      : address_(std::exchange(other.address_, nullptr)), size_(std::exchange(other.size_, 0)) {}
  DmaBufMapping& operator=(DmaBufMapping&& other) noexcept;
  DmaBufMapping(const DmaBufMapping&) = delete;
  DmaBufMapping& operator=(const DmaBufMapping&) = delete;
  ~DmaBufMapping();

  [[nodiscard]] std::span<std::uint8_t> bytes() const { return {static_cast<std::uint8_t*>(address_), size_}; }

 private:
  void* address_ = nullptr;
  std::size_t size_ = 0;
};

// A dumb buffer on a DRM device, as DRM_IOCTL_MODE_CREATE_DUMB returned it.
struct DumbBuffer {
  std::uint32_t handle = 0;
  std::uint32_t pitch = 0;
  std::uint64_t size = 0;
};

namespace uapi {

// ---- dma-buf (linux/dma-buf.h) ----

// DMA_BUF_IOCTL_EXPORT_SYNC_FILE. flags is passed through unchecked so that
// invalid flags reach the kernel; the returned sync_file is owned by the caller.
[[nodiscard]] Result<UniqueFd> export_sync_file(BorrowedFd dmabuf, std::uint32_t flags);
[[nodiscard]] inline Result<UniqueFd> export_sync_file(BorrowedFd dmabuf, Access access) {
  return export_sync_file(dmabuf, flags_of(access));
}

// DMA_BUF_IOCTL_IMPORT_SYNC_FILE: adds sync_file's fences to dmabuf (as writers
// if flags has WRITE, else as readers). Does not take ownership of sync_file.
[[nodiscard]] Status import_sync_file(BorrowedFd dmabuf, std::uint32_t flags, BorrowedFd sync_file);
[[nodiscard]] inline Status import_sync_file(BorrowedFd dmabuf, Access access, BorrowedFd sync_file) {
  return import_sync_file(dmabuf, flags_of(access), sync_file);
}

// DMA_BUF_IOCTL_SYNC with raw flags, one call. START blocks, unbounded, while
// the buffer has conflicting fences: use dma_buf_sync_start() for waits.
[[nodiscard]] Status dma_buf_sync(BorrowedFd dmabuf, std::uint64_t flags);

// DMA_BUF_IOCTL_SYNC START, bounded: the kernel waits for the buffer's fences
// without a timeout, so the call is interrupted by a per-thread timer at the
// deadline (SIGRTMIN without SA_RESTART, handled here) and reports TimedOut.
// On Ready the caller owes a matching dma_buf_sync_end().
[[nodiscard]] Result<WaitResult> dma_buf_sync_start(BorrowedFd dmabuf, Access access, Deadline deadline);
[[nodiscard]] Status dma_buf_sync_end(BorrowedFd dmabuf, Access access);

// mmap() of a dma-buf (MAP_SHARED), read-only or read-write.
[[nodiscard]] Result<DmaBufMapping> map_dma_buf(BorrowedFd dmabuf, std::size_t size, bool writable);

// ---- waiting on any pollable descriptor ----

// poll() one descriptor for events until the deadline: Ready when any of
// events is reported, TimedOut when the deadline passes. An error condition is
// never Ready: POLLNVAL is EBADF, POLLERR EIO, a hang-up without any of events
// EPIPE. A signal (EINTR) polls again for what is left of the deadline, never
// for the whole timeout again. Deadline::now() checks the state without waiting.
[[nodiscard]] Result<WaitResult> poll_fd(BorrowedFd fd, short events, Deadline deadline);
// poll() with a zero timeout: true while none of events is ready (still pending); the errno as poll_fd's.
[[nodiscard]] Result<bool> is_busy(BorrowedFd fd, short events);
// poll() one descriptor for events until the deadline: revents as the kernel
// reported them (POLLNVAL, POLLERR and POLLHUP included, for the caller to
// judge), 0 when the deadline passed first. EINTR as poll_fd's.
[[nodiscard]] Result<short> poll_revents(BorrowedFd fd, short events, Deadline deadline);

// epoll_create1(EPOLL_CLOEXEC).
[[nodiscard]] Result<UniqueFd> epoll_create();
// EPOLL_CTL_ADD of fd for events (EPOLLIN, EPOLLOUT, EPOLLET, ...); data.fd is fd.
// Does not take ownership of either descriptor.
[[nodiscard]] Status epoll_add(BorrowedFd epoll, BorrowedFd fd, std::uint32_t events);
// epoll_wait() for up to max_events until the deadline: the events reported,
// none when the deadline passed first (Deadline::now(): epoll_wait(0)). A
// signal (EINTR) waits again for what is left of the deadline.
[[nodiscard]] Result<std::vector<epoll_event>> epoll_wait(BorrowedFd epoll, int max_events, Deadline deadline);

// ---- sync_file (linux/sync_file.h) ----

// SYNC_IOC_FILE_INFO, every fence included.
[[nodiscard]] Result<SyncFileInfo> sync_file_info(BorrowedFd sync_file);

// SYNC_IOC_FILE_INFO's count query with the given flags and pad (both must be 0):
// for bad-input tests. Returns the number of fences.
[[nodiscard]] Result<std::uint32_t> sync_file_info_query(BorrowedFd sync_file, std::uint32_t flags, std::uint32_t pad);
// SYNC_IOC_FILE_INFO asking for `slots` fences into `buffer` (raw: for bad-input tests).
[[nodiscard]] Status sync_file_info_into(BorrowedFd sync_file, std::uint32_t slots, std::uint64_t buffer);

// SYNC_IOC_MERGE: a new sync_file that signals when both inputs have.
[[nodiscard]] Result<UniqueFd> sync_file_merge(BorrowedFd first, BorrowedFd second, std::string_view name);
// SYNC_IOC_MERGE with every field given (name bytes as they are, flags, pad).
[[nodiscard]] Result<UniqueFd> sync_file_merge_raw(BorrowedFd first, const abi::SyncMergeData& data);

// SYNC_IOC_SET_DEADLINE (Linux 6.5; ENOTTY before): deadline_ns on CLOCK_MONOTONIC.
[[nodiscard]] Status sync_file_set_deadline(BorrowedFd sync_file, std::uint64_t deadline_ns, std::uint64_t pad = 0);
// SYNC_IOC_SET_DEADLINE with its argument at a raw address (for bad-input tests).
[[nodiscard]] Status sync_file_set_deadline_at(BorrowedFd sync_file, std::uint64_t address);

// ---- DRM core: dumb buffers and PRIME ----

[[nodiscard]] Result<DumbBuffer> drm_create_dumb(BorrowedFd drm, std::uint32_t width, std::uint32_t height,
                                                 std::uint32_t bpp, std::uint32_t flags = 0);
[[nodiscard]] Status drm_destroy_dumb(BorrowedFd drm, std::uint32_t handle);
// DRM_IOCTL_PRIME_HANDLE_TO_FD: a dma-buf for a GEM handle (O_CLOEXEC | O_RDWR by default).
[[nodiscard]] Result<UniqueFd> drm_prime_handle_to_fd(BorrowedFd drm, std::uint32_t handle);
[[nodiscard]] Result<UniqueFd> drm_prime_handle_to_fd(BorrowedFd drm, std::uint32_t handle, std::uint32_t flags);

// DRM_IOCTL_PRIME_FD_TO_HANDLE: a GEM handle on drm for a dma-buf (imported if foreign).
[[nodiscard]] Result<std::uint32_t> drm_prime_fd_to_handle(BorrowedFd drm, BorrowedFd dmabuf);
// DRM_IOCTL_GEM_CLOSE.
[[nodiscard]] Status drm_gem_close(BorrowedFd drm, std::uint32_t handle);

// ---- DRM core: capabilities ----

// DRM_IOCTL_GET_CAP: the value of a DRM_CAP_* (0 for "no" on drivers that
// answer; EINVAL where the kernel does not know the capability).
[[nodiscard]] Result<std::uint64_t> drm_get_cap(BorrowedFd drm, std::uint64_t capability);
// DRM_IOCTL_SET_CLIENT_CAP (e.g. DRM_CLIENT_CAP_ATOMIC).
[[nodiscard]] Status drm_set_client_cap(BorrowedFd drm, std::uint64_t capability, std::uint64_t value);

// ---- DRM syncobj (drm/drm.h; drivers with DRIVER_SYNCOBJ) ----

[[nodiscard]] Result<std::uint32_t> syncobj_create(BorrowedFd drm, std::uint32_t flags = 0);
[[nodiscard]] Status syncobj_destroy(BorrowedFd drm, std::uint32_t handle);
// DRM_IOCTL_SYNCOBJ_HANDLE_TO_FD: flags 0 gives the syncobj itself as an fd;
// DRM_SYNCOBJ_HANDLE_TO_FD_FLAGS_EXPORT_SYNC_FILE a sync_file of its fence.
[[nodiscard]] Result<UniqueFd> syncobj_handle_to_fd(BorrowedFd drm, std::uint32_t handle, std::uint32_t flags);
// DRM_IOCTL_SYNCOBJ_FD_TO_HANDLE: flags 0 turns a syncobj fd into a new
// handle; DRM_SYNCOBJ_FD_TO_HANDLE_FLAGS_IMPORT_SYNC_FILE replaces the fence
// of `handle` with the sync_file's and returns `handle`.
[[nodiscard]] Result<std::uint32_t> syncobj_fd_to_handle(BorrowedFd drm, BorrowedFd fd, std::uint32_t flags,
                                                         std::uint32_t handle = 0);
// DRM_IOCTL_SYNCOBJ_TRANSFER: the fence at src_point of src to dst_point of dst
// (point 0: a binary syncobj, or a timeline's latest fence).
[[nodiscard]] Status syncobj_transfer(BorrowedFd drm, std::uint32_t src, std::uint64_t src_point, std::uint32_t dst,
                                      std::uint64_t dst_point, std::uint32_t flags = 0);
// DRM_IOCTL_SYNCOBJ_TIMELINE_WAIT on one point until the deadline (the
// kernel's own absolute CLOCK_MONOTONIC timeout): Ready, or TimedOut when the
// kernel answers ETIME; any other errno as it is (EINVAL: a point with no
// fence yet, waited on without WAIT_FOR_SUBMIT).
[[nodiscard]] Result<WaitResult> syncobj_timeline_wait(BorrowedFd drm, std::uint32_t handle, std::uint64_t point,
                                                       std::uint32_t flags, Deadline deadline);
// DRM_IOCTL_SYNCOBJ_QUERY: the timeline's last signalled point.
[[nodiscard]] Result<std::uint64_t> syncobj_query(BorrowedFd drm, std::uint32_t handle, std::uint32_t flags = 0);
// DRM_IOCTL_SYNCOBJ_EVENTFD (Linux 6.6): eventfd is signalled when point
// signals (or, with WAIT_AVAILABLE, once it has a fence). Does not take the eventfd.
[[nodiscard]] Status syncobj_eventfd(BorrowedFd drm, std::uint32_t handle, std::uint64_t point, BorrowedFd eventfd,
                                     std::uint32_t flags = 0, std::uint32_t pad = 0);

// ---- DRM KMS: framebuffers, atomic commits, events ----

// DRM_IOCTL_MODE_ADDFB2 of one single-plane buffer (no modifier): the framebuffer id.
[[nodiscard]] Result<std::uint32_t> drm_mode_add_fb2(BorrowedFd drm, std::uint32_t width, std::uint32_t height,
                                                     std::uint32_t format, std::uint32_t handle, std::uint32_t pitch);
[[nodiscard]] Status drm_mode_rm_fb(BorrowedFd drm, std::uint32_t fb);
// DRM_IOCTL_MODE_CREATEPROPBLOB: a blob of `data` (e.g. a drm_mode_modeinfo for MODE_ID).
[[nodiscard]] Result<std::uint32_t> drm_mode_create_blob(BorrowedFd drm, std::span<const std::byte> data);
[[nodiscard]] Status drm_mode_destroy_blob(BorrowedFd drm, std::uint32_t blob);

// One property value of an atomic commit.
struct AtomicProperty {
  std::uint32_t object = 0;
  std::uint32_t property = 0;
  std::uint64_t value = 0;
};
// DRM_IOCTL_MODE_ATOMIC with the properties in order (grouped by object
// here), flags (DRM_MODE_ATOMIC_*, DRM_MODE_PAGE_FLIP_EVENT) and the event's user_data.
[[nodiscard]] Status drm_mode_atomic(BorrowedFd drm, std::span<const AtomicProperty> properties, std::uint32_t flags,
                                     std::uint64_t user_data = 0);
// read() of one DRM event (a flip or vblank event) once poll() says one is
// there, until the deadline: nullopt when none came.
[[nodiscard]] Result<std::optional<abi::DrmEventVblank>> drm_read_event(BorrowedFd drm, Deadline deadline);

// ---- vgem (drm/vgem_drm.h) ----

// DRM_IOCTL_VGEM_FENCE_ATTACH: a new unsignalled fence on the object, as a
// writer when flags has VGEM_FENCE_WRITE. Returns the fence id. vgem signals
// it by itself after 10 s.
[[nodiscard]] Result<std::uint32_t> vgem_fence_attach(BorrowedFd drm, std::uint32_t handle, std::uint32_t flags,
                                                      std::uint32_t pad = 0);
[[nodiscard]] Status vgem_fence_signal(BorrowedFd drm, std::uint32_t fence, std::uint32_t flags = 0);

// ---- dma-buf exporters that are not DRM ----

// UDMABUF_CREATE on /dev/udmabuf: a dma-buf of `size` bytes of memfd from offset
// (the memfd must be sealed against shrinking). Owned by the caller.
[[nodiscard]] Result<UniqueFd> udmabuf_create(BorrowedFd udmabuf_dev, BorrowedFd memfd, std::uint64_t offset,
                                              std::uint64_t size, std::uint32_t flags = abi::kUdmabufFlagsCloexec);
// DMA_HEAP_IOCTL_ALLOC on a /dev/dma_heap/ node: a dma-buf of len bytes.
[[nodiscard]] Result<UniqueFd> dma_heap_alloc(BorrowedFd heap, std::uint64_t len, std::uint32_t fd_flags,
                                              std::uint64_t heap_flags = 0);

// open() of a device node (O_RDWR | O_CLOEXEC), traced with its path.
[[nodiscard]] Result<UniqueFd> open_path(const std::string& path);

// ---- memfd: udmabuf's pages ----

[[nodiscard]] Result<UniqueFd> memfd_create(const std::string& name, std::uint32_t flags);
[[nodiscard]] Status ftruncate(BorrowedFd fd, std::uint64_t length);
// fcntl(F_ADD_SEALS).
[[nodiscard]] Status add_seals(BorrowedFd fd, std::uint32_t seals);

// ---- sw_sync (debugfs sync/sw_sync, CONFIG_SW_SYNC) ----

// Opens a new sw_sync timeline; ENOENT where the kernel has no sw_sync.
[[nodiscard]] Result<UniqueFd> sw_sync_timeline_create();
[[nodiscard]] Result<UniqueFd> sw_sync_fence_create(BorrowedFd timeline, std::uint32_t seqno, std::string_view name);
[[nodiscard]] Status sw_sync_timeline_inc(BorrowedFd timeline, std::uint32_t count);

}  // namespace uapi
}  // namespace fc
