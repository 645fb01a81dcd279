// SPDX-License-Identifier: MIT
// gtest JSON written by fencecheck itself (--isolate, --resume) reads back
// as the same records.
#include "results/gtest_json.h"

#include <gtest/gtest.h>

namespace fc {
namespace {

TestRecord record(std::string name, Outcome outcome, std::string message = "") {
  TestRecord r;
  r.name = std::move(name);
  r.outcome = outcome;
  r.message = std::move(message);
  r.seconds = 0.5;
  r.started = "2026-11-25T20:00:00Z";
  r.properties = {{"fence.after_submit", "1 fence: vgem/unbound active"}};
  return r;
}

TEST(GtestJson, WrittenRecordsReadBackUnchanged) {
  std::vector<TestRecord> records = {record("A.one", Outcome::Pass),
                                     record("A.two", Outcome::Crash, "killed by signal 11"),
                                     record("B.three", Outcome::Timeout, "no result within 60 s"),
                                     record("B.four", Outcome::Skip, "no vgem"),
                                     record("B.five", Outcome::Fail, "x.cpp:1\nno"),
                                     record("B.six", Outcome::Flake, "first run: Crash; run again: Pass")};
  std::string text = gtest_json_text(records, {{"kernel.release", "6.1.0"}}, "2026-11-25T20:00:00Z");
  std::string error;
  auto run = parse_gtest_json(text, error);
  ASSERT_TRUE(run) << error;
  ASSERT_EQ(run->results.size(), records.size());
  for (std::size_t i = 0; i < records.size(); ++i) {
    EXPECT_EQ(run->results[i].name, records[i].name);
    EXPECT_EQ(run->results[i].outcome, records[i].outcome) << records[i].name;
    EXPECT_EQ(run->results[i].message, records[i].message) << records[i].name;
    EXPECT_EQ(run->results[i].properties, records[i].properties) << records[i].name;
  }
  EXPECT_EQ(run->context_of("kernel.release"), "6.1.0");
  EXPECT_EQ(run->context_of("fencecheck.cell", "host"), "host") << "an absent key reads as the fallback";
  EXPECT_EQ(tally(run->results).failed, 4) << "Crash, Timeout, Fail and Flake are failures";
}

TEST(GtestJson, ReadsOutcomesMessagesAndProperties) {
  constexpr std::string_view kJson = R"({"tests": 3, "testsuites": [
    {"name": "Gpu/GpuWrite", "testsuite": [
      {"name": "Pending/gl", "status": "RUN", "result": "COMPLETED", "fence.after_submit": "1 fence: stub/stub signalled",
       "failures": [{"failure": "not pending\nmore", "type": ""}]},
      {"name": "Pending/vulkan", "status": "RUN", "result": "SKIPPED", "skipped": [{"message": "no dma-buf import"}]},
      {"name": "Pending/vgem_cpu", "status": "RUN", "result": "COMPLETED", "time": "0.1s"},
      {"name": "Disabled", "status": "NOTRUN", "result": "SUPPRESSED"}]}]})";
  std::string error;
  auto run = parse_gtest_json(kJson, error);
  ASSERT_TRUE(run) << error;
  ASSERT_EQ(run->results.size(), 3u);
  EXPECT_EQ(run->results[0].name, "Gpu/GpuWrite.Pending/gl");
  EXPECT_EQ(run->results[0].outcome, Outcome::Fail);
  EXPECT_EQ(run->results[0].message, "not pending\nmore");
  EXPECT_EQ(run->results[1].outcome, Outcome::Skip);
  EXPECT_EQ(run->results[1].message, "no dma-buf import");
  EXPECT_EQ(run->results[2].outcome, Outcome::Pass);
  const std::string* fence = find_property(run->results[0].properties, "fence.after_submit");
  ASSERT_NE(fence, nullptr);
  EXPECT_EQ(*fence, "1 fence: stub/stub signalled");
  EXPECT_EQ(find_property(run->results[2].properties, "time"), nullptr) << "gtest's own keys are not properties";
  EXPECT_EQ(run->results[0].seconds, 0.0);
}

TEST(GtestJson, MalformedInputIsAnErrorNotACrash) {
  std::string error;
  EXPECT_FALSE(parse_gtest_json("{not json", error));
  EXPECT_NE(error.find("not JSON"), std::string::npos);
  EXPECT_FALSE(parse_gtest_json(R"({"tests": 1})", error));
  EXPECT_NE(error.find("testsuites"), std::string::npos);
  EXPECT_FALSE(parse_gtest_json(R"({"testsuites": [{"name": 3, "testsuite": []}]})", error));
}

}  // namespace
}  // namespace fc
