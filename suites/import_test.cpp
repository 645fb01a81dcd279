// SPDX-License-Identifier: MIT
// DMA_BUF_IOCTL_IMPORT_SYNC_FILE semantics on the vgem reference lane.
//
// Covers and extends IGT dmabuf_sync_file import-basic,
// import-multiple-read-only and import-multiple-read-write. A sync_file
// imported as READ joins the buffer's readers (blocks writers only); as WRITE
// or RW it joins the writers (blocks everyone). The pending sync_files come
// from sw_sync where the kernel has it, else from a second vgem-fenced buffer
// (Debian kernels lack CONFIG_SW_SYNC), so these run on stock kernels.
#include <gtest/gtest.h>

#include <vector>

#include "fixtures/record.h"
#include "fixtures/vgem_fixture.h"
#include "harness/description.h"
#include "harness/probe.h"

namespace fc {
namespace {

// As many readers as IGT's import-multiple-* use.
constexpr int kReaders = 32;

class ImportSyncFile : public VgemImportTest {
 protected:
  Result<PendingSyncFile> pending_sync_file() const { return PendingSyncFile::create(vgem()); }

  // Imports a pending sync_file with `access`, checks the buffer's state, then
  // signals it and checks that the buffer is idle again.
  void check_import(Access access, bool readers_wait) {
    FC_ASSERT_OK_AND_ASSIGN(PendingSyncFile source, pending_sync_file());
    FC_ASSERT_OK(uapi::import_sync_file(dmabuf(), access, source.fd()));
    expect_state(readers_wait, true, std::string("imported as ") + std::string(to_string(access)));
    FC_ASSERT_OK(source.signal());
    expect_state(false, false, "source signalled");
  }

