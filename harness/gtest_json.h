// Reading GoogleTest's --gtest_output=json files: every test's name, outcome,
// message and recorded properties.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/expectations.h"

namespace fc {

struct GtestRun {
  std::vector<TestResult> results;
  // Properties recorded per test (RecordProperty), by test name.
  std::map<std::string, std::map<std::string, std::string>> properties;
};

// Parses the JSON text; on malformed input returns nullopt and sets error.
[[nodiscard]] std::optional<GtestRun> parse_gtest_json(std::string_view text, std::string& error);

}  // namespace fc
