// SPDX-License-Identifier: MIT
// bench --plot draws every bar and cost curve as one self-contained SVG
// (tools/tests/bench_plot_test.sh renders it in headless Chromium).
#include "results/report.h"
#include "results/tests/curve_runs.h"

#include <gtest/gtest.h>

#include <cmath>
#include <regex>

namespace fc {
namespace {

using namespace fc::test_runs;

// Well-formed enough for an XML parser: every tag closed in order, no stray
// '<' or '&' in text (tools/tests/bench_plot_test.sh parses it for real).
bool balanced_xml(const std::string& svg, std::string& why) {
  std::vector<std::string> open;
  std::size_t at = svg.find("<svg");
  if (at == std::string::npos) return why = "no <svg>", false;
  while (at < svg.size()) {
    const std::size_t lt = svg.find('<', at);
    const std::string text = svg.substr(at, (lt == std::string::npos ? svg.size() : lt) - at);
    if (std::regex_search(text, std::regex("&(?!(amp|lt|gt|quot|apos|#[0-9]+);)"))) return why = "bare &", false;
    if (lt == std::string::npos) break;
    const std::size_t gt = svg.find('>', lt);
    if (gt == std::string::npos) return why = "unclosed tag", false;
    const std::string tag = svg.substr(lt + 1, gt - lt - 1);
    if (tag.find('<') != std::string::npos) return why = "'<' inside a tag", false;
    const std::string name = tag.substr(tag[0] == '/', tag.find_first_of(" />", 1) - (tag[0] == '/'));
    if (tag[0] == '/') {
      if (open.empty() || open.back() != name) return why = "</" + name + "> closes nothing open", false;
      open.pop_back();
    } else if (tag.back() != '/') {
      open.push_back(name);
    }
    at = gt + 1;
  }
  if (!open.empty()) return why = "<" + open.back() + "> never closed", false;
  return true;
}

int count(const std::string& text, const std::string& what) {
  int n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST(BenchPlot, OneChartPerCurveWithItsAxesInWordsInWellFormedXml) {
  BenchRun run = run_of("full");
  run.context["kernel.release"] = "6.1.0-28-amd64";
  run.context["cpu.model"] = "QEMU Virtual CPU <2.5+> & co";
  run.results.push_back({"Floor/getppid", false, false, "", {{"ns_per_op", 380}, {"x_floor", 1}}});
  run.results.push_back({"Idle/export_poll_close", false, false, "", {{"ns_per_op", 4200}, {"x_floor", 11}}});
  run.results.push_back({"Idle/system_heap/consumer_wait", true, false, "unsupported: no <system> heap", {}});
  run.results.push_back({"Floor/eventfd_wake", false, false, "", {{"p50_us", 12}}});
  run.results.push_back({"Wake/vgem/poll_dmabuf", false, false, "", {{"p50_us", 38}}});
  add_curve(run, "Curve/fences/idle_check_write", "ns_per_op", {1, 2, 4, 8, 16, 32, 64}, linear);
  add_curve(run, "Curve/epoll/per_ready_buffer", "ns_per_buffer", {1, 4, 16, 64, 256}, linear);
  add_curve(run, "Curve/waiters/threads", "first_p50_us", {1, 4}, flat);
  const std::string svg = bench_svg({{"vgem-bench.json", run}});

  std::string why;
  EXPECT_TRUE(balanced_xml(svg, why)) << why;
  EXPECT_TRUE(svg.starts_with("<?xml")) << svg.substr(0, 80);
  EXPECT_EQ(svg.find("<script"), std::string::npos);
  EXPECT_EQ(svg.find("href"), std::string::npos) << "no external reference";
  // Four curves: Curve/waiters/threads is two (the first and the last to
  // wake), the last's points without its counter: a chart that says so.
  EXPECT_EQ(count(svg, "Curve/"), 4) << "one chart per curve, each titled once";
  for (const char* said :
       {">cell vgem@linux-6.1@mesa-22.3</text>", "kernel 6.1.0-28-amd64", "QEMU Virtual CPU &lt;2.5+&gt; &amp; co",
        "bench size full", ">signalled write fences on the buffer</text>", ">ns per check</text>",
        ">ready dma-bufs in the epoll set</text>", ">ns per ready buffer</text>", ">syscall floor (getppid, 1x)</text>",
        ">eventfd floor (12.0 us)</text>", "skipped: unsupported: no &lt;system&gt; heap",
        "slope 1.00, bound 1.5 (dashed): met", "slope 1.00, bound 0.5 (dashed): NOT MET",
        "not judged: 2 measured point(s) of N, fewer than 3", "not judged: 0 measured point(s) of N",
        ">no measured point above 0</text>", "not measured: N=1, 4: no counter p50_us"}) {
    EXPECT_NE(svg.find(said), std::string::npos) << said << " not in the SVG";
  }
  // The measured points, joined, on every chart that has some.
  EXPECT_EQ(count(svg, "<polyline"), 3);
  EXPECT_EQ(count(svg, "<circle"), 7 + 5 + 2);
}

}  // namespace
}  // namespace fc
