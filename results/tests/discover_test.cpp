// SPDX-License-Identifier: MIT
// Result files are found by one rule, in version order.
#include "results/discover.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace fc {
namespace {

TEST(Discover, VersionOrderComparesNumbersAsNumbers) {
  EXPECT_TRUE(version_less("vgem@linux-6.1@mesa-22.3", "vgem@linux-6.12@mesa-22.3"));
  EXPECT_TRUE(version_less("vgem@linux-6.9", "vgem@linux-6.12"));
  EXPECT_FALSE(version_less("vgem@linux-6.12", "vgem@linux-6.9"));
  EXPECT_TRUE(version_less("lavapipe@x", "vgem@x"));
  EXPECT_FALSE(version_less("a1", "a1"));
}

TEST(Discover, FindsCellsAndTheirBenchmarksAndNothingElse) {
  auto dir = std::filesystem::temp_directory_path() / ("fencecheck-discover-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  for (const char* name :
       {"vgem@linux-6.12@mesa-25.0.json", "vgem@linux-6.1@mesa-22.3.json", "vgem@linux-6.1@mesa-22.3-bench.json",
        "kcidb.json", "selftest-vgem.json", "vgem@linux-6.1@mesa-22.3.tests.txt", "vgem@linux-6.1@mesa-22.3.journal"}) {
    std::ofstream(dir / name) << "{}";
  }
  auto cells = discover_results(dir.string(), ResultKind::Conformance);
  auto benches = discover_results(dir.string(), ResultKind::Benchmark);
  std::filesystem::remove_all(dir);
  ASSERT_EQ(cells.size(), 2u);
  EXPECT_EQ(std::filesystem::path(cells[0]).filename(), "vgem@linux-6.1@mesa-22.3.json");
  EXPECT_EQ(std::filesystem::path(cells[1]).filename(), "vgem@linux-6.12@mesa-25.0.json");
  ASSERT_EQ(benches.size(), 1u);
  EXPECT_EQ(std::filesystem::path(benches[0]).filename(), "vgem@linux-6.1@mesa-22.3-bench.json");
  EXPECT_TRUE(discover_results("/nonexistent", ResultKind::Conformance).empty());
}

}  // namespace
}  // namespace fc
