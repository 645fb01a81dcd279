// SPDX-License-Identifier: MIT
// The recommended consumer-side wait, for code that receives dma-bufs from a
// producer it does not control (screen capture, PipeWire clients, encoders):
//
//   auto waited = fc::wait_for_writers(dmabuf, fc::Deadline::after(100ms));
//   if (!waited)                   -> the kernel call failed (waited.err())
//   waited->had_writers == false   -> nothing was in flight: read now (if the producer
//                                     attaches no fences at all, this is always false)
//   waited->result == Ready        -> the writes it waited for are done: read now
//   waited->result == TimedOut     -> still being written at the deadline
//
// It polls the dma-buf itself (POLLIN waits for the buffer's writers): one
// system call when the buffer is idle, two when it is not, no descriptor
// created. The common recipe (EXPORT_SYNC_FILE(READ), poll the sync_file,
// close it) answers the same question with three; the reference suites check
// that both agree in every fence state, and bench/ measures both. Use the
// export when you need a sync_file to hand on (to EGL, Vulkan, a compositor)
// or FILE_INFO to say whose fence it was.
#pragma once

#include "harness/deadline.h"
#include "harness/fd.h"
#include "harness/result.h"
#include "harness/uapi.h"

namespace fc {

struct ConsumerWait {
  bool had_writers = false;  // a write was still in flight when we looked
  WaitResult result = WaitResult::Ready;
};

// Waits until the writes pending on dmabuf are done, or the deadline passes.
// Does not take ownership of dmabuf, which must be a dma-buf.
[[nodiscard]] Result<ConsumerWait> wait_for_writers(BorrowedFd dmabuf, Deadline deadline);

}  // namespace fc
