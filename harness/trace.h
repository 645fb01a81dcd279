// SPDX-License-Identifier: MIT
// The ioctl trace: every call the uapi layer makes (each ioctl, poll(),
// epoll, mmap, the memfd and device opens behind them, each close of a
// UniqueFd) and the consumer helper's own poll(), recorded while a test
// runs, with its arguments, its result, its errno and the kind of each
// descriptor it touched; and the checks a test makes on those calls
// (expect_errno). runner/ turns recording on around each test and keeps the
// trace of a failed one (every one with --trace) as schema::kTrace;
// `fencecheck-results reproducer` turns it into a standalone C program.
//
// Off, a traced call costs one relaxed load. On, it appends one fixed-size
// record under a mutex (a descriptor's kind is looked up in /proc/self/fd once
// while it stays open); at most kMaxEntries are kept, the rest counted.
// Measured (bench Idle/trace_cost, vgem, QEMU TCG): off, the idle check 1.02x
// a bare poll(); recording, about 0.56 us a call.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fc::trace {

// One argument as the call passed it: a name from the uAPI struct ("flags",
// "size") and its value.
struct Arg {
  const char* name;
  std::uint64_t value;
};

// One traced call.
struct Entry {
  std::string call;       // the request as the uAPI header names it: "UDMABUF_CREATE", "poll"
  int fd = -1;            // the descriptor it was made on (-1: none)
  std::string fd_kind;    // what that descriptor was: "dma-buf", "sync_file", "DRM node vgem", ...
  std::vector<Arg> args;  // in the order of the uAPI struct
  std::map<std::string, std::string> arg_kinds;  // for each argument that is a descriptor, its kind
  std::string text;                              // a path or a name, where the call takes one
  std::int64_t ret = 0;                          // the call's return: a new descriptor, a handle, a count, revents
  std::string ret_kind;                          // for a new descriptor, its kind
  int error = 0;                                 // errno when the call failed
  int expected = -1;                             // the errno a check held this call to (0: success), -1 none
  std::uint32_t thread = 0;                      // 0 the test's thread, 1.. others in order of appearance
};

struct Trace {
  std::vector<Entry> entries;
  std::size_t dropped = 0;  // calls past kMaxEntries, not kept
};

inline constexpr std::size_t kMaxEntries = 2000;

namespace detail {
extern std::atomic<bool> recording;
}
[[nodiscard]] inline bool recording() noexcept { return detail::recording.load(std::memory_order_relaxed); }

// Records one finished call (only while recording; call right after it, errno intact).
// new_fd: the descriptor the call made, if any.
void record(const char* call, int fd, long ret, int error, std::initializer_list<Arg> args, int new_fd = -1,
            std::string_view text = {});

// What a descriptor is, for the calls that make one the kernel cannot name
// (a DRM node: "DRM node vgem"). Kept until the descriptor is closed.
void name_fd(int fd, std::string kind);
// Looks up what fd is now (before a close() makes it unknowable).
void note_kind(int fd);
// Records close(fd) and forgets what fd was: its number may come back as something else.
void record_close(int fd, int ret, int error);

// The check a test makes on the last call it recorded on this thread (a
// close() after it is the cleanup, not the call): that it
// failed with `expected` (0: that it succeeded). Returns that call (none: nothing recorded).
std::optional<Entry> expect_errno(int expected);

// In a forked child: stop recording without touching the trace (no lock).
inline void forget_in_child() noexcept { detail::recording.store(false, std::memory_order_relaxed); }

// Starts recording a fresh trace; stop() ends it and returns what was kept.
void start();
Trace stop();

// The trace as schema::kTrace's JSON text (results/trace_json.h reads it):
// {"dropped": N, "calls": [{"call", "fd", "fd_kind", "args": {name: value},
// "text", "ret", "ret_kind", "errno", "expected", "thread"}, ...]}.
[[nodiscard]] std::string to_json(const Trace& trace);

// "UDMABUF_CREATE(memfd=fd 5 (memfd), offset=0, size=1099511627776)": one call in words.
[[nodiscard]] std::string describe_call(const Entry& entry);

}  // namespace fc::trace
