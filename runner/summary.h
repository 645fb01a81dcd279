// SPDX-License-Identifier: MIT
// The per-cell summary printed at the end of a run: counts, and for every
// fence check what the kernel returned. Pure formatting, no gtest.
#pragma once

#include <string>
#include <vector>

#include "results/record.h"

namespace fc {

struct RunSummary {
  std::string cell;  // "vgem@linux-6.1@mesa-22.3", or empty on the host
  std::string kernel_release;
  std::vector<TestRecord> tests;
};

// Human-readable block, e.g.
//   fencecheck summary: cell vgem@linux-6.1@mesa-22.3, kernel 6.1.0-56-amd64
//     52 passed, 0 failed, 0 skipped (52 tests)
//   fence checks (what the kernel returned):
//     PASS ExportSyncFile.X  [write fence READ: 1 fence: vgem/unbound active; ...]
// (underscores in labels, which property keys need, show as spaces)
[[nodiscard]] std::string format_summary(const RunSummary& summary);

}  // namespace fc
