// SPDX-License-Identifier: MIT
#include "results/bench_json.h"

#include "harness/timeouts.h"
#include "results/bench_curves.h"
#include "results/schema.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <regex>

namespace fc {
namespace {

bool is_standard_key(const std::string& key) {
  static const char* const kKeys[] = {"name",
                                      "family_index",
                                      "per_family_instance_index",
                                      "run_name",
                                      "run_type",
                                      "repetitions",
                                      "repetition_index",
                                      "threads",
                                      "iterations",
                                      "real_time",
                                      "cpu_time",
                                      "time_unit",
                                      "error_occurred",
                                      "error_message",
                                      "aggregate_name",
                                      "aggregate_unit",
                                      "label"};
  return std::any_of(std::begin(kKeys), std::end(kKeys), [&](const char* k) { return key == k; });
}

std::string base_name(const std::string& name) {
  std::string out;
  std::size_t start = 0;
  while (start <= name.size()) {
    std::size_t end = name.find('/', start);
    std::string part = name.substr(start, end == std::string::npos ? std::string::npos : end - start);
    bool suffix = part.rfind("iterations:", 0) == 0 || part == "manual_time" || part == "real_time" ||
                  part.rfind("min_time:", 0) == 0 || part.rfind("repeats:", 0) == 0 || part.rfind("threads:", 0) == 0;
    if (!suffix) out += (out.empty() ? "" : "/") + part;
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return out;
}

}  // namespace

std::optional<BenchRun> parse_bench_json(std::string_view text, std::string& error) {
  nlohmann::json document;
  try {
    document = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    error = std::string("not JSON: ") + e.what();
    return std::nullopt;
  }
  if (!document.is_object() || !document.contains("benchmarks") || !document["benchmarks"].is_array()) {
    error = "not a Google Benchmark JSON result (no \"benchmarks\" array)";
    return std::nullopt;
  }
  BenchRun run;
  try {
    if (document.contains("context")) {
      for (const auto& [key, value] : document["context"].items()) {
        run.context[key] = value.is_string() ? value.get<std::string>() : value.dump();
      }
    }
    for (const auto& entry : document["benchmarks"]) {
      if (entry.value("run_type", "iteration") != "iteration") continue;  // aggregates
      BenchResult result;
      result.name = base_name(entry.at("name").get<std::string>());
      if (entry.value("error_occurred", false)) {
        result.message = entry.value("error_message", "");
        result.unsupported = result.message.rfind("unsupported: ", 0) == 0;
        result.broken = !result.unsupported;
      }
      for (const auto& [key, value] : entry.items()) {
        if (!is_standard_key(key) && value.is_number()) result.counters[key] = value.get<double>();
      }
      run.results.push_back(std::move(result));
    }
  } catch (const nlohmann::json::exception& e) {
    error = std::string("malformed benchmark JSON: ") + e.what();
    return std::nullopt;
  }
  return run;
}

namespace {

bool is_no_wait(const std::string& name) { return name.ends_with("/" + std::string(schema::kStrategyNoWait)); }

}  // namespace

std::vector<std::string> required_counters(const std::string& name) {
  using namespace schema;
  auto names = [](std::initializer_list<std::string_view> counters) {
    std::vector<std::string> out;
    for (std::string_view counter : counters) out.emplace_back(counter);
    return out;
  };
  if (name == kBenchWakeVsPoll) {
    return names({kP50Us, kP99Us, kSamples, kEarlyWakes, kPollP50Us, kXPoll, kXPollLo, kXPollHi});
  }
  if (name == kBenchEventfdWake || name.starts_with(kBenchWake)) return names({kP50Us, kP99Us, kSamples, kEarlyWakes});
  if (name.starts_with(kBenchCurve)) return curve_counters(name);
  if (name == kBenchHelperVsPoll) return names({kNsPerOp, kFloorNs, kXFloor, kPollNs, kXPoll});
  if (name == kBenchTraced) return names({kNsPerOp, kFloorNs, kXFloor, kBareNs, kXBare, kTracedNs, kXTraced});
  if (name.starts_with(kBenchFloor) || name.starts_with(kBenchIdle)) return names({kNsPerOp, kFloorNs, kXFloor});
  if (name.starts_with(kBenchRace)) {
    std::vector<std::string> counters = names({kFrames, kStaleRatio, kTornRatio, kWaitP50Us, kWaitP99Us, kFps});
    if (is_no_wait(name)) counters.push_back(std::string(kUnfencedRatio));
    return counters;
  }
  return {};
}

std::string counter_unit(const std::string& counter) {
  if (counter.ends_with("_us")) return "us";
  if (counter == schema::kEarlyWakes) return "count";
  if (counter.ends_with("_ns") || counter.starts_with("ns_per_")) return "ns";
  if (counter == schema::kFps) return "fps";
  if (counter == schema::kFrames || counter == schema::kSamples || counter.ends_with("_frames")) return "count";
  return "ratio";
}

// Values, not only their presence: times are never negative; no waiter woke
// before its fence signalled; on the reference lane (vgem_cpu, which always
// fences) a consumer that waits never reads a stale or torn frame.
std::vector<std::string> check_bench_values(const BenchResult& result) {
  std::vector<std::string> problems;
  auto find = [&](std::string_view counter) { return result.counters.find(std::string(counter)); };
  for (const auto& [counter, value] : result.counters) {
    if ((counter_unit(counter) == "us" || counter_unit(counter) == "ns") && value < 0) {
      problems.push_back(counter + " is negative (" + std::to_string(value) + ")");
    }
  }
  if (auto early = find(schema::kEarlyWakes); early != result.counters.end() && early->second != 0) {
    problems.push_back(std::to_string(static_cast<long>(early->second)) +
                       " wake-up(s) returned before the fence's own signal timestamp");
  }
  const bool reference = result.name.starts_with(schema::kBenchReferenceRace);
  const bool reference_waits = reference && !is_no_wait(result.name);
  // The reference producer fences every frame: not one may show its write in flight without a fence.
  if (auto unfenced = find(schema::kUnfencedRatio);
      reference && unfenced != result.counters.end() && unfenced->second != 0) {
    problems.push_back(std::string(schema::kUnfencedRatio) + " " + std::to_string(unfenced->second) +
                       ": the reference producer fences every frame, so none may be seen in flight without a fence");
  }
  // A wake-up later than the suite's own wake bound is a wake that did not
  // come (harness/deadline.h kWakeBound): a Wake/ benchmark's, and a cost
  // curve's whose points are wake-ups.
  if (result.name.starts_with(schema::kBenchWake) ||
      (result.name.starts_with(schema::kBenchCurve) && find(schema::kP50Us) != result.counters.end())) {
    constexpr double kWakeBoundUs = std::chrono::microseconds(timeouts::kWakeBound).count();
    for (std::string_view counter : {schema::kP50Us, schema::kP99Us, schema::kFirstP50Us, schema::kPollP50Us}) {
      if (auto found = find(counter); found != result.counters.end() && found->second > kWakeBoundUs) {
        problems.push_back(std::string(counter) + " " + std::to_string(static_cast<long>(found->second)) +
                           " us: a wake-up later than the suite's wake bound (timeouts::kWakeBound, " +
                           std::to_string(timeouts::kWakeBound.count()) + " ms)");
      }
    }
  }
  if (reference_waits) {
    for (std::string_view counter : {schema::kStaleRatio, schema::kTornRatio}) {
      if (auto found = find(counter); found != result.counters.end() && found->second != 0) {
        problems.push_back(
            std::string(counter) + " " + std::to_string(found->second) +
            ": the reference producer fences every frame, so a consumer that waits must read each one whole");
      }
    }
  }
  return problems;
}

std::vector<std::string> check_bench_run(const BenchRun& run, const std::vector<Pattern>& allowed_skips,
                                         const std::vector<Pattern>& must_race) {
  std::vector<std::string> problems;
  if (run.results.empty()) problems.push_back("no benchmark ran");
  for (const Pattern& pattern : must_race) {
    if (std::none_of(run.results.begin(), run.results.end(),
                     [&](const BenchResult& r) { return std::regex_match(r.name, pattern.regex); })) {
      problems.push_back(pattern.source + ": a races entry that matches no benchmark of this run");
    }
  }
  for (const BenchResult& result : run.results) {
    const bool races = std::any_of(must_race.begin(), must_race.end(),
                                   [&](const Pattern& p) { return std::regex_match(result.name, p.regex); });
    if (races && !result.unsupported && !result.broken) {
      auto ratio = [&](std::string_view counter) {
        auto found = result.counters.find(std::string(counter));
        return found == result.counters.end() ? 0.0 : found->second;
      };
      if (ratio(schema::kStaleRatio) + ratio(schema::kTornRatio) <= 0) {
        problems.push_back(result.name +
                           ": read every frame whole without waiting, on a lane where the write is "
                           "still in flight at the read: the race did not race, so its stale ratios prove nothing");
      }
    }
    if (result.broken) {
      problems.push_back(result.name + ": " + result.message);
    } else if (result.unsupported) {
      bool allowed = std::any_of(allowed_skips.begin(), allowed_skips.end(),
                                 [&](const Pattern& p) { return std::regex_match(result.name, p.regex); });
      if (!allowed) problems.push_back(result.name + ": skipped, not allowed in this cell: " + result.message);
    } else {
      for (const std::string& counter : required_counters(result.name)) {
        if (!result.counters.count(counter)) problems.push_back(result.name + ": no counter " + counter);
      }
      for (const std::string& problem : check_bench_values(result)) problems.push_back(result.name + ": " + problem);
    }
  }
  return problems;
}

}  // namespace fc
