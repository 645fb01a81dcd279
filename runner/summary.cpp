// SPDX-License-Identifier: MIT
#include "runner/summary.h"

#include <algorithm>
#include <sstream>

namespace fc {
namespace {

const char* tag(Outcome outcome) {
  switch (outcome) {
    case Outcome::Pass: return "PASS";
    case Outcome::Skip: return "SKIP";
    case Outcome::Fail: return "FAIL";
    case Outcome::Crash: return "CRASH";
    case Outcome::Timeout: return "TIMEOUT";
    case Outcome::Flake: return "FLAKE";
  }
  return "?";
}

}  // namespace

std::string format_summary(const RunSummary& summary) {
  std::ostringstream out;
  Tally counts = tally(summary.tests);
  out << "fencecheck summary: cell " << (summary.cell.empty() ? "host" : summary.cell) << ", kernel "
      << summary.kernel_release << "\n";
  auto passes_judging = [&](Judgement judged) {
    return std::count_if(summary.tests.begin(), summary.tests.end(),
                         [&](const TestRecord& t) { return t.outcome == Outcome::Pass && judgement(t) == judged; });
  };
  const auto fence_only = passes_judging(Judgement::FenceOnly), records_only = passes_judging(Judgement::Nothing);
  out << "  " << counts.passed << " passed";
  if (fence_only + records_only > 0) {
    out << " (" << fence_only << " judging the fence only: their content check could not fail here; " << records_only
        << " recording only)";
  }
  out << ", " << counts.failed << " failed, " << counts.skipped << " skipped (" << summary.tests.size() << " tests)\n";

  bool header = false;
  for (const TestRecord& test : summary.tests) {
    auto fences = test.fences();
    if (fences.empty()) continue;
    if (!header) out << "fence checks (what the kernel returned):\n";
    header = true;
    out << "  " << tag(test.outcome) << (judgement(test) == Judgement::FenceOnly ? " (fence only)" : "") << " "
        << test.name << "  [";
    const char* sep = "";
    for (auto& [label, fence] : fences) {
      std::replace(label.begin(), label.end(), '_', ' ');
      out << sep << label << ": " << fence;
      sep = "; ";
    }
    out << "]\n";
  }

  // Skips grouped by reason: on a host without DRM that is one line, not fifty.
  std::vector<std::pair<std::string, int>> reasons;
  for (const TestRecord& test : summary.tests) {
    if (test.outcome != Outcome::Skip) continue;
    std::string reason = first_line(test.message);
    auto it = std::find_if(reasons.begin(), reasons.end(), [&](const auto& r) { return r.first == reason; });
    if (it == reasons.end())
      reasons.emplace_back(reason, 1);
    else
      ++it->second;
  }
  if (!reasons.empty()) out << "skipped, and why:\n";
  for (const auto& [reason, count] : reasons) out << "  " << count << " x " << reason << "\n";

  if (counts.failed > 0) out << "failed:\n";
  for (const TestRecord& test : summary.tests) {
    if (is_failure(test.outcome))
      out << "  " << tag(test.outcome) << " " << test.name << ": " << first_line(test.message) << "\n";
  }
  return out.str();
}

}  // namespace fc
