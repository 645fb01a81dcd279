// SPDX-License-Identifier: MIT
#include "harness/uapi.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <mutex>

#include "harness/trace.h"

namespace fc {

std::string_view to_string(Access access) {
  switch (access) {
    case Access::Read: return "READ";
    case Access::Write: return "WRITE";
    case Access::ReadWrite: return "RW";
  }
  return "?";
}

std::string_view to_string(WaitResult result) { return result == WaitResult::Ready ? "ready" : "timed out"; }

std::string SyncFileInfo::describe() const {
  // Runs of identical fences are counted ("32 x vgem/unbound active"), so a
  // sync_file of many fences stays one readable line.
  auto one = [](const FenceInfo& fence) {
    return fence.driver + "/" + fence.timeline +
           (fence.status == 0   ? " active"
            : fence.status == 1 ? " signalled"
                                : " error " + std::to_string(fence.status));
  };
  std::string out = std::to_string(fences.size()) + (fences.size() == 1 ? " fence" : " fences");
  const char* sep = ": ";
  for (std::size_t i = 0; i < fences.size();) {
    std::string text = one(fences[i]);
    std::size_t run = 1;
    while (i + run < fences.size() && one(fences[i + run]) == text) ++run;
    out += sep + (run > 1 ? std::to_string(run) + " x " : std::string()) + text;
    sep = ", ";
    i += run;
  }
  return out;
}

DmaBufMapping& DmaBufMapping::operator=(DmaBufMapping&& other) noexcept {
  if (this != &other) {
    if (address_ != nullptr) ::munmap(address_, size_);
    address_ = std::exchange(other.address_, nullptr);
    size_ = std::exchange(other.size_, 0);
  }
  return *this;
}

DmaBufMapping::~DmaBufMapping() {
  if (address_ != nullptr) ::munmap(address_, size_);
}

namespace uapi {
namespace {

// The one place EINTR and EAGAIN are retried (as libdrm's drmIoctl does), but
// a bounded number of times: an ioctl that keeps answering EAGAIN fails with
// EAGAIN instead of spinning for ever.
constexpr int kIoctlRetries = 1000;
int xioctl(BorrowedFd fd, unsigned long request, void* arg) {
  int ret = -1;
  for (int attempt = 0; attempt <= kIoctlRetries; ++attempt) {
    ret = ::ioctl(fd.get(), request, arg);
    if (ret != -1 || (errno != EINTR && errno != EAGAIN)) break;
  }
  return ret;
}

// Records the call just made while a test is tracing (harness/trace.h); errno
// is read from the call and left as it was.
void traced(const char* call, BorrowedFd fd, long ret, std::initializer_list<trace::Arg> args, int new_fd = -1,
            std::string_view text = {}) {
  if (!trace::recording()) return;
  const int saved = errno;
  trace::record(call, fd.get(), ret, ret < 0 ? saved : 0, args, new_fd, text);
  errno = saved;
}

// One ioctl whose only result is its errno, traced as `call` with args.
template <class T>
Status simple_ioctl(const char* call, BorrowedFd fd, unsigned long request, T& arg,
                    std::initializer_list<trace::Arg> args) {
  const int ret = xioctl(fd, request, &arg);
  traced(call, fd, ret, args);
  if (ret != 0) return last_errno();
  return {};
}

void copy_name(char (&dest)[abi::kSyncNameLen], std::string_view name) {
  std::memset(dest, 0, sizeof dest);
  std::memcpy(dest, name.data(), std::min(name.size(), sizeof dest - 1));
}

std::string from_fixed(const char* text, std::size_t size) { return std::string(text, strnlen(text, size)); }

// --- the interrupt timer behind dma_buf_sync_start() ---

void on_wakeup_signal(int) {}

int wakeup_signal() {
  static std::once_flag installed;
  std::call_once(installed, [] {
    struct sigaction action {};
    action.sa_handler = on_wakeup_signal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = 0;  // no SA_RESTART: the blocked ioctl must return EINTR
    ::sigaction(SIGRTMIN, &action, nullptr);
  });
  return SIGRTMIN;
}

// A CLOCK_MONOTONIC timer that sends wakeup_signal() to the calling thread at
// the deadline and then every 20 ms, so a signal that lands just before the
// ioctl starts sleeping is followed by another one.
class ThreadAlarm {
 public:
  explicit ThreadAlarm(Deadline deadline) {
    sigevent event{};
    event.sigev_notify = SIGEV_THREAD_ID;
    event.sigev_signo = wakeup_signal();
    event._sigev_un._tid = static_cast<pid_t>(::syscall(SYS_gettid));
    if (::timer_create(CLOCK_MONOTONIC, &event, &timer_) != 0) {
      error_ = last_errno();
      return;
    }
    armed_ = true;
    auto when = std::chrono::duration_cast<std::chrono::nanoseconds>(deadline.when().time_since_epoch()).count();
    if (when <= 0) when = 1;  // Deadline::now(): fire at once (an absolute time long past)
    itimerspec spec{};
    spec.it_value.tv_sec = when / 1'000'000'000;
    spec.it_value.tv_nsec = when % 1'000'000'000;
    spec.it_interval.tv_nsec = 20'000'000;
    if (::timer_settime(timer_, TIMER_ABSTIME, &spec, nullptr) != 0) error_ = last_errno();
  }
  ~ThreadAlarm() {
    if (armed_) ::timer_delete(timer_);
  }
  ThreadAlarm(const ThreadAlarm&) = delete;
  ThreadAlarm& operator=(const ThreadAlarm&) = delete;

