// SPDX-License-Identifier: MIT
// The `vgem-cpu` reference producer: behaves as a GPU driver that fences
// correctly. submit() attaches a vgem write fence to the buffer (imported
// into vgem by PRIME), then a writer thread fills in the frame after a short
// "GPU latency" and signals the fence. Same test bodies as the real
// producers, with a fence that is known to be there.
//
// The selftests' mutant: with FENCECHECK_SELFTEST_UNFENCED=N in the
// environment it leaves the fence off N% of its submits, at random, as a
// driver that fences only some writes would; suites/selftest checks that
// the GPU tests fail it in every run. With FENCECHECK_SELFTEST_SIGNAL_EARLY
// set it signals each fence when the job starts, before it writes: the
// fence is there, but a consumer that waited reads the old frame, which the
// content checks must catch.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <functional>
#include <optional>
#include <random>
#include <thread>
#include <vector>

#include "gpu/gpu_target.h"
#include "gpu/pattern.h"
#include "gpu/producer.h"
#include "harness/deadline.h"
#include "harness/device.h"
#include "harness/uapi.h"
#include "harness/vgem.h"
#include "results/schema.h"

namespace fc {
namespace {

using namespace std::chrono_literals;

// How long the "GPU" takes: long against an export made right after submit().
constexpr auto kWriteLatency = 100ms;
// The longest a gated write waits for its gate, and a submit for the buffer's
// earlier users: timeouts::kFenceSignal, under vgem's own 10 s timer, so a
// gate nobody opened ends here, not by vgem signalling it.
constexpr auto kGateLimit = timeouts::kFenceSignal;

class VgemCpuProducer final : public Producer {
 public:
  explicit VgemCpuProducer(VgemDevice vgem) : vgem_(std::move(vgem)) {
    if (const char* share = std::getenv("FENCECHECK_SELFTEST_UNFENCED")) unfenced_percent_ = std::atoi(share);
    signals_early_ = std::getenv("FENCECHECK_SELFTEST_SIGNAL_EARLY") != nullptr;
  }
  ~VgemCpuProducer() override {
    (void)finish();
    if (handle_ != 0) (void)uapi::drm_gem_close(vgem_.fd(), handle_);
  }

  using Producer::submit;
  const ProducerKind& kind() const override { return producer_kind(ProducerId::VgemCpu); }

  Environment environment() const override {
    return {{std::string(schema::kProducerDriver), "vgem " + vgem_.info().version},
            {std::string(schema::kProducerNode), vgem_.info().primary_node},
            {std::string(schema::kProducerWriteLatency), std::to_string(kWriteLatency.count())}};
  }

  Probe supports(const DmaBufImage& image) const override {
    if (find_format(image.fourcc) == nullptr)
      return Probe::unsupported(std::string(name()) + " writes 32-bit RGB formats only");
    if (!image.linear) {
      return Probe::unsupported(std::string(name()) + " writes known-linear buffers only; this one has modifier " +
                                modifier_name(image.modifier));
    }
    return Probe::supported();
  }

  Status attach(const DmaBufImage& image) override {
    (void)finish();
    format_ = find_format(image.fourcc);
    auto handle = uapi::drm_prime_fd_to_handle(vgem_.fd(), image.fd());
    if (!handle) return fail("DRM_IOCTL_PRIME_FD_TO_HANDLE into vgem", handle.err());
    auto mapping = uapi::map_dma_buf(image.fd(), image.plane0_size(), true);
    if (!mapping) return fail("mmap of the dma-buf", mapping.err());
    if (handle_ != 0) (void)uapi::drm_gem_close(vgem_.fd(), handle_);
    handle_ = *handle;
    dmabuf_ = image.fd();
    mapping_ = std::move(*mapping);
    image_ = {image.width, image.height, image.planes[0].offset, image.planes[0].stride};
    return {};
  }

  // Waits for: the writer thread polls the gate's sync_file before it writes
  // (bounded: the gate's own vgem fence signals itself after 10 s), so a
  // gated submit returns at once as a GPU's would. Its fence: the vgem write
  // fence it attached, exported from the buffer right after.
  Probe can_wait() const override { return Probe::supported(); }
  Probe can_export_fence() const override { return Probe::supported(); }

  Status submit(std::uint32_t frame, const SubmitOptions& options) override {
    return start(options, FenceUsage::Write, [this, frame] {
      fill_frame(mapping_.bytes().subspan(image_.offset), image_.stride, image_.width, image_.height, *format_, frame);
    });
  }

  // A vgem read fence, and the thread reads the image after the latency.
  Probe can_read() const override { return Probe::supported(); }
  Status submit_read(const SubmitOptions& options) override {
    return start(options, FenceUsage::Read, [this] {
      auto bytes = mapping_.bytes().subspan(image_.offset);
      read_back_.assign(bytes.begin(), bytes.begin() + std::min<std::size_t>(bytes.size(), image_.stride));
    });
  }

