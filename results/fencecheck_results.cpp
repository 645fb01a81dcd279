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
//   fencecheck-results bench [--check] [--expectations DIR] BENCH.json...
//       prints the benchmark summary: each strategy against the syscall
//       floor, wake-up latencies, the race's stale ratios. --check also fails
//       (exit 1) on a broken benchmark, a missing counter, or a skip that
//       the cell's STEM-bench-skips.txt files in DIR do not allow (the cell from the file's context).
//   fencecheck-results matrix [-o MATRIX.md] [--html MATRIX.html] [--text MATRIX.txt] RESULTS.json...
//       merges result files from any machines and cells into one table.
//   fencecheck-results bugreport TEST [RESULTS.json...]
//       a block to paste upstream (default: build/results/*.json).
//   fencecheck-results kcidb [-o FILE] [--bench BENCH.json]... RESULTS.json...
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
//   fencecheck-results list [--bench] [DIR]
//       the cells' result files in DIR (default build/results), in version order.
// Outputs go to stdout or, with -o, to a file written atomically (a new
// file renamed over the old one: never half a file over a good one). Bad
// input (missing or malformed files, unknown tests, unknown options) is one
// line on stderr and exit 2.
#include <CLI/CLI.hpp>
#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <map>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>

#include "results/expectations.h"
#include "results/atomic_file.h"
#include "results/bench_json.h"
#include "results/discover.h"
#include "results/gtest_json.h"
#include "results/report.h"
#include "results/schema.h"

namespace {

constexpr int kMismatch = 1;
constexpr int kBadInput = 2;

struct BadInput {
  std::string message;
};

std::string read_file(const std::string& path, bool optional) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (optional) return {};
    throw BadInput{"cannot read " + path};
  }
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

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

// Every expectation file that applies to the cell (harness expectation_stems), merged.
fc::Expectations load_expectations(const std::string& dir, const std::string& cell) {
  fc::Expectations expectations;
  for (const std::string& stem : fc::expectation_stems(cell)) {
    auto file = [&](const char* suffix) { return dir + "/" + stem + suffix; };
    std::map<std::string, fc::Outcome> fails;
    std::map<std::string, fc::Reason> reasons;
    if (auto error = fc::parse_fails(read_file(file("-fails.txt"), true), file("-fails.txt"), fails, &reasons)) {
      throw BadInput{error->message};
    }
    // A later stem's line for the same test replaces the earlier one, reason and all.
    for (auto& [name, outcome] : fails) {
      expectations.fails[name] = outcome;
      expectations.fail_reasons.erase(name);
      if (auto reason = reasons.find(name); reason != reasons.end()) expectations.fail_reasons.emplace(name, reason->second);
    }
    if (auto error =
            fc::parse_patterns(read_file(file("-flakes.txt"), true), file("-flakes.txt"), expectations.flakes, true)) {
      throw BadInput{error->message};
    }
    if (auto error = fc::parse_patterns(read_file(file("-skips.txt"), true), file("-skips.txt"), expectations.skips, true)) {
      throw BadInput{error->message};
    }
    if (auto error = fc::parse_patterns(read_file(file("-kernel-complaints.txt"), true), file("-kernel-complaints.txt"),
                                        expectations.kernel_complaints)) {
      throw BadInput{error->message};
    }
    if (std::string why = fc::first_statement(read_file(file("-not-judged.txt"), true)); !why.empty()) {
      expectations.not_judged = why;
    }
  }
  return expectations;
}

bool stem_has_files(const std::string& dir, const std::string& stem) {
  for (const char* suffix : {"-fails.txt", "-flakes.txt", "-skips.txt", "-kernel-complaints.txt", "-not-judged.txt"}) {
    if (std::filesystem::exists(dir + "/" + stem + suffix)) return true;
  }
  return false;
}

bool has_expectations(const std::string& dir, const std::string& cell) {
  for (const std::string& stem : fc::expectation_stems(cell)) {
    for (const char* suffix : {"-fails.txt", "-flakes.txt", "-skips.txt", "-not-judged.txt"}) {
      if (std::filesystem::exists(dir + "/" + stem + suffix)) return true;
    }
  }
  return false;
}

