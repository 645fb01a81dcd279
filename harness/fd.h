// SPDX-License-Identifier: MIT
// Move-only file-descriptor ownership (UniqueFd) and non-owning parameters (BorrowedFd).
//
// Every descriptor the suite creates is owned by exactly one UniqueFd; functions
// that only use a descriptor take a BorrowedFd and never close it.
#pragma once

#include "harness/result.h"

namespace fc {

// A descriptor used but not owned. Says so in the signature of every function taking one.
class BorrowedFd {
 public:
  constexpr explicit BorrowedFd(int fd) noexcept : fd_(fd) {}
  [[nodiscard]] constexpr int get() const noexcept { return fd_; }

 private:
  int fd_;
};

class UniqueFd {
 public:
  UniqueFd() noexcept = default;
  explicit UniqueFd(int fd) noexcept : fd_(fd) {}
  ~UniqueFd() { reset(); }

  UniqueFd(UniqueFd&& other) noexcept : fd_(other.release()) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    if (this != &other) reset(other.release());
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;

  [[nodiscard]] int get() const noexcept { return fd_; }
  [[nodiscard]] bool valid() const noexcept { return fd_ >= 0; }
  explicit operator bool() const noexcept { return valid(); }
  [[nodiscard]] BorrowedFd borrow() const noexcept { return BorrowedFd(fd_); }

  // Gives up ownership; the caller must close the result.
  [[nodiscard]] int release() noexcept {
    int fd = fd_;
    fd_ = -1;
    return fd;
  }

  // Closes the owned descriptor (if any) and takes ownership of fd.
  void reset(int fd = -1) noexcept;

  // A new descriptor for the same open file, close-on-exec.
  [[nodiscard]] static Result<UniqueFd> dup(BorrowedFd fd);

 private:
  int fd_ = -1;
};

// FD_CLOEXEC of a descriptor, or its errno.
[[nodiscard]] Result<bool> is_cloexec(BorrowedFd fd);

// How many descriptors this process has open (counts /proc/self/fd).
[[nodiscard]] Result<int> count_open_fds();

}  // namespace fc
