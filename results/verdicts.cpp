// SPDX-License-Identifier: MIT
#include "results/verdicts.h"

#include "results/schema.h"

namespace fc {
namespace {

std::string property_or(const TestRecord& record, std::string_view key, std::string fallback = {}) {
  const std::string* value = find_property(record.properties, key);
  return value ? *value : fallback;
}

// The line that says why: a failure's or skip's first line, else the first fence.
std::string evidence_of(const TestRecord& record) {
  if (!record.message.empty()) return first_line(record.message);
  auto fences = record.fences();
  return fences.empty() ? std::string() : fences.front().first + ": " + fences.front().second;
}

// The producer a GPU test ran, as its ID ends: "Gpu/GpuWrite.X/gl" -> "gl".
std::string param_of(const std::string& name) { return name.substr(name.rfind('/') + 1); }

bool has_role(const TestRecord& record, std::string_view role) {
  const std::string* value = find_property(record.properties, schema::kVerdictRole);
  return value != nullptr && *value == role;
}

// The run's test of that role for the producer param.
const TestRecord* find_role(const GtestRun& run, std::string_view role, const std::string& param) {
  for (const TestRecord& record : run.results) {
    if (has_role(record, role) && param_of(record.name) == param) return &record;
  }
  return nullptr;
}

std::string bridge_of(const GtestRun& run, const std::string& param) {
  const TestRecord* bridge = find_role(run, schema::kRoleBridge, param);
  if (!bridge) return "not run";
  switch (bridge->outcome) {
    case Outcome::Pass: return judgement(*bridge) == Judgement::FenceOnly ? "works (fence only)" : "works";
    case Outcome::Skip: return "not judged: " + first_line(bridge->message);
    default: return "fails: " + first_line(bridge->message);
  }
}

}  // namespace

std::vector<DriverVerdict> driver_verdicts(const std::vector<ResultFile>& files) {
  std::vector<DriverVerdict> rows;
  for (const ResultFile& file : files) {
    for (const TestRecord& record : file.run.results) {
      if (!has_role(record, schema::kRoleDeciding)) continue;
      const std::string param = param_of(record.name);
      DriverVerdict row;
      row.cell = file.run.context_of(schema::kCell);
      row.producer = property_or(record, schema::kProducer, param);
      // The test's own device, else (a test that skipped before it recorded
      // one) the run's, where the run had one: its describe() names nodes.
      std::string device = property_or(record, schema::kDeviceDriver);
      if (const std::string run_device = file.run.context_of(schema::kGpuDevice, "");
          device.empty() &&
          (run_device.find("  primary ") != std::string::npos || run_device.find("  render ") != std::string::npos)) {
        device = run_device;
      }
      row.driver = device.empty() ? "no device recorded" : device.substr(0, device.find(' '));
      for (std::string_view key : {schema::kGlRenderer, schema::kVulkanDevice}) {
        if (std::string renderer = property_or(record, key); !renderer.empty()) row.driver += " · " + renderer;
      }
      row.test = record.name;
      row.gate = property_or(record, schema::kGate, "-");
      row.evidence = evidence_of(record);
      const bool bridged = property_or(record, schema::kSync) == "bridge";
      switch (record.outcome) {
        case Outcome::Pass:
          row.kind = DriverVerdict::Kind::Good;
          row.verdict = bridged ? "explicit bridge works" : "fences GPU writes";
          if (judgement(record) == Judgement::FenceOnly) row.verdict += " (fence only)";
          break;
        case Outcome::Skip:
          row.kind = DriverVerdict::Kind::NotJudged;
          // Why, where the cell judged nothing (ResultFile::unjudged: compare's own rule).
          if (auto unjudged = file.unjudged()) {
            row.verdict = "not judged: " + first_line(unjudged->why);
          } else {
            row.verdict = "not judged";
          }
          break;
        case Outcome::Fail:
          row.kind = DriverVerdict::Kind::Bad;
          // Only the contradiction itself says the fence is missing; any other failure is said as it is.
          if (find_property(record.properties, schema::kUnfencedWrite)) {
            row.verdict = bridged ? "explicit bridge fails" : "attaches no fence (reads race)";
          } else {
            row.verdict = "no verdict: failed: " + first_line(record.message);
          }
          break;
        case Outcome::Crash:
        case Outcome::Timeout:
        case Outcome::Flake:
          // The run, not the fence, went wrong: a failure, but no statement about fencing.
          row.kind = DriverVerdict::Kind::Bad;
          row.verdict = "no verdict: the test ended as " + std::string(to_string(record.outcome));
      }
      row.bridge = bridge_of(file.run, param);
      if (const TestRecord* plain = find_role(file.run, schema::kRolePlainSubmit, param)) {
        for (const auto& [key, value] : plain->properties) {
          if (key.ends_with(schema::kImplicitFenceSuffix)) row.implicit = value;
        }
        if (row.implicit.empty() && plain->outcome == Outcome::Skip)
          row.implicit = "unknown: " + first_line(plain->message);
      }
      rows.push_back(std::move(row));
    }
    // A deciding test the cell had to run but has no result for: the run died or lost it.
    if (!file.expected_tests) continue;
    for (const std::string& name : *file.expected_tests) {
      if (!name.starts_with(kDecidingTest) || !file.is_missing(name)) continue;
      DriverVerdict row;
      row.cell = file.run.context_of(schema::kCell);
      row.producer = name.substr(kDecidingTest.size());
      row.driver = "-";
      row.test = name;
      row.kind = DriverVerdict::Kind::Bad;
      row.verdict = "no verdict: MISSING (no result; the run died or lost it)";
      row.bridge = bridge_of(file.run, row.producer);
      row.gate = "-";
      rows.push_back(std::move(row));
    }
  }
  return rows;
}

}  // namespace fc
