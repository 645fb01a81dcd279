// SPDX-License-Identifier: MIT
#include "harness/deadline.h"

#include <climits>

namespace fc {

Clock::duration Deadline::remaining() const {
  if (when_ == Clock::time_point::min()) return Clock::duration::zero();
  auto left = when_ - Clock::now();
  return left > Clock::duration::zero() ? left : Clock::duration::zero();
}

int Deadline::poll_timeout_ms() const {
  auto left = std::chrono::ceil<milliseconds>(remaining()).count();
  return left > INT_MAX ? INT_MAX : static_cast<int>(left);
}

}  // namespace fc