fc::ResultFile load_results(const std::string& path, const std::string& expectations_dir) {
  std::string error;
  auto run = fc::parse_gtest_json(read_file(path, false), error);
  if (!run) throw BadInput{path + ": " + error};
  fc::ResultFile file{path, std::move(*run), std::nullopt, std::nullopt};
  std::string cell = file.run.context_of(fc::schema::kCell, "");
  if (!expectations_dir.empty() && !cell.empty() && has_expectations(expectations_dir, cell)) {
    file.expectations = load_expectations(expectations_dir, cell);
  }
  // The cell's test list beside its results (vm/guest/lane: CELL.expected.txt).
  if (path.ends_with(".json")) {
    const std::string list = path.substr(0, path.size() - 5) + ".expected.txt";
    if (std::filesystem::exists(list)) file.expected_tests = fc::parse_test_list(read_file(list, false));
  }
  return file;
}

std::vector<fc::ResultFile> load_all(const std::vector<std::string>& paths, const std::string& expectations_dir) {
  std::vector<fc::ResultFile> files;
  for (const std::string& path : paths) files.push_back(load_results(path, expectations_dir));
  return files;
}

std::vector<fc::BenchFile> load_benches(const std::vector<std::string>& paths) {
  std::vector<fc::BenchFile> files;
  for (const std::string& path : paths) {
    std::string error;
    auto run = fc::parse_bench_json(read_file(path, false), error);
    if (!run) throw BadInput{path + ": " + error};
    files.push_back({path, std::move(*run)});
  }
  return files;
}

// The cells' result files in build/results/: where bugreport looks by default.
std::vector<std::string> default_results() {
  auto paths = fc::discover_results("build/results", fc::ResultKind::Conformance);
  if (paths.empty()) throw BadInput{"no result files given and none in build/results/"};
  return paths;
}

