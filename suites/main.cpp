// fencecheck: a GoogleTest binary. All gtest flags work (--gtest_list_tests,
// --gtest_filter, --gtest_output=json:FILE|xml:FILE); fencecheck adds its own.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "fixtures/run_environment.h"
#include "fixtures/run_options.h"
#include "fixtures/summary_listener.h"
#include "harness/device.h"
#include "harness/probe.h"

namespace {

constexpr const char* kUsage =
    "fencecheck: implicit-fence conformance for dma-bufs (EXPORT_SYNC_FILE, poll, DMA_BUF_IOCTL_SYNC)\n"
    "\n"
    "fencecheck options (gtest's own follow):\n"
    "  --list-devices     print every DRM device found (node, driver, version, bus, PCI ids) and exit\n"
    "  --lane=NAME        name this run's lane (vgem, virgl, ...) in the summary\n"
    "  --device=SPEC      the DRM device the GPU tests write with: a node (/dev/dri/renderD128)\n"
    "                     or a driver name (virtio_gpu); default: the first non-vgem render node,\n"
    "                     else vgem\n"
    "  --skip-is-failure  a missing capability fails the test instead of skipping it\n"
    "                     (for CI lanes whose hardware is known)\n"
    "Environment: FENCECHECK_DEVICE and FENCECHECK_LANE stand in for --device and --lane (for\n"
    "runners that pass no arguments, such as deqp-runner's gtest-runner).\n"
    "\n";

int list_devices() {
  auto devices = fc::discover_drm_devices();
  std::printf("kernel %s\n", fc::kernel_release().c_str());
  if (devices.empty()) {
    std::printf("no DRM devices found (/dev/dri is empty or absent): this kernel exposes no GPU.\n"
                "./run.sh runs the suite in a VM with a real kernel instead.\n");
    return 0;
  }
  std::printf("%zu DRM device(s):\n", devices.size());
  for (const fc::DrmDevice& device : devices) std::printf("  %s\n", device.describe().c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string command;
  for (int i = 0; i < argc; ++i) command += (i ? " " : "") + std::string(argv[i]);
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h" || arg == "-?") std::fputs(kUsage, stdout);
  }
  ::testing::InitGoogleTest(&argc, argv);

  fc::RunOptions options;
  if (const char* device = std::getenv("FENCECHECK_DEVICE")) options.device = device;
  if (const char* lane = std::getenv("FENCECHECK_LANE")) options.lane = lane;
  bool want_devices = false;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--list-devices") {
      want_devices = true;
    } else if (arg == "--skip-is-failure") {
      options.skip_is_failure = true;
    } else if (arg.starts_with("--lane=")) {
      options.lane = arg.substr(7);
    } else if (arg.starts_with("--device=")) {
      options.device = arg.substr(9);
    } else {
      std::fprintf(stderr, "fencecheck: unknown option '%s' (see --help)\n", argv[i]);
      return 2;
    }
  }
  if (want_devices) return list_devices();

  fc::set_run_options(options);
  ::testing::AddGlobalTestEnvironment(new fc::RunEnvironment(command));
  ::testing::UnitTest::GetInstance()->listeners().Append(new fc::SummaryListener(stdout, options.lane));
  return RUN_ALL_TESTS();
}
