// SPDX-License-Identifier: MIT
// same's report (results/commands.h).
#include <map>

#include "results/commands.h"
#include "results/text.h"

namespace fc {
namespace {

std::map<std::string, Outcome> outcomes_of(const GtestRun& run) {
  std::map<std::string, Outcome> outcomes;
  for (const TestRecord& result : run.results) outcomes[result.name] = result.outcome;
  return outcomes;
}

std::string said(Outcome value) { return std::string(to_string(value)); }

}  // namespace

Report same_verdicts(const std::string& reference_path, const GtestRun& reference_run, const std::string& path,
                     const GtestRun& results_run) {
  const auto reference = outcomes_of(reference_run), results = outcomes_of(results_run);
  Report report;
  int differences = 0;
  for (const auto& [name, expected] : reference) {
    auto found = results.find(name);
    if (found == results.end()) {
      appendf(report.text, "  MISSING   %s: %s in %s, no result in %s\n", name.c_str(), said(expected).c_str(),
              reference_path.c_str(), path.c_str());
      ++differences;
    } else if (found->second != expected) {
      appendf(report.text, "  DIFFERENT %s: %s in %s, %s in %s\n", name.c_str(), said(expected).c_str(),
              reference_path.c_str(), said(found->second).c_str(), path.c_str());
      ++differences;
    }
  }
  for (const auto& [name, actual] : results) {
    if (reference.contains(name)) continue;
    appendf(report.text, "  UNLISTED  %s: %s in %s, no result in %s\n", name.c_str(), said(actual).c_str(),
            path.c_str(), reference_path.c_str());
    ++differences;
  }
  appendf(report.text, "%s against %s: %zu tests, %s\n", path.c_str(), reference_path.c_str(), reference.size(),
          differences ? (std::to_string(differences) + " differ").c_str() : "the same verdicts");
  report.ok = differences == 0;
  return report;
}

}  // namespace fc
