// fencecheck-results: turns result files into verdicts and tables.
//
//   fencecheck-results compare --lane LANE [--expectations DIR] RESULTS.json
//       applies DIR/LANE-{fails,flakes,skips}.txt to the results the way
//       deqp-runner applies a baseline; exit 0 when every result matches,
//       1 on a new failure, unexpected pass or skip, or stale expectation.
//   fencecheck-results bench [--check] [--expectations DIR] BENCH.json...
//       prints the benchmark summary: each strategy against the syscall
//       floor, wake-up latencies, the race's stale ratios. --check also fails
//       (exit 1) on a broken benchmark, a missing counter, or a skip that
//       DIR/LANE-bench-skips.txt does not allow (LANE from the file's context).
// Bad input (missing or malformed files) is one line on stderr and exit 2.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include "harness/expectations.h"
#include "harness/bench_json.h"
#include "harness/gtest_json.h"

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

fc::Expectations load_expectations(const std::string& dir, const std::string& lane) {
  fc::Expectations expectations;
  auto file = [&](const char* suffix) { return dir + "/" + lane + suffix; };
  if (auto error = fc::parse_fails(read_file(file("-fails.txt"), true), file("-fails.txt"), expectations.fails)) {
    throw BadInput{error->message};
  }
  if (auto error = fc::parse_patterns(read_file(file("-flakes.txt"), true), file("-flakes.txt"), expectations.flakes)) {
    throw BadInput{error->message};
  }
  if (auto error = fc::parse_patterns(read_file(file("-skips.txt"), true), file("-skips.txt"), expectations.skips)) {
    throw BadInput{error->message};
  }
  return expectations;
}

// The first line that says something: gtest starts failures with "file:line".
std::string first_line(const std::string& message) {
  std::istringstream lines(message);
  std::string line;
  while (std::getline(lines, line)) {
    auto colon = line.rfind(':');
    bool location = colon != std::string::npos && colon + 1 < line.size() &&
                    line.find_first_not_of("0123456789", colon + 1) == std::string::npos;
    if (!line.empty() && !location) return line;
  }
  return message;
}

int compare(const std::string& lane, const std::string& dir, const std::string& path) {
  std::string error;
  auto run = fc::parse_gtest_json(read_file(path, false), error);
  if (!run) throw BadInput{path + ": " + error};
  fc::Comparison comparison = fc::compare(run->results, load_expectations(dir, lane));

  for (const auto& entry : comparison.entries) {
    if (entry.kind == fc::Comparison::Kind::Expected) continue;
    std::printf("  %-17s %s: %s (expected %s)\n", std::string(fc::to_string(entry.kind)).c_str(), entry.name.c_str(),
                std::string(fc::to_string(entry.actual)).c_str(), std::string(fc::to_string(entry.expected)).c_str());
    if (!entry.message.empty() && entry.kind != fc::Comparison::Kind::Flake) {
      std::printf("                    %s\n", first_line(entry.message).c_str());
    }
  }
  int pass = 0, fail = 0, skip = 0;
  for (const auto& result : run->results) {
    pass += result.outcome == fc::Outcome::Pass;
    fail += result.outcome != fc::Outcome::Pass && result.outcome != fc::Outcome::Skip;
    skip += result.outcome == fc::Outcome::Skip;
  }
  using Kind = fc::Comparison::Kind;
  std::printf("lane %s: %zu results (%d pass, %d fail, %d skip) against %s/%s-*.txt: %s\n", lane.c_str(),
              run->results.size(), pass, fail, skip, dir.c_str(), lane.c_str(),
              comparison.ok() ? "all as expected" : "MISMATCH");
  if (!comparison.ok()) {
    std::printf("  %d new failure(s), %d unexpected pass(es), %d unexpected skip(s), %d stale expectation(s)\n",
                comparison.count(Kind::NewFailure), comparison.count(Kind::UnexpectedPass),
                comparison.count(Kind::UnexpectedSkip), comparison.count(Kind::StaleExpectation));
  }
  return comparison.ok() ? 0 : kMismatch;
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

void print_bench_table(const fc::BenchRun& run) {
  auto context = [&](const char* key) {
    auto it = run.context.find(key);
    return it == run.context.end() ? std::string("?") : it->second;
  };
  std::printf("== lane %s: kernel %s; cpu %s\n", context("lane").c_str(), context("kernel").c_str(),
              context("cpu").c_str());
  const fc::BenchResult* recipe = nullptr;
  const fc::BenchResult* bare = nullptr;
  bool idle = false, wake = false, race = false;
  for (const auto& r : run.results) {
    idle |= r.name.rfind("Idle/", 0) == 0 || r.name == "Floor/getppid";
    wake |= r.name.rfind("Wake/", 0) == 0 || r.name == "Floor/eventfd_wake";
    race |= r.name.rfind("Race/", 0) == 0;
    if (r.name == "Idle/export_poll_close" && !r.unsupported && !r.broken) recipe = &r;
    if (r.name == "Idle/export_poll_close_bare_c" && !r.unsupported && !r.broken) bare = &r;
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
    std::string lane = run->context.count("lane") ? run->context["lane"] : "";
    if (lane.empty()) throw BadInput{path + ": no \"lane\" in the benchmark context (run with --lane)"};
    std::vector<fc::Pattern> skips;
    std::string skips_file = dir + "/" + lane + "-bench-skips.txt";
    if (auto parse_error = fc::parse_patterns(read_file(skips_file, true), skips_file, skips)) {
      throw BadInput{parse_error->message};
    }
    auto problems = fc::check_bench_run(*run, skips);
    for (const std::string& problem : problems) std::printf("  PROBLEM %s\n", problem.c_str());
    std::printf("lane %s: %zu benchmarks, %s\n", lane.c_str(), run->results.size(),
                problems.empty() ? "every one ran and reported every counter (or skipped as allowed)" : "INCOMPLETE");
    if (!problems.empty()) status = kMismatch;
  }
  return status;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"fencecheck-results: verdicts from fencecheck's gtest JSON results"};
  app.require_subcommand(1);

  std::string lane, dir = "expectations", path;
  CLI::App* compare_cmd = app.add_subcommand("compare", "apply a lane's expectations (drm-ci style) to a result file");
  compare_cmd->add_option("--lane", lane, "lane whose LANE-fails/flakes/skips.txt apply")->required();
  compare_cmd->add_option("--expectations", dir, "directory of expectation files")->capture_default_str();
  compare_cmd->add_option("results", path, "gtest JSON result file")->required();

  std::vector<std::string> bench_paths;
  bool check = false;
  CLI::App* bench_cmd = app.add_subcommand("bench", "summarise fencecheck-bench JSON results");
  bench_cmd->add_flag("--check", check, "fail on broken benchmarks, missing counters, unallowed skips");
  bench_cmd->add_option("--expectations", dir, "directory of LANE-bench-skips.txt files")->capture_default_str();
  bench_cmd->add_option("results", bench_paths, "benchmark JSON files")->required();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);
    std::fprintf(stderr, "fencecheck-results: %s (see --help)\n", e.what());
    return kBadInput;
  }
  try {
    if (*compare_cmd) return compare(lane, dir, path);
    if (*bench_cmd) return bench(bench_paths, check, dir);
  } catch (const BadInput& bad) {
    std::fprintf(stderr, "fencecheck-results: %s\n", bad.message.c_str());
    return kBadInput;
  }
  return kBadInput;
}
