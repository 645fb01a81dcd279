// SPDX-License-Identifier: MIT
// Shared pieces of the fencecheck benchmarks: options, the consumer-side wait
// strategies, the syscall floor, percentiles, and skips that say why.
#pragma once

#include <benchmark/benchmark.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/deadline.h"
#include "harness/fd.h"
#include "harness/result.h"
#include "harness/uapi.h"
#include "harness/vgem.h"
#include "results/schema.h"

namespace fc::bench {

struct Options {
  std::string device;                // --device: as select_device()
  std::uint32_t race_frames = 24;    // frames per race benchmark
  std::uint32_t wake_samples = 200;  // wake-ups per vgem wake benchmark (GPU: a tenth)
  bool short_run = false;            // --short: smoke-test sizes (fewer points on each curve)
};
[[nodiscard]] const Options& options();
void set_options(Options options);

// How a consumer waits before reading a buffer it was handed at submit time.
enum class Strategy {
  NoWait,        // the fenceless zero-copy consumer
  ExportPoll,    // EXPORT_SYNC_FILE(READ), poll the sync_file, close: the common recipe
  PollDmaBuf,    // poll(dma-buf, POLLIN)
  SyncIoctl,     // DMA_BUF_IOCTL_SYNC START(READ) .. END
  ConsumerWait,  // fc::wait_for_writers, the recommended helper
};
inline constexpr Strategy kWaitingStrategies[] = {Strategy::ExportPoll, Strategy::PollDmaBuf, Strategy::SyncIoctl,
                                                  Strategy::ConsumerWait};
[[nodiscard]] std::string_view name_of(Strategy strategy);

// Waits on dmabuf's writers with strategy, bounded by deadline.
[[nodiscard]] Result<WaitResult> wait_with(Strategy strategy, BorrowedFd dmabuf, Deadline deadline);

// ns per getppid() on this machine now: the floor each result is a ratio to.
// Measured outside the timed loop, in the same run as the benchmark.
[[nodiscard]] double syscall_floor_ns();

// The p-th percentile (0..100) of samples (sorted in place).
[[nodiscard]] double percentile(std::vector<double>& samples, double p);

// vgem, or nullopt once state was skipped saying why there is none
// (unsupported: no vgem; broken: the open failed, with its errno).
[[nodiscard]] std::optional<VgemDevice> open_vgem(benchmark::State& state);
// A vgem buffer on device (opened here) whose fences the kernel exports, or
// nullopt once state was skipped saying why.
[[nodiscard]] std::optional<VgemBuffer> open_vgem_buffer(benchmark::State& state, std::optional<VgemDevice>& device);

// The kernel's signal timestamp (CLOCK_MONOTONIC ns) of sync_file's first
// fence, from SYNC_IOC_FILE_INFO; EPROTO where it has none.
[[nodiscard]] Result<std::uint64_t> signal_timestamp(BorrowedFd sync_file);
// Seconds from a kernel timestamp to woke_at (steady_clock is CLOCK_MONOTONIC).
[[nodiscard]] double seconds_since(std::uint64_t kernel_ns, Clock::time_point woke_at);

// The waking side sleeps this long before it signals, so the waiter is blocked.
inline constexpr std::chrono::milliseconds kSignalDelay{2};

// Wake-ups, in µs after the signal; one that returned before the fence's own
// signal timestamp (negative) is counted apart, never averaged in.
struct Wakes {
  std::vector<double> samples_us;
  std::uint32_t early = 0;
  void add(double seconds) {
    if (seconds < 0) {
      ++early;
    } else {
      samples_us.push_back(seconds * 1e6);
    }
  }
};
// Reports wakes' samples, p50_us, p99_us and early_wakes.
void report_wakes(benchmark::State& state, Wakes& wakes);

// The 95% confidence interval of median(a) / median(b), by the bootstrap
// (2000 resamples of each, percentile interval; a fixed seed, so a run's
// numbers give the same interval): {0, 0} where either has under 6 samples.
struct Interval {
  double low = 0;
  double high = 0;
};
[[nodiscard]] Interval median_ratio_interval(const std::vector<double>& a, const std::vector<double>& b);

// Adds a GPU target's environment (driver, renderer, buffer, ...) to the run's
// context once per producer: the context is the run's, shared by every benchmark.
void add_environment_context(const std::string& producer, const std::vector<std::pair<std::string, std::string>>& env);

// Runs op once per iteration of state's loop: ns per op, by the wall clock
// around the whole loop (nothing is timed inside it).
template <class Op>
[[nodiscard]] double timed_ns_per_op(benchmark::State& state, Op&& op) {
  auto start = Clock::now();
  for (auto _ : state) op();
  return std::chrono::duration<double, std::nano>(Clock::now() - start).count() /
         static_cast<double>(state.iterations());
}

// Reports a counter under its name in results/schema.h (schema::kNsPerOp, ...).
inline void set_counter(benchmark::State& state, std::string_view name, double value) {
  state.counters[std::string(name)] = value;
}

// This machine or lane lacks what the benchmark needs: not an error.
// (Google Benchmark 1.7 has no SkipWithMessage: such skips are reported as
// errors whose message starts with "unsupported: ".)
void skip_unsupported(benchmark::State& state, const std::string& reason);
// Something that should work failed: an error, with the errno.
void skip_broken(benchmark::State& state, const std::string& what, Errno err);
// Did a benchmark stop on a broken call (skip_broken)? fencecheck-bench then exits 1.
[[nodiscard]] bool any_broken();

}  // namespace fc::bench
