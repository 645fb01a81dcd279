// The per-lane summary printed at the end of a run: counts, and for every
// fence check what the kernel returned. Pure formatting, no gtest.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace fc {

struct TestOutcome {
  enum class Verdict { Passed, Failed, Skipped };
  std::string name;  // "Suite.Test/Param"
  Verdict verdict = Verdict::Passed;
  std::string reason;  // skip reason or first failure line
  std::vector<std::pair<std::string, std::string>> fences;  // label -> what FILE_INFO said
};

struct RunSummary {
  std::string lane;            // "vgem", or empty
  std::string kernel_release;
  std::vector<TestOutcome> tests;
};

// Counts per verdict.
struct Tally {
  int passed = 0, failed = 0, skipped = 0;
};
[[nodiscard]] Tally tally(const RunSummary& summary);

// Human-readable block, e.g.
//   fencecheck summary: lane vgem, kernel 6.1.0-56-amd64
//     52 passed, 0 failed, 0 skipped (52 tests)
//   fence checks (what the kernel returned):
//     PASS ExportSyncFile.X  [write fence READ: 1 fence: vgem/unbound active; ...]
// (underscores in labels, which property keys need, show as spaces)
[[nodiscard]] std::string format_summary(const RunSummary& summary);

}  // namespace fc
