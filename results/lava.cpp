// SPDX-License-Identifier: MIT
// LAVA test-case lines: one per result, one per benchmark counter (a measurement).
#include <cstdio>
#include <sstream>

#include "results/report.h"
#include "results/schema.h"
#include "results/text.h"

namespace fc {

std::string lava_lines(const std::vector<ResultFile>& files, const std::vector<BenchFile>& benches) {
  std::ostringstream out;
  for (const ResultFile& file : files) {
    std::string cell = sanitize(file.run.context_of(schema::kCell, "host"));
    for (const TestRecord& result : file.run.results) {
      const char* verdict = result.outcome == Outcome::Pass   ? "pass"
                            : result.outcome == Outcome::Skip ? "skip"
                                                              : "fail";
      out << "lava-test-case " << cell << "." << dotted(result.name) << " --result " << verdict << "\n";
    }
    // A test the cell had to run without a result fails; so does a cell that judged nothing.
    if (file.expected_tests) {
      for (const std::string& name : *file.expected_tests) {
        if (file.is_missing(name)) out << "lava-test-case " << cell << "." << dotted(name) << " --result fail\n";
      }
    }
    if (auto unjudged = file.unjudged()) {
      out << "lava-test-case " << cell << ".judged --result " << (unjudged->known ? "skip" : "fail") << "\n";
    }
  }
  for (const BenchFile& bench : benches) {
    std::string cell = sanitize(bench.run.context_of(schema::kCell, "host"));
    for (const BenchResult& result : bench.run.results) {
      if (result.unsupported || result.broken) {
        out << "lava-test-case " << cell << ".bench." << dotted(result.name) << " --result "
            << (result.unsupported ? "skip" : "fail") << "\n";
        continue;
      }
      for (const auto& [counter, value] : result.counters) {
        std::string unit = counter_unit(counter);
        char number[64];
        std::snprintf(number, sizeof number, "%.6g", value);
        out << "lava-test-case " << cell << ".bench." << dotted(result.name) << "." << sanitize(counter)
            << " --result pass --measurement " << number << " --units " << unit << "\n";
      }
    }
  }
  return out.str();
}

}  // namespace fc
