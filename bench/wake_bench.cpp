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

// The signalling thread sleeps this long first, so the consumer is blocked.
constexpr auto kSignalDelay = 2ms;

// A wake-up in µs after the signal; a negative one (the waiter returned
// before the fence's own signal timestamp) is counted apart, never averaged in.
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

void report_percentiles(benchmark::State& state, Wakes& wakes) {
  set_counter(state, schema::kSamples, static_cast<double>(wakes.samples_us.size()));
  set_counter(state, schema::kP50Us, percentile(wakes.samples_us, 50));
  set_counter(state, schema::kP99Us, percentile(wakes.samples_us, 99));
  set_counter(state, schema::kEarlyWakes, wakes.early);
}

Clock::time_point from_kernel_ns(std::uint64_t ns) { return Clock::time_point(std::chrono::nanoseconds(ns)); }

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
  report_percentiles(state, samples);
}

void vgem_wake(benchmark::State& state, Strategy strategy) {
  OpenedVgem vgem = VgemDevice::open_first(discover_drm_devices());
  if (vgem.probe.outcome() == Probe::Outcome::Unsupported) return skip_unsupported(state, vgem.probe.reason());
  if (!vgem.device) return skip_broken(state, vgem.probe.reason(), vgem.probe.err());
  auto buffer = VgemBuffer::create(*vgem.device);
  if (!buffer) return skip_broken(state, "creating a vgem buffer", buffer.err());
  if (Probe p = probe_export_sync_file(buffer->dmabuf()); !p.is_supported()) return skip_unsupported(state, p.reason());

  Wakes samples;
  for (auto _ : state) {
    auto fence = buffer->attach_fence(FenceUsage::Write);
    if (!fence) return skip_broken(state, "VGEM_FENCE_ATTACH", fence.err());
    auto witness = uapi::export_sync_file(buffer->dmabuf(), Access::Read);  // for the signal timestamp
    if (!witness) return skip_broken(state, "EXPORT_SYNC_FILE", witness.err());
    Status signalled;
    std::thread signaller([&] {
      std::this_thread::sleep_for(kSignalDelay);
      signalled = fence->signal();
    });
    auto woke = wait_with(strategy, buffer->dmabuf(), Deadline::after(timeouts::kFenceSignal));
    auto woke_at = Clock::now();
    signaller.join();
    if (!signalled) return skip_broken(state, "VGEM_FENCE_SIGNAL", signalled.err());
    if (!woke || *woke != WaitResult::Ready)
      return skip_broken(state, "the wait", woke ? Errno{ETIMEDOUT} : woke.err());
    auto info = uapi::sync_file_info(witness->borrow());
    if (!info || info->fences.empty())
      return skip_broken(state, "SYNC_IOC_FILE_INFO", info ? Errno{EPROTO} : info.err());
    double seconds = std::chrono::duration<double>(woke_at - from_kernel_ns(info->fences[0].timestamp_ns)).count();
    state.SetIterationTime(std::max(seconds, 0.0));
    samples.add(seconds);
  }
  report_percentiles(state, samples);
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
    double seconds = std::chrono::duration<double>(woke_at - from_kernel_ns(info->fences[0].timestamp_ns)).count();
    state.SetIterationTime(std::max(seconds, 0.0));
    samples.add(seconds);
  }
  set_counter(state, schema::kUnfencedFrames, unfenced);
  if (samples.samples_us.empty() && samples.early == 0) {
    return skip_unsupported(state, "no frame had a pending fence after submit (" + producer + " producer on " +
                                       target.device().driver + "): no implicit fence, so no wake-up to time");
  }
  report_percentiles(state, samples);
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