int compare(const std::string& cell_option, const std::string& dir, const std::string& path, const std::string& tests,
            const std::vector<int>& exit_statuses, const std::string& kernel_log) {
  std::string error;
  auto run = fc::parse_gtest_json(read_file(path, false), error);
  if (!run) throw BadInput{path + ": " + error};
  // The file says which cell it is: judged against another cell's
  // expectations it would pass or fail for nothing it did.
  std::string recorded = run->context_of(fc::schema::kCell, "");
  if (recorded == "host") recorded.clear();  // a run given no --cell names none
  if (!cell_option.empty() && !recorded.empty() && cell_option != recorded) {
    throw BadInput{path + " holds the results of cell " + recorded + ", not of --cell " + cell_option};
  }
  const std::string cell = recorded.empty() ? cell_option : recorded;
  if (cell.empty()) {
    throw BadInput{path + " names no cell (\"" + std::string(fc::schema::kCell) + "\", fencecheck --cell): give --cell"};
  }
  std::error_code missing;
  if (!std::filesystem::is_directory(dir, missing)) throw BadInput{"no expectations folder " + dir};
  std::optional<std::vector<std::string>> expected_tests;
  if (!tests.empty()) expected_tests = fc::parse_test_list(read_file(tests, false));
  const fc::Expectations expectations = load_expectations(dir, cell);
  const bool unknown_cell = !has_expectations(dir, cell);
  fc::Comparison comparison = fc::compare(run->results, expectations, expected_tests, unknown_cell);

  for (const auto& entry : comparison.entries) {
    if (entry.kind == fc::Comparison::Kind::Expected) continue;
    if (!fc::is_about_an_outcome(entry.kind)) {
      std::printf("  %-17s %s%s%s\n", std::string(fc::to_string(entry.kind)).c_str(), entry.name.c_str(),
                  entry.name.empty() ? "" : ": ", entry.message.c_str());
      continue;
    }
    std::printf("  %-17s %s: %s (expected %s)\n", std::string(fc::to_string(entry.kind)).c_str(), entry.name.c_str(),
                std::string(fc::to_string(entry.actual)).c_str(), std::string(fc::to_string(entry.expected)).c_str());
    if (!entry.message.empty() && entry.kind != fc::Comparison::Kind::Flake) {
      std::printf("                    %s\n", fc::first_line(entry.message).c_str());
    }
  }
  const fc::Tally counts = fc::tally(run->results);
  using Kind = fc::Comparison::Kind;
  // The run's own exit statuses must say what its results say (exit_status_problems).
  const std::vector<std::string> exit_problems = fc::exit_status_problems(exit_statuses, run->results);
  for (const std::string& problem : exit_problems) std::printf("  %-17s %s\n", "EXIT STATUS", problem.c_str());
  bool exit_ok = exit_problems.empty();
  // The Mesa the cell is named after must be the one that loaded.
  if (auto mesa = fc::mesa_problem(cell, run->context_of(fc::schema::kMesaVersion, ""),
                                   run->context_of(fc::schema::kMesaPackage, ""))) {
    std::printf("  %-17s %s\n", "MESA", mesa->c_str());
    exit_ok = false;
  }
  // What the kernel said during the cell: an unknown complaint fails it; a
  // known one (STEM-kernel-complaints.txt) is shown; a known one absent is stale.
  bool log_ok = true;
  if (!kernel_log.empty()) {
    const fc::KernelLogCheck log = fc::check_kernel_log(read_file(kernel_log, false), expectations.kernel_complaints);
    for (const std::string& line : log.unknown) std::printf("  %-17s %s\n", "KERNEL COMPLAINED", line.c_str());
    for (const std::string& line : log.known) std::printf("  %-17s %s\n", "known complaint", line.c_str());
    for (const std::string& pattern : log.stale) {
      std::printf("  %-17s %s: a known kernel complaint that did not appear in %s\n", "STALE EXPECTATION",
                  pattern.c_str(), kernel_log.c_str());
    }
    log_ok = log.ok();
  }
  std::string stems;
  for (const std::string& stem : fc::expectation_stems(cell)) {
    if (stem_has_files(dir, stem)) stems += (stems.empty() ? "" : ", ") + stem;
  }
  std::string against = unknown_cell ? "with no expectation files in " + dir +
                                           "/ (a skip is tolerated, a failure is not, and something must be judged)"
                                     : "against " + dir + "/{" + stems + "}";
  const bool ok = comparison.ok() && exit_ok && log_ok;
  // NOT JUDGED: nothing else went wrong, but nothing was judged either.
  const bool only_unjudged = !ok && exit_ok && log_ok &&
                             comparison.count(Kind::NothingJudged) + comparison.count(Kind::Expected) +
                                     comparison.count(Kind::Flake) ==
                                 static_cast<int>(comparison.entries.size());
  const bool known_unjudged = ok && comparison.count(Kind::KnownNotJudged) > 0;
  std::printf("%s: %zu results (%d pass, %d fail, %d skip) %s: %s\n", cell.c_str(), run->results.size(), counts.passed,
              counts.failed, counts.skipped, against.c_str(),
              known_unjudged ? "as expected, and judged nothing"
              : ok           ? "all as expected"
              : only_unjudged ? "NOT JUDGED"
                              : "MISMATCH");
  if (!comparison.ok()) {
    std::printf("  %d new failure(s), %d changed reason(s), %d unexpected pass(es), %d unexpected skip(s), "
                "%d listed skip(s) passed, %d stale expectation(s), %d missing, %d unlisted%s\n",
                comparison.count(Kind::NewFailure), comparison.count(Kind::ChangedReason),
                comparison.count(Kind::UnexpectedPass),
                comparison.count(Kind::UnexpectedSkip), comparison.count(Kind::SkipPassed),
                comparison.count(Kind::StaleExpectation), comparison.count(Kind::Missing),
                comparison.count(Kind::Unlisted),
                comparison.count(Kind::NoResults)       ? ", no result at all"
                : comparison.count(Kind::NothingJudged) ? ", nothing judged"
                                                        : "");
  }
  return ok ? 0 : kMismatch;
}

// A kernel log outside any cell's result (a selftest guest's, a whole run's):
// its complaints against the cell's known ones, where a cell is named.
int kernel_log_command(const std::string& cell, const std::string& dir, const std::string& path) {
  std::vector<fc::Pattern> known;
  if (!cell.empty()) known = load_expectations(dir, cell).kernel_complaints;
  const fc::KernelLogCheck log = fc::check_kernel_log(read_file(path, false), known);
  for (const std::string& line : log.unknown) std::printf("  %-17s %s\n", "KERNEL COMPLAINED", line.c_str());
  for (const std::string& line : log.known) std::printf("  %-17s %s\n", "known complaint", line.c_str());
  std::printf("%s: %zu complaint(s), %zu unknown: %s\n", path.c_str(), log.unknown.size() + log.known.size(),
              log.unknown.size(), log.unknown.empty() ? "clean" : "KERNEL COMPLAINED");
  return log.unknown.empty() ? 0 : kMismatch;
}

