// SPDX-License-Identifier: MIT
// fencecheck-bench's cost curves (Curve/<what>/<N>, one benchmark per point):
// what each curve measures, the shape its cost must keep as N grows, and a
// run's points gathered into curves, fitted and judged. The table is data
// (bench_curves.cpp kCurves); the summary, --check and --plot all read it.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "results/bench_json.h"

namespace fc {

// How a curve's cost may grow with N, judged by its log-log slope (cost ~ N^slope).
enum class CurveShape {
  Flat,          // the same at every N
  AtMostLinear,  // in proportion to N, or slower
};

// The slope each shape is held to: generous by design (a flat curve may grow
// as sqrt(N), a linear one as N^1.5), so that a slow emulated CPU's noise does
// not cross them by chance and a change in the kernel's algorithm does. Short
// runs are held to them too. Retune after measuring, here only.
inline constexpr double kFlatSlopeBound = 0.5;
inline constexpr double kAtMostLinearSlopeBound = 1.5;
// A curve with fewer measured points is not judged: a slope through two
// points is one ratio, which one noisy point decides.
inline constexpr std::size_t kCurveMinPoints = 3;

struct CurveSpec {
  std::string_view prefix;   // the benchmarks' names without "/N": "Curve/epoll/per_ready_buffer"
  std::string_view y;        // the counter drawn against N: schema::kNsPerBuffer
  std::string_view x_words;  // the x axis in words: "ready dma-bufs in the epoll set"
  std::string_view x_unit;   // what N counts, plural: "buffers"
  std::string_view y_words;  // the y axis in words: "ns per ready buffer"
  CurveShape shape;
  std::string_view
      expectation;  // one line: "flat: one epoll_wait costs the same per ready buffer at 1 and 256 buffers"
  // The counters each point reports besides y (required_counters).
  std::array<std::string_view, 4> also;
};

// Every curve fencecheck-bench draws, in the order reports show them. Two
// curves may share a prefix (the first and the last waiter to wake).
[[nodiscard]] const std::vector<CurveSpec>& curve_specs();
[[nodiscard]] double slope_bound(CurveShape shape);
[[nodiscard]] std::string_view shape_words(CurveShape shape);  // "flat", "at most linear"
// A measured value with enough digits to read and none of noise: 2100, 64.3,
// 0.42, 2.5e+06 (the curves' problems, the plot).
[[nodiscard]] std::string measured_value(double value);
// "Curve/waiters/threads: first_p50_us": how reports name a curve.
[[nodiscard]] std::string curve_label(const CurveSpec& spec);

// A Curve/ benchmark's name split into its curve and its N: "Curve/epoll/wake_last/16"
// -> ("Curve/epoll/wake_last", 16); nullopt where the last part is no positive integer.
struct CurveName {
  std::string prefix;
  long n = 0;
};
[[nodiscard]] std::optional<CurveName> parse_curve_name(const std::string& name);

// The counters every point of the curves with this benchmark's prefix must
// report; empty for a name that is not a known curve's point.
[[nodiscard]] std::vector<std::string> curve_counters(const std::string& name);

struct CurvePoint {
  long n = 0;
  double y = 0;
};
struct CurveSkip {
  long n = 0;
  std::string message;  // the skip's or error's message, or the missing counter
};

struct Curve {
  const CurveSpec* spec = nullptr;
  std::vector<CurvePoint> points;  // measured, by N
  std::vector<CurveSkip> skipped;  // not measured, by N
  std::optional<double> slope;     // the log-log least-squares slope; nullopt: not judged
  std::string not_judged;          // why, where slope is nullopt

  [[nodiscard]] bool judged() const { return slope.has_value(); }
  [[nodiscard]] bool met() const { return judged() && *slope <= slope_bound(spec->shape); }
  // "met", "NOT MET", or "not judged: " and why.
  [[nodiscard]] std::string verdict() const;
};

// The least-squares slope of log(y) against log(N); nullopt for fewer than
// two distinct N, or an N or y that is not positive.
[[nodiscard]] std::optional<double> loglog_slope(const std::vector<CurvePoint>& points);

// The curves this run has a point of (measured or not), in curve_specs()
// order, each fitted where it has kCurveMinPoints measured points, all above 0.
// A curve absent from the run is left out: lanes filter benchmarks.
[[nodiscard]] std::vector<Curve> gather_curves(const BenchRun& run);

// Curve/ benchmarks no curve of the table knows (a new curve without its
// shape, a name without its N): nothing holds them to anything.
[[nodiscard]] std::vector<std::string> unknown_curve_benchmarks(const BenchRun& run);

// --check's problems: each judged curve whose slope exceeds its shape's
// bound, in words a kernel maintainer reads as what changed, and each
// unknown Curve/ benchmark. In full and --short runs alike.
[[nodiscard]] std::vector<std::string> curve_problems(const BenchRun& run);

}  // namespace fc
