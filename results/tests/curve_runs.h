// SPDX-License-Identifier: MIT
// Made-up benchmark runs with cost curves, for the curves' and the plot's tests.
#pragma once

#include <cmath>
#include <string>
#include <vector>

#include "results/bench_json.h"

namespace fc::test_runs {

// A curve's points as Curve/<prefix>/<N> results of y = f(N).
inline void add_curve(BenchRun& run, const std::string& prefix, const std::string& y, std::vector<long> ns,
                      double (*f)(double)) {
  for (long n : ns) {
    BenchResult point{prefix + "/" + std::to_string(n), false, false, "", {}};
    point.counters[y] = f(static_cast<double>(n));
    run.results.push_back(point);
  }
}

inline BenchRun run_of(const std::string& size) {
  BenchRun run;
  run.context = {{"fencecheck.cell", "vgem@linux-6.1@mesa-22.3"}, {"bench.size", size}};
  return run;
}

inline double flat(double n) { return 150 + 10 * std::sin(n); }  // noise, no trend
inline double linear(double n) { return 40 * n; }

}  // namespace fc::test_runs
