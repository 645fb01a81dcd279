// SPDX-License-Identifier: MIT
#include "gpu/pattern.h"

#include <drm_fourcc.h>

#include <array>
#include <cstdio>

namespace fc {
namespace {

constexpr std::array kFormats = {
    PixelFormat{DRM_FORMAT_ARGB8888, "ARGB8888", true, false},
    PixelFormat{DRM_FORMAT_XRGB8888, "XRGB8888", false, false},
    PixelFormat{DRM_FORMAT_ABGR8888, "ABGR8888", true, true},
    PixelFormat{DRM_FORMAT_XBGR8888, "XBGR8888", false, true},
};

Rgb pixel_at(const std::uint8_t* p, const PixelFormat& format) {
  return format.rgba_byte_order ? Rgb{p[0], p[1], p[2]} : Rgb{p[2], p[1], p[0]};
}

}  // namespace

const PixelFormat* find_format(std::uint32_t fourcc) {
  for (const PixelFormat& format : kFormats) {
    if (format.fourcc == fourcc) return &format;
  }
  return nullptr;
}

std::string fourcc_name(std::uint32_t fourcc) {
  if (const PixelFormat* format = find_format(fourcc)) return std::string(format->name);
  char text[16];
  std::snprintf(text, sizeof text, "0x%08x", fourcc);
  return text;
}

std::string modifier_name(std::uint64_t modifier) {
  if (modifier == DRM_FORMAT_MOD_LINEAR) return "LINEAR";
  if (modifier == DRM_FORMAT_MOD_INVALID) return "INVALID (implicit)";
  char text[32];
  std::snprintf(text, sizeof text, "0x%016llx", static_cast<unsigned long long>(modifier));
  return text;
}

std::uint32_t frame_seed(std::uint32_t frame) {
  // Three bytes that all change from one frame to the next (odd multipliers
  // per byte, then a constant so frame 0 is not black).
  std::uint32_t r = (frame * 37u + 0x51u) & 0xffu;
  std::uint32_t g = (frame * 101u + 0xa3u) & 0xffu;
  std::uint32_t b = (frame * 59u + 0x2cu) & 0xffu;
  return r | (g << 8) | (b << 16);
}

Rgb frame_color(std::uint32_t frame, std::uint32_t x, std::uint32_t y) {
  std::uint32_t seed = frame_seed(frame);
  return Rgb{static_cast<std::uint8_t>(seed & 0xffu), static_cast<std::uint8_t>(((seed >> 8) ^ y) & 0xffu),
             static_cast<std::uint8_t>(((seed >> 16) ^ x) & 0xffu)};
}

void fill_frame(std::span<std::uint8_t> pixels, std::uint32_t stride, std::uint32_t width, std::uint32_t height,
                const PixelFormat& format, std::uint32_t frame) {
  for (std::uint32_t y = 0; y < height; ++y) {
    std::uint8_t* row = pixels.data() + std::size_t{y} * stride;
    for (std::uint32_t x = 0; x < width; ++x) {
      Rgb c = frame_color(frame, x, y);
      std::uint8_t* p = row + std::size_t{x} * 4;
      if (format.rgba_byte_order) {
        p[0] = c.r, p[1] = c.g, p[2] = c.b;
      } else {
        p[0] = c.b, p[1] = c.g, p[2] = c.r;
      }
      p[3] = 0xff;
    }
  }
}

std::string_view to_string(Classification::Verdict verdict) {
  switch (verdict) {
    case Classification::Verdict::New: return "new";
    case Classification::Verdict::Stale: return "stale";
    case Classification::Verdict::Torn: return "torn";
    case Classification::Verdict::Garbage: return "garbage";
  }
  return "?";
}

std::string Classification::describe() const {
  return std::string(to_string(verdict)) + " (" + std::to_string(new_pixels) + " new, " + std::to_string(stale_pixels) +
         " stale, " + std::to_string(mixed_pixels) + " mixed, " + std::to_string(other_pixels) + " other pixels)";
}

namespace {

// Every channel is the new frame's or the stale frame's (consecutive frames
// differ in every channel, so this cannot be either frame whole).
bool mixes(Rgb seen, Rgb fresh, Rgb stale) {
  return (seen.r == fresh.r || seen.r == stale.r) && (seen.g == fresh.g || seen.g == stale.g) &&
         (seen.b == fresh.b || seen.b == stale.b);
}

}  // namespace

Classification classify(std::span<const std::uint8_t> pixels, std::uint32_t stride, std::uint32_t width,
                        std::uint32_t height, const PixelFormat& format, std::uint32_t frame) {
  Classification result;
  for (std::uint32_t y = 0; y < height; ++y) {
    const std::uint8_t* row = pixels.data() + std::size_t{y} * stride;
    for (std::uint32_t x = 0; x < width; ++x) {
      Rgb seen = pixel_at(row + std::size_t{x} * 4, format);
      if (seen == frame_color(frame, x, y)) {
        ++result.new_pixels;
      } else if (frame > 0 && seen == frame_color(frame - 1, x, y)) {
        ++result.stale_pixels;
      } else if (frame > 0 && mixes(seen, frame_color(frame, x, y), frame_color(frame - 1, x, y))) {
        ++result.mixed_pixels;
      } else {
        ++result.other_pixels;
      }
    }
  }
  if (result.other_pixels > 0) {
    result.verdict = Classification::Verdict::Garbage;
  } else if (result.stale_pixels == 0 && result.mixed_pixels == 0) {
    result.verdict = Classification::Verdict::New;
  } else if (result.new_pixels == 0 && result.mixed_pixels == 0) {
    result.verdict = Classification::Verdict::Stale;
  } else {
    result.verdict = Classification::Verdict::Torn;
  }
  return result;
}

}  // namespace fc
