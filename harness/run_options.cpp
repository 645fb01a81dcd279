// SPDX-License-Identifier: MIT
#include "harness/run_options.h"

#include <unistd.h>

#include "harness/probe.h"
#include "results/schema.h"
#include "results/version.h"

namespace fc {
namespace {
RunOptions& storage() {
  static RunOptions options;
  return options;
}
}  // namespace

const RunOptions& run_options() { return storage(); }
void set_run_options(RunOptions options) { storage() = std::move(options); }

std::vector<std::pair<std::string, std::string>> shared_run_context(const std::string& cell) {
  char host[256] = {};
  ::gethostname(host, sizeof host - 1);
  return {{std::string(schema::kMachine), host},
          {std::string(schema::kCell), cell.empty() ? "host" : cell},
          {std::string(schema::kKernelRelease), kernel_release()},
          {std::string(schema::kKernelVersion), kernel_version()},
          {std::string(schema::kMachineKind), machine_description()},
          {std::string(schema::kVersion), fencecheck_version()},
          {std::string(schema::kCommit), fencecheck_commit()}};
}

}  // namespace fc
