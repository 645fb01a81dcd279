// Kernel releases and what each is known to do.
#include "harness/kernel.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace fc
