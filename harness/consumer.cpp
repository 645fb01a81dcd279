#include "harness/consumer.h"

namespace fc {

Result<ConsumerWait> wait_for_writers(BorrowedFd dmabuf, Deadline deadline) {
  auto busy = uapi::is_busy(dmabuf, POLLIN);
  if (!busy) return busy.err();
  if (!*busy) return ConsumerWait{false, WaitResult::Ready};
  auto waited = uapi::poll_fd(dmabuf, POLLIN, deadline);
  if (!waited) return waited.err();
  return ConsumerWait{true, *waited};
}

}  // namespace fc
