// SPDX-License-Identifier: MIT
// fencecheck-results: turns result files into verdicts and tables.
//
// DIR, the expectation files' folder, defaults to share/fencecheck/expectations
// beside an installed fencecheck-results, else ./expectations.
//   fencecheck-results compare [--cell CELL] [--expectations DIR] [--tests CELL.expected.txt]
//                              [--exit-status "N..."] [--kernel-log CELL.dmesg] RESULTS.json
//       applies DIR/LANE-{fails,flakes,skips}.txt to the results of the cell
//       the file records (a --cell must agree) the way deqp-runner applies a
//       baseline; exit 0 when every result matches, 1 on a new failure,
//       unexpected pass or skip, or stale expectation, and on a cell that
//       judged nothing (NOT JUDGED); a cell no expectation file names
//       tolerates skips but must judge something.
//   fencecheck-results bench [--check] [--plot FILE.svg] [--expectations DIR] BENCH.json...
//       prints the benchmark summary: each strategy against the syscall
//       floor, wake-up latencies, the race's stale ratios, the cost curves
//       and their fitted slopes. --check also fails (exit 1) on a broken
//       benchmark, a missing counter, a skip that the cell's
//       STEM-bench-skips.txt files in DIR do not allow (the cell from the
//       file's context), a cost curve steeper than its shape allows
//       (results/bench_curves.h), and the helper's targets missed in a full
//       run. --plot also writes every file's bars and curves as one SVG.
//   fencecheck-results matrix [-o MATRIX.md] [--html MATRIX.html] [--text MATRIX.txt] RESULTS.json...
//       merges result files from any machines and cells into one table.
//   fencecheck-results bugreport TEST [RESULTS.json...]
//       a block to paste upstream (default: build/results/*.json), with the
//       reproducer inline where the test's trace replays.
//   fencecheck-results reproducer [-o FILE.c] TEST RESULTS.json
//       a standalone C program from the test's ioctl trace (results/reproducer.h):
//       exit 1, saying why and the manual steps, where it does not replay.
//   fencecheck-results kcidb [-o FILE] [--expectations DIR] [--bench BENCH.json]... RESULTS.json...
//   fencecheck-results lava [-o FILE] [--bench BENCH.json]... RESULTS.json...
//   fencecheck-results junit -o FILE RESULTS.json
//   fencecheck-results same REFERENCE.json RESULTS.json
//       the same verdicts in both: every test of one has a result in the
//       other, with the same outcome (an install's run against the build
//       tree's, a shuffled or regrouped run against a plain one); exit 1 on a
//       difference, each one printed.
//   fencecheck-results kernel-log [--cell CELL] [--expectations DIR] LOG
//       a kernel log's complaints (WARN, BUG, oops, lockdep, KASAN, ...): exit
//       1 on one the cell's STEM-kernel-complaints.txt does not know.
//   fencecheck-results stems [--expectations DIR] CELL
//       the stems of the expectation files that name CELL, one per line
//       (files.h has_expectations: the one rule); exit 1 when none does.
//   fencecheck-results list [--bench] [DIR]
//       the cells' result files in DIR (default build/results), in version order.
// Outputs go to stdout or, with -o, to a file written atomically (a new
// file renamed over the old one: never half a file over a good one). Bad
// input (missing or malformed files, unknown tests, unknown options) is one
// line on stderr and exit 2.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <filesystem>

#include "results/atomic_file.h"
#include "results/bench_curves.h"
#include "results/commands.h"
#include "results/discover.h"
#include "results/files.h"
#include "results/report.h"
#include "results/reproducer.h"
#include "results/schema.h"
#include "results/version.h"

