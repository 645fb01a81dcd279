// SPDX-License-Identifier: MIT
// The results tool's reports and file reading (results/commands.h, files.h).
#include "results/commands.h"
#include "results/files.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace fc {
namespace {

GtestRun run_of(const std::string& cell, std::vector<TestRecord> results) {
  GtestRun run;
  run.context = {{"fencecheck.cell", cell}};
  run.results = std::move(results);
  return run;
}

TestRecord result(const std::string& name, Outcome outcome, const std::string& message = "") {
  return {name, outcome, message, 0.1, "", {}};
}

class ExpectationsDir : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/fencecheck-results-test-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  void write(const std::string& name, const std::string& text) { std::ofstream(dir_ + "/" + name) << text; }
  std::string dir_;
};

TEST_F(ExpectationsDir, ACellIsKnownByAnyOfItsStemsFiles) {
  EXPECT_FALSE(has_expectations(dir_, "virgl@linux-6.12@mesa-25.0"));
  write("virgl@linux-6.12-kernel-complaints.txt", "WARNING: x\n");
  EXPECT_TRUE(has_expectations(dir_, "virgl@linux-6.12@mesa-25.0"));
  EXPECT_FALSE(has_expectations(dir_, "virgl@linux-6.1@mesa-22.3"));
  write("virgl-skips.txt", "Gpu/.*\n");
  EXPECT_EQ(stems_with_files(dir_, "virgl@linux-6.12@mesa-25.0"),
            (std::vector<std::string>{"virgl", "virgl@linux-6.12"}));
}

TEST_F(ExpectationsDir, ALaterStemsFailsLineReplacesTheEarlierOne) {
  write("llvmpipe-fails.txt", "A.B,Fail,no fence\nC.D,Fail\n");
  write("llvmpipe@mesa-25.0-fails.txt", "A.B,Crash\n");
  const Expectations merged = load_expectations(dir_, "llvmpipe@linux-6.1@mesa-25.0");
  EXPECT_EQ(merged.fails.at("A.B"), Outcome::Crash);
  EXPECT_FALSE(merged.fail_reasons.contains("A.B"));
  EXPECT_EQ(merged.fails.at("C.D"), Outcome::Fail);
  EXPECT_EQ(load_expectations(dir_, "llvmpipe@linux-6.1@mesa-22.3").fails.at("A.B"), Outcome::Fail);
}

TEST_F(ExpectationsDir, AMalformedFileOrAMissingOneIsBadInput) {
  write("vgem-fails.txt", "no comma here\n");
  EXPECT_THROW((void)load_expectations(dir_, "vgem@linux-6.1@mesa-22.3"), BadInput);
  EXPECT_THROW((void)read_file(dir_ + "/none.json"), BadInput);
  EXPECT_EQ(read_file(dir_ + "/none.json", true), "");
}

TEST(CompareReport, SaysAllAsExpectedOrMismatchWithTheCounts) {
  const GtestRun run = run_of("vgem@linux-6.1@mesa-22.3",
                              {result("A.Pass", Outcome::Pass), result("A.Fails", Outcome::Fail, "boom\nline 2")});
  CompareInput input;
  input.cell = "vgem@linux-6.1@mesa-22.3";
  input.run = &run;
  input.expectations_dir = "expectations";
  input.stems = {"vgem"};
  input.exit_statuses = {1};
  Report report = compare_report(input);
  EXPECT_FALSE(report.ok);
  EXPECT_NE(report.text.find("NEW FAILURE"), std::string::npos) << report.text;
  EXPECT_NE(report.text.find("  boom\n"), std::string::npos) << report.text;
  EXPECT_NE(report.text.find("2 results (1 pass, 1 fail, 0 skip) against expectations/{vgem}: MISMATCH"),
            std::string::npos)
      << report.text;
  EXPECT_NE(report.text.find("1 new failure(s)"), std::string::npos) << report.text;

  input.expectations.fails["A.Fails"] = Outcome::Fail;
  report = compare_report(input);
  EXPECT_TRUE(report.ok) << report.text;
  EXPECT_NE(report.text.find(": all as expected"), std::string::npos) << report.text;
}

TEST(CompareReport, AnExitStatusAKernelComplaintOrAnotherMesaFailsAPassingCell) {
  GtestRun run = run_of("virgl@linux-6.1@mesa-25.0", {result("A.Pass", Outcome::Pass)});
  run.context["mesa.version"] = "22.3.6";
  run.context["mesa.package"] = "22.3.6-1+deb12u1";
  CompareInput input;
  input.cell = "virgl@linux-6.1@mesa-25.0";
  input.run = &run;
  input.stems = {"virgl"};
  input.exit_statuses = {23};
  input.kernel_log = "[ 1.0] WARNING: CPU: 0 PID: 1 at drivers/dma-buf/dma-resv.c:1 x\n";
  input.kernel_log_path = "virgl.dmesg";
  const Report report = compare_report(input);
  EXPECT_FALSE(report.ok);
  for (const char* said : {"EXIT STATUS", "MESA", "KERNEL COMPLAINED", ": MISMATCH"}) {
    EXPECT_NE(report.text.find(said), std::string::npos) << said << " not in\n" << report.text;
  }
}

