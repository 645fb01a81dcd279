// SPDX-License-Identifier: MIT
#include "results/gtest_json.h"

#include <nlohmann/json.hpp>

#include "results/schema.h"

#include <cstdio>
#include <cstdlib>
#include <map>

namespace fc {
namespace {

// Keys gtest writes itself for every test; the rest are recorded properties.
bool is_gtest_key(const std::string& key) {
  static const char* const kKeys[] = {"name", "file",      "line",     "status",      "result",     "timestamp",
                                      "time", "classname", "failures", "value_param", "type_param", "skipped"};
  for (const char* known : kKeys) {
    if (key == known) return true;
  }
  return false;
}

}  // namespace

std::string context_value(const Context& context, std::string_view key, const std::string& fallback) {
  auto it = context.find(std::string(key));
  return it == context.end() || it->second.empty() ? fallback : it->second;
}

const TestRecord* GtestRun::find(const std::string& name) const {
  for (const TestRecord& record : results) {
    if (record.name == name) return &record;
  }
  return nullptr;
}

std::optional<GtestRun> parse_gtest_json(std::string_view text, std::string& error) {
  // Ordered: a test's properties keep the order the test recorded them in.
  nlohmann::ordered_json document;
  try {
    document = nlohmann::ordered_json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    error = std::string("not JSON: ") + e.what();
    return std::nullopt;
  }
  if (!document.is_object() || !document.contains("testsuites") || !document["testsuites"].is_array()) {
    error = "not a gtest JSON result (no \"testsuites\" array)";
    return std::nullopt;
  }
  GtestRun run;
  try {
    for (const auto& [key, value] : document.items()) {
      if (value.is_string() && key != "time" && key != "name") run.context[key] = value.get<std::string>();
    }
    for (const auto& suite : document["testsuites"]) {
      const std::string suite_name = suite.at("name").get<std::string>();
      for (const auto& test : suite.at("testsuite")) {
        TestRecord result;
        result.name = suite_name + "." + test.at("name").get<std::string>();
        if (test.value("status", "RUN") == "NOTRUN") continue;  // filtered or disabled
        const std::string verdict = test.value("result", "COMPLETED");
        result.seconds = std::strtod(test.value("time", "0s").c_str(), nullptr);
        result.started = test.value("timestamp", "");
        if (verdict == "CRASH" || verdict == "TIMEOUT" || verdict == "FLAKE") {  // fencecheck --isolate / --resume
          result.outcome = verdict == "CRASH" ? Outcome::Crash : verdict == "FLAKE" ? Outcome::Flake : Outcome::Timeout;
          if (test.contains("failures") && !test["failures"].empty()) {
            result.message = test["failures"][0].value("failure", "");
          }
        } else if (test.contains("failures") && !test["failures"].empty()) {
          result.outcome = Outcome::Fail;
          result.message = test["failures"][0].value("failure", "");
        } else if (verdict == "SKIPPED") {
          result.outcome = Outcome::Skip;
          if (test.contains("skipped")) result.message = test["skipped"][0].value("message", "");
          if (result.message.empty()) result.message = test.value(std::string(schema::kSkipReason), "");
        }
        for (const auto& [key, value] : test.items()) {
          if (is_gtest_key(key) || key == schema::kSkipReason || !value.is_string()) continue;
          result.properties.emplace_back(key, value.get<std::string>());
        }
        run.results.push_back(std::move(result));
      }
    }
  } catch (const nlohmann::json::exception& e) {
    error = std::string("malformed gtest JSON: ") + e.what();
    return std::nullopt;
  }
  return run;
}

std::string gtest_json_text(const std::vector<TestRecord>& records, const Properties& context,
                            const std::string& timestamp) {
  nlohmann::ordered_json root;
  root["tests"] = records.size();
  root["failures"] = tally(records).failed;
  root["disabled"] = 0;
  root["errors"] = 0;
  root["timestamp"] = timestamp;
  for (const auto& [key, value] : context) root[key] = value;
  root["name"] = "AllTests";

  nlohmann::ordered_json suites = nlohmann::ordered_json::array();
  std::map<std::string, std::size_t> suite_index;
  for (const TestRecord& record : records) {
    auto dot = record.name.find('.');
    std::string suite = record.name.substr(0, dot);
    auto it = suite_index.find(suite);
    if (it == suite_index.end()) {
      it = suite_index.emplace(suite, suites.size()).first;
      suites.push_back({{"name", suite}, {"testsuite", nlohmann::ordered_json::array()}});
    }
    nlohmann::ordered_json test;
    test["name"] = record.name.substr(dot + 1);
    test["status"] = "RUN";
    test["result"] = record.outcome == Outcome::Skip      ? "SKIPPED"
                     : record.outcome == Outcome::Crash   ? "CRASH"
                     : record.outcome == Outcome::Timeout ? "TIMEOUT"
                     : record.outcome == Outcome::Flake   ? "FLAKE"
                                                          : "COMPLETED";
    char seconds[32];
    std::snprintf(seconds, sizeof seconds, "%.3fs", record.seconds);
    test["time"] = seconds;
    test["timestamp"] = record.started;
    for (const auto& [key, value] : record.properties) test[key] = value;
    if (record.outcome == Outcome::Skip && !record.message.empty()) {
      test["skipped"] = nlohmann::ordered_json::array({{{"message", record.message}}});
    } else if (is_failure(record.outcome)) {
      test["failures"] = nlohmann::ordered_json::array({{{"failure", record.message}, {"type", ""}}});
    }
    suites[it->second]["testsuite"].push_back(std::move(test));
  }
  root["testsuites"] = suites;
  return root.dump(2) + "\n";
}

}  // namespace fc
