// SPDX-License-Identifier: MIT
// What each fencecheck-results command prints, as text and a verdict: pure
// functions of what results/files.h read, so that the tool's main only parses
// its options, reads files and writes the text out.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "results/bench_json.h"
#include "results/expectations.h"
#include "results/gtest_json.h"

namespace fc {

struct Report {
  std::string text;
  bool ok = true;  // false: the tool exits 1 (a mismatch)
};

// compare: a cell's results against its expectations.
struct CompareInput {
  std::string cell;
  const GtestRun* run = nullptr;
  Expectations expectations;
  // The folder and the stems whose files name the cell (files.h
  // stems_with_files); none: a driver met for the first time (compare's unknown_cell).
  std::string expectations_dir;
  std::vector<std::string> stems;
  std::optional<std::vector<std::string>> expected_tests;  // CELL.expected.txt
  std::vector<int> exit_statuses;                          // every run's, in order
  std::optional<std::string> kernel_log;                   // CELL.dmesg's text
  std::string kernel_log_path;
};
[[nodiscard]] Report compare_report(const CompareInput& input);

// kernel-log: a log's complaints against the ones a cell's expectations know.
[[nodiscard]] Report kernel_log_report(const std::string& path, std::string_view log,
                                       const std::vector<Pattern>& known);

// bench: a run's table (idle checks, wake-ups, races, cost curves), and with
// check its problems (check_bench_run, the helper's targets in full runs,
// bench_curves.h curve_problems).
// The recommended consumer helper's promise on an idle buffer: one system
// call and no clock read, so at most this multiple of a bare poll().
inline constexpr double kHelperTarget = 1.10;
// The ioctl trace's promise on the idle check outside a test (benchmarks, a
// consumer using the harness): the recommended helper, with the trace's hook
// off, at most this multiple of a bare poll() (harness/trace.h). Reported by
// the summary; --check holds the helper to kHelperTarget, a bound that TCG's
// noise cannot cross by chance.
inline constexpr double kTraceTarget = 1.02;
// The helper's wake-up (Wake/vgem/consumer_wait_vs_poll) against poll()'s,
// interleaved: its p50 at most this multiple of poll()'s. Met where the p50s'
// ratio is; NOT MET where the ratio's 95% confidence interval lies wholly
// above it (a problem in full runs); else missed within the noise.
inline constexpr double kHelperWakeTarget = 1.10;
// The table also has the cost curves (results/bench_curves.h): each point,
// the fitted slope, the expectation and whether it is met.
[[nodiscard]] std::string bench_table(const BenchRun& run);
// "recommended helper's wake-up: p50 ... (95% CI ...; target <= 1.10: met)",
// or "" where the run has no such result: the table's and the plot's line.
[[nodiscard]] std::string helper_wake_line(const BenchRun& run);
// The helper's idle-check target and its wake-up target, in full runs only.
[[nodiscard]] std::vector<std::string> helper_target_problems(const BenchRun& run);
// A --short run (fencecheck-bench's smoke-test sizes): too few samples to judge a target.
[[nodiscard]] bool short_run(const BenchRun& run);

// same: every test of reference has a result in the other, with the same outcome.
[[nodiscard]] Report same_verdicts(const std::string& reference_path, const GtestRun& reference,
                                   const std::string& path, const GtestRun& results);

}  // namespace fc
