// SPDX-License-Identifier: MIT
// The kernel's own consumer: a display commit. A compositor hands a client's
// dma-buf to KMS at submit time; the atomic commit must not scan it out
// before the buffer's implicit write fence signals (the DRM atomic helpers
// take the plane's fence from the GEM object's reservation object,
// drm_gem_plane_helper_prepare_fb), must honour an explicit IN_FENCE_FD, and
// signals OUT_FENCE_PTR and sends the flip event only after the flip.
//
// On the run's device's primary node (virtio_gpu in the virgl lanes), as
// its DRM master; SKIPs naming what is missing (no KMS, no atomic, nothing
// connected, another master). The pending work is a vgem fence. Every
// "waits" test is judged twice: nothing may arrive while the fence is pending
// (kStaysPending), and the flip event's and OUT_FENCE's timestamps must not
// precede the fence's own signal time (SYNC_IOC_FILE_INFO): a driver that
// flipped early is caught however slowly it flipped.
//
// FENCECHECK_SELFTEST_UNFENCED_FLIP=1 (suites/selftest/check_kms.sh) plants
// a harness that never attaches the fence while the tests believe it did:
// the implicit fence is not imported, and IN_FENCE_FD gets an already
// signalled sync_file. Every "waits" test must fail it.
#include <gtest/gtest.h>

#include <cstdlib>
#include <optional>

#include "fixtures/descriptors.h"
#include "fixtures/device_fixture.h"
#include "fixtures/record.h"
#include "harness/description.h"
#include "harness/kms.h"
#include "results/schema.h"

namespace fc {
namespace {

using timeouts::kStaysPending;
using timeouts::kWakeBound;

bool unfenced_flip_planted() {
  const char* planted = std::getenv("FENCECHECK_SELFTEST_UNFENCED_FLIP");
  return planted && *planted == '1';
}

std::uint64_t event_time_ns(const abi::DrmEventVblank& event) {
  return std::uint64_t{event.tv_sec} * 1'000'000'000u + std::uint64_t{event.tv_usec} * 1'000u;
}

class KmsConsumer : public DeviceUnderTest {
 protected:
  void SetUp() override {
    DeviceUnderTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    FC_REQUIRE(imports());
    OpenedKms opened = KmsDevice::open(device());
    FC_REQUIRE(opened.probe);
    kms_ = std::move(opened.device);
    FC_ASSERT_OK_AND_ASSIGN(KmsFramebuffer shown, kms_->create_framebuffer());
    FC_ASSERT_OK_AND_ASSIGN(KmsFramebuffer next, kms_->create_framebuffer());
    shown_.emplace(std::move(shown));
    next_.emplace(std::move(next));
    Status lit = kms_->modeset(*shown_);
    if (lit.err().value == EACCES)
      FC_REQUIRE(Probe::unsupported("not the DRM master of " + device().primary_node +
                                    " (EACCES): another process, a display server, holds it"));
    FC_ASSERT_OK(lit);
    const KmsPipeline& pipeline = kms_->pipeline();
    RecordProperty("kms.pipeline", pipeline.connector_name + " " + std::to_string(pipeline.width) + "x" +
                                       std::to_string(pipeline.height) + ", CRTC " + std::to_string(pipeline.crtc) +
                                       ", primary plane " + std::to_string(pipeline.plane));
  }

  [[nodiscard]] const KmsDevice& kms() const { return *kms_; }
  [[nodiscard]] const KmsFramebuffer& next() const { return *next_; }

  // The fence a flip is given, implicitly (imported into the framebuffer's
  // dma-buf as its writer) or explicitly (the sync_file as IN_FENCE_FD).
  enum class Given { Implicitly, AsInFence };
  struct Attached {
    std::optional<int> in_fence_fd;
    UniqueFd stand_in;  // the mutant's signalled sync_file
  };
  Attached attach(const PendingSyncFile& pending, Given given) {
    Attached attached;
    if (unfenced_flip_planted()) {
      if (given == Given::AsInFence) {
        auto signalled = uapi::export_sync_file(dmabuf(), Access::Write);
        EXPECT_TRUE(signalled.ok());
        if (signalled) attached.stand_in = std::move(*signalled);
        attached.in_fence_fd = attached.stand_in.get();
      }
      return attached;
    }
    if (given == Given::AsInFence) {
      attached.in_fence_fd = pending.fd().get();
    } else {
      Status imported = uapi::import_sync_file(next().dmabuf(), Access::Write, pending.fd());
      EXPECT_TRUE(imported.ok()) << "IMPORT_SYNC_FILE(WRITE) into the framebuffer's dma-buf: "
                                 << imported.err().describe();
    }
    return attached;
  }

