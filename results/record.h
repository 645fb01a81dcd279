// SPDX-License-Identifier: MIT
// One test's result, as every part of fencecheck sees it: the runner's
// listeners build it from gtest's result, the journal stores it, the summary
// prints it, and every report reads it back from a result file.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace fc {

// Flake: the run ended while the test ran (a crash, a kill, a reset), and run
// again (fencecheck --resume) it passed. Both outcomes are in its message;
// it is a failure unless the cell's flakes list it.
enum class Outcome { Pass, Fail, Skip, Crash, Timeout, Flake };
[[nodiscard]] std::string_view to_string(Outcome outcome);
[[nodiscard]] std::optional<Outcome> parse_outcome(std::string_view text);
// Pass and Skip are not failures; Fail, Crash, Timeout and Flake are.
[[nodiscard]] constexpr bool is_failure(Outcome outcome) {
  return outcome != Outcome::Pass && outcome != Outcome::Skip;
}

// Key/value pairs (results/schema.h names the keys), in the order recorded.
using Properties = std::vector<std::pair<std::string, std::string>>;
// The value of key in properties, or nullptr.
[[nodiscard]] const std::string* find_property(const Properties& properties, std::string_view key);

struct TestRecord {
  std::string name;  // "Suite.Test/param", as --gtest_list_tests composes it
  Outcome outcome = Outcome::Pass;
  std::string message;  // every failure or skip message, each after its "file:line"
  double seconds = 0;   // how long it ran
  std::string started;  // ISO 8601 UTC, where known
  Properties properties;

  // What the kernel returned for each export: (label, FILE_INFO description),
  // from the schema::kFencePrefix properties.
  [[nodiscard]] std::vector<std::pair<std::string, std::string>> fences() const;
};

// What a result judged (schema::kJudges): all it names; the fence only (its
// content check could not fail here); or nothing (a skip, or a record-only
// test, which records what it saw and asserts nothing).
enum class Judgement { Whole, FenceOnly, Nothing };
[[nodiscard]] Judgement judgement(const TestRecord& record);
[[nodiscard]] inline bool judged(const TestRecord& record) { return judgement(record) != Judgement::Nothing; }
// A pass as reports show it: "pass", "pass (fence only)", "pass (records only)".
[[nodiscard]] std::string pass_label(Judgement judgement);

// Counts per outcome; `failed` counts every failure (is_failure: Fail, Crash,
// Timeout and Flake).
struct Tally {
  int passed = 0, failed = 0, skipped = 0;
  [[nodiscard]] int total() const { return passed + failed + skipped; }
};
[[nodiscard]] Tally tally(const std::vector<TestRecord>& records);

// The first line of a message that says something: gtest starts each part
// with its "file:line", ADD_FAILURE() with a bare "Failed", and a failed
// assertion with its operands ("Value of:", "Actual:", "Expected:"); the
// line after them is the test's own words.
[[nodiscard]] std::string first_line(const std::string& message);
// Is line gtest's "file:line" location line?
[[nodiscard]] bool is_location_line(const std::string& line);

}  // namespace fc
