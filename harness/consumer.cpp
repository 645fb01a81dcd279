// SPDX-License-Identifier: MIT
#include "harness/consumer.h"

#include <poll.h>

#include <cerrno>

#include "harness/trace.h"

namespace fc {

Result<ConsumerWait> wait_for_writers(BorrowedFd dmabuf, Deadline deadline) {
  // The idle buffer's path is the bare call a consumer would write: one
  // poll() with a zero timeout, no clock read, nothing else.
  pollfd idle{dmabuf.get(), POLLIN, 0};
  const int ready = ::poll(&idle, 1, 0);
  // Traced as the uapi layer's calls are (harness/trace.h); off, one load.
  if (trace::recording())
    trace::record("poll", dmabuf.get(), ready > 0 ? idle.revents : ready, ready < 0 ? errno : 0,
                  {{"events", POLLIN}, {"timeout_ms", 0}});
  if (ready == 1 && idle.revents == POLLIN) return ConsumerWait{false, WaitResult::Ready};
  if (ready != 0) {
    // Interrupted, or a bit to explain (POLLERR, POLLNVAL, POLLHUP): the
    // checked path looks again and says which (Deadline::now() reads no clock).
    auto now = uapi::poll_fd(dmabuf, POLLIN, Deadline::now());
    if (!now) return now.err();
    if (*now == WaitResult::Ready) return ConsumerWait{false, WaitResult::Ready};
  }
  auto waited = uapi::poll_fd(dmabuf, POLLIN, deadline);
  if (!waited) return waited.err();
  return ConsumerWait{true, *waited};
}

}  // namespace fc
