// SPDX-License-Identifier: MIT
#include "results/expectations.h"

#include <algorithm>
#include <cstdlib>
#include <map>
#include <set>

#include "results/schema.h"

namespace fc {
namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t' || text.front() == '\r')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) text.remove_suffix(1);
  return text;
}

// Calls line(number, content) for each line with its comment and blanks removed.
template <class Fn>
std::optional<ParseError> for_each_line(std::string_view text, Fn&& line) {
  int number = 0;
  while (!text.empty()) {
    std::size_t end = text.find('\n');
    std::string_view raw = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    ++number;
    if (std::size_t hash = raw.find('#'); hash != std::string_view::npos) raw = raw.substr(0, hash);
    raw = trim(raw);
    if (raw.empty()) continue;
    if (auto error = line(number, raw)) return error;
  }
  return std::nullopt;
}

bool matches(const std::vector<Pattern>& patterns, const std::string& name) {
  return std::any_of(patterns.begin(), patterns.end(),
                     [&](const Pattern& p) { return std::regex_match(name, p.regex); });
}

// Does an entry matching name explain the result's message? (One without a
// reason explains any.) The reasons of the entries that match, for a report.
bool explained(const std::vector<Pattern>& patterns, const std::string& name, const std::string& message,
               std::string& wanted) {
  bool any = false;
  for (const Pattern& pattern : patterns) {
    if (!std::regex_match(name, pattern.regex)) continue;
    if (!pattern.reason || pattern.reason->explains(message)) return true;
    wanted += (any ? "' or '" : "") + pattern.reason->source;
    any = true;
  }
  return !any;
}

}  // namespace

bool Reason::explains(const std::string& message) const { return std::regex_search(first_line(message), regex); }

namespace {

// "REGEX" from the text after a line's first comma, or a parse error naming the line.
std::optional<ParseError> parse_reason(std::string_view text, const std::string& where, std::optional<Reason>& out) {
  text = trim(text);
  if (text.empty()) return ParseError{where + "an empty reason after the comma"};
  try {
    out = Reason{std::string(text), std::regex(std::string(text), std::regex::ECMAScript)};
  } catch (const std::regex_error& error) {
    return ParseError{where + "bad reason regex '" + std::string(text) + "': " + error.what()};
  }
  return std::nullopt;
}

}  // namespace

std::optional<ParseError> parse_fails(std::string_view text, std::string_view file, std::map<std::string, Outcome>& out,
                                      std::map<std::string, Reason>* reasons) {
  return for_each_line(text, [&](int number, std::string_view line) -> std::optional<ParseError> {
    std::size_t comma = line.find(',');
    auto where = std::string(file) + ":" + std::to_string(number) + ": ";
    if (comma == std::string_view::npos)
      return ParseError{where + "expected 'Test.name,Fail', got '" + std::string(line) + "'"};
    std::string name(trim(line.substr(0, comma)));
    std::string_view rest = line.substr(comma + 1);
    std::optional<Reason> reason;
    if (std::size_t second = rest.find(','); second != std::string_view::npos) {
      if (auto error = parse_reason(rest.substr(second + 1), where, reason)) return error;
      rest = rest.substr(0, second);
    }
    auto outcome = parse_outcome(trim(rest));
    if (name.empty() || !outcome || *outcome == Outcome::Pass || *outcome == Outcome::Skip) {
      return ParseError{where + "expected 'Test.name,Fail|Crash|Timeout', got '" + std::string(line) + "'"};
    }
    if (!out.emplace(name, *outcome).second) return ParseError{where + "'" + name + "' is listed twice"};
    if (reasons && reason) (*reasons)[name] = std::move(*reason);
    return std::nullopt;
  });
}

std::optional<ParseError> parse_patterns(std::string_view text, std::string_view file, std::vector<Pattern>& out,
                                         bool with_reasons) {
  return for_each_line(text, [&](int number, std::string_view line) -> std::optional<ParseError> {
    std::optional<Reason> reason;
    if (std::size_t comma = line.find(','); with_reasons && comma != std::string_view::npos) {
      if (auto error =
              parse_reason(line.substr(comma + 1), std::string(file) + ":" + std::to_string(number) + ": ", reason)) {
        return error;
      }
      line = trim(line.substr(0, comma));
    }
    try {
      out.push_back(
          Pattern{std::string(line), std::regex(std::string(line), std::regex::ECMAScript), std::move(reason)});
    } catch (const std::regex_error& error) {
      return ParseError{std::string(file) + ":" + std::to_string(number) + ": bad regex '" + std::string(line) +
                        "': " + error.what()};
    }
    return std::nullopt;
  });
}

