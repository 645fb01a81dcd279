// SPDX-License-Identifier: MIT
// The bug-report block: what a test checked and expected, what the kernel
// returned, the environment and the command that reproduces it.
#include <algorithm>
#include <cctype>
#include <regex>
#include <sstream>

#include "results/report.h"
#include "results/reproducer.h"
#include "results/schema.h"

namespace fc {
namespace {

// The subsystem a maintainer files it under, dri-devel style, from the
// suite and the device the test ran on.
std::string subsystem_of(const std::string& test, const ResultFile& file, const TestRecord& result) {
  const std::string suite = test.substr(0, test.find('.'));
  if (suite.find("Udmabuf") != std::string::npos || test.find("/Udmabuf") != std::string::npos)
    return "dma-buf/udmabuf";
  if (suite.find("DmaHeap") != std::string::npos || test.find("/SystemHeap") != std::string::npos)
    return "dma-buf/heaps";
  if (suite.find("SyncFile") != std::string::npos || suite.find("Merge") != std::string::npos)
    return "dma-buf/sync_file";
  if (suite.find("Syncobj") != std::string::npos) return "drm/syncobj";
  std::string driver = file.run.context_of(schema::kGpuDevice, "");
  if (const std::string* own = find_property(result.properties, schema::kDeviceDriver)) driver = *own;
  driver = driver.substr(0, driver.find(' '));
  if (suite.find("Kms") != std::string::npos || test.starts_with("Gpu/"))
    return "drm/" + std::string(driver == "virtio_gpu" ? "virtio" : driver.empty() ? "?" : driver);
  if (suite.find("Vgem") != std::string::npos || test.find("Vgem") != std::string::npos) return "drm/vgem";
  return "dma-buf";
}

// A failure message without gtest's own lines (locations, "Expected
// equality", operands and their values): what the check itself said.
std::vector<std::string> check_messages(const std::string& message) {
  std::vector<std::string> lines;
  std::istringstream in(message);
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || is_location_line(line) || line.ends_with(": Failure") || line == "Failed") continue;
    if (line.starts_with("Expected") || line.starts_with("Value of:") || line.starts_with("  Actual:") ||
        line.starts_with("Actual:") || line.starts_with("Which is:") || line.starts_with("  ") ||
        line.starts_with("With diff:"))
      continue;
    lines.push_back(line);
  }
  return lines;
}

// A check's words as a subject's: no parenthesised detail ("(memfd=5 ...)",
// "(Cannot allocate memory)"), no descriptor numbers, and at most `budget`
// characters, cut at a clause where one keeps most of it, else at a word.
std::string subject_words(std::string text, std::size_t budget) {
  std::string plain;
  int depth = 0;
  for (char c : text) {
    if (c == '(') ++depth;
    if (depth == 0) plain += c;
    if (c == ')' && depth > 0) --depth;
  }
  // FC_EXPECT_ERRNO's "failed with ENOMEM; expected EINVAL" as a subject says it.
  plain = std::regex_replace(plain, std::regex(R"(failed with (\S+)\s*; expected (\S+))"), "returns $1, not $2");
  std::string out;
  std::istringstream words(plain);
  std::vector<std::string> kept;
  for (std::string word; words >> word;) kept.push_back(word);
  for (std::size_t i = 0; i < kept.size(); ++i) {
    if (kept[i] == "on" && i + 2 < kept.size() && kept[i + 1] == "fd") {
      ++i;  // "on fd 4": which descriptor is the program's business
      ++i;
      continue;
    }
    out += (out.empty() || kept[i] == ";" || kept[i] == ":" ? "" : " ") + kept[i];
  }
  if (out.size() <= budget) return out;
  std::size_t clause = std::string::npos;
  for (std::string_view mark : {"; ", ": ", ", "}) {
    std::size_t at = out.rfind(mark, budget);
    if (at != std::string::npos && at > budget * 3 / 5 && (clause == std::string::npos || at > clause)) clause = at;
  }
  if (clause != std::string::npos) return out.substr(0, clause);
  std::size_t space = out.rfind(' ', budget - 3);
  return out.substr(0, space == std::string::npos ? budget - 3 : space) + "...";
}

