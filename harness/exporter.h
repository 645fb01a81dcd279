// SPDX-License-Identifier: MIT
// dma-buf exporters that are not DRM drivers: udmabuf (memfd pages as a
// dma-buf) and the system dma-heap. Their buffers carry no fences of their
// own, so every fence on them is one a consumer or producer imported: the
// uAPI's export/import/wait semantics with no driver in the way.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>

#include "harness/fd.h"
#include "harness/probe.h"
#include "harness/result.h"

namespace fc {

enum class ExporterKind { Udmabuf, SystemHeap };
[[nodiscard]] std::string_view to_string(ExporterKind kind);
// gtest prints parameters with this.
inline void PrintTo(ExporterKind kind, std::ostream* out) { *out << to_string(kind); }
// The device node the exporter is reached through.
[[nodiscard]] std::string_view node_of(ExporterKind kind);

// Is the exporter there? Unsupported names the kernel and the config option.
[[nodiscard]] Probe probe_exporter(ExporterKind kind);

// A new dma-buf of `size` bytes (page-aligned) from the exporter.
[[nodiscard]] Result<UniqueFd> make_exporter_buffer(ExporterKind kind, std::uint64_t size);

// A memfd of size bytes sealed against shrinking, as UDMABUF_CREATE requires.
[[nodiscard]] Result<UniqueFd> make_sealed_memfd(std::uint64_t size, bool seal = true);

}  // namespace fc
