// SPDX-License-Identifier: MIT
// GPU writes and implicit fences: the question fencecheck exists for.
//
// A producer (GL through an EGLImage, Vulkan external memory, or the vgem-cpu
// reference) writes frame N into a GBM-allocated dma-buf and returns at
// submit time, as compositors hand buffers on. The consumer then relies on
// the kernel: EXPORT_SYNC_FILE(READ) must be pending until the write lands,
// and after waiting the consumer must read frame N, never frame N-1.
// A driver that attaches no fence FAILS the pending and fresh-contents checks:
// per-lane expectation files say which drivers are known not to fence.
//
// Frames are submitted the way the producer's API promises synchronisation:
// GL plainly (implicit sync), Vulkan through the explicit bridge (the
// submit's SYNC_FD imported into the dma-buf, as Mesa's WSI does); what a
// plain Vulkan submit does is recorded, never required (GpuPlainSubmit).
// Where the producer can wait on a sync_file, each frame is gated
// (gpu/gate.h): exported while the gate is closed, a fenced write
// is pending every time and an unfenced one cannot hide.
#include <gtest/gtest.h>

#include <drm_fourcc.h>

#include <chrono>
#include <optional>
#include <tuple>

#include "fixtures/gpu_fixture.h"
#include "fixtures/record.h"
#include "harness/description.h"
#include "harness/process.h"
#include "harness/vgem.h"
#include "results/schema.h"