std::string first_statement(std::string_view text) {
  std::string first;
  (void)for_each_line(text, [&](int, std::string_view line) -> std::optional<ParseError> {
    if (first.empty()) first = std::string(line);
    return std::nullopt;
  });
  return first;
}

std::vector<std::string> expectation_stems(const std::string& cell) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (std::size_t at; (at = cell.find('@', start)) != std::string::npos; start = at + 1) {
    parts.push_back(cell.substr(start, at - start));
  }
  parts.push_back(cell.substr(start));
  const std::size_t tags = parts.size() - 1;
  std::vector<std::pair<std::size_t, std::string>> stems;  // (how many tags, stem)
  for (std::size_t mask = 0; mask < (std::size_t{1} << tags); ++mask) {
    std::string stem = parts[0];
    std::size_t count = 0;
    for (std::size_t i = 0; i < tags; ++i) {
      if (mask & (std::size_t{1} << i)) {
        stem += "@" + parts[i + 1];
        ++count;
      }
    }
    stems.emplace_back(count, stem);
  }
  std::stable_sort(stems.begin(), stems.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<std::string> out;
  for (auto& [count, stem] : stems) out.push_back(std::move(stem));
  return out;
}

std::vector<std::string> parse_test_list(std::string_view text) {
  std::vector<std::string> names;
  std::string suite;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    start = end + 1;
    if (line.empty()) continue;
    if (line.front() != ' ') {
      suite = std::string(line.substr(0, line.find(' ')));  // "Suite." (and "  # TypeParam" after it)
      continue;
    }
    line.remove_prefix(line.find_first_not_of(' '));
    names.push_back(suite + std::string(line.substr(0, line.find(' '))));
  }
  return names;
}

std::string_view to_string(Comparison::Kind kind) {
  switch (kind) {
    case Comparison::Kind::Expected: return "expected";
    case Comparison::Kind::Flake: return "flake";
    case Comparison::Kind::NewFailure: return "NEW FAILURE";
    case Comparison::Kind::UnexpectedPass: return "UNEXPECTED PASS";
    case Comparison::Kind::UnexpectedSkip: return "UNEXPECTED SKIP";
    case Comparison::Kind::StaleExpectation: return "STALE EXPECTATION";
    case Comparison::Kind::Missing: return "MISSING";
    case Comparison::Kind::Unlisted: return "UNLISTED";
    case Comparison::Kind::NoResults: return "NO RESULTS";
    case Comparison::Kind::SkipPassed: return "LISTED SKIP PASSED";
    case Comparison::Kind::NothingJudged: return "NOTHING JUDGED";
    case Comparison::Kind::KnownNotJudged: return "not judged";
    case Comparison::Kind::ChangedReason: return "CHANGED REASON";
  }
  return "?";
}

bool is_about_an_outcome(Comparison::Kind kind) {
  switch (kind) {
    case Comparison::Kind::Flake:
    case Comparison::Kind::NewFailure:
    case Comparison::Kind::UnexpectedPass:
    case Comparison::Kind::UnexpectedSkip:
    case Comparison::Kind::SkipPassed:
    case Comparison::Kind::ChangedReason: return true;
    default: return false;
  }
}

bool Comparison::ok() const {
  return std::all_of(entries.begin(), entries.end(), [](const Entry& e) {
    return e.kind == Kind::Expected || e.kind == Kind::Flake || e.kind == Kind::KnownNotJudged;
  });
}

int Comparison::count(Kind kind) const {
  return static_cast<int>(
      std::count_if(entries.begin(), entries.end(), [&](const Entry& e) { return e.kind == kind; }));
}

