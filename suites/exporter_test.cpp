// SPDX-License-Identifier: MIT
// dma-buf exporters that are not DRM: udmabuf (memfd pages as a dma-buf) and
// the system dma-heap (Linux 6.12 on Debian; 6.1 has neither, and these tests
// skip there saying so). Their buffers carry no fences of their own, so the
// fences are the ones imported: the sync_file uAPI must behave exactly as on
// vgem, and a fence imported from another exporter (vgem) must come back out
// of the export unchanged.
#include <fcntl.h>
#include <sys/eventfd.h>

#include <gtest/gtest.h>

#include "fixtures/assertions.h"
#include "fixtures/record.h"
#include "fixtures/vgem_fixture.h"
#include "harness/description.h"
#include "harness/exporter.h"
#include "harness/kernel.h"

namespace fc {
namespace {

constexpr std::uint64_t kSize = 64 * 1024;

class Exporter : public ::testing::TestWithParam<ExporterKind> {
 protected:
  void SetUp() override {
    FC_REQUIRE(probe_exporter(GetParam()));
    FC_ASSERT_OK_AND_ASSIGN(UniqueFd buffer, make_exporter_buffer(GetParam(), kSize));
    buffer_ = std::move(buffer);
    FC_REQUIRE(probe_export_sync_file(dmabuf()));
    FC_REQUIRE(probe_import_sync_file(dmabuf()));
    // Pending sync_files come from vgem, the other exporter in these tests.
    OpenedVgem opened = VgemDevice::open_first(discover_drm_devices());
    FC_REQUIRE(opened.probe);
    vgem_ = std::move(opened.device);
  }

  BorrowedFd dmabuf() const { return buffer_.borrow(); }
  const VgemDevice& vgem() const { return *vgem_; }
  Result<PendingSyncFile> pending() const { return PendingSyncFile::create(*vgem_); }

