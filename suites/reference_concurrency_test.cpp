// SPDX-License-Identifier: MIT
// The reference lane with more than one of anything: several fences on one
// dma-buf, several waiters on one fence, the dma-buf ioctls racing on threads,
// and descriptors closed while a wait is in them or before the fence signals.
//
// Covers DMA_BUF_IOCTL_EXPORT_SYNC_FILE / IMPORT_SYNC_FILE, DMA_BUF_IOCTL_SYNC,
// poll() and epoll (level- and edge-triggered) on the dma-buf, SYNC_IOC_MERGE
// and SYNC_IOC_FILE_INFO's per-fence signal times, with vgem's FENCE_ATTACH and
// FENCE_SIGNAL making the fences. Every thread is joined, and every wait has a
// deadline well under vgem's own 10 s timer, so a fence nobody signals fails
// the test instead of passing late or hanging the run.
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <charconv>
#include <fstream>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "fixtures/record.h"
#include "fixtures/vgem_fixture.h"
#include "harness/description.h"
#include "harness/probe.h"
#include "results/schema.h"

namespace fc {
namespace {

using namespace std::chrono_literals;

// ---- helpers ----

// A wait run on a thread of its own, started at once and bounded by its own
// deadline (kFenceSignal from its start); joined on destruction, so a failing
// test never leaves it behind.
template <class R>
class WaiterThread {
 public:
  explicit WaiterThread(std::function<R(Deadline)> wait)
      : thread_([this, wait = std::move(wait)] {
          tid_ = ::gettid();
          R result = wait(Deadline::after(timeouts::kFenceSignal));
          returned_at_ = Clock::now();
          result_.emplace(std::move(result));
          done_ = true;
        }) {}

  // Waits (at most kEnterWait) until the thread sleeps inside one of
  // `syscalls`, as /proc/self/task/TID/syscall reports it, so that what the
  // test does next happens while the wait is in the kernel, not before it.
  [[nodiscard]] ::testing::AssertionResult asleep_in(std::initializer_list<long> syscalls,
                                                     std::string_view what) const {
    const auto deadline = Deadline::after(timeouts::kEnterWait);
    std::string seen = "(thread not started)";
    while (!deadline.expired()) {
      if (done_) return ::testing::AssertionFailure() << what << " returned before it was seen asleep in it";
      if (const pid_t tid = tid_; tid != 0) {
        std::ifstream file("/proc/self/task/" + std::to_string(tid) + "/syscall");
        std::string first;
        if (file >> first) {
          seen = first;
          long number = -1;
          std::from_chars(first.data(), first.data() + first.size(), number);
          for (long syscall : syscalls) {
            if (number == syscall) return ::testing::AssertionSuccess();
          }
        }
      }
      std::this_thread::sleep_for(1ms);
    }
    return ::testing::AssertionFailure() << what << " was not seen asleep in its system call within "
                                         << timeouts::kEnterWait.count()
                                         << " ms (/proc/self/task/TID/syscall last said \"" << seen << "\")";
  }

  [[nodiscard]] bool returned() const { return done_; }

  // Joins (the wait is bounded, so this ends) and gives what the wait returned.
  const R& join() {
    if (thread_.joinable()) thread_.join();
    return *result_;
  }
  // When the wait returned; valid after join().
  [[nodiscard]] Clock::time_point returned_at() const { return returned_at_; }