  // Flips to next() with the pending fence given as `given`, and judges that
  // the flip waited for it: nothing while pending, then the event and
  // OUT_FENCE, neither timestamped before the fence signalled.
  void expect_flip_waits(Given given) {
    FC_ASSERT_OK_AND_ASSIGN(PendingSyncFile pending, PendingSyncFile::create(vgem()));
    Attached attached = attach(pending, given);
    ASSERT_FALSE(HasFailure());
    std::int64_t out_fence = -1;
    FC_ASSERT_OK(kms().flip(next(), {.in_fence_fd = attached.in_fence_fd, .out_fence = &out_fence}));
    UniqueFd out(static_cast<int>(out_fence));
    ASSERT_GE(out.get(), 0) << "the commit returned no OUT_FENCE";

    FC_ASSERT_OK_AND_ASSIGN(auto early, uapi::drm_read_event(kms().fd(), Deadline::after(kStaysPending)));
    EXPECT_FALSE(early.has_value()) << "the flip event arrived while the buffer's fence was pending ("
                                    << (given == Given::Implicitly ? "implicit" : "IN_FENCE_FD") << ")";
    EXPECT_EQ(sync_file_pending(out.borrow()).value(), true) << "OUT_FENCE signalled while the fence was pending";

    FC_ASSERT_OK(pending.signal());
    FC_ASSERT_OK_AND_ASSIGN(SyncFileInfo input, uapi::sync_file_info(pending.fd()));
    record_fence("input", input);
    ASSERT_EQ(input.fences.size(), 1u) << input.describe();
    const std::uint64_t signalled_ns = input.fences[0].timestamp_ns;

    std::optional<abi::DrmEventVblank> event = early;
    if (!event) {
      FC_ASSERT_OK_AND_ASSIGN(event, uapi::drm_read_event(kms().fd(), Deadline::after(kWakeBound)));
    }
    ASSERT_TRUE(event.has_value()) << "no flip event within " << kWakeBound.count() << " ms of the fence's signal";
    EXPECT_EQ(event->type, abi::kDrmEventFlipComplete);
    EXPECT_GE(event_time_ns(*event), signalled_ns / 1000 * 1000)
        << "the flip happened " << (signalled_ns - event_time_ns(*event)) / 1000 << " us before the fence signalled";
    ASSERT_TRUE(signals_within(out.borrow(), kWakeBound, "OUT_FENCE after the flip"));
    FC_ASSERT_OK_AND_ASSIGN(SyncFileInfo done, uapi::sync_file_info(out.borrow()));
    record_fence("out", done);
    ASSERT_EQ(done.fences.size(), 1u) << done.describe();
    EXPECT_GE(done.fences[0].timestamp_ns, signalled_ns) << "OUT_FENCE signalled before the buffer's fence";
    RecordProperty("kms.flip_after_signal_us", std::to_string((static_cast<std::int64_t>(event_time_ns(*event)) -
                                                               static_cast<std::int64_t>(signalled_ns)) /
                                                              1000));
  }

  // Flips to next() with nothing pending (or a signalled IN_FENCE_FD): the
  // event and OUT_FENCE come without anything being signalled.
  void expect_flip_at_once(std::optional<int> in_fence_fd) {
    std::int64_t out_fence = -1;
    FC_ASSERT_OK(kms().flip(next(), {.in_fence_fd = in_fence_fd, .out_fence = &out_fence}));
    UniqueFd out(static_cast<int>(out_fence));
    FC_ASSERT_OK_AND_ASSIGN(auto event, uapi::drm_read_event(kms().fd(), Deadline::after(kWakeBound)));
    ASSERT_TRUE(event.has_value()) << "no flip event within " << kWakeBound.count() << " ms, with nothing pending";
    EXPECT_EQ(event->type, abi::kDrmEventFlipComplete);
    EXPECT_TRUE(signals_within(out.borrow(), kWakeBound, "OUT_FENCE of a flip with nothing pending"));
    EXPECT_EQ(kms().shown_framebuffer().value(), next().id());
  }

