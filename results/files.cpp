// SPDX-License-Identifier: MIT
#include "results/files.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "results/schema.h"

namespace fc {

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

std::vector<std::string> stems_with_files(const std::string& dir, const std::string& cell) {
  std::vector<std::string> stems;
  for (const std::string& stem : expectation_stems(cell)) {
    for (const char* suffix : kExpectationSuffixes) {
      if (std::filesystem::exists(dir + "/" + stem + suffix)) {
        stems.push_back(stem);
        break;
      }
    }
  }
  return stems;
}

bool has_expectations(const std::string& dir, const std::string& cell) { return !stems_with_files(dir, cell).empty(); }

Expectations load_expectations(const std::string& dir, const std::string& cell) {
  Expectations expectations;
  for (const std::string& stem : expectation_stems(cell)) {
    auto file = [&](const char* suffix) { return dir + "/" + stem + suffix; };
    std::map<std::string, Outcome> fails;
    std::map<std::string, Reason> reasons;
    if (auto error = parse_fails(read_file(file("-fails.txt"), true), file("-fails.txt"), fails, &reasons)) {
      throw BadInput{error->message};
    }
    // A later stem's line for the same test replaces the earlier one, reason and all.
    for (auto& [name, outcome] : fails) {
      expectations.fails[name] = outcome;
      expectations.fail_reasons.erase(name);
      if (auto reason = reasons.find(name); reason != reasons.end())
        expectations.fail_reasons.emplace(name, reason->second);
    }
    if (auto error =
            parse_patterns(read_file(file("-flakes.txt"), true), file("-flakes.txt"), expectations.flakes, true)) {
      throw BadInput{error->message};
    }
    if (auto error =
            parse_patterns(read_file(file("-skips.txt"), true), file("-skips.txt"), expectations.skips, true)) {
      throw BadInput{error->message};
    }
    if (auto error = parse_patterns(read_file(file("-kernel-complaints.txt"), true), file("-kernel-complaints.txt"),
                                    expectations.kernel_complaints)) {
      throw BadInput{error->message};
    }
    if (std::string why = first_statement(read_file(file("-not-judged.txt"), true)); !why.empty()) {
      expectations.not_judged = why;
    }
  }
  return expectations;
}

BenchExpectations load_bench_expectations(const std::string& dir, const std::string& cell) {
  BenchExpectations expectations;
  for (const std::string& stem : expectation_stems(cell)) {
    for (auto [suffix, patterns] :
         {std::pair{"-bench-skips.txt", &expectations.skips}, std::pair{"-bench-races.txt", &expectations.races}}) {
      const std::string file = dir + "/" + stem + suffix;
      if (auto error = parse_patterns(read_file(file, true), file, *patterns)) throw BadInput{error->message};
    }
  }
  return expectations;
}

ResultFile load_result_file(const std::string& path, const std::string& expectations_dir) {
  std::string error;
  auto run = parse_gtest_json(read_file(path), error);
  if (!run) throw BadInput{path + ": " + error};
  ResultFile file{path, std::move(*run), std::nullopt, std::nullopt};
  const std::string cell = file.run.context_of(schema::kCell, "");
  if (!expectations_dir.empty() && !cell.empty() && has_expectations(expectations_dir, cell)) {
    file.expectations = load_expectations(expectations_dir, cell);
  }
  // The cell's test list and kernel log beside its results (vm/guest/lane,
  // fencecheck-run: CELL.expected.txt, CELL.dmesg).
  if (path.ends_with(".json")) {
    const std::string stem = path.substr(0, path.size() - 5);
    if (std::filesystem::exists(stem + ".expected.txt"))
      file.expected_tests = parse_test_list(read_file(stem + ".expected.txt"));
    if (std::filesystem::exists(stem + ".dmesg")) {
      file.kernel_log =
          check_kernel_log(read_file(stem + ".dmesg"),
                           file.expectations ? file.expectations->kernel_complaints : std::vector<Pattern>{});
    }
  }
  return file;
}

std::vector<ResultFile> load_result_files(const std::vector<std::string>& paths, const std::string& expectations_dir) {
  std::vector<ResultFile> files;
  for (const std::string& path : paths) files.push_back(load_result_file(path, expectations_dir));
  return files;
}

std::vector<BenchFile> load_bench_files(const std::vector<std::string>& paths) {
  std::vector<BenchFile> files;
  for (const std::string& path : paths) {
    std::string error;
    auto run = parse_bench_json(read_file(path), error);
    if (!run) throw BadInput{path + ": " + error};
    files.push_back({path, std::move(*run)});
  }
  return files;
}

}  // namespace fc
