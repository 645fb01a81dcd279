// SPDX-License-Identifier: MIT
// One producer writing into one GBM-allocated dma-buf on one DRM device, and
// the consumer's view of that buffer. Shared by the GPU test fixture and the
// benchmarks.
//
// create() leaves frame 0 in the buffer (the "previous frame"), written and
// finished by the producer itself, and picks the consumer's read path: mmap
// of the dma-buf if it shows that frame, else the driver's own mapping
// through an independent GBM import (virtio-gpu's dma-buf mmap shows the
// guest's shadow pages, not what the host GPU wrote).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "gpu/gate.h"
#include "gpu/gbm.h"
#include "gpu/producer.h"
#include "gpu/readback.h"
#include "harness/deadline.h"
#include "harness/device.h"
#include "harness/probe.h"
#include "harness/uapi.h"
#include "harness/vgem.h"

namespace fc {

namespace timeouts {
// One GPU frame, from submit to signal: generous for emulated lanes (the
// virgl host renders on the CPU; a calibrated frame is ~250 ms).
inline constexpr milliseconds kGpuFrame{30'000};
}  // namespace timeouts

// ARGB8888 LINEAR 256x256: the buffer every GPU behaviour check uses.
[[nodiscard]] BufferSpec default_buffer_spec();

// What EXPORT_SYNC_FILE returned at one moment.
struct Snapshot {
  UniqueFd sync_file;
  SyncFileInfo info;
  bool pending = false;  // poll(sync_file, 0) == 0
};
// EXPORT_SYNC_FILE(access) now, its FILE_INFO, and poll(sync_file, 0).
[[nodiscard]] Result<Snapshot> export_snapshot(BorrowedFd dmabuf, Access access = Access::Read);

// How a frame's write is made visible to a consumer of the dma-buf.
enum class Sync {
  // A plain submit: the kernel driver must attach the write's fence itself.
  Implicit,
  // The explicit bridge: the submit's own fence (Producer::take_submit_fence)
  // imported into the dma-buf as its writer (DMA_BUF_IOCTL_IMPORT_SYNC_FILE
  // WRITE), as Mesa's Vulkan WSI does for every presented image.
  Bridge,
};
[[nodiscard]] std::string_view to_string(Sync sync);

// One frame as a consumer handed the buffer at submit time sees it, and the
// producer's own word, asked after both exports.
struct Observation {
  std::uint32_t frame = 0;
  // The job was a GPU read of the buffer, not the write of frame N: only a
  // writer must wait for it (EXPORT_SYNC_FILE(WRITE) pending; READ may not be).
  bool gpu_read = false;
  Sync sync = Sync::Implicit;
  // Gpu: both exports and the producer were asked while the gate was closed,
  // so the write cannot have landed; Cpu/None: the frame raced the export.
  GateKind gate = GateKind::None;
  Snapshot read;               // EXPORT_SYNC_FILE(READ): what a reader must wait for
  Snapshot write;              // EXPORT_SYNC_FILE(WRITE): what a writer must wait for
  bool producer_busy = false;  // the producer said the write had not landed yet

  // The kernel showed the job in flight: a write in both exports, a read in
  // the WRITE export (what a consumer about to overwrite the buffer waits for).
  [[nodiscard]] bool fenced() const { return write.pending && (gpu_read || read.pending); }
  // An export already signalled while the producer, asked afterwards, still
  // said busy: the write was in flight and the kernel showed no fence for it.
  [[nodiscard]] bool contradiction() const { return producer_busy && !fenced(); }
  // Nothing to judge: the producer had finished before it was asked and the
  // exports were signalled (the write may have landed before the export).
  [[nodiscard]] bool inconclusive() const { return !producer_busy && !fenced(); }
  // "frame 2: READ 1 fence: stub/stub signalled; WRITE ...; producer: busy".
  [[nodiscard]] std::string describe() const;
};

// Who exports the buffer the producer writes.
enum class Exporter {
  Device,  // the GPU's own device, through GBM
  Vgem,    // vgem (a dumb buffer), imported by the GPU: one buffer shared by two
           // devices, whose fences live in the exporter's reservation object
};

class GpuTarget {
 public:
  struct Made {
    std::unique_ptr<GpuTarget> target;
    Probe probe = Probe::supported();  // unsupported: skip with the reason; broken: fail with it
  };
  // device_spec: as select_device(). Allocates on the render node, else the
  // primary node (vgem's render node refuses the dumb buffers kms_swrast needs).
  [[nodiscard]] static Made create(const std::string& device_spec, std::string_view producer, const BufferSpec& spec,
                                   Exporter exporter = Exporter::Device, const ProducerOptions& options = {});
  ~GpuTarget();