std::string number(double value, int precision) {
  char text[32];
  std::snprintf(text, sizeof text, "%.*f", precision, value);
  return text;
}

std::string counter(const fc::BenchResult& result, const char* name, int precision) {
  auto it = result.counters.find(name);
  return it == result.counters.end() ? "-" : number(it->second, precision);
}

// What the recommended consumer helper promises on an idle buffer: one
// system call and no clock read, so at most this multiple of a bare poll().
constexpr double kHelperTarget = 1.10;

// A --short run (fencecheck-bench's smoke-test sizes): too few samples to judge a target.
bool short_run(const fc::BenchRun& run) { return run.context_of(fc::schema::kBenchSize, "full") == "short"; }

void print_bench_table(const fc::BenchRun& run) {
  std::printf("== cell %s: kernel %s; cpu %s\n", run.context_of(fc::schema::kCell).c_str(),
              run.context_of(fc::schema::kKernelRelease).c_str(), run.context_of(fc::schema::kCpuModel).c_str());
  const fc::BenchResult* recipe = nullptr;
  const fc::BenchResult* bare = nullptr;
  const fc::BenchResult* helper = nullptr;
  bool idle = false, wake = false, race = false;
  for (const auto& r : run.results) {
    idle |= r.name.rfind("Idle/", 0) == 0 || r.name == "Floor/getppid";
    wake |= r.name.rfind("Wake/", 0) == 0 || r.name == "Floor/eventfd_wake";
    race |= r.name.rfind("Race/", 0) == 0;
    if (r.name == "Idle/export_poll_close" && !r.unsupported && !r.broken) recipe = &r;
    if (r.name == "Idle/export_poll_close_bare_c" && !r.unsupported && !r.broken) bare = &r;
    if (r.name == "Idle/consumer_wait_vs_poll" && !r.unsupported && !r.broken) helper = &r;
  }
  auto skipped = [](const fc::BenchResult& r) {
    if (!r.unsupported && !r.broken) return false;
    std::printf("  %-36s %s\n", r.name.c_str(), r.message.c_str());
    return true;
  };
  if (idle) {
    std::printf("  %-36s %10s %9s\n", "idle-buffer check", "ns/op", "x floor");
    for (const auto& r : run.results) {
      if ((r.name.rfind("Idle/", 0) != 0 && r.name != "Floor/getppid") || skipped(r)) continue;
      std::printf("  %-36s %10s %9s\n", r.name.c_str(), counter(r, "ns_per_op", 0).c_str(),
                  counter(r, "x_floor", 2).c_str());
    }
    if (recipe && bare) {
      double overhead = recipe->counters.at("ns_per_op") / bare->counters.at("ns_per_op") - 1.0;
      std::printf("  harness overhead on the common recipe: %+.1f%% against the bare C loop\n", overhead * 100);
    }
    if (helper && helper->counters.count("x_poll")) {
      const double x_poll = helper->counters.at("x_poll");
      std::printf("  recommended helper (wait_for_writers) on an idle buffer: %.2fx a bare poll() on the dma-buf "
                  "(interleaved batches; target <= %.2fx: %s)\n",
                  x_poll, kHelperTarget,
                  x_poll <= kHelperTarget ? "met" : short_run(run) ? "not met in this --short run (not judged: too few samples)"
                                                          : "NOT MET");
    }
  }
  if (wake) {
    std::printf("  %-36s %10s %9s\n", "wake-up after the signal", "p50 us", "p99 us");
    for (const auto& r : run.results) {
      if ((r.name.rfind("Wake/", 0) != 0 && r.name != "Floor/eventfd_wake") || skipped(r)) continue;
      std::printf("  %-36s %10s %9s\n", r.name.c_str(), counter(r, "p50_us", 0).c_str(), counter(r, "p99_us", 0).c_str());
    }
  }
  if (race) {
    std::printf("  %-36s %6s %6s %9s %12s %12s %7s\n", "race (read right after submit)", "stale", "torn", "unfenced",
                "wait p50 us", "wait p99 us", "fps");
    for (const auto& r : run.results) {
      if (r.name.rfind("Race/", 0) != 0 || skipped(r)) continue;
      std::printf("  %-36s %6s %6s %9s %12s %12s %7s\n", r.name.c_str(), counter(r, "stale_ratio", 2).c_str(),
                  counter(r, "torn_ratio", 2).c_str(), counter(r, "unfenced_ratio", 2).c_str(),
                  counter(r, "wait_p50_us", 0).c_str(), counter(r, "wait_p99_us", 0).c_str(),
                  counter(r, "fps", 1).c_str());
    }
  }
}

