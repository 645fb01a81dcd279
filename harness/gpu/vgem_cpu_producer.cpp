// The `vgem-cpu` reference producer: behaves as a GPU driver that fences
// correctly. submit() attaches a vgem write fence to the buffer (imported
// into vgem by PRIME), then a writer thread fills in the frame after a short
// "GPU latency" and signals the fence. Same test bodies as the real
// producers, with a fence that is known to be there.
#include <chrono>
#include <atomic>
#include <thread>

#include "harness/device.h"
#include "harness/gpu/pattern.h"
#include "harness/gpu/producer.h"
#include "harness/uapi.h"
#include "harness/vgem.h"
#include "results/schema.h"

namespace fc {
namespace {

using namespace std::chrono_literals;

// How long the "GPU" takes: long against an export made right after submit().
constexpr auto kWriteLatency = 100ms;

class VgemCpuProducer final : public Producer {
 public:
  explicit VgemCpuProducer(VgemDevice vgem) : vgem_(std::move(vgem)) {}
  ~VgemCpuProducer() override {
    (void)finish();
    if (handle_ != 0) (void)uapi::drm_gem_close(vgem_.fd(), handle_);
  }

  const ProducerKind& kind() const override { return producer_kind(ProducerId::VgemCpu); }

  Environment environment() const override {
    return {{std::string(schema::kProducerDriver), "vgem " + vgem_.info().version},
            {std::string(schema::kProducerNode), vgem_.info().primary_node},
            {std::string(schema::kProducerWriteLatency), std::to_string(kWriteLatency.count())}};
  }

  Probe supports(const DmaBufImage& image) const override {
    if (find_format(image.fourcc) == nullptr) return Probe::unsupported(std::string(name()) + " writes 32-bit RGB formats only");
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
    mapping_ = std::move(*mapping);
    image_ = {image.width, image.height, image.planes[0].offset, image.planes[0].stride};
    return {};
  }

  Status submit(std::uint32_t frame) override {
    if (Status done = finish(); !done) return done;
    auto fence = uapi::vgem_fence_attach(vgem_.fd(), handle_, abi::kVgemFenceWrite);
    if (!fence) return fail("DRM_IOCTL_VGEM_FENCE_ATTACH(WRITE)", fence.err());
    written_ = false;
    writer_ = std::jthread([this, frame, id = *fence] {
      std::this_thread::sleep_for(kWriteLatency);
      fill_frame(mapping_.bytes().subspan(image_.offset), image_.stride, image_.width, image_.height, *format_, frame);
      written_ = true;
      writer_status_ = uapi::vgem_fence_signal(vgem_.fd(), id);
    });
    return {};
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
  Status fail(const char* what, Errno err) {
    last_error_ = std::string(what) + ": " + err.describe();
    return err;
  }

  struct Layout {
    std::uint32_t width = 0, height = 0, offset = 0, stride = 0;
  };
  VgemDevice vgem_;
  std::uint32_t handle_ = 0;
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
