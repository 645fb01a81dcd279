// SPDX-License-Identifier: MIT
// Cost curves are fitted and held to their shapes (results/bench_curves.h),
// and the helper's wake-up to its target.
#include "results/bench_curves.h"
#include "results/commands.h"
#include "results/tests/curve_runs.h"

#include <gtest/gtest.h>

#include <cmath>
#include <regex>

namespace fc {
namespace {

using namespace fc::test_runs;

double quadratic(double n) { return 3 * n * n; }
double shrinking(double n) { return 300 / std::sqrt(n); }

const Curve* find_curve(const std::vector<Curve>& curves, std::string_view prefix, std::string_view y) {
  for (const Curve& curve : curves) {
    if (curve.spec->prefix == prefix && curve.spec->y == y) return &curve;
  }
  return nullptr;
}

TEST(CurveFit, TheLogLogSlopeIsTheExponent) {
  std::vector<CurvePoint> points;
  for (long n : {1, 4, 16, 64, 256}) points.push_back({n, 7 * std::pow(static_cast<double>(n), 1.3)});
  ASSERT_TRUE(loglog_slope(points));
  EXPECT_NEAR(*loglog_slope(points), 1.3, 1e-9);
  points = {{1, 100}, {8, 100}, {64, 100}};
  EXPECT_NEAR(*loglog_slope(points), 0.0, 1e-9);
  EXPECT_FALSE(loglog_slope({{4, 10}, {4, 20}})) << "one N: no slope";
  EXPECT_FALSE(loglog_slope({{1, 10}, {2, 0}, {4, 30}})) << "a log scale has no place for 0";
}

TEST(CurveNames, NIsTheLastPartAndAPositiveInteger) {
  auto name = parse_curve_name("Curve/epoll/wake_last/16");
  ASSERT_TRUE(name);
  EXPECT_EQ(name->prefix, "Curve/epoll/wake_last");
  EXPECT_EQ(name->n, 16);
  EXPECT_FALSE(parse_curve_name("Curve/epoll/wake_last/x16"));
  EXPECT_FALSE(parse_curve_name("Curve/epoll/wake_last/0"));
  EXPECT_FALSE(parse_curve_name("Wake/vgem/16"));
}

TEST(CurveShapes, AFlatCurvePassesFlatALinearOneFailsFlat) {
  BenchRun run = run_of("full");
  add_curve(run, "Curve/epoll/per_ready_buffer", "ns_per_buffer", {1, 4, 16, 64, 256}, flat);
  EXPECT_TRUE(curve_problems(run).empty());
  auto curves = gather_curves(run);
  ASSERT_EQ(curves.size(), 1u) << "the curves the run has, no others";
  EXPECT_TRUE(curves[0].met());

  run = run_of("full");
  add_curve(run, "Curve/epoll/per_ready_buffer", "ns_per_buffer", {1, 4, 16, 64, 256}, linear);
  auto problems = curve_problems(run);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0],
            "Curve/epoll/per_ready_buffer: ns_per_buffer grows as N^1.00 (40.0 -> 10240 ns from 1 to 256 buffers); "
            "expected flat (slope <= 0.5)");
}

TEST(CurveShapes, ALinearCurvePassesAtMostLinearAQuadraticOneFailsIt) {
  BenchRun run = run_of("full");
  add_curve(run, "Curve/fences/export_write", "ns_per_op", {1, 2, 4, 8, 16, 32, 64}, linear);
  add_curve(run, "Curve/fences/export_read", "ns_per_op", {1, 2, 4, 8, 16, 32, 64}, shrinking);
  EXPECT_TRUE(curve_problems(run).empty());
  run = run_of("full");
  add_curve(run, "Curve/fences/export_write", "ns_per_op", {1, 2, 4, 8, 16, 32, 64}, quadratic);
  auto problems = curve_problems(run);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].find("Curve/fences/export_write: ns_per_op grows as N^2.00"), std::string::npos) << problems[0];
  EXPECT_NE(problems[0].find("expected at most linear (slope <= 1.5)"), std::string::npos) << problems[0];
}

