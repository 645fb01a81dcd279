// SPDX-License-Identifier: MIT
// Benchmark results are read, and judged complete or not, as the smoke test needs.
#include "results/bench_json.h"

#include <gtest/gtest.h>

namespace fc {
namespace {

constexpr std::string_view kRun = R"json({
  "context": {"kernel.release": "6.1.0-56-amd64", "fencecheck.cell": "vgem", "num_cpus": 2},
  "benchmarks": [
    {"name": "Floor/getppid", "run_type": "iteration", "iterations": 10, "real_time": 400, "time_unit": "ns",
     "ns_per_op": 400.0, "floor_ns": 398.0, "x_floor": 1.005},
    {"name": "Race/gl/no_wait/iterations:4", "run_type": "iteration", "iterations": 4,
     "frames": 4, "stale_ratio": 0.5, "torn_ratio": 0.5, "wait_p50_us": 6, "wait_p99_us": 38, "fps": 25.7},
    {"name": "Wake/vgem/poll_dmabuf/iterations:20/manual_time", "run_type": "iteration", "iterations": 20,
     "p50_us": 143, "p99_us": 1373},
    {"name": "Race/vulkan/no_wait/iterations:4", "run_type": "iteration", "error_occurred": true,
     "error_message": "unsupported: lavapipe cannot import dma-bufs"},
    {"name": "Idle/poll_dmabuf", "run_type": "iteration", "error_occurred": true,
     "error_message": "the first check failed: EINVAL (Invalid argument)"},
    {"name": "Idle/poll_dmabuf_mean", "run_type": "aggregate", "aggregate_name": "mean"}
  ]})json";

TEST(BenchJson, ReadsNamesCountersSkipsAndContext) {
  std::string error;
  auto run = parse_bench_json(kRun, error);
  ASSERT_TRUE(run) << error;
  EXPECT_EQ(run->context_of("fencecheck.cell"), "vgem");
  EXPECT_EQ(run->context["num_cpus"], "2");
  ASSERT_EQ(run->results.size(), 5u) << "aggregates are not results";
  EXPECT_EQ(run->results[1].name, "Race/gl/no_wait");
  EXPECT_EQ(run->results[2].name, "Wake/vgem/poll_dmabuf");
  EXPECT_DOUBLE_EQ(run->results[1].counters["stale_ratio"], 0.5);
  EXPECT_TRUE(run->results[3].unsupported);
  EXPECT_TRUE(run->results[4].broken);
}

TEST(BenchJson, CheckNamesEveryProblem) {
  std::string error;
  auto run = parse_bench_json(kRun, error);
  ASSERT_TRUE(run);
  std::vector<Pattern> skips;
  ASSERT_FALSE(parse_patterns("Race/vulkan/.*\n", "skips", skips));
  auto problems = check_bench_run(*run, skips);
  // Race/gl/no_wait lacks unfenced_ratio, Wake lacks samples and early_wakes, Idle/poll_dmabuf broke.
  ASSERT_EQ(problems.size(), 4u);
  EXPECT_NE(problems[0].find("Race/gl/no_wait: no counter unfenced_ratio"), std::string::npos) << problems[0];
  EXPECT_NE(problems[1].find("Wake/vgem/poll_dmabuf: no counter samples"), std::string::npos) << problems[1];
  EXPECT_NE(problems[2].find("Wake/vgem/poll_dmabuf: no counter early_wakes"), std::string::npos) << problems[2];
  EXPECT_NE(problems[3].find("Idle/poll_dmabuf: the first check failed"), std::string::npos) << problems[3];
  auto without_allowance = check_bench_run(*run, {});
  EXPECT_EQ(without_allowance.size(), 5u) << "an unlisted skip is a problem too";
}

