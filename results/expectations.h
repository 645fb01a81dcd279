// SPDX-License-Identifier: MIT
// Expectations in the drm-ci / deqp-runner style, applied to gtest results.
//
//   <lane>-fails.txt   "Test.name,Fail[,REASON]" per line: known failures (also Crash, Timeout)
//   <lane>-flakes.txt  "REGEX[,REASON]" per line: may pass, fail, or be a Flake (died once, passed run again)
//   <lane>-skips.txt   "REGEX[,REASON]" per line: expected to skip here (the why in a comment)
// REASON, a regex searched for in the result's first message line, is why
// the listed result is expected: the same outcome for another reason is a
// CHANGED REASON (an EGL error is not the missing fence a Fail line knows).
//   <lane>-not-judged.txt  one line, why the lane judges nothing yet (no test of it passes
//                      or fails, or only record-only ones pass): its NOTHING JUDGED is known
// '#' starts a comment; blank lines are ignored. A regex must match the whole name.
//
// Applying them: every result must match. A failure not listed is a new
// failure; a listed failure that passes is an unexpected pass; a skip not
// listed is an unexpected skip (lanes know their hardware); a fails entry
// for a test that did not run, and a flakes or skips pattern that matches no
// test, are stale expectations; a listed skip that ran and passed is a
// skip that passed (the line must go); a flakes entry absorbs a Fail or a
// Flake, never a Crash or Timeout; a run in which no test judged (every one
// skipped, or only record-only tests passed) judged nothing. Given the tests the
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

// Why a listed result is expected: a regex searched for in the result's
// first message line (fc::first_line).
struct Reason {
  std::string source;
  std::regex regex;
  [[nodiscard]] bool explains(const std::string& message) const;
};

struct Pattern {
  std::string source;
  std::regex regex;
  std::optional<Reason> reason;  // skips and flakes: "PATTERN,REASON"
};

struct Expectations {
  std::map<std::string, Outcome> fails;
  std::map<std::string, Reason> fail_reasons;  // "Test.name,Fail,REASON"
  std::vector<Pattern> flakes;
  std::vector<Pattern> skips;
  // <stem>-kernel-complaints.txt: kernel log lines known for these cells (a
  // regex found anywhere in the line), each with the upstream cause in a comment.
  std::vector<Pattern> kernel_complaints;
  // <stem>-not-judged.txt: why these cells are known to judge nothing (its
  // first line): their NOTHING JUDGED is expected, and a run of them that
  // judged something makes the file stale.
  std::optional<std::string> not_judged;
};

// Parse errors name the file and line: "llvmpipe-fails.txt:3: expected 'Test.name,Fail'".
struct ParseError {
  std::string message;
};

// fails lines: "Test.name,Outcome[,REASON]"; reasons, where given, go to *reasons.
[[nodiscard]] std::optional<ParseError> parse_fails(std::string_view text, std::string_view file,
                                                    std::map<std::string, Outcome>& out,
                                                    std::map<std::string, Reason>* reasons = nullptr);
// One regex per line; with_reasons: "PATTERN[,REASON]" (the pattern itself
// then holds no comma), as the skips and flakes files are written.
[[nodiscard]] std::optional<ParseError> parse_patterns(std::string_view text, std::string_view file,
                                                       std::vector<Pattern>& out, bool with_reasons = false);

// The first line of text that is not a comment or blank, trimmed ("" if none).
[[nodiscard]] std::string first_statement(std::string_view text);

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
    KnownNotJudged,  // NOTHING JUDGED, as the cell's -not-judged.txt says
    ChangedReason,   // a listed failure or skip, for another reason than its entry gives
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
// unknown_cell: no expectation file names the cell (a driver met for the
// first time): a skip is tolerated, since nothing says what this hardware
// lacks, but the cell must still judge: NO RESULTS, MISSING, UNLISTED and
// NOTHING JUDGED stay, and where it ran GPU tests (Gpu/*) at least one of
// them must have passed or failed, else NOTHING JUDGED with the skips'
// reasons grouped.
[[nodiscard]] Comparison compare(const std::vector<TestRecord>& results, const Expectations& expectations,
                                 const std::optional<std::vector<std::string>>& expected_tests = std::nullopt,
                                 bool unknown_cell = false);
// The skips' first lines, counted, most frequent first: "40x unsupported: ...".
[[nodiscard]] std::vector<std::string> grouped_skip_reasons(const std::vector<const TestRecord*>& skipped);

// What a cell's exit statuses say against its results: empty if they agree.
// statuses: every fencecheck run of the cell in order, the first and each
// --resume after a run that ended otherwise than 0/1. The last must be 0
// with no failure and 1 with one; each earlier one must be a run that ended
// while a test ran, which the results record on that test
// (schema::kRunsEnded). An exit no result accounts for (LeakSanitizer's 23
// after a complete run, a crash between tests) is a problem.
[[nodiscard]] std::vector<std::string> exit_status_problems(const std::vector<int>& statuses,
                                                            const std::vector<TestRecord>& results);

// What the Mesa a cell is named after says against the Mesa its producers
// loaded: empty if they agree, or where nothing loaded Mesa (mesa_package
// empty: the run recorded only what it was told) or the cell names no
// version ("mesa-unknown"). cell: LANE@linux-X.Y@mesa-X.Y[@BUILD];
// mesa_loaded: schema::kMesaVersion ("25.0.7"); mesa_package: schema::kMesaPackage.
[[nodiscard]] std::optional<std::string> mesa_problem(const std::string& cell, const std::string& mesa_loaded,
                                                      const std::string& mesa_package);

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