namespace fc {
namespace {

using namespace std::chrono_literals;

class GpuWrite : public GpuTestBase, public ::testing::WithParamInterface<std::string_view> {
 protected:
  void SetUp() override {
    // ExportRightAfterSubmitIsPending is the driver matrix's verdict: is the write fenced?
    const std::string_view test = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    if (test.substr(0, test.find('/')) == "ExportRightAfterSubmitIsPending") {
      record_verdict_role(schema::kRoleDeciding);
    }
    set_up(GetParam(), default_buffer_spec());
  }
};

// Frames a pending check observes. Each frame is judged on its own, with no
// retry: an export already signalled while the producer, asked right after,
// still says the write has not landed fails the test at once (the kernel
// showed no fence for a write in flight); a frame the producer had finished
// before it was asked is inconclusive. A driver that fences only some of its
// writes is caught by the frames it does not fence.
constexpr std::uint32_t kObservedFrames = 4;
// Frames the pending test observes: a driver that leaves the fence off half
// of its submits at random passes all of them once in 65536 runs.
constexpr std::uint32_t kPendingFrames = 16;

FC_DESCRIBE(GpuWrite, ExportRightAfterSubmitIsPending,
            "A GPU write still in flight is visible as a pending implicit fence: EXPORT_SYNC_FILE right after the "
            "submit is not signalled until the write lands.");
TEST_P(GpuWrite, ExportRightAfterSubmitIsPending) {
  const std::uint32_t fenced = for_each_observed_frame(kPendingFrames, "after submit", {}, "after submit WRITE");
  if (HasFatalFailure()) return;
  RecordProperty(std::string(schema::kSubmits), std::to_string(fenced) + " of " + std::to_string(kPendingFrames) +
                                                    " frames fenced at submit, the rest landed before the export");
  if (fenced == 0) {
    GTEST_SKIP() << nothing_seen_in_flight(kPendingFrames) << context();
  }
}

// Judged on a frame seen in flight (frames are observed until one is): a
// frame that had landed before the export reads new whatever the fence did.
FC_DESCRIBE(GpuWrite, WaitingOnTheExportThenReadingSeesTheNewFrame,
            "A consumer that waits on EXPORT_SYNC_FILE and then reads the buffer sees the frame just written, never "
            "the previous one.");
TEST_P(GpuWrite, WaitingOnTheExportThenReadingSeesTheNewFrame) {
  std::optional<Observation> in_flight;
  observe_until_in_flight(kObservedFrames, in_flight);
  if (HasFatalFailure()) return;
  if (!in_flight) GTEST_SKIP() << nothing_seen_in_flight(kObservedFrames) << context();
  const Observation& seen = *in_flight;
  FC_ASSERT_OK_AND_ASSIGN(WaitResult waited,
                          uapi::poll_fd(seen.read.sync_file.borrow(), POLLIN, Deadline::after(timeouts::kGpuFrame)));
  ASSERT_EQ(waited, WaitResult::Ready) << "the fence did not signal within " << timeouts::kGpuFrame.count() << " ms\n"
                                       << context();
  if (!contents_can_fail()) GTEST_SKIP() << why_contents_cannot_fail() << "\n" << context();
  FC_ASSERT_OK_AND_ASSIGN(Classification read, read_frame(seen.frame, ReadMode::Immediate, Deadline::now()));
  RecordProperty(std::string(schema::kReadback), read.describe());
  EXPECT_EQ(read.verdict, Classification::Verdict::New)
      << "after the exported fence signalled, the consumer read " << read.describe() << " instead of frame "
      << seen.frame << ".\n"
      << "  kernel returned: " << seen.read.info.describe() << "\n"
      << context();
}

// The three consumer waits agree on a GPU write: the export and poll() on the
// dma-buf say the same thing, and DMA_BUF_IOCTL_SYNC START returns no earlier
// than the fence the export holds signalled (its FILE_INFO timestamp). The
// waits are made one after another, so "pending, then ready" is agreement
// when the fence signalled in between; "ready, then pending" never is. It is
// judged on a frame seen in flight: with nothing pending there is nothing
// to compare (SKIP), and a write in flight with no fence fails as everywhere.
FC_DESCRIBE(GpuWrite, TheThreeConsumerWaitsAgree,
            "On a GPU write in flight, EXPORT_SYNC_FILE, poll() on the dma-buf and DMA_BUF_IOCTL_SYNC all wait, and "
            "none returns before the fence's signal time.");
TEST_P(GpuWrite, TheThreeConsumerWaitsAgree) {
  // Agreement is judged on a write seen in flight: frames are observed until
  // one is (each judged as in ExportRightAfterSubmitIsPending).
  for (std::uint32_t frame = 1; frame <= kObservedFrames; ++frame) {
    FC_ASSERT_OK_AND_ASSIGN(Observation seen, submit_and_observe(frame));
    ASSERT_FALSE(seen.contradiction()) << unfenced_write(seen) << context();
    if (!seen.fenced()) {  // landed before the export: no pending state to compare
      FC_ASSERT_OK_AND_ASSIGN(const bool poll_pending, uapi::is_busy(image().fd(), POLLIN));
      EXPECT_FALSE(poll_pending && !seen.read.pending)
          << "poll(dma-buf) is pending although the export made just before it was already signalled: the export "
             "missed a fence that poll waits for\n  "
          << seen.describe() << "\n"
          << context();
      FC_ASSERT_OK(producer().finish());
      continue;
    }
    const Snapshot& snapshot = seen.read;
    FC_ASSERT_OK_AND_ASSIGN(const bool poll_pending, uapi::is_busy(image().fd(), POLLIN));
    const auto polled_at = Clock::now();
    FC_ASSERT_OK_AND_ASSIGN(WaitResult synced,
                            uapi::dma_buf_sync_start(image().fd(), Access::Read, Deadline::after(timeouts::kGpuFrame)));
    const auto sync_returned = Clock::now();
    ASSERT_EQ(synced, WaitResult::Ready) << "DMA_BUF_IOCTL_SYNC START did not return within the frame timeout";
    FC_ASSERT_OK(uapi::dma_buf_sync_end(image().fd(), Access::Read));
    record_fence("after submit", snapshot.info);

    FC_ASSERT_OK_AND_ASSIGN(WaitResult done,
                            uapi::poll_fd(snapshot.sync_file.borrow(), POLLIN, Deadline::after(timeouts::kGpuFrame)));
    ASSERT_EQ(done, WaitResult::Ready);
    FC_ASSERT_OK_AND_ASSIGN(SyncFileInfo signalled, uapi::sync_file_info(snapshot.sync_file.borrow()));
    for (const FenceInfo& fence : signalled.fences) {
      auto signalled_at = Clock::time_point(std::chrono::nanoseconds(fence.timestamp_ns));
      if (!poll_pending) {
        EXPECT_LE(signalled_at, polled_at) << "poll(dma-buf) said ready before the fence " << fence.driver << "/"
                                           << fence.timeline << " in the export signalled\n"
                                           << context();
      }
      EXPECT_GE(sync_returned, signalled_at) << "DMA_BUF_IOCTL_SYNC START returned before the fence " << fence.driver
                                             << "/" << fence.timeline << " signalled\n"
                                             << context();
    }
    return;
  }
  GTEST_SKIP() << "nothing to compare: the producer had finished each of " << kObservedFrames
               << " frames before the export was made, so the three waits never faced a pending fence\n"
               << context();
}

// The fenceless zero-copy race, observed: read each frame immediately after
// submit, without waiting, and record stale or torn reads: what a consumer
// without a fence shows, and what a fencing driver may show too (the race
// the fence exists to close). Every frame still being written must be
// fenced; a run in which no frame was still being written observed no race
// and judged nothing (SKIP).
FC_DESCRIBE(GpuWrite, ReadingWithoutWaitingRacesTheWrite,
            "Every frame a consumer could read without waiting while the GPU still writes it is fenced: the race is "
            "observed and recorded.");
TEST_P(GpuWrite, ReadingWithoutWaitingRacesTheWrite) {
  constexpr std::uint32_t kFrames = 8;
  std::uint32_t stale = 0, torn = 0, fresh = 0, fenced = 0, in_flight = 0;
  std::string per_frame;  // one letter a frame: N new, S stale, T torn, G garbage; lower case: no fence
  for (std::uint32_t frame = 1; frame <= kFrames; ++frame) {
    FC_ASSERT_OK_AND_ASSIGN(Observation observed, submit_and_observe(frame));
    FC_ASSERT_OK_AND_ASSIGN(Classification seen, read_frame(frame, ReadMode::Immediate, Deadline::now()));
    FC_ASSERT_OK(producer().finish());
    if (frame == 1) record_fence("frame 1 after submit", observed.read.info);
    // Every frame still being written must be fenced.
    EXPECT_FALSE(observed.contradiction()) << unfenced_write(observed) << context();
    fenced += observed.fenced();
    in_flight += observed.fenced() || observed.producer_busy;
    char letter = "NSTG"[static_cast<int>(seen.verdict)];
    per_frame += observed.fenced() ? letter : static_cast<char>(std::tolower(letter));
    switch (seen.verdict) {
      case Classification::Verdict::New: ++fresh; break;
      case Classification::Verdict::Stale: ++stale; break;
      case Classification::Verdict::Torn: ++torn; break;
      case Classification::Verdict::Garbage:
        ADD_FAILURE() << "frame " << frame << " read back as " << seen.describe() << "\n" << context();
    }
    // Each frame starts from the finished previous one.
    FC_ASSERT_OK_AND_ASSIGN(Classification settled, read_frame(frame, ReadMode::Immediate, Deadline::now()));
    ASSERT_EQ(settled.verdict, Classification::Verdict::New) << "after finish: " << settled.describe();
  }
  const std::string counts = std::to_string(fresh) + " new, " + std::to_string(stale) + " stale, " +
                             std::to_string(torn) + " torn of " + std::to_string(kFrames) + " frames; " +
                             std::to_string(fenced) + " had a pending fence at submit [" + per_frame + "]";
  RecordProperty(std::string(schema::kRace), counts);
  std::printf("  race (%s, %s): %s\n", std::string(producer().name()).c_str(), device().driver.c_str(), counts.c_str());
  if (in_flight == 0) GTEST_SKIP() << nothing_seen_in_flight(kFrames) << context();
}

std::int64_t monotonic_ns(Clock::time_point when) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(when.time_since_epoch()).count();
}

// A capture client in another process receives the dma-buf over SCM_RIGHTS
// while the GPU write is in flight and waits on it through its own export;
// once it says it is done waiting, the frame must be there. Its export must
// be pending unless the write had already landed when it looked (the parent's
// fence, exported at submit, says when it signalled).
FC_DESCRIBE(GpuWrite, AnotherProcessWaitsForTheWriteThroughTheReceivedBuffer,
            "A process that receives the buffer mid-write and waits on its own export then reads the new frame.");
TEST_P(GpuWrite, AnotherProcessWaitsForTheWriteThroughTheReceivedBuffer) {
  struct Report {
    std::int32_t error = 0;
    std::uint8_t pending = 0;          // its export was pending when it looked
    std::uint8_t ready = 0;            // its wait ended with the fence signalled
    std::int64_t looked_until_ns = 0;  // CLOCK_MONOTONIC once its export and its check were done
  };
  FC_ASSERT_OK_AND_ASSIGN(SocketPair sockets, make_socket_pair());
  BorrowedFd child_end = sockets.second.borrow();
  FC_ASSERT_OK_AND_ASSIGN(
      ChildProcess child, ChildProcess::fork([&] {
        Report report;
        std::byte tag{};
        auto message = receive_message(child_end, {&tag, 1}, Deadline::after(timeouts::kChildProcess));
        auto file = !message               ? Result<UniqueFd>(message.err())
                    : !message->fd.valid() ? Result<UniqueFd>(Errno{EPROTO})
                                           : uapi::export_sync_file(message->fd.borrow(), Access::Read);
        auto busy = file ? uapi::is_busy(file->borrow(), POLLIN) : Result<bool>(file.err());
        // Taken after the look: a fence that signals while the export and
        // the check run may rightly read as signalled (taken before them, a
        // signal in that window read as "signalled while in flight").
        report.looked_until_ns = monotonic_ns(Clock::now());
        auto waited = busy ? uapi::poll_fd(file->borrow(), POLLIN, Deadline::after(timeouts::kGpuFrame))
                           : Result<WaitResult>(busy.err());
        report.error = waited.error();
        report.pending = busy && *busy;
        report.ready = waited && *waited == WaitResult::Ready;
        return send_message(child_end, std::as_bytes(std::span(&report, 1))).ok() ? 0 : 1;
      }));
  sockets.second.reset();

  // Hand the buffer over while a write is in flight: frames are observed
  // until one is (a frame that landed before the export proves nothing here).
  std::optional<Observation> in_flight;
  observe_until_in_flight(kObservedFrames, in_flight);
  if (HasFatalFailure()) return;
  if (!in_flight) GTEST_SKIP() << nothing_seen_in_flight(kObservedFrames) << context();
  const Observation& observed = *in_flight;
  const std::uint32_t frame = observed.frame;
  const Snapshot& parent = observed.read;
  FC_ASSERT_OK_AND_ASSIGN(UniqueFd handed, UniqueFd::dup(image().fd()));
  std::byte tag{1};
  FC_ASSERT_OK(send_message(sockets.first.borrow(), {&tag, 1}, &handed));
  Report report;
  FC_ASSERT_OK_AND_ASSIGN(Message reply,
                          receive_message(sockets.first.borrow(), std::as_writable_bytes(std::span(&report, 1)),
                                          Deadline::after(timeouts::kGpuFrame)));
  ASSERT_EQ(reply.size, sizeof report);
  ASSERT_EQ(report.error, 0) << "child: " << Errno{report.error}.describe();
  ASSERT_TRUE(report.ready) << "the child's wait timed out\n" << context();
  // Nothing but the child's wait orders this read after the write.
  FC_ASSERT_OK_AND_ASSIGN(Classification seen, read_frame(frame, ReadMode::Immediate, Deadline::now()));

  // When did the write land? The parent's own export's fences say.
  FC_ASSERT_OK_AND_ASSIGN(WaitResult landed,
                          uapi::poll_fd(parent.sync_file.borrow(), POLLIN, Deadline::after(timeouts::kGpuFrame)));
  ASSERT_EQ(landed, WaitResult::Ready);
  FC_ASSERT_OK_AND_ASSIGN(SyncFileInfo signalled, uapi::sync_file_info(parent.sync_file.borrow()));
  record_fence("parent export at submit once signalled", signalled);
  std::int64_t landed_at_ns = 0;
  for (const FenceInfo& fence : signalled.fences) {
    landed_at_ns = std::max(landed_at_ns, static_cast<std::int64_t>(fence.timestamp_ns));
  }
  // Landed before the child had looked: the fence signalled before the child's
  // export and check ended (the parent's export was pending: only a frame seen
  // in flight is handed over).
  const bool had_landed = report.looked_until_ns > landed_at_ns;
  RecordProperty(std::string(schema::kChild), std::string(report.pending ? "pending" : "already signalled") +
                                                  " at receipt" + (had_landed ? " (the write had landed)" : "") +
                                                  "; read after its wait: " + seen.describe());
  if (!had_landed) {
    EXPECT_TRUE(report.pending) << "the receiving process's export was already signalled while the write was in "
                                   "flight\n  the parent's export: "
                                << parent.info.describe() << "\n"
                                << context();
  }
  if (contents_can_fail()) {
    EXPECT_EQ(seen.verdict, Classification::Verdict::New)
        << "after the receiving process's wait ended, the buffer held " << seen.describe() << "\n"
        << context();
  }
  FC_ASSERT_OK_AND_ASSIGN(ExitStatus status, child.wait(Deadline::after(timeouts::kChildProcess)));
  EXPECT_TRUE(status.success()) << status.describe();
}

std::string producer_param(const ::testing::TestParamInfo<std::string_view>& param_info) {
  return producer_param_name(param_info.param);
}

INSTANTIATE_TEST_SUITE_P(Gpu, GpuWrite, kAllProducers, producer_param);

// A GPU read, then a consumer about to write: the GPU samples the buffer (GL:
// a draw texel-fetching the EGLImage into a target of its own; Vulkan: a
// transfer out of the imported VkBuffer; vgem-cpu: a vgem read fence) and a
// consumer that would overwrite it asks EXPORT_SYNC_FILE(WRITE), which must be
// pending until the read is done: else the consumer overwrites what the GPU
// still reads. (A reader's READ export need not wait for it.) Each read is
// judged like a frame: gated where the producer allows, the producer's word
// against the kernel's, no retries.
class GpuRead : public GpuTestBase, public ::testing::WithParamInterface<std::string_view> {
 protected:
  void SetUp() override { set_up(GetParam(), default_buffer_spec()); }
};

FC_DESCRIBE(GpuRead, ConsumerWriteExportIsPendingWhileTheGpuReads,
            "While the GPU reads the buffer, a consumer about to overwrite it must wait: EXPORT_SYNC_FILE(WRITE) is "
            "pending until the read is done.");
TEST_P(GpuRead, ConsumerWriteExportIsPendingWhileTheGpuReads) {
  FC_REQUIRE(producer().can_read());
  std::uint32_t fenced = 0;
  for (std::uint32_t job = 1; job <= kObservedFrames; ++job) {
    FC_ASSERT_OK_AND_ASSIGN(Observation seen, read_and_observe());
    if (job == 1) {
      record_fence("WRITE export during the GPU read", seen.write.info);
      record_fence("READ export during the GPU read", seen.read.info);
    }
    ASSERT_FALSE(seen.contradiction())
        << "EXPORT_SYNC_FILE(WRITE) was already signalled while the producer said its read of the buffer had not "
           "finished"
        << (seen.gate == GateKind::Gpu ? " (its gate was still closed, so it could not have)" : "")
        << ": the driver attached no fence for the GPU read, so a consumer may overwrite the buffer while the GPU "
           "still reads it.\n  "
        << seen.describe() << "\n"
        << context();
    fenced += seen.fenced();
    FC_ASSERT_OK(producer().finish());
  }
  RecordProperty(std::string(schema::kSubmits), std::to_string(fenced) + " of " + std::to_string(kObservedFrames) +
                                                    " GPU reads pending in the WRITE export");
  if (fenced == 0) {
    GTEST_SKIP() << nothing_seen_in_flight(kObservedFrames, "reads") << context();
  }
}

INSTANTIATE_TEST_SUITE_P(Gpu, GpuRead, kAllProducers, producer_param);

// One buffer, two DRM devices: the fences live in the exporter's reservation
// object, whichever device made them. (In the virgl VM: virtio_gpu and vgem.)
class GpuCrossDevice : public GpuTestBase, public ::testing::WithParamInterface<std::string_view> {
 protected:
  void SetUp() override { set_up(GetParam(), default_buffer_spec()); }
};

// A vgem fence imported into the buffer the GPU's device exported is what the
// GPU's buffer then exports: pending until vgem signals it.
FC_DESCRIBE(
    GpuCrossDevice, AVgemFenceImportedIntoTheGpusBufferIsExportedUntilItSignals,
    "A fence from another device imported into the GPU's buffer comes out of its export, pending until it signals.");
TEST_P(GpuCrossDevice, AVgemFenceImportedIntoTheGpusBufferIsExportedUntilItSignals) {
  if (device().driver == "vgem") GTEST_SKIP() << "the GPU device is vgem itself: no second device";
  OpenedVgem vgem = VgemDevice::open_first(discover_drm_devices());
  FC_REQUIRE(vgem.probe);
  FC_REQUIRE(probe_import_sync_file(image().fd()));
  FC_ASSERT_OK_AND_ASSIGN(VgemBuffer other, VgemBuffer::create(*vgem.device));
  FC_ASSERT_OK_AND_ASSIGN(VgemFence fence, other.attach_fence(FenceUsage::Write));
  FC_ASSERT_OK_AND_ASSIGN(UniqueFd vgem_file, uapi::export_sync_file(other.dmabuf(), Access::Read));
  FC_ASSERT_OK(uapi::import_sync_file(image().fd(), Access::Write, vgem_file.borrow()));
  FC_ASSERT_OK_AND_ASSIGN(Snapshot before, export_now(Access::Read));
  record_fence("GPU buffer after importing the vgem fence", before.info);
  EXPECT_TRUE(before.pending) << device().driver
                              << "'s buffer does not export the vgem fence imported into it: " << before.info.describe()
                              << "\n"
                              << context();
  FC_ASSERT_OK(fence.signal());
  FC_ASSERT_OK_AND_ASSIGN(Snapshot after, export_now(Access::Read));
  EXPECT_FALSE(after.pending) << "still pending after vgem signalled its fence: " << after.info.describe();
}

INSTANTIATE_TEST_SUITE_P(Gpu, GpuCrossDevice, kAllProducers, producer_param);

// The GPU writes a buffer vgem exported (imported by PRIME into the GPU's
// driver): the write's fence lands in vgem's reservation object, so the
// export is pending; each frame judged like the pending test's.
class GpuForeignBuffer : public GpuTestBase, public ::testing::WithParamInterface<std::string_view> {
 protected:
  void SetUp() override { set_up(GetParam(), default_buffer_spec(), std::nullopt, Exporter::Vgem); }
};

FC_DESCRIBE(GpuForeignBuffer, GpuWriteOnAVgemExportedBufferIsPendingUntilItLands,
            "The GPU's write of a buffer another device exported is fenced in that exporter's reservation object until "
            "it lands.");
TEST_P(GpuForeignBuffer, GpuWriteOnAVgemExportedBufferIsPendingUntilItLands) {
  const std::uint32_t fenced = for_each_observed_frame(kObservedFrames, "vgem's buffer after the GPU's submit");
  if (HasFatalFailure()) return;
  if (fenced == 0) {
    GTEST_SKIP() << nothing_seen_in_flight(kObservedFrames) << context();
  }
}

INSTANTIATE_TEST_SUITE_P(Gpu, GpuForeignBuffer, kAllProducers, producer_param);

// The explicit bridge, what Mesa's Vulkan WSI, compositors and capture
// clients do: the submit's own fence as a sync_file (an EGL native fence
// sync, a semaphore exported as SYNC_FD), imported into the dma-buf as its
// writer. Required of every producer that can export its submit's fence
// (SKIP naming what is missing elsewhere): the export is then pending until
// the write lands, and a consumer's wait on it yields the new frame.
class GpuBridge : public GpuTestBase, public ::testing::WithParamInterface<std::string_view> {
 protected:
  void SetUp() override {
    record_verdict_role(schema::kRoleBridge);
    set_up(GetParam(), default_buffer_spec(), Sync::Bridge);
  }
};

FC_DESCRIBE(GpuBridge, ImportedSubmitFenceIsPendingUntilTheWriteLandsThenReadsNew,
            "The explicit bridge: the submit's own fence imported into the dma-buf as its writer holds consumers until "
            "the write lands, then they read the new frame.");
TEST_P(GpuBridge, ImportedSubmitFenceIsPendingUntilTheWriteLandsThenReadsNew) {
  const std::uint32_t fenced = for_each_observed_frame(
      kObservedFrames, "after submit and import", [&](std::uint32_t frame, const Observation& seen) {
        FC_ASSERT_OK_AND_ASSIGN(WaitResult waited, uapi::poll_fd(seen.read.sync_file.borrow(), POLLIN,
                                                                 Deadline::after(timeouts::kGpuFrame)));
        ASSERT_EQ(waited, WaitResult::Ready)
            << "the bridged fence did not signal within " << timeouts::kGpuFrame.count() << " ms\n"
            << context();
        if (!contents_can_fail()) return;
        FC_ASSERT_OK_AND_ASSIGN(Classification read, read_frame(frame, ReadMode::Immediate, Deadline::now()));
        EXPECT_EQ(read.verdict, Classification::Verdict::New)
            << "after the bridged fence signalled, the consumer read " << read.describe() << " instead of frame "
            << frame << "\n  " << seen.describe() << "\n"
            << context();
      });
  if (HasFatalFailure()) return;
  RecordProperty(std::string(schema::kSubmits), std::to_string(fenced) + " of " + std::to_string(kObservedFrames) +
                                                    " frames pending after the import");
  if (fenced == 0) {
    GTEST_SKIP() << nothing_seen_in_flight(kObservedFrames) << context();
  }
}

INSTANTIATE_TEST_SUITE_P(Gpu, GpuBridge, kAllProducers, producer_param);

// What a plain submit does where the API promises no implicit sync (Vulkan):
// some kernel drivers attach a fence anyway (amdgpu, panfrost), others do
// not (xe, panthor, msm with VM_BIND book-keep their fences where EXPORT
// never looks; i915 only for WSI memory). Recorded as a property
// ("vulkan.implicit_fence": yes|no) for the matrix, never a failure.
class GpuPlainSubmit : public GpuTestBase, public ::testing::WithParamInterface<std::string_view> {
 protected:
  void SetUp() override {
    record_verdict_role(schema::kRolePlainSubmit);
    set_up(GetParam(), default_buffer_spec(), Sync::Implicit);
  }
};

FC_DESCRIBE(
    GpuPlainSubmit, ImplicitFenceIsRecordedNotRequired,
    "What a plain Vulkan submit leaves in the dma-buf (Vulkan promises no implicit fence) is recorded, never judged.");
TEST_P(GpuPlainSubmit, ImplicitFenceIsRecordedNotRequired) {
  // Its pass judges nothing: a cell whose only pass this is judged nothing.
  RecordProperty(std::string(schema::kJudges), std::string(schema::kJudgesNothing));
  const std::string property(producer().kind().implicit_property);
  std::uint32_t fenced = 0, unfenced = 0;
  std::string evidence;
  for (std::uint32_t frame = 1; frame <= kObservedFrames; ++frame) {
    FC_ASSERT_OK_AND_ASSIGN(Observation seen, submit_and_observe(frame));
    if (frame == 1) record_fence("after plain submit", seen.read.info);
    if (seen.contradiction() && unfenced++ == 0) evidence = seen.describe();
    fenced += seen.fenced();
    FC_ASSERT_OK(producer().finish());
  }
  if (fenced + unfenced == 0) {
    RecordProperty(property, "unknown");
    GTEST_SKIP() << "nothing to record: the producer had finished each of " << kObservedFrames
                 << " frames before the export was made\n"
                 << context();
  }
  const std::string counts =
      std::to_string(fenced) + " of " + std::to_string(fenced + unfenced) + " frames seen in flight had a fence";
  RecordProperty(property, (unfenced == 0 ? "yes (" : "no (") + counts + ")");
  if (unfenced > 0) RecordProperty(property + std::string(schema::kEvidenceSuffix), evidence);
}

std::vector<std::string_view> producers_without_implicit_sync() {
  std::vector<std::string_view> names;
  for (const ProducerKind& kind : kProducers) {
    if (!kind.implicit_sync) names.push_back(kind.name);
  }
  return names;
}

INSTANTIATE_TEST_SUITE_P(Gpu, GpuPlainSubmit, ::testing::ValuesIn(producers_without_implicit_sync()), producer_param);

// Each format and layout a producer writes is fenced and read back right.
struct FormatCase {
  const char* name;
  std::uint32_t fourcc;
  std::uint64_t modifier;
};

void PrintTo(const FormatCase& format, std::ostream* out) { *out << format.name; }

class GpuWriteFormats : public GpuTestBase,
                        public ::testing::WithParamInterface<std::tuple<std::string_view, FormatCase>> {
 protected:
  void SetUp() override {
    auto [producer_name, format] = GetParam();
    BufferSpec spec = default_buffer_spec();
    spec.fourcc = format.fourcc;
    spec.modifier = format.modifier;
    set_up(producer_name, spec);
  }
};

// Frames are observed until one is seen in flight (each judged as in
// ExportRightAfterSubmitIsPending); that one must be fenced, then read back new.
FC_DESCRIBE(
    GpuWriteFormats, IsPendingAfterSubmitAndNewAfterTheWait,
    "For each format and layout a compositor uses, a GPU write is pending after submit and new after the wait.");
TEST_P(GpuWriteFormats, IsPendingAfterSubmitAndNewAfterTheWait) {
  std::optional<Observation> in_flight;
  observe_until_in_flight(kObservedFrames, in_flight);
  if (HasFatalFailure()) return;
  if (!in_flight) GTEST_SKIP() << nothing_seen_in_flight(kObservedFrames) << context();
  const Observation& seen = *in_flight;
  FC_ASSERT_OK_AND_ASSIGN(WaitResult waited,
                          uapi::poll_fd(seen.read.sync_file.borrow(), POLLIN, Deadline::after(timeouts::kGpuFrame)));
  ASSERT_EQ(waited, WaitResult::Ready);
  if (!contents_can_fail()) return;  // the pending export was judged; the contents cannot be
  FC_ASSERT_OK_AND_ASSIGN(Classification read, read_frame(seen.frame, ReadMode::Immediate, Deadline::now()));
  EXPECT_EQ(read.verdict, Classification::Verdict::New) << read.describe() << "\n" << context();
}

INSTANTIATE_TEST_SUITE_P(
    Gpu, GpuWriteFormats,
    ::testing::Combine(kAllProducers,
                       ::testing::Values(FormatCase{"ARGB8888_Linear", DRM_FORMAT_ARGB8888, DRM_FORMAT_MOD_LINEAR},
                                         FormatCase{"XRGB8888_Linear", DRM_FORMAT_XRGB8888, DRM_FORMAT_MOD_LINEAR},
                                         FormatCase{"ABGR8888_Linear", DRM_FORMAT_ABGR8888, DRM_FORMAT_MOD_LINEAR},
                                         FormatCase{"ARGB8888_Preferred", DRM_FORMAT_ARGB8888, DRM_FORMAT_MOD_INVALID},
                                         FormatCase{"XRGB8888_Preferred", DRM_FORMAT_XRGB8888, DRM_FORMAT_MOD_INVALID},
                                         FormatCase{"ABGR8888_Preferred", DRM_FORMAT_ABGR8888,
                                                    DRM_FORMAT_MOD_INVALID})),
    [](const ::testing::TestParamInfo<GpuWriteFormats::ParamType>& param_info) {
      return std::string(std::get<1>(param_info.param).name) + "_" + producer_param_name(std::get<0>(param_info.param));
    });

}  // namespace
}  // namespace fc
