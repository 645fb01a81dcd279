// SPDX-License-Identifier: MIT
// The explicit-sync bridges a compositor and a Vulkan driver build on
// (Wayland linux-drm-syncobj-v1, Vulkan WSI): DRM syncobjs converted to and
// from sync_files, timeline points transferred and waited on, and a point
// exported as a sync_file and imported into a dma-buf for the implicit
// consumers (EXPORT_SYNC_FILE, poll(), DMA_BUF_IOCTL_SYNC). These are DRM
// core ioctls (drivers/gpu/drm/drm_syncobj.c) on a driver with
// DRIVER_SYNCOBJ; the run's device answers them (virtio_gpu from Linux 6.6 on
// the virgl lanes), vgem's fences are the pending work. Where the device
// reports no DRM_CAP_SYNCOBJ (or no timeline) the tests SKIP naming the cap.
#include <sys/eventfd.h>

#include <gtest/gtest.h>

#include <functional>
#include <vector>

#include "fixtures/descriptors.h"
#include "fixtures/device_fixture.h"
#include "fixtures/record.h"
#include "harness/description.h"
#include "harness/kernel.h"

namespace fc {
namespace {

using timeouts::kStaysPending;
using timeouts::kWakeBound;

class Syncobj : public DeviceUnderTest {
 public:
  [[nodiscard]] BorrowedFd drm() const { return drm_.borrow(); }
  // A new syncobj (destroyed after the test), or the test fails.
  std::uint32_t create(std::uint32_t flags = 0) {
    auto handle = uapi::syncobj_create(drm(), flags);
    EXPECT_TRUE(handle.ok()) << "DRM_IOCTL_SYNCOBJ_CREATE: " << handle.err().describe();
    if (!handle) return 0;
    handles_.push_back(*handle);
    return *handle;
  }
  // A binary syncobj holding a pending vgem fence (imported from its sync_file).
  std::uint32_t holding(const PendingSyncFile& pending) {
    std::uint32_t handle = create();
    auto imported = uapi::syncobj_fd_to_handle(drm(), pending.fd(), abi::kSyncobjFdToHandleImportSyncFile, handle);
    EXPECT_TRUE(imported.ok()) << "FD_TO_HANDLE(IMPORT_SYNC_FILE): " << imported.err().describe();
    return handle;
  }

 protected:
  void SetUp() override {
    DeviceUnderTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    const std::string& node = device().render_node.empty() ? device().primary_node : device().render_node;
    FC_ASSERT_OK_AND_ASSIGN(drm_, open_node(node));
    FC_REQUIRE(cap(abi::kDrmCapSyncobj, "DRM_CAP_SYNCOBJ"));
  }
  void TearDown() override {
    for (std::uint32_t handle : handles_) EXPECT_TRUE(uapi::syncobj_destroy(drm(), handle).ok());
  }

  // The device's answer to DRM_IOCTL_GET_CAP: supported when nonzero.
  [[nodiscard]] Probe cap(std::uint64_t capability, std::string_view name) const {
    auto value = uapi::drm_get_cap(drm(), capability);
    if (!value) return Probe::broken("DRM_IOCTL_GET_CAP(" + std::string(name) + ")", value.err());
    if (*value == 0)
      return Probe::unsupported(device().driver + " on Linux " + kernel_release() + " reports " + std::string(name) +
                                " = 0");
    return Probe::supported();
  }

 private:
  UniqueFd drm_;
  std::vector<std::uint32_t> handles_;
};

class SyncobjTimeline : public Syncobj {
 protected:
  void SetUp() override {
    Syncobj::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    FC_REQUIRE(cap(abi::kDrmCapSyncobjTimeline, "DRM_CAP_SYNCOBJ_TIMELINE"));
  }

