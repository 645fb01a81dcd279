// SPDX-License-Identifier: MIT
// Monotonic deadlines (and, through harness/timeouts.h, the suite's named timeouts).
//
// Every wait in the suite is bounded by a Deadline computed once from
// CLOCK_MONOTONIC (steady_clock); loops recompute the time left from it, so a
// retried wait can never extend itself.
#pragma once

#include <chrono>

#include "harness/timeouts.h"

namespace fc {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

class Deadline {
 public:
  // A deadline that has already passed: a wait with it only checks the current
  // state. Reads no clock (it is the earliest time there is), so a
  // non-blocking check costs only its own system call.
  static Deadline now() { return Deadline(Clock::time_point::min()); }
  static Deadline after(Clock::duration timeout) { return Deadline(Clock::now() + timeout); }

  [[nodiscard]] Clock::time_point when() const { return when_; }
  [[nodiscard]] bool expired() const { return when_ == Clock::time_point::min() || Clock::now() >= when_; }

  // Time left, never negative.
  [[nodiscard]] Clock::duration remaining() const;

  // Time left in whole milliseconds for poll(), rounded up so that a wait
  // never returns before the deadline.
  [[nodiscard]] int poll_timeout_ms() const;

 private:
  explicit Deadline(Clock::time_point when) : when_(when) {}
  Clock::time_point when_;
};

}  // namespace fc