TEST(CurveShapes, TwoCurvesOfOnePrefixAreJudgedEachByItsOwnCounter) {
  BenchRun run = run_of("short");  // the bounds hold in short runs too
  for (long n : {1, 4, 16}) {
    const double first = flat(static_cast<double>(n)), last = quadratic(static_cast<double>(n));
    run.results.push_back(
        {"Curve/waiters/threads/" + std::to_string(n),
         false,
         false,
         "",
         {{"first_p50_us", first}, {"p50_us", last}, {"p99_us", last}, {"samples", 20}, {"early_wakes", 0}}});
  }
  const auto curves = gather_curves(run);
  ASSERT_EQ(curves.size(), 2u);
  EXPECT_TRUE(find_curve(curves, "Curve/waiters/threads", "first_p50_us")->met());
  EXPECT_FALSE(find_curve(curves, "Curve/waiters/threads", "p50_us")->met());
  auto problems = curve_problems(run);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].find("p50_us grows as N^2.00"), std::string::npos) << problems[0];
  EXPECT_NE(problems[0].find("from 1 to 16 threads"), std::string::npos) << problems[0];
}

TEST(CurveShapes, FewerThanThreePointsOrAZeroAreNotJudged) {
  BenchRun run = run_of("full");
  add_curve(run, "Curve/fences/idle_check_write", "ns_per_op", {1, 64}, quadratic);
  run.results.push_back({"Curve/fences/idle_check_write/8", true, false, "unsupported: no IMPORT_SYNC_FILE", {}});
  run.results.push_back({"Curve/fences/idle_check_write/16", false, false, "", {{"floor_ns", 1}}});
  add_curve(run, "Curve/fences/idle_check_read", "ns_per_op", {1, 8, 64}, quadratic);
  run.results.push_back({"Curve/fences/idle_check_read/32", false, false, "", {{"ns_per_op", 0}}});
  EXPECT_TRUE(curve_problems(run).empty()) << curve_problems(run)[0];
  const auto curves = gather_curves(run);
  const Curve* write = find_curve(curves, "Curve/fences/idle_check_write", "ns_per_op");
  ASSERT_TRUE(write);
  EXPECT_FALSE(write->judged());
  EXPECT_EQ(write->points.size(), 2u);
  ASSERT_EQ(write->skipped.size(), 2u) << "skipped, and measured without the curve's counter";
  EXPECT_EQ(write->skipped[0].n, 8);
  EXPECT_EQ(write->skipped[1].message, "no counter ns_per_op");
  EXPECT_EQ(write->verdict(), "not judged: 2 measured point(s) of N, fewer than 3");
  const Curve* read = find_curve(curves, "Curve/fences/idle_check_read", "ns_per_op");
  ASSERT_TRUE(read);
  EXPECT_FALSE(read->judged());
  EXPECT_NE(read->not_judged.find("ns_per_op is 0.00 at N=32"), std::string::npos) << read->not_judged;
  const std::string table = bench_table(run);
  EXPECT_NE(table.find("not judged: 2 measured point(s)"), std::string::npos) << table;
  EXPECT_NE(table.find("N=8 not measured: unsupported: no IMPORT_SYNC_FILE"), std::string::npos) << table;
}

TEST(CurveShapes, AnUnknownCurveIsAProblemAnAbsentOneIsNot) {
  BenchRun run = run_of("full");
  add_curve(run, "Curve/epoll/per_ready_buffer", "ns_per_buffer", {1, 16, 256}, flat);
  EXPECT_TRUE(curve_problems(run).empty()) << "the other curves are absent: lanes filter benchmarks";
  add_curve(run, "Curve/fences/new_thing", "ns_per_op", {1}, flat);
  run.results.push_back({"Curve/fences/export_write", false, false, "", {{"ns_per_op", 1}}});
  auto problems = curve_problems(run);
  ASSERT_EQ(problems.size(), 2u);
  EXPECT_NE(problems[0].find("Curve/fences/new_thing/1: a Curve/ benchmark no curve"), std::string::npos);
  EXPECT_NE(problems[1].find("Curve/fences/export_write: a Curve/ benchmark no curve"), std::string::npos);
}

TEST(CurveCounters, EachPointReportsItsCurvesCounters) {
  EXPECT_EQ(required_counters("Curve/fences/export_read/8"), (std::vector<std::string>{"ns_per_op"}));
  EXPECT_EQ(required_counters("Curve/epoll/per_ready_buffer/1"),
            (std::vector<std::string>{"ns_per_buffer", "ns_per_op"}));
  EXPECT_EQ(required_counters("Curve/waiters/processes/4"),
            (std::vector<std::string>{"first_p50_us", "p50_us", "p99_us", "samples", "early_wakes"}));
  EXPECT_EQ(required_counters("Wake/vgem/consumer_wait_vs_poll"),
            (std::vector<std::string>{"p50_us", "p99_us", "samples", "early_wakes", "poll_p50_us", "x_poll",
                                      "x_poll_lo", "x_poll_hi"}));
  EXPECT_EQ(counter_unit("ns_per_buffer"), "ns");
  EXPECT_EQ(counter_unit("first_p50_us"), "us");
}

