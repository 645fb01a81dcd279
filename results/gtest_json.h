// SPDX-License-Identifier: MIT
// GoogleTest's --gtest_output=json files, read and written: every test's
// record (name, outcome, message, properties) and the run's context.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "results/record.h"

namespace fc {

// A run's context: key -> value (results/schema.h names the keys).
using Context = std::map<std::string, std::string>;
// The context value for key, or fallback where it is absent or empty.
[[nodiscard]] std::string context_value(const Context& context, std::string_view key,
                                        const std::string& fallback = "?");

struct GtestRun {
  // The run as a whole: the context keys of results/schema.h and gtest's timestamp.
  Context context;
  std::vector<TestRecord> results;

  // The context value for key, or fallback where it is absent or empty.
  [[nodiscard]] std::string context_of(std::string_view key, const std::string& fallback = "?") const {
    return context_value(context, key, fallback);
  }
  // The record of the test called name, or nullptr.
  [[nodiscard]] const TestRecord* find(const std::string& name) const;
};

// Parses the JSON text; on malformed input returns nullopt and sets error.
[[nodiscard]] std::optional<GtestRun> parse_gtest_json(std::string_view text, std::string& error);

// A gtest-style JSON result (what --gtest_output=json writes, with "result":
// "CRASH" or "TIMEOUT" where a test never reported) from records and the
// run's context: what fencecheck writes where gtest does not (--isolate,
// --resume). timestamp: when the run started.
[[nodiscard]] std::string gtest_json_text(const std::vector<TestRecord>& records, const Properties& context,
                                          const std::string& timestamp);

}  // namespace fc
