// SPDX-License-Identifier: MIT
// `fencecheck-results reproducer`: a standalone C program from a test's ioctl
// trace (schema::kTrace, harness/trace.h) that replays its calls on the same
// kind of device and checks what the test checked on them (FC_EXPECT_ERRNO):
// exit 1 when the kernel answers otherwise, 0 when it answers as the test
// expects, 77 when it cannot run there (no such device, a setup call failed).
// It needs a C compiler and the kernel's uAPI headers (linux-libc-dev): the
// DRM structs, which linux-libc-dev does not ship, are defined in the file.
//
// A test is not replayable when its result has no trace (it passed without
// --trace), the trace was cut, calls came from more than one thread (a race),
// a call has no C form here (epoll, syncobj, KMS, sw_sync) or a descriptor
// came from outside the traced calls (GBM, EGL, Vulkan), or when none of its
// checks is on a traced call (fence state, contents, timing): then why, and
// the traced calls in words as the manual steps.
#pragma once

#include <string>

#include "results/gtest_json.h"

namespace fc {

struct Reproducer {
  bool replayable = false;
  std::string source;   // the C program, when replayable
  std::string why_not;  // otherwise: why, then the manual steps
};

[[nodiscard]] Reproducer make_reproducer(const GtestRun& run, const TestRecord& record);

}  // namespace fc
