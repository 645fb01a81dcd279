// SPDX-License-Identifier: MIT
#include "harness/trace.h"

#include <unistd.h>

#include <array>
#include <cstdio>
#include <mutex>

#include "harness/result.h"

namespace fc::trace {
namespace detail {
std::atomic<bool> recording{false};
}

namespace {

constexpr std::size_t kMaxArgs = 6;
constexpr int kCachedFds = 4096;  // descriptors whose kind is kept by number (higher ones are looked up each time)

// One call as recorded: no allocation on the way (the names are the
// callers' literals, kinds and texts indexes into the trace's own tables);
// stop() turns it into an Entry.
struct Raw {
  const char* call = "";
  int fd = -1;
  int fd_kind = -1;
  std::array<Arg, kMaxArgs> args{};
  std::array<int, kMaxArgs> arg_kinds{};
  std::uint8_t arg_count = 0;
  int text = -1;
  std::int64_t ret = 0;
  int ret_kind = -1;
  int error = 0;
  int expected = -1;
  std::uint32_t thread = 0;
};

struct State {
  std::mutex mutex;
  std::vector<Raw> raw;
  std::size_t dropped = 0;
  std::vector<std::string> kinds;  // what descriptors were ("dma-buf", "DRM node vgem", ...)
  std::vector<std::string> texts;
  std::array<int, kCachedFds> fd_kind{};  // descriptor -> index in kinds while it stays open, -1 unknown
  std::uint64_t generation = 0;           // one per start(): numbers threads afresh
  std::uint32_t threads = 0;
};

State& state() {
  static State instance;
  return instance;
}

// This thread's number in the current trace: 0 for the one that started it.
struct ThreadSlot {
  std::uint64_t generation = 0;
  std::uint32_t index = 0;
};
thread_local ThreadSlot this_thread;

// A descriptor argument's name ends in "fd" ("fd", "memfd", "fd2").
bool is_fd_arg(std::string_view name) { return name.ends_with("fd") || name == "fd2"; }

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
  return std::string(path);
}

int intern(std::vector<std::string>& table, std::string text) {
  table.push_back(std::move(text));
  return static_cast<int>(table.size() - 1);
}

// The kind of fd, looked up once while it stays open (state's mutex held).
int kind_of(State& s, int fd) {
  if (fd < 0) return -1;
  if (fd < kCachedFds && s.fd_kind[static_cast<std::size_t>(fd)] >= 0) return s.fd_kind[static_cast<std::size_t>(fd)];
  const int kind = intern(s.kinds, kind_from_proc(fd));
  if (fd < kCachedFds) s.fd_kind[static_cast<std::size_t>(fd)] = kind;
  return kind;
}

void forget(State& s, int fd) {
  if (fd >= 0 && fd < kCachedFds) s.fd_kind[static_cast<std::size_t>(fd)] = -1;
}

std::uint32_t thread_index(State& s) {
  if (this_thread.generation != s.generation) this_thread = {s.generation, ++s.threads};
  return this_thread.index;
}

const std::string& kind_text(const State& s, int index) {
  static const std::string none;
  return index >= 0 ? s.kinds[static_cast<std::size_t>(index)] : none;
}

Entry entry_of(const State& s, const Raw& raw) {
  Entry entry;
  entry.call = raw.call;
  entry.fd = raw.fd;
  entry.fd_kind = kind_text(s, raw.fd_kind);
  entry.args.assign(raw.args.begin(), raw.args.begin() + raw.arg_count);
  for (std::size_t i = 0; i < raw.arg_count; ++i)
    if (raw.arg_kinds[i] >= 0) entry.arg_kinds[raw.args[i].name] = kind_text(s, raw.arg_kinds[i]);
  if (raw.text >= 0) entry.text = s.texts[static_cast<std::size_t>(raw.text)];
  entry.ret = raw.ret;
  entry.ret_kind = kind_text(s, raw.ret_kind);
  entry.error = raw.error;
  entry.expected = raw.expected;
  entry.thread = raw.thread;
  return entry;
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
  if (s.raw.size() >= kMaxEntries) {
    ++s.dropped;
    return;
  }
  Raw& raw = s.raw.emplace_back();
  raw.call = call;
  raw.fd = fd;
  raw.fd_kind = kind_of(s, fd);
  for (const Arg& arg : args) {
    if (raw.arg_count == kMaxArgs) break;
    raw.arg_kinds[raw.arg_count] =
        is_fd_arg(arg.name) && arg.value < kCachedFds ? kind_of(s, static_cast<int>(arg.value)) : -1;
    raw.args[raw.arg_count++] = arg;
  }
  if (!text.empty()) raw.text = intern(s.texts, std::string(text));
  raw.ret = ret;
  raw.error = error;
  if (new_fd >= 0) {
    forget(s, new_fd);  // a new object behind a number that may have been another
    raw.ret_kind = kind_of(s, new_fd);
  }
  raw.thread = thread_index(s);
}

void name_fd(int fd, std::string kind) {
  if (!recording() || fd < 0) return;
  State& s = state();
  std::lock_guard lock(s.mutex);
  const int index = intern(s.kinds, std::move(kind));
  if (fd < kCachedFds) s.fd_kind[static_cast<std::size_t>(fd)] = index;
  if (!s.raw.empty() && s.raw.back().ret == fd) s.raw.back().ret_kind = index;
}

void note_kind(int fd) {
  if (!recording()) return;
  State& s = state();
  std::lock_guard lock(s.mutex);
  kind_of(s, fd);
}

void record_close(int fd, int ret, int error) {
  record("close", fd, ret, error, {});
  if (!recording()) return;
  State& s = state();
  std::lock_guard lock(s.mutex);
  forget(s, fd);
}

std::optional<Entry> expect_errno(int expected) {
  if (!recording()) return std::nullopt;
  State& s = state();
  std::lock_guard lock(s.mutex);
  const std::uint32_t thread = thread_index(s);
  for (auto it = s.raw.rbegin(); it != s.raw.rend(); ++it) {
    // A scope's cleanup (a close after the call) is not the call judged.
    if (it->thread != thread || std::string_view(it->call) == "close") continue;
    it->expected = expected;
    return entry_of(s, *it);
  }
  return std::nullopt;
}

void start() {
  State& s = state();
  std::lock_guard lock(s.mutex);
  s.raw.clear();
  s.raw.reserve(256);
  s.dropped = 0;
  s.kinds.clear();
  s.texts.clear();
  s.fd_kind.fill(-1);
  ++s.generation;
  s.threads = 0;
  this_thread = {s.generation, 0};
  detail::recording.store(true, std::memory_order_relaxed);
}

Trace stop() {
  detail::recording.store(false, std::memory_order_relaxed);
  State& s = state();
  std::lock_guard lock(s.mutex);
  Trace trace;
  trace.entries.reserve(s.raw.size());
  for (const Raw& raw : s.raw) trace.entries.push_back(entry_of(s, raw));
  trace.dropped = s.dropped;
  s.raw.clear();
  return trace;
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