  Result<UniqueFd> take_submit_fence() override {
    if (!submit_fence_.valid()) return fail("its fence: none was exported for the last submit", Errno{ENOENT}).err();
    return std::move(submit_fence_);
  }

  Status finish() override {
    if (writer_.joinable()) writer_.join();
    if (Status signalled = std::exchange(writer_status_, Status{}); !signalled) {
      return fail("DRM_IOCTL_VGEM_FENCE_SIGNAL", signalled.err());
    }
    return {};
  }

  Result<bool> landed() override { return written_.load(); }

  std::string last_error() const override { return last_error_; }

 private:
  // One job: waits for the buffer's earlier users as a GPU driver's implicit
  // sync would (vgem refuses a write fence while any fence is pending: a
  // buffer another driver just created may still carry its fence), attaches
  // its vgem fence (a write fence for a write, a read fence for a read;
  // none for the mutant's unfenced share), then a thread waits for the gate,
  // sleeps the "GPU latency", does the job and signals the fence.
  Status start(const SubmitOptions& options, FenceUsage usage, std::function<void()> job) {
    if (Status done = finish(); !done) return done;
    submit_fence_.reset();
    UniqueFd gate;
    if (options.wait_for.get() >= 0) {
      auto dup = UniqueFd::dup(options.wait_for);
      if (!dup) return fail("dup of the gate's sync_file", dup.err());
      gate = std::move(*dup);
    }
    const bool writes = usage == FenceUsage::Write;
    auto idle = uapi::poll_fd(dmabuf_, writes ? POLLOUT : POLLIN, Deadline::after(kGateLimit));
    if (!idle) return fail("poll(dma-buf) for the buffer's earlier users", idle.err());
    std::optional<std::uint32_t> fence;
    if (unfenced_percent_ == 0 || std::uniform_int_distribution<int>(0, 99)(random_) >= unfenced_percent_) {
      auto attached = uapi::vgem_fence_attach(vgem_.fd(), handle_, writes ? abi::kVgemFenceWrite : 0u);
      if (!attached)
        return fail(writes ? "DRM_IOCTL_VGEM_FENCE_ATTACH(WRITE)" : "DRM_IOCTL_VGEM_FENCE_ATTACH(READ)",
                    attached.err());
      fence = *attached;
    }
    if (options.export_fence) {
      auto file = uapi::export_sync_file(dmabuf_, writes ? Access::Write : Access::Read);
      if (!file) {
        if (fence) (void)uapi::vgem_fence_signal(vgem_.fd(), *fence);
        return fail("DMA_BUF_IOCTL_EXPORT_SYNC_FILE of its own fence", file.err());
      }
      submit_fence_ = std::move(*file);
    }
    written_ = false;
    writer_ = std::jthread([this, job = std::move(job), fence, gate = std::move(gate)] {
      if (gate.valid()) (void)uapi::poll_fd(gate.borrow(), POLLIN, Deadline::after(kGateLimit));
      // The selftests' second mutant signals the fence as the job starts, before it writes.
      if (fence && signals_early_) writer_status_ = uapi::vgem_fence_signal(vgem_.fd(), *fence);
      std::this_thread::sleep_for(kWriteLatency);
      job();
      written_ = true;
      if (fence && !signals_early_) writer_status_ = uapi::vgem_fence_signal(vgem_.fd(), *fence);
    });
    return {};
  }

  Status fail(const char* what, Errno err) {
    last_error_ = std::string(what) + ": " + err.describe();
    return err;
  }

  struct Layout {
    std::uint32_t width = 0, height = 0, offset = 0, stride = 0;
  };
  VgemDevice vgem_;
  std::uint32_t handle_ = 0;
  std::vector<std::uint8_t> read_back_;  // what the last read job read
  int unfenced_percent_ = 0;             // the selftests' mutant (FENCECHECK_SELFTEST_UNFENCED)
  bool signals_early_ = false;           // the selftests' other one (FENCECHECK_SELFTEST_SIGNAL_EARLY)
  std::minstd_rand random_{std::random_device{}()};
  BorrowedFd dmabuf_{-1};  // the attached image's (it outlives the producer)
  UniqueFd submit_fence_;
  DmaBufMapping mapping_;
  Layout image_;
  const PixelFormat* format_ = nullptr;
  // Before writer_: the thread (joined when writer_ goes) sets both.
  std::atomic<bool> written_{true};  // the writer thread has written the last frame
  Status writer_status_;
  std::jthread writer_;
  std::string last_error_;
};

}  // namespace

MadeProducer make_vgem_cpu_producer() {
  OpenedVgem vgem = VgemDevice::open_first(discover_drm_devices());
  if (!vgem.device) return {nullptr, vgem.probe};
  return {std::make_unique<VgemCpuProducer>(std::move(*vgem.device)), vgem.probe};
}

}  // namespace fc
