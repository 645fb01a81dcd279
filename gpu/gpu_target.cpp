// SPDX-License-Identifier: MIT
#include "gpu/gpu_target.h"

#include <drm_fourcc.h>

#include <map>

#include "gpu/pattern.h"
#include "results/schema.h"

namespace fc {

BufferSpec default_buffer_spec() { return BufferSpec{256, 256, DRM_FORMAT_ARGB8888, DRM_FORMAT_MOD_LINEAR}; }

Result<Snapshot> export_snapshot(BorrowedFd dmabuf, Access access) {
  auto file = uapi::export_sync_file(dmabuf, access);
  if (!file) return file.err();
  Snapshot snapshot;
  auto pending = uapi::is_busy(file->borrow(), POLLIN);
  if (!pending) return pending.err();
  snapshot.pending = *pending;
  auto info = uapi::sync_file_info(file->borrow());
  if (!info) return info.err();
  snapshot.info = std::move(*info);
  snapshot.sync_file = std::move(*file);
  return snapshot;
}

GpuTarget::Made GpuTarget::create(const std::string& device_spec, std::string_view producer, const BufferSpec& spec,
                                  Exporter exporter, const ProducerOptions& options) {
  Selection selection = select_device(discover_drm_devices(), device_spec);
  if (!selection.device) return {nullptr, Probe::unsupported(selection.reason + " (kernel " + kernel_release() + ")")};
  const DrmDevice& device = *selection.device;
  if (exporter == Exporter::Vgem) return create_on_vgem(device, producer, spec, options);

  std::string attempts;
  const BufferSpec usual = default_buffer_spec();
  const bool usual_spec = spec.fourcc == usual.fourcc && spec.modifier == usual.modifier;
  bool advertised = false;  // a node that could not allocate it says it renders to the format
  Errno refused{EINVAL};    // the last allocation's error
  for (const std::string& node : {device.render_node, device.primary_node}) {
    if (node.empty()) continue;
    auto gbm = GbmDevice::open(node);
    if (!gbm) {
      attempts += " " + node + ": gbm_create_device " + gbm.err().describe() + ";";
      continue;
    }
    auto buffer = GbmBuffer::create(*gbm, spec);
    if (!buffer) {
      advertised = advertised || (usual_spec && gbm->advertises(spec.fourcc));
      refused = buffer.err();
      attempts += " " + node + ": gbm_bo_create(" + describe(spec) + ") " + buffer.err().describe() + ";";
      continue;
    }
    std::unique_ptr<GpuTarget> target(new GpuTarget(device, std::move(*gbm)));
    target->buffer_.emplace(std::move(*buffer));
    if (Probe planes = target->image_from_gbm(); !planes.is_supported()) return {nullptr, planes};
    Probe prepared = target->prepare(producer, options);
    if (!prepared.is_supported()) return {nullptr, prepared};
    return {std::move(target), prepared};
  }
  if (advertised) {
    // The buffer every GPU test starts from, in a format the device says it
    // renders to, allocated on none of its nodes: a broken device or driver,
    // not a capability it lacks (a skip would let an all-skip run read as green).
    return {nullptr, Probe::broken(device.driver + " cannot allocate the default buffer " + describe(spec) +
                                       ", a format it advertises for rendering (gbm_device_is_format_supported):" +
                                       attempts + " the last",
                                   refused)};
  }
  return {nullptr, Probe::unsupported(device.driver + " cannot allocate " + describe(spec) + ":" + attempts)};
}

bool& GpuTarget::gate_blocks_submit(const std::string& key) {
  static std::map<std::string, bool> known;  // one driver behaves the same all run long
  return known[key];
}

std::string GpuTarget::gate_key() const {
  return device_.driver + " " + gbm_.node() + " " + std::string(producer_ ? producer_->name() : "") + " " +
         std::string(to_string(sync_));
}

GpuTarget::~GpuTarget() {
  if (producer_) (void)producer_->finish();
}

GpuTarget::Made GpuTarget::create_on_vgem(const DrmDevice& device, std::string_view producer, const BufferSpec& spec,
                                          const ProducerOptions& options) {
  if (device.driver == "vgem") {
    return {nullptr, Probe::unsupported("the GPU device is vgem itself: no second device to share a buffer with")};
  }
  if (spec.fourcc != DRM_FORMAT_ARGB8888 && spec.fourcc != DRM_FORMAT_XRGB8888) {
    return {nullptr, Probe::unsupported("vgem's dumb buffers are 32-bit XRGB/ARGB only")};
  }
  const std::string& node = device.render_node.empty() ? device.primary_node : device.render_node;
  auto gbm = GbmDevice::open(node);
  if (!gbm) return {nullptr, Probe::broken(node + ": gbm_create_device", gbm.err())};
  std::unique_ptr<GpuTarget> target(new GpuTarget(device, std::move(*gbm)));
  OpenedVgem vgem = VgemDevice::open_first(discover_drm_devices());
  if (!vgem.device) return {nullptr, vgem.probe};
  target->vgem_.emplace(std::move(*vgem.device));
  auto buffer = VgemBuffer::create(*target->vgem_, spec.width, spec.height);
  if (!buffer) return {nullptr, Probe::broken("a vgem dumb buffer " + describe(spec), buffer.err())};
  target->vgem_buffer_.emplace(std::move(*buffer));
  // Can the GPU's driver import a dma-buf another driver exported at all?
  auto handle = uapi::drm_prime_fd_to_handle(target->gbm_.fd(), target->vgem_buffer_->dmabuf());
  if (!handle) {
    return {nullptr, Probe::unsupported(device.driver +
                                        " cannot import a dma-buf vgem exported: "
                                        "DRM_IOCTL_PRIME_FD_TO_HANDLE on " +
                                        node + " failed with " + handle.err().describe() + " (kernel " +
                                        kernel_release() + ")")};
  }
  (void)uapi::drm_gem_close(target->gbm_.fd(), *handle);
  if (Probe planes = target->image_from_vgem(spec); !planes.is_supported()) return {nullptr, planes};
  Probe prepared = target->prepare(producer, options);
  if (!prepared.is_supported()) return {nullptr, prepared};
  return {std::move(target), prepared};
}

Probe GpuTarget::image_from_gbm() {
  const GbmBuffer& buffer = *buffer_;
  image_.width = buffer.width();
  image_.height = buffer.height();
  image_.fourcc = buffer.fourcc();
  image_.modifier = buffer.modifier();
  image_.linear = buffer.linear();
  image_.exporter = device_.driver;
  const auto planes = buffer.planes();
  for (std::size_t i = 0; i < planes.size(); ++i) {
    auto fd = buffer.export_plane(static_cast<int>(i));
    if (!fd) return Probe::broken("exporting plane " + std::to_string(i) + " of the GBM buffer", fd.err());
    image_.planes.push_back({std::move(*fd), planes[i].offset, planes[i].stride});
  }
  return Probe::supported();
}

Probe GpuTarget::image_from_vgem(const BufferSpec& spec) {
  image_.width = spec.width;
  image_.height = spec.height;
  image_.fourcc = spec.fourcc;
  image_.modifier = DRM_FORMAT_MOD_LINEAR;  // a dumb buffer
  image_.linear = true;
  image_.exporter = "vgem";
  auto fd = UniqueFd::dup(vgem_buffer_->dmabuf());
  if (!fd) return Probe::broken("dup of the vgem dma-buf", fd.err());
  image_.planes.push_back({std::move(*fd), 0, vgem_buffer_->dumb().pitch});
  return Probe::supported();
}

Probe GpuTarget::prepare(std::string_view producer_name, const ProducerOptions& options) {
  MadeProducer made = make_producer(producer_name, device_, gbm_, options);
  if (!made.producer) return made.probe;
  producer_ = std::move(made.producer);
  if (Probe supported = producer_->supports(image_); !supported.is_supported()) return supported;

  auto failed = [&](const std::string& what, Errno err) {
    return Probe::broken(std::string(producer_name) + " " + what + ": " + producer_->last_error() + "\n" + context(),
                         err);
  };
  if (Status attached = producer_->attach(image_); !attached) {
    if (attached.err() == Errno{EOPNOTSUPP}) return Probe::unsupported(producer_->last_error());
    return failed("importing the dma-buf", attached.err());
  }
  if (Status written = producer_->submit(0); !written) return failed("writing frame 0", written.err());
  if (Status finished = producer_->finish(); !finished) return failed("finishing frame 0", finished.err());
  sync_ = producer_->kind().implicit_sync ? Sync::Implicit : Sync::Bridge;

  // The gate: where the producer can make a write wait on a sync_file.
  if (Probe waits = producer_->can_wait(); !waits.is_supported()) {
    no_gate_ = waits.describe();
  } else if (MadeGate gate = Gate::make(); gate.gate) {
    gate_ = std::move(gate.gate);
  } else if (gate.probe.outcome() == Probe::Outcome::Broken) {
    return gate.probe;
  } else {
    no_gate_ = gate.probe.describe();
  }

  // The read path: the producer's copy where it writes one; else the
  // consumer's own mapping if it shows the finished frame 0; else gbm_bo_map.
  if (!producer_->own_copy().empty()) {
    read_ = Read::ProducerCopy;
    auto copied = read_frame(0, ReadMode::Synced, Deadline::after(timeouts::kGpuFrame));
    if (!copied || copied->verdict != Classification::Verdict::New) {
      return Probe::broken("reading back frame 0, finished by the producer, from its own memory: " +
                               (copied ? copied->describe() : copied.err().describe()) + "\n" + context(),
                           copied ? Errno{EIO} : copied.err());
    }
    return Probe::supported();
  }
  std::string mmap_result = "not linear";
  read_ = Read::GbmMap;
  if (image_.linear) {
    auto mapped = read_linear(image_, 0, ReadMode::Synced, Deadline::after(timeouts::kGpuFrame));
    mmap_result = mapped ? mapped->describe() : mapped.err().describe();
    if (mapped && mapped->verdict == Classification::Verdict::New) read_ = Read::Mmap;
  }
  if (read_ == Read::GbmMap) {
    auto mapped = read_mapped(gbm_, image_, 0);
    if (!mapped || mapped->verdict != Classification::Verdict::New) {
      return Probe::broken("reading back frame 0, finished by the producer: dma-buf mmap: " + mmap_result +
                               "; gbm_bo_map: " + (mapped ? mapped->describe() : mapped.err().describe()) + "\n" +
                               context(),
                           mapped ? Errno{EIO} : mapped.err());
    }
  }
  return Probe::supported();
}

Environment GpuTarget::environment() const {
  Environment env = {
      {std::string(schema::kDeviceDriver), device_.driver + " " + device_.version},
      {std::string(schema::kBufferExporter),
       vgem_ ? "vgem (imported by " + device_.driver + ")" : device_.driver + " (GBM)"},
      {std::string(schema::kDeviceNode), gbm_.node()},
      {std::string(schema::kGbmBackend), gbm_.backend_name()},
      {std::string(schema::kBufferFormat), fourcc_name(image_.fourcc)},
      {std::string(schema::kBufferModifier), modifier_name(image_.modifier) + (image_.linear ? ", linear" : "")}};
  if (producer_) {
    for (auto& entry : producer_->environment()) env.push_back(std::move(entry));
  }
  env.emplace_back(schema::kReadbackPath, std::string(read_path()));
  env.emplace_back(schema::kSync, std::string(to_string(sync_)));
  env.emplace_back(schema::kGateAvailable, gate_ ? "yes" : no_gate_);
  return env;
}

std::string GpuTarget::context() const {
  std::string out = "  kernel " + kernel_release() + "\n  device " + device_.describe() + "\n  gbm node " +
                    gbm_.node() + ", backend " + gbm_.backend_name();
  if (!image_.planes.empty()) {
    out += "\n  buffer " + fourcc_name(image_.fourcc) + " " + std::to_string(image_.width) + "x" +
           std::to_string(image_.height) + ", modifier " + modifier_name(image_.modifier) +
           (image_.linear ? " (linear)" : "") + ", stride " + std::to_string(image_.planes[0].stride);
  }
  if (producer_) {
    out += "\n  producer " + std::string(producer_->name());
    for (const auto& [key, value] : producer_->environment()) out += "\n    " + key + ": " + value;
  }
  out += "\n  read path " + std::string(read_path());
  out += "\n  sync " + std::string(to_string(sync_)) + ", gate " +
         (gate_blocks_submit_ ? "cpu-side (the submit blocked until the watchdog opened it)"
          : gate_             ? "available"
          : no_gate_.empty()  ? "not set up"
                              : no_gate_);
  return out;
}

std::string_view to_string(Sync sync) { return sync == Sync::Implicit ? "implicit" : "bridge"; }

std::string Observation::describe() const {
  return (gpu_read ? std::string("GPU read") : "frame " + std::to_string(frame)) + " (" + std::string(to_string(sync)) +
         ", gate " + std::string(to_string(gate)) + "): EXPORT_SYNC_FILE(READ) " + read.info.describe() +
         (read.pending ? " (pending)" : " (signalled)") + "; EXPORT_SYNC_FILE(WRITE) " + write.info.describe() +
         (write.pending ? " (pending)" : " (signalled)") +
         "; the producer, asked after both: " + (producer_busy ? "not landed yet" : "landed");
}

Result<Observation> GpuTarget::observe(std::uint32_t frame, bool gpu_read) {
  Observation seen;
  seen.frame = frame;
  seen.gpu_read = gpu_read;
  seen.sync = sync_;
  Producer::SubmitOptions options;
  options.export_fence = sync_ == Sync::Bridge;
  // Gated unless an earlier frame (of this target, or of an earlier one in
  // this process with the same driver, node, producer and sync) showed the
  // gate blocks the submit itself (a CPU-side wait): gating again would only
  // cost the watchdog's time.
  if (gate_ && gate_blocks_submit(gate_key())) gate_blocks_submit_ = true;
  const bool gated = gate_ && !gate_blocks_submit_;
  if (gate_blocks_submit_) seen.gate = GateKind::Cpu;
  if (gated) {
    auto closed = gate_->close();
    if (!closed) return closed.err();
    options.wait_for = *closed;
  }
  // Submit and, for the bridge, import the submit's fence as the buffer's
  // writer; the gate stays closed throughout unless the watchdog opens it.
  Status submitted = gpu_read ? producer_->submit_read(options) : producer_->submit(frame, options);
  if (submitted && sync_ == Sync::Bridge) {
    auto fence = producer_->take_submit_fence();
    if (!fence) {
      submitted = fence.err();
    } else if (fence->valid()) {  // else already signalled: nothing to import
      submitted = uapi::import_sync_file(image_.fd(), gpu_read ? Access::Read : Access::Write, fence->borrow());
    }
  }
  if (gated) {
    seen.gate = gate_->claim() ? GateKind::Gpu : GateKind::Cpu;
    gate_blocks_submit_ = seen.gate == GateKind::Cpu;
    if (gate_blocks_submit_) gate_blocks_submit(gate_key()) = true;
  }
  auto open_gate = [&] { return gated ? gate_->open_now() : Status{}; };
  if (!submitted) {
    (void)open_gate();
    return submitted.err();
  }
  auto read = export_now(Access::Read);
  auto write = read ? export_now(Access::Write) : Result<Snapshot>(read.err());
  auto landed = write ? producer_->landed() : Result<bool>(write.err());
  if (Status opened = open_gate(); !opened) return opened.err();
  if (!landed) return landed.err();
  seen.read = std::move(*read);
  seen.write = std::move(*write);
  seen.producer_busy = !*landed;
  // Landed while the gate was closed: the write did not wait for it.
  if (seen.gate == GateKind::Gpu && !seen.producer_busy) seen.gate = GateKind::None;
  return seen;
}

Result<Classification> GpuTarget::read_frame(std::uint32_t frame, ReadMode mode, Deadline deadline) const {
  switch (read_) {
    case Read::Mmap: return read_linear(image_, frame, mode, deadline);
    case Read::GbmMap: return read_mapped(gbm_, image_, frame);
    case Read::ProducerCopy: return read_copy(image_, producer_->own_copy(), frame, mode, deadline);
  }
  return Errno{EINVAL};
}

}  // namespace fc
