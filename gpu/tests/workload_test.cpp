// SPDX-License-Identifier: MIT
// Workload calibration converges on the target frame time and stays bounded.
#include "gpu/workload.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace fc {
namespace {

using namespace std::chrono_literals;

TEST(Workload, ScalesByTheMeasuredTimeAtMostSixteenfold) {
  EXPECT_EQ(next_workload(100, 125ms, 250ms), 200u);
  EXPECT_EQ(next_workload(100, 1us, 250ms), 1600u);   // too fast to measure: grow 16x
  EXPECT_EQ(next_workload(100, 10ms, 250ms), 1600u);  // 25x wanted, 16x allowed
  EXPECT_EQ(next_workload(100, 500ms, 250ms), 100u);  // never shrinks
  EXPECT_EQ(next_workload(kMaxWorkloadIterations, 10ms, 250ms), kMaxWorkloadIterations);
}

TEST(Workload, CalibrationStopsOnceAFrameTakesHalfTheTarget) {
  // A fake GPU whose frame takes 1 us per iteration (time passes through a sleep).
  std::vector<std::uint32_t> tried;
  auto result = calibrate_workload(
      [&](std::uint32_t n) {
        tried.push_back(n);
        std::this_thread::sleep_for(std::chrono::microseconds(n));
        return Status{};
      },
      20ms);
  ASSERT_TRUE(result.ok());
  EXPECT_GE(*result, 10'000u);  // 10 ms = half the target
  EXPECT_LE(tried.size(), 8u);
  EXPECT_EQ(tried.front(), 16u);
}

TEST(Workload, AFailingFrameEndsCalibrationWithItsErrno) {
  auto result = calibrate_workload([](std::uint32_t) { return Status{Errno{EIO}}; });
  EXPECT_EQ(result.error(), EIO);
}

}  // namespace
}  // namespace fc
