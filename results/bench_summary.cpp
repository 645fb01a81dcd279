// SPDX-License-Identifier: MIT
// bench's report: a run's table and the helper's target (results/commands.h).
#include "results/commands.h"
#include "results/schema.h"
#include "results/text.h"

namespace fc {
namespace {

std::string number(double value, int precision) {
  std::string text;
  appendf(text, "%.*f", precision, value);
  return text;
}

std::string counter(const BenchResult& result, std::string_view name, int precision) {
  auto it = result.counters.find(std::string(name));
  return it == result.counters.end() ? "-" : number(it->second, precision);
}

bool ran(const BenchResult& result) { return !result.unsupported && !result.broken; }

const BenchResult* find_ran(const BenchRun& run, std::string_view name) {
  for (const BenchResult& result : run.results) {
    if (result.name == name && ran(result)) return &result;
  }
  return nullptr;
}

bool is_idle(const BenchResult& r) { return r.name.starts_with(schema::kBenchIdle) || r.name == schema::kBenchGetppid; }
bool is_wake(const BenchResult& r) {
  return r.name.starts_with(schema::kBenchWake) || r.name == schema::kBenchEventfdWake;
}
bool is_race(const BenchResult& r) { return r.name.starts_with(schema::kBenchRace); }

}  // namespace

bool short_run(const BenchRun& run) { return run.context_of(schema::kBenchSize, "full") == "short"; }

std::string bench_table(const BenchRun& run) {
  std::string out;
  appendf(out, "== cell %s: kernel %s; cpu %s\n", run.context_of(schema::kCell).c_str(),
          run.context_of(schema::kKernelRelease).c_str(), run.context_of(schema::kCpuModel).c_str());
  bool idle = false, wake = false, race = false;
  for (const auto& r : run.results) {
    idle |= is_idle(r);
    wake |= is_wake(r);
    race |= is_race(r);
  }
  const BenchResult* recipe = find_ran(run, schema::kBenchRecipe);
  const BenchResult* bare = find_ran(run, schema::kBenchRecipeBareC);
  const BenchResult* helper = find_ran(run, schema::kBenchHelperVsPoll);
  auto skipped = [&](const BenchResult& r) {
    if (ran(r)) return false;
    appendf(out, "  %-36s %s\n", r.name.c_str(), r.message.c_str());
    return true;
  };
  if (idle) {
    appendf(out, "  %-36s %10s %9s\n", "idle-buffer check", "ns/op", "x floor");
    for (const auto& r : run.results) {
      if (!is_idle(r) || skipped(r)) continue;
      appendf(out, "  %-36s %10s %9s\n", r.name.c_str(), counter(r, schema::kNsPerOp, 0).c_str(),
              counter(r, schema::kXFloor, 2).c_str());
    }
    const std::string ns_per_op(schema::kNsPerOp);
    if (recipe && bare) {
      const double overhead = recipe->counters.at(ns_per_op) / bare->counters.at(ns_per_op) - 1.0;
      appendf(out, "  harness overhead on the common recipe: %+.1f%% against the bare C loop\n", overhead * 100);
    }
    if (helper && helper->counters.count(std::string(schema::kXPoll))) {
      const double x_poll = helper->counters.at(std::string(schema::kXPoll));
      appendf(out,
              "  recommended helper (wait_for_writers) on an idle buffer: %.2fx a bare poll() on the dma-buf "
              "(interleaved batches; target <= %.2fx: %s)\n",
              x_poll, kHelperTarget,
              x_poll <= kHelperTarget ? "met"
              : short_run(run)        ? "not met in this --short run (not judged: too few samples)"
                                      : "NOT MET");
    }
  }
  if (const BenchResult* traced = find_ran(run, schema::kBenchTraced);
      idle && traced && traced->counters.count(std::string(schema::kXBare))) {
    const double x = traced->counters.at(std::string(schema::kXBare));
    appendf(out,
            "  the ioctl trace's hook, off (outside a test): the helper %.3fx a bare poll() (target <= %.2fx: "
            "%s); recording (in a test): %.2fx\n",
            x, kTraceTarget,
            x <= kTraceTarget ? "met"
            : short_run(run)  ? "not met in this --short run (not judged: too few samples)"
                              : "NOT MET",
            traced->counters.count(std::string(schema::kXTraced)) ? traced->counters.at(std::string(schema::kXTraced))
                                                                  : 0.0);
  }
  if (wake) {
    appendf(out, "  %-36s %10s %9s\n", "wake-up after the signal", "p50 us", "p99 us");
    for (const auto& r : run.results) {
      if (!is_wake(r) || skipped(r)) continue;
      appendf(out, "  %-36s %10s %9s\n", r.name.c_str(), counter(r, schema::kP50Us, 0).c_str(),
              counter(r, schema::kP99Us, 0).c_str());
    }
  }
  if (race) {
    appendf(out, "  %-36s %6s %6s %9s %12s %12s %7s\n", "race (read right after submit)", "stale", "torn", "unfenced",
            "wait p50 us", "wait p99 us", "fps");
    for (const auto& r : run.results) {
      if (!is_race(r) || skipped(r)) continue;
      appendf(out, "  %-36s %6s %6s %9s %12s %12s %7s\n", r.name.c_str(), counter(r, schema::kStaleRatio, 2).c_str(),
              counter(r, schema::kTornRatio, 2).c_str(), counter(r, schema::kUnfencedRatio, 2).c_str(),
              counter(r, schema::kWaitP50Us, 0).c_str(), counter(r, schema::kWaitP99Us, 0).c_str(),
              counter(r, schema::kFps, 1).c_str());
    }
  }
  return out;
}

std::vector<std::string> helper_target_problems(const BenchRun& run) {
  // The recommended helper's promise is a target of full runs; a smoke run's few samples judge nothing of it.
  std::vector<std::string> problems;
  if (short_run(run)) return problems;
  for (const BenchResult& r : run.results) {
    if (r.name != schema::kBenchHelperVsPoll || !ran(r)) continue;
    auto x_poll = r.counters.find(std::string(schema::kXPoll));
    if (x_poll == r.counters.end() || x_poll->second <= kHelperTarget) continue;
    problems.push_back(r.name + ": the recommended helper costs " + number(x_poll->second, 2) +
                       "x a bare poll() on an idle buffer, over its target of " + number(kHelperTarget, 2) + "x");
  }
  return problems;
}

}  // namespace fc
