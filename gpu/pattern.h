// SPDX-License-Identifier: MIT
// The frame pattern: what frame N writes into a buffer, and how a readback is
// classified as the new frame, the stale (previous) frame, torn, or garbage.
//
// Each pixel's colour depends on the frame number and on its (x, y), so a
// wrong stride or a half-finished write cannot pass for the new frame. Colours
// are 8-bit exact in every supported format; alpha (or X) is not compared.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace fc {

// A DRM fourcc the suite allocates, and how its pixels lie in memory.
struct PixelFormat {
  std::uint32_t fourcc;
  std::string_view name;  // "ARGB8888"
  bool has_alpha;
  bool rgba_byte_order;  // bytes R,G,B,A (ABGR8888) rather than B,G,R,A (ARGB/XRGB8888)
};
[[nodiscard]] const PixelFormat* find_format(std::uint32_t fourcc);
[[nodiscard]] std::string fourcc_name(std::uint32_t fourcc);
[[nodiscard]] std::string modifier_name(std::uint64_t modifier);

struct Rgb {
  std::uint8_t r, g, b;
  friend bool operator==(Rgb, Rgb) = default;
};

// The 24-bit seed of frame N: consecutive frames differ in every channel.
[[nodiscard]] std::uint32_t frame_seed(std::uint32_t frame);
// The colour frame N gives pixel (x, y). Producers (GLSL, compute, CPU) all compute this.
[[nodiscard]] Rgb frame_color(std::uint32_t frame, std::uint32_t x, std::uint32_t y);

// Writes frame N into a mapped linear buffer (CPU producers, initial contents).
void fill_frame(std::span<std::uint8_t> pixels, std::uint32_t stride, std::uint32_t width, std::uint32_t height,
                const PixelFormat& format, std::uint32_t frame);

struct Classification {
  enum class Verdict { New, Stale, Torn, Garbage };
  Verdict verdict = Verdict::Garbage;
  std::uint64_t new_pixels = 0;    // equal to frame N
  std::uint64_t stale_pixels = 0;  // equal to frame N-1 (what the buffer held before)
  std::uint64_t mixed_pixels = 0;  // each channel from N or N-1, not all from one: a write caught mid-pixel
  std::uint64_t other_pixels = 0;  // none of these
  [[nodiscard]] std::string describe() const;
};
[[nodiscard]] std::string_view to_string(Classification::Verdict verdict);

// Compares a linear readback with frames N and N-1. Torn: frames N and N-1
// both seen, or a pixel mixing them (a copy racing the reader need not write a
// pixel at once). Garbage: any pixel from neither frame.
[[nodiscard]] Classification classify(std::span<const std::uint8_t> pixels, std::uint32_t stride, std::uint32_t width,
                                      std::uint32_t height, const PixelFormat& format, std::uint32_t frame);

}  // namespace fc