int bench(const std::vector<std::string>& paths, bool check, const std::string& dir) {
  int status = 0;
  for (const std::string& path : paths) {
    std::string error;
    auto run = fc::parse_bench_json(read_file(path, false), error);
    if (!run) throw BadInput{path + ": " + error};
    print_bench_table(*run);
    if (!check) continue;
    std::string cell = run->context_of(fc::schema::kCell, "");
    if (cell.empty()) throw BadInput{path + ": no \"" + std::string(fc::schema::kCell) + "\" in the benchmark context (run with --cell)"};
    std::vector<fc::Pattern> skips, races;
    for (const std::string& stem : fc::expectation_stems(cell)) {
      for (auto [suffix, patterns] : {std::pair{"-bench-skips.txt", &skips}, std::pair{"-bench-races.txt", &races}}) {
        std::string file = dir + "/" + stem + suffix;
        if (auto parse_error = fc::parse_patterns(read_file(file, true), file, *patterns)) {
          throw BadInput{parse_error->message};
        }
      }
    }
    auto problems = fc::check_bench_run(*run, skips, races);
    // The recommended helper's promise is a target of full runs; a smoke run's few samples judge nothing of it.
    for (const fc::BenchResult& r : run->results) {
      auto x_poll = r.counters.find("x_poll");
      if (r.name != "Idle/consumer_wait_vs_poll" || r.unsupported || r.broken || x_poll == r.counters.end()) continue;
      if (x_poll->second > kHelperTarget && !short_run(*run)) {
        problems.push_back(r.name + ": the recommended helper costs " + number(x_poll->second, 2) +
                           "x a bare poll() on an idle buffer, over its target of " + number(kHelperTarget, 2) + "x");
      }
    }
    for (const std::string& problem : problems) std::printf("  PROBLEM %s\n", problem.c_str());
    std::printf("cell %s: %zu benchmarks, %s\n", cell.c_str(), run->results.size(),
                problems.empty() ? "every one ran and reported every counter (or skipped as allowed)" : "INCOMPLETE");
    if (!problems.empty()) status = kMismatch;
  }
  return status;
}

std::map<std::string, fc::Outcome> outcomes_of(const std::string& path) {
  std::string error;
  auto run = fc::parse_gtest_json(read_file(path, false), error);
  if (!run) throw BadInput{path + ": " + error};
  std::map<std::string, fc::Outcome> outcomes;
  for (const fc::TestRecord& result : run->results) outcomes[result.name] = result.outcome;
  if (outcomes.empty()) throw BadInput{path + ": no results: nothing to compare"};
  return outcomes;
}