  [[nodiscard]] Producer& producer() { return *producer_; }
  [[nodiscard]] const DmaBufImage& image() const { return image_; }
  [[nodiscard]] const DrmDevice& device() const { return device_; }
  [[nodiscard]] std::string_view read_path() const {
    return read_ == Read::Mmap ? "mmap" : read_ == Read::GbmMap ? "gbm_bo_map" : kProducerCopy;
  }
  // The read path where the producer writes a copy of its own (Producer::own_copy).
  static constexpr std::string_view kProducerCopy = "the producer's own memory, mapped (it imports no such dma-buf)";
  // Does the read path wait for the GPU's write by itself? gbm_bo_map does
  // (Mesa maps for reading synchronised); the dma-buf's own mmap and the
  // producer's mapped memory do not. After a wait, a content check on a path
  // that waits cannot fail.
  [[nodiscard]] bool read_path_waits() const { return read_ == Read::GbmMap; }
  // Does the producer write the dma-buf itself (not a copy of its own)? A
  // plain submit's implicit fence is a question only where it does.
  [[nodiscard]] bool producer_writes_dma_buf() const { return read_ != Read::ProducerCopy; }

  // Device, node, GBM backend, buffer, producer strings, read path: for results.
  [[nodiscard]] Environment environment() const;
  // The same, as the indented block a failure message ends with.
  [[nodiscard]] std::string context() const;

  [[nodiscard]] Result<Snapshot> export_now(Access access = Access::Read) const {
    return export_snapshot(image_.fd(), access);
  }

  // How frames are submitted (default: implicit where the producer's API
  // promises it, the bridge where it does not: ProducerKind::implicit_sync).
  void use(Sync sync) { sync_ = sync; }
  [[nodiscard]] Sync sync() const { return sync_; }
  // Why frames cannot be gated here ("" when they can).
  [[nodiscard]] const std::string& no_gate_reason() const { return no_gate_; }

  // Submits frame (behind a closed gate where the producer and the machine
  // allow one; with the bridge where sync() says so), exports at once with
  // READ and with WRITE, then asks the producer whether the write has
  // landed, and opens the gate. One frame, no retries: each frame is judged
  // on its own (Observation).
  [[nodiscard]] Result<Observation> submit_and_observe(std::uint32_t frame) { return observe(frame, false); }
  // The same for a GPU read of the buffer (Producer::submit_read); the
  // explicit bridge imports its fence as a reader.
  [[nodiscard]] Result<Observation> read_and_observe() { return observe(0, true); }

  // Reads frame back through the chosen read path. Synced mmap reads go
  // through DMA_BUF_IOCTL_SYNC (which waits for writers, bounded by deadline).
  [[nodiscard]] Result<Classification> read_frame(std::uint32_t frame, ReadMode mode, Deadline deadline) const;

 private:
  GpuTarget(DrmDevice device, GbmDevice gbm) : device_(std::move(device)), gbm_(std::move(gbm)) {}
  [[nodiscard]] static Made create_on_vgem(const DrmDevice& device, std::string_view producer, const BufferSpec& spec,
                                           const ProducerOptions& options);
  [[nodiscard]] Probe image_from_gbm();
  [[nodiscard]] Probe image_from_vgem(const BufferSpec& spec);
  [[nodiscard]] Probe prepare(std::string_view producer, const ProducerOptions& options);
  [[nodiscard]] Result<Observation> observe(std::uint32_t frame, bool gpu_read);
  // Whether gated submits of this driver, node, producer and sync block in the
  // submit call (a CPU-side wait), as learnt by an earlier target in this
  // process: later targets do not gate (each gate would cost the watchdog's time).
  [[nodiscard]] static bool& gate_blocks_submit(const std::string& key);
  [[nodiscard]] std::string gate_key() const;

  DrmDevice device_;
  GbmDevice gbm_;
  std::optional<GbmBuffer> buffer_;  // Exporter::Device
  std::optional<VgemDevice> vgem_;   // Exporter::Vgem: the exporter
  std::optional<VgemBuffer> vgem_buffer_;
  DmaBufImage image_;
  std::unique_ptr<Producer> producer_;
  std::unique_ptr<Gate> gate_;
  std::string no_gate_;
  bool gate_blocks_submit_ = false;  // a gated submit blocked until the watchdog opened the gate
  Sync sync_ = Sync::Implicit;
  enum class Read { Mmap, GbmMap, ProducerCopy };
  Read read_ = Read::Mmap;
};

}  // namespace fc
