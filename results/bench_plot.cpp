// SPDX-License-Identifier: MIT
// fencecheck-results bench --plot: the benchmark files as one hand-written,
// self-contained SVG (no script, no external reference; text as <text>, so a
// page printed from it keeps its words). Per file: the idle checks against
// the syscall floor, the wake-ups against the eventfd floor, and one chart
// per cost curve (results/bench_curves.h) on log-log axes with the steepest
// slope its shape allows drawn beside it.
#include <algorithm>
#include <cmath>

#include "results/bench_curves.h"
#include "results/commands.h"
#include "results/report.h"
#include "results/schema.h"
#include "results/text.h"

namespace fc {
namespace {

constexpr double kPlotWidth = 1000;
constexpr double kPlotMargin = 20;
// Bar charts: names left, bars from kBarX, kBarWidth long at the largest value.
constexpr double kBarX = 330;
constexpr double kBarWidth = 560;
constexpr double kBarRow = 18;
// Curve charts: three to a row, each kChartWidth x kChartHeight; the plot
// area inside one starts kAxisLeft in and kAxisTop down.
constexpr double kChartWidth = 320;
constexpr double kChartHeight = 262;
constexpr double kAxisLeft = 50;
constexpr double kAxisTop = 36;
constexpr double kAxisWidth = 250;
constexpr double kAxisHeight = 120;
constexpr std::size_t kChartTextColumns = 56;  // characters of a chart's 10px text per line

constexpr const char* kInk = "#222";
constexpr const char* kBarColour = "#4a78b0";
constexpr const char* kFloorColour = "#c0392b";
constexpr const char* kMetColour = "#1e7b34";
constexpr const char* kNotMetColour = "#c0392b";
constexpr const char* kQuietColour = "#777";

// Text for an XML element: escaped, without the control characters XML 1.0 forbids.
std::string plot_text(const std::string& text) {
  std::string kept;
  for (char c : text) {
    if (static_cast<unsigned char>(c) >= 0x20 || c == '\t') kept += c;
  }
  return html_escape(kept);
}

std::string shortened(const std::string& text, std::size_t max) {
  return text.size() <= max ? text : text.substr(0, max - 3) + "...";
}

// The lines of text wrapped at columns, at most max_lines (the last one shortened).
std::vector<std::string> plot_lines(const std::string& text, std::size_t columns, std::size_t max_lines) {
  std::vector<std::string> lines;
  std::string wrapped = wrap(text, columns), line;
  for (char c : wrapped + "\n") {
    if (c != '\n') {
      if (c != ' ' || !line.empty()) line += c;  // not wrap's indent: each line starts at the margin
      continue;
    }
    if (lines.size() == max_lines) {
      lines.back() = shortened(lines.back() + " " + line, columns);
    } else {
      lines.push_back(line);
    }
    line.clear();
  }
  return lines;
}

// An axis tick's label: 0, 5, 10, 0.5, 2000.
std::string tick_label(double value) {
  std::string out;
  appendf(out, "%g", value);
  return out;
}

// The SVG being written, top to bottom: y is where the next part starts.
struct Svg {
  std::string body;
  double y = kPlotMargin;

