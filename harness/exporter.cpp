// SPDX-License-Identifier: MIT
#include "harness/exporter.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "harness/device.h"
#include "harness/kernel.h"
#include "harness/uapi.h"

namespace fc {

std::string_view to_string(ExporterKind kind) { return kind == ExporterKind::Udmabuf ? "udmabuf" : "system dma-heap"; }

std::string_view node_of(ExporterKind kind) {
  return kind == ExporterKind::Udmabuf ? "/dev/udmabuf" : "/dev/dma_heap/system";
}

Probe probe_exporter(ExporterKind kind) {
  int fd = ::open(std::string(node_of(kind)).c_str(), O_RDWR | O_CLOEXEC);
  if (fd >= 0) {
    ::close(fd);
    return Probe::supported();
  }
  if (errno == ENOENT) {
    const bool udmabuf = kind == ExporterKind::Udmabuf;
    return Probe::unsupported("kernel " + kernel_release() + " has no " + std::string(node_of(kind)) + ": " +
                              describe_kernel_option(udmabuf ? "CONFIG_UDMABUF" : "CONFIG_DMABUF_HEAPS_SYSTEM",
                                                     udmabuf ? "udmabuf" : "system_heap"));
  }
  return Probe::broken("opening " + std::string(node_of(kind)), last_errno());
}

Result<UniqueFd> make_sealed_memfd(std::uint64_t size, bool seal) {
  auto memfd = uapi::memfd_create("fencecheck-udmabuf", MFD_CLOEXEC | MFD_ALLOW_SEALING);
  if (!memfd) return memfd.err();
  if (Status sized = uapi::ftruncate(memfd->borrow(), size); !sized) return sized.err();
  if (seal) {
    if (Status sealed = uapi::add_seals(memfd->borrow(), F_SEAL_SHRINK); !sealed) return sealed.err();
  }
  return memfd;
}

Result<UniqueFd> make_exporter_buffer(ExporterKind kind, std::uint64_t size) {
  auto node = open_node(std::string(node_of(kind)));
  if (!node) return node.err();
  if (kind == ExporterKind::SystemHeap) return uapi::dma_heap_alloc(node->borrow(), size, O_RDWR | O_CLOEXEC);
  auto memfd = make_sealed_memfd(size);
  if (!memfd) return memfd.err();
  return uapi::udmabuf_create(node->borrow(), memfd->borrow(), 0, size);
}

}  // namespace fc
