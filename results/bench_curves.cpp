// SPDX-License-Identifier: MIT
// The cost curves' table, and a run's points fitted and judged (results/bench_curves.h).
#include "results/bench_curves.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <set>

#include "results/schema.h"
#include "results/text.h"

namespace fc {
namespace {

// The wake-up curves' points report what every wake-up benchmark does.
constexpr std::array<std::string_view, 4> kWakeCounters = {schema::kP50Us, schema::kP99Us, schema::kSamples,
                                                           schema::kEarlyWakes};

const std::vector<CurveSpec> kCurves = {
    {"Curve/fences/idle_check_write",
     schema::kNsPerOp,
     "signalled write fences on the buffer",
     "fences",
     "ns per check",
     CurveShape::AtMostLinear,
     "at most linear: the helper's idle check (one poll) walks each signalled write fence at most once",
     {}},
    {"Curve/fences/idle_check_read",
     schema::kNsPerOp,
     "signalled read fences on the buffer",
     "fences",
     "ns per check",
     CurveShape::Flat,
     "flat: a reader's idle check (poll POLLIN) waits for writers only, and read fences cost it nothing",
     {}},
    {"Curve/fences/export_write",
     schema::kNsPerOp,
     "pending write fences on the buffer",
     "fences",
     "ns per export + close",
     CurveShape::AtMostLinear,
     "at most linear: EXPORT_SYNC_FILE(READ) merges N pending write fences into one array at most in proportion to N",
     {}},
    {"Curve/fences/export_read",
     schema::kNsPerOp,
     "pending read fences on the buffer",
     "fences",
     "ns per export + close",
     CurveShape::AtMostLinear,
     "at most linear: EXPORT_SYNC_FILE(WRITE) merges N pending read fences into one array at most in proportion to N",
     {}},
    {"Curve/epoll/per_ready_buffer",
     schema::kNsPerBuffer,
     "ready dma-bufs in the epoll set",
     "buffers",
     "ns per ready buffer",
     CurveShape::Flat,
     "flat: one epoll_wait costs the same per ready buffer at 1 and 256 buffers",
     {schema::kNsPerOp}},
    {"Curve/epoll/wake_last", schema::kP50Us, "dma-bufs signalled in turn", "buffers", "us until the last wakes (p50)",
     CurveShape::AtMostLinear,
     "at most linear: the last buffer's wake-up waits at most in proportion to the buffers signalled before it",
     kWakeCounters},
    {"Curve/waiters/threads", schema::kFirstP50Us, "threads waiting on one dma-buf", "threads",
     "us until the first wakes (p50)", CurveShape::Flat,
     "flat: the first of N waiting threads wakes as soon as a lone waiter would", kWakeCounters},
    {"Curve/waiters/threads", schema::kP50Us, "threads waiting on one dma-buf", "threads",
     "us until the last wakes (p50)", CurveShape::AtMostLinear,
     "at most linear: waking N waiting threads takes at most in proportion to N", kWakeCounters},
    {"Curve/waiters/processes", schema::kFirstP50Us, "processes waiting on one dma-buf", "processes",
     "us until the first wakes (p50)", CurveShape::Flat,
     "flat: the first of N waiting processes wakes as soon as a lone waiter would", kWakeCounters},
    {"Curve/waiters/processes", schema::kP50Us, "processes waiting on one dma-buf", "processes",
     "us until the last wakes (p50)", CurveShape::AtMostLinear,
     "at most linear: waking N waiting processes takes at most in proportion to N", kWakeCounters},
};

bool measured_point(const BenchResult& result) { return !result.unsupported && !result.broken; }

}  // namespace

const std::vector<CurveSpec>& curve_specs() { return kCurves; }

std::string measured_value(double value) {
  std::string out;
  if (std::fabs(value) >= 1e6) {
    appendf(out, "%.3g", value);
  } else {
    appendf(out, "%.*f", std::fabs(value) >= 100 ? 0 : std::fabs(value) >= 10 ? 1 : 2, value);
  }
  return out;
}

double slope_bound(CurveShape shape) { return shape == CurveShape::Flat ? kFlatSlopeBound : kAtMostLinearSlopeBound; }

std::string_view shape_words(CurveShape shape) { return shape == CurveShape::Flat ? "flat" : "at most linear"; }

std::string curve_label(const CurveSpec& spec) { return std::string(spec.prefix) + ": " + std::string(spec.y); }

std::optional<CurveName> parse_curve_name(const std::string& name) {
  if (!name.starts_with(schema::kBenchCurve)) return std::nullopt;
  const std::size_t slash = name.rfind('/');
  const std::string_view last = std::string_view(name).substr(slash + 1);
  CurveName out{name.substr(0, slash), 0};
  auto [end, error] = std::from_chars(last.data(), last.data() + last.size(), out.n);
  if (error != std::errc() || end != last.data() + last.size() || out.n <= 0) return std::nullopt;
  return out;
}

std::vector<std::string> curve_counters(const std::string& name) {
  std::vector<std::string> out;
  auto add = [&](std::string_view counter) {
    if (!counter.empty() && std::find(out.begin(), out.end(), counter) == out.end()) out.emplace_back(counter);
  };
  const auto parsed = parse_curve_name(name);
  if (!parsed) return out;
  for (const CurveSpec& spec : kCurves) {
    if (spec.prefix != parsed->prefix) continue;
    add(spec.y);
    for (std::string_view counter : spec.also) add(counter);
  }
  return out;
}

std::string Curve::verdict() const {
  if (!judged()) return "not judged: " + not_judged;
  return met() ? "met" : "NOT MET";
}

std::optional<double> loglog_slope(const std::vector<CurvePoint>& points) {
  if (points.empty()) return std::nullopt;
  double mean_x = 0, mean_y = 0;
  for (const CurvePoint& p : points) {
    if (p.n <= 0 || !(p.y > 0)) return std::nullopt;
    mean_x += std::log(static_cast<double>(p.n));
    mean_y += std::log(p.y);
  }
  mean_x /= static_cast<double>(points.size());
  mean_y /= static_cast<double>(points.size());
  double xy = 0, xx = 0;
  for (const CurvePoint& p : points) {
    const double dx = std::log(static_cast<double>(p.n)) - mean_x;
    xy += dx * (std::log(p.y) - mean_y);
    xx += dx * dx;
  }
  if (xx <= 0) return std::nullopt;  // one N only: no slope
  return xy / xx;
}

std::vector<Curve> gather_curves(const BenchRun& run) {
  std::vector<Curve> curves;
  for (const CurveSpec& spec : kCurves) {
    Curve curve;
    curve.spec = &spec;
    bool seen = false;
    for (const BenchResult& result : run.results) {
      const auto name = parse_curve_name(result.name);
      if (!name || name->prefix != spec.prefix) continue;
      seen = true;
      auto y = result.counters.find(std::string(spec.y));
      if (!measured_point(result)) {
        curve.skipped.push_back({name->n, result.message});
      } else if (y == result.counters.end()) {
        curve.skipped.push_back({name->n, "no counter " + std::string(spec.y)});
      } else {
        curve.points.push_back({name->n, y->second});
      }
    }
    if (!seen) continue;
    std::sort(curve.points.begin(), curve.points.end(), [](auto& a, auto& b) { return a.n < b.n; });
    std::sort(curve.skipped.begin(), curve.skipped.end(), [](auto& a, auto& b) { return a.n < b.n; });
    auto not_positive = std::find_if(curve.points.begin(), curve.points.end(), [](auto& p) { return !(p.y > 0); });
    std::set<long> distinct;
    for (const CurvePoint& p : curve.points) distinct.insert(p.n);
    if (distinct.size() < kCurveMinPoints) {
      appendf(curve.not_judged, "%zu measured point(s) of N, fewer than %zu", distinct.size(), kCurveMinPoints);
    } else if (not_positive != curve.points.end()) {
      curve.not_judged = std::string(spec.y) + " is " + measured_value(not_positive->y) +
                         " at N=" + std::to_string(not_positive->n) + " (a log scale has no place for it)";
    } else {
      curve.slope = loglog_slope(curve.points);
    }
    curves.push_back(std::move(curve));
  }
  return curves;
}

std::vector<std::string> unknown_curve_benchmarks(const BenchRun& run) {
  std::vector<std::string> unknown;
  for (const BenchResult& result : run.results) {
    if (!result.name.starts_with(schema::kBenchCurve)) continue;
    const auto name = parse_curve_name(result.name);
    if (!name || std::none_of(kCurves.begin(), kCurves.end(),
                              [&](const CurveSpec& spec) { return spec.prefix == name->prefix; })) {
      unknown.push_back(result.name);
    }
  }
  return unknown;
}

std::vector<std::string> curve_problems(const BenchRun& run) {
  std::vector<std::string> problems;
  for (const Curve& curve : gather_curves(run)) {
    if (!curve.judged() || curve.met()) continue;
    const CurveSpec& spec = *curve.spec;
    const std::string unit = counter_unit(std::string(spec.y));
    const CurvePoint &first = curve.points.front(), &last = curve.points.back();
    std::string problem;
    appendf(problem, "%s: %s grows as N^%.2f (%s -> %s %s from %ld to %ld %s); expected %s (slope <= %.1f)",
            std::string(spec.prefix).c_str(), std::string(spec.y).c_str(), *curve.slope,
            measured_value(first.y).c_str(), measured_value(last.y).c_str(), unit.c_str(), first.n, last.n,
            std::string(spec.x_unit).c_str(), std::string(shape_words(spec.shape)).c_str(), slope_bound(spec.shape));
    problems.push_back(problem);
  }
  for (const std::string& name : unknown_curve_benchmarks(run)) {
    problems.push_back(name +
                       ": a Curve/ benchmark no curve of results/bench_curves.cpp knows (Curve/<what>/<N> with a "
                       "shape to hold it to)");
  }
  return problems;
}

}  // namespace fc
