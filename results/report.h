// SPDX-License-Identifier: MIT
// Result files turned into what people and lab farms consume, one file per
// format: the driver matrix as markdown, HTML and a terminal table
// (matrix.cpp), a bug-report block (bugreport.cpp), KCIDB v5 JSON
// (kcidb.cpp), LAVA test-case lines (lava.cpp) and JUnit XML (junit.cpp).
// Pure functions of parsed results; fencecheck-results does the file handling.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

#include "results/bench_json.h"
#include "results/expectations.h"
#include "results/gtest_json.h"

namespace fc {

// One gtest result file: one machine, one cell.
struct ResultFile {
  std::string path;
  GtestRun run;
  // The cell's expectations, where known: the matrix marks known failures.
  std::optional<Expectations> expectations;
  // The tests the cell had to produce a result for (its CELL.expected.txt),
  // where known: one without a result is shown as MISSING, not as "not run".
  std::optional<std::vector<std::string>> expected_tests;
  // The complaints of the cell's kernel log (CELL.dmesg beside the results,
  // where the lanes keep it), against its -kernel-complaints.txt: what the
  // lab outputs carry besides the tests (a KCIDB and a LAVA kernel_log test,
  // the matrix's provenance).
  std::optional<KernelLogCheck> kernel_log;

  // Listed in expected_tests but without a result.
  [[nodiscard]] bool is_missing(const std::string& test) const;
  // A failure (or crash, timeout) the cell's expectations list with this
  // outcome, and whose reason, where the file gives one, explains its message:
  // what compare calls "as expected". Never true of a pass or a skip.
  [[nodiscard]] bool is_known_failure(const TestRecord& result) const;
  [[nodiscard]] int missing_count() const;
  // Why the cell is NOT JUDGED, as compare decides it (no judging result; a
  // cell no expectation file names whose GPU tests all skipped), and whether
  // its -not-judged.txt knows it; nullopt when it judged.
  struct Unjudged {
    std::string why;
    bool known = false;
  };
  [[nodiscard]] std::optional<Unjudged> unjudged() const;
  // "2 complaints (1 known): WARNING: ...", "clean", or "" where no log was kept.
  [[nodiscard]] std::string kernel_log_summary() const;
};

// One fencecheck-bench result file.
struct BenchFile {
  std::string path;
  BenchRun run;
};

// fencecheck-bench's results as one self-contained SVG (no script, no
// external reference; its words are <text>, so a printed page keeps them): per
// file, the idle checks against the syscall floor, the wake-ups against the
// eventfd floor, one log-log chart per cost curve (results/bench_curves.h).
[[nodiscard]] std::string bench_svg(const std::vector<BenchFile>& benches);

// Rows are behaviours (test IDs), columns are result files (machine, cell,
// driver, the producers that ran); each cell carries its provenance.
[[nodiscard]] std::string matrix_markdown(const std::vector<ResultFile>& files);
[[nodiscard]] std::string matrix_html(const std::vector<ResultFile>& files);
// The same for a terminal: numbered columns with a legend, two-letter cells,
// and only the behaviours that are not a pass in every cell that ran them.
[[nodiscard]] std::string matrix_text(const std::vector<ResultFile>& files);

// A plain-text block to paste into an upstream issue: what was checked and
// expected, what the kernel returned, the environment, the command that
// reproduces it. From the first file where `test` failed (else where it ran).
// nullopt if no file has the test.
[[nodiscard]] std::optional<std::string> bug_report(const std::vector<ResultFile>& files, const std::string& test);

// KCIDB I/O schema v5: one checkout per kernel release, one build per
// machine and kernel, a test per result (and a DONE test with a `number` per
// benchmark counter); a failure the cell's expectations list also gets an
// issue (the expectation's reason) and an incident linking the test to it. tools/tests/outputs_test.sh validates it
// with kernelci's own KCIDB I/O schema.
[[nodiscard]] nlohmann::json kcidb_report(const std::vector<ResultFile>& files, const std::vector<BenchFile>& benches);

// Per cell (and per benchmark file: CELL.bench) a test set, `lava-test-set
// start CELL` ... `lava-test-set stop`, holding `lava-test-case NAME --result
// pass|fail|skip [--measurement V --units U]` lines. NAME is the test's ID
// dotted ("Gpu/GpuWrite.X/gl" -> "Gpu.GpuWrite.X.gl": with each '.' read as
// gtest's '?' it is a --gtest_filter for the test), only [A-Za-z0-9_.-], and
// within LAVA's documented kLavaNameMax: a longer one is cut and given a hash
// of the whole, after a `# NAME is TEST (--gtest_filter='TEST')` comment.
inline constexpr std::size_t kLavaNameMax = 100;
[[nodiscard]] std::string lava_lines(const std::vector<ResultFile>& files, const std::vector<BenchFile>& benches);

// JUnit XML (testsuites > testsuite > testcase) with the run's context and
// each test's properties. A failure the cell's expectations list is
// <skipped> ("KNOWN FAILURE: ..."), not <failure>: CI shows red only what
// the verdict does.
[[nodiscard]] std::string junit_xml(const ResultFile& file);

}  // namespace fc
