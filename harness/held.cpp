// SPDX-License-Identifier: MIT
#include "harness/held.h"

#include <atomic>

namespace fc {
namespace {

std::array<std::atomic<long>, kHeldKinds> counts{};

std::atomic<long>& count_of(Held kind) { return counts[static_cast<std::size_t>(kind)]; }

}  // namespace

std::string_view to_string(Held kind) {
  switch (kind) {
    case Held::GbmDevice: return "gbm_device";
    case Held::GbmBo: return "gbm_bo";
    case Held::GbmMapping: return "gbm_bo_map mapping";
    case Held::EglDisplay: return "initialised EGLDisplay";
    case Held::EglContext: return "EGLContext";
    case Held::EglImage: return "EGLImage";
    case Held::VkDevice: return "VkDevice";
    case Held::Count: break;
  }
  return "?";
}

void note_made(Held kind) { count_of(kind).fetch_add(1, std::memory_order_relaxed); }
void note_released(Held kind) { count_of(kind).fetch_sub(1, std::memory_order_relaxed); }

HeldCounts held_now() {
  HeldCounts now{};
  for (std::size_t i = 0; i < kHeldKinds; ++i) now[i] = counts[i].load(std::memory_order_relaxed);
  return now;
}

}  // namespace fc
