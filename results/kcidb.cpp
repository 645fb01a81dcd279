// KCIDB I/O v5 JSON: checkouts per kernel release, builds per machine and
// kernel, a test per result and per benchmark counter.
#include <map>
#include <regex>
#include <set>

#include "results/report.h"
#include "results/schema.h"
#include "results/text.h"

namespace fc {
namespace {

constexpr const char* kOrigin = "fencecheck";

nlohmann::json misc_of(const Properties& properties) {
  nlohmann::json misc = nlohmann::json::object();
  for (const auto& [key, value] : properties) misc[key] = value;
  return misc;
}

}  // namespace

nlohmann::json kcidb_report(const std::vector<ResultFile>& files, const std::vector<BenchFile>& benches) {
  nlohmann::json report = {{"version", {{"major", 5}, {"minor", 0}}},
                           {"checkouts", nlohmann::json::array()},
                           {"builds", nlohmann::json::array()},
                           {"tests", nlohmann::json::array()}};
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
                                  {"misc", {{"kernel_version", version}}}});
    }
    source.id_prefix = std::string(kOrigin) + ":" + sanitize(machine, ".") + "." + sanitize(cell) + ".";
    source.path_prefix = "fencecheck." + sanitize(cell) + ".";
    source.environment = {
        {"comment", machine + ", cell " + cell + ": " + context_value(context, schema::kGpuDevice)}, {"misc", context}};
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

std::vector<std::string> validate_kcidb(const nlohmann::json& report) {
  std::vector<std::string> problems;
  const std::regex origin("^[a-z0-9_]+$");
  const std::regex origin_id("^[a-z0-9_]+:.*$");
  const std::regex path("^([a-zA-Z0-9_-]+(\\.[a-zA-Z0-9_-]+)*)?$");
  const std::set<std::string> statuses = {"FAIL", "ERROR", "MISS", "PASS", "DONE", "SKIP"};
  const std::map<std::string, std::set<std::string>> allowed = {
      {"checkouts", {"_timestamp", "id", "origin", "tree_name", "git_repository_url", "git_commit_hash",
                     "git_commit_name", "git_commit_tags", "git_commit_message", "git_repository_branch",
                     "git_repository_branch_tip", "patchset_files", "patchset_hash", "message_id", "comment",
                     "start_time", "log_url", "log_excerpt", "valid", "misc", "origin_builds_finish_time",
                     "origin_tests_finish_time"}},
      {"builds", {"_timestamp", "checkout_id", "id", "origin", "comment", "start_time", "duration", "architecture",
                  "command", "compiler", "input_files", "output_files", "config_name", "config_url", "log_url",
                  "log_excerpt", "status", "misc"}},
      {"tests", {"_timestamp", "build_id", "id", "origin", "environment", "path", "comment", "log_url",
                 "log_excerpt", "status", "number", "waived", "start_time", "duration", "output_files", "misc"}}};
  const std::map<std::string, std::vector<std::string>> required = {
      {"checkouts", {"id", "origin"}}, {"builds", {"checkout_id", "id", "origin"}}, {"tests", {"build_id", "id", "origin"}}};

  if (!report.is_object()) return {"the report is not a JSON object"};
  if (!report.contains("version") || !report["version"].is_object() || !report["version"].contains("major") ||
      report["version"]["major"] != 5) {
    problems.push_back("version.major must be 5");
  }
  for (const auto& [key, value] : report.items()) {
    if (key != "version" && !allowed.count(key) && key != "issues" && key != "incidents") {
      problems.push_back("unknown top-level property '" + key + "'");
    }
  }
  for (const auto& [kind, keys] : allowed) {
    if (!report.contains(kind)) continue;
    if (!report[kind].is_array()) {
      problems.push_back(kind + " is not an array");
      continue;
    }
    std::size_t index = 0;
    for (const auto& object : report[kind]) {
      std::string where = kind + "[" + std::to_string(index++) + "]";
      if (!object.is_object()) {
        problems.push_back(where + " is not an object");
        continue;
      }
      for (const std::string& field : required.at(kind)) {
        if (!object.contains(field)) problems.push_back(where + " lacks required '" + field + "'");
      }
      for (const auto& [field, value] : object.items()) {
        if (!keys.count(field)) problems.push_back(where + " has '" + field + "', which v5 does not allow");
        if (value.is_null()) problems.push_back(where + "." + field + " is null");
      }
      auto check = [&](const char* field, const std::regex& pattern) {
        if (object.contains(field) && (!object[field].is_string() ||
                                       !std::regex_match(object[field].get<std::string>(), pattern))) {
          problems.push_back(where + "." + field + " does not match the schema's pattern");
        }
      };
      check("origin", origin);
      check("id", origin_id);
      check("checkout_id", origin_id);
      check("build_id", origin_id);
      check("path", path);
      if (object.contains("status") && (!object["status"].is_string() || !statuses.count(object["status"]))) {
        problems.push_back(where + ".status is not one of FAIL ERROR MISS PASS DONE SKIP");
      }
      if (object.contains("number")) {
        const auto& number = object["number"];
        if (!number.is_object() || !number.contains("value") || !number["value"].is_number()) {
          problems.push_back(where + ".number needs a numeric value");
        } else {
          for (const auto& [field, value] : number.items()) {
            if (field != "value" && field != "unit" && field != "prefix") {
              problems.push_back(where + ".number has '" + field + "'");
            }
          }
        }
      }
      if (object.contains("log_excerpt") && object["log_excerpt"].is_string() &&
          object["log_excerpt"].get<std::string>().size() > 16384) {
        problems.push_back(where + ".log_excerpt is longer than 16384");
      }
    }
  }
  return problems;
}

}  // namespace fc
