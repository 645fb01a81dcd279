// SPDX-License-Identifier: MIT
// Deadline arithmetic: the time left never grows and never goes negative.
#include "harness/deadline.h"

#include <gtest/gtest.h>

#include <thread>

namespace fc {
namespace {

using namespace std::chrono_literals;

TEST(Deadline, NowIsAlreadyExpiredAndGivesAZeroPollTimeout) {
  Deadline deadline = Deadline::now();
  EXPECT_TRUE(deadline.expired());
  EXPECT_EQ(deadline.remaining(), Clock::duration::zero());
  EXPECT_EQ(deadline.poll_timeout_ms(), 0);
}

TEST(Deadline, PollTimeoutRoundsUpSoAWaitNeverEndsEarly) {
  Deadline deadline = Deadline::after(1500us);
  int ms = deadline.poll_timeout_ms();
  EXPECT_GE(ms, 1);
  EXPECT_LE(ms, 2);
}

TEST(Deadline, RemainingShrinksAsTimePasses) {
  Deadline deadline = Deadline::after(10s);
  auto first = deadline.remaining();
  std::this_thread::sleep_for(5ms);
  EXPECT_LT(deadline.remaining(), first);
  EXPECT_FALSE(deadline.expired());
}

TEST(Deadline, HugeTimeoutsClampToIntMax) {
  Deadline deadline = Deadline::after(std::chrono::hours(24 * 365 * 100));
  EXPECT_EQ(deadline.poll_timeout_ms(), INT_MAX);
}

}  // namespace
}  // namespace fc