namespace {

constexpr int kMismatch = 1;
constexpr int kBadInput = 2;
using fc::BadInput;

// Writes path atomically (results/atomic_file.h), or to stdout for "" and "-".
void write_output(const std::string& path, const std::string& content) {
  if (path.empty() || path == "-") {
    std::fwrite(content.data(), 1, content.size(), stdout);
    return;
  }
  if (std::error_code error = fc::write_file_atomically(path, content)) {
    throw BadInput{"cannot write " + path + ": " + error.message()};
  }
}

// A report on stdout; its verdict as the exit status.
int print(const fc::Report& report) {
  std::fputs(report.text.c_str(), stdout);
  return report.ok ? 0 : kMismatch;
}

fc::GtestRun parse_results(const std::string& path) {
  std::string error;
  auto run = fc::parse_gtest_json(fc::read_file(path), error);
  if (!run) throw BadInput{path + ": " + error};
  return std::move(*run);
}

// The cells' result files in build/results/: where bugreport looks by default.
std::vector<std::string> default_results() {
  auto paths = fc::discover_results("build/results", fc::ResultKind::Conformance);
  if (paths.empty()) throw BadInput{"no result files given and none in build/results/"};
  return paths;
}

int compare(const std::string& cell_option, const std::string& dir, const std::string& path, const std::string& tests,
            const std::vector<int>& exit_statuses, const std::string& kernel_log) {
  const fc::GtestRun run = parse_results(path);
  // The file says which cell it is: judged against another cell's
  // expectations it would pass or fail for nothing it did.
  std::string recorded = run.context_of(fc::schema::kCell, "");
  if (recorded == "host") recorded.clear();  // a run given no --cell names none
  if (!cell_option.empty() && !recorded.empty() && cell_option != recorded) {
    throw BadInput{path + " holds the results of cell " + recorded + ", not of --cell " + cell_option};
  }
  fc::CompareInput input;
  input.cell = recorded.empty() ? cell_option : recorded;
  if (input.cell.empty()) {
    throw BadInput{path + " names no cell (\"" + std::string(fc::schema::kCell) +
                   "\", fencecheck --cell): give --cell"};
  }
  std::error_code missing;
  if (!std::filesystem::is_directory(dir, missing)) throw BadInput{"no expectations folder " + dir};
  input.run = &run;
  input.expectations = fc::load_expectations(dir, input.cell);
  input.expectations_dir = dir;
  input.stems = fc::stems_with_files(dir, input.cell);
  if (!tests.empty()) input.expected_tests = fc::parse_test_list(fc::read_file(tests));
  input.exit_statuses = exit_statuses;
  if (!kernel_log.empty()) input.kernel_log = fc::read_file(kernel_log);
  input.kernel_log_path = kernel_log;
  return print(fc::compare_report(input));
}

int bench(const std::vector<std::string>& paths, bool check, const std::string& dir, const std::string& plot) {
  int status = 0;
  const std::vector<fc::BenchFile> files = fc::load_bench_files(paths);
  if (!plot.empty()) write_output(plot, fc::bench_svg(files));
  for (const fc::BenchFile& file : files) {
    const fc::BenchRun& run = file.run;
    std::fputs(fc::bench_table(run).c_str(), stdout);
    if (!check) continue;
    const std::string cell = run.context_of(fc::schema::kCell, "");
    if (cell.empty()) {
      throw BadInput{file.path + ": no \"" + std::string(fc::schema::kCell) +
                     "\" in the benchmark context (run with --cell)"};
    }
    const fc::BenchExpectations expected = fc::load_bench_expectations(dir, cell);
    auto problems = fc::check_bench_run(run, expected.skips, expected.races);
    for (std::string& problem : fc::helper_target_problems(run)) problems.push_back(std::move(problem));
    for (std::string& problem : fc::curve_problems(run)) problems.push_back(std::move(problem));
    for (const std::string& problem : problems) std::printf("  PROBLEM %s\n", problem.c_str());
    std::printf(
        "cell %s: %zu benchmarks, %s\n", cell.c_str(), run.results.size(),
        problems.empty() ? "every one ran and reported every counter (or skipped as allowed)" : "NOT AS EXPECTED");
    if (!problems.empty()) status = kMismatch;
  }
  return status;
}

int same(const std::string& reference_path, const std::string& path) {
  const fc::GtestRun reference = parse_results(reference_path), results = parse_results(path);
  for (const auto& [file, run] : {std::pair{&reference_path, &reference}, std::pair{&path, &results}}) {
    if (run->results.empty()) throw BadInput{*file + ": no results: nothing to compare"};
  }
  return print(fc::same_verdicts(reference_path, reference, path, results));
}

// The expectation files' default folder: PREFIX/share/fencecheck/expectations
// beside an installed PREFIX/bin/fencecheck-results (FENCECHECK_DATA_FROM_BIN,
// the install layout's path from bin/ to the data, from the executable,
// wherever the prefix was extracted), else ./expectations (a checkout's, for
// the build tree's binary run from the checkout's root).
std::string default_expectations_dir() {
  std::error_code error;
  const std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", error);
  if (!error) {
    const std::filesystem::path installed =
        (exe.parent_path() / FENCECHECK_DATA_FROM_BIN / "expectations").lexically_normal();
    if (std::filesystem::is_directory(installed, error)) return installed.string();
  }
  return "expectations";
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"fencecheck-results: verdicts from fencecheck's gtest JSON results"};
  app.require_subcommand(1);
  app.set_version_flag("--version", fc::fencecheck_version_line("fencecheck-results"),
                       "print the version and the commit it was built from, and exit");

