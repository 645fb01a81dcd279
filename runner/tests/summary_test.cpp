// The run summary counts verdicts, lists fence observations, and groups skips by reason.
#include "runner/summary.h"

#include <gtest/gtest.h>

namespace fc {
namespace {

using Verdict = TestOutcome::Verdict;

RunSummary sample() {
  RunSummary summary;
  summary.lane = "vgem";
  summary.kernel_release = "6.1.0-56-amd64";
  summary.tests.push_back({"Export.Idle", Verdict::Passed, "", {{"idle_READ", "1 fence: stub/stub signalled"}, {"after", "0 fences"}}});
  summary.tests.push_back({"Export.Pending", Verdict::Failed, "Expected pending\nmore", {{"write READ", "1 fence: stub/stub signalled"}}});
  summary.tests.push_back({"Abi.Numbers", Verdict::Passed, "", {}});
  summary.tests.push_back({"Gpu.A", Verdict::Skipped, "no vgem device", {}});
  summary.tests.push_back({"Gpu.B", Verdict::Skipped, "no vgem device", {}});
  return summary;
}

TEST(Summary, CountsEachVerdict) {
  Tally counts = tally(sample());
  EXPECT_EQ(counts.passed, 2);
  EXPECT_EQ(counts.failed, 1);
  EXPECT_EQ(counts.skipped, 2);
}

TEST(Summary, NamesLaneKernelAndCounts) {
  std::string text = format_summary(sample());
  EXPECT_NE(text.find("lane vgem, kernel 6.1.0-56-amd64"), std::string::npos) << text;
  EXPECT_NE(text.find("2 passed, 1 failed, 2 skipped (5 tests)"), std::string::npos) << text;
}

TEST(Summary, ListsWhatTheKernelReturnedForEachFenceCheck) {
  std::string text = format_summary(sample());
  EXPECT_NE(text.find("  PASS Export.Idle  [idle READ: 1 fence: stub/stub signalled; after: 0 fences]\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("  FAIL Export.Pending  [write READ: 1 fence: stub/stub signalled]\n"), std::string::npos) << text;
  EXPECT_EQ(text.find("Abi.Numbers"), std::string::npos) << "tests without fence checks stay out of that list";
}

TEST(Summary, GroupsSkipsByReasonAndShowsTheFirstFailureLine) {
  std::string text = format_summary(sample());
  EXPECT_NE(text.find("2 x no vgem device"), std::string::npos) << text;
  EXPECT_NE(text.find("FAIL Export.Pending: Expected pending\n"), std::string::npos) << text;
}

TEST(Summary, HostLaneWhenUnnamed) {
  RunSummary summary;
  summary.kernel_release = "6.18";
  EXPECT_NE(format_summary(summary).find("lane host"), std::string::npos);
}

}  // namespace
}  // namespace fc
