// SPDX-License-Identifier: MIT
// Every test says what it checks (harness/description.h FC_DESCRIBE): what a
// result, a bug report and fencecheck --describe show. A test without one
// fails here, on any host.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "harness/description.h"

namespace fc {
namespace {

FC_DESCRIBE(Descriptions, EveryTestSaysWhatItChecks,
            "Every test of fencecheck has a description (FC_DESCRIBE) of what a consumer relies on that it checks.");
TEST(Descriptions, EveryTestSaysWhatItChecks) {
  const ::testing::UnitTest& unit = *::testing::UnitTest::GetInstance();
  std::vector<std::string> missing;
  for (int i = 0; i < unit.total_test_suite_count(); ++i) {
    const ::testing::TestSuite& suite = *unit.GetTestSuite(i);
    for (int j = 0; j < suite.total_test_count(); ++j) {
      const ::testing::TestInfo& test = *suite.GetTestInfo(j);
      if (!description_of(test.test_suite_name(), test.name()))
        missing.push_back(std::string(test.test_suite_name()) + "." + test.name());
    }
  }
  std::string named;
  for (std::size_t i = 0; i < missing.size() && i < 10; ++i) named += "\n  " + missing[i];
  EXPECT_TRUE(missing.empty()) << missing.size() << " test(s) without FC_DESCRIBE, say what each checks:" << named;
}

}  // namespace
}  // namespace fc
