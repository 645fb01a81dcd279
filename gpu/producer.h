// SPDX-License-Identifier: MIT
// Producers: "submit a write of frame N into this buffer and return without
// waiting". Each one is a real writer of dma-bufs; kProducers below is the one
// table of them (names, test parameters, what each needs), which the suites,
// the benchmarks, the reports and the VM lanes (`fencecheck --list-producers`)
// all read.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "harness/fd.h"
#include "harness/probe.h"
#include "harness/result.h"
#include "results/schema.h"

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
  bool linear = false;         // known to be linear (GbmBuffer::linear())
  std::string exporter;        // the driver that allocated it ("virtio_gpu", "vgem")
  std::vector<PlaneFd> planes;

  [[nodiscard]] BorrowedFd fd() const { return planes.at(0).fd.borrow(); }
  // Bytes of plane 0 from the start of its dma-buf: what a linear readback maps.
  [[nodiscard]] std::size_t plane0_size() const {
    return planes.at(0).offset + std::size_t{planes.at(0).stride} * height;
  }
};

enum class ProducerId { Gl, Vulkan, VgemCpu };

struct ProducerKind {
  ProducerId id;
  std::string_view name;   // selects it (--list-producers, the results' "producer" property)
  std::string_view param;  // its gtest parameter and benchmark name part: the end of a test ID
  std::string_view api;    // how it writes
  std::string_view needs;  // what the machine must have for it to run
  // Does the API promise that a plain submit writing an imported dma-buf is
  // implicitly synchronised (a fence the kernel's export returns)? GL on an
  // EGLImage does (Mesa's GL drivers rely on it for every shared buffer);
  // Vulkan does not: its clients (Mesa's WSI, compositors) import the
  // submit's SYNC_FD into the dma-buf themselves (the explicit bridge), and
  // whether a plain submit also attaches a fence depends on the kernel driver.
  bool implicit_sync;
  // Where it does not, the property that records what a plain submit did
  // ("vulkan.implicit_fence": yes|no); empty where it does.
  std::string_view implicit_property;
};

// Every producer, in the order tests are parameterised over.
inline constexpr ProducerKind kProducers[] = {
    {ProducerId::Gl, "gl", "gl",
     "OpenGL ES 3 through EGL on GBM: the dma-buf imported as an EGLImage, drawn into via an FBO",
     "EGL_EXT_image_dma_buf_import on the device's GBM", true, ""},
    {ProducerId::Vulkan, "vulkan", "vulkan",
     "Vulkan: the dma-buf imported as external memory, written by a compute shader",
     "a Vulkan device matching the DRM node with VK_EXT_external_memory_dma_buf", false, schema::kVulkanImplicitFence},
    {ProducerId::VgemCpu, "vgem-cpu", "vgem_cpu",
     "the reference: a vgem write fence on the buffer, a CPU thread writes the frame, then signals",
     "vgem (the kernel's own fences)", true, ""},
};
[[nodiscard]] const ProducerKind& producer_kind(ProducerId id);
// The kind called name, or nullptr.
[[nodiscard]] const ProducerKind* find_producer(std::string_view name);

using Environment = std::vector<std::pair<std::string, std::string>>;

struct ProducerOptions {
  // Under the API's own checker: Khronos' validation layer (Vulkan), a debug
  // context with GL_KHR_debug (GL). Requested and missing: the producer is broken.
  bool validate = false;
};

class Producer {
 public:
  virtual ~Producer() = default;

