// SPDX-License-Identifier: MIT
// Objects fencecheck holds through a library (GBM, EGL, Vulkan) and must give
// back, counted where the harness makes them and where it releases them. The
// runner fails a test that ends holding more than it started with
// (HeldObjectListener), because LeakSanitizer cannot: Mesa's own leftovers are
// suppressed by library (tools/sanitizers/lsan.supp) and Debian's Mesa has no
// frame pointers, so the stack of a gbm_bo fencecheck never destroys stops
// inside libgbm, under the suppression.
#pragma once

#include <array>
#include <cstddef>
#include <string_view>

namespace fc {

enum class Held : std::size_t {
  GbmDevice,   // gbm_create_device .. gbm_device_destroy
  GbmBo,       // gbm_bo_create*, gbm_bo_import .. gbm_bo_destroy
  GbmMapping,  // gbm_bo_map .. gbm_bo_unmap
  EglDisplay,  // eglInitialize .. eglTerminate
  EglContext,  // eglCreateContext .. eglDestroyContext
  EglImage,    // eglCreateImageKHR .. eglDestroyImageKHR
  VkDevice,    // vkCreateDevice .. vkDestroyDevice (its children: the validation layer's check)
  Count,
};
inline constexpr std::size_t kHeldKinds = static_cast<std::size_t>(Held::Count);
using HeldCounts = std::array<long, kHeldKinds>;

// What the library calls the object ("gbm_bo").
[[nodiscard]] std::string_view to_string(Held kind);

// One made, one released. Safe from any thread.
void note_made(Held kind);
void note_released(Held kind);
// How many of each are held now.
[[nodiscard]] HeldCounts held_now();

}  // namespace fc
