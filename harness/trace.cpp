// SPDX-License-Identifier: MIT
#include "harness/trace.h"

#include <sys/syscall.h>
#include <unistd.h>

#include <cstdio>
#include <map>
#include <mutex>

#include "harness/result.h"

namespace fc::trace {
namespace detail {
std::atomic<bool> recording{false};
}

namespace {

struct State {
  std::mutex mutex;
  Trace trace;
  std::map<int, std::string> kinds;  // descriptor -> kind, while it is open
  std::map<pid_t, std::uint32_t> threads;
  pid_t first_thread = 0;
};

State& state() {
  static State instance;
  return instance;
}

// What /proc/self/fd says a descriptor is, in the words of the leak check.
std::string kind_from_proc(int fd) {
  char target[256] = {};
  const std::string link = "/proc/self/fd/" + std::to_string(fd);
  const ssize_t n = ::readlink(link.c_str(), target, sizeof target - 1);
  if (n <= 0) return "closed";
  const std::string_view path(target, static_cast<std::size_t>(n));
  auto starts = [&](std::string_view prefix) { return path.substr(0, prefix.size()) == prefix; };
  if (starts("/dmabuf:") || path == "anon_inode:dmabuf") return "dma-buf";
  if (path == "anon_inode:sync_file") return "sync_file";
  if (path == "anon_inode:[eventfd]") return "eventfd";
  if (path == "anon_inode:[eventpoll]") return "epoll";
  if (starts("anon_inode:")) return std::string(path.substr(11));
  if (starts("/memfd:")) return "memfd";
  if (starts("/dev/")) return std::string(path);
  return std::string(path);
}

// The kind of fd, looked up once while it stays open (state's mutex held).
const std::string& kind_of(State& s, int fd) {
  auto found = s.kinds.find(fd);
  if (found == s.kinds.end()) found = s.kinds.emplace(fd, kind_from_proc(fd)).first;
  return found->second;
}

std::uint32_t thread_index(State& s) {
  const auto tid = static_cast<pid_t>(::syscall(SYS_gettid));
  if (tid == s.first_thread) return 0;
  return s.threads.emplace(tid, static_cast<std::uint32_t>(s.threads.size() + 1)).first->second;
}

void escape_into(std::string& out, std::string_view text) {
  out += '"';
  for (char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

}  // namespace

void record(const char* call, int fd, long ret, int error, std::initializer_list<Arg> args, int new_fd,
            std::string_view text) {
  if (!recording()) return;
  State& s = state();
  std::lock_guard lock(s.mutex);
  if (s.trace.entries.size() >= kMaxEntries) {
    ++s.trace.dropped;
    return;
  }
  Entry entry;
  entry.call = call;
  entry.fd = fd;
  if (fd >= 0) entry.fd_kind = kind_of(s, fd);
  entry.args.assign(args.begin(), args.end());
  entry.text = text;
  entry.ret = ret;
  entry.error = error;
  if (new_fd >= 0) {
    s.kinds.erase(new_fd);  // a new object behind a number that may have been another
    entry.ret_kind = kind_of(s, new_fd);
  }
  // An argument that is a descriptor says what it is, as the call's own descriptor does.
  for (const Arg& arg : entry.args) {
    if (is_fd_arg(arg.name) && arg.value < 1u << 20)
      entry.arg_kinds[arg.name] = kind_of(s, static_cast<int>(arg.value));
  }
  entry.thread = thread_index(s);
  s.trace.entries.push_back(std::move(entry));
}

void name_fd(int fd, std::string kind) {
  if (!recording()) return;
  State& s = state();
  std::lock_guard lock(s.mutex);
  s.kinds[fd] = std::move(kind);
  if (!s.trace.entries.empty() && s.trace.entries.back().ret == fd) s.trace.entries.back().ret_kind = s.kinds[fd];
}

void note_kind(int fd) {
  if (!recording()) return;
  State& s = state();
  std::lock_guard lock(s.mutex);
  kind_of(s, fd);
}

void forget_fd(int fd) {
  if (!recording()) return;
  State& s = state();
  std::lock_guard lock(s.mutex);
  s.kinds.erase(fd);
}

bool is_fd_arg(std::string_view name) { return name.ends_with("fd") || name == "fd2"; }

std::optional<Entry> expect_errno(int expected) {
  if (!recording()) return std::nullopt;
  State& s = state();
  std::lock_guard lock(s.mutex);
  const std::uint32_t thread = thread_index(s);
  for (auto it = s.trace.entries.rbegin(); it != s.trace.entries.rend(); ++it) {
    if (it->thread != thread || it->call == "close") continue;  // a scope's cleanup is not the call judged
    it->expected = expected;
    return *it;
  }
  return std::nullopt;
}

void start() {
  State& s = state();
  std::lock_guard lock(s.mutex);
  s.trace = {};
  s.kinds.clear();
  s.threads.clear();
  s.first_thread = static_cast<pid_t>(::syscall(SYS_gettid));
  detail::recording.store(true, std::memory_order_relaxed);
}

Trace stop() {
  detail::recording.store(false, std::memory_order_relaxed);
  State& s = state();
  std::lock_guard lock(s.mutex);
  return std::move(s.trace);
}

std::string to_json(const Trace& trace) {
  std::string out = "{\"dropped\":" + std::to_string(trace.dropped) + ",\"calls\":[";
  const char* sep = "";
  for (const Entry& e : trace.entries) {
    out += sep;
    sep = ",";
    out += "{\"call\":";
    escape_into(out, e.call);
    out += ",\"fd\":" + std::to_string(e.fd);
    if (!e.fd_kind.empty()) {
      out += ",\"fd_kind\":";
      escape_into(out, e.fd_kind);
    }
    out += ",\"args\":{";
    const char* arg_sep = "";
    for (const Arg& arg : e.args) {
      out += arg_sep;
      arg_sep = ",";
      escape_into(out, arg.name);
      out += ":" + std::to_string(arg.value);
    }
    out += "}";
    if (!e.arg_kinds.empty()) {
      out += ",\"arg_kinds\":{";
      const char* kind_sep = "";
      for (const auto& [name, kind] : e.arg_kinds) {
        out += kind_sep;
        kind_sep = ",";
        escape_into(out, name);
        out += ":";
        escape_into(out, kind);
      }
      out += "}";
    }
    if (!e.text.empty()) {
      out += ",\"text\":";
      escape_into(out, e.text);
    }
    out += ",\"ret\":" + std::to_string(e.ret);
    if (!e.ret_kind.empty()) {
      out += ",\"ret_kind\":";
      escape_into(out, e.ret_kind);
    }
    if (e.error != 0) {
      out += ",\"errno\":";
      escape_into(out, Errno{e.error}.name());
    }
    if (e.expected >= 0) {
      out += ",\"expected\":";
      escape_into(out, e.expected == 0 ? std::string("success") : Errno{e.expected}.name());
    }
    if (e.thread != 0) out += ",\"thread\":" + std::to_string(e.thread);
    out += "}";
  }
  return out + "]}";
}

std::string describe_call(const Entry& entry) {
  std::string out = entry.call + "(";
  const char* sep = "";
  if (!entry.text.empty()) {
    out += "\"" + entry.text + "\"";
    sep = ", ";
  }
  for (const Arg& arg : entry.args) {
    out += sep + std::string(arg.name) + "=" + std::to_string(arg.value);
    if (auto kind = entry.arg_kinds.find(arg.name); kind != entry.arg_kinds.end()) out += " (" + kind->second + ")";
    sep = ", ";
  }
  out += ")";
  if (entry.fd >= 0) out += " on fd " + std::to_string(entry.fd) + " (" + entry.fd_kind + ")";
  return out;
}

}  // namespace fc::trace