std::vector<std::string> grouped_skip_reasons(const std::vector<const TestRecord*>& skipped) {
  std::map<std::string, int> counts;
  for (const TestRecord* record : skipped) {
    std::string reason = first_line(record->message);
    ++counts[reason.empty() ? "(no reason given)" : reason];
  }
  std::vector<std::pair<int, std::string>> order;
  for (auto& [reason, count] : counts) order.emplace_back(count, reason);
  std::stable_sort(order.begin(), order.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  std::vector<std::string> lines;
  for (auto& [count, reason] : order) lines.push_back(std::to_string(count) + "x " + reason);
  return lines;
}

Comparison compare(const std::vector<TestRecord>& results, const Expectations& expectations,
                   const std::optional<std::vector<std::string>>& expected_tests, bool unknown_cell) {
  Comparison comparison;
  if (results.empty()) {
    comparison.entries.push_back(
        {Comparison::Kind::NoResults, "", Outcome::Skip, Outcome::Pass, "the result file holds no result at all"});
  }
  auto has_result = [&](const std::string& name) {
    return std::any_of(results.begin(), results.end(), [&](const TestRecord& r) { return r.name == name; });
  };
  if (expected_tests) {
    const std::set<std::string> listed(expected_tests->begin(), expected_tests->end());
    for (const std::string& name : *expected_tests) {
      if (!has_result(name)) {
        comparison.entries.push_back({Comparison::Kind::Missing, name, Outcome::Skip, Outcome::Pass,
                                      "listed for this run, but it has no result (the run died or skipped it)"});
      }
    }
    for (const TestRecord& result : results) {
      if (!listed.contains(result.name)) {
        comparison.entries.push_back({Comparison::Kind::Unlisted, result.name, result.outcome, Outcome::Skip,
                                      "has a result but is not in the run's test list"});
      }
    }
  }
  for (const TestRecord& result : results) {
    auto listed = expectations.fails.find(result.name);
    Outcome expected = listed != expectations.fails.end()         ? listed->second
                       : matches(expectations.skips, result.name) ? Outcome::Skip
                                                                  : Outcome::Pass;
    Comparison::Kind kind;
    std::string wanted;  // the reason a listed entry gives, where the result's is another
    auto reason_holds = [&] {
      if (listed != expectations.fails.end()) {
        auto reason = expectations.fail_reasons.find(result.name);
        if (reason == expectations.fail_reasons.end() || reason->second.explains(result.message)) return true;
        wanted = reason->second.source;
        return false;
      }
      return result.outcome != Outcome::Skip || explained(expectations.skips, result.name, result.message, wanted);
    };
    if (result.outcome == expected && !unknown_cell && expected != Outcome::Pass && !reason_holds()) {
      kind = Comparison::Kind::ChangedReason;
    } else if (result.outcome == expected || (unknown_cell && result.outcome == Outcome::Skip)) {
      kind = Comparison::Kind::Expected;
    } else if (expected == Outcome::Skip && result.outcome == Outcome::Pass) {
      kind = Comparison::Kind::SkipPassed;  // it runs here now: its skips line is stale
    } else if ((result.outcome == Outcome::Fail || result.outcome == Outcome::Flake ||
                result.outcome == Outcome::Pass) &&
               matches(expectations.flakes, result.name)) {
      // A flake may fail, pass, or die once and pass run again; a crash or a
      // timeout that stayed one is never absorbed, nor a failure for another reason.
      kind = result.outcome == Outcome::Pass || explained(expectations.flakes, result.name, result.message, wanted)
                 ? Comparison::Kind::Flake
                 : Comparison::Kind::ChangedReason;
    } else if (result.outcome == Outcome::Skip) {
      kind = Comparison::Kind::UnexpectedSkip;
    } else if (result.outcome == Outcome::Pass) {
      kind = Comparison::Kind::UnexpectedPass;
    } else {
      kind = Comparison::Kind::NewFailure;
    }
    comparison.entries.push_back(
        {kind, result.name, result.outcome, expected,
         kind == Comparison::Kind::ChangedReason
             ? first_line(result.message) + "\n                    (listed for: '" + wanted + "')"
             : result.message});
  }
  // Judged: a pass or a failure of a test that asserts (a record-only pass judges nothing).
  auto nothing_judged = [&](std::string_view prefix, const std::string& what) {
    std::vector<const TestRecord*> in_scope, skipped;
    for (const TestRecord& r : results) {
      if (!r.name.starts_with(prefix)) continue;
      in_scope.push_back(&r);
      if (r.outcome == Outcome::Skip) skipped.push_back(&r);
    }
    if (in_scope.empty() ||
        std::any_of(in_scope.begin(), in_scope.end(), [](const TestRecord* r) { return judged(*r); })) {
      return;
    }
    std::string message = what + ": " + std::to_string(skipped.size()) + " skipped, " +
                          std::to_string(in_scope.size() - skipped.size()) + " record-only";
    for (const std::string& line : grouped_skip_reasons(skipped)) message += "\n      " + line;
    comparison.entries.push_back({Comparison::Kind::NothingJudged, "", Outcome::Skip, Outcome::Pass, message});
  };
  const std::size_t before = comparison.entries.size();
  nothing_judged("", "no test passed or failed: the run judged nothing");
  if (unknown_cell && comparison.entries.size() == before) {
    nothing_judged("Gpu/", "no GPU test (Gpu/*) passed or failed: the device's fencing was not judged");
  }
  if (expectations.not_judged) {
    if (comparison.entries.size() == before) {
      comparison.entries.push_back(
          {Comparison::Kind::StaleExpectation, "-not-judged.txt", Outcome::Skip, Outcome::Skip,
           "says this cell judges nothing (" + *expectations.not_judged + "), but a test of it passed or failed"});
    } else if (!results.empty()) {
      comparison.entries.back().kind = Comparison::Kind::KnownNotJudged;
      comparison.entries.back().message =
          "known to judge nothing: " + *expectations.not_judged + "\n      " + comparison.entries.back().message;
    }
  }
  // A pattern that matches no test (a result, or one the run had to produce) is stale.
  auto matches_any = [&](const Pattern& pattern) {
    auto hit = [&](const std::string& name) { return std::regex_match(name, pattern.regex); };
    return std::any_of(results.begin(), results.end(), [&](const TestRecord& r) { return hit(r.name); }) ||
           (expected_tests && std::any_of(expected_tests->begin(), expected_tests->end(), hit));
  };
  for (const auto* patterns : {&expectations.flakes, &expectations.skips}) {
    for (const Pattern& pattern : *patterns) {
      if (!matches_any(pattern)) {
        comparison.entries.push_back({Comparison::Kind::StaleExpectation, pattern.source, Outcome::Skip, Outcome::Skip,
                                      "a pattern that matches no test of this run"});
      }
    }
  }
  for (const auto& [name, outcome] : expectations.fails) {
    if (!has_result(name))
      comparison.entries.push_back({Comparison::Kind::StaleExpectation, name, Outcome::Skip, outcome,
                                    "listed as " + std::string(to_string(outcome)) + ", but not in the results"});
  }
  return comparison;
}

std::vector<std::string> exit_status_problems(const std::vector<int>& statuses,
                                              const std::vector<TestRecord>& results) {
  std::vector<std::string> problems;
  if (statuses.empty()) return problems;
  const bool failed = tally(results).failed > 0;
  if (statuses.back() != (failed ? 1 : 0)) {
    problems.push_back("fencecheck exited with status " + std::to_string(statuses.back()) +
                       " although its results say " + (failed ? "a test failed (1)" : "nothing failed (0)"));
  }
  int accounted = 0;
  for (const TestRecord& result : results) {
    if (const std::string* ended = find_property(result.properties, schema::kRunsEnded))
      accounted += std::atoi(ended->c_str());
  }
  const int ended = static_cast<int>(statuses.size()) - 1;
  if (ended != accounted) {
    std::string earlier;
    for (int i = 0; i < ended; ++i) earlier += (i ? ", " : "") + std::to_string(statuses[i]);
    problems.push_back(std::to_string(ended) + " run(s) ended before the last (exit status " + earlier + "), but the " +
                       "results show " + std::to_string(accounted) + " ended while a test was running: an exit no " +
                       "test's result accounts for (a sanitizer's report after the results, a crash between tests)");
  }
  return problems;
}

std::optional<std::string> mesa_problem(const std::string& cell, const std::string& mesa_loaded,
                                        const std::string& mesa_package) {
  static const std::regex x_y("[0-9]+\\.[0-9]+");
  const std::size_t tag = cell.find("@mesa-");
  if (tag == std::string::npos || mesa_package.empty()) return std::nullopt;
  const std::string named = cell.substr(tag + 6, cell.find('@', tag + 1) - tag - 6);
  if (!std::regex_match(named, x_y)) return std::nullopt;
  std::smatch loaded;
  if (std::regex_search(mesa_loaded, loaded, x_y, std::regex_constants::match_continuous) && loaded.str() == named) {
    return std::nullopt;
  }
  return "the cell is named after Mesa " + named + ", but its producers loaded Mesa " +
         (mesa_loaded.empty() ? "(none recorded)" : mesa_loaded) + " (meant: " + mesa_package +
         "): its results are not that Mesa's";
}

std::vector<std::string> kernel_complaints(std::string_view log) {
  static const std::regex complaint(
      "WARNING:|BUG:|Oops|general protection fault|possible circular locking|possible recursive locking|"
      "inconsistent lock state|KASAN:|UBSAN:|KFENCE:|refcount_t:|kernel BUG");
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < log.size()) {
    std::size_t end = log.find('\n', start);
    if (end == std::string_view::npos) end = log.size();
    std::string line(log.substr(start, end - start));
    if (std::regex_search(line, complaint)) lines.push_back(std::move(line));
    start = end + 1;
  }
  return lines;
}

KernelLogCheck check_kernel_log(std::string_view log, const std::vector<Pattern>& known) {
  KernelLogCheck check;
  std::vector<bool> used(known.size(), false);
  for (std::string& line : kernel_complaints(log)) {
    bool matched = false;
    for (std::size_t i = 0; i < known.size(); ++i) {
      if (std::regex_search(line, known[i].regex)) used[i] = matched = true;
    }
    (matched ? check.known : check.unknown).push_back(std::move(line));
  }
  for (std::size_t i = 0; i < known.size(); ++i) {
    if (!used[i]) check.stale.push_back(known[i].source);
  }
  return check;
}

}  // namespace fc
