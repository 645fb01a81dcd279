// SPDX-License-Identifier: MIT
// Reading a produced frame back as a consumer would, and classifying it
// (gpu/pattern.h): new, stale, torn or garbage.
#pragma once

#include <cstdint>

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

// Through an independent GBM import of the dma-buf and gbm_bo_map(READ):
// tiled layouts, and drivers whose dma-buf mmap does not show the GPU's
// writes (the driver copies the contents back for the map).
[[nodiscard]] Result<Classification> read_mapped(const GbmDevice& gbm, const DmaBufImage& image, std::uint32_t frame);

}  // namespace fc
