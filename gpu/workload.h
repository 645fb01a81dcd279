// SPDX-License-Identifier: MIT
// Sizing a GPU producer's workload at run time: long enough that an export
// made right after submit sees the write still running, on fast GPUs and on
// emulated ones alike; short enough for emulated lanes (hundreds of ms).
#pragma once

#include <cstdint>
#include <functional>

#include "harness/deadline.h"
#include "harness/result.h"

namespace fc {

inline constexpr milliseconds kTargetFrameTime{250};
inline constexpr std::uint32_t kMaxWorkloadIterations = 1u << 22;

// Finds how many busy-loop iterations make one frame take about `target`:
// run_frame(iterations) must submit one whole frame and wait for it. Starts
// small and scales by the measured time (at most 16x a round, 8 rounds).
[[nodiscard]] Result<std::uint32_t> calibrate_workload(const std::function<Status(std::uint32_t)>& run_frame,
                                                       Clock::duration target = kTargetFrameTime);

// The pure step: the next iteration count after a frame of `iterations` took `took`.
[[nodiscard]] std::uint32_t next_workload(std::uint32_t iterations, Clock::duration took, Clock::duration target);

}  // namespace fc
