// SPDX-License-Identifier: MIT
// Reading a produced frame back as a consumer would, and classifying it
// (gpu/pattern.h): new, stale, torn or garbage.
#pragma once

#include <cstdint>
#include <span>

#include "gpu/gbm.h"
#include "gpu/pattern.h"
#include "gpu/producer.h"
#include "harness/deadline.h"
#include "harness/result.h"

namespace fc {

enum class ReadMode {
  // DMA_BUF_IOCTL_SYNC START(READ) .. END around the read: the kernel waits
  // for the buffer's writers first (bounded by the deadline: ETIMEDOUT).
  Synced,
  // Straight from the mapping: the fenceless zero-copy consumer.
  Immediate,
};

// Plane 0 of a linear image through mmap of its dma-buf.
[[nodiscard]] Result<Classification> read_linear(const DmaBufImage& image, std::uint32_t frame, ReadMode mode,
                                                 Deadline deadline);

// Plane 0 of the image from memory laid out as it (its dma-buf's mapping, or
// the producer's own copy: Producer::own_copy), read straight from there;
// Synced first waits for the dma-buf's writers with DMA_BUF_IOCTL_SYNC
// START(READ) (bounded by the deadline), as a consumer of the dma-buf would.
[[nodiscard]] Result<Classification> read_copy(const DmaBufImage& image, std::span<const std::uint8_t> copy,
                                               std::uint32_t frame, ReadMode mode, Deadline deadline);

// Through an independent GBM import of the dma-buf and gbm_bo_map(READ):
// tiled layouts, and drivers whose dma-buf mmap does not show the GPU's
// writes (the driver copies the contents back for the map).
[[nodiscard]] Result<Classification> read_mapped(const GbmDevice& gbm, const DmaBufImage& image, std::uint32_t frame);

}  // namespace fc