TEST(CompareReport, AnUnknownCellWhoseGpuTestsAllSkippedIsNotJudged) {
  const GtestRun run = run_of("newgpu@linux-6.1@mesa-22.3", {result("Gpu/GpuWrite.X/gl", Outcome::Skip, "no EGL")});
  CompareInput input;
  input.cell = "newgpu@linux-6.1@mesa-22.3";
  input.run = &run;
  // no stems: no expectation file names the cell
  input.expectations_dir = "expectations";
  input.exit_statuses = {0};
  const Report report = compare_report(input);
  EXPECT_FALSE(report.ok);
  EXPECT_NE(report.text.find("with no expectation files in expectations/"), std::string::npos) << report.text;
  EXPECT_NE(report.text.find(": NOT JUDGED"), std::string::npos) << report.text;
}

TEST(KernelLogReport, FailsOnAnUnknownComplaintOnly) {
  const std::string log = "[ 1.0] ok\n[ 2.0] WARNING: CPU: 0 PID: 1 at mm/slub.c:7 x\n";
  Report report = kernel_log_report("k.dmesg", log, {});
  EXPECT_FALSE(report.ok);
  EXPECT_NE(report.text.find("k.dmesg: 1 complaint(s), 1 unknown: KERNEL COMPLAINED"), std::string::npos);
  std::vector<Pattern> known;
  ASSERT_FALSE(parse_patterns("WARNING: .* at mm/slub\\.c:[0-9]+ x\n", "k.txt", known));
  report = kernel_log_report("k.dmesg", log, known);
  EXPECT_TRUE(report.ok) << report.text;
  EXPECT_NE(report.text.find("known complaint"), std::string::npos);
}

BenchRun bench_run(double x_poll, const std::string& size) {
  BenchRun run;
  run.context = {{"fencecheck.cell", "vgem@linux-6.1@mesa-22.3"}, {"bench.size", size}};
  run.results.push_back({"Idle/export_poll_close", false, false, "", {{"ns_per_op", 2200}, {"x_floor", 11}}});
  run.results.push_back({"Idle/export_poll_close_bare_c", false, false, "", {{"ns_per_op", 2000}, {"x_floor", 10}}});
  run.results.push_back({"Idle/consumer_wait_vs_poll", false, false, "", {{"ns_per_op", 330}, {"x_poll", x_poll}}});
  run.results.push_back({"Wake/vgem/poll_dmabuf", false, false, "", {{"p50_us", 100}, {"p99_us", 400}}});
  run.results.push_back({"Race/gl/no_wait", true, false, "unsupported: no GL", {}});
  return run;
}

TEST(BenchSummary, TheTableHasEachFamilyAndTheHarnessOverhead) {
  const std::string table = bench_table(bench_run(1.02, "full"));
  for (const char* said : {"== cell vgem@linux-6.1@mesa-22.3", "idle-buffer check", "+10.0% against the bare C loop",
                           "1.02x a bare poll() on the dma-buf", "target <= 1.10x: met", "wake-up after the signal",
                           "Race/gl/no_wait", "unsupported: no GL"}) {
    EXPECT_NE(table.find(said), std::string::npos) << said << " not in\n" << table;
  }
}

TEST(BenchSummary, TheHelpersTargetIsJudgedInFullRunsOnly) {
  EXPECT_TRUE(helper_target_problems(bench_run(1.02, "full")).empty());
  auto problems = helper_target_problems(bench_run(1.30, "full"));
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].find("costs 1.30x a bare poll()"), std::string::npos) << problems[0];
  EXPECT_TRUE(helper_target_problems(bench_run(1.30, "short")).empty());
  EXPECT_NE(bench_table(bench_run(1.30, "short")).find("not met in this --short run"), std::string::npos);
  EXPECT_NE(bench_table(bench_run(1.30, "full")).find("NOT MET"), std::string::npos);
}

TEST(Same, NamesEveryMissingDifferentAndUnlistedTest) {
  const GtestRun a =
      run_of("x", {result("T.One", Outcome::Pass), result("T.Two", Outcome::Fail), result("T.Three", Outcome::Pass)});
  const GtestRun b =
      run_of("x", {result("T.One", Outcome::Pass), result("T.Two", Outcome::Pass), result("T.Four", Outcome::Skip)});
  Report report = same_verdicts("a.json", a, "b.json", b);
  EXPECT_FALSE(report.ok);
  for (const char* said :
       {"MISSING   T.Three: Pass in a.json, no result in b.json", "DIFFERENT T.Two: Fail in a.json, Pass in b.json",
        "UNLISTED  T.Four: Skip in b.json", "b.json against a.json: 3 tests, 3 differ"}) {
    EXPECT_NE(report.text.find(said), std::string::npos) << said << " not in\n" << report.text;
  }
  report = same_verdicts("a.json", a, "a2.json", a);
  EXPECT_TRUE(report.ok);
  EXPECT_NE(report.text.find("the same verdicts"), std::string::npos);
}

}  // namespace
}  // namespace fc
