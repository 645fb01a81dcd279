// fencecheck-results: turns gtest result files into verdicts.
//
//   fencecheck-results compare --lane LANE [--expectations DIR] RESULTS.json
//       applies DIR/LANE-{fails,flakes,skips}.txt to the results the way
//       deqp-runner applies a baseline; exit 0 when every result matches,
//       1 on a new failure, unexpected pass or skip, or stale expectation.
// Bad input (missing or malformed files) is one line on stderr and exit 2.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include "harness/expectations.h"
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

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"fencecheck-results: verdicts from fencecheck's gtest JSON results"};
  app.require_subcommand(1);

  std::string lane, dir = "expectations", path;
  CLI::App* compare_cmd = app.add_subcommand("compare", "apply a lane's expectations (drm-ci style) to a result file");
  compare_cmd->add_option("--lane", lane, "lane whose LANE-fails/flakes/skips.txt apply")->required();
  compare_cmd->add_option("--expectations", dir, "directory of expectation files")->capture_default_str();
  compare_cmd->add_option("results", path, "gtest JSON result file")->required();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);
    std::fprintf(stderr, "fencecheck-results: %s (see --help)\n", e.what());
    return kBadInput;
  }
  try {
    if (*compare_cmd) return compare(lane, dir, path);
  } catch (const BadInput& bad) {
    std::fprintf(stderr, "fencecheck-results: %s\n", bad.message.c_str());
    return kBadInput;
  }
  return kBadInput;
}