  std::string cell, dir = default_expectations_dir(), path, tests;
  std::vector<int> exit_statuses;
  CLI::App* compare_cmd = app.add_subcommand("compare", "apply a cell's expectations (drm-ci style) to a result file");
  compare_cmd->add_option("--cell", cell,
                          "the cell (LANE@linux-X.Y@mesa-X.Y[@BUILD]) whose expectation files apply; default: the "
                          "file's own (fencecheck.cell), which a --cell must equal");
  compare_cmd->add_option("--expectations", dir, "directory of expectation files")->capture_default_str();
  compare_cmd->add_option("--tests", tests,
                          "the tests the run had to produce (CELL.expected.txt, its --gtest_list_tests output): a "
                          "listed test without a result is MISSING, a result not listed UNLISTED");
  compare_cmd
      ->add_option("--exit-status", exit_statuses,
                   "the exit status of every run of the cell, in order (the first, then each --resume): the "
                   "last must be 0 with no failure and 1 with one, each earlier one a run that ended while a "
                   "test ran (else EXIT STATUS)")
      ->delimiter(' ');
  std::string kernel_log;
  compare_cmd->add_option("--kernel-log", kernel_log,
                          "the kernel's log during the run (CELL.dmesg): a WARN, BUG, oops, lockdep, KASAN/UBSAN or "
                          "refcount report fails it unless STEM-kernel-complaints.txt knows it");
  compare_cmd->add_option("results", path, "gtest JSON result file")->required();

  std::vector<std::string> bench_paths;
  bool check = false;
  CLI::App* bench_cmd = app.add_subcommand("bench", "summarise fencecheck-bench JSON results");
  bench_cmd->add_flag("--check", check,
                      "fail on broken benchmarks, missing counters, unallowed skips, cost curves steeper than their "
                      "shape allows, the helper's targets missed in a full run");
  std::string plot;
  bench_cmd->add_option("--plot", plot, "also write the files' bars and cost curves as one self-contained SVG");
  bench_cmd->add_option("--expectations", dir, "directory of LANE-bench-skips.txt files")->capture_default_str();
  bench_cmd->add_option("results", bench_paths, "benchmark JSON files")->required();