TEST(CurveCounters, WakeUpCurvesAreHeldToTheWakeChecks) {
  BenchResult late{
      "Curve/waiters/processes/8", false, false, "", {{"first_p50_us", 2'500'000}, {"p50_us", 90}, {"early_wakes", 1}}};
  auto problems = check_bench_values(late);
  ASSERT_EQ(problems.size(), 2u);
  EXPECT_NE(problems[0].find("before the fence's own signal"), std::string::npos) << problems[0];
  EXPECT_NE(problems[1].find("first_p50_us 2500000 us: a wake-up later than the suite's wake bound"), std::string::npos)
      << problems[1];
  BenchResult costly{"Curve/fences/export_read/8", false, false, "", {{"ns_per_op", 2'500'000'000.0}}};
  EXPECT_TRUE(check_bench_values(costly).empty()) << "a cost is no wake-up";
}

BenchRun wake_vs_poll_run(const std::string& size, double lo, double hi) {
  BenchRun run = run_of(size);
  run.results.push_back({"Wake/vgem/consumer_wait_vs_poll",
                         false,
                         false,
                         "",
                         {{"p50_us", 46},
                          {"p99_us", 120},
                          {"samples", 200},
                          {"early_wakes", 0},
                          {"poll_p50_us", 40},
                          {"x_poll", (lo + hi) / 2},
                          {"x_poll_lo", lo},
                          {"x_poll_hi", hi}}});
  return run;
}

TEST(HelperWake, MetByTheRatioAProblemOnlyWhenTheWholeIntervalIsAboveItInFullRuns) {
  EXPECT_NE(bench_table(wake_vs_poll_run("full", 0.96, 1.08))
                .find("recommended helper's wake-up: p50 46 us against poll()'s 40 us: 1.02x (95% CI 0.96-1.08; "
                      "target <= 1.10: met)"),
            std::string::npos)
      << bench_table(wake_vs_poll_run("full", 0.96, 1.08));
  EXPECT_TRUE(helper_target_problems(wake_vs_poll_run("full", 0.96, 1.08)).empty());
  // The p50s' ratio meets it (1.08x), however wide the interval.
  EXPECT_NE(bench_table(wake_vs_poll_run("full", 0.96, 1.20)).find("1.08x (95% CI 0.96-1.20; target <= 1.10: met)"),
            std::string::npos);
  EXPECT_NE(bench_table(wake_vs_poll_run("full", 1.05, 1.25))
                .find("target <= 1.10: missed within the noise: the interval reaches the target)"),
            std::string::npos);
  EXPECT_TRUE(helper_target_problems(wake_vs_poll_run("full", 1.05, 1.25)).empty()) << "the interval straddles it";
  auto problems = helper_target_problems(wake_vs_poll_run("full", 1.12, 1.18));
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].find("Wake/vgem/consumer_wait_vs_poll: the recommended helper's wake-up takes 1.15x poll()'s"),
            std::string::npos)
      << problems[0];
  EXPECT_NE(bench_table(wake_vs_poll_run("full", 1.12, 1.18)).find("target <= 1.10: NOT MET)"), std::string::npos);
  EXPECT_TRUE(helper_target_problems(wake_vs_poll_run("short", 1.12, 1.18)).empty());
  EXPECT_NE(bench_table(wake_vs_poll_run("short", 1.12, 1.18)).find("not met in this --short run"), std::string::npos);
}

TEST(BenchTable, EachCurveHasItsPointsSlopeExpectationAndVerdict) {
  BenchRun run = run_of("full");
  add_curve(run, "Curve/epoll/per_ready_buffer", "ns_per_buffer", {256, 1, 16}, linear);  // any order
  const std::string table = bench_table(run);
  const std::regex points(
      "Curve/epoll/per_ready_buffer: ns_per_buffer .*\n +1 +40 +1\\.00\n +16 +640 +16\\.00\n +256 +10240 +256\\.00\n");
  EXPECT_TRUE(std::regex_search(table, points)) << table;
  for (const char* said : {"expected flat: one epoll_wait costs the same per ready buffer at 1 and 256 buffers",
                           "fitted slope (log-log) 1.00, bound 0.5: NOT MET"}) {
    EXPECT_NE(table.find(said), std::string::npos) << said << " not in\n" << table;
  }
}

}  // namespace
}  // namespace fc
