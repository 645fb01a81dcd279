// Probes have three outcomes and every non-supported one says why.
#include "harness/probe.h"

#include <gtest/gtest.h>

namespace fc {
namespace {

TEST(Probe, DescribesEachOutcome) {
  EXPECT_EQ(Probe::supported().describe(), "supported");
  EXPECT_EQ(Probe::unsupported("no vgem").describe(), "unsupported: no vgem");
  EXPECT_EQ(Probe::broken("DMA_BUF_IOCTL_EXPORT_SYNC_FILE", Errno{EINVAL}).describe(),
            "broken: DMA_BUF_IOCTL_EXPORT_SYNC_FILE failed with EINVAL (Invalid argument)");
}

TEST(ProbeVgem, WithoutAnyDeviceNamesTheKernelAndTheRemedy) {
  Probe probe = probe_vgem({});
  EXPECT_EQ(probe.outcome(), Probe::Outcome::Unsupported);
  EXPECT_NE(probe.describe().find(kernel_release()), std::string::npos) << probe.describe();
  EXPECT_NE(probe.describe().find("modprobe vgem"), std::string::npos) << probe.describe();
}

TEST(ProbeVgem, OtherDriversAreNotVgem) {
  DrmDevice other;
  other.driver = "virtio_gpu";
  EXPECT_EQ(probe_vgem({other}).outcome(), Probe::Outcome::Unsupported);
  DrmDevice vgem;
  vgem.driver = "vgem";
  EXPECT_TRUE(probe_vgem({other, vgem}).is_supported());
}

TEST(ProbeExportSyncFile, EnottyIsUnsupportedNotBroken) {
  // A pipe answers every dma-buf ioctl with ENOTTY, as a kernel < 6.0 answers
  // EXPORT_SYNC_FILE on a real dma-buf: that must read as "unsupported".
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  UniqueFd reader(fds[0]), writer(fds[1]);
  Probe probe = probe_export_sync_file(reader.borrow());
  EXPECT_EQ(probe.outcome(), Probe::Outcome::Unsupported);
  EXPECT_NE(probe.describe().find("ENOTTY"), std::string::npos) << probe.describe();
  EXPECT_NE(probe.describe().find(kernel_release()), std::string::npos) << probe.describe();
}

TEST(ProbeExportSyncFile, OtherErrnosAreBroken) {
  Probe probe = probe_export_sync_file(BorrowedFd(-1));
  EXPECT_EQ(probe.outcome(), Probe::Outcome::Broken);
  EXPECT_EQ(probe.err().value, EBADF);
}

}  // namespace
}  // namespace fc
