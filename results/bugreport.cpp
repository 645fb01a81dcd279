// SPDX-License-Identifier: MIT
// The bug-report block: what a test checked and expected, what the kernel
// returned, the environment and the command that reproduces it.
#include <algorithm>
#include <sstream>

#include "results/report.h"
#include "results/schema.h"

namespace fc {

std::optional<std::string> bug_report(const std::vector<ResultFile>& files, const std::string& test) {
  const ResultFile* chosen = nullptr;
  const TestRecord* result = nullptr;
  for (const ResultFile& file : files) {
    const TestRecord* found = file.run.find(test);
    if (!found) continue;
    if (!chosen || (result->outcome == Outcome::Pass && found->outcome != Outcome::Pass)) {
      chosen = &file;
      result = found;
    }
  }
  if (!chosen) return std::nullopt;
  const GtestRun& run = chosen->run;
  const Properties& properties = result->properties;

  std::ostringstream out;
  out << "### fencecheck: " << test << " — " << to_string(result->outcome) << "\n\n";
  // What the test is for, in its own words (FC_DESCRIBE, recorded with its
  // result); results from before descriptions were recorded say so.
  if (const std::string* description = find_property(properties, schema::kDescription)) {
    out << "Expected: " << *description << "\n";
  } else {
    out << "Expected: the test to pass (this result file records no description of it: fencecheck --describe='" << test
        << "' prints it).\n";
  }
  if (chosen->expectations) {
    auto listed = chosen->expectations->fails.find(test);
    if (listed != chosen->expectations->fails.end()) {
      out << "(Already listed as a known " << to_string(listed->second) << " in this cell's expectations.)\n";
    }
  }
  out << "\nWhat happened:\n";
  std::istringstream message(result->message.empty()
                                 ? std::string("(no message: ") + std::string(to_string(result->outcome)) + ")"
                                 : result->message);
  for (std::string line; std::getline(message, line);) {
    if (is_location_line(line)) continue;
    out << "    " << line << "\n";
  }

  out << "\nWhat the kernel returned (SYNC_IOC_FILE_INFO of each export):\n";
  bool any_fence = false;
  for (auto [label, value] : result->fences()) {
    std::replace(label.begin(), label.end(), '_', ' ');
    out << "    " << label << ": " << value << "\n";
    any_fence = true;
  }
  if (!any_fence) out << "    (no export recorded)\n";
  if (find_property(properties, schema::kProducer)) {
    // A GPU test's verdict: what it rests on, on every kernel.
    out << "\nEvidence: the kernel's fence state (pending or signalled) at the export, against the producer's\n"
           "own word, asked after the export, that the write had not landed"
        << (find_property(properties, schema::kGate)
                ? " (and the gate that held the write: " + *find_property(properties, schema::kGate) + ")"
                : std::string())
        << ". Fence names are not evidence: a signalled fence is named by its driver before Linux 6.17\n"
           "(stub/stub for an idle buffer) and detached-driver/signaled-timeline since.\n";
  }

  out << "\nEnvironment:\n";
  out << "    kernel: " << run.context_of(schema::kKernelRelease) << " " << run.context_of(schema::kKernelVersion)
      << "\n";
  out << "    machine: " << run.context_of(schema::kMachine) << ", cell " << run.context_of(schema::kCell) << "\n";
  out << "    device: " << run.context_of(schema::kGpuDevice) << "\n";
  out << "    all DRM devices: " << run.context_of(schema::kDrmDevices) << "\n";
  for (const auto& [key, value] : properties) {
    if (key.starts_with(schema::kFencePrefix)) continue;
    out << "    " << key << ": " << value << "\n";
  }

  std::string filter = "--gtest_filter='" + test + "'";
  out << "\nReproduce:\n";
  std::string reproduce = run.context_of(schema::kReproduce, "");
  if (!reproduce.empty()) {
    out << "    " << reproduce << " " << filter << "\n";
  } else {
    std::string device = run.context_of(schema::kGpuDevice, "");
    out << "    build/fencecheck --device=" << device.substr(0, device.find(' ')) << " " << filter << "\n";
  }
  out << "    (the run's own command: " << run.context_of(schema::kCommand) << ")\n";
  return out.str();
}

}  // namespace fc
