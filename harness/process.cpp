// SPDX-License-Identifier: MIT
#include "harness/process.h"

#include <signal.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <string>

#include "harness/trace.h"
#include "harness/uapi.h"

namespace fc {
namespace {

// waitpid(pid) for a child known to have ended or been killed, retried when a
// signal interrupts it (an interrupted wait would leave the child unreaped
// and *status unset).
pid_t reap(pid_t pid, int* status) {
  pid_t reaped;
  do {
    reaped = ::waitpid(pid, status, 0);
  } while (reaped < 0 && errno == EINTR);
  return reaped;
}

}  // namespace

std::string ExitStatus::describe() const {
  return exited ? "exit code " + std::to_string(code)
                : "killed by signal " + std::to_string(code) + " (" + strsignal(code) + ")";
}

Result<ChildProcess> ChildProcess::fork(const std::function<int()>& body) {
  pid_t pid = ::fork();
  if (pid < 0) return last_errno();
  if (pid == 0) {
    // The child's calls are not the test's trace (its copy would be thrown
    // away) and must not take a lock another thread held at the fork.
    trace::forget_in_child();
    ::_exit(body());
  }
  int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
  if (pidfd < 0) {
    Errno err = last_errno();
    ::kill(pid, SIGKILL);
    (void)reap(pid, nullptr);
    return err;
  }
  return ChildProcess(pid, UniqueFd(pidfd));
}

ChildProcess::ChildProcess(ChildProcess&& other) noexcept
    : pid_(std::exchange(other.pid_, -1)), pidfd_(std::move(other.pidfd_)) {}

ChildProcess::~ChildProcess() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    (void)reap(pid_, nullptr);
  }
}

Result<ExitStatus> ChildProcess::wait(Deadline deadline) {
  // A pidfd becomes readable when the process exits.
  auto ended = uapi::poll_fd(pidfd_.borrow(), POLLIN, deadline);
  if (!ended) return ended.err();
  if (*ended == WaitResult::TimedOut) return Errno{ETIMEDOUT};
  int status = 0;
  if (reap(pid_, &status) < 0) return last_errno();
  pid_ = -1;
  if (WIFEXITED(status)) return ExitStatus{true, WEXITSTATUS(status)};
  return ExitStatus{false, WTERMSIG(status)};
}

Result<SocketPair> make_socket_pair() {
  int fds[2];
  if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds) != 0) return last_errno();
  return SocketPair{UniqueFd(fds[0]), UniqueFd(fds[1])};
}

Status send_message(BorrowedFd socket, std::span<const std::byte> bytes, const UniqueFd* fd) {
  iovec iov{const_cast<std::byte*>(bytes.data()), bytes.size()};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
  if (fd != nullptr) {
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    cmsghdr* header = CMSG_FIRSTHDR(&msg);
    header->cmsg_level = SOL_SOCKET;
    header->cmsg_type = SCM_RIGHTS;
    header->cmsg_len = CMSG_LEN(sizeof(int));
    int raw = fd->get();
    std::memcpy(CMSG_DATA(header), &raw, sizeof raw);
  }
  ssize_t sent;
  do {
    sent = ::sendmsg(socket.get(), &msg, MSG_NOSIGNAL);
  } while (sent < 0 && errno == EINTR);
  if (sent < 0) return last_errno();
  return {};
}

Result<Message> receive_message(BorrowedFd socket, std::span<std::byte> buffer, Deadline deadline) {
  auto readable = uapi::poll_fd(socket, POLLIN, deadline);
  if (!readable) return readable.err();
  if (*readable == WaitResult::TimedOut) return Errno{ETIMEDOUT};

  iovec iov{buffer.data(), buffer.size()};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  ssize_t received;
  do {
    received = ::recvmsg(socket.get(), &msg, MSG_CMSG_CLOEXEC);
  } while (received < 0 && errno == EINTR);
  if (received < 0) return last_errno();
  if (received == 0) return Errno{ECONNRESET};

  Message message;
  message.size = static_cast<std::size_t>(received);
  for (cmsghdr* header = CMSG_FIRSTHDR(&msg); header != nullptr; header = CMSG_NXTHDR(&msg, header)) {
    if (header->cmsg_level == SOL_SOCKET && header->cmsg_type == SCM_RIGHTS) {
      int raw;
      std::memcpy(&raw, CMSG_DATA(header), sizeof raw);
      message.fd.reset(raw);
    }
  }
  return message;
}

}  // namespace fc
