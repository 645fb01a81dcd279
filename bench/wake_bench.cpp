// SPDX-License-Identifier: MIT
// Wake-up latency on a pending buffer: how long after the fence signals does
// a consumer blocked in each strategy run again? The signal time is the
// kernel's own (SYNC_IOC_FILE_INFO timestamp_ns of the fence, CLOCK_MONOTONIC),
// the wake time the consumer's clock right after its wait returns; manual time.
//   Wake/vgem/<strategy>       another thread signals a vgem fence (reference lane)
//   Wake/<producer>/<strategy> the GPU completes a frame (GPU lanes)
//   Floor/eventfd_wake         another thread writes an eventfd: the scheduler's floor
// Counters: p50_us, p99_us of the samples, early_wakes (wake-ups timed before the
// fence's own signal timestamp: kept out of the percentiles, and a problem for
// `fencecheck-results bench --check`), and unfenced_frames on GPU lanes.
#include <sys/eventfd.h>
#include <unistd.h>

#include <atomic>
#include <optional>
#include <thread>

#include "bench/bench.h"
#include "gpu/gpu_target.h"
#include "harness/device.h"
#include "harness/probe.h"
#include "harness/vgem.h"

namespace fc::bench {
namespace {

using namespace std::chrono_literals;

void eventfd_wake(benchmark::State& state) {
  UniqueFd event(::eventfd(0, EFD_CLOEXEC));
  if (!event) return skip_broken(state, "eventfd", last_errno());
  Wakes samples;
  for (auto _ : state) {
    std::atomic<std::int64_t> signalled_ns{0};
    std::thread signaller([&] {
      std::this_thread::sleep_for(kSignalDelay);
      signalled_ns = Clock::now().time_since_epoch().count();
      std::uint64_t one = 1;
      (void)!::write(event.get(), &one, sizeof one);
    });
    auto woke = uapi::poll_fd(event.borrow(), POLLIN, Deadline::after(timeouts::kFenceSignal));
    auto woke_at = Clock::now();
    signaller.join();
    std::uint64_t value;
    (void)!::read(event.get(), &value, sizeof value);
    if (!woke || *woke != WaitResult::Ready)
      return skip_broken(state, "poll(eventfd)", woke ? Errno{ETIMEDOUT} : woke.err());
    double seconds = std::chrono::duration<double>(woke_at - Clock::time_point(Clock::duration(signalled_ns))).count();
    state.SetIterationTime(std::max(seconds, 0.0));
    samples.add(seconds);
  }
  report_wakes(state, samples);
}

// One wake-up on buffer: a write fence attached, another thread signals it
// after kSignalDelay while the consumer waits with strategy. seconds: from the
// fence's own signal timestamp to the consumer's return; or what failed.
struct WakeSample {
  double seconds = 0;
  std::string failed;  // empty: a sample
  Errno err{0};
};

WakeSample vgem_wake_once(const VgemBuffer& buffer, Strategy strategy) {
  auto fence = buffer.attach_fence(FenceUsage::Write);
  if (!fence) return {0, "VGEM_FENCE_ATTACH", fence.err()};
  auto witness = uapi::export_sync_file(buffer.dmabuf(), Access::Read);  // for the signal timestamp
  if (!witness) return {0, "EXPORT_SYNC_FILE", witness.err()};
  Status signalled;
  std::thread signaller([&] {
    std::this_thread::sleep_for(kSignalDelay);
    signalled = fence->signal();
  });
  auto woke = wait_with(strategy, buffer.dmabuf(), Deadline::after(timeouts::kFenceSignal));
  auto woke_at = Clock::now();
  signaller.join();
  if (!signalled) return {0, "VGEM_FENCE_SIGNAL", signalled.err()};
  if (!woke || *woke != WaitResult::Ready) return {0, "the wait", woke ? Errno{ETIMEDOUT} : woke.err()};
  auto signalled_ns = signal_timestamp(witness->borrow());
  if (!signalled_ns) return {0, "SYNC_IOC_FILE_INFO", signalled_ns.err()};
  return {seconds_since(*signalled_ns, woke_at), "", Errno{0}};
}

void vgem_wake(benchmark::State& state, Strategy strategy) {
  std::optional<VgemDevice> device;
  std::optional<VgemBuffer> buffer = open_vgem_buffer(state, device);
  if (!buffer) return;
  Wakes samples;
  for (auto _ : state) {
    WakeSample sample = vgem_wake_once(*buffer, strategy);
    if (!sample.failed.empty()) return skip_broken(state, sample.failed, sample.err);
    state.SetIterationTime(std::max(sample.seconds, 0.0));
    samples.add(sample.seconds);
  }
  report_wakes(state, samples);
}

// The recommended helper's wake-up against poll(dma-buf)'s, in interleaved
// pairs (each pair's order alternating) so that drift and noise reach both
// alike. x_poll: the ratio of their p50s; x_poll_lo..x_poll_hi: its 95%
// confidence interval (bootstrap). The helper's promise: x_poll <= 1.1.
void vgem_wake_vs_poll(benchmark::State& state) {
  std::optional<VgemDevice> device;
  std::optional<VgemBuffer> buffer = open_vgem_buffer(state, device);
  if (!buffer) return;
  Wakes helper, poll;
  bool poll_first = true;
  for (auto _ : state) {
    for (bool is_poll : {poll_first, !poll_first}) {
      WakeSample sample = vgem_wake_once(*buffer, is_poll ? Strategy::PollDmaBuf : Strategy::ConsumerWait);
      if (!sample.failed.empty()) return skip_broken(state, sample.failed, sample.err);
      (is_poll ? poll : helper).add(sample.seconds);
      if (!is_poll) state.SetIterationTime(std::max(sample.seconds, 0.0));
    }
    poll_first = !poll_first;
  }
  report_wakes(state, helper);
  set_counter(state, schema::kEarlyWakes, helper.early + poll.early);
  const double poll_median = percentile(poll.samples_us, 50);
  set_counter(state, schema::kPollP50Us, poll_median);
  if (poll_median > 0) {
    const Interval ratio = median_ratio_interval(helper.samples_us, poll.samples_us);
    set_counter(state, schema::kXPoll, percentile(helper.samples_us, 50) / poll_median);
    set_counter(state, schema::kXPollLo, ratio.low);
    set_counter(state, schema::kXPollHi, ratio.high);
  }
}

void gpu_wake(benchmark::State& state, std::string producer, Strategy strategy) {
  GpuTarget::Made made = GpuTarget::create(options().device, producer, default_buffer_spec());
  if (made.probe.outcome() == Probe::Outcome::Unsupported) return skip_unsupported(state, made.probe.reason());
  if (!made.target) return skip_broken(state, made.probe.reason(), made.probe.err());
  GpuTarget& target = *made.target;
  add_environment_context(producer, target.environment());

  Wakes samples;
  std::uint32_t frame = 1, unfenced = 0;
  for (auto _ : state) {
    if (Status submitted = target.producer().submit(frame++); !submitted) {
      return skip_broken(state, "submit: " + target.producer().last_error(), submitted.err());
    }
    auto witness = target.export_now();
    if (!witness) return skip_broken(state, "EXPORT_SYNC_FILE", witness.err());
    auto woke = wait_with(strategy, target.image().fd(), Deadline::after(timeouts::kGpuFrame));
    auto woke_at = Clock::now();
    if (!woke || *woke != WaitResult::Ready)
      return skip_broken(state, "the wait", woke ? Errno{ETIMEDOUT} : woke.err());
    auto info = uapi::sync_file_info(witness->sync_file.borrow());
    if (Status finished = target.producer().finish(); !finished) return skip_broken(state, "finish", finished.err());
    if (!witness->pending || !info || info->fences.empty() || info->fences[0].timestamp_ns == 0) {
      ++unfenced;  // nothing was pending when the consumer looked: no wake-up to time
      state.SetIterationTime(0);
      continue;
    }
    double seconds = seconds_since(info->fences[0].timestamp_ns, woke_at);
    state.SetIterationTime(std::max(seconds, 0.0));
    samples.add(seconds);
  }
  set_counter(state, schema::kUnfencedFrames, unfenced);
  if (samples.samples_us.empty() && samples.early == 0) {
    return skip_unsupported(state, "no frame had a pending fence after submit (" + producer + " producer on " +
                                       target.device().driver + "): no implicit fence, so no wake-up to time");
  }
  report_wakes(state, samples);
}

}  // namespace

void register_wake_benchmarks() {
  const auto vgem_samples = static_cast<benchmark::IterationCount>(options().wake_samples);
  const auto gpu_samples = std::max<benchmark::IterationCount>(3, vgem_samples / 10);
  benchmark::RegisterBenchmark(std::string(schema::kBenchEventfdWake).c_str(), eventfd_wake)
      ->UseManualTime()
      ->Iterations(vgem_samples);
  for (Strategy strategy : kWaitingStrategies) {
    benchmark::RegisterBenchmark((std::string(schema::kBenchWake) + "vgem/" + std::string(name_of(strategy))).c_str(),
                                 vgem_wake, strategy)
        ->UseManualTime()
        ->Iterations(vgem_samples);
  }
  benchmark::RegisterBenchmark(std::string(schema::kBenchWakeVsPoll).c_str(), vgem_wake_vs_poll)
      ->UseManualTime()
      ->Iterations(vgem_samples);
  for (const ProducerKind& kind : kProducers) {
    for (Strategy strategy : kWaitingStrategies) {
      std::string name =
          std::string(schema::kBenchWake) + std::string(kind.param) + "/" + std::string(name_of(strategy));
      benchmark::RegisterBenchmark(name.c_str(), gpu_wake, std::string(kind.name), strategy)
          ->UseManualTime()
          ->Iterations(gpu_samples)
          ->Unit(benchmark::kMicrosecond);
    }
  }
}

}  // namespace fc::bench
