// SPDX-License-Identifier: MIT
// LAVA test-case lines: per cell a test set (lava-test-set start CELL), in it
// one case per result and one per benchmark counter (a measurement).
#include <cstdint>
#include <cstdio>
#include <sstream>

#include "results/report.h"
#include "results/schema.h"
#include "results/text.h"

namespace fc {
namespace {

// FNV-1a: the same name always gets the same suffix, on every machine.
std::uint32_t fnv1a(const std::string& text) {
  std::uint32_t hash = 2166136261u;
  for (unsigned char c : text) hash = (hash ^ c) * 16777619u;
  return hash;
}

// LAVA's name for a case: its dotted name where that fits kLavaNameMax,
// else its first characters and a hash of the whole. A name that had to be
// shortened is preceded by a comment naming the test it stands for.
struct LavaName {
  std::string name;
  bool shortened = false;
};
LavaName lava_name(const std::string& dotted_name) {
  if (dotted_name.size() <= kLavaNameMax) return {dotted_name, false};
  char suffix[16];
  std::snprintf(suffix, sizeof suffix, "-%08x", fnv1a(dotted_name));
  return {dotted_name.substr(0, kLavaNameMax - 9) + suffix, true};
}

void test_case(std::ostringstream& out, const std::string& test, const std::string& dotted_name,
               const std::string& result) {
  LavaName lava = lava_name(dotted_name);
  if (lava.shortened) out << "# " << lava.name << " is " << test << " (--gtest_filter='" << test << "')\n";
  out << "lava-test-case " << lava.name << " --result " << result << "\n";
}

}  // namespace

std::string lava_lines(const std::vector<ResultFile>& files, const std::vector<BenchFile>& benches) {
  std::ostringstream out;
  for (const ResultFile& file : files) {
    std::string cell = sanitize(file.run.context_of(schema::kCell, "host")).substr(0, kLavaNameMax);
    out << "lava-test-set start " << cell << "\n";
    for (const TestRecord& result : file.run.results) {
      const char* verdict = result.outcome == Outcome::Pass   ? "pass"
                            : result.outcome == Outcome::Skip ? "skip"
                                                              : "fail";
      test_case(out, result.name, dotted(result.name), verdict);
    }
    // A test the cell had to run without a result fails; so does a cell that judged nothing.
    if (file.expected_tests) {
      for (const std::string& name : *file.expected_tests) {
        if (file.is_missing(name)) test_case(out, name, dotted(name), "fail");
      }
    }
    if (auto unjudged = file.unjudged())
      out << "lava-test-case judged --result " << (unjudged->known ? "skip" : "fail") << "\n";
    // The cell's kernel log: fail on a complaint its expectations do not know.
    if (file.kernel_log) {
      out << "lava-test-case kernel_log --result " << (file.kernel_log->unknown.empty() ? "pass" : "fail") << "\n";
    }
    out << "lava-test-set stop\n";
  }
  for (const BenchFile& bench : benches) {
    std::string cell = sanitize(bench.run.context_of(schema::kCell, "host")).substr(0, kLavaNameMax - 6);
    out << "lava-test-set start " << cell << ".bench\n";
    for (const BenchResult& result : bench.run.results) {
      if (result.unsupported || result.broken) {
        test_case(out, result.name, dotted(result.name), result.unsupported ? "skip" : "fail");
        continue;
      }
      for (const auto& [counter, value] : result.counters) {
        std::string unit = counter_unit(counter);
        char number[64];
        std::snprintf(number, sizeof number, "%.6g", value);
        LavaName lava = lava_name(dotted(result.name) + "." + sanitize(counter));
        if (lava.shortened) out << "# " << lava.name << " is " << result.name << " " << counter << "\n";
        out << "lava-test-case " << lava.name << " --result pass --measurement " << number << " --units " << unit
            << "\n";
      }
    }
    out << "lava-test-set stop\n";
  }
  return out.str();
}

}  // namespace fc
