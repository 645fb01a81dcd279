// SPDX-License-Identifier: MIT
// The answer first: what a person opening the matrix came for, one row per
// cell x producer (a driver and an API), read from the GPU tests' results.
//   consumer sync  the deciding test, Gpu/GpuWrite.ExportRightAfterSubmitIsPending/P:
//                  with implicit sync (GL) "fences GPU writes" or "attaches no
//                  fence (reads race)"; through the explicit bridge (Vulkan)
//                  "explicit bridge works" or "explicit bridge fails"
//   bridge         Gpu/GpuBridge.*: the explicit bridge on its own, for every producer
//   implicit       Gpu/GpuPlainSubmit.*'s property (Vulkan: informational only)
// with the gate kind the deciding test saw and its evidence (the failure's
// first line, else the fence the kernel returned).
#pragma once

#include <string>
#include <vector>

#include "results/report.h"

namespace fc {

struct DriverVerdict {
  enum class Kind { Good, Bad, NotJudged };
  std::string cell;      // fencecheck.cell
  std::string driver;    // the device's driver and the renderer that wrote
  std::string producer;  // gl, vulkan, vgem-cpu
  Kind kind = Kind::NotJudged;
  std::string verdict;   // "fences GPU writes", "attaches no fence (reads race)", ..., "not judged"
  std::string bridge;    // "works", "fails", "not available: ...", "not run"
  std::string implicit;  // the plain-submit property where recorded ("no (0 of 4 ...)"), else ""
  std::string gate;      // what the deciding test's gates did
  std::string evidence;  // the deciding test's failure or skip line, else its first fence
  std::string test;      // the deciding test's ID
};

// The deciding test's ID, without its producer: a result says what it
// decides (schema::kVerdictRole); only a test with no result at all (MISSING
// from the cell's test list) is known by its ID.
inline constexpr std::string_view kDecidingTest = "Gpu/GpuWrite.ExportRightAfterSubmitIsPending/";

// One row per file x producer that has a deciding test (schema::kRoleDeciding), in file order.
[[nodiscard]] std::vector<DriverVerdict> driver_verdicts(const std::vector<ResultFile>& files);

}  // namespace fc
