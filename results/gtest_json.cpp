#include "results/gtest_json.h"

#include <nlohmann/json.hpp>

#include <cstdlib>

namespace fc {
namespace {

// Keys gtest writes itself for every test; the rest are recorded properties.
bool is_gtest_key(const std::string& key) {
  static const char* const kKeys[] = {"name",      "file",  "line",   "status",    "result",   "timestamp",
                                      "time",      "classname", "failures", "value_param", "type_param", "skipped"};
  for (const char* known : kKeys) {
    if (key == known) return true;
  }
  return false;
}

}  // namespace

const std::string* find_property(const Properties& properties, const std::string& key) {
  for (const auto& [name, value] : properties) {
    if (name == key) return &value;
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
        TestResult result;
        result.name = suite_name + "." + test.at("name").get<std::string>();
        if (test.value("status", "RUN") == "NOTRUN") continue;  // filtered or disabled
        const std::string verdict = test.value("result", "COMPLETED");
        result.seconds = std::strtod(test.value("time", "0s").c_str(), nullptr);
        result.started = test.value("timestamp", "");
        if (verdict == "CRASH" || verdict == "TIMEOUT") {  // fencecheck --isolate / --resume
          result.outcome = verdict == "CRASH" ? Outcome::Crash : Outcome::Timeout;
          if (test.contains("failures") && !test["failures"].empty()) {
            result.message = test["failures"][0].value("failure", "");
          }
        } else if (test.contains("failures") && !test["failures"].empty()) {
          result.outcome = Outcome::Fail;
          result.message = test["failures"][0].value("failure", "");
        } else if (verdict == "SKIPPED") {
          result.outcome = Outcome::Skip;
          if (test.contains("skipped")) result.message = test["skipped"][0].value("message", "");
        }
        auto& properties = run.properties[result.name];
        for (const auto& [key, value] : test.items()) {
          if (!is_gtest_key(key) && value.is_string()) properties.emplace_back(key, value.get<std::string>());
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

}  // namespace fc