  void text(double x, double at, const std::string& words, const std::string& attributes = "") {
    appendf(body, "<text x=\"%.1f\" y=\"%.1f\"%s%s>%s</text>\n", x, at, attributes.empty() ? "" : " ",
            attributes.c_str(), plot_text(words).c_str());
  }
  void line(double x1, double y1, double x2, double y2, const char* colour, const std::string& extra = "") {
    appendf(body, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"%s%s/>\n", x1, y1, x2, y2, colour,
            extra.empty() ? "" : " ", extra.c_str());
  }
  void rect(double x, double at, double width, double height, const char* fill) {
    appendf(body, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"/>\n", x, at, width, height,
            fill);
  }
};

// A step of 1, 2 or 5 x 10^k that cuts 0..max into about five.
double tick_step(double max) {
  const double rough = max / 5, decade = std::pow(10, std::floor(std::log10(rough)));
  for (double m : {1.0, 2.0, 5.0}) {
    if (m * decade >= rough) return m * decade;
  }
  return 10 * decade;
}

struct Bar {
  std::string label;
  double value = 0;     // drawn where skipped is empty
  std::string skipped;  // why there is no bar
};

// A horizontal bar chart on a linear axis from 0, with a floor marked as a
// labelled vertical line (floor <= 0: none) and the axis's words under it.
void bar_chart(Svg& svg, const std::string& title, const std::vector<Bar>& bars, double floor,
               const std::string& floor_label, const std::string& axis_words, const std::string& unit) {
  svg.text(kPlotMargin, svg.y + 14, title, "font-size=\"14\" font-weight=\"bold\"");
  svg.y += 34;  // the floor's label sits above the first bar
  double max = floor;
  for (const Bar& bar : bars) {
    if (bar.skipped.empty()) max = std::max(max, bar.value);
  }
  if (!(max > 0)) max = 1;
  max *= 1.05;
  const double top = svg.y;
  for (const Bar& bar : bars) {
    svg.text(kPlotMargin, svg.y + 13, shortened(bar.label, 48));
    if (bar.skipped.empty()) {
      const double width = std::max(1.0, std::max(0.0, bar.value) / max * kBarWidth);
      svg.rect(kBarX, svg.y + 3, width, kBarRow - 6, kBarColour);
      svg.text(kBarX + width + 4, svg.y + 13, measured_value(bar.value) + unit, "font-size=\"11\"");
    } else {
      svg.text(kBarX, svg.y + 13, "skipped: " + shortened(bar.skipped, 90),
               std::string("font-size=\"11\" fill=\"") + kQuietColour + "\"");
    }
    svg.y += kBarRow;
  }
  // The axis: a baseline with ticks, the floor across every bar.
  svg.line(kBarX, top, kBarX, svg.y, kInk);
  svg.line(kBarX, svg.y, kBarX + kBarWidth, svg.y, kInk);
  const double step = tick_step(max);
  for (double tick = 0; tick <= max; tick += step) {
    const double x = kBarX + tick / max * kBarWidth;
    svg.line(x, svg.y, x, svg.y + 4, kInk);
    svg.text(x, svg.y + 15, tick_label(tick), "font-size=\"10\" text-anchor=\"middle\"");
  }
  if (floor > 0) {
    const double x = kBarX + floor / max * kBarWidth;
    svg.line(x, top - 4, x, svg.y, kFloorColour, "stroke-width=\"2\" stroke-dasharray=\"5,3\"");
    const char* anchor = x < kBarX + kBarWidth / 2 ? "start" : "end";  // its words stay on the page
    svg.text(x, top - 8, floor_label,
             std::string("font-size=\"11\" text-anchor=\"") + anchor + "\" fill=\"" + kFloorColour + "\"");
  }
  svg.text(kBarX + kBarWidth / 2, svg.y + 30, axis_words, "class=\"axis\" font-size=\"11\" text-anchor=\"middle\"");
  svg.y += 44;
}

bool plotted(const BenchResult& r) { return !r.unsupported && !r.broken; }

const BenchResult* plot_find(const BenchRun& run, std::string_view name) {
  for (const BenchResult& r : run.results) {
    if (r.name == name && plotted(r)) return &r;
  }
  return nullptr;
}

// Each of the results chosen, as a bar of counter (skipped ones say why).
std::vector<Bar> bars_of(const BenchRun& run, bool (*chosen)(const BenchResult&), std::string_view counter) {
  std::vector<Bar> bars;
  for (const BenchResult& r : run.results) {
    if (!chosen(r)) continue;
    auto value = r.counters.find(std::string(counter));
    if (!plotted(r)) {
      bars.push_back({r.name, 0, r.message.empty() ? "no message" : r.message});
    } else if (value == r.counters.end()) {
      bars.push_back({r.name, 0, "no counter " + std::string(counter)});
    } else {
      bars.push_back({r.name, value->second, ""});
    }
  }
  return bars;
}

bool idle_bar(const BenchResult& r) { return r.name.starts_with(schema::kBenchIdle); }
bool wake_bar(const BenchResult& r) {
  return r.name.starts_with(schema::kBenchWake) || r.name == schema::kBenchEventfdWake;
}

// One curve's chart, its top left corner at (x, top).
void curve_chart(Svg& svg, const Curve& curve, double x, double top) {
  const CurveSpec& spec = *curve.spec;
  svg.text(x, top + 12, curve_label(spec), "font-size=\"11\" font-weight=\"bold\"");
  svg.text(x, top + 27, std::string(spec.y_words), "class=\"axis\" font-size=\"10\"");
  const double left = x + kAxisLeft, plot_top = top + kAxisTop, bottom = plot_top + kAxisHeight;
  svg.line(left, plot_top, left, bottom, kInk);
  svg.line(left, bottom, left + kAxisWidth, bottom, kInk);
  svg.text(left + kAxisWidth / 2, bottom + 26, std::string(spec.x_words),
           "class=\"axis\" font-size=\"10\" text-anchor=\"middle\"");

  // x: log2 N over every N the curve has, measured or not.
  long n_lo = 0, n_hi = 0;
  for (const CurvePoint& p : curve.points) n_lo = n_lo ? std::min(n_lo, p.n) : p.n, n_hi = std::max(n_hi, p.n);
  for (const CurveSkip& s : curve.skipped) n_lo = n_lo ? std::min(n_lo, s.n) : s.n, n_hi = std::max(n_hi, s.n);
  double lx_lo = std::log2(static_cast<double>(n_lo)), lx_hi = std::log2(static_cast<double>(n_hi));
  if (lx_hi - lx_lo < 1) lx_lo -= 0.5, lx_hi += 0.5;
  const double lx_pad = (lx_hi - lx_lo) * 0.06;
  lx_lo -= lx_pad, lx_hi += lx_pad;
  auto x_of = [&](double n) { return left + (std::log2(n) - lx_lo) / (lx_hi - lx_lo) * kAxisWidth; };
  const int every = lx_hi - lx_lo > 9 ? 2 : 1;
  for (int k = static_cast<int>(std::ceil(lx_lo)); k <= lx_hi; ++k) {
    if (k < 0 || k % every) continue;
    const double at = x_of(std::ldexp(1.0, k));
    svg.line(at, bottom, at, bottom + 4, kInk);
    svg.text(at, bottom + 13, std::to_string(1L << k), "font-size=\"9\" text-anchor=\"middle\"");
  }

  // y: log10 over the measured values above 0 (a log scale has no place for the rest).
  std::vector<CurvePoint> drawn;
  for (const CurvePoint& p : curve.points) {
    if (p.y > 0) drawn.push_back(p);
  }
  if (drawn.empty()) {
    svg.text(left + 10, plot_top + kAxisHeight / 2, "no measured point above 0",
             std::string("font-size=\"10\" fill=\"") + kQuietColour + "\"");
  } else {
    double ly_lo = std::log10(drawn.front().y), ly_hi = ly_lo;
    for (const CurvePoint& p : drawn)
      ly_lo = std::min(ly_lo, std::log10(p.y)), ly_hi = std::max(ly_hi, std::log10(p.y));
    if (ly_hi - ly_lo < 1) {  // at least a decade, so that a flat curve reads flat
      const double middle = (ly_hi + ly_lo) / 2;
      ly_lo = middle - 0.5, ly_hi = middle + 0.5;
    }
    const double ly_pad = (ly_hi - ly_lo) * 0.08;
    ly_lo -= ly_pad, ly_hi += ly_pad;
    auto y_of = [&](double y) { return bottom - (std::log10(y) - ly_lo) / (ly_hi - ly_lo) * kAxisHeight; };
    const bool every_mantissa = ly_hi - ly_lo <= 2.2;
    for (int k = static_cast<int>(std::floor(ly_lo)); k <= std::ceil(ly_hi); ++k) {
      for (double m : {1.0, 2.0, 5.0}) {
        const double value = m * std::pow(10, k);
        if (std::log10(value) < ly_lo || std::log10(value) > ly_hi || (m != 1 && !every_mantissa)) continue;
        svg.line(left - 4, y_of(value), left, y_of(value), kInk);
        svg.line(left, y_of(value), left + kAxisWidth, y_of(value), "#e4e4e4");
        svg.text(left - 6, y_of(value) + 3, tick_label(value), "font-size=\"9\" text-anchor=\"end\"");
      }
    }
    // The steepest the shape allows, from the first point: y0 (N/N0)^bound, cut at the top.
    const double bound = slope_bound(spec.shape), per_log2 = bound * std::log10(2.0);
    const double lx0 = std::log2(static_cast<double>(drawn.front().n)), ly0 = std::log10(drawn.front().y);
    double lx1 = lx_hi, ly1 = ly0 + per_log2 * (lx_hi - lx0);
    if (ly1 > ly_hi && per_log2 > 0) lx1 = lx0 + (ly_hi - ly0) / per_log2, ly1 = ly_hi;
    svg.line(x_of(static_cast<double>(drawn.front().n)), y_of(drawn.front().y), x_of(std::exp2(lx1)),
             y_of(std::pow(10, ly1)), kQuietColour, "stroke-dasharray=\"4,3\"");
    std::string points;
    for (const CurvePoint& p : drawn) appendf(points, "%.1f,%.1f ", x_of(static_cast<double>(p.n)), y_of(p.y));
    appendf(svg.body, "<polyline points=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\"/>\n", points.c_str(),
            kBarColour);
    for (const CurvePoint& p : drawn) {
      appendf(svg.body, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>\n", x_of(static_cast<double>(p.n)),
              y_of(p.y), kBarColour);
    }
  }

  double line_y = bottom + 41;
  for (const std::string& line : plot_lines(std::string(spec.expectation), kChartTextColumns, 3)) {
    svg.text(x, line_y, line, "font-size=\"10\"");
    line_y += 12;
  }
  std::string verdict;
  if (curve.judged()) {
    appendf(verdict, "slope %.2f, bound %.1f (dashed): %s", *curve.slope, slope_bound(spec.shape),
            curve.verdict().c_str());
  } else {
    verdict = curve.verdict();
  }
  const char* colour = !curve.judged() ? kQuietColour : curve.met() ? kMetColour : kNotMetColour;
  svg.text(x, line_y + 2, shortened(verdict, kChartTextColumns),
           std::string("font-size=\"10\" font-weight=\"bold\" fill=\"") + colour + "\"");
  if (!curve.skipped.empty()) {
    // "not measured: N=1, 4: no counter p50_us": the Ns of each message together.
    std::vector<std::pair<std::string, std::string>> why;  // message, its Ns
    for (const CurveSkip& s : curve.skipped) {
      auto same = std::find_if(why.begin(), why.end(), [&](auto& w) { return w.first == s.message; });
      if (same == why.end()) {
        why.emplace_back(s.message, "N=" + std::to_string(s.n));
      } else {
        same->second += ", " + std::to_string(s.n);
      }
    }
    std::string skipped = "not measured:";
    for (const auto& [message, ns] : why) skipped += (skipped.back() == ':' ? " " : "; ") + ns + ": " + message;
    svg.text(x, line_y + 14, shortened(skipped, kChartTextColumns),
             std::string("font-size=\"10\" fill=\"") + kQuietColour + "\"");
  }
}

void bench_section(Svg& svg, const BenchFile& file) {
  const BenchRun& run = file.run;
  svg.text(kPlotMargin, svg.y + 18, "cell " + run.context_of(schema::kCell),
           "class=\"cell\" font-size=\"18\" font-weight=\"bold\"");
  svg.text(kPlotMargin, svg.y + 36,
           "kernel " + run.context_of(schema::kKernelRelease) + " · cpu " + run.context_of(schema::kCpuModel) +
               " · bench size " + run.context_of(schema::kBenchSize, "full") + " · " + file.path,
           "font-size=\"11\"");
  svg.y += 52;

  if (std::vector<Bar> bars = bars_of(run, idle_bar, schema::kXFloor); !bars.empty()) {
    bar_chart(svg, "Idle-buffer checks: the cost of one check against the syscall floor", bars, 1.0,
              "syscall floor (getppid, 1x)", "cost of one idle check, as a multiple of the syscall floor", "x");
  }
  if (std::vector<Bar> bars = bars_of(run, wake_bar, schema::kP50Us); !bars.empty()) {
    double floor_us = 0;  // none drawn where eventfd's wake-up did not run
    if (const BenchResult* eventfd = plot_find(run, schema::kBenchEventfdWake)) {
      if (auto p50 = eventfd->counters.find(std::string(schema::kP50Us)); p50 != eventfd->counters.end()) {
        floor_us = p50->second;
      }
    }
    bar_chart(svg, "Wake-ups: from the fence's signal to the waiter running (p50)", bars, floor_us,
              "eventfd floor (" + measured_value(floor_us) + " us)",
              "microseconds from the signal to the wake-up (p50)", " us");
    if (std::string line = helper_wake_line(run); !line.empty()) {
      svg.text(kPlotMargin, svg.y + 2, line, "font-size=\"11\"");
      svg.y += 20;
    }
  }
  const std::vector<Curve> curves = gather_curves(run);
  if (!curves.empty()) {
    svg.text(kPlotMargin, svg.y + 14, "Cost curves: how the cost grows with N (log-log; dashed: the steepest allowed)",
             "font-size=\"14\" font-weight=\"bold\"");
    svg.y += 26;
    const int per_row = static_cast<int>((kPlotWidth - 2 * kPlotMargin) / kChartWidth);
    for (std::size_t i = 0; i < curves.size(); ++i) {
      const double x = kPlotMargin + static_cast<double>(i % per_row) * (kChartWidth + 5);
      curve_chart(svg, curves[i], x, svg.y);
      if (i % per_row == per_row - 1 || i + 1 == curves.size()) svg.y += kChartHeight;
    }
  }
  svg.y += 20;
}

}  // namespace

std::string bench_svg(const std::vector<BenchFile>& benches) {
  Svg svg;
  for (const BenchFile& file : benches) bench_section(svg, file);
  std::string title = "fencecheck-bench:";
  for (const BenchFile& file : benches) title += " " + file.run.context_of(schema::kCell);
  std::string out;
  appendf(out,
          "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
          "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" "
          "font-family=\"sans-serif\" font-size=\"12\" fill=\"%s\">\n<title>%s</title>\n",
          kPlotWidth, svg.y, kPlotWidth, svg.y, kInk, plot_text(title).c_str());
  appendf(out, "<rect width=\"100%%\" height=\"100%%\" fill=\"#fff\"/>\n");
  return out + svg.body + "</svg>\n";
}

}  // namespace fc
