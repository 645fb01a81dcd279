// SPDX-License-Identifier: MIT
// Bad input that needs no DRM device: the dma-buf and sync_file ioctls on
// descriptors that are not dma-bufs. Each gets the kernel's exact errno and
// creates no descriptor. (Every kernel-backed bad-input case, on a real
// dma-buf, is a row of Vgem/BadInputTable in bad_input_table_test.cpp.)
//
// The expected errnos follow drivers/dma-buf/dma-buf.c and sync_file.c: a
// dma-buf ioctl on anything but a dma-buf is ENOTTY (the other file's ioctl
// handler does not know it); a closed or negative descriptor is EBADF.
#include <gtest/gtest.h>

#include "fixtures/assertions.h"
#include "fixtures/descriptors.h"
#include "harness/description.h"
#include "harness/uapi.h"

namespace fc {
namespace {

const auto kWrongKinds =
    ::testing::Values(FdKind::RegularFile, FdKind::Pipe, FdKind::EventFd, FdKind::UnixSocket, FdKind::MemFd);
const auto kWrongKindName = [](const ::testing::TestParamInfo<FdKind>& param_info) {
  return name_of(param_info.param);
};

class ExportOnWrongDescriptor : public ::testing::TestWithParam<FdKind> {};

FC_DESCRIBE(ExportOnWrongDescriptor, FailsWithEnottyAndCreatesNoDescriptor,
            "EXPORT_SYNC_FILE on a descriptor that is no dma-buf (file, pipe, eventfd, socket, memfd) fails with "
            "ENOTTY and creates nothing.");
TEST_P(ExportOnWrongDescriptor, FailsWithEnottyAndCreatesNoDescriptor) {
  FC_ASSERT_OK_AND_ASSIGN(WrongFd wrong, make_wrong_fd(GetParam()));
  FC_ASSERT_OK_AND_ASSIGN(int before, count_open_fds());
  FC_EXPECT_ERRNO(uapi::export_sync_file(wrong.fd.borrow(), Access::Read), ENOTTY);
  EXPECT_EQ(count_open_fds().value(), before);
}

FC_DESCRIBE(ExportOnWrongDescriptor, FileInfoOnItFailsWithEnotty,
            "SYNC_IOC_FILE_INFO on a descriptor that is no sync_file fails with ENOTTY.");
TEST_P(ExportOnWrongDescriptor, FileInfoOnItFailsWithEnotty) {
  FC_ASSERT_OK_AND_ASSIGN(WrongFd wrong, make_wrong_fd(GetParam()));
  FC_EXPECT_ERRNO(uapi::sync_file_info(wrong.fd.borrow()), ENOTTY);
}

INSTANTIATE_TEST_SUITE_P(Host, ExportOnWrongDescriptor, kWrongKinds, kWrongKindName);

FC_DESCRIBE(ExportOnInvalidDescriptor, ClosedDescriptorFailsWithEbadf,
            "EXPORT_SYNC_FILE on a closed descriptor fails with EBADF.");
TEST(ExportOnInvalidDescriptor, ClosedDescriptorFailsWithEbadf) {
  FC_EXPECT_ERRNO(uapi::export_sync_file(BorrowedFd(closed_fd()), Access::Read), EBADF);
}

FC_DESCRIBE(ExportOnInvalidDescriptor, NegativeDescriptorFailsWithEbadf,
            "EXPORT_SYNC_FILE on a negative descriptor fails with EBADF.");
TEST(ExportOnInvalidDescriptor, NegativeDescriptorFailsWithEbadf) {
  FC_EXPECT_ERRNO(uapi::export_sync_file(BorrowedFd(-1), Access::Read), EBADF);
}

}  // namespace
}  // namespace fc
