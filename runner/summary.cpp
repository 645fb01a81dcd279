#include "runner/summary.h"

#include "results/report.h"

#include <algorithm>
#include <sstream>

namespace fc {
namespace {

const char* tag(TestOutcome::Verdict verdict) {
  switch (verdict) {
    case TestOutcome::Verdict::Passed: return "PASS";
    case TestOutcome::Verdict::Failed: return "FAIL";
    case TestOutcome::Verdict::Skipped: return "SKIP";
  }
  return "?";
}

}  // namespace

Tally tally(const RunSummary& summary) {
  Tally counts;
  for (const TestOutcome& test : summary.tests) {
    switch (test.verdict) {
      case TestOutcome::Verdict::Passed: ++counts.passed; break;
      case TestOutcome::Verdict::Failed: ++counts.failed; break;
      case TestOutcome::Verdict::Skipped: ++counts.skipped; break;
    }
  }
  return counts;
}

std::string format_summary(const RunSummary& summary) {
  std::ostringstream out;
  Tally counts = tally(summary);
  out << "fencecheck summary: lane " << (summary.lane.empty() ? "host" : summary.lane) << ", kernel "
      << summary.kernel_release << "\n";
  out << "  " << counts.passed << " passed, " << counts.failed << " failed, " << counts.skipped << " skipped ("
      << summary.tests.size() << " tests)\n";

  bool header = false;
  for (const TestOutcome& test : summary.tests) {
    if (test.fences.empty()) continue;
    if (!header) out << "fence checks (what the kernel returned):\n";
    header = true;
    out << "  " << tag(test.verdict) << " " << test.name << "  [";
    const char* sep = "";
    for (const auto& [label, fence] : test.fences) {
      std::string shown = label;
      std::replace(shown.begin(), shown.end(), '_', ' ');
      out << sep << shown << ": " << fence;
      sep = "; ";
    }
    out << "]\n";
  }

  // Skips grouped by reason: on a host without DRM that is one line, not fifty.
  std::vector<std::pair<std::string, int>> reasons;
  for (const TestOutcome& test : summary.tests) {
    if (test.verdict != TestOutcome::Verdict::Skipped) continue;
    std::string reason = first_line(test.reason);
    auto it = std::find_if(reasons.begin(), reasons.end(), [&](const auto& r) { return r.first == reason; });
    if (it == reasons.end()) reasons.emplace_back(reason, 1);
    else ++it->second;
  }
  if (!reasons.empty()) out << "skipped, and why:\n";
  for (const auto& [reason, count] : reasons) out << "  " << count << " x " << reason << "\n";

  if (counts.failed > 0) out << "failed:\n";
  for (const TestOutcome& test : summary.tests) {
    if (test.verdict == TestOutcome::Verdict::Failed) out << "  FAIL " << test.name << ": " << first_line(test.reason) << "\n";
  }
  return out.str();
}

}  // namespace fc