 private:
  std::atomic<pid_t> tid_{0};
  std::atomic<bool> done_{false};
  std::optional<R> result_;
  Clock::time_point returned_at_;
  std::jthread thread_;  // last: starts after, and is joined before, what it writes
};

// A vgem fence signalled with CLOCK_MONOTONIC read just before and just after the ioctl.
struct TimedSignal {
  Status status;
  Clock::time_point before, after;
};
TimedSignal signal_timed(VgemFence& fence) {
  TimedSignal signalled;
  signalled.before = Clock::now();
  signalled.status = fence.signal();
  signalled.after = Clock::now();
  return signalled;
}

Clock::time_point signal_time_of(const FenceInfo& fence) {
  return Clock::time_point(std::chrono::nanoseconds(fence.timestamp_ns));
}

long long ms_between(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration_cast<milliseconds>(to - from).count();
}
long long us_between(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration_cast<std::chrono::microseconds>(to - from).count();
}

// A fence's FILE_INFO signal time lies between the clock readings around the signal ioctl.
::testing::AssertionResult stamped_within(const FenceInfo& fence, const TimedSignal& signalled) {
  if (fence.status != 1) {
    return ::testing::AssertionFailure() << "the fence is not signalled (status " << fence.status << ")";
  }
  const auto at = signal_time_of(fence);
  if (at < signalled.before || at > signalled.after) {
    return ::testing::AssertionFailure() << "FILE_INFO's signal time is " << us_between(signalled.before, at)
                                         << " us from the start of the signal ioctl, outside the "
                                         << us_between(signalled.before, signalled.after) << " us it took";
  }
  return ::testing::AssertionSuccess();
}

// A waiter returned no earlier than the fence signalled and within kWakeBound of it.
::testing::AssertionResult woke_in_bound(Clock::time_point returned_at, Clock::time_point signalled_at) {
  if (returned_at < signalled_at) {
    return ::testing::AssertionFailure() << "it returned " << ms_between(returned_at, signalled_at)
                                         << " ms before the kernel signalled the fence";
  }
  if (returned_at - signalled_at >= timeouts::kWakeBound) {
    return ::testing::AssertionFailure() << "it returned " << ms_between(signalled_at, returned_at)
                                         << " ms after the fence signalled, more than " << timeouts::kWakeBound.count()
                                         << " ms";
  }
  return ::testing::AssertionSuccess();
}

// When the kernel says the fence signalled: FILE_INFO of `witness`, an export
// of the one fence taken while it was pending (one taken after would be the
// stub), checked against the clock readings around the signal ioctl.
::testing::AssertionResult witnessed_signal(BorrowedFd witness, const TimedSignal& signalled,
                                            Clock::time_point& signalled_at, std::string& described) {
  auto info = uapi::sync_file_info(witness);
  if (!info) return ::testing::AssertionFailure() << "FILE_INFO of the witness failed: " << info.err().describe();
  described = info->describe();
  if (info->fences.size() != 1) return ::testing::AssertionFailure() << "the witness holds " << described;
  if (auto within = stamped_within(info->fences[0], signalled); !within) {
    return within << "; the witness holds " << described;
  }
  signalled_at = signal_time_of(info->fences[0]);
  return ::testing::AssertionSuccess();
}

std::string revents_name(short revents) {
  if (revents == 0) return "nothing";
  std::string out;
  constexpr std::array<std::pair<short, const char*>, 5> kBits{
      {{POLLIN, "POLLIN"}, {POLLOUT, "POLLOUT"}, {POLLERR, "POLLERR"}, {POLLHUP, "POLLHUP"}, {POLLNVAL, "POLLNVAL"}}};
  for (auto [bit, name] : kBits) {
    if (revents & bit) out += (out.empty() ? "" : "|") + std::string(name);
  }
  return out.empty() ? "0x" + std::to_string(revents) : out;
}

// ---- 1. two writers' fences imported into one buffer ----

class TwoImportedWriters : public VgemImportTest {};

// Two write fences from two other buffers, imported as WRITE: both stay in the
// buffer (the second does not replace the first), so readers and writers wait
// for both, whichever signals first.
FC_DESCRIBE(TwoImportedWriters, ExportsStayPendingUntilBothImportedWriteFencesSignal,
            "Two write fences imported into one buffer keep READ and WRITE exports pending until both signal.");
TEST_F(TwoImportedWriters, ExportsStayPendingUntilBothImportedWriteFencesSignal) {
  FC_ASSERT_OK_AND_ASSIGN(VgemBuffer first_source, VgemBuffer::create(vgem(), 1, 1));
  FC_ASSERT_OK_AND_ASSIGN(VgemBuffer second_source, VgemBuffer::create(vgem(), 1, 1));
  FC_ASSERT_OK_AND_ASSIGN(VgemFence first, first_source.attach_fence(FenceUsage::Write));
  FC_ASSERT_OK_AND_ASSIGN(VgemFence second, second_source.attach_fence(FenceUsage::Write));
  FC_ASSERT_OK_AND_ASSIGN(UniqueFd first_file, uapi::export_sync_file(first_source.dmabuf(), Access::Read));
  FC_ASSERT_OK_AND_ASSIGN(UniqueFd second_file, uapi::export_sync_file(second_source.dmabuf(), Access::Read));
  FC_ASSERT_OK(uapi::import_sync_file(dmabuf(), Access::Write, first_file.borrow()));
  FC_ASSERT_OK(uapi::import_sync_file(dmabuf(), Access::Write, second_file.borrow()));

  FC_ASSERT_OK_AND_ASSIGN(UniqueFd read_export, uapi::export_sync_file(dmabuf(), Access::Read));
  FC_ASSERT_OK_AND_ASSIGN(UniqueFd write_export, uapi::export_sync_file(dmabuf(), Access::Write));
  const std::array<std::pair<BorrowedFd, const char*>, 2> exports{
      {{read_export.borrow(), "READ export"}, {write_export.borrow(), "WRITE export"}}};
  for (auto [file, what] : exports) {
    FC_ASSERT_OK_AND_ASSIGN(SyncFileInfo info, uapi::sync_file_info(file));
    record_fence(std::string("two imported writers, ") + what, info);
    ASSERT_EQ(info.fences.size(), 2u) << what << ": both imported writers belong in it; the kernel returned "
                                      << info.describe();
    for (const FenceInfo& fence : info.fences) {
      EXPECT_EQ(fence.driver, "vgem") << what << ": " << info.describe();
      EXPECT_EQ(fence.status, 0) << what << ": " << info.describe();
    }
  }

  // The one imported last signals first: a buffer that kept only it would now be idle.
  FC_ASSERT_OK(second.signal());
  for (auto [file, what] : exports) {
    FC_ASSERT_OK_AND_ASSIGN(SyncFileInfo info, uapi::sync_file_info(file));
    record_fence(std::string("one of two writers signalled, ") + what, info);
    EXPECT_EQ(sync_file_pending(file).value(), true)
        << what << " after one of two writers signalled: the kernel says " << info.describe();
    ASSERT_EQ(info.fences.size(), 2u) << what << ": " << info.describe();
    EXPECT_EQ(info.status, 0) << what << ": " << info.describe();
    EXPECT_EQ(info.fences[0].status + info.fences[1].status, 1)
        << what << ": one signalled, one active; " << info.describe();
  }
  expect_state(true, true, "one of two imported writers signalled");

  FC_ASSERT_OK(first.signal());
  for (auto [file, what] : exports) {
    EXPECT_TRUE(signals_within(file, timeouts::kWakeBound, what)) << "both writers signalled";
    FC_ASSERT_OK_AND_ASSIGN(SyncFileInfo info, uapi::sync_file_info(file));
    record_fence(std::string("both writers signalled, ") + what, info);
    EXPECT_EQ(info.status, 1) << what << ": " << info.describe();
    for (const FenceInfo& fence : info.fences) EXPECT_EQ(fence.status, 1) << what << ": " << info.describe();
  }
  expect_state(false, false, "both imported writers signalled");
}

// ---- 2. a sync_file outlives the buffer it came from ----

class SyncFileLifetime : public VgemExportTest {};

// The sync_file holds the fence, not the buffer: with the dma-buf closed and
// the GEM handle gone (so the object is freed), vgem's signal by fence id still
// reaches it.
FC_DESCRIBE(SyncFileLifetime, SyncFileOutlivingItsDmaBufAndGemHandleStillSignals,
            "A sync_file whose dma-buf and GEM handle were closed still signals when the fence does.");
TEST_F(SyncFileLifetime, SyncFileOutlivingItsDmaBufAndGemHandleStillSignals) {
  FC_ASSERT_OK_AND_ASSIGN(VgemBuffer doomed, VgemBuffer::create(vgem()));
  FC_ASSERT_OK_AND_ASSIGN(VgemFence fence, doomed.attach_fence(FenceUsage::Write));
  FC_ASSERT_OK_AND_ASSIGN(UniqueFd sync_file, uapi::export_sync_file(doomed.dmabuf(), Access::Read));

  VgemBuffer::Released parts = std::move(doomed).release();
  parts.dmabuf.reset();
  FC_ASSERT_OK(uapi::drm_gem_close(vgem().fd(), parts.handle));
  Status closed_again = uapi::drm_gem_close(vgem().fd(), parts.handle);
  EXPECT_EQ(closed_again.error(), EINVAL)
      << "a second GEM_CLOSE of the handle: " << describe(closed_again) << " (the handle must be gone)";
  FC_ASSERT_OK_AND_ASSIGN(SyncFileInfo orphaned, uapi::sync_file_info(sync_file.borrow()));
  record_fence("buffer closed, fence pending", orphaned);
  EXPECT_EQ(sync_file_pending(sync_file.borrow()).value(), true)
      << "closing the buffer signalled nothing; the kernel says " << orphaned.describe();

  TimedSignal signalled = signal_timed(fence);
  ASSERT_TRUE(signalled.status) << "DRM_IOCTL_VGEM_FENCE_SIGNAL of fence " << fence.id()
                                << " after its buffer was freed: " << signalled.status.err().describe();
  EXPECT_TRUE(signals_within(sync_file.borrow(), timeouts::kWakeBound, "the orphaned sync_file"));
  FC_ASSERT_OK_AND_ASSIGN(SyncFileInfo info, uapi::sync_file_info(sync_file.borrow()));
  record_fence("buffer closed, fence signalled", info);
  EXPECT_EQ(info.status, 1) << info.describe();
  ASSERT_EQ(info.fences.size(), 1u) << info.describe();
  EXPECT_TRUE(stamped_within(info.fences[0], signalled)) << info.describe();
}

// ---- 3. a descriptor closed while another thread waits in it ----

// A second descriptor (dup) of the test's dma-buf is closed by the test while
// another thread is asleep in a wait on it; then the fence signals. The open
// file stays referenced while the wait is in it, so the close ends nothing and
// the wait must still end on the signal, no earlier and within kWakeBound.
// What it then answers differs: the ioctl holds the file for the whole call
// and succeeds; poll() looks each descriptor up again when it wakes, finds it
// closed and answers POLLNVAL (fs/select.c; seen on Linux 6.1 and 6.12).
// The signal time comes from the exported witness's FILE_INFO (Linux >= 6.0).
class CloseDuringWait : public VgemExportTest {
 protected:
  template <class R>
  void close_while_waiting(std::initializer_list<long> syscalls, std::string_view what,
                           std::function<R(BorrowedFd, Deadline)> wait, const std::function<void(const R&)>& judge) {
    FC_ASSERT_OK_AND_ASSIGN(VgemFence fence, buffer().attach_fence(FenceUsage::Write));
    FC_ASSERT_OK_AND_ASSIGN(UniqueFd witness, uapi::export_sync_file(dmabuf(), Access::Write));
    FC_ASSERT_OK_AND_ASSIGN(UniqueFd second, UniqueFd::dup(dmabuf()));
    WaiterThread<R> waiter([wait, fd = second.borrow()](Deadline deadline) { return wait(fd, deadline); });
    ASSERT_TRUE(waiter.asleep_in(syscalls, what));

    second.reset();
    // Time for a wake the close caused to show before the signal comes.
    std::this_thread::sleep_for(timeouts::kStaysPending);
    EXPECT_FALSE(waiter.returned()) << what << " returned when its descriptor was closed, before the fence signalled";

    TimedSignal signalled = signal_timed(fence);
    const R& result = waiter.join();
    ASSERT_TRUE(signalled.status) << "DRM_IOCTL_VGEM_FENCE_SIGNAL failed (" << signalled.status.err().describe()
                                  << "): the wait proves nothing";
    judge(result);
    Clock::time_point signalled_at;
    std::string described;
    ASSERT_TRUE(witnessed_signal(witness.borrow(), signalled, signalled_at, described));
    EXPECT_TRUE(woke_in_bound(waiter.returned_at(), signalled_at)) << what << "; the fence: " << described;
  }
};

FC_DESCRIBE(CloseDuringWait, PollOnADescriptorClosedMidWaitWakesWhenTheFenceSignalsWithPollnval,
            "A poll() asleep on a descriptor another thread closes still wakes when the fence signals.");
TEST_F(CloseDuringWait, PollOnADescriptorClosedMidWaitWakesWhenTheFenceSignalsWithPollnval) {
  close_while_waiting<Result<short>>(
      {SYS_poll, SYS_ppoll}, "poll(POLLIN) on the dup",
      [](BorrowedFd fd, Deadline deadline) { return uapi::poll_revents(fd, POLLIN, deadline); },
      [](const Result<short>& result) {
        ASSERT_TRUE(result.ok()) << "poll: " << describe(result);
        EXPECT_EQ(*result, POLLNVAL) << "poll, woken with its descriptor closed, reported " << revents_name(*result);
      });
}

FC_DESCRIBE(CloseDuringWait, DmaBufSyncStartOnADescriptorClosedMidWaitReturnsWhenTheFenceSignals,
            "DMA_BUF_IOCTL_SYNC asleep on a descriptor another thread closes returns when the fence signals.");
TEST_F(CloseDuringWait, DmaBufSyncStartOnADescriptorClosedMidWaitReturnsWhenTheFenceSignals) {
  close_while_waiting<Result<WaitResult>>(
      {SYS_ioctl}, "DMA_BUF_IOCTL_SYNC START (READ) on the dup",
      [](BorrowedFd fd, Deadline deadline) { return uapi::dma_buf_sync_start(fd, Access::Read, deadline); },
      [this](const Result<WaitResult>& result) {
        ASSERT_TRUE(result.ok()) << "DMA_BUF_IOCTL_SYNC START: " << describe(result);
        EXPECT_EQ(*result, WaitResult::Ready) << "DMA_BUF_IOCTL_SYNC START " << to_string(*result);
        // The START was on the open file, which the test's own descriptor still names.
        if (*result == WaitResult::Ready) FC_ASSERT_OK(uapi::dma_buf_sync_end(dmabuf(), Access::Read));
      });
}

// ---- 4. the dma-buf ioctls racing on threads ----

class RacingFenceIoctls : public VgemImportTest {};

// Each thread, 50 times: attaches a vgem fence to the shared buffer (vgem
// refuses one that conflicts with a pending fence: EBUSY, allowed), imports
// a pending fence from a buffer of its own, exports the shared buffer and
// imports that export back, then signals what it attached. Every other
// outcome is a failure; at the end every fence has signalled and the buffer is idle.
FC_DESCRIBE(RacingFenceIoctls, FourThreadsAttachingExportingImportingAndSignallingLeaveTheBufferIdle,
            "Threads racing fence attach, export, import and signal on one buffer get only the allowed errnos and "
            "leave it idle.");
TEST_F(RacingFenceIoctls, FourThreadsAttachingExportingImportingAndSignallingLeaveTheBufferIdle) {
  constexpr int kThreads = 4;
  constexpr int kIterations = 50;
  constexpr std::array<Access, 3> kAccesses{Access::Read, Access::Write, Access::ReadWrite};
  struct Worker {
    std::optional<VgemBuffer> source;
    std::vector<UniqueFd> exports;
    std::vector<std::string> unexpected;
    int attached = 0;
    int refused = 0;
  };
  std::vector<Worker> workers(kThreads);
  for (Worker& worker : workers) {
    FC_ASSERT_OK_AND_ASSIGN(VgemBuffer source, VgemBuffer::create(vgem(), 1, 1));
    worker.source.emplace(std::move(source));
  }

  auto race = [this, &kAccesses](Worker& worker, int thread) {
    for (int i = 0; i < kIterations; ++i) {
      auto fail = [&](std::string_view call, Errno err) {
        worker.unexpected.push_back("thread " + std::to_string(thread) + " iteration " + std::to_string(i) + ": " +
                                    std::string(call) + " failed with " + err.describe());
      };
      const bool writer = (i + thread) % 2 == 0;
      std::optional<VgemFence> own;
      if (auto attached = buffer().attach_fence(writer ? FenceUsage::Write : FenceUsage::Read)) {
        own.emplace(std::move(*attached));
        ++worker.attached;
      } else if (attached.error() == EBUSY) {
        ++worker.refused;
      } else {
        fail(
            writer ? "VGEM_FENCE_ATTACH (write) on the shared buffer" : "VGEM_FENCE_ATTACH (read) on the shared buffer",
            attached.err());
      }

      auto source_fence = worker.source->attach_fence(FenceUsage::Write);
      if (!source_fence) {
        fail("VGEM_FENCE_ATTACH (write) on the thread's own, idle buffer", source_fence.err());
      } else if (auto source_file = uapi::export_sync_file(worker.source->dmabuf(), Access::Read); !source_file) {
        fail("EXPORT_SYNC_FILE(READ) of the thread's own buffer", source_file.err());
      } else {
        const Access as = i % 2 == 0 ? Access::Write : Access::Read;
        if (Status imported = uapi::import_sync_file(dmabuf(), as, source_file->borrow()); !imported) {
          fail("IMPORT_SYNC_FILE(" + std::string(to_string(as)) + ") of the thread's own fence", imported.err());
        }
      }

      const Access exported_as = kAccesses[static_cast<std::size_t>(i + thread) % kAccesses.size()];
      if (auto exported = uapi::export_sync_file(dmabuf(), exported_as); !exported) {
        fail("EXPORT_SYNC_FILE(" + std::string(to_string(exported_as)) + ") of the shared buffer", exported.err());
      } else {
        if (Status imported = uapi::import_sync_file(dmabuf(), Access::Read, exported->borrow()); !imported) {
          fail("IMPORT_SYNC_FILE(READ) of the shared buffer's own export", imported.err());
        }
        worker.exports.push_back(std::move(*exported));
      }

      if (source_fence) {
        Status signalled = source_fence->signal();
        if (!signalled) fail("VGEM_FENCE_SIGNAL (own buffer)", signalled.err());
      }
      if (own) {
        Status signalled = own->signal();
        if (!signalled) fail("VGEM_FENCE_SIGNAL (shared buffer)", signalled.err());
      }
    }
  };
  {
    std::vector<std::jthread> threads;
    for (int thread = 0; thread < kThreads; ++thread) threads.emplace_back(race, std::ref(workers[thread]), thread);
  }  // joined

  int attached = 0, refused = 0;
  std::size_t unexpected = 0;
  for (const Worker& worker : workers) {
    attached += worker.attached;
    refused += worker.refused;
    for (const std::string& failure : worker.unexpected) {
      if (unexpected++ < 10) ADD_FAILURE() << failure;
    }
  }
  EXPECT_EQ(unexpected, 0u) << "calls that failed with an errno not allowed here (the first 10 are listed above)";
  RecordProperty(std::string(schema::kAttachRace),
                 std::to_string(attached) + " attached, " + std::to_string(refused) + " refused (EBUSY)");
  EXPECT_GT(attached, 0) << "every attach was refused: the threads raced nothing onto the shared buffer";

  int still_pending = 0;
  for (const Worker& worker : workers) {
    for (const UniqueFd& exported : worker.exports) {
      auto pending = sync_file_pending(exported.borrow());
      ASSERT_TRUE(pending.ok()) << "poll(sync_file): " << describe(pending);
      if (*pending && still_pending++ == 0) {
        auto info = uapi::sync_file_info(exported.borrow());
        ADD_FAILURE() << "an export taken during the race is still pending after every thread signalled its fences: "
                      << (info ? info->describe() : "FILE_INFO failed: " + info.err().describe());
      }
    }
  }
  EXPECT_EQ(still_pending, 0) << "exports still pending after the race";

  FC_ASSERT_OK_AND_ASSIGN(short revents, uapi::poll_revents(dmabuf(), POLLIN | POLLOUT, Deadline::now()));
  EXPECT_EQ(revents, POLLIN | POLLOUT) << "poll(dma-buf, POLLIN|POLLOUT, 0) after the race reported "
                                       << revents_name(revents);
  FC_ASSERT_OK_AND_ASSIGN(UniqueFd after, uapi::export_sync_file(dmabuf(), Access::ReadWrite));
  FC_ASSERT_OK_AND_ASSIGN(SyncFileInfo info, uapi::sync_file_info(after.borrow()));
  record_fence("after the race, RW export", info);
  EXPECT_EQ(info.status, 1) << "the buffer after the race: " << info.describe();
  for (const FenceInfo& fence : info.fences) EXPECT_EQ(fence.status, 1) << info.describe();
}

// ---- 5. many waiters on one buffer: poll() threads and epoll ----

class ManyWaiters : public VgemTest {};

// Three threads in poll(POLLIN), a level-triggered and an edge-triggered epoll
// each waited on by a thread, all asleep on one pending write fence before it
// signals: every one wakes within kWakeBound of the signal, no earlier, with
// one EPOLLIN each. Then the level-triggered epoll still reports EPOLLIN.
FC_DESCRIBE(ManyWaiters, ThreePollersAndTwoEpollsWakeOnOneSignal,
            "Every waiter on one buffer (three pollers, a level- and an edge-triggered epoll) wakes on one signal.");
TEST_F(ManyWaiters, ThreePollersAndTwoEpollsWakeOnOneSignal) {
  FC_REQUIRE(exports());  // the witness: when the kernel says the fence signalled
  FC_ASSERT_OK_AND_ASSIGN(VgemFence fence, buffer().attach_fence(FenceUsage::Write));
  FC_ASSERT_OK_AND_ASSIGN(UniqueFd witness, uapi::export_sync_file(dmabuf(), Access::Write));
  FC_ASSERT_OK_AND_ASSIGN(UniqueFd level, uapi::epoll_create());
  FC_ASSERT_OK_AND_ASSIGN(UniqueFd edge, uapi::epoll_create());
  FC_ASSERT_OK(uapi::epoll_add(level.borrow(), dmabuf(), EPOLLIN));
  FC_ASSERT_OK(uapi::epoll_add(edge.borrow(), dmabuf(), EPOLLIN | EPOLLET));
  const std::array<std::pair<BorrowedFd, const char*>, 2> epolls{
      {{level.borrow(), "level-triggered"}, {edge.borrow(), "edge-triggered"}}};
  for (auto [epoll, what] : epolls) {
    FC_ASSERT_OK_AND_ASSIGN(std::vector<epoll_event> events, uapi::epoll_wait(epoll, 4, Deadline::now()));
    EXPECT_EQ(events.size(), 0u) << what << " epoll_wait(0) on a pending write fence reported an event";
  }

  using PollResult = Result<short>;
  using EpollResult = Result<std::vector<epoll_event>>;
  std::vector<std::unique_ptr<WaiterThread<PollResult>>> pollers;
  for (int i = 0; i < 3; ++i) {
    pollers.push_back(std::make_unique<WaiterThread<PollResult>>(
        [fd = dmabuf()](Deadline deadline) { return uapi::poll_revents(fd, POLLIN, deadline); }));
  }
  WaiterThread<EpollResult> level_waiter(
      [epoll = level.borrow()](Deadline deadline) { return uapi::epoll_wait(epoll, 4, deadline); });
  WaiterThread<EpollResult> edge_waiter(
      [epoll = edge.borrow()](Deadline deadline) { return uapi::epoll_wait(epoll, 4, deadline); });
  for (const auto& poller : pollers) ASSERT_TRUE(poller->asleep_in({SYS_poll, SYS_ppoll}, "a poll(POLLIN) thread"));
  const std::initializer_list<long> epoll_waits{SYS_epoll_wait, SYS_epoll_pwait};
  ASSERT_TRUE(level_waiter.asleep_in(epoll_waits, "the level-triggered epoll_wait"));
  ASSERT_TRUE(edge_waiter.asleep_in(epoll_waits, "the edge-triggered epoll_wait"));

  TimedSignal signalled = signal_timed(fence);
  for (const auto& poller : pollers) (void)poller->join();
  (void)level_waiter.join();
  (void)edge_waiter.join();
  ASSERT_TRUE(signalled.status) << "DRM_IOCTL_VGEM_FENCE_SIGNAL failed (" << signalled.status.err().describe()
                                << "): the waits prove nothing";
  Clock::time_point signalled_at;
  std::string described;
  const bool witnessed = witnessed_signal(witness.borrow(), signalled, signalled_at, described);
  EXPECT_TRUE(witnessed) << "no signal time to judge the wakes by: " << described;

  for (std::size_t i = 0; i < pollers.size(); ++i) {
    SCOPED_TRACE("poll(POLLIN) thread " + std::to_string(i));
    const PollResult& result = pollers[i]->join();
    EXPECT_TRUE(result.ok()) << "poll: " << describe(result);
    if (result) {
      EXPECT_EQ(*result, POLLIN) << "poll reported " << revents_name(*result);
    }
    if (witnessed) {
      EXPECT_TRUE(woke_in_bound(pollers[i]->returned_at(), signalled_at)) << described;
    }
  }
  for (auto* waiter : {&level_waiter, &edge_waiter}) {
    SCOPED_TRACE(waiter == &level_waiter ? "level-triggered epoll" : "edge-triggered epoll");
    const EpollResult& result = waiter->join();
    EXPECT_TRUE(result.ok()) << "epoll_wait: " << describe(result);
    if (result) {
      EXPECT_EQ(result->size(), 1u) << "epoll_wait after the signal";
      for (const epoll_event& event : *result) EXPECT_EQ(event.events, EPOLLIN);
    }
    if (witnessed) {
      EXPECT_TRUE(woke_in_bound(waiter->returned_at(), signalled_at)) << described;
    }
  }

  FC_ASSERT_OK_AND_ASSIGN(std::vector<epoll_event> level_again, uapi::epoll_wait(level.borrow(), 4, Deadline::now()));
  ASSERT_EQ(level_again.size(), 1u) << "level-triggered: the buffer is still readable, so epoll_wait(0) reports it";
  EXPECT_EQ(level_again[0].events, EPOLLIN);
}

// Not what EPOLLET suggests: once the buffer is idle, every epoll_wait reports
// EPOLLIN again, as level-triggered would. dma_buf_poll() on a buffer with no
// fence to wait for wakes every waiter on the buffer's wait queue
// (drivers/dma-buf/dma-buf.c, dma_buf_poll_cb), the epoll's own entry
// included, so each epoll_wait's look at the buffer re-queues it (seen on
// Linux 6.1 and 6.12; a pipe's EPOLLET reports once). Before the signal it
// reports nothing, however often asked. A consumer cannot count completions
// by edge-triggered events on a dma-buf.
FC_DESCRIBE(ManyWaiters, EdgeTriggeredEpollReportsAnIdleBufferOnEveryWait,
            "An edge-triggered epoll on an idle buffer reports it ready on every wait, as the kernel does.");
TEST_F(ManyWaiters, EdgeTriggeredEpollReportsAnIdleBufferOnEveryWait) {
  FC_ASSERT_OK_AND_ASSIGN(VgemFence fence, buffer().attach_fence(FenceUsage::Write));
  FC_ASSERT_OK_AND_ASSIGN(UniqueFd edge, uapi::epoll_create());
  FC_ASSERT_OK(uapi::epoll_add(edge.borrow(), dmabuf(), EPOLLIN | EPOLLET));
  for (int i = 0; i < 2; ++i) {
    FC_ASSERT_OK_AND_ASSIGN(std::vector<epoll_event> events, uapi::epoll_wait(edge.borrow(), 4, Deadline::now()));
    EXPECT_EQ(events.size(), 0u) << "epoll_wait(0) #" << i + 1 << " on a pending write fence reported an event";
  }
  FC_ASSERT_OK(fence.signal());
  for (int i = 0; i < 3; ++i) {
    FC_ASSERT_OK_AND_ASSIGN(std::vector<epoll_event> events, uapi::epoll_wait(edge.borrow(), 4, Deadline::now()));
    ASSERT_EQ(events.size(), 1u) << "epoll_wait(0) #" << i + 1 << " after the signal";
    EXPECT_EQ(events[0].events, EPOLLIN) << "epoll_wait(0) #" << i + 1 << " after the signal";
  }
}

FC_DESCRIBE(ManyWaiters, EpollRegisteredOnAnIdleBufferReportsEpollinAtOnce,
            "epoll registered on an idle buffer reports EPOLLIN at once.");
TEST_F(ManyWaiters, EpollRegisteredOnAnIdleBufferReportsEpollinAtOnce) {
  FC_ASSERT_OK_AND_ASSIGN(UniqueFd epoll, uapi::epoll_create());
  FC_ASSERT_OK(uapi::epoll_add(epoll.borrow(), dmabuf(), EPOLLIN));
  FC_ASSERT_OK_AND_ASSIGN(std::vector<epoll_event> events, uapi::epoll_wait(epoll.borrow(), 4, Deadline::now()));
  ASSERT_EQ(events.size(), 1u) << "epoll_wait(0) on an idle buffer";
  EXPECT_EQ(events[0].events, EPOLLIN);
  EXPECT_EQ(events[0].data.fd, dmabuf().get());
}

// ---- 6. POLLIN and POLLOUT asked together ----

// poll() answers each direction by its own rule: POLLIN waits for writers,
// POLLOUT for readers and writers.
class PollBothDirections : public VgemTest {};

FC_DESCRIBE(PollBothDirections, PendingReadFenceReportsPollinButNotPollout,
            "poll() with a pending read fence reports POLLIN (readers may go) but not POLLOUT.");
TEST_F(PollBothDirections, PendingReadFenceReportsPollinButNotPollout) {
  FC_ASSERT_OK_AND_ASSIGN(VgemFence fence, buffer().attach_fence(FenceUsage::Read));
  FC_ASSERT_OK_AND_ASSIGN(short pending, uapi::poll_revents(dmabuf(), POLLIN | POLLOUT, Deadline::now()));
  EXPECT_EQ(pending, POLLIN) << "read fence pending: a reader need not wait for readers, a writer must; poll reported "
                             << revents_name(pending);
  FC_ASSERT_OK(fence.signal());
  FC_ASSERT_OK_AND_ASSIGN(short signalled, uapi::poll_revents(dmabuf(), POLLIN | POLLOUT, Deadline::now()));
  EXPECT_EQ(signalled, POLLIN | POLLOUT) << "read fence signalled: poll reported " << revents_name(signalled);
}

FC_DESCRIBE(PollBothDirections, PendingWriteFenceReportsNeitherUntilItSignalsThenBoth,
            "poll() with a pending write fence reports neither direction until it signals, then both.");
TEST_F(PollBothDirections, PendingWriteFenceReportsNeitherUntilItSignalsThenBoth) {
  FC_ASSERT_OK_AND_ASSIGN(VgemFence fence, buffer().attach_fence(FenceUsage::Write));
  FC_ASSERT_OK_AND_ASSIGN(short pending, uapi::poll_revents(dmabuf(), POLLIN | POLLOUT, Deadline::now()));
  EXPECT_EQ(pending, 0) << "write fence pending: poll reported " << revents_name(pending);
  FC_ASSERT_OK(fence.signal());
  FC_ASSERT_OK_AND_ASSIGN(short signalled, uapi::poll_revents(dmabuf(), POLLIN | POLLOUT, Deadline::now()));
  EXPECT_EQ(signalled, POLLIN | POLLOUT) << "write fence signalled: poll reported " << revents_name(signalled);
}

// ---- 7. a merged sync_file's per-fence signal times ----

class MergedSignalTimes : public VgemExportTest {};

// Two pending exports merged; their fences then signal at least 20 ms apart.
// FILE_INFO of the merge lists both, each with the time it signalled (between
// the clock readings around its own signal ioctl), the earlier one first in time.
FC_DESCRIBE(MergedSignalTimes, MergedSyncFileReportsEachFencesOwnSignalTime,
            "FILE_INFO of a merged sync_file gives each fence its own signal time.");
TEST_F(MergedSignalTimes, MergedSyncFileReportsEachFencesOwnSignalTime) {
  FC_ASSERT_OK_AND_ASSIGN(VgemBuffer other, VgemBuffer::create(vgem(), 1, 1));
  FC_ASSERT_OK_AND_ASSIGN(VgemFence first, buffer().attach_fence(FenceUsage::Write));
  FC_ASSERT_OK_AND_ASSIGN(VgemFence second, other.attach_fence(FenceUsage::Write));
  FC_ASSERT_OK_AND_ASSIGN(UniqueFd a, uapi::export_sync_file(dmabuf(), Access::Read));
  FC_ASSERT_OK_AND_ASSIGN(UniqueFd b, uapi::export_sync_file(other.dmabuf(), Access::Read));
  FC_ASSERT_OK_AND_ASSIGN(UniqueFd merged, uapi::sync_file_merge(a.borrow(), b.borrow(), "fencecheck-times"));
  FC_ASSERT_OK_AND_ASSIGN(SyncFileInfo pending, uapi::sync_file_info(merged.borrow()));
  ASSERT_EQ(pending.fences.size(), 2u) << pending.describe();

  // Which entry is which fence is read from FILE_INFO after each signal, not
  // assumed from the order the kernel lists them in.
  TimedSignal first_signalled = signal_timed(first);
  FC_ASSERT_OK(first_signalled.status);
  FC_ASSERT_OK_AND_ASSIGN(SyncFileInfo half, uapi::sync_file_info(merged.borrow()));
  record_fence("merged, first signalled", half);
  ASSERT_EQ(half.fences.size(), 2u) << half.describe();
  ASSERT_EQ(half.fences[0].status + half.fences[1].status, 1) << "one fence signalled: " << half.describe();
  const std::size_t first_index = half.fences[0].status == 1 ? 0 : 1;
  const std::size_t second_index = 1 - first_index;
  EXPECT_EQ(sync_file_pending(merged.borrow()).value(), true) << half.describe();

  std::this_thread::sleep_for(20ms);
  TimedSignal second_signalled = signal_timed(second);
  FC_ASSERT_OK(second_signalled.status);
  FC_ASSERT_OK_AND_ASSIGN(SyncFileInfo info, uapi::sync_file_info(merged.borrow()));
  record_fence("merged, both signalled", info);
  EXPECT_EQ(info.status, 1) << info.describe();
  ASSERT_EQ(info.fences.size(), 2u) << info.describe();
  const FenceInfo& earlier = info.fences[first_index];
  const FenceInfo& later = info.fences[second_index];
  EXPECT_EQ(earlier.timestamp_ns, half.fences[first_index].timestamp_ns)
      << "the first fence's signal time changed when the second signalled";
  EXPECT_TRUE(stamped_within(earlier, first_signalled)) << "the fence signalled first: " << info.describe();
  EXPECT_TRUE(stamped_within(later, second_signalled)) << "the fence signalled second: " << info.describe();
  EXPECT_GE(signal_time_of(later) - signal_time_of(earlier), 20ms)
      << "signalled at least 20 ms apart; FILE_INFO says "
      << std::chrono::duration_cast<std::chrono::microseconds>(signal_time_of(later) - signal_time_of(earlier)).count()
      << " us";
}

}  // namespace
}  // namespace fc
