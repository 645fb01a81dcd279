// SPDX-License-Identifier: MIT
#include "results/record.h"

#include <algorithm>
#include <sstream>

#include "results/schema.h"

namespace fc {

std::string_view to_string(Outcome outcome) {
  switch (outcome) {
    case Outcome::Pass: return "Pass";
    case Outcome::Fail: return "Fail";
    case Outcome::Skip: return "Skip";
    case Outcome::Crash: return "Crash";
    case Outcome::Timeout: return "Timeout";
    case Outcome::Flake: return "Flake";
  }
  return "?";
}

std::optional<Outcome> parse_outcome(std::string_view text) {
  for (Outcome o : {Outcome::Pass, Outcome::Fail, Outcome::Skip, Outcome::Crash, Outcome::Timeout, Outcome::Flake}) {
    if (text == to_string(o)) return o;
  }
  return std::nullopt;
}

const std::string* find_property(const Properties& properties, std::string_view key) {
  for (const auto& [name, value] : properties) {
    if (name == key) return &value;
  }
  return nullptr;
}

std::vector<std::pair<std::string, std::string>> TestRecord::fences() const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& [key, value] : properties) {
    if (key.starts_with(schema::kFencePrefix)) out.emplace_back(key.substr(schema::kFencePrefix.size()), value);
  }
  return out;
}

Judgement judgement(const TestRecord& record) {
  if (record.outcome == Outcome::Skip) return Judgement::Nothing;
  const std::string* judges = find_property(record.properties, schema::kJudges);
  if (judges && *judges == schema::kJudgesNothing) return Judgement::Nothing;
  if (judges && *judges == schema::kJudgesFenceOnly) return Judgement::FenceOnly;
  return Judgement::Whole;
}

std::string pass_label(Judgement judgement) {
  switch (judgement) {
    case Judgement::Whole: return "pass";
    case Judgement::FenceOnly: return "pass (fence only)";
    case Judgement::Nothing: return "pass (records only)";
  }
  return "pass";
}

Tally tally(const std::vector<TestRecord>& records) {
  Tally counts;
  for (const TestRecord& record : records) {
    if (record.outcome == Outcome::Pass)
      ++counts.passed;
    else if (record.outcome == Outcome::Skip)
      ++counts.skipped;
    else
      ++counts.failed;
  }
  return counts;
}

bool is_location_line(const std::string& line) {
  auto colon = line.rfind(':');
  return colon != std::string::npos && colon + 1 < line.size() &&
         line.find_first_not_of("0123456789", colon + 1) == std::string::npos;
}

std::string first_line(const std::string& text) {
  // gtest's own scaffolding around an assertion's operands, not what went wrong.
  static constexpr std::string_view kScaffolding[] = {
      "Value of: ", "Actual: ", "Expected: ", "Which is: ", "Expected equality of these values:"};
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    line.erase(0, line.find_first_not_of(' '));
    if (line.empty() || is_location_line(line) || line == "Failed") continue;
    if (std::any_of(std::begin(kScaffolding), std::end(kScaffolding),
                    [&](std::string_view s) { return line.starts_with(s); })) {
      continue;
    }
    return line;
  }
  return text;
}

}  // namespace fc
