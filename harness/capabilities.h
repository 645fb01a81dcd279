// SPDX-License-Identifier: MIT
// What a consumer decides on, per DRM device, asked of the kernel without
// changing anything (no commit, no fence): can it get a dma-buf's implicit
// fences out and in (EXPORT/IMPORT_SYNC_FILE), does the node have syncobjs,
// timelines and SYNCOBJ_EVENTFD (Mutter offers Wayland explicit sync only
// with the timeline cap), and atomic KMS with IN_FENCE_FD. Each answer is
// "yes", or "no (why)" with the errno or cap value the kernel gave.
// fencecheck --list-devices prints it; every run records it (drm.capabilities).
#pragma once

#include <string>
#include <vector>

#include "harness/device.h"

namespace fc {

struct Capability {
  std::string name;  // "EXPORT_SYNC_FILE", "syncobj", "syncobj timeline", ...
  bool present = false;
  std::string detail;  // why not (or how), e.g. "DRM_CAP_SYNCOBJ = 0", "ENOTTY"
};

// The kernel-side capabilities of one device, in a fixed order.
[[nodiscard]] std::vector<Capability> probe_capabilities(const DrmDevice& device);

// "EXPORT_SYNC_FILE yes, IMPORT_SYNC_FILE yes, syncobj no (DRM_CAP_SYNCOBJ = 0), ..."
[[nodiscard]] std::string describe(const std::vector<Capability>& capabilities);

}  // namespace fc