 private:
  std::optional<KmsDevice> kms_;
  std::optional<KmsFramebuffer> shown_;
  std::optional<KmsFramebuffer> next_;
};

FC_DESCRIBE(KmsConsumer, AFlipWaitsForTheBuffersImplicitWriteFence,
            "An atomic page flip to a buffer whose write is still pending waits for the buffer's implicit fence: no "
            "flip event and no OUT_FENCE before it signals.");
TEST_F(KmsConsumer, AFlipWaitsForTheBuffersImplicitWriteFence) { expect_flip_waits(Given::Implicitly); }

FC_DESCRIBE(
    KmsConsumer, AFlipWaitsForAPendingInFence,
    "An atomic page flip given a pending IN_FENCE_FD waits for it: no flip event and no OUT_FENCE before it signals.");
TEST_F(KmsConsumer, AFlipWaitsForAPendingInFence) { expect_flip_waits(Given::AsInFence); }

FC_DESCRIBE(KmsConsumer, ABufferWithNoPendingFenceFlipsAtOnce,
            "A flip to a buffer with nothing pending completes at once, with its event and OUT_FENCE.");
TEST_F(KmsConsumer, ABufferWithNoPendingFenceFlipsAtOnce) {
  expect_state(false, false, "the framebuffer's neighbour, idle");
  expect_flip_at_once(std::nullopt);
}

FC_DESCRIBE(KmsConsumer, ASignalledInFenceDoesNotDelayTheFlip,
            "An already-signalled IN_FENCE_FD does not delay the flip.");
TEST_F(KmsConsumer, ASignalledInFenceDoesNotDelayTheFlip) {
  FC_ASSERT_OK_AND_ASSIGN(UniqueFd signalled, uapi::export_sync_file(dmabuf(), Access::Write));
  EXPECT_EQ(sync_file_pending(signalled.borrow()).value(), false);
  expect_flip_at_once(signalled.get());
}

// drm_atomic_set_fence_for_plane via sync_file_get_fence(): a descriptor
// that is no sync_file is EINVAL, and the commit is not made.
FC_DESCRIBE(
    KmsConsumer, AnInFenceThatIsNoSyncFileIsRefusedAndNothingIsCommitted,
    "An IN_FENCE_FD that is no sync_file fails the commit with EINVAL, and nothing is committed or handed out.");
TEST_F(KmsConsumer, AnInFenceThatIsNoSyncFileIsRefusedAndNothingIsCommitted) {
  for (FdKind kind : {FdKind::EventFd, FdKind::Pipe}) {
    FC_ASSERT_OK_AND_ASSIGN(WrongFd wrong, make_wrong_fd(kind));
    FC_ASSERT_OK_AND_ASSIGN(int before, count_open_fds());
    std::int64_t out_fence = -1;
    Status refused = kms().flip(next(), {.in_fence_fd = wrong.fd.get(), .out_fence = &out_fence});
    EXPECT_EQ(refused.err().value, EINVAL) << name_of(kind) << " as IN_FENCE_FD: " << refused.err().describe();
    EXPECT_EQ(out_fence, -1) << "a refused commit handed out an OUT_FENCE";
    EXPECT_EQ(count_open_fds().value(), before) << "a refused commit left a descriptor behind";
  }
  std::int64_t out_fence = -1;
  Status closed = kms().flip(next(), {.in_fence_fd = closed_fd(), .out_fence = &out_fence});
  EXPECT_EQ(closed.err().value, EINVAL) << "a closed descriptor as IN_FENCE_FD: " << closed.err().describe();
  FC_ASSERT_OK_AND_ASSIGN(auto event, uapi::drm_read_event(kms().fd(), Deadline::after(kStaysPending)));
  EXPECT_FALSE(event.has_value()) << "a refused commit sent a flip event";
  EXPECT_NE(kms().shown_framebuffer().value(), next().id()) << "a refused commit changed the plane";
}

// drm_atomic_helper_setup_commit() -> stall_checks(): a nonblocking commit
// while the CRTC's previous one has not flipped is refused with EBUSY
// (userspace may not get ahead of a pending commit); once it has, it is accepted.
FC_DESCRIBE(
    KmsConsumer, ANonblockingCommitOnAPendingOneIsBusyUntilItFlips,
    "A nonblocking commit on top of one still waiting fails with EBUSY, and is accepted once that one flipped.");
TEST_F(KmsConsumer, ANonblockingCommitOnAPendingOneIsBusyUntilItFlips) {
  FC_ASSERT_OK_AND_ASSIGN(PendingSyncFile pending, PendingSyncFile::create(vgem()));
  Attached attached = attach(pending, Given::AsInFence);
  FC_ASSERT_OK(kms().flip(next(), {.in_fence_fd = attached.in_fence_fd}));
  FC_ASSERT_OK_AND_ASSIGN(KmsFramebuffer third, kms().create_framebuffer());
  Status stacked = kms().flip(third, {.event = false});
  EXPECT_EQ(stacked.err().value, EBUSY) << "a nonblocking commit on top of a pending one: " << stacked.err().describe();

  FC_ASSERT_OK(pending.signal());
  FC_ASSERT_OK_AND_ASSIGN(auto event, uapi::drm_read_event(kms().fd(), Deadline::after(kWakeBound)));
  ASSERT_TRUE(event.has_value()) << "the first commit never flipped";
  EXPECT_TRUE(kms().flip(third, {.event = false, .nonblock = false}).ok()) << "after the flip, a commit is accepted";
}

}  // namespace
}  // namespace fc
