// Reading GoogleTest's --gtest_output=json files: every test's name, outcome,
// message and recorded properties.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "results/expectations.h"

namespace fc {

// A test's recorded properties, in the order the test recorded them.
using Properties = std::vector<std::pair<std::string, std::string>>;
// The value of key in properties, or nullptr.
[[nodiscard]] const std::string* find_property(const Properties& properties, const std::string& key);

struct GtestRun {
  // The run as a whole: fencecheck's top-level properties (kernel, machine,
  // lane, devices, command) and gtest's timestamp.
  std::map<std::string, std::string> context;
  std::vector<TestResult> results;
  // Properties recorded per test (RecordProperty), by test name.
  std::map<std::string, Properties> properties;
};

// Parses the JSON text; on malformed input returns nullopt and sets error.
[[nodiscard]] std::optional<GtestRun> parse_gtest_json(std::string_view text, std::string& error);

}  // namespace fc