  [[nodiscard]] Status status() const { return error_; }

 private:
  timer_t timer_{};
  bool armed_ = false;
  Errno error_{};
};

static_assert(std::is_same_v<Clock, std::chrono::steady_clock>, "ThreadAlarm assumes CLOCK_MONOTONIC");

}  // namespace

Result<UniqueFd> export_sync_file(BorrowedFd dmabuf, std::uint32_t flags) {
  abi::DmaBufExportSyncFile arg{flags, -1};
  const int ret = xioctl(dmabuf, abi::kDmaBufIoctlExportSyncFile, &arg);
  traced("DMA_BUF_IOCTL_EXPORT_SYNC_FILE", dmabuf, ret == 0 ? static_cast<long>(arg.fd) : ret, {{"flags", flags}},
         ret == 0 ? arg.fd : -1);
  if (ret != 0) return last_errno();
  return UniqueFd(arg.fd);
}

Status import_sync_file(BorrowedFd dmabuf, std::uint32_t flags, BorrowedFd sync_file) {
  abi::DmaBufImportSyncFile arg{flags, sync_file.get()};
  return simple_ioctl("DMA_BUF_IOCTL_IMPORT_SYNC_FILE", dmabuf, abi::kDmaBufIoctlImportSyncFile, arg,
                      {{"flags", flags}, {"fd", static_cast<std::uint64_t>(sync_file.get())}});
}

Status dma_buf_sync(BorrowedFd dmabuf, std::uint64_t flags) {
  abi::DmaBufSync arg{flags};
  return simple_ioctl("DMA_BUF_IOCTL_SYNC", dmabuf, abi::kDmaBufIoctlSync, arg, {{"flags", flags}});
}

Result<WaitResult> dma_buf_sync_start(BorrowedFd dmabuf, Access access, Deadline deadline) {
  ThreadAlarm alarm(deadline);
  if (!alarm.status()) return alarm.status().err();
  abi::DmaBufSync arg{flags_of(access) | abi::kSyncStart};
  for (;;) {
    const int ret = ::ioctl(dmabuf.get(), abi::kDmaBufIoctlSync, &arg);
    // Traced once: as it ended (ready, failed, or interrupted at the deadline).
    if (ret == 0) {
      traced("DMA_BUF_IOCTL_SYNC", dmabuf, ret, {{"flags", arg.flags}});
      return WaitResult::Ready;
    }
    if ((errno != EINTR && errno != EAGAIN) || deadline.expired())
      traced("DMA_BUF_IOCTL_SYNC", dmabuf, ret, {{"flags", arg.flags}});
    if (errno != EINTR && errno != EAGAIN) return last_errno();
    if (deadline.expired()) return WaitResult::TimedOut;
  }
}

Status dma_buf_sync_end(BorrowedFd dmabuf, Access access) {
  return dma_buf_sync(dmabuf, flags_of(access) | abi::kSyncEnd);
}

Result<DmaBufMapping> map_dma_buf(BorrowedFd dmabuf, std::size_t size, bool writable) {
  const int prot = PROT_READ | (writable ? PROT_WRITE : 0);
  void* address = ::mmap(nullptr, size, prot, MAP_SHARED, dmabuf.get(), 0);
  traced("mmap", dmabuf, address == MAP_FAILED ? -1 : 0,
         {{"length", size}, {"prot", static_cast<std::uint64_t>(prot)}});
  if (address == MAP_FAILED) return last_errno();
  return DmaBufMapping(address, size);
}

Result<short> poll_revents(BorrowedFd fd, short events, Deadline deadline) {
  for (;;) {
    pollfd entry{fd.get(), events, 0};
    const int timeout_ms = deadline.poll_timeout_ms();
    int ret = ::poll(&entry, 1, timeout_ms);
    traced("poll", fd, ret > 0 ? entry.revents : ret,
           {{"events", static_cast<std::uint16_t>(events)}, {"timeout_ms", static_cast<std::uint64_t>(timeout_ms)}});
    if (ret < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      return last_errno();
    }
    if (ret > 0) return entry.revents;
    if (deadline.expired()) return static_cast<short>(0);
  }
}

Result<WaitResult> poll_fd(BorrowedFd fd, short events, Deadline deadline) {
  auto revents = poll_revents(fd, events, deadline);
  if (!revents) return revents.err();
  if (*revents == 0) return WaitResult::TimedOut;
  if (*revents & POLLNVAL) return Errno{EBADF};
  // An error or hang-up is not "ready": the caller must not read it as
  // "the fence signalled" (or "the data is there").
  if (*revents & POLLERR) return Errno{EIO};
  if ((*revents & POLLHUP) && !(*revents & events)) return Errno{EPIPE};
  return WaitResult::Ready;
}

Result<bool> is_busy(BorrowedFd fd, short events) {
  auto polled = poll_fd(fd, events, Deadline::now());
  if (!polled) return polled.err();
  return *polled == WaitResult::TimedOut;
}

Result<UniqueFd> epoll_create() {
  int fd = ::epoll_create1(EPOLL_CLOEXEC);
  traced("epoll_create1", BorrowedFd(-1), fd, {{"flags", EPOLL_CLOEXEC}}, fd);
  if (fd < 0) return last_errno();
  return UniqueFd(fd);
}

Status epoll_add(BorrowedFd epoll, BorrowedFd fd, std::uint32_t events) {
  epoll_event event{};
  event.events = events;
  event.data.fd = fd.get();
  const int ret = ::epoll_ctl(epoll.get(), EPOLL_CTL_ADD, fd.get(), &event);
  traced("epoll_ctl", epoll, ret,
         {{"op", EPOLL_CTL_ADD}, {"fd", static_cast<std::uint64_t>(fd.get())}, {"events", events}});
  if (ret != 0) return last_errno();
  return {};
}

Result<std::vector<epoll_event>> epoll_wait(BorrowedFd epoll, int max_events, Deadline deadline) {
  // max_events < 1 goes to the kernel as it is, for its own EINVAL.
  std::vector<epoll_event> events(static_cast<std::size_t>(std::max(max_events, 1)));
  for (;;) {
    const int timeout_ms = deadline.poll_timeout_ms();
    int ret = ::epoll_wait(epoll.get(), events.data(), max_events, timeout_ms);
    traced("epoll_wait", epoll, ret,
           {{"maxevents", static_cast<std::uint64_t>(max_events)},
            {"timeout_ms", static_cast<std::uint64_t>(timeout_ms)}});
    if (ret < 0) {
      if (errno == EINTR) continue;
      return last_errno();
    }
    if (ret > 0 || deadline.expired()) {
      events.resize(static_cast<std::size_t>(ret));
      return events;
    }
  }
}

Result<SyncFileInfo> sync_file_info(BorrowedFd sync_file) {
  // First ask for the count only (num_fences = 0), then for every fence.
  abi::SyncFileInfo query{};
  int ret = xioctl(sync_file, abi::kSyncIocFileInfo, &query);
  traced("SYNC_IOC_FILE_INFO", sync_file, ret == 0 ? static_cast<long>(query.num_fences) : ret, {{"num_fences", 0}});
  if (ret != 0) return last_errno();

  std::vector<abi::SyncFenceInfo> raw(query.num_fences);
  abi::SyncFileInfo full{};
  full.num_fences = query.num_fences;
  full.sync_fence_info = reinterpret_cast<std::uintptr_t>(raw.data());
  if (!raw.empty()) {
    ret = xioctl(sync_file, abi::kSyncIocFileInfo, &full);
    traced("SYNC_IOC_FILE_INFO", sync_file, ret == 0 ? static_cast<long>(full.status) : ret,
           {{"num_fences", full.num_fences}});
    if (ret != 0) return last_errno();
  }

  SyncFileInfo info;
  info.name = from_fixed(query.name, sizeof query.name);
  info.status = raw.empty() ? query.status : full.status;
  for (const abi::SyncFenceInfo& fence : raw) {
    info.fences.push_back(FenceInfo{from_fixed(fence.driver_name, sizeof fence.driver_name),
                                    from_fixed(fence.obj_name, sizeof fence.obj_name), fence.status,
                                    fence.timestamp_ns});
  }
  return info;
}

Result<std::uint32_t> sync_file_info_query(BorrowedFd sync_file, std::uint32_t flags, std::uint32_t pad) {
  abi::SyncFileInfo query{};
  query.flags = flags;
  query.pad = pad;
  const int ret = xioctl(sync_file, abi::kSyncIocFileInfo, &query);
  traced("SYNC_IOC_FILE_INFO", sync_file, ret == 0 ? static_cast<long>(query.num_fences) : ret,
         {{"num_fences", 0}, {"flags", flags}, {"pad", pad}});
  if (ret != 0) return last_errno();
  return query.num_fences;
}

Status sync_file_info_into(BorrowedFd sync_file, std::uint32_t slots, std::uint64_t buffer) {
  abi::SyncFileInfo query{};
  query.num_fences = slots;
  query.sync_fence_info = buffer;
  return simple_ioctl("SYNC_IOC_FILE_INFO", sync_file, abi::kSyncIocFileInfo, query,
                      {{"num_fences", slots}, {"sync_fence_info", buffer}});
}

Result<UniqueFd> sync_file_merge_raw(BorrowedFd first, const abi::SyncMergeData& data) {
  abi::SyncMergeData arg = data;
  arg.fence = -1;
  const int ret = xioctl(first, abi::kSyncIocMerge, &arg);
  traced("SYNC_IOC_MERGE", first, ret == 0 ? static_cast<long>(arg.fence) : ret,
         {{"fd2", static_cast<std::uint64_t>(arg.fd2)}, {"flags", arg.flags}, {"pad", arg.pad}},
         ret == 0 ? arg.fence : -1, std::string_view(arg.name, strnlen(arg.name, sizeof arg.name)));
  if (ret != 0) return last_errno();
  return UniqueFd(arg.fence);
}

Result<UniqueFd> sync_file_merge(BorrowedFd first, BorrowedFd second, std::string_view name) {
  abi::SyncMergeData arg{};
  copy_name(arg.name, name);
  arg.fd2 = second.get();
  return sync_file_merge_raw(first, arg);
}

Status sync_file_set_deadline(BorrowedFd sync_file, std::uint64_t deadline_ns, std::uint64_t pad) {
  abi::SyncSetDeadline arg{deadline_ns, pad};
  return simple_ioctl("SYNC_IOC_SET_DEADLINE", sync_file, abi::kSyncIocSetDeadline, arg,
                      {{"deadline_ns", deadline_ns}, {"pad", pad}});
}

Status sync_file_set_deadline_at(BorrowedFd sync_file, std::uint64_t address) {
  const int ret = xioctl(sync_file, abi::kSyncIocSetDeadline, reinterpret_cast<void*>(address));
  traced("SYNC_IOC_SET_DEADLINE", sync_file, ret, {{"address", address}});
  if (ret != 0) return last_errno();
  return {};
}

// ---- DRM core: capabilities ----

Result<std::uint64_t> drm_get_cap(BorrowedFd drm, std::uint64_t capability) {
  abi::DrmCap arg{capability, 0};
  const int ret = xioctl(drm, abi::kDrmIoctlGetCap, &arg);
  traced("DRM_IOCTL_GET_CAP", drm, ret == 0 ? static_cast<long>(arg.value) : ret, {{"capability", capability}});
  if (ret != 0) return last_errno();
  return arg.value;
}

Status drm_set_client_cap(BorrowedFd drm, std::uint64_t capability, std::uint64_t value) {
  abi::DrmCap arg{capability, value};
  return simple_ioctl("DRM_IOCTL_SET_CLIENT_CAP", drm, abi::kDrmIoctlSetClientCap, arg,
                      {{"capability", capability}, {"value", value}});
}

// ---- DRM syncobj ----

Result<std::uint32_t> syncobj_create(BorrowedFd drm, std::uint32_t flags) {
  abi::SyncobjCreate arg{0, flags};
  const int ret = xioctl(drm, abi::kDrmIoctlSyncobjCreate, &arg);
  traced("DRM_IOCTL_SYNCOBJ_CREATE", drm, ret == 0 ? static_cast<long>(arg.handle) : ret, {{"flags", flags}});
  if (ret != 0) return last_errno();
  return arg.handle;
}

Status syncobj_destroy(BorrowedFd drm, std::uint32_t handle) {
  abi::SyncobjDestroy arg{handle, 0};
  return simple_ioctl("DRM_IOCTL_SYNCOBJ_DESTROY", drm, abi::kDrmIoctlSyncobjDestroy, arg, {{"handle", handle}});
}

Result<UniqueFd> syncobj_handle_to_fd(BorrowedFd drm, std::uint32_t handle, std::uint32_t flags) {
  abi::SyncobjHandle arg{handle, flags, -1, 0};
  const int ret = xioctl(drm, abi::kDrmIoctlSyncobjHandleToFd, &arg);
  traced("DRM_IOCTL_SYNCOBJ_HANDLE_TO_FD", drm, ret == 0 ? static_cast<long>(arg.fd) : ret,
         {{"handle", handle}, {"flags", flags}}, ret == 0 ? arg.fd : -1);
  if (ret != 0) return last_errno();
  return UniqueFd(arg.fd);
}

Result<std::uint32_t> syncobj_fd_to_handle(BorrowedFd drm, BorrowedFd fd, std::uint32_t flags, std::uint32_t handle) {
  abi::SyncobjHandle arg{handle, flags, fd.get(), 0};
  const int ret = xioctl(drm, abi::kDrmIoctlSyncobjFdToHandle, &arg);
  traced("DRM_IOCTL_SYNCOBJ_FD_TO_HANDLE", drm, ret == 0 ? static_cast<long>(arg.handle) : ret,
         {{"fd", static_cast<std::uint64_t>(fd.get())}, {"flags", flags}, {"handle", handle}});
  if (ret != 0) return last_errno();
  return arg.handle;
}

Status syncobj_transfer(BorrowedFd drm, std::uint32_t src, std::uint64_t src_point, std::uint32_t dst,
                        std::uint64_t dst_point, std::uint32_t flags) {
  abi::SyncobjTransfer arg{src, dst, src_point, dst_point, flags, 0};
  return simple_ioctl(
      "DRM_IOCTL_SYNCOBJ_TRANSFER", drm, abi::kDrmIoctlSyncobjTransfer, arg,
      {{"src_handle", src}, {"src_point", src_point}, {"dst_handle", dst}, {"dst_point", dst_point}, {"flags", flags}});
}

Result<WaitResult> syncobj_timeline_wait(BorrowedFd drm, std::uint32_t handle, std::uint64_t point, std::uint32_t flags,
                                         Deadline deadline) {
  // The kernel's timeout is absolute on CLOCK_MONOTONIC, the clock of
  // Deadline (steady_clock); 0 checks without waiting.
  const std::int64_t timeout =
      deadline.when() == Clock::time_point::min()
          ? 0
          : std::chrono::duration_cast<std::chrono::nanoseconds>(deadline.when().time_since_epoch()).count();
  abi::SyncobjTimelineWait arg{};
  arg.handles = reinterpret_cast<std::uintptr_t>(&handle);
  arg.points = reinterpret_cast<std::uintptr_t>(&point);
  arg.timeout_nsec = timeout;
  arg.count_handles = 1;
  arg.flags = flags;
  // EINTR: the kernel restarts the wait with the same absolute timeout.
  const int ret = xioctl(drm, abi::kDrmIoctlSyncobjTimelineWait, &arg);
  traced(
      "DRM_IOCTL_SYNCOBJ_TIMELINE_WAIT", drm, ret,
      {{"handle", handle}, {"point", point}, {"flags", flags}, {"timeout_nsec", static_cast<std::uint64_t>(timeout)}});
  if (ret != 0) {
    if (errno == ETIME) return WaitResult::TimedOut;
    return last_errno();
  }
  return WaitResult::Ready;
}

Result<std::uint64_t> syncobj_query(BorrowedFd drm, std::uint32_t handle, std::uint32_t flags) {
  std::uint64_t point = 0;
  abi::SyncobjTimelineArray arg{reinterpret_cast<std::uintptr_t>(&handle), reinterpret_cast<std::uintptr_t>(&point), 1,
                                flags};
  const int ret = xioctl(drm, abi::kDrmIoctlSyncobjQuery, &arg);
  traced("DRM_IOCTL_SYNCOBJ_QUERY", drm, ret == 0 ? static_cast<long>(point) : ret,
         {{"handle", handle}, {"flags", flags}});
  if (ret != 0) return last_errno();
  return point;
}

Status syncobj_eventfd(BorrowedFd drm, std::uint32_t handle, std::uint64_t point, BorrowedFd eventfd,
                       std::uint32_t flags, std::uint32_t pad) {
  abi::SyncobjEventfd arg{handle, flags, point, eventfd.get(), pad};
  return simple_ioctl("DRM_IOCTL_SYNCOBJ_EVENTFD", drm, abi::kDrmIoctlSyncobjEventfd, arg,
                      {{"handle", handle},
                       {"point", point},
                       {"fd", static_cast<std::uint64_t>(eventfd.get())},
                       {"flags", flags},
                       {"pad", pad}});
}

// ---- DRM KMS ----

Result<std::uint32_t> drm_mode_add_fb2(BorrowedFd drm, std::uint32_t width, std::uint32_t height, std::uint32_t format,
                                       std::uint32_t handle, std::uint32_t pitch) {
  abi::DrmModeFbCmd2 arg{};
  arg.width = width;
  arg.height = height;
  arg.pixel_format = format;
  arg.handles[0] = handle;
  arg.pitches[0] = pitch;
  const int ret = xioctl(drm, abi::kDrmIoctlModeAddFb2, &arg);
  traced("DRM_IOCTL_MODE_ADDFB2", drm, ret == 0 ? static_cast<long>(arg.fb_id) : ret,
         {{"width", width}, {"height", height}, {"pixel_format", format}, {"handle", handle}, {"pitch", pitch}});
  if (ret != 0) return last_errno();
  return arg.fb_id;
}

Status drm_mode_rm_fb(BorrowedFd drm, std::uint32_t fb) {
  return simple_ioctl("DRM_IOCTL_MODE_RMFB", drm, abi::kDrmIoctlModeRmFb, fb, {{"fb_id", fb}});
}

Result<std::uint32_t> drm_mode_create_blob(BorrowedFd drm, std::span<const std::byte> data) {
  abi::DrmModeCreateBlob arg{reinterpret_cast<std::uintptr_t>(data.data()), static_cast<std::uint32_t>(data.size()), 0};
  const int ret = xioctl(drm, abi::kDrmIoctlModeCreatePropBlob, &arg);
  traced("DRM_IOCTL_MODE_CREATEPROPBLOB", drm, ret == 0 ? static_cast<long>(arg.blob_id) : ret,
         {{"length", data.size()}});
  if (ret != 0) return last_errno();
  return arg.blob_id;
}

Status drm_mode_destroy_blob(BorrowedFd drm, std::uint32_t blob) {
  abi::DrmModeDestroyBlob arg{blob};
  return simple_ioctl("DRM_IOCTL_MODE_DESTROYPROPBLOB", drm, abi::kDrmIoctlModeDestroyPropBlob, arg,
                      {{"blob_id", blob}});
}

Status drm_mode_atomic(BorrowedFd drm, std::span<const AtomicProperty> properties, std::uint32_t flags,
                       std::uint64_t user_data) {
  // The kernel's layout: each object once, with its count, then every
  // property and value in the same object order.
  std::vector<std::uint32_t> objects, counts, ids;
  std::vector<std::uint64_t> values;
  for (const AtomicProperty& first : properties) {
    if (std::find(objects.begin(), objects.end(), first.object) != objects.end()) continue;
    objects.push_back(first.object);
    counts.push_back(0);
    for (const AtomicProperty& property : properties) {
      if (property.object != first.object) continue;
      ++counts.back();
      ids.push_back(property.property);
      values.push_back(property.value);
    }
  }
  abi::DrmModeAtomic arg{};
  arg.flags = flags;
  arg.count_objs = static_cast<std::uint32_t>(objects.size());
  arg.objs_ptr = reinterpret_cast<std::uintptr_t>(objects.data());
  arg.count_props_ptr = reinterpret_cast<std::uintptr_t>(counts.data());
  arg.props_ptr = reinterpret_cast<std::uintptr_t>(ids.data());
  arg.prop_values_ptr = reinterpret_cast<std::uintptr_t>(values.data());
  arg.user_data = user_data;
  return simple_ioctl("DRM_IOCTL_MODE_ATOMIC", drm, abi::kDrmIoctlModeAtomic, arg,
                      {{"flags", flags}, {"count_objs", objects.size()}, {"count_props", ids.size()}});
}

Result<std::optional<abi::DrmEventVblank>> drm_read_event(BorrowedFd drm, Deadline deadline) {
  auto ready = poll_fd(drm, POLLIN, deadline);
  if (!ready) return ready.err();
  if (*ready == WaitResult::TimedOut) return std::optional<abi::DrmEventVblank>();
  // A flip event is exactly this size, so one read() takes one event.
  abi::DrmEventVblank event{};
  ssize_t got = 0;
  do {
    got = ::read(drm.get(), &event, sizeof event);
  } while (got < 0 && errno == EINTR);
  traced("read", drm, got, {{"count", sizeof event}});
  if (got < 0) return last_errno();
  if (got != static_cast<ssize_t>(sizeof event)) return Errno{EPROTO};
  return std::optional<abi::DrmEventVblank>(event);
}

Result<DumbBuffer> drm_create_dumb(BorrowedFd drm, std::uint32_t width, std::uint32_t height, std::uint32_t bpp,
                                   std::uint32_t flags) {
  abi::DrmModeCreateDumb arg{};
  arg.width = width;
  arg.height = height;
  arg.bpp = bpp;
  arg.flags = flags;
  const int ret = xioctl(drm, abi::kDrmIoctlModeCreateDumb, &arg);
  traced("DRM_IOCTL_MODE_CREATE_DUMB", drm, ret == 0 ? static_cast<long>(arg.handle) : ret,
         {{"width", width}, {"height", height}, {"bpp", bpp}, {"flags", flags}});
  if (ret != 0) return last_errno();
  return DumbBuffer{arg.handle, arg.pitch, arg.size};
}

Status drm_destroy_dumb(BorrowedFd drm, std::uint32_t handle) {
  abi::DrmModeDestroyDumb arg{handle};
  return simple_ioctl("DRM_IOCTL_MODE_DESTROY_DUMB", drm, abi::kDrmIoctlModeDestroyDumb, arg, {{"handle", handle}});
}

Result<UniqueFd> drm_prime_handle_to_fd(BorrowedFd drm, std::uint32_t handle) {
  return drm_prime_handle_to_fd(drm, handle, O_CLOEXEC | O_RDWR);
}

Result<UniqueFd> drm_prime_handle_to_fd(BorrowedFd drm, std::uint32_t handle, std::uint32_t flags) {
  abi::DrmPrimeHandle arg{handle, flags, -1};
  const int ret = xioctl(drm, abi::kDrmIoctlPrimeHandleToFd, &arg);
  traced("DRM_IOCTL_PRIME_HANDLE_TO_FD", drm, ret == 0 ? static_cast<long>(arg.fd) : ret,
         {{"handle", handle}, {"flags", flags}}, ret == 0 ? arg.fd : -1);
  if (ret != 0) return last_errno();
  return UniqueFd(arg.fd);
}

Result<std::uint32_t> drm_prime_fd_to_handle(BorrowedFd drm, BorrowedFd dmabuf) {
  abi::DrmPrimeHandle arg{0, 0, dmabuf.get()};
  const int ret = xioctl(drm, abi::kDrmIoctlPrimeFdToHandle, &arg);
  traced("DRM_IOCTL_PRIME_FD_TO_HANDLE", drm, ret == 0 ? static_cast<long>(arg.handle) : ret,
         {{"fd", static_cast<std::uint64_t>(dmabuf.get())}});
  if (ret != 0) return last_errno();
  return arg.handle;
}

Status drm_gem_close(BorrowedFd drm, std::uint32_t handle) {
  abi::DrmGemClose arg{handle, 0};
  return simple_ioctl("DRM_IOCTL_GEM_CLOSE", drm, abi::kDrmIoctlGemClose, arg, {{"handle", handle}});
}

Result<std::uint32_t> vgem_fence_attach(BorrowedFd drm, std::uint32_t handle, std::uint32_t flags, std::uint32_t pad) {
  abi::VgemFenceAttach arg{handle, flags, 0, pad};
  const int ret = xioctl(drm, abi::kVgemIoctlFenceAttach, &arg);
  traced("DRM_IOCTL_VGEM_FENCE_ATTACH", drm, ret == 0 ? static_cast<long>(arg.out_fence) : ret,
         {{"handle", handle}, {"flags", flags}, {"pad", pad}});
  if (ret != 0) return last_errno();
  return arg.out_fence;
}

Status vgem_fence_signal(BorrowedFd drm, std::uint32_t fence, std::uint32_t flags) {
  abi::VgemFenceSignal arg{fence, flags};
  return simple_ioctl("DRM_IOCTL_VGEM_FENCE_SIGNAL", drm, abi::kVgemIoctlFenceSignal, arg,
                      {{"fence", fence}, {"flags", flags}});
}

Result<UniqueFd> udmabuf_create(BorrowedFd udmabuf_dev, BorrowedFd memfd, std::uint64_t offset, std::uint64_t size,
                                std::uint32_t flags) {
  abi::UdmabufCreate arg{static_cast<std::uint32_t>(memfd.get()), flags, offset, size};
  int fd = xioctl(udmabuf_dev, abi::kUdmabufCreate, &arg);  // the new dma-buf is the return value
  traced("UDMABUF_CREATE", udmabuf_dev, fd,
         {{"memfd", static_cast<std::uint64_t>(memfd.get())}, {"flags", flags}, {"offset", offset}, {"size", size}},
         fd);
  if (fd < 0) return last_errno();
  return UniqueFd(fd);
}

Result<UniqueFd> dma_heap_alloc(BorrowedFd heap, std::uint64_t len, std::uint32_t fd_flags, std::uint64_t heap_flags) {
  abi::DmaHeapAllocationData arg{len, 0, fd_flags, heap_flags};
  const int ret = xioctl(heap, abi::kDmaHeapIoctlAlloc, &arg);
  traced("DMA_HEAP_IOCTL_ALLOC", heap, ret == 0 ? static_cast<int>(arg.fd) : ret,
         {{"len", len}, {"fd_flags", fd_flags}, {"heap_flags", heap_flags}}, ret == 0 ? static_cast<int>(arg.fd) : -1);
  if (ret != 0) return last_errno();
  return UniqueFd(static_cast<int>(arg.fd));
}

Result<UniqueFd> open_path(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
  traced("open", BorrowedFd(-1), fd, {{"flags", O_RDWR | O_CLOEXEC}}, fd, path);
  if (fd < 0) return last_errno();
  return UniqueFd(fd);
}

Result<UniqueFd> memfd_create(const std::string& name, std::uint32_t flags) {
  int fd = ::memfd_create(name.c_str(), flags);
  traced("memfd_create", BorrowedFd(-1), fd, {{"flags", flags}}, fd, name);
  if (fd < 0) return last_errno();
  return UniqueFd(fd);
}

Status ftruncate(BorrowedFd fd, std::uint64_t length) {
  const int ret = ::ftruncate(fd.get(), static_cast<off_t>(length));
  traced("ftruncate", fd, ret, {{"length", length}});
  if (ret != 0) return last_errno();
  return {};
}

Status add_seals(BorrowedFd fd, std::uint32_t seals) {
  const int ret = ::fcntl(fd.get(), F_ADD_SEALS, seals);
  traced("F_ADD_SEALS", fd, ret, {{"seals", seals}});
  if (ret != 0) return last_errno();
  return {};
}

Result<UniqueFd> sw_sync_timeline_create() {
  for (const char* path : {"/sys/kernel/debug/sync/sw_sync", "/sys/kernel/debug/sw_sync"}) {
    int fd = ::open(path, O_RDWR | O_CLOEXEC);
    traced("open", BorrowedFd(-1), fd, {{"flags", O_RDWR | O_CLOEXEC}}, fd, path);
    if (fd >= 0) return UniqueFd(fd);
    if (errno != ENOENT) return last_errno();
  }
  return Errno{ENOENT};
}

Result<UniqueFd> sw_sync_fence_create(BorrowedFd timeline, std::uint32_t seqno, std::string_view name) {
  abi::SwSyncCreateFence arg{};
  arg.value = seqno;
  copy_name(arg.name, name);
  arg.fence = -1;
  const int ret = xioctl(timeline, abi::kSwSyncIocCreateFence, &arg);
  traced("SW_SYNC_IOC_CREATE_FENCE", timeline, ret == 0 ? static_cast<long>(arg.fence) : ret, {{"value", seqno}},
         ret == 0 ? arg.fence : -1, name);
  if (ret != 0) return last_errno();
  return UniqueFd(arg.fence);
}

Status sw_sync_timeline_inc(BorrowedFd timeline, std::uint32_t count) {
  return simple_ioctl("SW_SYNC_IOC_INC", timeline, abi::kSwSyncIocInc, count, {{"count", count}});
}

}  // namespace uapi
}  // namespace fc