 private:
  UniqueFd buffer_;
  std::optional<VgemDevice> vgem_;
};

FC_DESCRIBE(Exporter, IdleBufferExportsTheSignalledStubForEveryAccess,
            "A dma-buf no DRM driver exported (udmabuf, the system dma-heap) exports a signalled fence for every "
            "access while idle.");
TEST_P(Exporter, IdleBufferExportsTheSignalledStubForEveryAccess) {
  for (Access access : {Access::Read, Access::Write, Access::ReadWrite}) {
    FC_ASSERT_OK_AND_ASSIGN(UniqueFd file, uapi::export_sync_file(dmabuf(), access));
    FC_ASSERT_OK_AND_ASSIGN(SyncFileInfo info, uapi::sync_file_info(file.borrow()));
    record_fence("idle " + std::string(to_string(access)), info);
    ASSERT_EQ(info.fences.size(), 1u) << info.describe();
    EXPECT_EQ(info.fences[0].driver, signalled_names({"stub", "stub"}, running_kernel()).driver)
        << describe_signalled_names(running_kernel());
    EXPECT_EQ(info.status, 1);
  }
  expect_state(dmabuf(), false, false, "idle");
}

FC_DESCRIBE(Exporter, ReadImportBlocksWritersButNotReaders,
            "On a udmabuf or dma-heap buffer, a sync_file imported as READ holds writers only.");
TEST_P(Exporter, ReadImportBlocksWritersButNotReaders) {
  FC_ASSERT_OK_AND_ASSIGN(PendingSyncFile source, pending());
  FC_ASSERT_OK(uapi::import_sync_file(dmabuf(), Access::Read, source.fd()));
  expect_state(dmabuf(), false, true, "imported as READ");
  FC_ASSERT_OK(source.signal());
  expect_state(dmabuf(), false, false, "source signalled");
}

FC_DESCRIBE(Exporter, WriteImportBlocksReadersAndWriters,
            "On a udmabuf or dma-heap buffer, a sync_file imported as WRITE holds everyone.");
TEST_P(Exporter, WriteImportBlocksReadersAndWriters) {
  FC_ASSERT_OK_AND_ASSIGN(PendingSyncFile source, pending());
  FC_ASSERT_OK(uapi::import_sync_file(dmabuf(), Access::Write, source.fd()));
  expect_state(dmabuf(), true, true, "imported as WRITE");
  FC_ASSERT_OK(source.signal());
  expect_state(dmabuf(), false, false, "source signalled");
}

// The three consumer waits agree on a pending import, and all end at the signal.
FC_DESCRIBE(Exporter, TheThreeWaitsAgree,
            "On a udmabuf or dma-heap buffer, EXPORT_SYNC_FILE, poll() and DMA_BUF_IOCTL_SYNC give the same answer.");
TEST_P(Exporter, TheThreeWaitsAgree) {
  FC_ASSERT_OK_AND_ASSIGN(PendingSyncFile source, pending());
  FC_ASSERT_OK(uapi::import_sync_file(dmabuf(), Access::Write, source.fd()));
  FC_ASSERT_OK_AND_ASSIGN(UniqueFd file, uapi::export_sync_file(dmabuf(), Access::Read));
  EXPECT_EQ(sync_file_pending(file.borrow()).value(), true) << "export + poll";
  EXPECT_EQ(dmabuf_poll_pending(dmabuf(), Access::Read).value(), true) << "poll(dma-buf)";
  FC_ASSERT_OK_AND_ASSIGN(WaitResult synced,
                          uapi::dma_buf_sync_start(dmabuf(), Access::Read, Deadline::after(timeouts::kStaysPending)));
  EXPECT_EQ(synced, WaitResult::TimedOut) << "DMA_BUF_IOCTL_SYNC START waits for the imported writer";
  if (synced == WaitResult::Ready) FC_ASSERT_OK(uapi::dma_buf_sync_end(dmabuf(), Access::Read));

  FC_ASSERT_OK(source.signal());
  EXPECT_EQ(sync_file_pending(file.borrow()).value(), false);
  EXPECT_EQ(dmabuf_poll_pending(dmabuf(), Access::Read).value(), false);
  FC_ASSERT_OK_AND_ASSIGN(WaitResult after,
                          uapi::dma_buf_sync_start(dmabuf(), Access::Read, Deadline::after(timeouts::kFenceSignal)));
  EXPECT_EQ(after, WaitResult::Ready);
  if (after == WaitResult::Ready) FC_ASSERT_OK(uapi::dma_buf_sync_end(dmabuf(), Access::Read));
}

// A fence from one exporter (vgem) imported into another comes back out of
// the second's export as itself, and signals with it.
FC_DESCRIBE(Exporter, AFenceFromVgemComesBackOutAsItself,
            "A vgem fence imported into a udmabuf or dma-heap buffer comes back out of its export as itself, pending "
            "until vgem signals it.");
TEST_P(Exporter, AFenceFromVgemComesBackOutAsItself) {
  FC_ASSERT_OK_AND_ASSIGN(VgemBuffer producer_buffer, VgemBuffer::create(vgem(), 1, 1));
  FC_ASSERT_OK_AND_ASSIGN(VgemFence fence, producer_buffer.attach_fence(FenceUsage::Write));
  FC_ASSERT_OK_AND_ASSIGN(UniqueFd from_vgem, uapi::export_sync_file(producer_buffer.dmabuf(), Access::Read));
  FC_ASSERT_OK(uapi::import_sync_file(dmabuf(), Access::Write, from_vgem.borrow()));

  FC_ASSERT_OK_AND_ASSIGN(UniqueFd exported, uapi::export_sync_file(dmabuf(), Access::Read));
  FC_ASSERT_OK_AND_ASSIGN(SyncFileInfo info, uapi::sync_file_info(exported.borrow()));
  record_fence("vgem fence, exported from " + std::string(to_string(GetParam())), info);
  ASSERT_EQ(info.fences.size(), 1u) << info.describe();
  EXPECT_EQ(info.fences[0].driver, "vgem") << info.describe();
  EXPECT_EQ(info.fences[0].status, 0);
  FC_ASSERT_OK(fence.signal());
  EXPECT_EQ(sync_file_pending(exported.borrow()).value(), false) << "signals with the vgem fence";
}

FC_DESCRIBE(Exporter, BadInputGetsTheKernelsErrno,
            "Bad input to udmabuf and dma-heap allocation fails with the kernel's errno.");
TEST_P(Exporter, BadInputGetsTheKernelsErrno) {
  FC_ASSERT_OK_AND_ASSIGN(int before, count_open_fds());
  FC_EXPECT_ERRNO(uapi::export_sync_file(dmabuf(), 0u), EINVAL) << "export without a direction";
  FC_EXPECT_ERRNO(uapi::export_sync_file(dmabuf(), abi::kSyncRead | 8u), EINVAL) << "export, undefined bit";
  UniqueFd event(::eventfd(0, EFD_CLOEXEC));
  FC_EXPECT_ERRNO(uapi::import_sync_file(dmabuf(), Access::Write, event.borrow()), EINVAL) << "import an eventfd";
  FC_EXPECT_ERRNO(uapi::dma_buf_sync(dmabuf(), abi::kSyncEnd), EINVAL) << "SYNC without a direction";
  event.reset();
  EXPECT_EQ(count_open_fds().value(), before) << "no descriptor created";
  expect_state(dmabuf(), false, false, "after the rejected calls");
}

INSTANTIATE_TEST_SUITE_P(Kernel, Exporter, ::testing::Values(ExporterKind::Udmabuf, ExporterKind::SystemHeap),
                         [](const ::testing::TestParamInfo<ExporterKind>& param_info) {
                           return std::string(param_info.param == ExporterKind::Udmabuf ? "Udmabuf" : "SystemHeap");
                         });

// The exporters' own bad input.
class UdmabufCreate : public ::testing::Test {
 protected:
  void SetUp() override { FC_REQUIRE(probe_exporter(ExporterKind::Udmabuf)); }
};

FC_DESCRIBE(UdmabufCreate, AnUnsealedMemfdIsRefused, "UDMABUF_CREATE refuses a memfd not sealed against shrinking.");
TEST_F(UdmabufCreate, AnUnsealedMemfdIsRefused) {
  FC_ASSERT_OK_AND_ASSIGN(UniqueFd node, open_node("/dev/udmabuf"));
  FC_ASSERT_OK_AND_ASSIGN(UniqueFd memfd, make_sealed_memfd(kSize, false));
  FC_EXPECT_ERRNO(uapi::udmabuf_create(node.borrow(), memfd.borrow(), 0, kSize), EINVAL)
      << "udmabuf requires F_SEAL_SHRINK";
}

FC_DESCRIBE(UdmabufCreate, AnUnalignedSizeIsRefused,
            "UDMABUF_CREATE refuses a size that is not a multiple of the page size.");
TEST_F(UdmabufCreate, AnUnalignedSizeIsRefused) {
  FC_ASSERT_OK_AND_ASSIGN(UniqueFd node, open_node("/dev/udmabuf"));
  FC_ASSERT_OK_AND_ASSIGN(UniqueFd memfd, make_sealed_memfd(kSize));
  FC_EXPECT_ERRNO(uapi::udmabuf_create(node.borrow(), memfd.borrow(), 0, kSize - 1), EINVAL);
}

// udmabuf does not check UDMABUF_CREATE's flags (Linux 6.12): any bit besides
// UDMABUF_FLAGS_CLOEXEC is ignored and the buffer is made. Pinned as the
// kernel does it; a kernel that starts refusing them fails here, and this
// test then says what it does instead.
FC_DESCRIBE(UdmabufCreate, UndefinedFlagBitsAreIgnored,
            "UDMABUF_CREATE ignores undefined flag bits and makes the buffer, as 6.12 and 7.x do.");
TEST_F(UdmabufCreate, UndefinedFlagBitsAreIgnored) {
  FC_ASSERT_OK_AND_ASSIGN(UniqueFd node, open_node("/dev/udmabuf"));
  FC_ASSERT_OK_AND_ASSIGN(UniqueFd memfd, make_sealed_memfd(kSize));
  for (int bit = 0; bit < 32; ++bit) {
    const std::uint32_t flag = std::uint32_t{1} << bit;
    if (flag == abi::kUdmabufFlagsCloexec) continue;
    auto made = uapi::udmabuf_create(node.borrow(), memfd.borrow(), 0, kSize, flag | abi::kUdmabufFlagsCloexec);
    EXPECT_TRUE(made.ok()) << "UDMABUF_CREATE with undefined flag bit " << bit << ": " << describe(made)
                           << " (Linux 6.12 ignores undefined bits)";
  }
}

FC_DESCRIBE(UdmabufCreate, AnUnalignedOffsetIsRefused, "UDMABUF_CREATE refuses an offset that is not page aligned.");
TEST_F(UdmabufCreate, AnUnalignedOffsetIsRefused) {
  FC_ASSERT_OK_AND_ASSIGN(UniqueFd node, open_node("/dev/udmabuf"));
  FC_ASSERT_OK_AND_ASSIGN(UniqueFd memfd, make_sealed_memfd(2 * kSize));
  FC_EXPECT_ERRNO(uapi::udmabuf_create(node.borrow(), memfd.borrow(), 1, kSize), EINVAL);
}

FC_DESCRIBE(UdmabufCreate, AZeroSizeIsRefused, "UDMABUF_CREATE refuses a size of zero.");
TEST_F(UdmabufCreate, AZeroSizeIsRefused) {
  FC_ASSERT_OK_AND_ASSIGN(UniqueFd node, open_node("/dev/udmabuf"));
  FC_ASSERT_OK_AND_ASSIGN(UniqueFd memfd, make_sealed_memfd(kSize));
  FC_EXPECT_ERRNO(uapi::udmabuf_create(node.borrow(), memfd.borrow(), 0, 0), EINVAL);
}

// Past the module's size_limit_mb (64 MiB by default): refused before any page is touched.
FC_DESCRIBE(
    UdmabufCreate, ASizeOverTheModulesLimitIsRefused,
    "UDMABUF_CREATE with a size far over udmabuf's size_limit_mb is refused with EINVAL, without a kernel warning.");
TEST_F(UdmabufCreate, ASizeOverTheModulesLimitIsRefused) {
  FC_ASSERT_OK_AND_ASSIGN(UniqueFd node, open_node("/dev/udmabuf"));
  FC_ASSERT_OK_AND_ASSIGN(UniqueFd memfd, make_sealed_memfd(kSize));
  FC_EXPECT_ERRNO(uapi::udmabuf_create(node.borrow(), memfd.borrow(), 0, std::uint64_t{1} << 40), EINVAL)
      << ": a 1 TiB size, far over udmabuf's size_limit_mb (64 MiB by default), must be refused before any "
         "allocation";
}

FC_DESCRIBE(UdmabufCreate, ADescriptorThatIsNotAMemfdIsRefused,
            "UDMABUF_CREATE refuses a descriptor that is not a memfd.");
TEST_F(UdmabufCreate, ADescriptorThatIsNotAMemfdIsRefused) {
  FC_ASSERT_OK_AND_ASSIGN(UniqueFd node, open_node("/dev/udmabuf"));
  UniqueFd event(::eventfd(0, EFD_CLOEXEC));
  ASSERT_TRUE(event.valid());
  FC_EXPECT_ERRNO(uapi::udmabuf_create(node.borrow(), event.borrow(), 0, kSize), EBADFD);
}

class DmaHeapAlloc : public ::testing::Test {
 protected:
  void SetUp() override { FC_REQUIRE(probe_exporter(ExporterKind::SystemHeap)); }
};

FC_DESCRIBE(DmaHeapAlloc, UndefinedHeapFlagsAreRefused, "DMA_HEAP_IOCTL_ALLOC refuses undefined heap flags.");
TEST_F(DmaHeapAlloc, UndefinedHeapFlagsAreRefused) {
  FC_ASSERT_OK_AND_ASSIGN(UniqueFd heap, open_node("/dev/dma_heap/system"));
  FC_EXPECT_ERRNO(uapi::dma_heap_alloc(heap.borrow(), kSize, O_RDWR | O_CLOEXEC, 1), EINVAL);
}

FC_DESCRIBE(DmaHeapAlloc, UndefinedFdFlagsAreRefused,
            "DMA_HEAP_IOCTL_ALLOC refuses fd flags other than O_RDWR and O_CLOEXEC.");
TEST_F(DmaHeapAlloc, UndefinedFdFlagsAreRefused) {
  FC_ASSERT_OK_AND_ASSIGN(UniqueFd heap, open_node("/dev/dma_heap/system"));
  FC_EXPECT_ERRNO(uapi::dma_heap_alloc(heap.borrow(), kSize, O_RDWR | O_CLOEXEC | O_APPEND), EINVAL);
}

}  // namespace
}  // namespace fc
