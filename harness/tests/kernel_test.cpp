// SPDX-License-Identifier: MIT
// Kernel releases and what each is known to do.
#include "harness/kernel.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace fc {
namespace {

TEST(KernelRelease, ParsesDebianAndRcReleases) {
  EXPECT_EQ(parse_kernel_release("6.1.0-56-amd64"), (KernelVersion{6, 1}));
  EXPECT_EQ(parse_kernel_release("6.12.95+deb12-amd64"), (KernelVersion{6, 12}));
  EXPECT_EQ(parse_kernel_release("5.10.0-35-amd64"), (KernelVersion{5, 10}));
  EXPECT_EQ(parse_kernel_release("7.3.0-rc5-amd64"), (KernelVersion{7, 3}));
  EXPECT_EQ(parse_kernel_release("6.18.44-fc-v657"), (KernelVersion{6, 18}));
  EXPECT_FALSE(parse_kernel_release("unknown"));
  EXPECT_FALSE(parse_kernel_release("6"));
  EXPECT_LT((KernelVersion{5, 10}), (KernelVersion{6, 0}));
  EXPECT_LT((KernelVersion{6, 9}), (KernelVersion{6, 17}));
}

TEST(SignalledNames, TheDriversOwnBefore617DetachedSince) {
  const FenceNames vgem{"vgem", "unbound"};
  EXPECT_EQ(signalled_names(vgem, KernelVersion{6, 12}).driver, "vgem");
  EXPECT_EQ(signalled_names(vgem, KernelVersion{6, 1}).timeline, "unbound");
  EXPECT_EQ(signalled_names(vgem, KernelVersion{6, 17}).driver, "detached-driver");
  EXPECT_EQ(signalled_names(vgem, KernelVersion{7, 2}).timeline, "signaled-timeline");
  EXPECT_EQ(signalled_names(vgem, std::nullopt).driver, "detached-driver") << "unknown: the newest behaviour";
}

// A skip names what the booted kernel's own config says, so that a module
// that failed to load does not read as a kernel without it.
TEST(KernelConfig, SaysWhatTheBootedKernelsConfigSays) {
  const auto path = std::filesystem::temp_directory_path() / ("fencecheck-config-" + std::to_string(::getpid()));
  ::setenv("FENCECHECK_KERNEL_CONFIG", path.c_str(), 1);
  auto said = [&](const std::string& config) {
    std::ofstream(path) << config;
    return describe_kernel_option("CONFIG_FENCECHECK_TEST", "fencecheck_test_module");
  };
  EXPECT_EQ(said("CONFIG_FENCECHECK_TEST=m\n"), "CONFIG_FENCECHECK_TEST=m in " + path.string() +
                                                    " (a module, not loaded: modprobe fencecheck_test_module)");
  EXPECT_EQ(said("# CONFIG_FENCECHECK_TEST is not set\n"), "CONFIG_FENCECHECK_TEST is not set in " + path.string());
  EXPECT_EQ(said("CONFIG_OTHER=y\n"), "CONFIG_FENCECHECK_TEST is absent from " + path.string());
  std::filesystem::remove(path);
  ::unsetenv("FENCECHECK_KERNEL_CONFIG");
}

}  // namespace
}  // namespace fc
