// SPDX-License-Identifier: MIT
// UniqueFd owns exactly one descriptor and closes it exactly once.
#include "harness/fd.h"

#include <fcntl.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <gtest/gtest.h>

namespace fc {
namespace {

bool is_open(int fd) { return ::fcntl(fd, F_GETFD) != -1; }

UniqueFd make_eventfd() { return UniqueFd(::eventfd(0, EFD_CLOEXEC)); }

TEST(UniqueFd, DefaultIsInvalid) {
  UniqueFd fd;
  EXPECT_FALSE(fd.valid());
  EXPECT_EQ(fd.get(), -1);
}

TEST(UniqueFd, ClosesOnDestruction) {
  int raw;
  {
    UniqueFd fd = make_eventfd();
    raw = fd.get();
    ASSERT_TRUE(is_open(raw));
  }
  EXPECT_FALSE(is_open(raw));
}

TEST(UniqueFd, MoveTransfersOwnershipAndEmptiesTheSource) {
  UniqueFd first = make_eventfd();
  int raw = first.get();
  UniqueFd second = std::move(first);
  EXPECT_FALSE(first.valid());  // NOLINT(bugprone-use-after-move): checking the moved-from state
  EXPECT_EQ(second.get(), raw);
  EXPECT_TRUE(is_open(raw));
}

TEST(UniqueFd, MoveAssignmentClosesThePreviousDescriptor) {
  UniqueFd target = make_eventfd();
  int old_raw = target.get();
  UniqueFd source = make_eventfd();
  target = std::move(source);
  EXPECT_FALSE(is_open(old_raw));
  EXPECT_TRUE(is_open(target.get()));
}

TEST(UniqueFd, ReleaseHandsOverWithoutClosing) {
  UniqueFd fd = make_eventfd();
  int raw = fd.release();
  EXPECT_FALSE(fd.valid());
  EXPECT_TRUE(is_open(raw));
  ::close(raw);
}

TEST(UniqueFd, DupIsCloseOnExec) {
  int raw = ::eventfd(0, 0);  // deliberately without CLOEXEC
  ASSERT_GE(raw, 0);
  UniqueFd original(raw);
  ASSERT_EQ(is_cloexec(original.borrow()).value(), false);
  auto copy = UniqueFd::dup(original.borrow());
  ASSERT_TRUE(copy.ok()) << describe(copy);
  EXPECT_NE(copy->get(), raw);
  EXPECT_EQ(is_cloexec(copy->borrow()).value(), true);
}

TEST(UniqueFd, DupOfAClosedDescriptorKeepsEbadf) {
  int raw;
  { raw = make_eventfd().get(); }
  auto copy = UniqueFd::dup(BorrowedFd(raw));
  EXPECT_EQ(copy.error(), EBADF);
}

TEST(CountOpenFds, SeesOneMoreDescriptorWhileOneIsOpen) {
  auto before = count_open_fds();
  ASSERT_TRUE(before.ok()) << describe(before);
  {
    UniqueFd fd = make_eventfd();
    EXPECT_EQ(count_open_fds().value(), *before + 1);
  }
  EXPECT_EQ(count_open_fds().value(), *before);
}

}  // namespace
}  // namespace fc
