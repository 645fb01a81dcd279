// SPDX-License-Identifier: MIT
#include "bench/bench.h"
#include <atomic>

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <set>

#include "harness/consumer.h"
#include "harness/device.h"
#include "harness/probe.h"

namespace fc::bench {
namespace {
Options& storage() {
  static Options stored;
  return stored;
}
}  // namespace

const Options& options() { return storage(); }
void set_options(Options options) { storage() = std::move(options); }

std::string_view name_of(Strategy strategy) {
  switch (strategy) {
    case Strategy::NoWait: return schema::kStrategyNoWait;
    case Strategy::ExportPoll: return "export_poll";
    case Strategy::PollDmaBuf: return "poll_dmabuf";
    case Strategy::SyncIoctl: return "sync_ioctl";
    case Strategy::ConsumerWait: return "consumer_wait";
  }
  return "?";
}

Result<WaitResult> wait_with(Strategy strategy, BorrowedFd dmabuf, Deadline deadline) {
  switch (strategy) {
    case Strategy::NoWait: return WaitResult::Ready;
    case Strategy::ExportPoll: {
      auto sync_file = uapi::export_sync_file(dmabuf, Access::Read);
      if (!sync_file) return sync_file.err();
      return uapi::poll_fd(sync_file->borrow(), POLLIN, deadline);
    }
    case Strategy::PollDmaBuf: return uapi::poll_fd(dmabuf, POLLIN, deadline);
    case Strategy::SyncIoctl: {
      auto synced = uapi::dma_buf_sync_start(dmabuf, Access::Read, deadline);
      if (synced && *synced == WaitResult::Ready) {
        if (Status ended = uapi::dma_buf_sync_end(dmabuf, Access::Read); !ended) return ended.err();
      }
      return synced;
    }
    case Strategy::ConsumerWait: {
      auto waited = wait_for_writers(dmabuf, deadline);
      if (!waited) return waited.err();
      return waited->result;
    }
  }
  return Errno{EINVAL};
}

double syscall_floor_ns() {
  // Best of a few rounds: the floor is the machine's, not the noise's.
  constexpr int kCalls = 20'000;
  double best = 1e18;
  for (int round = 0; round < 5; ++round) {
    auto start = Clock::now();
    for (int i = 0; i < kCalls; ++i) benchmark::DoNotOptimize(::getppid());
    best = std::min(best, std::chrono::duration<double, std::nano>(Clock::now() - start).count() / kCalls);
  }
  return best;
}

double percentile(std::vector<double>& samples, double p) {
  if (samples.empty()) return 0;
  std::sort(samples.begin(), samples.end());
  double rank = p / 100.0 * static_cast<double>(samples.size() - 1);
  auto index = static_cast<std::size_t>(std::llround(rank));
  return samples[std::min(index, samples.size() - 1)];
}

std::optional<VgemDevice> open_vgem(benchmark::State& state) {
  OpenedVgem opened = VgemDevice::open_first(discover_drm_devices());
  if (opened.probe.outcome() == Probe::Outcome::Unsupported) {
    skip_unsupported(state, opened.probe.reason());
  } else if (!opened.device) {
    skip_broken(state, opened.probe.reason(), opened.probe.err());
  }
  return std::move(opened.device);
}

std::optional<VgemBuffer> open_vgem_buffer(benchmark::State& state, std::optional<VgemDevice>& device) {
  device = open_vgem(state);
  if (!device) return std::nullopt;
  auto buffer = VgemBuffer::create(*device);
  if (!buffer) {
    skip_broken(state, "creating a vgem buffer", buffer.err());
    return std::nullopt;
  }
  if (Probe p = probe_export_sync_file(buffer->dmabuf()); !p.is_supported()) {
    skip_unsupported(state, p.reason());
    return std::nullopt;
  }
  return std::move(*buffer);
}

Result<std::uint64_t> signal_timestamp(BorrowedFd sync_file) {
  auto info = uapi::sync_file_info(sync_file);
  if (!info) return info.err();
  if (info->fences.empty() || info->fences[0].timestamp_ns == 0) return Errno{EPROTO};
  return info->fences[0].timestamp_ns;
}

double seconds_since(std::uint64_t kernel_ns, Clock::time_point woke_at) {
  return std::chrono::duration<double>(woke_at - Clock::time_point(std::chrono::nanoseconds(kernel_ns))).count();
}

void report_wakes(benchmark::State& state, Wakes& wakes) {
  set_counter(state, schema::kSamples, static_cast<double>(wakes.samples_us.size()));
  set_counter(state, schema::kP50Us, percentile(wakes.samples_us, 50));
  set_counter(state, schema::kP99Us, percentile(wakes.samples_us, 99));
  set_counter(state, schema::kEarlyWakes, wakes.early);
}

Interval median_ratio_interval(const std::vector<double>& a, const std::vector<double>& b) {
  if (a.size() < 6 || b.size() < 6) return {};
  constexpr int kResamples = 2000;
  std::mt19937 random(20261206);
  auto resampled_median = [&](const std::vector<double>& samples, std::vector<double>& scratch) {
    std::uniform_int_distribution<std::size_t> pick(0, samples.size() - 1);
    for (double& value : scratch) value = samples[pick(random)];
    auto middle = scratch.begin() + static_cast<std::ptrdiff_t>(scratch.size() / 2);
    std::nth_element(scratch.begin(), middle, scratch.end());
    return *middle;
  };
  std::vector<double> scratch_a(a.size()), scratch_b(b.size()), ratios;
  ratios.reserve(kResamples);
  for (int i = 0; i < kResamples; ++i) {
    const double below = resampled_median(b, scratch_b);
    if (below > 0) ratios.push_back(resampled_median(a, scratch_a) / below);
  }
  if (ratios.empty()) return {};
  return {percentile(ratios, 2.5), percentile(ratios, 97.5)};
}

void add_environment_context(const std::string& producer, const std::vector<std::pair<std::string, std::string>>& env) {
  static std::set<std::string> added;
  if (!added.insert(producer).second) return;
  for (const auto& [key, value] : env) benchmark::AddCustomContext(producer + "." + key, value);
}

void skip_unsupported(benchmark::State& state, const std::string& reason) {
  state.SkipWithError(("unsupported: " + reason).c_str());
}

namespace {
std::atomic<bool> broken{false};
}  // namespace

void skip_broken(benchmark::State& state, const std::string& what, Errno err) {
  broken = true;
  state.SkipWithError((what + " failed: " + err.describe()).c_str());
}

bool any_broken() { return broken; }

}  // namespace fc::bench
