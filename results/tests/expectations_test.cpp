// SPDX-License-Identifier: MIT
// Expectations apply like deqp-runner baselines: every mismatch is named and
// fails the run; comments, flakes and skips behave as drm-ci's files do.
#include "results/expectations.h"

#include <gtest/gtest.h>

#include "results/gtest_json.h"
#include "results/schema.h"

namespace fc {
namespace {

using Kind = Comparison::Kind;

Expectations make(std::string_view fails, std::string_view flakes = "", std::string_view skips = "") {
  Expectations e;
  EXPECT_FALSE(parse_fails(fails, "fails.txt", e.fails));
  EXPECT_FALSE(parse_patterns(flakes, "flakes.txt", e.flakes));
  EXPECT_FALSE(parse_patterns(skips, "skips.txt", e.skips));
  return e;
}

Kind kind_of(const Comparison& c, const std::string& name) {
  for (const auto& entry : c.entries) {
    if (entry.name == name) return entry.kind;
  }
  ADD_FAILURE() << name << " not in the comparison";
  return Kind::Expected;
}

TEST(Expectations, ParsesFailsWithCommentsAndBlankLines) {
  std::map<std::string, Outcome> fails;
  EXPECT_FALSE(parse_fails("# llvmpipe attaches no fence\n\nGpu/GpuWrite.A/gl,Fail  # why\nB.c,Crash\n", "f", fails));
  ASSERT_EQ(fails.size(), 2u);
  EXPECT_EQ(fails["Gpu/GpuWrite.A/gl"], Outcome::Fail);
  EXPECT_EQ(fails["B.c"], Outcome::Crash);
}

TEST(Expectations, RejectsMalformedLinesNamingFileAndLine) {
  std::map<std::string, Outcome> fails;
  auto error = parse_fails("A.b,Fail\nno comma here\n", "lane-fails.txt", fails);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->message.rfind("lane-fails.txt:2: ", 0), 0u) << error->message;
  fails.clear();
  EXPECT_TRUE(parse_fails("A.b,Pass\n", "f", fails)) << "Pass is not an expectation";
  fails.clear();
  EXPECT_TRUE(parse_fails("A.b,Fail\nA.b,Fail\n", "f", fails)) << "duplicates are errors";
  std::vector<Pattern> patterns;
  EXPECT_TRUE(parse_patterns("ok.*\n(unclosed\n", "skips.txt", patterns));
}

TEST(Compare, EverythingAsExpectedIsOk) {
  auto c = compare({{"A.pass", Outcome::Pass, ""}, {"A.fail", Outcome::Fail, "x"}, {"A.skip", Outcome::Skip, "y"}},
                   make("A.fail,Fail\n", "", "A\\.sk.*\n"));
  EXPECT_TRUE(c.ok());
  EXPECT_EQ(c.count(Kind::Expected), 3);
}

TEST(Compare, NewFailureUnexpectedPassAndSkipAreMismatches) {
  auto c = compare({{"A.newly_failing", Outcome::Fail, "boom"},
                    {"A.fixed", Outcome::Pass, ""},
                    {"A.skipped", Outcome::Skip, "no vgem"}},
                   make("A.fixed,Fail\n"));
  EXPECT_FALSE(c.ok());
  EXPECT_EQ(kind_of(c, "A.newly_failing"), Kind::NewFailure);
  EXPECT_EQ(kind_of(c, "A.fixed"), Kind::UnexpectedPass);
  EXPECT_EQ(kind_of(c, "A.skipped"), Kind::UnexpectedSkip);
}

TEST(Compare, FlakesMayPassOrFailButNotSkip) {
  Expectations e = make("", "Race\\..*\n");
  EXPECT_TRUE(compare({{"Race.a", Outcome::Fail, ""}, {"Race.b", Outcome::Pass, ""}}, e).ok());
  EXPECT_FALSE(compare({{"Race.c", Outcome::Skip, ""}}, e).ok());
}

TEST(Compare, SkipPatternsMustMatchTheWholeName) {
  Expectations e = make("", "", ".*/vulkan\n");
  EXPECT_TRUE(compare({{"Gpu/GpuWrite.A/vulkan", Outcome::Skip, ""}, {"A.pass", Outcome::Pass, ""}}, e).ok());
  EXPECT_FALSE(compare({{"Gpu/GpuWrite.A/vulkan_extra", Outcome::Skip, ""}, {"A.pass", Outcome::Pass, ""}}, e).ok());
}

TEST(Compare, FlakesAbsorbAFailNeverACrashOrATimeout) {
  Expectations e = make("", "Race\\..*\n");
  EXPECT_EQ(kind_of(compare({{"Race.a", Outcome::Crash, ""}}, e), "Race.a"), Kind::NewFailure);
  EXPECT_EQ(kind_of(compare({{"Race.a", Outcome::Timeout, ""}}, e), "Race.a"), Kind::NewFailure);
}

TEST(Compare, AFlakeIsAFailureUnlessTheFlakesListIt) {
  const TestRecord died_then_passed{"Race.a", Outcome::Flake, "first run: Crash; run again: Pass"};
  EXPECT_EQ(kind_of(compare({died_then_passed}, make("")), "Race.a"), Kind::NewFailure);
  EXPECT_EQ(kind_of(compare({died_then_passed}, make("", "Race\\..*\n")), "Race.a"), Kind::Flake);
}

TEST(Compare, AListedSkipThatPassedIsReported) {
  auto c = compare({{"A.runs_now", Outcome::Pass, ""}}, make("", "", "A\\.runs_now\n"));
  EXPECT_FALSE(c.ok());
  EXPECT_EQ(kind_of(c, "A.runs_now"), Kind::SkipPassed);
}

TEST(Compare, APatternThatMatchesNoTestIsStale) {
  auto c = compare({{"A.pass", Outcome::Pass, ""}}, make("", "Gone\\..*\n", "Also\\.gone\n"));
  EXPECT_FALSE(c.ok());
  EXPECT_EQ(c.count(Kind::StaleExpectation), 2);
  // A pattern for a test the run had to produce is not stale, even if its result is missing.
  auto listed = compare({{"A.pass", Outcome::Pass, ""}}, make("", "", "B\\.skip\n"),
                        std::vector<std::string>{"A.pass", "B.skip"});
  EXPECT_EQ(listed.count(Kind::StaleExpectation), 0);
  EXPECT_EQ(listed.count(Kind::Missing), 1);
}

TEST(Compare, ARunInWhichEveryTestSkippedJudgedNothing) {
  auto c = compare({{"A.skip", Outcome::Skip, ""}, {"B.skip", Outcome::Skip, ""}}, make("", "", "(A|B)\\.skip\n"));
  EXPECT_FALSE(c.ok());
  EXPECT_EQ(c.count(Kind::NothingJudged), 1);
}

TEST(Compare, ARecordOnlyPassJudgesNothing) {
  TestRecord record_only{"Gpu/GpuPlainSubmit.A/vulkan", Outcome::Pass, ""};
  record_only.properties.emplace_back(schema::kJudges, "no");
  auto c = compare({record_only, {"Gpu/GpuWrite.A/vulkan", Outcome::Skip, "no extension"}},
                   make("", "", "Gpu/GpuWrite\\..*\n"));
  EXPECT_FALSE(c.ok());
  EXPECT_EQ(c.count(Kind::NothingJudged), 1);
  // Where the expectations say the cell judges nothing, that is expected; once it judges, the file is stale.
  Expectations known = make("", "", "Gpu/GpuWrite\\..*\n");
  known.not_judged = "writes from the CPU";
  auto as_known = compare({record_only, {"Gpu/GpuWrite.A/vulkan", Outcome::Skip, "no extension"}}, known);
  EXPECT_TRUE(as_known.ok());
  EXPECT_EQ(as_known.count(Kind::KnownNotJudged), 1);
  auto judging = compare({record_only, {"Gpu/GpuWrite.B/vulkan", Outcome::Pass, ""}}, known);
  EXPECT_FALSE(judging.ok());
  EXPECT_EQ(judging.count(Kind::StaleExpectation), 1);
}

// A driver no expectation file names: skips are tolerated, failures are not,
// and its GPU tests must judge something.
TEST(Compare, AnUnknownCellToleratesSkipsButMustJudgeTheGpu) {
  const Expectations none;
  EXPECT_TRUE(compare({{"Gpu/GpuWrite.A/gl", Outcome::Pass, ""}, {"Gpu/GpuWrite.B/gl", Outcome::Skip, "no"}}, none,
                      std::nullopt, true)
                  .ok());
  EXPECT_FALSE(compare({{"Gpu/GpuWrite.A/gl", Outcome::Fail, "x"}}, none, std::nullopt, true).ok());
  auto all_skipped = compare({{"Gpu/GpuWrite.A/gl", Outcome::Skip, "unsupported: GBM cannot allocate"},
                              {"Gpu/GpuWrite.B/gl", Outcome::Skip, "unsupported: GBM cannot allocate"},
                              {"Gpu/GpuWrite.A/vulkan", Outcome::Skip, "unsupported: no Vulkan device"},
                              {"Uapi.A", Outcome::Pass, ""}},
                             none, std::nullopt, true);
  EXPECT_FALSE(all_skipped.ok());
  ASSERT_EQ(all_skipped.count(Kind::NothingJudged), 1);
  const std::string& message = all_skipped.entries.back().message;
  EXPECT_NE(message.find("2x unsupported: GBM cannot allocate\n"), std::string::npos) << message;
  EXPECT_NE(message.find("1x unsupported: no Vulkan device"), std::string::npos) << message;
  // The same skips, listed, in a known cell whose other tests judged: as expected.
  EXPECT_TRUE(
      compare({{"Gpu/GpuWrite.A/gl", Outcome::Skip, "x"}, {"Uapi.A", Outcome::Pass, ""}}, make("", "", "Gpu/.*\n"))
          .ok());
}

// A cell named after one Mesa whose producers loaded another is not that Mesa's.
TEST(MesaIdentity, TheLoadedMesaMustBeTheCells) {
  EXPECT_FALSE(mesa_problem("virgl@linux-6.1@mesa-25.0", "25.0.7", "25.0.7-2~bpo12+1"));
  EXPECT_FALSE(mesa_problem("virgl@linux-6.1@mesa-22.3@asan", "22.3.6", "22.3"));
  auto problem = mesa_problem("virgl@linux-6.1@mesa-25.0", "22.3.6", "25.0.7-2~bpo12+1");
  ASSERT_TRUE(problem);
  EXPECT_NE(problem->find("named after Mesa 25.0, but its producers loaded Mesa 22.3.6"), std::string::npos)
      << *problem;
  // Nothing loaded Mesa (the reference producer writes from the CPU), or the cell names no version.
  EXPECT_FALSE(mesa_problem("vgem@linux-6.1@mesa-25.0", "22.3", ""));
  EXPECT_FALSE(mesa_problem("amdgpu@linux-6.1@mesa-unknown", "24.2.8", "unknown"));
  EXPECT_TRUE(mesa_problem("virgl@linux-6.1@mesa-25.0", "", "25.0"));
}

// A listed failure or skip for another reason than its entry gives is a
// mismatch: an EGL error is not the missing fence a Fail line knows.
TEST(Compare, AListedResultForAnotherReasonIsAChangedReason) {
  Expectations e;
  ASSERT_FALSE(parse_fails("A.f,Fail,already signalled while\nB.f,Fail\n", "fails.txt", e.fails, &e.fail_reasons));
  ASSERT_FALSE(parse_patterns("S\\..*,no VK_KHR_external_semaphore_fd\nT\\..*\n", "skips.txt", e.skips, true));
  ASSERT_FALSE(parse_patterns("F\\..*,poll ready\n", "flakes.txt", e.flakes, true));
  const std::string fence = "gpu_write_test.cpp:60\nthe export was already signalled while the producer said";
  auto c = compare({{"A.f", Outcome::Fail, fence},
                    {"B.f", Outcome::Fail, "anything"},
                    {"S.a", Outcome::Skip, "unsupported: no VK_KHR_external_semaphore_fd on lavapipe"},
                    {"T.a", Outcome::Skip, "whatever"},
                    {"F.a", Outcome::Fail, "poll ready too late"},
                    {"P.a", Outcome::Pass, ""}},
                   e);
  EXPECT_TRUE(c.ok());
  auto changed = compare({{"A.f", Outcome::Fail, "eglInitialize: EGL_NOT_INITIALIZED"},
                          {"B.f", Outcome::Fail, "x"},
                          {"S.a", Outcome::Skip, "modprobe failed"},
                          {"T.a", Outcome::Skip, "w"},
                          {"F.a", Outcome::Fail, "timed out"},
                          {"P.a", Outcome::Pass, ""}},
                         e);
  EXPECT_FALSE(changed.ok());
  EXPECT_EQ(kind_of(changed, "A.f"), Kind::ChangedReason);
  EXPECT_EQ(kind_of(changed, "S.a"), Kind::ChangedReason);
  EXPECT_EQ(kind_of(changed, "F.a"), Kind::ChangedReason);
  EXPECT_EQ(kind_of(changed, "B.f"), Kind::Expected);
  EXPECT_EQ(changed.count(Kind::ChangedReason), 3);
  std::map<std::string, Outcome> fails;
  EXPECT_TRUE(parse_fails("A.f,Fail,(unclosed\n", "fails.txt", fails));
  EXPECT_TRUE(parse_fails("A.f,Fail,\n", "fails.txt", fails));
}

TEST(Compare, AListedFailureThatDidNotRunIsStale) {
  auto c = compare({{"A.pass", Outcome::Pass, ""}}, make("A.gone,Fail\n"));
  EXPECT_FALSE(c.ok());
  EXPECT_EQ(kind_of(c, "A.gone"), Kind::StaleExpectation);
}

TEST(Compare, AResultFileWithNoResultIsNeverAsExpected) {
  auto c = compare({}, make(""));
  EXPECT_FALSE(c.ok());
  EXPECT_EQ(c.count(Kind::NoResults), 1);
}

TEST(Compare, ATestTheRunHadToProduceWithoutAResultIsMissing) {
  const std::vector<std::string> listed = {"A.pass", "A.vanished", "B.skip"};
  auto c = compare({{"A.pass", Outcome::Pass, ""}, {"B.skip", Outcome::Skip, ""}}, make("", "", "B\\.skip\n"), listed);
  EXPECT_FALSE(c.ok());
  EXPECT_EQ(kind_of(c, "A.vanished"), Kind::Missing);
  EXPECT_EQ(c.count(Kind::Missing), 1);
  // All of them there: as expected.
  EXPECT_TRUE(compare({{"A.pass", Outcome::Pass, ""}, {"A.vanished", Outcome::Pass, ""}, {"B.skip", Outcome::Skip, ""}},
                      make("", "", "B\\.skip\n"), listed)
                  .ok());
}

TEST(Compare, AResultForATestNotInTheListIsUnlisted) {
  auto c = compare({{"A.pass", Outcome::Pass, ""}, {"A.extra", Outcome::Pass, ""}}, make(""),
                   std::vector<std::string>{"A.pass"});
  EXPECT_FALSE(c.ok());
  EXPECT_EQ(kind_of(c, "A.extra"), Kind::Unlisted);
}

TEST(Compare, TestListsAreReadAsGtestPrintsThem) {
  EXPECT_EQ(
      parse_test_list("Host/ExportOnWrongDescriptor.\n  Regular  # GetParam() = x\n  Pipe\nUapiAbi.\n  Numbers\n"),
      (std::vector<std::string>{"Host/ExportOnWrongDescriptor.Regular", "Host/ExportOnWrongDescriptor.Pipe",
                                "UapiAbi.Numbers"}));
  EXPECT_TRUE(parse_test_list("").empty());
}

TEST(Expectations, ACellsStemsGoFromGeneralToSpecific) {
  EXPECT_EQ(expectation_stems("vgem"), std::vector<std::string>{"vgem"});
  EXPECT_EQ(expectation_stems("virgl@linux-6.12@mesa-25.0"),
            (std::vector<std::string>{"virgl", "virgl@linux-6.12", "virgl@mesa-25.0", "virgl@linux-6.12@mesa-25.0"}));
  EXPECT_EQ(expectation_stems("vgem@linux-6.1@mesa-22.3@asan").size(), 8u);
  EXPECT_EQ(expectation_stems("vgem@linux-6.1@mesa-22.3@asan").back(), "vgem@linux-6.1@mesa-22.3@asan");
}

// Every exit status of a cell's runs must be accounted for by its results.
TEST(ExitStatuses, TheLastMustSayWhatTheResultsSay) {
  const std::vector<TestRecord> passed = {{"A.a", Outcome::Pass, ""}};
  EXPECT_TRUE(exit_status_problems({0}, passed).empty());
  EXPECT_EQ(exit_status_problems({1}, passed).size(), 1u);
  EXPECT_EQ(exit_status_problems({23}, passed).size(), 1u) << "LeakSanitizer's exit after a complete run";
  EXPECT_TRUE(exit_status_problems({}, passed).empty()) << "no statuses given: nothing to hold against";
}

TEST(ExitStatuses, EachEarlierRunMustHaveEndedWhileATestRan) {
  TestRecord died_twice{"A.crashes", Outcome::Crash, "the run ended while this test was running, 2 times"};
  died_twice.properties.emplace_back(schema::kRunsEnded, "2");
  TestRecord died_once{"A.flaky", Outcome::Flake, "first run: Crash; run again: Pass"};
  died_once.properties.emplace_back(schema::kRunsEnded, "1");
  const std::vector<TestRecord> results = {{"A.a", Outcome::Pass, ""}, died_twice, died_once};
  EXPECT_TRUE(exit_status_problems({139, 139, 139, 1}, results).empty());
  EXPECT_EQ(exit_status_problems({139, 139, 1}, results).size(), 1u) << "a death no result accounts for is missing";
  EXPECT_EQ(exit_status_problems({23, 0}, {{"A.a", Outcome::Pass, ""}}).size(), 1u)
      << "a sanitizer's exit after a complete run, resumed with nothing left to run";
}

TEST(KernelLog, ComplaintsFailUnlessKnownAndAKnownOneThatVanishedIsStale) {
  const std::string log =
      "[   22.77] WARNING: mm/slub.c:7023 at __kvmalloc_node_noprof+0x4e3/0x760, CPU#1: fencecheck/288\n"
      "[   22.78] Modules linked in: vgem\n"
      "[   23.01] udmabuf: some ordinary line\n";
  EXPECT_EQ(kernel_complaints(log).size(), 1u);
  EXPECT_TRUE(kernel_complaints("[ 1.0] vgem: loaded\n").empty());
  KernelLogCheck unknown = check_kernel_log(log, {});
  EXPECT_FALSE(unknown.ok());
  ASSERT_EQ(unknown.unknown.size(), 1u);
  std::vector<Pattern> known;
  ASSERT_FALSE(parse_patterns("WARNING: mm/slub.c:[0-9]+ at __kvmalloc_node_noprof\n", "complaints", known));
  EXPECT_TRUE(check_kernel_log(log, known).ok());
  EXPECT_EQ(check_kernel_log(log, known).known.size(), 1u);
  KernelLogCheck vanished = check_kernel_log("[ 1.0] nothing to see\n", known);
  EXPECT_FALSE(vanished.ok());
  EXPECT_EQ(vanished.stale.size(), 1u);
}

}  // namespace
}  // namespace fc