  // Imports kReaders pending sync_files as READ; they stay pending until signalled.
  void import_readers(std::vector<PendingSyncFile>& readers) {
    for (int i = 0; i < kReaders; ++i) {
      FC_ASSERT_OK_AND_ASSIGN(PendingSyncFile source, pending_sync_file());
      FC_ASSERT_OK(uapi::import_sync_file(dmabuf(), Access::Read, source.fd()));
      readers.push_back(std::move(source));
    }
  }
};

class ImportSyncFileEachAccess : public ImportSyncFile, public ::testing::WithParamInterface<Access> {};

FC_DESCRIBE(ImportSyncFile, ReadImportBlocksWritersButNotReaders,
            "IMPORT_SYNC_FILE as READ adds a fence that holds writers only.");
TEST_F(ImportSyncFile, ReadImportBlocksWritersButNotReaders) { check_import(Access::Read, false); }

FC_DESCRIBE(ImportSyncFile, WriteImportBlocksReadersAndWriters,
            "IMPORT_SYNC_FILE as WRITE adds a fence that holds readers and writers.");
TEST_F(ImportSyncFile, WriteImportBlocksReadersAndWriters) { check_import(Access::Write, true); }

FC_DESCRIBE(ImportSyncFile, ReadWriteImportBlocksReadersAndWriters,
            "IMPORT_SYNC_FILE as RW adds a fence that holds readers and writers.");
TEST_F(ImportSyncFile, ReadWriteImportBlocksReadersAndWriters) { check_import(Access::ReadWrite, true); }

FC_DESCRIBE(ImportSyncFile, ExportAfterImportCarriesTheImportedFence,
            "An export after an import carries the imported fence itself.");
TEST_F(ImportSyncFile, ExportAfterImportCarriesTheImportedFence) {
  FC_ASSERT_OK_AND_ASSIGN(PendingSyncFile source, pending_sync_file());
  FC_ASSERT_OK(uapi::import_sync_file(dmabuf(), Access::Write, source.fd()));
  FC_ASSERT_OK_AND_ASSIGN(UniqueFd exported, uapi::export_sync_file(dmabuf(), Access::Read));
  FC_ASSERT_OK_AND_ASSIGN(SyncFileInfo info, uapi::sync_file_info(exported.borrow()));
  record_fence("export after import", info);
  ASSERT_EQ(info.fences.size(), 1u) << info.describe();
  EXPECT_EQ(info.fences[0].driver, source.source()) << info.describe();
  EXPECT_EQ(info.fences[0].status, 0) << info.describe();
}

FC_DESCRIBE(ImportSyncFile, ImportDoesNotTakeOwnershipOfTheSyncFile,
            "IMPORT_SYNC_FILE leaves the sync_file open and usable by the caller.");
TEST_F(ImportSyncFile, ImportDoesNotTakeOwnershipOfTheSyncFile) {
  FC_ASSERT_OK_AND_ASSIGN(PendingSyncFile source, pending_sync_file());
  FC_ASSERT_OK(uapi::import_sync_file(dmabuf(), Access::Read, source.fd()));
  FC_ASSERT_OK_AND_ASSIGN(SyncFileInfo info, uapi::sync_file_info(source.fd()));
  EXPECT_EQ(info.status, 0) << "the caller's sync_file is still open and still pending";
}

// IGT import-multiple-read-only: many readers block writers until the last one signals.
FC_DESCRIBE(ImportSyncFile, ManyReadImportsBlockWritersUntilTheLastSignals,
            "32 read imports hold writers until the last of them signals.");
TEST_F(ImportSyncFile, ManyReadImportsBlockWritersUntilTheLastSignals) {
  std::vector<PendingSyncFile> sources;
  ASSERT_NO_FATAL_FAILURE(import_readers(sources));
  FC_ASSERT_OK_AND_ASSIGN(UniqueFd read_file, uapi::export_sync_file(dmabuf(), Access::Read));
  FC_ASSERT_OK_AND_ASSIGN(UniqueFd write_file, uapi::export_sync_file(dmabuf(), Access::Write));
  FC_ASSERT_OK_AND_ASSIGN(SyncFileInfo info, uapi::sync_file_info(write_file.borrow()));
  record_fence("32 read imports, WRITE export", info);
  EXPECT_EQ(info.fences.size(), static_cast<std::size_t>(kReaders)) << info.describe();

  for (int i = kReaders - 1; i >= 0; --i) {
    SCOPED_TRACE("readers still pending: " + std::to_string(i + 1));
    EXPECT_EQ(dmabuf_poll_pending(dmabuf(), Access::Read).value(), false);
    EXPECT_EQ(sync_file_pending(read_file.borrow()).value(), false);
    EXPECT_EQ(dmabuf_poll_pending(dmabuf(), Access::Write).value(), true);
    EXPECT_EQ(sync_file_pending(write_file.borrow()).value(), true);
    FC_ASSERT_OK(sources[static_cast<std::size_t>(i)].signal());
  }
  EXPECT_EQ(dmabuf_poll_pending(dmabuf(), Access::Write).value(), false);
  EXPECT_EQ(sync_file_pending(write_file.borrow()).value(), false);
}

// IGT import-multiple-read-write: a writer among many readers blocks everyone until it signals.
FC_DESCRIBE(ImportSyncFile, ManyReadImportsAndAWriteImportBlockEveryAccess,
            "Read imports plus a write import hold every access until all signal.");
TEST_F(ImportSyncFile, ManyReadImportsAndAWriteImportBlockEveryAccess) {
  std::vector<PendingSyncFile> readers;
  ASSERT_NO_FATAL_FAILURE(import_readers(readers));
  FC_ASSERT_OK_AND_ASSIGN(PendingSyncFile writer, pending_sync_file());
  FC_ASSERT_OK(uapi::import_sync_file(dmabuf(), Access::Write, writer.fd()));
  FC_ASSERT_OK_AND_ASSIGN(UniqueFd read_file, uapi::export_sync_file(dmabuf(), Access::Read));
  FC_ASSERT_OK_AND_ASSIGN(UniqueFd write_file, uapi::export_sync_file(dmabuf(), Access::Write));

  for (int i = kReaders - 1; i >= 0; --i) {
    SCOPED_TRACE("readers still pending: " + std::to_string(i + 1));
    EXPECT_EQ(dmabuf_poll_pending(dmabuf(), Access::Read).value(), true);
    EXPECT_EQ(sync_file_pending(read_file.borrow()).value(), true);
    EXPECT_EQ(dmabuf_poll_pending(dmabuf(), Access::Write).value(), true);
    EXPECT_EQ(sync_file_pending(write_file.borrow()).value(), true);
    FC_ASSERT_OK(readers[static_cast<std::size_t>(i)].signal());
  }
  EXPECT_EQ(sync_file_pending(read_file.borrow()).value(), true) << "the writer is still pending";
  EXPECT_EQ(sync_file_pending(write_file.borrow()).value(), true) << "the writer is still pending";
  FC_ASSERT_OK(writer.signal());
  expect_state(false, false, "all signalled");
  EXPECT_EQ(sync_file_pending(read_file.borrow()).value(), false);
  EXPECT_EQ(sync_file_pending(write_file.borrow()).value(), false);
}

FC_DESCRIBE(ImportSyncFileEachAccess, ImportingASignalledSyncFileBlocksNothing,
            "Importing an already-signalled sync_file holds nobody.");
TEST_P(ImportSyncFileEachAccess, ImportingASignalledSyncFileBlocksNothing) {
  FC_ASSERT_OK_AND_ASSIGN(PendingSyncFile source, pending_sync_file());
  FC_ASSERT_OK(source.signal());
  FC_ASSERT_OK(uapi::import_sync_file(dmabuf(), GetParam(), source.fd()));
  expect_state(false, false, "signalled sync_file imported");
}

INSTANTIATE_TEST_SUITE_P(Vgem, ImportSyncFileEachAccess, kAllAccesses, AccessName());

}  // namespace
}  // namespace fc
