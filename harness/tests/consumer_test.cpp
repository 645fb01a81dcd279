// SPDX-License-Identifier: MIT
// wait_for_writers' paths that need no DRM, on a pipe (poll() semantics are
// the descriptor's): the idle fast path, a wait that ends in time or at its
// deadline, and each poll bit that is not "ready" reaching the caller as its
// own errno, from the fast path's fallback.
#include <fcntl.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <thread>

#include "harness/consumer.h"
#include "harness/tests/pipe.h"

namespace fc {
namespace {

using namespace std::chrono_literals;

TEST(WaitForWriters, AReadyDescriptorIsIdleWithoutWaiting) {
  Pipe pipe;
  ASSERT_EQ(::write(pipe.writer.get(), "x", 1), 1);
  auto waited = wait_for_writers(pipe.reader.borrow(), Deadline::after(10s));
  ASSERT_TRUE(waited.ok()) << describe(waited);
  EXPECT_FALSE(waited->had_writers);
  EXPECT_EQ(waited->result, WaitResult::Ready);
}

TEST(WaitForWriters, ABusyDescriptorWaitsUntilItIsReady) {
  Pipe pipe;
  std::thread writer([&] {
    std::this_thread::sleep_for(50ms);
    (void)!::write(pipe.writer.get(), "x", 1);
  });
  auto waited = wait_for_writers(pipe.reader.borrow(), Deadline::after(10s));
  writer.join();
  ASSERT_TRUE(waited.ok()) << describe(waited);
  EXPECT_TRUE(waited->had_writers);
  EXPECT_EQ(waited->result, WaitResult::Ready);
}

TEST(WaitForWriters, ABusyDescriptorTimesOutAtTheDeadline) {
  Pipe pipe;
  auto waited = wait_for_writers(pipe.reader.borrow(), Deadline::after(20ms));
  ASSERT_TRUE(waited.ok()) << describe(waited);
  EXPECT_TRUE(waited->had_writers);
  EXPECT_EQ(waited->result, WaitResult::TimedOut);
}

TEST(WaitForWriters, AClosedDescriptorIsEbadfNotIdle) {
  int number;
  {
    Pipe pipe;
    number = pipe.reader.get();
  }
  auto waited = wait_for_writers(BorrowedFd(number), Deadline::after(10s));
  ASSERT_FALSE(waited.ok()) << "POLLNVAL read as a wait result";
  EXPECT_EQ(waited.err().value, EBADF);
}

TEST(WaitForWriters, AHangUpWithNothingReadyIsEpipeNotIdle) {
  Pipe pipe;
  pipe.writer.reset();  // the read end now polls POLLHUP alone
  auto waited = wait_for_writers(pipe.reader.borrow(), Deadline::after(10s));
  ASSERT_FALSE(waited.ok()) << "POLLHUP read as a wait result";
  EXPECT_EQ(waited.err().value, EPIPE);
}

TEST(WaitForWriters, AnErrorIsEioNotIdle) {
  Pipe pipe;
  pipe.reader.reset();  // the write end now polls POLLERR
  auto waited = wait_for_writers(pipe.writer.borrow(), Deadline::after(10s));
  ASSERT_FALSE(waited.ok()) << "POLLERR read as a wait result";
  EXPECT_EQ(waited.err().value, EIO);
}

}  // namespace
}  // namespace fc
