// SPDX-License-Identifier: MIT
#include "harness/fd.h"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include "harness/trace.h"

namespace fc {

void UniqueFd::reset(int fd) noexcept {
  if (fd_ >= 0) {
    // Linux releases the descriptor even when close() reports EINTR: never retry.
    if (trace::recording()) trace::note_kind(fd_);  // while it is still what it was
    const int ret = ::close(fd_);
    if (trace::recording()) trace::record_close(fd_, ret, ret != 0 ? errno : 0);
  }
  fd_ = fd;
}

Result<UniqueFd> UniqueFd::dup(BorrowedFd fd) {
  int copy = ::fcntl(fd.get(), F_DUPFD_CLOEXEC, 0);
  if (copy < 0) return last_errno();
  return UniqueFd(copy);
}

Result<bool> is_cloexec(BorrowedFd fd) {
  int flags = ::fcntl(fd.get(), F_GETFD);
  if (flags < 0) return last_errno();
  return (flags & FD_CLOEXEC) != 0;
}

Result<int> count_open_fds() {
  DIR* dir = ::opendir("/proc/self/fd");
  if (dir == nullptr) return last_errno();
  int count = 0;
  while (const dirent* entry = ::readdir(dir)) {
    if (entry->d_name[0] != '.') ++count;
  }
  ::closedir(dir);
  return count - 1;  // the directory stream's own descriptor
}

}  // namespace fc
