// SPDX-License-Identifier: MIT
// Child processes end within their deadline; descriptors cross SCM_RIGHTS intact.
#include "harness/process.h"

#include <signal.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <gtest/gtest.h>

namespace fc {
namespace {

using namespace std::chrono_literals;

TEST(ChildProcess, ReportsTheExitCode) {
  auto child = ChildProcess::fork([] { return 7; });
  ASSERT_TRUE(child.ok()) << describe(child);
  auto status = child->wait(Deadline::after(10s));
  ASSERT_TRUE(status.ok()) << describe(status);
  EXPECT_TRUE(status->exited);
  EXPECT_EQ(status->code, 7);
  EXPECT_FALSE(status->success());
}

TEST(ChildProcess, ReportsDeathBySignal) {
  // SIGKILL: no handler (a sanitizer's SIGSEGV handler, say) can turn it into an exit.
  auto child = ChildProcess::fork([] {
    ::raise(SIGKILL);
    return 0;
  });
  ASSERT_TRUE(child.ok()) << describe(child);
  auto status = child->wait(Deadline::after(10s));
  ASSERT_TRUE(status.ok()) << describe(status);
  EXPECT_FALSE(status->exited);
  EXPECT_EQ(status->code, SIGKILL);
}

TEST(ChildProcess, AHungChildTimesOutAndIsKilledOnDestruction) {
  pid_t pid;
  {
    auto child = ChildProcess::fork([] {
      ::pause();
      return 0;
    });
    ASSERT_TRUE(child.ok()) << describe(child);
    pid = child->pid();
    EXPECT_EQ(child->wait(Deadline::after(50ms)).error(), ETIMEDOUT);
  }
  EXPECT_EQ(::kill(pid, 0), -1);  // reaped: the pid no longer exists
}

TEST(SocketPair, PassesADescriptorThatRefersToTheSameFile) {
  auto pair = make_socket_pair();
  ASSERT_TRUE(pair.ok()) << describe(pair);
  UniqueFd event(::eventfd(0, EFD_CLOEXEC));
  std::byte tag{42};
  ASSERT_TRUE(send_message(pair->first.borrow(), {&tag, 1}, &event).ok());

  std::byte got{};
  auto message = receive_message(pair->second.borrow(), {&got, 1}, Deadline::after(1s));
  ASSERT_TRUE(message.ok()) << describe(message);
  EXPECT_EQ(message->size, 1u);
  EXPECT_EQ(got, tag);
  ASSERT_TRUE(message->fd.valid());
  // Same eventfd: a value written through one is read through the other.
  std::uint64_t one = 1, value = 0;
  ASSERT_EQ(::write(event.get(), &one, sizeof one), 8);
  ASSERT_EQ(::read(message->fd.get(), &value, sizeof value), 8);
  EXPECT_EQ(value, 1u);
}

TEST(SocketPair, ReceiveTimesOutWhenNothingComes) {
  auto pair = make_socket_pair();
  ASSERT_TRUE(pair.ok());
  std::byte got{};
  EXPECT_EQ(receive_message(pair->second.borrow(), {&got, 1}, Deadline::after(20ms)).error(), ETIMEDOUT);
}

TEST(SocketPair, ReceiveReportsAClosedPeer) {
  auto pair = make_socket_pair();
  ASSERT_TRUE(pair.ok());
  pair->first.reset();
  std::byte got{};
  EXPECT_EQ(receive_message(pair->second.borrow(), {&got, 1}, Deadline::after(1s)).error(), ECONNRESET);
}

}  // namespace
}  // namespace fc
