// SPDX-License-Identifier: MIT
// The run summary counts verdicts, lists fence observations, and groups skips by reason.
#include "runner/summary.h"

#include <gtest/gtest.h>

namespace fc {
namespace {

TestRecord record(std::string name, Outcome outcome, std::string message, Properties properties) {
  TestRecord r;
  r.name = std::move(name);
  r.outcome = outcome;
  r.message = std::move(message);
  r.properties = std::move(properties);
  return r;
}

RunSummary sample() {
  RunSummary summary;
  summary.cell = "vgem@linux-6.1@mesa-22.3";
  summary.kernel_release = "6.1.0-56-amd64";
  summary.tests.push_back(record(
      "Export.Idle", Outcome::Pass, "",
      {{"fence.idle_READ", "1 fence: stub/stub signalled"}, {"fence.after", "0 fences"}, {"buffer.format", "AR24"}}));
  summary.tests.push_back(record("Export.Pending", Outcome::Fail, "export_test.cpp:12\nExpected pending\nmore",
                                 {{"fence.write READ", "1 fence: stub/stub signalled"}}));
  summary.tests.push_back(record("Abi.Numbers", Outcome::Pass, "", {}));
  summary.tests.push_back(record("Gpu.A", Outcome::Skip, "fixture.cpp:3\nno vgem device", {}));
  summary.tests.push_back(record("Gpu.B", Outcome::Skip, "no vgem device", {}));
  summary.tests.push_back(record("Gpu.C", Outcome::Crash, "killed by signal 11", {}));
  return summary;
}

TEST(Summary, CountsEachVerdict) {
  Tally counts = tally(sample().tests);
  EXPECT_EQ(counts.passed, 2);
  EXPECT_EQ(counts.failed, 2) << "a crash is a failure";
  EXPECT_EQ(counts.skipped, 2);
}

TEST(Summary, NamesCellKernelAndCounts) {
  std::string text = format_summary(sample());
  EXPECT_NE(text.find("cell vgem@linux-6.1@mesa-22.3, kernel 6.1.0-56-amd64"), std::string::npos) << text;
  EXPECT_NE(text.find("2 passed, 2 failed, 2 skipped (6 tests)"), std::string::npos) << text;
}

TEST(Summary, ListsWhatTheKernelReturnedForEachFenceCheck) {
  std::string text = format_summary(sample());
  EXPECT_NE(text.find("  PASS Export.Idle  [idle READ: 1 fence: stub/stub signalled; after: 0 fences]\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("  FAIL Export.Pending  [write READ: 1 fence: stub/stub signalled]\n"), std::string::npos)
      << text;
  EXPECT_EQ(text.find("Abi.Numbers"), std::string::npos) << "tests without fence checks stay out of that list";
}

TEST(Summary, GroupsSkipsByReasonAndShowsTheFirstFailureLine) {
  std::string text = format_summary(sample());
  EXPECT_NE(text.find("2 x no vgem device"), std::string::npos) << text;
  EXPECT_NE(text.find("FAIL Export.Pending: Expected pending\n"), std::string::npos) << text;
  EXPECT_NE(text.find("CRASH Gpu.C: killed by signal 11\n"), std::string::npos) << text;
}

TEST(Summary, HostCellWhenUnnamed) {
  RunSummary summary;
  summary.kernel_release = "6.18";
  EXPECT_NE(format_summary(summary).find("cell host"), std::string::npos);
}

}  // namespace
}  // namespace fc