  [[nodiscard]] virtual const ProducerKind& kind() const = 0;
  [[nodiscard]] std::string_view name() const { return kind().name; }
  // What a bug report needs: API, driver and renderer strings.
  [[nodiscard]] virtual Environment environment() const = 0;
  // Can this producer write image at all (format, layout)? Unsupported says why.
  [[nodiscard]] virtual Probe supports(const DmaBufImage& image) const = 0;
  // Makes image the target of later frames (import, FBO, workload calibration).
  // EOPNOTSUPP: the driver refuses to import this dma-buf (last_error() says how).
  [[nodiscard]] virtual Status attach(const DmaBufImage& image) = 0;
  // What a submit waits for, and what it hands out, besides its write.
  struct SubmitOptions {
    // A sync_file the write must wait for before it starts (the gate,
    // gpu/gate.h); -1: none. Needs can_wait().
    BorrowedFd wait_for{-1};
    // Also make the write's completion available as a sync_file
    // (take_submit_fence()). Needs can_export_fence().
    bool export_fence = false;
  };
  // Submits the write of frame N into the attached image and returns without
  // waiting for it to finish.
  [[nodiscard]] virtual Status submit(std::uint32_t frame, const SubmitOptions& options) = 0;
  [[nodiscard]] Status submit(std::uint32_t frame) { return submit(frame, SubmitOptions{}); }
  // Can the producer read the attached image on the GPU (submit_read)?
  [[nodiscard]] virtual Probe can_read() const = 0;
  // Submits a GPU job that reads the attached image (into memory of its own,
  // after the same calibrated busy loop) and returns without waiting; the
  // same options as a write. landed() then asks about this job.
  [[nodiscard]] virtual Status submit_read(const SubmitOptions& options) = 0;
  // Can a submit wait on a sync_file on the producer's side (EGL_ANDROID_
  // native_fence_sync + eglWaitSyncKHR; a SYNC_FD VkSemaphore import waited
  // on by vkQueueSubmit)? Unsupported names what is missing.
  [[nodiscard]] virtual Probe can_wait() const = 0;
  // Can a submit's completion be had as a sync_file (an EGL native fence
  // sync; a semaphore exported as SYNC_FD)? What the explicit bridge needs.
  [[nodiscard]] virtual Probe can_export_fence() const = 0;
  // The last submit's completion as a sync_file (submitted with
  // export_fence); once per submit. An invalid descriptor: the driver said
  // it had already signalled (a SYNC_FD export's -1), so there is nothing to import.
  [[nodiscard]] virtual Result<UniqueFd> take_submit_fence() = 0;
  // Waits through the producer's own API (glFinish, vkQueueWaitIdle, joining
  // the writer thread) until every submitted write has landed.
  [[nodiscard]] virtual Status finish() = 0;
  // Has the last submitted write landed, in the producer's own words, asked
  // without waiting (glClientWaitSync(sync, 0, 0) on a fence sync made after
  // the draw, vkGetFenceStatus on the submit's fence, the writer thread's own
  // flag)? What the kernel's export is checked against: an export already
  // signalled while the producer still says "not yet" is a proven missing fence.
  [[nodiscard]] virtual Result<bool> landed() = 0;
  // The errors the API's checker reported since the last call (ProducerOptions::validate),
  // one line each; none where it runs unchecked.
  [[nodiscard]] virtual std::vector<std::string> take_validation_errors() { return {}; }
  // Does a checker watch this producer (ProducerOptions::validate, where the API has one)?
  [[nodiscard]] virtual bool validated() const { return false; }
  // Where the producer writes frames when it cannot write the dma-buf itself
  // (a driver that imports no dma-buf of its exporter: VulkanImport::Shadow):
  // its own memory, mapped for the CPU and laid out as the image's plane 0,
  // which the consumer reads instead (a read that does not wait); the
  // dma-buf then carries only the submit's fence (the explicit bridge). Empty
  // where the producer writes the dma-buf.
  [[nodiscard]] virtual std::span<const std::uint8_t> own_copy() const { return {}; }
  // What went wrong in the last failed call, in the producer API's own terms
  // (EGL/GL/Vulkan error codes, which call); empty if nothing did.
  [[nodiscard]] virtual std::string last_error() const = 0;
};

// Creating a producer either works or says why not, in probe terms:
// unsupported (no Vulkan driver that imports dma-bufs, ...) or broken (an API call failed).
struct MadeProducer {
  std::unique_ptr<Producer> producer;
  Probe probe = Probe::supported();
};

// The producer called name for the GPU behind gbm (whose DRM device is device).
[[nodiscard]] MadeProducer make_producer(std::string_view name, const DrmDevice& device, const GbmDevice& gbm,
                                         const ProducerOptions& options = {});

[[nodiscard]] MadeProducer make_gl_producer(const GbmDevice& gbm, const ProducerOptions& options);
[[nodiscard]] MadeProducer make_vulkan_producer(const DrmDevice& device, const ProducerOptions& options);
[[nodiscard]] MadeProducer make_vgem_cpu_producer();

// Makes the process's VkInstance (one per validation setting, kept until the
// process exits: gpu/vulkan_producer.cpp) before the first test that writes
// with Vulkan, and submits once on each of its devices, so that the
// descriptors the instance holds (a DRM node; venus's sync_file from its
// first submission) are nobody's leak.
void prepare_vulkan(bool validate);

}  // namespace fc
