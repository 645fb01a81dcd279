// SPDX-License-Identifier: MIT
// KCIDB I/O v5 JSON: checkouts per kernel release, builds per machine and
// kernel, a test per result and per benchmark counter, and an issue and an
// incident per known failure.
#include <set>

#include "results/report.h"
#include "results/schema.h"
#include "results/text.h"

namespace fc {
namespace {

constexpr const char* kOrigin = "fencecheck";

nlohmann::json misc_of(const Properties& properties) {
  nlohmann::json misc = nlohmann::json::object();
  for (const auto& [key, value] : properties) {
    if (key != schema::kTrace) misc[key] = value;  // the ioctl trace stays in the result file
  }
  return misc;
}

}  // namespace

nlohmann::json kcidb_report(const std::vector<ResultFile>& files, const std::vector<BenchFile>& benches) {
  nlohmann::json report = {{"version", {{"major", 5}, {"minor", 0}}}, {"checkouts", nlohmann::json::array()},
                           {"builds", nlohmann::json::array()},       {"tests", nlohmann::json::array()},
                           {"issues", nlohmann::json::array()},       {"incidents", nlohmann::json::array()}};
  std::set<std::string> checkouts, builds;

  // Where a run's tests come from, from its context (the same keys in
  // conformance and benchmark results): a checkout per kernel release, a
  // build per machine and kernel, and the test id and path prefixes.
  struct Source {
    std::string build_id, id_prefix, path_prefix;
    nlohmann::json environment;
  };
  auto source_of = [&](const Context& context) {
    std::string machine = context_value(context, schema::kMachine, "unknown");
    std::string cell = context_value(context, schema::kCell, "host");
    std::string release = context_value(context, schema::kKernelRelease, "unknown");
    std::string version = context_value(context, schema::kKernelVersion, "");
    std::string checkout_id = std::string(kOrigin) + ":kernel-" + sanitize(release, ".");
    Source source;
    source.build_id = std::string(kOrigin) + ":" + sanitize(machine, ".") + "-" + sanitize(release, ".");
    if (checkouts.insert(checkout_id).second) {
      report["checkouts"].push_back({{"id", checkout_id},
                                     {"origin", kOrigin},
                                     {"comment", "Linux " + release},
                                     {"misc", {{"kernel_release", release}, {"kernel_version", version}}}});
    }
    if (builds.insert(source.build_id).second) {
      report["builds"].push_back({{"id", source.build_id},
                                  {"origin", kOrigin},
                                  {"checkout_id", checkout_id},
                                  {"architecture", "x86_64"},
                                  {"comment", "kernel " + release + " as run on " + machine},
                                  {"misc",
                                   {{"kernel_version", version},
                                    {"fencecheck_version", context_value(context, schema::kVersion, "unknown")},
                                    {"fencecheck_commit", context_value(context, schema::kCommit, "unknown")}}}});
    }
    source.id_prefix = std::string(kOrigin) + ":" + sanitize(machine, ".") + "." + sanitize(cell) + ".";
    source.path_prefix = "fencecheck." + sanitize(cell) + ".";
    source.environment = {{"comment", machine + ", cell " + cell + ": " + context_value(context, schema::kGpuDevice)},
                          {"misc", context}};
    return source;
  };
  auto add_test = [&](const Source& source, const std::string& name, nlohmann::json test) {
    test["id"] = source.id_prefix + name;
    test["origin"] = kOrigin;
    test["build_id"] = source.build_id;
    test["path"] = source.path_prefix + name;
    test["environment"] = source.environment;
    report["tests"].push_back(std::move(test));
  };

  // A failure the cell's expectations list: KCIDB v5's way of saying "known"
  // is an issue (what is known, and why: the expectation's reason) and an
  // incident linking this test to it; the test's status stays FAIL.
  auto add_issue = [&](const Source& source, const ResultFile& file, const std::string& dotted_name,
                       const std::string& subject, const std::string& why) {
    const std::string cell = context_value(file.run.context, schema::kCell, "host");
    const std::string issue_id = std::string(kOrigin) + ":known." + sanitize(cell) + "." + dotted_name;
    report["issues"].push_back({{"id", issue_id},
                                {"version", 1},
                                {"origin", kOrigin},
                                {"report_subject", subject + ": " + why},
                                {"comment", "known for cell " + cell + " (its expectation files): " + why},
                                {"culprit", {{"code", true}}},
                                {"misc", {{"cell", cell}, {"test", subject}}}});
    report["incidents"].push_back({{"id", std::string(kOrigin) + ":incident." +
                                              source.id_prefix.substr(std::string(kOrigin).size() + 1) + dotted_name},
                                   {"origin", kOrigin},
                                   {"issue_id", issue_id},
                                   {"issue_version", 1},
                                   {"test_id", source.id_prefix + dotted_name},
                                   {"present", true}});
  };
  auto add_known_issue = [&](const Source& source, const ResultFile& file, const TestRecord& result) {
    auto reason = file.expectations->fail_reasons.find(result.name);
    add_issue(source, file, dotted(result.name), result.name,
              reason != file.expectations->fail_reasons.end()
                  ? reason->second.source
                  : std::string("listed in the cell's expectations without a reason"));
  };

  for (const ResultFile& file : files) {
    Source source = source_of(file.run.context);
    for (const TestRecord& result : file.run.results) {
      nlohmann::json test = {{"comment", result.name},
                             {"status", result.outcome == Outcome::Pass   ? "PASS"
                                        : result.outcome == Outcome::Skip ? "SKIP"
                                        : result.outcome == Outcome::Fail ? "FAIL"
                                                                          : "ERROR"},
                             {"duration", result.seconds},
                             {"misc", misc_of(result.properties)}};
      if (!result.message.empty()) test["log_excerpt"] = result.message.substr(0, 16384);
      if (!result.started.empty()) test["start_time"] = result.started;
      add_test(source, dotted(result.name), std::move(test));
      if (file.is_known_failure(result)) add_known_issue(source, file, result);
    }
    // The cell's kernel log as a test of its own: FAIL on any complaint (the
    // lines as its log_excerpt, unknown ones first), with an incident of a
    // known issue where its expectations know every one.
    if (file.kernel_log) {
      const KernelLogCheck& log = *file.kernel_log;
      std::string lines;
      for (const auto* part : {&log.unknown, &log.known})
        for (const std::string& line : *part) lines += line + "\n";
      nlohmann::json test = {
          {"comment", "the kernel's log during the cell: " + file.kernel_log_summary()},
          {"status", lines.empty() ? "PASS" : "FAIL"},
          {"misc", {{"unknown_complaints", log.unknown.size()}, {"known_complaints", log.known.size()}}}};
      if (!lines.empty()) test["log_excerpt"] = lines.substr(0, 16384);
      add_test(source, "kernel_log", std::move(test));
      if (log.unknown.empty() && !log.known.empty()) {
        add_issue(source, file, "kernel_log", "kernel log", "complaints its -kernel-complaints.txt knows");
      }
    }
  }
  for (const BenchFile& bench : benches) {
    Source source = source_of(bench.run.context);
    for (const BenchResult& result : bench.run.results) {
      if (result.unsupported || result.broken) continue;
      for (const auto& [counter, value] : result.counters) {
        std::string unit = counter_unit(counter);
        nlohmann::json number = {{"value", value}};
        if (unit == "us" || unit == "ns") number["unit"] = unit;
        if (unit == "fps") number["unit"] = "1/s";
        add_test(source, "bench." + dotted(result.name) + "." + sanitize(counter),
                 {{"comment", result.name + " " + counter}, {"status", "DONE"}, {"number", number}});
      }
    }
  }
  return report;
}

}  // namespace fc