  std::vector<std::string> results;
  std::vector<std::string> bench_inputs;
  std::string output, html, text, test;
  CLI::App* matrix_cmd = app.add_subcommand("matrix", "merge result files into one behaviour x machine/cell table");
  matrix_cmd->add_option("-o,--output", output, "markdown file (default: stdout)");
  matrix_cmd->add_option("--html", html, "also write this self-contained HTML page");
  matrix_cmd->add_option("--text", text, "also write this terminal table (only what is not a pass everywhere)");
  matrix_cmd->add_option("--expectations", dir, "mark failures the cells' expectations know")->capture_default_str();
  matrix_cmd->add_option("results", results, "gtest JSON result files")->required();

  CLI::App* bugreport_cmd = app.add_subcommand("bugreport", "a plain-text block to paste into an upstream issue");
  bugreport_cmd->add_option("test", test, "the test ID, as --gtest_list_tests prints it")->required();
  bugreport_cmd->add_option("results", results, "gtest JSON result files (default: build/results/*.json)");
  bugreport_cmd->add_option("--expectations", dir, "say when the cell already expects it")->capture_default_str();

  std::string repro_input;
  CLI::App* repro_cmd = app.add_subcommand(
      "reproducer", "a standalone C program replaying a test's ioctl trace (exit 1: not replayable, and why)");
  repro_cmd->add_option("-o,--output", output, "output file (default: stdout)");
  repro_cmd->add_option("test", test, "the test ID, as --gtest_list_tests prints it")->required();
  repro_cmd->add_option("results", repro_input, "the gtest JSON result file whose trace it replays")->required();

  CLI::App* kcidb_cmd = app.add_subcommand("kcidb", "KCIDB I/O v5 JSON");
  kcidb_cmd->add_option("-o,--output", output, "output file (default: stdout)");
  kcidb_cmd
      ->add_option("--bench", bench_inputs, "a benchmark JSON file (repeatable): counters become tests with numbers")
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
      ->allow_extra_args(false);
  kcidb_cmd->add_option("--expectations", dir, "the cells' expectations: known failures become issues and incidents")
      ->capture_default_str();
  kcidb_cmd->add_option("results", results, "gtest JSON result files");

  CLI::App* lava_cmd = app.add_subcommand("lava", "lava-test-case lines");
  lava_cmd->add_option("-o,--output", output, "output file (default: stdout)");
  lava_cmd->add_option("--expectations", dir, "the cells' expectations: whether each is NOT JUDGED")
      ->capture_default_str();
  lava_cmd->add_option("--bench", bench_inputs, "a benchmark JSON file (repeatable): counters become measurements")
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
      ->allow_extra_args(false);
  lava_cmd->add_option("results", results, "gtest JSON result files");

  std::string same_reference, same_results;
  CLI::App* same_cmd = app.add_subcommand("same", "the same verdict for every test in two result files");
  same_cmd->add_option("reference", same_reference, "gtest JSON result file")->required();
  same_cmd->add_option("results", same_results, "gtest JSON result file")->required();

  std::string log_cell, log_path;
  CLI::App* log_cmd = app.add_subcommand("kernel-log", "the kernel's complaints (WARN, BUG, oops, ...) in a log");
  log_cmd->add_option("--cell", log_cell, "whose STEM-kernel-complaints.txt know some of them");
  log_cmd->add_option("--expectations", dir, "directory of expectation files")->capture_default_str();
  log_cmd->add_option("log", log_path, "a kernel log (dmesg's output)")->required();

  std::string stems_cell;
  CLI::App* stems_cmd =
      app.add_subcommand("stems", "the expectation-file stems that name a cell (exit 1: none, a driver met first)");
  stems_cmd->add_option("--expectations", dir, "directory of expectation files")->capture_default_str();
  stems_cmd->add_option("cell", stems_cell, "the cell (LANE@linux-X.Y@mesa-X.Y[@BUILD])")->required();

  bool list_bench = false;
  std::string list_dir = "build/results";
  CLI::App* list_cmd = app.add_subcommand("list", "the result files in a folder, one per line, in version order");
  list_cmd->add_flag("--bench", list_bench,
                     "the benchmark results (CELL-bench.json) instead of the cells' (CELL.json)");
  list_cmd->add_option("dir", list_dir, "the results folder")->capture_default_str();

