// Expectations in the drm-ci / deqp-runner style, applied to gtest results.
//
//   <lane>-fails.txt   "Test.name,Fail" per line: known failures (also Crash, Timeout)
//   <lane>-flakes.txt  one regex per line: may pass, fail, or be a Flake (died once, passed run again)
//   <lane>-skips.txt   one regex per line: expected to skip here (with the reason in a comment)
// '#' starts a comment; blank lines are ignored. A regex must match the whole name.
//
// Applying them: every result must match. A failure not listed is a new
// failure; a listed failure that passes is an unexpected pass; a skip not
// listed is an unexpected skip (lanes know their hardware); a fails entry
// for a test that did not run, and a flakes or skips pattern that matches no
// test, are stale expectations; a listed skip that ran and passed is a
// skip that passed (the line must go); a flakes entry absorbs a Fail or a
// Flake, never a Crash or Timeout; a run in which every test skipped judged nothing. Given the tests the
// run had to produce (its --gtest_list_tests), one without a result is
// missing and a result for a test not listed is unlisted; a run with no
// result at all is never "as expected". Any of those fails the run.
#pragma once

#include <map>
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "results/record.h"

namespace fc {

struct Pattern {
  std::string source;
  std::regex regex;
};

struct Expectations {
  std::map<std::string, Outcome> fails;
  std::vector<Pattern> flakes;
  std::vector<Pattern> skips;
  // <stem>-kernel-complaints.txt: kernel log lines known for these cells (a
  // regex found anywhere in the line), each with the upstream cause in a comment.
  std::vector<Pattern> kernel_complaints;
};

// Parse errors name the file and line: "llvmpipe-fails.txt:3: expected 'Test.name,Fail'".
struct ParseError {
  std::string message;
};

[[nodiscard]] std::optional<ParseError> parse_fails(std::string_view text, std::string_view file,
                                                     std::map<std::string, Outcome>& out);
[[nodiscard]] std::optional<ParseError> parse_patterns(std::string_view text, std::string_view file,
                                                        std::vector<Pattern>& out);

// The expectation-file stems that apply to a cell, general first: for
// "virgl@linux-6.12@mesa-25.0": virgl, virgl@linux-6.12, virgl@mesa-25.0,
// virgl@linux-6.12@mesa-25.0. Each stem's -fails/-flakes/-skips files add to
// the ones before (a later fails line for the same test overrides).
[[nodiscard]] std::vector<std::string> expectation_stems(const std::string& cell);

struct Comparison {
  enum class Kind {
    Expected,
    Flake,
    NewFailure,
    UnexpectedPass,
    UnexpectedSkip,
    SkipPassed,
    StaleExpectation,
    Missing,
    Unlisted,
    NoResults,
    NothingJudged,
  };
  struct Entry {
    Kind kind;
    std::string name;
    Outcome actual;
    Outcome expected;
    std::string message;
  };
  std::vector<Entry> entries;  // one per result, plus stale expectations

  [[nodiscard]] bool ok() const;
  [[nodiscard]] int count(Kind kind) const;
};
[[nodiscard]] std::string_view to_string(Comparison::Kind kind);
// Is an entry of this kind a test whose outcome differed from the expected one
// (shown as "actual (expected X)")? The others (stale, missing, unlisted, no
// results, nothing judged) are shown by their message.
[[nodiscard]] bool is_about_an_outcome(Comparison::Kind kind);

// expected_tests: the test IDs the run had to produce a result for, where known.
[[nodiscard]] Comparison compare(const std::vector<TestRecord>& results, const Expectations& expectations,
                                 const std::optional<std::vector<std::string>>& expected_tests = std::nullopt);

// What a cell's exit statuses say against its results: empty if they agree.
// statuses: every fencecheck run of the cell in order, the first and each
// --resume after a run that ended otherwise than 0/1. The last must be 0
// with no failure and 1 with one; each earlier one must be a run that ended
// while a test ran, which the results record on that test
// (schema::kRunsEnded). An exit no result accounts for (LeakSanitizer's 23
// after a complete run, a crash between tests) is a problem.
[[nodiscard]] std::vector<std::string> exit_status_problems(const std::vector<int>& statuses,
                                                            const std::vector<TestRecord>& results);

// The lines of a kernel log (a cell's dmesg) that must fail the cell: a WARN,
// BUG, oops, general protection fault, lockdep report, KASAN/UBSAN/KFENCE
// report or refcount warning.
[[nodiscard]] std::vector<std::string> kernel_complaints(std::string_view log);
// The complaints in a cell's kernel log against the ones its expectations know:
// unknown ones fail the cell; a known pattern no line matched is stale.
struct KernelLogCheck {
  std::vector<std::string> unknown;  // complaint lines no pattern matches
  std::vector<std::string> known;    // complaint lines a pattern matches
  std::vector<std::string> stale;    // patterns that matched no complaint
  [[nodiscard]] bool ok() const { return unknown.empty() && stale.empty(); }
};
[[nodiscard]] KernelLogCheck check_kernel_log(std::string_view log, const std::vector<Pattern>& known);

// The test IDs in gtest's --gtest_list_tests output ("Suite.\n  Test  # GetParam() = ...").
[[nodiscard]] std::vector<std::string> parse_test_list(std::string_view text);

}  // namespace fc