  // A timeline syncobj whose `point` holds pending's fence (import into a
  // binary syncobj, then TRANSFER: how a compositor fills a client's point).
  std::uint32_t timeline_with(const PendingSyncFile& pending, std::uint64_t point) {
    std::uint32_t binary = holding(pending);
    std::uint32_t timeline = create();
    Status moved = uapi::syncobj_transfer(drm(), binary, 0, timeline, point);
    EXPECT_TRUE(moved.ok()) << "SYNCOBJ_TRANSFER to point " << point << ": " << moved.err().describe();
    return timeline;
  }
  // The sync_file of a timeline point: TRANSFER to a binary syncobj, then
  // HANDLE_TO_FD(EXPORT_SYNC_FILE), as a compositor does for an implicit consumer.
  Result<UniqueFd> export_point(std::uint32_t timeline, std::uint64_t point) {
    std::uint32_t binary = create();
    if (Status moved = uapi::syncobj_transfer(drm(), timeline, point, binary, 0); !moved) return moved.err();
    return uapi::syncobj_handle_to_fd(drm(), binary, abi::kSyncobjHandleToFdExportSyncFile);
  }
};

FC_DESCRIBE(Syncobj, ASyncFileImportedAndExportedAgainKeepsItsPendingFenceAndItsSignal,
            "A sync_file imported into a DRM syncobj and exported again is the same fence, pending until it signals.");
TEST_F(Syncobj, ASyncFileImportedAndExportedAgainKeepsItsPendingFenceAndItsSignal) {
  FC_ASSERT_OK_AND_ASSIGN(PendingSyncFile pending, PendingSyncFile::create(vgem()));
  std::uint32_t handle = holding(pending);
  FC_ASSERT_OK_AND_ASSIGN(UniqueFd exported,
                          uapi::syncobj_handle_to_fd(drm(), handle, abi::kSyncobjHandleToFdExportSyncFile));
  FC_ASSERT_OK_AND_ASSIGN(SyncFileInfo info, uapi::sync_file_info(exported.borrow()));
  record_fence("exported", info);
  ASSERT_EQ(info.fences.size(), 1u) << info.describe();
  EXPECT_EQ(info.fences[0].driver, pending.source()) << "the syncobj hands back the fence it was given";
  EXPECT_EQ(sync_file_pending(exported.borrow()).value(), true) << "exported while the fence is pending";

  FC_ASSERT_OK(pending.signal());
  EXPECT_TRUE(signals_within(exported.borrow(), kWakeBound, "the export after the fence signalled"));
}

FC_DESCRIBE(Syncobj, ASyncobjSharedAsAnFdIsTheSameSyncobjUnderANewHandle,
            "A syncobj passed as an fd and turned back into a handle is the same syncobj, with the same fence.");
TEST_F(Syncobj, ASyncobjSharedAsAnFdIsTheSameSyncobjUnderANewHandle) {
  FC_ASSERT_OK_AND_ASSIGN(PendingSyncFile pending, PendingSyncFile::create(vgem()));
  std::uint32_t handle = holding(pending);
  FC_ASSERT_OK_AND_ASSIGN(UniqueFd shared, uapi::syncobj_handle_to_fd(drm(), handle, 0));
  FC_ASSERT_OK_AND_ASSIGN(std::uint32_t again, uapi::syncobj_fd_to_handle(drm(), shared.borrow(), 0));
  EXPECT_NE(again, handle);
  FC_ASSERT_OK_AND_ASSIGN(UniqueFd exported,
                          uapi::syncobj_handle_to_fd(drm(), again, abi::kSyncobjHandleToFdExportSyncFile));
  EXPECT_EQ(sync_file_pending(exported.borrow()).value(), true);
  FC_ASSERT_OK(pending.signal());
  EXPECT_TRUE(signals_within(exported.borrow(), kWakeBound, "the new handle's export"));
  EXPECT_TRUE(uapi::syncobj_destroy(drm(), again).ok());
}

FC_DESCRIBE(SyncobjTimeline, APointFromASyncFileIsWaitedOnAndExportedBackWhilePending,
            "A timeline point filled from a sync_file is waited on, queried and exported back as a pending sync_file "
            "until it signals.");
TEST_F(SyncobjTimeline, APointFromASyncFileIsWaitedOnAndExportedBackWhilePending) {
  FC_ASSERT_OK_AND_ASSIGN(PendingSyncFile pending, PendingSyncFile::create(vgem()));
  const std::uint32_t timeline = timeline_with(pending, 5);
  ASSERT_FALSE(HasFailure());

  EXPECT_EQ(uapi::syncobj_query(drm(), timeline).value(), 0u) << "no point has signalled";
  EXPECT_EQ(uapi::syncobj_timeline_wait(drm(), timeline, 5, 0, Deadline::after(kStaysPending)).value(),
            WaitResult::TimedOut)
      << "waited on point 5 while its fence is pending";
  EXPECT_EQ(uapi::syncobj_timeline_wait(drm(), timeline, 5, abi::kSyncobjWaitAvailable, Deadline::now()).value(),
            WaitResult::Ready)
      << "WAIT_AVAILABLE: point 5 has its fence";
  FC_ASSERT_OK_AND_ASSIGN(UniqueFd exported, export_point(timeline, 5));
  EXPECT_EQ(sync_file_pending(exported.borrow()).value(), true) << "point 5 exported while pending";

  FC_ASSERT_OK(pending.signal());
  EXPECT_EQ(uapi::syncobj_timeline_wait(drm(), timeline, 5, 0, Deadline::after(kWakeBound)).value(), WaitResult::Ready);
  EXPECT_EQ(uapi::syncobj_query(drm(), timeline).value(), 5u);
  EXPECT_TRUE(signals_within(exported.borrow(), kWakeBound, "point 5's export"));
}

FC_DESCRIBE(SyncobjTimeline, WaitForSubmitWaitsForAPointThatHasNoFenceYet,
            "A wait on a timeline point with no fence yet is EINVAL without WAIT_FOR_SUBMIT and waits with it.");
TEST_F(SyncobjTimeline, WaitForSubmitWaitsForAPointThatHasNoFenceYet) {
  const std::uint32_t timeline = create();
  auto unsubmitted = uapi::syncobj_timeline_wait(drm(), timeline, 3, 0, Deadline::now());
  EXPECT_EQ(unsubmitted.err().value, EINVAL) << "a point with no fence, waited on without WAIT_FOR_SUBMIT";
  EXPECT_EQ(uapi::syncobj_timeline_wait(drm(), timeline, 3, abi::kSyncobjWaitForSubmit, Deadline::after(kStaysPending))
                .value(),
            WaitResult::TimedOut);

  FC_ASSERT_OK_AND_ASSIGN(PendingSyncFile pending, PendingSyncFile::create(vgem()));
  std::uint32_t binary = holding(pending);
  FC_ASSERT_OK(uapi::syncobj_transfer(drm(), binary, 0, timeline, 3));
  EXPECT_EQ(uapi::syncobj_timeline_wait(drm(), timeline, 3, abi::kSyncobjWaitForSubmit | abi::kSyncobjWaitAvailable,
                                        Deadline::now())
                .value(),
            WaitResult::Ready)
      << "point 3 was submitted";
  EXPECT_EQ(uapi::syncobj_timeline_wait(drm(), timeline, 3, abi::kSyncobjWaitForSubmit, Deadline::now()).value(),
            WaitResult::TimedOut)
      << "submitted, not signalled";
  FC_ASSERT_OK(pending.signal());
  EXPECT_EQ(
      uapi::syncobj_timeline_wait(drm(), timeline, 3, abi::kSyncobjWaitForSubmit, Deadline::after(kWakeBound)).value(),
      WaitResult::Ready);
}

// Explicit to implicit, end to end: a client's timeline point, exported as a
// sync_file and imported as the dma-buf's writer, holds every implicit consumer.
FC_DESCRIBE(SyncobjTimeline, APointImportedIntoADmaBufHoldsEveryImplicitWait,
            "An explicit-sync point exported as a sync_file and imported into a dma-buf holds EXPORT_SYNC_FILE, poll() "
            "and DMA_BUF_IOCTL_SYNC until it signals.");
TEST_F(SyncobjTimeline, APointImportedIntoADmaBufHoldsEveryImplicitWait) {
  FC_ASSERT_OK_AND_ASSIGN(PendingSyncFile pending, PendingSyncFile::create(vgem()));
  const std::uint32_t timeline = timeline_with(pending, 1);
  FC_ASSERT_OK_AND_ASSIGN(UniqueFd point, export_point(timeline, 1));
  FC_REQUIRE(imports());
  expect_state(false, false, "before the import");
  FC_ASSERT_OK(uapi::import_sync_file(dmabuf(), Access::Write, point.borrow()));

  expect_state(true, true, "the point imported as the writer");
  EXPECT_EQ(uapi::dma_buf_sync_start(dmabuf(), Access::Read, Deadline::after(kStaysPending)).value(),
            WaitResult::TimedOut)
      << "DMA_BUF_IOCTL_SYNC(START|READ) returned while the point is pending";

  FC_ASSERT_OK(pending.signal());
  EXPECT_EQ(uapi::syncobj_timeline_wait(drm(), timeline, 1, 0, Deadline::after(kWakeBound)).value(), WaitResult::Ready);
  expect_state(false, false, "after the point signalled");
  FC_ASSERT_OK_AND_ASSIGN(WaitResult entered, uapi::dma_buf_sync_start(dmabuf(), Access::Read, Deadline::now()));
  EXPECT_EQ(entered, WaitResult::Ready);
  if (entered == WaitResult::Ready) FC_ASSERT_OK(uapi::dma_buf_sync_end(dmabuf(), Access::Read));
}

// DRM_IOCTL_SYNCOBJ_EVENTFD (Linux 6.6): SKIP where the ioctl is unknown.
class SyncobjEventfd : public SyncobjTimeline {
 protected:
  void SetUp() override {
    SyncobjTimeline::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    FC_REQUIRE(probe_syncobj_eventfd(drm()));
    FC_ASSERT_OK_AND_ASSIGN(events_, make_eventfd());
  }
  static Result<UniqueFd> make_eventfd() {
    int fd = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (fd < 0) return last_errno();
    return UniqueFd(fd);
  }
  [[nodiscard]] BorrowedFd events() const { return events_.borrow(); }

