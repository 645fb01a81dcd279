// SPDX-License-Identifier: MIT
#version 450
// The vulkan producer's frame: frame_color() of gpu/pattern.cpp for every
// pixel of a linear 32-bit buffer, after a calibrated busy loop (the workload
// that keeps the write in flight long enough to be seen).
layout(local_size_x = 8, local_size_y = 8) in;
layout(std430, binding = 0) buffer Pixels { uint words[]; };
layout(push_constant) uniform Frame {
  uint width;
  uint height;
  uint stride_words;
  uint offset_words;
  uint seed;
  uint iterations;
  uint rgba_order;  // 1: bytes R,G,B,A (ABGR8888); 0: B,G,R,A (ARGB/XRGB8888)
} frame;

void main() {
  uint x = gl_GlobalInvocationID.x;
  uint y = gl_GlobalInvocationID.y;
  if (x >= frame.width || y >= frame.height) return;
  float acc = 0.0;
  for (uint i = 0u; i < frame.iterations; i++) acc = fract(acc * 1.618 + 0.137);
  uint r = frame.seed & 0xffu;
  uint g = ((frame.seed >> 8) ^ y) & 0xffu;
  uint b = ((frame.seed >> 16) ^ x) & 0xffu;
  uint pixel = frame.rgba_order != 0u ? (r | (g << 8) | (b << 16) | 0xff000000u)
                                      : (b | (g << 8) | (r << 16) | 0xff000000u);
  if (acc > 2.0) pixel = 0u;  // never true: keeps the loop's result live
  words[frame.offset_words + y * frame.stride_words + x] = pixel;
}