TEST(BenchJson, RequiredCountersByFamily) {
  EXPECT_EQ(required_counters("Idle/export_poll_close"),
            (std::vector<std::string>{"ns_per_op", "floor_ns", "x_floor"}));
  EXPECT_EQ(required_counters("Floor/eventfd_wake"),
            (std::vector<std::string>{"p50_us", "p99_us", "samples", "early_wakes"}));
  EXPECT_EQ(required_counters("Race/gl/poll_dmabuf").size(), 6u);
  EXPECT_EQ(required_counters("Race/gl/no_wait").size(), 7u);
}

TEST(BenchJson, ValuesAreCheckedNotOnlyTheirPresence) {
  BenchResult waiting{"Race/vgem_cpu/poll_dmabuf", false, false, "", {{"stale_ratio", 0.25}, {"torn_ratio", 0}}};
  auto problems = check_bench_values(waiting);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].find("stale_ratio"), std::string::npos) << problems[0];
  BenchResult racing{"Race/vgem_cpu/no_wait", false, false, "", {{"stale_ratio", 0.9}}};
  EXPECT_TRUE(check_bench_values(racing).empty()) << "not waiting may read stale frames";
  BenchResult wake{"Wake/vgem/poll_dmabuf", false, false, "", {{"p50_us", -3}, {"early_wakes", 2}}};
  EXPECT_EQ(check_bench_values(wake).size(), 2u);
  // The reference producer fences every frame, waiting or not; a wake-up past the wake bound did not come.
  BenchResult unfenced{"Race/vgem_cpu/no_wait", false, false, "", {{"stale_ratio", 0.9}, {"unfenced_ratio", 0.5}}};
  ASSERT_EQ(check_bench_values(unfenced).size(), 1u);
  EXPECT_NE(check_bench_values(unfenced)[0].find("unfenced_ratio"), std::string::npos);
  BenchResult gl{"Race/gl/no_wait", false, false, "", {{"unfenced_ratio", 1.0}}};
  EXPECT_TRUE(check_bench_values(gl).empty()) << "a fenceless driver's race is what it measures";
  BenchResult late{"Wake/gl/poll_dmabuf", false, false, "", {{"p50_us", 120}, {"p99_us", 2'500'000}}};
  ASSERT_EQ(check_bench_values(late).size(), 1u);
  EXPECT_NE(check_bench_values(late)[0].find("p99_us"), std::string::npos);
}

TEST(BenchJson, ARaceThatMustRaceButReadEveryFrameWholeIsAProblem) {
  std::vector<Pattern> races;
  ASSERT_FALSE(parse_patterns("Race/gl/no_wait\n", "races", races));
  const std::vector<std::string> counters = required_counters("Race/gl/no_wait");
  auto run_with = [&](double stale, double torn) {
    BenchRun run;
    BenchResult result{"Race/gl/no_wait", false, false, "", {}};
    for (const std::string& counter : counters) result.counters[counter] = 0;
    result.counters["stale_ratio"] = stale;
    result.counters["torn_ratio"] = torn;
    run.results.push_back(result);
    return run;
  };
  EXPECT_TRUE(check_bench_run(run_with(0.75, 0), {}, races).empty());
  EXPECT_TRUE(check_bench_run(run_with(0, 1.0), {}, races).empty()) << "torn frames are not the new frame either";
  auto problems = check_bench_run(run_with(0, 0), {}, races);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].find("the race did not race"), std::string::npos) << problems[0];
  std::vector<Pattern> stale;
  ASSERT_FALSE(parse_patterns("Race/vulkan/no_wait\n", "races", stale));
  problems = check_bench_run(run_with(0.75, 0), {}, stale);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].find("matches no benchmark"), std::string::npos) << problems[0];
}

TEST(BenchJson, MalformedInputIsAnError) {
  std::string error;
  EXPECT_FALSE(parse_bench_json("[]", error));
  EXPECT_NE(error.find("benchmarks"), std::string::npos);
  EXPECT_FALSE(parse_bench_json("{", error));
}

}  // namespace
}  // namespace fc
