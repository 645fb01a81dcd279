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
  EXPECT_EQ(parse_test_list("Host/ExportOnWrongDescriptor.\n  Regular  # GetParam() = x\n  Pipe\nUapiAbi.\n  Numbers\n"),
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
