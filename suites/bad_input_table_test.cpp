// SPDX-License-Identifier: MIT
// Bad input to the dma-buf, sync_file, vgem and GEM/PRIME ioctls the harness
// uses (docs/reliability.md, Bad input, says which are not covered), as one table: each row is a call
// with something wrong, the exact errno the kernel answers, and afterwards no
// new descriptor and the test buffer's fences as they were (it carries a
// pending vgem read fence, so READ and WRITE exports differ and a call that
// added or dropped a fence would show).
//
// Where the kernel's answer is not the obvious one, the row says why (the
// source is drivers/dma-buf/dma-buf.c, sync_file.c, drivers/gpu/drm/vgem,
// drm_gem.c, drm_prime.c, drm_dumb_buffers.c); the kernel is the truth.
//
// This table is the home of every bad-input case that needs a DRM device;
// bad_input_test.cpp keeps only those that run on any host (descriptors that
// are not dma-bufs at all).
#include <sys/eventfd.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <functional>
#include <string_view>
#include <vector>

#include "fixtures/descriptors.h"
#include "fixtures/vgem_fixture.h"
#include "harness/description.h"

namespace fc {
namespace {

class BadInputTable;

// The Linux 6.0 ioctls a row needs (for itself or to make its sync_file): on
// an older kernel the row SKIPs, naming the ioctl and the release that added it.
// SetDeadline: SYNC_IOC_SET_DEADLINE (Linux 6.5), on a sync_file made by export.
enum class Needs { Nothing, Export, Import, SetDeadline };

struct Row {
  const char* name;  // test parameter name: Ioctl_WhatIsWrong
  int expected;      // the kernel's errno (0 where the kernel accepts it)
  std::function<Errno(BadInputTable&)> call;
  Needs needs = Needs::Nothing;
};

void PrintTo(const Row& row, std::ostream* out) { *out << row.name; }

// The row's errno; FENCECHECK_SELFTEST_WRONG_ERRNO=ROW plants a wrong one for
// that row (ENOTTY, or EINVAL where the kernel's is ENOTTY): a failure on the
// reference lane whose reproducer must fail the same way (vm/guest/lane).
int expected_errno(const Row& row) {
  const char* planted = std::getenv("FENCECHECK_SELFTEST_WRONG_ERRNO");
  if (planted == nullptr || std::string_view(planted) != row.name) return row.expected;
  return row.expected == ENOTTY ? EINVAL : ENOTTY;
}

Errno errno_of(const Status& status) { return status.err(); }
template <class T>
Errno errno_of(const Result<T>& result) {
  return result.err();
}

class BadInputTable : public VgemTest, public ::testing::WithParamInterface<Row> {
 public:
  using VgemTest::buffer;
  using VgemTest::dmabuf;
  using VgemTest::vgem;
  // A sync_file of the buffer's pending reader (WRITE export: pending).
  UniqueFd pending_sync_file() {
    auto file = uapi::export_sync_file(dmabuf(), Access::Write);
    return file ? std::move(*file) : UniqueFd();
  }
  // A second vgem buffer's dma-buf, made before the row runs (its descriptor is not the row's).
  BorrowedFd other_dmabuf() const { return other_->dmabuf(); }
  std::uint32_t handle() const { return buffer().dumb().handle; }

 protected:
  void SetUp() override {
    VgemTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    FC_ASSERT_OK_AND_ASSIGN(VgemFence reader, buffer().attach_fence(FenceUsage::Read));
    reader_.emplace(std::move(reader));
    FC_ASSERT_OK_AND_ASSIGN(VgemBuffer other, VgemBuffer::create(vgem(), 1, 1));
    other_.emplace(std::move(other));
  }

