// SPDX-License-Identifier: MIT
// bench's report: a run's table and the helper's targets (results/commands.h).
#include "results/bench_curves.h"
#include "results/commands.h"
#include "results/schema.h"
#include "results/text.h"

#include <optional>

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

// Wake/vgem/consumer_wait_vs_poll's counters, where it ran and reported them all.
struct HelperWake {
  double p50 = 0, poll_p50 = 0, x = 0, lo = 0, hi = 0;
};
std::optional<HelperWake> helper_wake(const BenchRun& run) {
  const BenchResult* r = find_ran(run, schema::kBenchWakeVsPoll);
  if (!r) return std::nullopt;
  HelperWake w;
  for (auto [name, value] :
       {std::pair{schema::kP50Us, &w.p50}, std::pair{schema::kPollP50Us, &w.poll_p50}, std::pair{schema::kXPoll, &w.x},
        std::pair{schema::kXPollLo, &w.lo}, std::pair{schema::kXPollHi, &w.hi}}) {
    auto found = r->counters.find(std::string(name));
    if (found == r->counters.end()) return std::nullopt;
    *value = found->second;
  }
  return w;
}

// The p50s' ratio meets the target or not; the interval says whether a miss is
// more than noise (wholly above the target: a problem in a full run).
bool wake_target_met(const HelperWake& w) { return w.x <= kHelperWakeTarget; }
bool wake_target_missed(const HelperWake& w) { return w.lo > kHelperWakeTarget; }

// The cost curves: each point with its ratio to the first, the fit and the verdict.
void curves_table(const BenchRun& run, std::string& out) {
  const std::vector<Curve> curves = gather_curves(run);
  const std::vector<std::string> unknown = unknown_curve_benchmarks(run);
  if (curves.empty() && unknown.empty()) return;
  appendf(out, "  %-36s %10s %12s %9s\n", "cost curve", "N", "y", "x first");
  for (const Curve& curve : curves) {
    const CurveSpec& spec = *curve.spec;
    appendf(out, "  %s (%s, against %s)\n", curve_label(spec).c_str(), std::string(spec.y_words).c_str(),
            std::string(spec.x_words).c_str());
    for (const CurvePoint& point : curve.points) {
      const double first = curve.points.front().y;
      appendf(out, "  %-36s %10ld %12s %9s\n", "", point.n, number(point.y, point.y < 10 ? 2 : 0).c_str(),
              first > 0 ? number(point.y / first, 2).c_str() : "-");
    }
    for (const CurveSkip& skip : curve.skipped)
      appendf(out, "    N=%ld not measured: %s\n", skip.n, skip.message.c_str());
    appendf(out, "    expected %s\n", std::string(spec.expectation).c_str());
    if (curve.judged()) {
      appendf(out, "    fitted slope (log-log) %.2f, bound %.1f: %s\n", *curve.slope, slope_bound(spec.shape),
              curve.verdict().c_str());
    } else {
      appendf(out, "    %s\n", curve.verdict().c_str());
    }
  }
  for (const std::string& name : unknown) {
    appendf(out, "  %-36s not a point of any curve results/bench_curves.cpp knows\n", name.c_str());
  }
}

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
    if (std::string line = helper_wake_line(run); !line.empty()) appendf(out, "  %s\n", line.c_str());
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
  curves_table(run, out);
  return out;
}

std::string helper_wake_line(const BenchRun& run) {
  const std::optional<HelperWake> w = helper_wake(run);
  if (!w) return "";
  std::string out;
  appendf(out,
          "recommended helper's wake-up: p50 %s us against poll()'s %s us: %.2fx (95%% CI %.2f-%.2f; target <= "
          "%.2f: %s)",
          number(w->p50, w->p50 < 10 ? 1 : 0).c_str(), number(w->poll_p50, w->poll_p50 < 10 ? 1 : 0).c_str(), w->x,
          w->lo, w->hi, kHelperWakeTarget,
          wake_target_met(*w)       ? "met"
          : !wake_target_missed(*w) ? "missed within the noise: the interval reaches the target"
          : short_run(run)          ? "not met in this --short run (not judged: too few samples)"
                                    : "NOT MET");
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
  if (const std::optional<HelperWake> w = helper_wake(run); w && wake_target_missed(*w)) {
    problems.push_back(std::string(schema::kBenchWakeVsPoll) + ": the recommended helper's wake-up takes " +
                       number(w->x, 2) + "x poll()'s on the same buffer (p50 " + number(w->p50, 1) + " us against " +
                       number(w->poll_p50, 1) + " us; 95% CI " + number(w->lo, 2) + "-" + number(w->hi, 2) +
                       "x, wholly over its target of " + number(kHelperWakeTarget, 2) + "x)");
  }
  return problems;
}

}  // namespace fc