// "6.12.95+deb12-amd64" -> {6, 12, 95}: enough to find the newest.
std::vector<int> version_of(const std::string& release) {
  std::vector<int> parts;
  std::size_t at = 0;
  while (at < release.size() && std::isdigit(static_cast<unsigned char>(release[at]))) {
    std::size_t end = at;
    while (end < release.size() && std::isdigit(static_cast<unsigned char>(release[end]))) ++end;
    parts.push_back(std::stoi(release.substr(at, end - at)));
    if (end >= release.size() || release[end] != '.') break;
    at = end + 1;
  }
  return parts;
}

}  // namespace

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

  // Where it fails and where it passes, among every file given.
  std::vector<std::pair<std::string, Outcome>> kernels;
  for (const ResultFile& file : files) {
    if (const TestRecord* found = file.run.find(test))
      kernels.emplace_back(file.run.context_of(schema::kKernelRelease), found->outcome);
  }
  std::string failing, passing, newest_passing;
  for (const auto& [release, outcome] : kernels) {
    std::string& list = outcome == Outcome::Pass ? passing : failing;
    if (outcome == Outcome::Skip) continue;
    if (list.find(release) == std::string::npos) list += (list.empty() ? "" : ", ") + release;
    if (outcome == Outcome::Pass && (newest_passing.empty() || version_of(release) > version_of(newest_passing)))
      newest_passing = release;
  }
  const std::vector<std::string> said = check_messages(result->message);

  std::ostringstream out;
  // A subject a maintainer's list expects, in 75 characters: subsystem,
  // what the check said, the kernel (its X.Y).
  const std::vector<int> release = version_of(run.context_of(schema::kKernelRelease));
  const std::string where = result->outcome == Outcome::Pass || release.size() < 2
                                ? std::string()
                                : " (Linux " + std::to_string(release[0]) + "." + std::to_string(release[1]) + ")";
  const std::string prefix = subsystem_of(test, *chosen, *result) + ": ";
  const std::string what = said.empty() ? test + " " + std::string(to_string(result->outcome)) : said.front();
  const std::size_t room = prefix.size() + where.size() < 60 ? 75 - prefix.size() - where.size() : 15;
  const std::string subject = prefix + subject_words(what, room) + where;
  out << subject << "\n\n";
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
  if (said.empty()) out << "    (no message: " << to_string(result->outcome) << ")\n";
  for (const std::string& line : said) out << "    " << line << "\n";

  out << "\nKernels:\n";
  out << "    fails on: " << (failing.empty() ? "none of the result files given" : failing) << "\n";
  out << "    passes on: " << (passing.empty() ? "none of the result files given" : passing);
  if (!newest_passing.empty()) out << " (newest: " << newest_passing << ")";
  out << "\n";

  if (chosen->kernel_log && !(chosen->kernel_log->unknown.empty() && chosen->kernel_log->known.empty())) {
    out << "\nThe kernel's log during the run:\n";
    for (const auto* part : {&chosen->kernel_log->unknown, &chosen->kernel_log->known})
      for (const std::string& line : *part) out << "    " << line << "\n";
  }

  // FILE_INFO only where the test made an export.
  bool any_fence = false;
  for (auto [label, value] : result->fences()) {
    if (!any_fence) out << "\nWhat the kernel returned (SYNC_IOC_FILE_INFO of each export):\n";
    std::replace(label.begin(), label.end(), '_', ' ');
    out << "    " << label << ": " << value << "\n";
    any_fence = true;
  }
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
  out << "    machine: " << run.context_of(schema::kMachineKind, run.context_of(schema::kMachine)) << ", cell "
      << run.context_of(schema::kCell) << "\n";
  out << "    fencecheck: " << run.context_of(schema::kVersion) << " (commit " << run.context_of(schema::kCommit)
      << ")\n";
  out << "    device: " << run.context_of(schema::kGpuDevice) << "\n";
  out << "    all DRM devices: " << run.context_of(schema::kDrmDevices) << "\n";
  for (const auto& [key, value] : properties) {
    if (key.starts_with(schema::kFencePrefix) || key == schema::kTrace) continue;
    out << "    " << key << ": " << value << "\n";
  }

  // The C reproducer, where the trace replays; else why not.
  const Reproducer reproducer = make_reproducer(run, *result);
  if (reproducer.replayable) {
    out << "\nReproducer (standalone C from the test's ioctl trace; cc -Wall -Werror repro.c && ./repro;\n"
           "exit 1: the kernel misbehaves, 0: it does not, 77: it cannot run there):\n\n";
    out << reproducer.source;
  } else {
    out << "\nNo C reproducer: " << reproducer.why_not.substr(0, reproducer.why_not.find('\n')) << "\n";
  }

  std::string filter = "--gtest_filter='" + test + "'";
  out << "\nReproduce with fencecheck:\n";
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
