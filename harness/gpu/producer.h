// Producers: "submit a write of frame N into this buffer and return without
// waiting". Each one is a real writer of dma-bufs, selected by name:
//   gl        EGL on GBM, the dma-buf imported as an EGLImage, drawn into through an FBO
//   vulkan    the dma-buf imported as Vulkan external memory, written by a compute shader
//   vgem-cpu  the reference: a vgem write fence, a thread writes the frame, then signals
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "harness/fd.h"
#include "harness/probe.h"
#include "harness/result.h"

namespace fc {

class GbmDevice;
struct DrmDevice;

// A buffer as a consumer receives it: dma-buf planes plus their layout.
struct DmaBufImage {
  struct PlaneFd {
    UniqueFd fd;
    std::uint32_t offset = 0;
    std::uint32_t stride = 0;
  };
  std::uint32_t width = 0;
  std::uint32_t height = 0;
  std::uint32_t fourcc = 0;
  std::uint64_t modifier = 0;  // as the allocator reported it (INVALID: implicit)
  bool linear = false;          // known to be linear (GbmBuffer::linear())
  std::vector<PlaneFd> planes;

  [[nodiscard]] BorrowedFd fd() const { return planes.at(0).fd.borrow(); }
  // Bytes of plane 0 from the start of its dma-buf: what a linear readback maps.
  [[nodiscard]] std::size_t plane0_size() const {
    return planes.at(0).offset + std::size_t{planes.at(0).stride} * height;
  }
};

using Environment = std::vector<std::pair<std::string, std::string>>;

class Producer {
 public:
  virtual ~Producer() = default;

  [[nodiscard]] virtual std::string_view name() const = 0;
  // What a bug report needs: API, driver and renderer strings.
  [[nodiscard]] virtual Environment environment() const = 0;
  // Can this producer write image at all (format, layout)? Unsupported says why.
  [[nodiscard]] virtual Probe supports(const DmaBufImage& image) const = 0;
  // Makes image the target of later frames (import, FBO, workload calibration).
  [[nodiscard]] virtual Status attach(const DmaBufImage& image) = 0;
  // Submits the write of frame N into the attached image and returns without
  // waiting for it to finish.
  [[nodiscard]] virtual Status submit(std::uint32_t frame) = 0;
  // Waits through the producer's own API (glFinish, vkQueueWaitIdle, joining
  // the writer thread) until every submitted write has landed.
  [[nodiscard]] virtual Status finish() = 0;
  // What went wrong in the last failed call, in the producer API's own terms
  // (EGL/GL/Vulkan error codes, which call); empty if nothing did.
  [[nodiscard]] virtual std::string last_error() const = 0;
};

// The producer kinds, in the order tests are parameterised over.
inline constexpr std::string_view kProducerNames[] = {"gl", "vulkan", "vgem-cpu"};

// Creating a producer either works or says why not, in probe terms:
// unsupported (no Vulkan driver that imports dma-bufs, ...) or broken (an API call failed).
struct MadeProducer {
  std::unique_ptr<Producer> producer;
  Probe probe = Probe::supported();
};

// The producer called name for the GPU behind gbm (whose DRM device is device).
[[nodiscard]] MadeProducer make_producer(std::string_view name, const DrmDevice& device, const GbmDevice& gbm);

[[nodiscard]] MadeProducer make_gl_producer(const GbmDevice& gbm);
[[nodiscard]] MadeProducer make_vulkan_producer(const DrmDevice& device);
[[nodiscard]] MadeProducer make_vgem_cpu_producer();

}  // namespace fc
