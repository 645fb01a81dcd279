// SPDX-License-Identifier: MIT
// The fenceless zero-copy race, measured: frames submitted back to back, the
// consumer reading each one right after submit, either at once (no_wait) or
// after one of the waiting strategies.
//   Race/<producer>/<strategy>
// Counters: stale_ratio and torn_ratio (frames read as the previous frame, or
// half of each), wait_p50_us / wait_p99_us (what waiting added per frame),
// fps (frames per second, submit to finish, reads included), unfenced_ratio
// (frames with no pending fence right after submit).
#include <cctype>

#include "bench/bench.h"
#include "gpu/gpu_target.h"

namespace fc::bench {
namespace {

void race(benchmark::State& state, std::string producer, Strategy strategy) {
  GpuTarget::Made made = GpuTarget::create(options().device, producer, default_buffer_spec());
  if (made.probe.outcome() == Probe::Outcome::Unsupported) return skip_unsupported(state, made.probe.reason());
  if (!made.target) return skip_broken(state, made.probe.reason(), made.probe.err());
  GpuTarget& target = *made.target;
  add_environment_context(producer, target.environment());

  std::vector<double> waits_us;
  std::uint32_t frame = 1, stale = 0, torn = 0, unfenced = 0, frames = 0;
  auto start = Clock::now();
  for (auto _ : state) {
    if (Status submitted = target.producer().submit(frame); !submitted) {
      return skip_broken(state, "submit: " + target.producer().last_error(), submitted.err());
    }
    if (strategy == Strategy::NoWait) {
      // Was there a fence the consumer did not wait for? (One export, a few us.)
      auto snapshot = target.export_now();
      if (!snapshot) return skip_broken(state, "EXPORT_SYNC_FILE", snapshot.err());
      unfenced += !snapshot->pending;
    }
    auto wait_start = Clock::now();
    auto waited = wait_with(strategy, target.image().fd(), Deadline::after(timeouts::kGpuFrame));
    auto wait_end = Clock::now();
    if (!waited || *waited != WaitResult::Ready) {
      return skip_broken(state, std::string(name_of(strategy)), waited ? Errno{ETIMEDOUT} : waited.err());
    }
    auto seen = target.read_frame(frame, ReadMode::Immediate, Deadline::now());
    if (!seen) return skip_broken(state, "reading the frame back", seen.err());
    if (Status finished = target.producer().finish(); !finished) return skip_broken(state, "finish", finished.err());
    waits_us.push_back(std::chrono::duration<double, std::micro>(wait_end - wait_start).count());
    stale += seen->verdict == Classification::Verdict::Stale;
    torn += seen->verdict == Classification::Verdict::Torn;
    if (seen->verdict == Classification::Verdict::Garbage) {
      return skip_broken(state, "frame " + std::to_string(frame) + " read back as " + seen->describe(), Errno{EIO});
    }
    ++frames;
    ++frame;
  }
  double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  set_counter(state, schema::kFrames, frames);
  set_counter(state, schema::kStaleRatio, static_cast<double>(stale) / frames);
  set_counter(state, schema::kTornRatio, static_cast<double>(torn) / frames);
  set_counter(state, schema::kWaitP50Us, percentile(waits_us, 50));
  set_counter(state, schema::kWaitP99Us, percentile(waits_us, 99));
  set_counter(state, schema::kFps, frames / seconds);
  if (strategy == Strategy::NoWait) set_counter(state, schema::kUnfencedRatio, static_cast<double>(unfenced) / frames);
}

}  // namespace

void register_race_benchmarks() {
  for (const ProducerKind& kind : kProducers) {
    for (Strategy strategy :
         {Strategy::NoWait, Strategy::ExportPoll, Strategy::PollDmaBuf, Strategy::SyncIoctl, Strategy::ConsumerWait}) {
      std::string name =
          std::string(schema::kBenchRace) + std::string(kind.param) + "/" + std::string(name_of(strategy));
      benchmark::RegisterBenchmark(name.c_str(), race, std::string(kind.name), strategy)
          ->Iterations(static_cast<benchmark::IterationCount>(options().race_frames))
          ->Unit(benchmark::kMillisecond);
    }
  }
}

}  // namespace fc::bench