int same(const std::string& reference_path, const std::string& path) {
  const auto reference = outcomes_of(reference_path), results = outcomes_of(path);
  int differences = 0;
  auto outcome = [](fc::Outcome value) { return std::string(fc::to_string(value)); };
  for (const auto& [name, expected] : reference) {
    auto found = results.find(name);
    if (found == results.end()) {
      std::printf("  MISSING   %s: %s in %s, no result in %s\n", name.c_str(), outcome(expected).c_str(),
                  reference_path.c_str(), path.c_str());
      ++differences;
    } else if (found->second != expected) {
      std::printf("  DIFFERENT %s: %s in %s, %s in %s\n", name.c_str(), outcome(expected).c_str(),
                  reference_path.c_str(), outcome(found->second).c_str(), path.c_str());
      ++differences;
    }
  }
  for (const auto& [name, actual] : results) {
    if (reference.contains(name)) continue;
    std::printf("  UNLISTED  %s: %s in %s, no result in %s\n", name.c_str(), outcome(actual).c_str(), path.c_str(),
                reference_path.c_str());
    ++differences;
  }
  std::printf("%s against %s: %zu tests, %s\n", path.c_str(), reference_path.c_str(), reference.size(),
              differences ? (std::to_string(differences) + " differ").c_str() : "the same verdicts");
  return differences ? kMismatch : 0;
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
  compare_cmd->add_option("--exit-status", exit_statuses,
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
  bench_cmd->add_flag("--check", check, "fail on broken benchmarks, missing counters, unallowed skips");
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

  CLI::App* kcidb_cmd = app.add_subcommand("kcidb", "KCIDB I/O v5 JSON");
  kcidb_cmd->add_option("-o,--output", output, "output file (default: stdout)");
  kcidb_cmd->add_option("--bench", bench_inputs, "a benchmark JSON file (repeatable): counters become tests with numbers")
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
      ->allow_extra_args(false);
  kcidb_cmd->add_option("results", results, "gtest JSON result files");

  CLI::App* lava_cmd = app.add_subcommand("lava", "lava-test-case lines");
  lava_cmd->add_option("-o,--output", output, "output file (default: stdout)");
  lava_cmd->add_option("--expectations", dir, "the cells' expectations: whether each is NOT JUDGED")->capture_default_str();
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

  bool list_bench = false;
  std::string list_dir = "build/results";
  CLI::App* list_cmd = app.add_subcommand("list", "the result files in a folder, one per line, in version order");
  list_cmd->add_flag("--bench", list_bench, "the benchmark results (CELL-bench.json) instead of the cells' (CELL.json)");
  list_cmd->add_option("dir", list_dir, "the results folder")->capture_default_str();

  CLI::App* junit_cmd = app.add_subcommand("junit", "JUnit XML of one result file");
  junit_cmd->add_option("-o,--output", output, "output file (default: stdout)");
  junit_cmd->add_option("--expectations", dir, "the cell's expectations: whether it is NOT JUDGED")->capture_default_str();
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
    if (*bench_cmd) return bench(bench_paths, check, dir);
    if (*matrix_cmd) {
      auto files = load_all(results, dir);
      if (!html.empty()) write_output(html, fc::matrix_html(files));
      if (!text.empty()) write_output(text, fc::matrix_text(files));
      write_output(output, fc::matrix_markdown(files));
      return 0;
    }
    if (*bugreport_cmd) {
      auto files = load_all(results.empty() ? default_results() : results, dir);
      auto report = fc::bug_report(files, test);
      if (!report) throw BadInput{"no result file has a test named '" + test + "' (see --gtest_list_tests)"};
      std::fputs(report->c_str(), stdout);
      return 0;
    }
    if (*kcidb_cmd || *lava_cmd) {
      if (results.empty() && bench_inputs.empty()) throw BadInput{"no result files given"};
      // LAVA's lines judge each cell (NOT JUDGED needs its expectations); KCIDB reports outcomes only.
      auto files = load_all(results, *lava_cmd ? dir : "");
      auto benches = load_benches(bench_inputs);
      if (*lava_cmd) {
        write_output(output, fc::lava_lines(files, benches));
        return 0;
      }
      write_output(output, fc::kcidb_report(files, benches).dump(2) + "\n");
      return 0;
    }
    if (*same_cmd) return same(same_reference, same_results);
    if (*log_cmd) return kernel_log_command(log_cell, dir, log_path);
    if (*list_cmd) {
      for (const std::string& file :
           fc::discover_results(list_dir, list_bench ? fc::ResultKind::Benchmark : fc::ResultKind::Conformance)) {
        std::printf("%s\n", file.c_str());
      }
      return 0;
    }
    if (*junit_cmd) {
      write_output(output, fc::junit_xml(load_results(junit_input, dir)));
      return 0;
    }
  } catch (const BadInput& bad) {
    std::fprintf(stderr, "fencecheck-results: %s\n", bad.message.c_str());
    return kBadInput;
  }
  return kBadInput;
}
