// Bad input to the dma-buf and sync_file ioctls: each gets the kernel's exact
// errno, creates no descriptor and leaves the buffer's fences as they were.
//
// The expected errnos follow drivers/dma-buf/dma-buf.c and sync_file.c:
// flag bits outside DMA_BUF_SYNC_RW, or neither READ nor WRITE, are EINVAL;
// a dma-buf ioctl on anything but a dma-buf is ENOTTY (the other file's
// ioctl handler does not know it); a closed or negative descriptor is EBADF;
// IMPORT of anything but a sync_file is EINVAL, including a closed or
// negative descriptor, because the kernel looks the sync_file up itself
// (sync_file_get_fence) and reports any failure there as EINVAL.
#include <fcntl.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdlib>

#include "fixtures/descriptors.h"
#include "fixtures/vgem_fixture.h"

namespace fc {
namespace {

// ---- descriptors of the wrong kind ----

enum class FdKind { RegularFile, Pipe, EventFd, UnixSocket, MemFd };

std::string name_of(FdKind kind) {
  switch (kind) {
    case FdKind::RegularFile: return "RegularFile";
    case FdKind::Pipe: return "Pipe";
    case FdKind::EventFd: return "EventFd";
    case FdKind::UnixSocket: return "UnixSocket";
    case FdKind::MemFd: return "MemFd";
  }
  return "Unknown";
}

// The descriptor under test plus whatever must stay open with it (a pipe's other end).
struct WrongFd {
  UniqueFd fd;
  UniqueFd companion;
};

Result<WrongFd> make_wrong_fd(FdKind kind) {
  WrongFd out;
  int fds[2];
  switch (kind) {
    case FdKind::RegularFile: {
      char path[] = "/tmp/fencecheck-XXXXXX";
      int fd = ::mkostemp(path, O_CLOEXEC);
      if (fd < 0) return last_errno();
      ::unlink(path);
      out.fd.reset(fd);
      break;
    }
    case FdKind::Pipe:
      if (::pipe2(fds, O_CLOEXEC) != 0) return last_errno();
      out.fd.reset(fds[0]);
      out.companion.reset(fds[1]);
      break;
    case FdKind::EventFd:
      out.fd.reset(::eventfd(0, EFD_CLOEXEC));
      break;
    case FdKind::UnixSocket:
      if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) return last_errno();
      out.fd.reset(fds[0]);
      out.companion.reset(fds[1]);
      break;
    case FdKind::MemFd:
      out.fd.reset(::memfd_create("fencecheck", MFD_CLOEXEC));
      break;
  }
  if (!out.fd.valid()) return last_errno();
  return out;
}

void PrintTo(FdKind kind, std::ostream* out) { *out << name_of(kind); }

const auto kWrongKinds =
    ::testing::Values(FdKind::RegularFile, FdKind::Pipe, FdKind::EventFd, FdKind::UnixSocket, FdKind::MemFd);
const auto kWrongKindName = [](const ::testing::TestParamInfo<FdKind>& param_info) { return name_of(param_info.param); };

// ---- invalid flag words ----

struct BadFlags {
  const char* name;
  std::uint64_t flags;
};
void PrintTo(const BadFlags& bad, std::ostream* out) { *out << bad.name << " (0x" << std::hex << bad.flags << ")"; }

// Neither READ nor WRITE; END (meaningless for export/import); undefined bits.
const auto kBadSyncFileFlags = ::testing::Values(BadFlags{"Zero", 0}, BadFlags{"EndBit", 4}, BadFlags{"Bit3", 8},
                                                 BadFlags{"Bit31", 1u << 31}, BadFlags{"AllBits", 0xffffffffu},
                                                 BadFlags{"ReadPlusBit3", 1 | 8});
const auto kBadFlagsName = [](const ::testing::TestParamInfo<BadFlags>& param_info) { return std::string(param_info.param.name); };

// ---- no DRM needed: the kernel's answer for descriptors that are not dma-bufs ----

class ExportOnWrongDescriptor : public ::testing::TestWithParam<FdKind> {};

TEST_P(ExportOnWrongDescriptor, FailsWithEnottyAndCreatesNoDescriptor) {
  FC_ASSERT_OK_AND_ASSIGN(WrongFd wrong, make_wrong_fd(GetParam()));
  FC_ASSERT_OK_AND_ASSIGN(int before, count_open_fds());
  EXPECT_EQ(uapi::export_sync_file(wrong.fd.borrow(), Access::Read).error(), ENOTTY);
  EXPECT_EQ(count_open_fds().value(), before);
}

TEST_P(ExportOnWrongDescriptor, FileInfoOnItFailsWithEnotty) {
  FC_ASSERT_OK_AND_ASSIGN(WrongFd wrong, make_wrong_fd(GetParam()));
  EXPECT_EQ(uapi::sync_file_info(wrong.fd.borrow()).error(), ENOTTY);
}

INSTANTIATE_TEST_SUITE_P(Host, ExportOnWrongDescriptor, kWrongKinds, kWrongKindName);

TEST(ExportOnInvalidDescriptor, ClosedDescriptorFailsWithEbadf) {
  EXPECT_EQ(uapi::export_sync_file(BorrowedFd(closed_fd()), Access::Read).error(), EBADF);
}

TEST(ExportOnInvalidDescriptor, NegativeDescriptorFailsWithEbadf) {
  EXPECT_EQ(uapi::export_sync_file(BorrowedFd(-1), Access::Read).error(), EBADF);
}

// ---- on a real dma-buf (vgem) ----

// Invalid flags on a buffer with a pending read fence: the state that tells
// READ from WRITE, so a flag the kernel silently accepted would show.
class RejectedFlags : public VgemTest, public ::testing::WithParamInterface<BadFlags> {};

TEST_P(RejectedFlags, ExportFailsWithEinvalCreatesNoDescriptorAndChangesNothing) {
  FC_ASSERT_OK_AND_ASSIGN(VgemFence reader, buffer().attach_fence(FenceUsage::Read));
  FC_ASSERT_OK_AND_ASSIGN(int before, count_open_fds());
  EXPECT_EQ(uapi::export_sync_file(dmabuf(), static_cast<std::uint32_t>(GetParam().flags)).error(), EINVAL);
  EXPECT_EQ(count_open_fds().value(), before);
  expect_state(false, true, "after the rejected export");
}

TEST_P(RejectedFlags, ImportFailsWithEinvalAndAddsNoFence) {
  FC_ASSERT_OK_AND_ASSIGN(PendingSyncFile pending, PendingSyncFile::create(vgem()));
  FC_ASSERT_OK_AND_ASSIGN(int before, count_open_fds());
  EXPECT_EQ(uapi::import_sync_file(dmabuf(), static_cast<std::uint32_t>(GetParam().flags), pending.fd()).error(),
            EINVAL);
  EXPECT_EQ(count_open_fds().value(), before);
  expect_state(false, false, "after the rejected import of a pending sync_file");
}

INSTANTIATE_TEST_SUITE_P(Vgem, RejectedFlags, kBadSyncFileFlags, kBadFlagsName);

// DMA_BUF_IOCTL_SYNC takes RW plus END; anything else, or no direction, is EINVAL.
class DmaBufSyncRejectedFlags : public VgemTest, public ::testing::WithParamInterface<BadFlags> {};

TEST_P(DmaBufSyncRejectedFlags, FailsWithEinval) {
  EXPECT_EQ(uapi::dma_buf_sync(dmabuf(), GetParam().flags).error(), EINVAL);
}

INSTANTIATE_TEST_SUITE_P(Vgem, DmaBufSyncRejectedFlags,
                         ::testing::Values(BadFlags{"StartWithoutDirection", 0}, BadFlags{"EndWithoutDirection", 4},
                                           BadFlags{"Bit3", 1 | 8}, BadFlags{"Bit63", 1 | (1ull << 63)},
                                           BadFlags{"AllBits", ~0ull}),
                         kBadFlagsName);

class ImportOfWrongDescriptor : public VgemTest, public ::testing::WithParamInterface<FdKind> {};

TEST_P(ImportOfWrongDescriptor, FailsWithEinvalAndAddsNoFence) {
  FC_ASSERT_OK_AND_ASSIGN(WrongFd wrong, make_wrong_fd(GetParam()));
  FC_ASSERT_OK_AND_ASSIGN(int before, count_open_fds());
  EXPECT_EQ(uapi::import_sync_file(dmabuf(), Access::Write, wrong.fd.borrow()).error(), EINVAL);
  EXPECT_EQ(count_open_fds().value(), before);
  expect_state(false, false, "after the rejected import");
}

INSTANTIATE_TEST_SUITE_P(Vgem, ImportOfWrongDescriptor, kWrongKinds, kWrongKindName);

class ImportOfInvalidDescriptor : public VgemTest {};

TEST_F(ImportOfInvalidDescriptor, TheDmaBufItselfFailsWithEinval) {
  EXPECT_EQ(uapi::import_sync_file(dmabuf(), Access::Write, dmabuf()).error(), EINVAL);
}

TEST_F(ImportOfInvalidDescriptor, ClosedDescriptorFailsWithEinval) {
  // EINVAL, not EBADF: the kernel's sync_file lookup folds "no such fd" into EINVAL.
  EXPECT_EQ(uapi::import_sync_file(dmabuf(), Access::Write, BorrowedFd(closed_fd())).error(), EINVAL);
}

TEST_F(ImportOfInvalidDescriptor, NegativeDescriptorFailsWithEinval) {
  EXPECT_EQ(uapi::import_sync_file(dmabuf(), Access::Write, BorrowedFd(-1)).error(), EINVAL);
}

TEST_F(ImportOfInvalidDescriptor, FileInfoOnADmaBufFailsWithEnotty) {
  EXPECT_EQ(uapi::sync_file_info(dmabuf()).error(), ENOTTY);
}

}  // namespace
}  // namespace fc