 private:
  std::optional<VgemFence> reader_;
  std::optional<VgemBuffer> other_;
};

// Every flag bit outside `valid`, one call each: the first that is accepted wins.
template <class Call>
Errno each_undefined_bit(std::uint64_t valid, int bits, Call&& call) {
  for (int bit = 0; bit < bits; ++bit) {
    std::uint64_t flag = std::uint64_t{1} << bit;
    if (valid & flag) continue;
    Errno err = call(flag);
    if (err.value != EINVAL) return err;  // the row then reports which errno came back
  }
  return Errno{EINVAL};
}

// Rows that make one call with a flag word the kernel must refuse (EINVAL).
Row export_flags(const char* name, std::uint32_t flags) {
  return {name, EINVAL, [flags](BadInputTable& t) { return errno_of(uapi::export_sync_file(t.dmabuf(), flags)); },
          Needs::Export};
}
Row import_flags(const char* name, std::uint32_t flags) {
  return {name, EINVAL,
          [flags](BadInputTable& t) {
            UniqueFd file = t.pending_sync_file();
            return errno_of(uapi::import_sync_file(t.dmabuf(), flags, file.borrow()));
          },
          Needs::Import};
}
Row sync_flags(const char* name, std::uint64_t flags) {
  return {name, EINVAL, [flags](BadInputTable& t) { return errno_of(uapi::dma_buf_sync(t.dmabuf(), flags)); }};
}

// A row importing a descriptor of the wrong kind as the sync_file: EINVAL,
// as sync_file_get_fence() finds no sync_file behind it.
Row import_wrong_kind(const char* name, FdKind kind) {
  return {name, EINVAL,
          [kind](BadInputTable& t) {
            auto wrong = make_wrong_fd(kind);
            if (!wrong) return wrong.err();
            return errno_of(uapi::import_sync_file(t.dmabuf(), Access::Write, wrong->fd.borrow()));
          },
          Needs::Import};
}

const std::vector<Row>& rows() {
  static const std::vector<Row> table = {
      // ---- DMA_BUF_IOCTL_EXPORT_SYNC_FILE ----
      {"Export_EachUndefinedFlagBit", EINVAL,
       [](BadInputTable& t) {
         return each_undefined_bit(abi::kSyncRw, 32, [&](std::uint64_t bit) {
           return errno_of(uapi::export_sync_file(t.dmabuf(), abi::kSyncRead | static_cast<std::uint32_t>(bit)));
         });
       },
       Needs::Export},
      export_flags("Export_NoDirection", 0),
      export_flags("Export_EndBitWithoutDirection", abi::kSyncEnd),
      export_flags("Export_UndefinedBit3WithoutDirection", 1u << 3),
      export_flags("Export_UndefinedBit31WithoutDirection", 1u << 31),
      export_flags("Export_AllBits", 0xffffffffu),
      {"Export_OnASyncFile", ENOTTY,
       [](BadInputTable& t) {
         UniqueFd file = t.pending_sync_file();
         return errno_of(uapi::export_sync_file(file.borrow(), Access::Read));
       },
       Needs::Export},
      {"Export_OnAClosedFd", EBADF,
       [](BadInputTable&) { return errno_of(uapi::export_sync_file(BorrowedFd(closed_fd()), Access::Read)); }},
      {"Export_OnANegativeFd", EBADF,
       [](BadInputTable&) { return errno_of(uapi::export_sync_file(BorrowedFd(-1), Access::Read)); }},

      // ---- DMA_BUF_IOCTL_IMPORT_SYNC_FILE ----
      {"Import_EachUndefinedFlagBit", EINVAL,
       [](BadInputTable& t) {
         UniqueFd file = t.pending_sync_file();
         return each_undefined_bit(abi::kSyncRw, 32, [&](std::uint64_t bit) {
           return errno_of(
               uapi::import_sync_file(t.dmabuf(), abi::kSyncWrite | static_cast<std::uint32_t>(bit), file.borrow()));
         });
       },
       Needs::Import},
      import_flags("Import_NoDirection", 0),
      import_flags("Import_EndBitWithoutDirection", abi::kSyncEnd),
      import_flags("Import_UndefinedBit3WithoutDirection", 1u << 3),
      import_flags("Import_UndefinedBit31WithoutDirection", 1u << 31),
      import_flags("Import_AllBits", 0xffffffffu),
      import_flags("Import_ReadPlusUndefinedBit3", abi::kSyncRead | (1u << 3)),
      {"Import_ADmaBufAsTheSyncFile", EINVAL,
       [](BadInputTable& t) { return errno_of(uapi::import_sync_file(t.dmabuf(), Access::Write, t.other_dmabuf())); },
       Needs::Import},
      {"Import_TheDmaBufItselfAsTheSyncFile", EINVAL,
       [](BadInputTable& t) { return errno_of(uapi::import_sync_file(t.dmabuf(), Access::Write, t.dmabuf())); },
       Needs::Import},
      import_wrong_kind("Import_ARegularFileAsTheSyncFile", FdKind::RegularFile),
      import_wrong_kind("Import_APipeAsTheSyncFile", FdKind::Pipe),
      import_wrong_kind("Import_AnEventFdAsTheSyncFile", FdKind::EventFd),
      import_wrong_kind("Import_AUnixSocketAsTheSyncFile", FdKind::UnixSocket),
      import_wrong_kind("Import_AMemFdAsTheSyncFile", FdKind::MemFd),
      {"Import_IntoASyncFile", ENOTTY,
       [](BadInputTable& t) {
         UniqueFd target = t.pending_sync_file();
         UniqueFd file = t.pending_sync_file();
         return errno_of(uapi::import_sync_file(target.borrow(), Access::Write, file.borrow()));
       },
       Needs::Import},
      // sync_file_get_fence() looks the descriptor up itself and folds "no such file" into EINVAL.
      {"Import_AClosedSyncFileFd", EINVAL,
       [](BadInputTable& t) {
         return errno_of(uapi::import_sync_file(t.dmabuf(), Access::Write, BorrowedFd(closed_fd())));
       },
       Needs::Import},
      {"Import_ANegativeSyncFileFd", EINVAL,
       [](BadInputTable& t) { return errno_of(uapi::import_sync_file(t.dmabuf(), Access::Write, BorrowedFd(-1))); },
       Needs::Import},

      // ---- DMA_BUF_IOCTL_SYNC ----
      {"Sync_EachUndefinedFlagBit", EINVAL,
       [](BadInputTable& t) {
         return each_undefined_bit(abi::kSyncRw | abi::kSyncEnd, 64, [&](std::uint64_t bit) {
           return errno_of(uapi::dma_buf_sync(t.dmabuf(), abi::kSyncRead | abi::kSyncEnd | bit));
         });
       }},
      sync_flags("Sync_StartWithoutDirection", abi::kSyncStart),
      sync_flags("Sync_EndWithoutDirection", abi::kSyncEnd),
      sync_flags("Sync_StartReadPlusUndefinedBit3", abi::kSyncStart | abi::kSyncRead | (1ull << 3)),
      sync_flags("Sync_StartReadPlusUndefinedBit63", abi::kSyncStart | abi::kSyncRead | (1ull << 63)),
      sync_flags("Sync_AllBits", ~0ull),
      {"Sync_OnASyncFile", ENOTTY,
       [](BadInputTable& t) {
         UniqueFd file = t.pending_sync_file();
         return errno_of(uapi::dma_buf_sync(file.borrow(), abi::kSyncRead | abi::kSyncEnd));
       },
       Needs::Export},

      // ---- SYNC_IOC_FILE_INFO ----
      {"FileInfo_NonzeroFlags", EINVAL,
       [](BadInputTable& t) {
         UniqueFd file = t.pending_sync_file();
         return errno_of(uapi::sync_file_info_query(file.borrow(), 1, 0));
       },
       Needs::Export},
      {"FileInfo_EachUndefinedFlagBit", EINVAL,
       [](BadInputTable& t) {
         UniqueFd file = t.pending_sync_file();
         return each_undefined_bit(0, 32, [&](std::uint64_t flag) {
           return errno_of(uapi::sync_file_info_query(file.borrow(), static_cast<std::uint32_t>(flag), 0));
         });
       },
       Needs::Export},
      {"FileInfo_NonzeroPad", EINVAL,
       [](BadInputTable& t) {
         UniqueFd file = t.pending_sync_file();
         return errno_of(uapi::sync_file_info_query(file.borrow(), 0, 1));
       },
       Needs::Export},
      {"FileInfo_FewerSlotsThanFences", EINVAL,
       [](BadInputTable& t) {
         // Two distinct fences: this buffer's reader and a writer on another buffer.
         auto other = VgemBuffer::create(t.vgem(), 1, 1);
         if (!other) return other.err();
         auto writer = other->attach_fence(FenceUsage::Write);
         if (!writer) return writer.err();
         auto b = uapi::export_sync_file(other->dmabuf(), Access::Read);
         if (!b) return b.err();
         UniqueFd a = t.pending_sync_file();
         auto merged = uapi::sync_file_merge(a.borrow(), b->borrow(), "two");
         if (!merged) return merged.err();
         abi::SyncFenceInfo one{};
         return errno_of(uapi::sync_file_info_into(merged->borrow(), 1, reinterpret_cast<std::uintptr_t>(&one)));
       },
       Needs::Export},
      {"FileInfo_UnmappedFenceArray", EFAULT,
       [](BadInputTable& t) {
         UniqueFd file = t.pending_sync_file();
         return errno_of(uapi::sync_file_info_into(file.borrow(), 1, 8));
       },
       Needs::Export},
      {"FileInfo_OnADmaBuf", ENOTTY, [](BadInputTable& t) { return errno_of(uapi::sync_file_info(t.dmabuf())); }},

      // ---- SYNC_IOC_SET_DEADLINE (sync_file_ioctl_set_deadline) ----
      {"SetDeadline_NonzeroPad", EINVAL,
       [](BadInputTable& t) {
         UniqueFd file = t.pending_sync_file();
         return errno_of(uapi::sync_file_set_deadline(file.borrow(), 1, 1));
       },
       Needs::SetDeadline},
      {"SetDeadline_UnmappedArgument", EFAULT,
       [](BadInputTable& t) {
         UniqueFd file = t.pending_sync_file();
         return errno_of(uapi::sync_file_set_deadline_at(file.borrow(), 8));
       },
       Needs::SetDeadline},
      {"SetDeadline_OnADmaBuf", ENOTTY,
       [](BadInputTable& t) { return errno_of(uapi::sync_file_set_deadline(t.dmabuf(), 1)); }, Needs::SetDeadline},

      // ---- SYNC_IOC_MERGE ----
      {"Merge_NonzeroFlags", EINVAL,
       [](BadInputTable& t) {
         UniqueFd a = t.pending_sync_file();
         abi::SyncMergeData data{};
         data.fd2 = a.get();
         data.flags = 1;
         return errno_of(uapi::sync_file_merge_raw(a.borrow(), data));
       },
       Needs::Export},
      {"Merge_EachUndefinedFlagBit", EINVAL,
       [](BadInputTable& t) {
         UniqueFd a = t.pending_sync_file();
         return each_undefined_bit(0, 32, [&](std::uint64_t flag) {
           abi::SyncMergeData data{};
           data.fd2 = a.get();
           data.flags = static_cast<std::uint32_t>(flag);
           return errno_of(uapi::sync_file_merge_raw(a.borrow(), data));
         });
       },
       Needs::Export},
      {"Merge_NonzeroPad", EINVAL,
       [](BadInputTable& t) {
         UniqueFd a = t.pending_sync_file();
         abi::SyncMergeData data{};
         data.fd2 = a.get();
         data.pad = 1;
         return errno_of(uapi::sync_file_merge_raw(a.borrow(), data));
       },
       Needs::Export},
      // sync_file_fdget() failing on fd2 is reported as ENOENT.
      {"Merge_ADmaBufAsTheSecond", ENOENT,
       [](BadInputTable& t) {
         UniqueFd a = t.pending_sync_file();
         return errno_of(uapi::sync_file_merge(a.borrow(), t.dmabuf(), "x"));
       },
       Needs::Export},
      {"Merge_AClosedSecond", ENOENT,
       [](BadInputTable& t) {
         UniqueFd a = t.pending_sync_file();
         return errno_of(uapi::sync_file_merge(a.borrow(), BorrowedFd(closed_fd()), "x"));
       },
       Needs::Export},
      {"Merge_OnADmaBuf", ENOTTY,
       [](BadInputTable& t) {
         UniqueFd a = t.pending_sync_file();
         return errno_of(uapi::sync_file_merge(t.dmabuf(), a.borrow(), "x"));
       },
       Needs::Export},

      // ---- DRM_IOCTL_VGEM_FENCE_ATTACH / SIGNAL ----
      {"VgemAttach_EachUndefinedFlagBit", EINVAL,
       [](BadInputTable& t) {
         return each_undefined_bit(abi::kVgemFenceWrite, 32, [&](std::uint64_t bit) {
           return errno_of(uapi::vgem_fence_attach(t.vgem().fd(), t.handle(), static_cast<std::uint32_t>(bit)));
         });
       }},
      {"VgemAttach_NonzeroPad", EINVAL,
       [](BadInputTable& t) { return errno_of(uapi::vgem_fence_attach(t.vgem().fd(), t.handle(), 0, 1)); }},
      {"VgemAttach_UnknownHandle", ENOENT,
       [](BadInputTable& t) { return errno_of(uapi::vgem_fence_attach(t.vgem().fd(), 0xfffffu, 0)); }},
      // A writer conflicts with the pending reader the fixture attached.
      {"VgemAttach_WriterWhileAReaderIsPending", EBUSY,
       [](BadInputTable& t) {
         return errno_of(uapi::vgem_fence_attach(t.vgem().fd(), t.handle(), abi::kVgemFenceWrite));
       }},
      {"VgemSignal_NonzeroFlags", EINVAL,
       [](BadInputTable& t) { return errno_of(uapi::vgem_fence_signal(t.vgem().fd(), 1, 1)); }},
      {"VgemSignal_UnknownFence", ENOENT,
       [](BadInputTable& t) { return errno_of(uapi::vgem_fence_signal(t.vgem().fd(), 0xfffffu)); }},

      // ---- DRM core: dumb buffers, PRIME, GEM handles ----
      {"CreateDumb_ZeroWidth", EINVAL,
       [](BadInputTable& t) { return errno_of(uapi::drm_create_dumb(t.vgem().fd(), 0, 16, 32)); }},
      {"CreateDumb_ZeroBpp", EINVAL,
       [](BadInputTable& t) { return errno_of(uapi::drm_create_dumb(t.vgem().fd(), 16, 16, 0)); }},
      // drm_mode_create_dumb() does not look at flags (Linux 6.1): accepted, and ignored.
      {"CreateDumb_NonzeroFlagsAreIgnored", 0,
       [](BadInputTable& t) {
         auto dumb = uapi::drm_create_dumb(t.vgem().fd(), 16, 16, 32, 1);
         if (!dumb) return dumb.err();
         return errno_of(uapi::drm_destroy_dumb(t.vgem().fd(), dumb->handle));
       }},
      // drm_mode_destroy_dumb_ioctl() -> drm_gem_handle_delete(): an unknown handle is EINVAL.
      {"DestroyDumb_UnknownHandle", EINVAL,
       [](BadInputTable& t) { return errno_of(uapi::drm_destroy_dumb(t.vgem().fd(), 0xfffffu)); }},
      {"DestroyDumb_TheSameHandleTwice", EINVAL,
       [](BadInputTable& t) {
         auto dumb = uapi::drm_create_dumb(t.vgem().fd(), 16, 16, 32);
         if (!dumb) return dumb.err();
         if (Status first = uapi::drm_destroy_dumb(t.vgem().fd(), dumb->handle); !first) return first.err();
         return errno_of(uapi::drm_destroy_dumb(t.vgem().fd(), dumb->handle));
       }},
      {"PrimeHandleToFd_UnknownHandle", ENOENT,
       [](BadInputTable& t) { return errno_of(uapi::drm_prime_handle_to_fd(t.vgem().fd(), 0xfffffu)); }},
      {"PrimeHandleToFd_UndefinedFlags", EINVAL,
       [](BadInputTable& t) { return errno_of(uapi::drm_prime_handle_to_fd(t.vgem().fd(), t.handle(), 0x4)); }},
      {"PrimeFdToHandle_NotADmaBuf", EINVAL,
       [](BadInputTable& t) {
         UniqueFd event(::eventfd(0, EFD_CLOEXEC));
         return errno_of(uapi::drm_prime_fd_to_handle(t.vgem().fd(), event.borrow()));
       }},
      {"PrimeFdToHandle_AClosedFd", EBADF,
       [](BadInputTable& t) { return errno_of(uapi::drm_prime_fd_to_handle(t.vgem().fd(), BorrowedFd(closed_fd()))); }},
      {"GemClose_UnknownHandle", EINVAL,
       [](BadInputTable& t) { return errno_of(uapi::drm_gem_close(t.vgem().fd(), 0xfffffu)); }},
  };
  return table;
}

FC_DESCRIBE(BadInputTable, KernelAnswersWithItsErrnoCreatesNoFdAndChangesNoFence,
            "A dma-buf, sync_file, vgem or PRIME ioctl given bad input fails with the kernel's exact errno, creates no "
            "descriptor and changes no fence of the buffer.");
TEST_P(BadInputTable, KernelAnswersWithItsErrnoCreatesNoFdAndChangesNoFence) {
  const Row& row = GetParam();
  if (row.needs != Needs::Nothing) FC_REQUIRE(exports());
  if (row.needs == Needs::Import) FC_REQUIRE(imports());
  if (row.needs == Needs::SetDeadline) {
    UniqueFd file = pending_sync_file();
    FC_REQUIRE(probe_set_deadline(file.borrow()));
  }
  FC_ASSERT_OK_AND_ASSIGN(int before, count_open_fds());
  expect_state(false, true, "before");
  Errno got = row.call(*this);
  FC_EXPECT_ERRNO(Status(got), expected_errno(row)) << " (" << row.name << ")";
  EXPECT_EQ(count_open_fds().value(), before) << "a rejected call left a descriptor behind";
  expect_state(false, true, "after");
}

INSTANTIATE_TEST_SUITE_P(Vgem, BadInputTable, ::testing::ValuesIn(rows()),
                         [](const ::testing::TestParamInfo<Row>& param_info) {
                           return std::string(param_info.param.name);
                         });

// An over-long merge name (no NUL in its 32 bytes) is not an error: the
// kernel keeps the first 31 characters.
class SyncFileMergeName : public VgemExportTest {};

FC_DESCRIBE(SyncFileMergeName, AnOverlongNameIsTruncatedNotRejected,
            "SYNC_IOC_MERGE with a 32-byte name and no NUL succeeds and keeps the first 31 characters.");
TEST_F(SyncFileMergeName, AnOverlongNameIsTruncatedNotRejected) {
  FC_ASSERT_OK_AND_ASSIGN(VgemFence fence, buffer().attach_fence(FenceUsage::Write));
  FC_ASSERT_OK_AND_ASSIGN(UniqueFd file, uapi::export_sync_file(dmabuf(), Access::Read));
  abi::SyncMergeData data{};
  std::memset(data.name, 'n', sizeof data.name);  // 32 bytes, no terminating NUL
  data.fd2 = file.get();
  FC_ASSERT_OK_AND_ASSIGN(UniqueFd merged, uapi::sync_file_merge_raw(file.borrow(), data));
  FC_ASSERT_OK_AND_ASSIGN(SyncFileInfo info, uapi::sync_file_info(merged.borrow()));
  EXPECT_EQ(info.name, std::string(31, 'n'));
}

}  // namespace
}  // namespace fc
