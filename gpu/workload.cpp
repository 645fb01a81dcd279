// SPDX-License-Identifier: MIT
#include "gpu/workload.h"

#include <algorithm>

namespace fc {

std::uint32_t next_workload(std::uint32_t iterations, Clock::duration took, Clock::duration target) {
  using namespace std::chrono_literals;
  double scale = took > 1ms ? std::chrono::duration<double>(target) / took : 16.0;
  double next = iterations * std::clamp(scale, 1.0, 16.0);
  return static_cast<std::uint32_t>(std::min<double>(kMaxWorkloadIterations, next));
}

Result<std::uint32_t> calibrate_workload(const std::function<Status(std::uint32_t)>& run_frame,
                                         Clock::duration target) {
  std::uint32_t iterations = 16;
  for (int round = 0; round < 8; ++round) {
    auto start = Clock::now();
    if (Status ran = run_frame(iterations); !ran) return ran.err();
    auto took = Clock::now() - start;
    if (took >= target / 2 || iterations >= kMaxWorkloadIterations) break;
    iterations = next_workload(iterations, took, target);
  }
  return iterations;
}

}  // namespace fc
