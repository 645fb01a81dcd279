// SPDX-License-Identifier: MIT
// Probes have three outcomes and every non-supported one says why.
#include "harness/probe.h"

#include <gtest/gtest.h>

#include "harness/vgem.h"

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
  OpenedVgem opened = VgemDevice::open_first({});
  EXPECT_FALSE(opened.device.has_value());
  EXPECT_EQ(opened.probe.describe(), probe.describe()) << "open_first skips with probe_vgem's reason";
}

TEST(ProbeVgem, OtherDriversAreNotVgem) {
  DrmDevice other;
  other.driver = "virtio_gpu";
  EXPECT_EQ(probe_vgem({other}).outcome(), Probe::Outcome::Unsupported);
  DrmDevice vgem;
  vgem.driver = "vgem";
  EXPECT_TRUE(probe_vgem({other, vgem}).is_supported());
  // Found but not openable: broken, with the open's errno.
  vgem.primary_node = "/nonexistent/fencecheck-card0";
  OpenedVgem opened = VgemDevice::open_first({other, vgem});
  EXPECT_FALSE(opened.device.has_value());
  EXPECT_EQ(opened.probe.outcome(), Probe::Outcome::Broken);
  EXPECT_EQ(opened.probe.err(), Errno{ENOENT}) << opened.probe.describe();
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

namespace fc {
namespace {

DrmDevice make_device(std::string driver, std::string render, std::string primary = "") {
  DrmDevice device;
  device.driver = std::move(driver);
  device.render_node = std::move(render);
  device.primary_node = std::move(primary);
  return device;
}

TEST(SelectDevice, DefaultPrefersARealGpuOverVgem) {
  auto vgem = make_device("vgem", "/dev/dri/renderD128", "/dev/dri/card0");
  auto gpu = make_device("amdgpu", "/dev/dri/renderD129", "/dev/dri/card1");
  EXPECT_EQ(select_device({vgem, gpu}, "").device->driver, "amdgpu");
  EXPECT_EQ(select_device({vgem}, "").device->driver, "vgem");
}

TEST(SelectDevice, ByNodeOrDriverName) {
  auto vgem = make_device("vgem", "/dev/dri/renderD128", "/dev/dri/card0");
  auto virgl = make_device("virtio_gpu", "/dev/dri/renderD129", "/dev/dri/card1");
  EXPECT_EQ(select_device({vgem, virgl}, "virtio_gpu").device->render_node, "/dev/dri/renderD129");
  EXPECT_EQ(select_device({vgem, virgl}, "/dev/dri/card0").device->driver, "vgem");
}

TEST(SelectDevice, NoMatchSaysWhatThereIs) {
  auto vgem = make_device("vgem", "/dev/dri/renderD128", "/dev/dri/card0");
  Selection none = select_device({vgem}, "i915");
  EXPECT_FALSE(none.device);
  EXPECT_NE(none.reason.find("--device=i915"), std::string::npos) << none.reason;
  EXPECT_NE(none.reason.find("vgem (/dev/dri/renderD128)"), std::string::npos) << none.reason;
  EXPECT_FALSE(select_device({}, "").device);
}

}  // namespace
}  // namespace fc
