// SPDX-License-Identifier: MIT
// Child processes and descriptor passing, as a capture client receives a
// dma-buf from a compositor: fork, SCM_RIGHTS over a Unix socket, and a
// bounded wait for the child (pidfd + poll), never an unbounded waitpid.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <functional>
#include <span>

#include "harness/deadline.h"
#include "harness/fd.h"
#include "harness/result.h"

namespace fc {

// How a child ended.
struct ExitStatus {
  bool exited = false;  // true: exit code in `code`; false: killed by signal `code`
  int code = 0;
  [[nodiscard]] bool success() const { return exited && code == 0; }
  [[nodiscard]] std::string describe() const;
};

class ChildProcess {
 public:
  // Forks; the child runs body() and _exit()s with its return value. body must
  // not return into the parent's code (no gtest assertions in it).
  [[nodiscard]] static Result<ChildProcess> fork(const std::function<int()>& body);

  ChildProcess(ChildProcess&& other) noexcept;
  ChildProcess& operator=(ChildProcess&&) = delete;
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  // A child still running is killed (SIGKILL) and reaped.
  ~ChildProcess();

  // Waits for the child to end; ETIMEDOUT if it has not by the deadline (it is left running).
  [[nodiscard]] Result<ExitStatus> wait(Deadline deadline);
  [[nodiscard]] pid_t pid() const { return pid_; }

 private:
  ChildProcess(pid_t pid, UniqueFd pidfd) : pid_(pid), pidfd_(std::move(pidfd)) {}
  pid_t pid_ = -1;
  UniqueFd pidfd_;
};

// A connected pair of SOCK_SEQPACKET Unix sockets (message boundaries kept).
struct SocketPair {
  UniqueFd first;
  UniqueFd second;
};
[[nodiscard]] Result<SocketPair> make_socket_pair();

// One message carrying bytes and, optionally, one descriptor (SCM_RIGHTS).
[[nodiscard]] Status send_message(BorrowedFd socket, std::span<const std::byte> bytes, const UniqueFd* fd = nullptr);

struct Message {
  std::size_t size = 0;  // bytes received into the caller's buffer
  UniqueFd fd;           // the passed descriptor, if one came
};
// Receives one message by the deadline (ETIMEDOUT if none came; ECONNRESET if the peer closed).
[[nodiscard]] Result<Message> receive_message(BorrowedFd socket, std::span<std::byte> buffer, Deadline deadline);

}  // namespace fc
