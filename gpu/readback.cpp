// SPDX-License-Identifier: MIT
#include "gpu/readback.h"

#include "harness/held.h"
#include "harness/uapi.h"

namespace fc {

Result<Classification> read_linear(const DmaBufImage& image, std::uint32_t frame, ReadMode mode, Deadline deadline) {
  auto mapping = uapi::map_dma_buf(image.fd(), image.plane0_size(), false);
  if (!mapping) return mapping.err();
  return read_copy(image, mapping->bytes(), frame, mode, deadline);
}

Result<Classification> read_copy(const DmaBufImage& image, std::span<const std::uint8_t> copy, std::uint32_t frame,
                                 ReadMode mode, Deadline deadline) {
  const PixelFormat* format = find_format(image.fourcc);
  if (format == nullptr || copy.size() < image.plane0_size()) return Errno{EINVAL};
  if (mode == ReadMode::Synced) {
    auto synced = uapi::dma_buf_sync_start(image.fd(), Access::Read, deadline);
    if (!synced) return synced.err();
    if (*synced == WaitResult::TimedOut) return Errno{ETIMEDOUT};
  }
  Classification result =
      classify(copy.subspan(image.planes[0].offset), image.planes[0].stride, image.width, image.height, *format, frame);
  if (mode == ReadMode::Synced) {
    if (Status ended = uapi::dma_buf_sync_end(image.fd(), Access::Read); !ended) return ended.err();
  }
  return result;
}

Result<Classification> read_mapped(const GbmDevice& gbm, const DmaBufImage& image, std::uint32_t frame) {
  const PixelFormat* format = find_format(image.fourcc);
  if (format == nullptr) return Errno{EINVAL};
  gbm_import_fd_modifier_data data{};
  data.width = image.width;
  data.height = image.height;
  data.format = image.fourcc;
  data.num_fds = static_cast<std::uint32_t>(image.planes.size());
  for (std::size_t i = 0; i < image.planes.size() && i < 4; ++i) {
    data.fds[i] = image.planes[i].fd.get();
    data.strides[i] = static_cast<int>(image.planes[i].stride);
    data.offsets[i] = static_cast<int>(image.planes[i].offset);
  }
  data.modifier = image.modifier;
  errno = 0;
  gbm_bo* bo = gbm_bo_import(gbm.get(), GBM_BO_IMPORT_FD_MODIFIER, &data, GBM_BO_USE_RENDERING);
  if (bo == nullptr) return Errno{errno != 0 ? errno : EINVAL};
  note_made(Held::GbmBo);
  std::uint32_t stride = 0;
  void* map_data = nullptr;
  errno = 0;
  void* pixels = gbm_bo_map(bo, 0, 0, image.width, image.height, GBM_BO_TRANSFER_READ, &stride, &map_data);
  if (pixels == nullptr) {
    Errno err{errno != 0 ? errno : EIO};
    gbm_bo_destroy(bo);
    note_released(Held::GbmBo);
    return err;
  }
  note_made(Held::GbmMapping);
  Classification result = classify({static_cast<const std::uint8_t*>(pixels), std::size_t{stride} * image.height},
                                   stride, image.width, image.height, *format, frame);
  gbm_bo_unmap(bo, map_data);
  note_released(Held::GbmMapping);
  gbm_bo_destroy(bo);
  note_released(Held::GbmBo);
  return result;
}

}  // namespace fc
