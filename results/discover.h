// SPDX-License-Identifier: MIT
// Where a run's result files are: the one rule test.sh, run.sh,
// scripts/outputs.sh and fencecheck-results all use (through
// `fencecheck-results list`). In a results folder, CELL.json is a cell's gtest
// JSON and CELL-bench.json its benchmarks, where CELL is
// LANE@linux-X.Y@mesa-X.Y[@BUILD] (a cell's name always has an '@'; other
// files there, kcidb.json or selftest-*.json, are not cells).
#pragma once

#include <string>
#include <vector>

namespace fc {

enum class ResultKind { Conformance, Benchmark };

// The paths of every result file of kind in dir, in version order
// (linux-6.1 before linux-6.12). A missing folder has none.
[[nodiscard]] std::vector<std::string> discover_results(const std::string& dir, ResultKind kind);

// a < b in version order: runs of digits compare as numbers.
[[nodiscard]] bool version_less(const std::string& a, const std::string& b);

}  // namespace fc
