// SPDX-License-Identifier: MIT
// Reading Google Benchmark's JSON output (--benchmark_out_format=json), and
// what each fencecheck benchmark family must report.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "results/expectations.h"
#include "results/gtest_json.h"

namespace fc {

struct BenchResult {
  std::string name;          // without Google Benchmark's "/iterations:N", "/manual_time" suffixes
  bool unsupported = false;  // skipped because this lane lacks something ("unsupported: ...")
  bool broken = false;       // any other error
  std::string message;
  std::map<std::string, double> counters;
};

struct BenchRun {
  // Google Benchmark's context (host_name, num_cpus, ...) and fencecheck-bench's
  // own, under the context keys of results/schema.h.
  Context context;
  std::vector<BenchResult> results;

  // The context value for key, or fallback where it is absent or empty.
  [[nodiscard]] std::string context_of(std::string_view key, const std::string& fallback = "?") const {
    return context_value(context, key, fallback);
  }
};

[[nodiscard]] std::optional<BenchRun> parse_bench_json(std::string_view text, std::string& error);

// The counters a benchmark must produce, by its family (Floor/, Idle/, Wake/,
// Race/; a Curve/ point's from results/bench_curves.h's table).
[[nodiscard]] std::vector<std::string> required_counters(const std::string& name);

// The unit of a fencecheck-bench counter: "us", "ns" (ns_per_op too), "fps", "count", or "ratio".
[[nodiscard]] std::string counter_unit(const std::string& counter);

// Problems with a run, one line each: broken benchmarks, skips the lane's
// skip patterns do not allow, missing counters. Empty: the run is complete.
// What is wrong with one result's values (negative times, early wake-ups,
// wake-ups past the suite's wake bound, a waiting consumer reading stale
// frames on the reference lane);
// empty if nothing.
[[nodiscard]] std::vector<std::string> check_bench_values(const BenchResult& result);
// must_race: the benchmarks (STEM-bench-races.txt) that must read a stale or
// torn frame: a consumer that does not wait, on a lane whose producer's write
// is still in flight when the consumer reads (the reference producer's slow
// write; a driver that attaches no fence). If it reads every frame whole, the
// race did not race and the benchmark proves nothing; a pattern that matches
// no benchmark of the run is stale.
[[nodiscard]] std::vector<std::string> check_bench_run(const BenchRun& run, const std::vector<Pattern>& allowed_skips,
                                                       const std::vector<Pattern>& must_race = {});

}  // namespace fc
