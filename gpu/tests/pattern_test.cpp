// SPDX-License-Identifier: MIT
// The frame pattern tells new, stale, torn and garbage apart in every format.
#include "gpu/pattern.h"

#include <drm_fourcc.h>
#include <gtest/gtest.h>

#include <vector>

namespace fc {
namespace {

constexpr std::uint32_t kWidth = 40, kHeight = 30, kStride = kWidth * 4 + 32;  // padded rows

std::vector<std::uint8_t> frame(std::uint32_t fourcc, std::uint32_t number) {
  std::vector<std::uint8_t> pixels(std::size_t{kStride} * kHeight, 0xee);
  fill_frame(pixels, kStride, kWidth, kHeight, *find_format(fourcc), number);
  return pixels;
}

TEST(Pattern, ConsecutiveFramesDifferInEveryChannel) {
  for (std::uint32_t n = 0; n < 1000; ++n) {
    Rgb a = frame_color(n, 3, 5), b = frame_color(n + 1, 3, 5);
    EXPECT_NE(a.r, b.r);
    EXPECT_NE(a.g, b.g);
    EXPECT_NE(a.b, b.b);
  }
}

TEST(Pattern, EveryPixelDependsOnItsPosition) {
  EXPECT_NE(frame_color(7, 0, 0), frame_color(7, 1, 0));
  EXPECT_NE(frame_color(7, 0, 0), frame_color(7, 0, 1));
}

TEST(Pattern, AFrameReadsBackAsNewInEachFormat) {
  for (std::uint32_t fourcc : {DRM_FORMAT_ARGB8888, DRM_FORMAT_XRGB8888, DRM_FORMAT_ABGR8888}) {
    auto pixels = frame(fourcc, 5);
    Classification c = classify(pixels, kStride, kWidth, kHeight, *find_format(fourcc), 5);
    EXPECT_EQ(c.verdict, Classification::Verdict::New) << fourcc_name(fourcc) << ": " << c.describe();
    EXPECT_EQ(c.new_pixels, std::uint64_t{kWidth} * kHeight);
  }
}

TEST(Pattern, ThePreviousFrameIsStale) {
  auto pixels = frame(DRM_FORMAT_ARGB8888, 4);
  Classification c = classify(pixels, kStride, kWidth, kHeight, *find_format(DRM_FORMAT_ARGB8888), 5);
  EXPECT_EQ(c.verdict, Classification::Verdict::Stale) << c.describe();
}

TEST(Pattern, HalfWrittenIsTorn) {
  auto pixels = frame(DRM_FORMAT_ARGB8888, 4);
  auto newer = frame(DRM_FORMAT_ARGB8888, 5);
  std::copy(newer.begin(), newer.begin() + kStride * (kHeight / 2), pixels.begin());
  Classification c = classify(pixels, kStride, kWidth, kHeight, *find_format(DRM_FORMAT_ARGB8888), 5);
  EXPECT_EQ(c.verdict, Classification::Verdict::Torn) << c.describe();
  EXPECT_EQ(c.new_pixels, std::uint64_t{kWidth} * (kHeight / 2));
}

// A copy racing the reader may have written part of a pixel: its bytes come
// from both frames. That is a torn read, not garbage.
TEST(Pattern, APixelWrittenHalfWayIsTorn) {
  auto pixels = frame(DRM_FORMAT_ARGB8888, 4);
  auto newer = frame(DRM_FORMAT_ARGB8888, 5);
  std::copy(newer.begin(), newer.begin() + 64 + 2, pixels.begin());  // 16 pixels and two bytes of the 17th
  Classification c = classify(pixels, kStride, kWidth, kHeight, *find_format(DRM_FORMAT_ARGB8888), 5);
  EXPECT_EQ(c.verdict, Classification::Verdict::Torn) << c.describe();
  EXPECT_EQ(c.new_pixels, 16u);
  EXPECT_EQ(c.mixed_pixels, 1u);
  EXPECT_EQ(c.other_pixels, 0u);

  auto stale_but_one = frame(DRM_FORMAT_ARGB8888, 4);
  stale_but_one[0] = newer[0];  // one byte of the new frame: still torn
  EXPECT_EQ(classify(stale_but_one, kStride, kWidth, kHeight, *find_format(DRM_FORMAT_ARGB8888), 5).verdict,
            Classification::Verdict::Torn);
}

TEST(Pattern, SwappedChannelsOrAnotherFrameAreGarbage) {
  auto bgra = frame(DRM_FORMAT_ARGB8888, 5);
  EXPECT_EQ(classify(bgra, kStride, kWidth, kHeight, *find_format(DRM_FORMAT_ABGR8888), 5).verdict,
            Classification::Verdict::Garbage);
  auto old = frame(DRM_FORMAT_ARGB8888, 2);
  EXPECT_EQ(classify(old, kStride, kWidth, kHeight, *find_format(DRM_FORMAT_ARGB8888), 5).verdict,
            Classification::Verdict::Garbage);
}

TEST(Pattern, AlphaAndPaddingAreIgnored) {
  auto pixels = frame(DRM_FORMAT_XRGB8888, 9);
  for (std::size_t i = 3; i < pixels.size(); i += 4) pixels[i] = 0;  // X bytes (and some padding)
  EXPECT_EQ(classify(pixels, kStride, kWidth, kHeight, *find_format(DRM_FORMAT_XRGB8888), 9).verdict,
            Classification::Verdict::New);
}

TEST(Pattern, NamesFormatsAndModifiers) {
  EXPECT_EQ(fourcc_name(DRM_FORMAT_ARGB8888), "ARGB8888");
  EXPECT_EQ(fourcc_name(DRM_FORMAT_NV12), "0x3231564e");
  EXPECT_EQ(modifier_name(DRM_FORMAT_MOD_LINEAR), "LINEAR");
  EXPECT_EQ(modifier_name(DRM_FORMAT_MOD_INVALID), "INVALID (implicit)");
  EXPECT_EQ(modifier_name(I915_FORMAT_MOD_X_TILED), "0x0100000000000001");
}

}  // namespace
}  // namespace fc