  CLI::App* junit_cmd = app.add_subcommand("junit", "JUnit XML of one result file");
  junit_cmd->add_option("-o,--output", output, "output file (default: stdout)");
  junit_cmd->add_option("--expectations", dir, "the cell's expectations: known failures, NOT JUDGED")
      ->capture_default_str();
  std::string junit_input;
  junit_cmd->add_option("results", junit_input, "gtest JSON result file")->required();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);
    std::fprintf(stderr, "fencecheck-results: %s (see --help)\n", e.what());
    return kBadInput;
  }
  try {
    if (*compare_cmd) return compare(cell, dir, path, tests, exit_statuses, kernel_log);
    if (*bench_cmd) return bench(bench_paths, check, dir, plot);
    if (*matrix_cmd) {
      auto files = fc::load_result_files(results, dir);
      if (!html.empty()) write_output(html, fc::matrix_html(files));
      if (!text.empty()) write_output(text, fc::matrix_text(files));
      write_output(output, fc::matrix_markdown(files));
      return 0;
    }
    if (*bugreport_cmd) {
      auto files = fc::load_result_files(results.empty() ? default_results() : results, dir);
      auto report = fc::bug_report(files, test);
      if (!report) throw BadInput{"no result file has a test named '" + test + "' (see --gtest_list_tests)"};
      std::fputs(report->c_str(), stdout);
      return 0;
    }
    if (*repro_cmd) {
      auto files = fc::load_result_files({repro_input}, dir);
      const fc::TestRecord* record = files.empty() ? nullptr : files.front().run.find(test);
      if (!record) throw BadInput{repro_input + " has no test named '" + test + "' (see --gtest_list_tests)"};
      fc::Reproducer made = fc::make_reproducer(files.front().run, *record);
      if (!made.replayable) {
        std::fprintf(stderr, "fencecheck-results reproducer: %s: %s", test.c_str(), made.why_not.c_str());
        return 1;
      }
      write_output(output, made.source);
      return 0;
    }
    if (*kcidb_cmd || *lava_cmd) {
      if (results.empty() && bench_inputs.empty()) throw BadInput{"no result files given"};
      // LAVA's lines judge each cell (NOT JUDGED needs its expectations);
      // KCIDB links each known failure to an issue (its expectation's reason).
      auto files = fc::load_result_files(results, dir);
      auto benches = fc::load_bench_files(bench_inputs);
      if (*lava_cmd) {
        write_output(output, fc::lava_lines(files, benches));
        return 0;
      }
      write_output(output, fc::kcidb_report(files, benches).dump(2) + "\n");
      return 0;
    }
    if (*same_cmd) return same(same_reference, same_results);
    if (*log_cmd) {
      const std::vector<fc::Pattern> known =
          log_cell.empty() ? std::vector<fc::Pattern>{} : fc::load_expectations(dir, log_cell).kernel_complaints;
      return print(fc::kernel_log_report(log_path, fc::read_file(log_path), known));
    }
    if (*stems_cmd) {
      const std::vector<std::string> stems = fc::stems_with_files(dir, stems_cell);
      for (const std::string& stem : stems) std::printf("%s\n", stem.c_str());
      return stems.empty() ? kMismatch : 0;
    }
    if (*list_cmd) {
      for (const std::string& file :
           fc::discover_results(list_dir, list_bench ? fc::ResultKind::Benchmark : fc::ResultKind::Conformance)) {
        std::printf("%s\n", file.c_str());
      }
      return 0;
    }
    if (*junit_cmd) {
      write_output(output, fc::junit_xml(fc::load_result_file(junit_input, dir)));
      return 0;
    }
  } catch (const BadInput& bad) {
    std::fprintf(stderr, "fencecheck-results: %s\n", bad.message.c_str());
    return kBadInput;
  }
  return kBadInput;
}
