// SPDX-License-Identifier: MIT
// The uapi layer's waits and error paths that need no DRM: poll_fd bounds
// (and is_busy, its zero-timeout form), POLLNVAL, POLLERR and POLLHUP,
// poll_revents and the epoll wrappers, and errno pass-through for descriptors
// that are not dma-bufs.
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "harness/tests/pipe.h"
#include "harness/uapi.h"

namespace fc {
namespace {

using namespace std::chrono_literals;

TEST(PollFd, ZeroDeadlineReportsTheCurrentStateWithoutWaiting) {
  Pipe pipe;
  ASSERT_TRUE(pipe.reader.valid());
  auto result = uapi::poll_fd(pipe.reader.borrow(), POLLIN, Deadline::now());
  ASSERT_TRUE(result.ok()) << describe(result);
  EXPECT_EQ(*result, WaitResult::TimedOut);
  EXPECT_EQ(uapi::is_busy(pipe.reader.borrow(), POLLIN).value(), true);
}

TEST(PollFd, ReportsReadyOnceTheDescriptorIs) {
  Pipe pipe;
  ASSERT_EQ(::write(pipe.writer.get(), "x", 1), 1);
  auto result = uapi::poll_fd(pipe.reader.borrow(), POLLIN, Deadline::now());
  ASSERT_TRUE(result.ok()) << describe(result);
  EXPECT_EQ(*result, WaitResult::Ready);
  EXPECT_EQ(uapi::is_busy(pipe.reader.borrow(), POLLIN).value(), false);
}

TEST(PollFd, WaitsUntilTheDeadlineAndNoLonger) {
  Pipe pipe;
  auto start = Clock::now();
  auto result = uapi::poll_fd(pipe.reader.borrow(), POLLIN, Deadline::after(50ms));
  auto waited = Clock::now() - start;
  ASSERT_TRUE(result.ok()) << describe(result);
  EXPECT_EQ(*result, WaitResult::TimedOut);
  EXPECT_GE(waited, 50ms);
}

// Signals every 5 ms interrupt poll() (a handler without SA_RESTART): each
// EINTR must poll again for what is left, so the wait still ends at its
// deadline, not later (a restarted timeout would never end while they come;
// they stop after 1 s so that a broken poll_fd fails instead of hanging).
TEST(PollFd, ASignalStormEndsAtTheDeadlineNotLater) {
  struct sigaction action {
  }, previous{};
  action.sa_handler = +[](int) {};
  ASSERT_EQ(::sigaction(SIGUSR2, &action, &previous), 0);
  std::atomic<bool> stop{false};
  const pthread_t waiter = ::pthread_self();
  std::thread storm([&] {
    for (auto until = Clock::now() + 1s; !stop && Clock::now() < until;) {
      ::pthread_kill(waiter, SIGUSR2);
      std::this_thread::sleep_for(5ms);
    }
  });
  Pipe pipe;
  auto start = Clock::now();
  auto result = uapi::poll_fd(pipe.reader.borrow(), POLLIN, Deadline::after(100ms));
  auto waited = Clock::now() - start;
  stop = true;
  storm.join();
  ::sigaction(SIGUSR2, &previous, nullptr);
  ASSERT_TRUE(result.ok()) << describe(result) << ": EINTR must be retried";
  EXPECT_EQ(*result, WaitResult::TimedOut);
  EXPECT_GE(waited, 100ms);
  EXPECT_LT(waited, 700ms) << "each EINTR restarted the whole timeout";
}

TEST(PollFd, ClosedDescriptorIsEbadf) {
  int raw;
  {
    Pipe pipe;
    raw = pipe.reader.get();
  }
  EXPECT_EQ(uapi::poll_fd(BorrowedFd(raw), POLLIN, Deadline::now()).error(), EBADF);
  EXPECT_EQ(uapi::is_busy(BorrowedFd(raw), POLLIN).error(), EBADF);
}

TEST(PollFd, AHangUpIsAnErrorNotReady) {
  Pipe pipe;
  pipe.writer.reset();  // nothing to read, and never will be: POLLHUP alone
  EXPECT_EQ(uapi::poll_fd(pipe.reader.borrow(), POLLIN, Deadline::now()).error(), EPIPE);
}

TEST(PollFd, AnErrorConditionIsAnErrorNotReady) {
  Pipe pipe;
  pipe.reader.reset();  // the writer's end now reports POLLERR
  EXPECT_EQ(uapi::poll_fd(pipe.writer.borrow(), POLLOUT, Deadline::now()).error(), EIO);
}

TEST(PollRevents, ReportsWhatTheKernelSaidErrorsIncluded) {
  Pipe pipe;
  EXPECT_EQ(uapi::poll_revents(pipe.reader.borrow(), POLLIN, Deadline::now()).value(), 0) << "nothing to read yet";
  ASSERT_EQ(::write(pipe.writer.get(), "x", 1), 1);
  EXPECT_EQ(uapi::poll_revents(pipe.reader.borrow(), POLLIN | POLLOUT, Deadline::now()).value(), POLLIN);
  int raw = pipe.reader.get();
  pipe.reader.reset();
  EXPECT_EQ(uapi::poll_revents(BorrowedFd(raw), POLLIN, Deadline::now()).value(), POLLNVAL)
      << "a closed descriptor is the kernel's POLLNVAL, for the caller to judge";
}

TEST(PollRevents, WaitsUntilTheDeadlineAndNoLonger) {
  Pipe pipe;
  auto start = Clock::now();
  auto result = uapi::poll_revents(pipe.reader.borrow(), POLLIN, Deadline::after(50ms));
  auto waited = Clock::now() - start;
  ASSERT_TRUE(result.ok()) << describe(result);
  EXPECT_EQ(*result, 0);
  EXPECT_GE(waited, 50ms);
}

TEST(Epoll, ReportsTheDescriptorOnceItIsReady) {
  Pipe pipe;
  auto epoll = uapi::epoll_create();
  ASSERT_TRUE(epoll.ok()) << describe(epoll);
  EXPECT_EQ(is_cloexec(epoll->borrow()).value(), true);
  ASSERT_TRUE(uapi::epoll_add(epoll->borrow(), pipe.reader.borrow(), EPOLLIN).ok());
  EXPECT_EQ(uapi::epoll_wait(epoll->borrow(), 4, Deadline::now()).value().size(), 0u);
  ASSERT_EQ(::write(pipe.writer.get(), "x", 1), 1);
  auto events = uapi::epoll_wait(epoll->borrow(), 4, Deadline::after(1s));
  ASSERT_TRUE(events.ok()) << describe(events);
  ASSERT_EQ(events->size(), 1u);
  EXPECT_EQ((*events)[0].events, EPOLLIN);
  EXPECT_EQ((*events)[0].data.fd, pipe.reader.get());
}

TEST(Epoll, EdgeTriggeredReportsAPipeOnce) {
  Pipe pipe;
  auto epoll = uapi::epoll_create();
  ASSERT_TRUE(epoll.ok()) << describe(epoll);
  ASSERT_TRUE(uapi::epoll_add(epoll->borrow(), pipe.reader.borrow(), EPOLLIN | EPOLLET).ok());
  ASSERT_EQ(::write(pipe.writer.get(), "x", 1), 1);
  EXPECT_EQ(uapi::epoll_wait(epoll->borrow(), 4, Deadline::now()).value().size(), 1u);
  EXPECT_EQ(uapi::epoll_wait(epoll->borrow(), 4, Deadline::now()).value().size(), 0u) << "no new edge";
}

TEST(Epoll, WaitsUntilTheDeadlineAndNoLonger) {
  Pipe pipe;
  auto epoll = uapi::epoll_create();
  ASSERT_TRUE(epoll.ok()) << describe(epoll);
  ASSERT_TRUE(uapi::epoll_add(epoll->borrow(), pipe.reader.borrow(), EPOLLIN).ok());
  auto start = Clock::now();
  auto events = uapi::epoll_wait(epoll->borrow(), 4, Deadline::after(50ms));
  auto waited = Clock::now() - start;
  ASSERT_TRUE(events.ok()) << describe(events);
  EXPECT_EQ(events->size(), 0u);
  EXPECT_GE(waited, 50ms);
}

TEST(Epoll, ErrorsKeepTheirErrno) {
  Pipe pipe;
  auto epoll = uapi::epoll_create();
  ASSERT_TRUE(epoll.ok()) << describe(epoll);
  ASSERT_TRUE(uapi::epoll_add(epoll->borrow(), pipe.reader.borrow(), EPOLLIN).ok());
  EXPECT_EQ(uapi::epoll_add(epoll->borrow(), pipe.reader.borrow(), EPOLLIN).error(), EEXIST);
  EXPECT_EQ(uapi::epoll_add(epoll->borrow(), BorrowedFd(-1), EPOLLIN).error(), EBADF);
  EXPECT_EQ(uapi::epoll_wait(pipe.reader.borrow(), 4, Deadline::now()).error(), EINVAL) << "not an epoll";
  EXPECT_EQ(uapi::epoll_wait(epoll->borrow(), 0, Deadline::now()).error(), EINVAL);
}

TEST(UapiErrno, DmaBufIoctlsOnAnEventfdKeepEnotty) {
  UniqueFd event(::eventfd(0, EFD_CLOEXEC));
  ASSERT_TRUE(event.valid());
  EXPECT_EQ(uapi::export_sync_file(event.borrow(), Access::Read).error(), ENOTTY);
  EXPECT_EQ(uapi::import_sync_file(event.borrow(), Access::Read, event.borrow()).error(), ENOTTY);
  EXPECT_EQ(uapi::dma_buf_sync(event.borrow(), abi::kSyncRead).error(), ENOTTY);
  EXPECT_EQ(uapi::dma_buf_sync_start(event.borrow(), Access::Read, Deadline::after(1s)).error(), ENOTTY);
  EXPECT_EQ(uapi::dma_buf_sync_start(event.borrow(), Access::Read, Deadline::now()).error(), ENOTTY)
      << "an already-passed deadline still makes the call (and arms a valid timer)";
  EXPECT_EQ(uapi::sync_file_info(event.borrow()).error(), ENOTTY);
}

TEST(UapiErrno, NegativeDescriptorIsEbadf) {
  EXPECT_EQ(uapi::export_sync_file(BorrowedFd(-1), Access::Read).error(), EBADF);
  EXPECT_EQ(uapi::sync_file_info(BorrowedFd(-1)).error(), EBADF);
}

TEST(SyncFileInfo, DescribesEveryFence) {
  SyncFileInfo info;
  EXPECT_EQ(info.describe(), "0 fences");
  info.fences.push_back({"stub", "stub", 1, 0});
  EXPECT_EQ(info.describe(), "1 fence: stub/stub signalled");
  info.fences.push_back({"vgem", "unbound", 0, 0});
  info.fences.push_back({"virtio_gpu", "controlq", -5, 0});
  EXPECT_EQ(info.describe(), "3 fences: stub/stub signalled, vgem/unbound active, virtio_gpu/controlq error -5");
}

TEST(SyncFileInfo, CountsRunsOfIdenticalFences) {
  SyncFileInfo info;
  for (int i = 0; i < 32; ++i) info.fences.push_back({"vgem", "unbound", 0, 0});
  info.fences.push_back({"vgem", "unbound", 1, 0});
  EXPECT_EQ(info.describe(), "33 fences: 32 x vgem/unbound active, vgem/unbound signalled");
}

TEST(Access, MapsToTheKernelFlagsAndPollEvents) {
  EXPECT_EQ(flags_of(Access::Read), 1u);
  EXPECT_EQ(flags_of(Access::Write), 2u);
  EXPECT_EQ(flags_of(Access::ReadWrite), 3u);
  EXPECT_EQ(poll_events_for(Access::Read), POLLIN);
  EXPECT_EQ(poll_events_for(Access::Write), POLLOUT);
  EXPECT_EQ(poll_events_for(Access::ReadWrite), POLLOUT);
}

}  // namespace
}  // namespace fc