 private:
  UniqueFd events_;
};

FC_DESCRIBE(
    SyncobjEventfd, FiresWhenThePointSignalsAndWithWaitAvailableWhenItHasAFence,
    "SYNCOBJ_EVENTFD signals its eventfd when the point signals, and with WAIT_AVAILABLE once the point has a fence.");
TEST_F(SyncobjEventfd, FiresWhenThePointSignalsAndWithWaitAvailableWhenItHasAFence) {
  const std::uint32_t timeline = create();
  FC_ASSERT_OK_AND_ASSIGN(UniqueFd available, make_eventfd());
  FC_ASSERT_OK(uapi::syncobj_eventfd(drm(), timeline, 2, events()));
  FC_ASSERT_OK(uapi::syncobj_eventfd(drm(), timeline, 2, available.borrow(), abi::kSyncobjWaitAvailable));
  EXPECT_EQ(uapi::is_busy(events(), POLLIN).value(), true) << "point 2 has no fence yet";
  EXPECT_EQ(uapi::is_busy(available.borrow(), POLLIN).value(), true) << "point 2 has no fence yet";

  FC_ASSERT_OK_AND_ASSIGN(PendingSyncFile pending, PendingSyncFile::create(vgem()));
  std::uint32_t binary = holding(pending);
  FC_ASSERT_OK(uapi::syncobj_transfer(drm(), binary, 0, timeline, 2));
  EXPECT_EQ(uapi::poll_fd(available.borrow(), POLLIN, Deadline::after(kWakeBound)).value(), WaitResult::Ready)
      << "WAIT_AVAILABLE: point 2 has its fence";
  EXPECT_EQ(uapi::poll_fd(events(), POLLIN, Deadline::after(kStaysPending)).value(), WaitResult::TimedOut)
      << "the eventfd fired while point 2 is pending";

  FC_ASSERT_OK(pending.signal());
  EXPECT_EQ(uapi::poll_fd(events(), POLLIN, Deadline::after(kWakeBound)).value(), WaitResult::Ready)
      << "point 2 signalled";
}

// ---- bad input: each row one call with something wrong, its exact errno,
// no new descriptor and the fixture's syncobj still holding its pending fence.

class SyncobjBadInput;
struct SyncobjRow {
  const char* name;
  int expected;
  std::function<Errno(SyncobjBadInput&)> call;
  bool needs_eventfd = false;
};
void PrintTo(const SyncobjRow& row, std::ostream* out) { *out << row.name; }

class SyncobjBadInput : public SyncobjTimeline, public ::testing::WithParamInterface<SyncobjRow> {
 public:
  using Syncobj::drm;
  [[nodiscard]] std::uint32_t handle() const { return handle_; }
  [[nodiscard]] BorrowedFd sync_file() const { return pending_->fd(); }
  [[nodiscard]] BorrowedFd vgem_dmabuf() const { return dmabuf(); }

