#include "harness/consumer.h"

namespace fc {

Result<ConsumerWait> wait_for_writers(BorrowedFd dmabuf, Deadline deadline) {
  // The idle buffer's path: one poll() with a zero timeout, no clock read
  // (Deadline::now() is the earliest time there is).
  auto now = uapi::poll_fd(dmabuf, POLLIN, Deadline::now());
  if (!now) return now.err();
  if (*now == WaitResult::Ready) return ConsumerWait{false, WaitResult::Ready};
  auto waited = uapi::poll_fd(dmabuf, POLLIN, deadline);
  if (!waited) return waited.err();
  return ConsumerWait{true, *waited};
}

}  // namespace fc
