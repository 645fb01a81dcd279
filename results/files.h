// SPDX-License-Identifier: MIT
// Reading what the results tool is given: result and benchmark files, test
// lists, and a cell's expectation files from a folder. A file that cannot be
// read or parsed is BadInput (fencecheck-results: exit 2).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "results/expectations.h"
#include "results/report.h"

namespace fc {

struct BadInput {
  std::string message;
};

// The file's bytes; "" for a missing optional file, else BadInput.
[[nodiscard]] std::string read_file(const std::string& path, bool optional = false);

// The conformance expectation files of a stem, by suffix (STEM-fails.txt, ...).
inline constexpr const char* kExpectationSuffixes[] = {"-fails.txt", "-flakes.txt", "-skips.txt",
                                                       "-kernel-complaints.txt", "-not-judged.txt"};
// The cell's stems (expectation_stems) that have an expectation file in dir.
[[nodiscard]] std::vector<std::string> stems_with_files(const std::string& dir, const std::string& cell);
// Does any expectation file in dir name the cell? The one rule: a cell none
// names is a driver met for the first time (compare's unknown_cell).
[[nodiscard]] bool has_expectations(const std::string& dir, const std::string& cell);
// Every expectation file that applies to the cell, merged (later stems override).
[[nodiscard]] Expectations load_expectations(const std::string& dir, const std::string& cell);
// The STEM-bench-skips.txt and STEM-bench-races.txt patterns of a cell.
struct BenchExpectations {
  std::vector<Pattern> skips;
  std::vector<Pattern> races;
};
[[nodiscard]] BenchExpectations load_bench_expectations(const std::string& dir, const std::string& cell);

// A result file with its cell's expectations (where expectations_dir is not
// empty and names the cell) and, beside it, the cell's CELL.expected.txt.
[[nodiscard]] ResultFile load_result_file(const std::string& path, const std::string& expectations_dir);
[[nodiscard]] std::vector<ResultFile> load_result_files(const std::vector<std::string>& paths,
                                                        const std::string& expectations_dir);
[[nodiscard]] std::vector<BenchFile> load_bench_files(const std::vector<std::string>& paths);

}  // namespace fc