 protected:
  void SetUp() override {
    SyncobjTimeline::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    FC_ASSERT_OK_AND_ASSIGN(PendingSyncFile pending, PendingSyncFile::create(vgem()));
    pending_.emplace(std::move(pending));
    handle_ = holding(*pending_);
  }
  // The syncobj still exports a pending fence, and the sync_file is pending.
  void expect_unchanged(std::string_view when) {
    auto exported = uapi::syncobj_handle_to_fd(drm(), handle_, abi::kSyncobjHandleToFdExportSyncFile);
    ASSERT_TRUE(exported.ok()) << when << ": " << exported.err().describe();
    EXPECT_EQ(sync_file_pending(exported->borrow()).value(), true) << when << ": the syncobj's fence changed";
    EXPECT_EQ(sync_file_pending(sync_file()).value(), true) << when << ": the sync_file signalled";
  }

 private:
  std::optional<PendingSyncFile> pending_;
  std::uint32_t handle_ = 0;
};

Errno errno_of(const Status& status) { return status.err(); }
template <class T>
Errno errno_of(const Result<T>& result) {
  return result.err();
}

// The answers are drivers/gpu/drm/drm_syncobj.c's (and drm_ioctl.c's for the
// flags the core checks); where the obvious errno is not the kernel's, the row says why.
const std::vector<SyncobjRow>& syncobj_rows() {
  static const std::vector<SyncobjRow> table = {
      {"Create_UndefinedFlag", EINVAL,
       [](SyncobjBadInput& t) { return errno_of(uapi::syncobj_create(t.drm(), 1u << 5)); }},
      {"Destroy_UnknownHandle", EINVAL,
       [](SyncobjBadInput& t) { return errno_of(uapi::syncobj_destroy(t.drm(), 0xfffff)); }},
      {"HandleToFd_UnknownHandle", EINVAL,
       [](SyncobjBadInput& t) { return errno_of(uapi::syncobj_handle_to_fd(t.drm(), 0xfffff, 0)); }},
      {"HandleToFd_ExportSyncFileOfAnUnknownHandle", ENOENT,
       [](SyncobjBadInput& t) {
         return errno_of(uapi::syncobj_handle_to_fd(t.drm(), 0xfffff, abi::kSyncobjHandleToFdExportSyncFile));
       }},
      {"HandleToFd_UndefinedFlag", EINVAL,
       [](SyncobjBadInput& t) { return errno_of(uapi::syncobj_handle_to_fd(t.drm(), t.handle(), 1u << 7)); }},
      {"FdToHandle_ASyncFileAsASyncobjFd", EINVAL,
       [](SyncobjBadInput& t) { return errno_of(uapi::syncobj_fd_to_handle(t.drm(), t.sync_file(), 0)); }},
      {"FdToHandle_ImportADmaBufAsTheSyncFile", EINVAL,
       [](SyncobjBadInput& t) {
         return errno_of(
             uapi::syncobj_fd_to_handle(t.drm(), t.vgem_dmabuf(), abi::kSyncobjFdToHandleImportSyncFile, t.handle()));
       }},
      {"FdToHandle_ImportAnEventFdAsTheSyncFile", EINVAL,
       [](SyncobjBadInput& t) {
         auto wrong = make_wrong_fd(FdKind::EventFd);
         if (!wrong) return wrong.err();
         return errno_of(uapi::syncobj_fd_to_handle(t.drm(), wrong->fd.borrow(), abi::kSyncobjFdToHandleImportSyncFile,
                                                    t.handle()));
       }},
      {"FdToHandle_ImportIntoAnUnknownHandle", ENOENT,
       [](SyncobjBadInput& t) {
         return errno_of(
             uapi::syncobj_fd_to_handle(t.drm(), t.sync_file(), abi::kSyncobjFdToHandleImportSyncFile, 0xfffff));
       }},
      {"FdToHandle_UndefinedFlag", EINVAL,
       [](SyncobjBadInput& t) { return errno_of(uapi::syncobj_fd_to_handle(t.drm(), t.sync_file(), 1u << 7)); }},
      {"Transfer_UnknownSource", ENOENT,
       [](SyncobjBadInput& t) { return errno_of(uapi::syncobj_transfer(t.drm(), 0xfffff, 0, t.handle(), 0)); }},
      {"Transfer_UndefinedFlag", EINVAL,
       [](SyncobjBadInput& t) {
         return errno_of(uapi::syncobj_transfer(t.drm(), t.handle(), 0, t.handle(), 0, 1u << 7));
       }},
      {"TimelineWait_UnknownHandle", ENOENT,
       [](SyncobjBadInput& t) {
         return errno_of(uapi::syncobj_timeline_wait(t.drm(), 0xfffff, 1, 0, Deadline::now()));
       }},
      {"TimelineWait_UndefinedFlag", EINVAL,
       [](SyncobjBadInput& t) {
         return errno_of(uapi::syncobj_timeline_wait(t.drm(), t.handle(), 0, 1u << 7, Deadline::now()));
       }},
      {"Query_UnknownHandle", ENOENT,
       [](SyncobjBadInput& t) { return errno_of(uapi::syncobj_query(t.drm(), 0xfffff)); }},
      {"Eventfd_UnknownHandle", ENOENT,
       [](SyncobjBadInput& t) {
         auto events = make_wrong_fd(FdKind::EventFd);
         if (!events) return events.err();
         return errno_of(uapi::syncobj_eventfd(t.drm(), 0xfffff, 1, events->fd.borrow()));
       },
       true},
      {"Eventfd_APipeAsTheEventfd", EINVAL,
       [](SyncobjBadInput& t) {
         auto pipe = make_wrong_fd(FdKind::Pipe);
         if (!pipe) return pipe.err();
         return errno_of(uapi::syncobj_eventfd(t.drm(), t.handle(), 0, pipe->fd.borrow()));
       },
       true},
      {"Eventfd_UndefinedFlag", EINVAL,
       [](SyncobjBadInput& t) {
         auto events = make_wrong_fd(FdKind::EventFd);
         if (!events) return events.err();
         return errno_of(uapi::syncobj_eventfd(t.drm(), t.handle(), 0, events->fd.borrow(), 1u << 7));
       },
       true},
      {"Eventfd_NonzeroPad", EINVAL,
       [](SyncobjBadInput& t) {
         auto events = make_wrong_fd(FdKind::EventFd);
         if (!events) return events.err();
         return errno_of(uapi::syncobj_eventfd(t.drm(), t.handle(), 0, events->fd.borrow(), 0, 1));
       },
       true},
  };
  return table;
}

FC_DESCRIBE(
    SyncobjBadInput, KernelAnswersWithItsErrnoCreatesNoFdAndChangesNoFence,
    "A syncobj ioctl given bad input fails with the kernel's exact errno, creates no descriptor and changes no fence.");
TEST_P(SyncobjBadInput, KernelAnswersWithItsErrnoCreatesNoFdAndChangesNoFence) {
  const SyncobjRow& row = GetParam();
  if (row.needs_eventfd) FC_REQUIRE(probe_syncobj_eventfd(drm()));
  expect_unchanged("before");
  FC_ASSERT_OK_AND_ASSIGN(int before, count_open_fds());
  Errno got = row.call(*this);
  EXPECT_EQ(got.value, row.expected) << row.name << ": the kernel answered " << got.describe() << ", not "
                                     << Errno{row.expected}.describe();
  EXPECT_EQ(count_open_fds().value(), before) << "a rejected call left a descriptor behind";
  expect_unchanged("after");
}

INSTANTIATE_TEST_SUITE_P(Device, SyncobjBadInput, ::testing::ValuesIn(syncobj_rows()),
                         [](const ::testing::TestParamInfo<SyncobjRow>& param_info) {
                           return std::string(param_info.param.name);
                         });

}  // namespace
}  // namespace fc
