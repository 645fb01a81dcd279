// SPDX-License-Identifier: MIT
#include "results/reproducer.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <sstream>
#include <vector>

#include "results/schema.h"

// poll()'s POLLIN and POLLOUT, as <poll.h> defines them on Linux.
constexpr std::uint64_t kPollIn = 0x1;
constexpr std::uint64_t kPollOut = 0x4;

namespace fc {
namespace {

// One call of the trace, as harness/trace.h's to_json wrote it.
struct Call {
  std::string name;
  int fd = -1;
  std::string fd_kind;
  std::vector<std::pair<std::string, std::uint64_t>> args;
  std::map<std::string, std::string> arg_kinds;
  std::string text;
  std::int64_t ret = 0;
  std::string ret_kind;
  std::string error;     // errno name, "" when it succeeded
  std::string expected;  // "EINVAL", "success", "" when not checked
  int thread = 0;

  [[nodiscard]] std::uint64_t arg(const std::string& key, std::uint64_t fallback = 0) const {
    for (const auto& [arg_name, value] : args)
      if (arg_name == key) return value;
    return fallback;
  }
  [[nodiscard]] bool has(const std::string& key) const {
    for (const auto& [arg_name, value] : args)
      if (arg_name == key) return true;
    return false;
  }
  [[nodiscard]] std::string words() const {
    std::string out = name + "(";
    const char* sep = "";
    if (!text.empty()) {
      out += "\"" + text + "\"";
      sep = ", ";
    }
    for (const auto& [key, value] : args) {
      out += sep + key + "=" + std::to_string(value);
      if (auto kind = arg_kinds.find(key); kind != arg_kinds.end()) out += " (" + kind->second + ")";
      sep = ", ";
    }
    out += ")";
    if (fd >= 0) out += " on fd " + std::to_string(fd) + " (" + fd_kind + ")";
    return out;
  }
};

struct Parsed {
  std::vector<Call> calls;
  std::size_t dropped = 0;
};

std::optional<Parsed> parse_trace(const std::string& text, std::string& error) {
  try {
    const auto doc = nlohmann::ordered_json::parse(text);  // arguments in the uAPI struct's order
    Parsed parsed;
    parsed.dropped = doc.value("dropped", std::size_t{0});
    for (const auto& item : doc.at("calls")) {
      Call call;
      call.name = item.at("call").get<std::string>();
      call.fd = item.value("fd", -1);
      call.fd_kind = item.value("fd_kind", "");
      for (const auto& [key, value] : item.at("args").items()) call.args.emplace_back(key, value.get<std::uint64_t>());
      if (item.contains("arg_kinds"))
        for (const auto& [key, value] : item.at("arg_kinds").items()) call.arg_kinds[key] = value.get<std::string>();
      call.text = item.value("text", "");
      call.ret = item.value("ret", std::int64_t{0});
      call.ret_kind = item.value("ret_kind", "");
      call.error = item.value("errno", "");
      call.expected = item.value("expected", "");
      call.thread = item.value("thread", 0);
      parsed.calls.push_back(std::move(call));
    }
    return parsed;
  } catch (const nlohmann::json::exception& e) {
    error = e.what();
    return std::nullopt;
  }
}

// A flag word as the uAPI names its bits ("DMA_BUF_SYNC_READ | 0x8"), where
// the call's argument has names; else a number.
std::string flags_literal(const std::string& call, const std::string& arg, std::uint64_t value);

std::string c_string(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    if (static_cast<unsigned char>(c) < 0x20) {
      out += "?";
      continue;
    }
    out += c;
  }
  return out + "\"";
}

std::string literal(std::uint64_t value) {
  std::ostringstream out;
  if (value > 0xffffffffu)
    out << value << "ULL";
  else if (value > 9)
    out << "0x" << std::hex << value;
  else
    out << value;
  return out.str();
}

std::string flags_literal(const std::string& call, const std::string& arg, std::uint64_t value) {
  using Bits = std::vector<std::pair<std::uint64_t, const char*>>;
  static const std::map<std::pair<std::string, std::string>, Bits> names = {
      {{"memfd_create", "flags"}, {{1, "MFD_CLOEXEC"}, {2, "MFD_ALLOW_SEALING"}}},
      {{"F_ADD_SEALS", "seals"}, {{1, "F_SEAL_SEAL"}, {2, "F_SEAL_SHRINK"}, {4, "F_SEAL_GROW"}, {8, "F_SEAL_WRITE"}}},
      {{"UDMABUF_CREATE", "flags"}, {{1, "UDMABUF_FLAGS_CLOEXEC"}}},
      {{"DMA_BUF_IOCTL_EXPORT_SYNC_FILE", "flags"}, {{1, "DMA_BUF_SYNC_READ"}, {2, "DMA_BUF_SYNC_WRITE"}}},
      {{"DMA_BUF_IOCTL_IMPORT_SYNC_FILE", "flags"}, {{1, "DMA_BUF_SYNC_READ"}, {2, "DMA_BUF_SYNC_WRITE"}}},
      {{"DMA_BUF_IOCTL_SYNC", "flags"}, {{1, "DMA_BUF_SYNC_READ"}, {2, "DMA_BUF_SYNC_WRITE"}, {4, "DMA_BUF_SYNC_END"}}},
      {{"poll", "events"}, {{kPollIn, "POLLIN"}, {kPollOut, "POLLOUT"}}},
      {{"DRM_IOCTL_VGEM_FENCE_ATTACH", "flags"}, {{1, "VGEM_FENCE_WRITE"}}},
  };
  auto found = names.find({call, arg});
  if (found == names.end() || value == 0) return literal(value);
  std::string out;
  std::uint64_t rest = value;
  for (const auto& [bit, name] : found->second) {
    if ((rest & bit) == 0) continue;
    out += (out.empty() ? "" : " | ") + std::string(name);
    rest &= ~bit;
  }
  if (rest != 0) out += (out.empty() ? "" : " | ") + literal(rest);
  return out;
}

// What a call makes that later calls use: "fd", "handle" (a GEM handle),
// "fence" (a vgem fence id), or "".
std::string made_by(const std::string& call) {
  static const std::map<std::string, std::string> made = {
      {"open", "fd"},
      {"memfd_create", "fd"},
      {"UDMABUF_CREATE", "fd"},
      {"DMA_HEAP_IOCTL_ALLOC", "fd"},
      {"DMA_BUF_IOCTL_EXPORT_SYNC_FILE", "fd"},
      {"SYNC_IOC_MERGE", "fd"},
      {"DRM_IOCTL_PRIME_HANDLE_TO_FD", "fd"},
      // Descriptors made by calls with no C form yet: known as made, so that
      // a trace using one is refused for that call, not for a stranger's descriptor.
      {"epoll_create1", "fd"},
      {"DRM_IOCTL_SYNCOBJ_HANDLE_TO_FD", "fd"},
      {"SW_SYNC_IOC_CREATE_FENCE", "fd"},
      {"DRM_IOCTL_MODE_CREATE_DUMB", "handle"},
      {"DRM_IOCTL_PRIME_FD_TO_HANDLE", "handle"},
      {"DRM_IOCTL_VGEM_FENCE_ATTACH", "fence"},
  };
  auto found = made.find(call);
  return found == made.end() ? std::string() : found->second;
}

// The calls a reproducer needs: the checked ones, those that made what they
// use, and those that changed it before they ran (a fence attached, a
// sync_file imported, a memfd sealed), found backwards to a fixed point;
// read-only calls (polls, FILE_INFO, exports nobody uses) and everything
// after the last check are left out. Objects are told apart by where they
// were made, not by their number (a closed descriptor's number comes back).
std::vector<bool> needed_calls(const std::vector<Call>& calls) {
  int next = 0;
  std::map<int, int> fd_object;
  std::map<std::uint64_t, int> handle_object, fence_object;
  auto object_of_fd = [&](std::uint64_t fd) {
    if (static_cast<std::int64_t>(fd) < 0 || fd > (1u << 20)) return -1;
    auto found = fd_object.find(static_cast<int>(fd));
    if (found == fd_object.end()) found = fd_object.emplace(static_cast<int>(fd), next++).first;
    return found->second;
  };
  auto object_in = [](const std::map<std::uint64_t, int>& known, std::uint64_t value) {
    auto found = known.find(value);
    return found == known.end() ? -1 : found->second;
  };
  struct Node {
    std::vector<int> uses;
    int makes = -1;
    int changes = -1;  // the object it changes
    bool checked = false;
  };
  std::vector<Node> nodes(calls.size());
  std::size_t last_check = 0;
  for (std::size_t i = 0; i < calls.size(); ++i) {
    const Call& call = calls[i];
    Node& node = nodes[i];
    if (call.name == "close") {
      node.uses.push_back(object_of_fd(static_cast<std::uint64_t>(call.fd)));
      fd_object.erase(call.fd);
      continue;
    }
    const int on = call.name == "open" || call.name == "memfd_create"
                       ? -1
                       : object_of_fd(static_cast<std::uint64_t>(static_cast<std::int64_t>(call.fd)));
    node.uses.push_back(on);
    for (const auto& [key, value] : call.args) {
      if (call.arg_kinds.count(key)) node.uses.push_back(object_of_fd(value));
      if (key == "handle") node.uses.push_back(object_in(handle_object, value));
      if (key == "fence") node.uses.push_back(object_in(fence_object, value));
    }
    static const std::set<std::string> on_changers = {"ftruncate", "F_ADD_SEALS", "DMA_BUF_IOCTL_IMPORT_SYNC_FILE",
                                                      "DMA_BUF_IOCTL_SYNC", "SYNC_IOC_SET_DEADLINE"};
    static const std::set<std::string> handle_changers = {"DRM_IOCTL_VGEM_FENCE_ATTACH", "DRM_IOCTL_MODE_DESTROY_DUMB",
                                                          "DRM_IOCTL_GEM_CLOSE"};
    if (on_changers.count(call.name)) node.changes = on;
    if (handle_changers.count(call.name)) node.changes = object_in(handle_object, call.arg("handle"));
    if (call.name == "DRM_IOCTL_VGEM_FENCE_SIGNAL") node.changes = object_in(fence_object, call.arg("fence"));
    const std::string made = made_by(call.name);
    if (!made.empty() && call.error.empty() && call.ret >= 0) {
      node.makes = next++;
      if (made == "fd") fd_object[static_cast<int>(call.ret)] = node.makes;
      if (made == "handle") handle_object[static_cast<std::uint64_t>(call.ret)] = node.makes;
      if (made == "fence") fence_object[static_cast<std::uint64_t>(call.ret)] = node.makes;
    }
    node.checked = !call.expected.empty();
    if (node.checked) last_check = i;
  }
  std::vector<bool> needed(calls.size(), false);
  std::set<int> objects;
  auto take = [&](std::size_t i) {
    needed[i] = true;
    for (int object : nodes[i].uses)
      if (object >= 0) objects.insert(object);
  };
  for (std::size_t i = 0; i < calls.size(); ++i)
    if (nodes[i].checked) take(i);
  for (bool grew = true; grew;) {
    grew = false;
    for (std::size_t i = 0; i <= last_check && i < calls.size(); ++i) {
      if (needed[i] || calls[i].name == "close") continue;
      if ((nodes[i].makes >= 0 && objects.count(nodes[i].makes)) ||
          (nodes[i].changes >= 0 && objects.count(nodes[i].changes))) {
        take(i);
        grew = true;
      }
    }
  }
  // A close of what the program keeps stays where it was (up to the last check).
  for (std::size_t i = 0; i <= last_check && i < calls.size(); ++i)
    if (calls[i].name == "close" && objects.count(nodes[i].uses[0])) needed[i] = true;
  return needed;
}

// The uAPI a program needs beyond linux-libc-dev: DRM's (include/uapi/drm/),
// one block per struct, emitted only where a call uses it.
const std::map<std::string, std::string>& drm_definitions() {
  static const std::map<std::string, std::string> definitions = {
      {"base",
       "#define DRM_IOCTL_BASE 'd'\n"
       "#define DRM_COMMAND_BASE 0x40\n"
       "struct drm_version {\n"
       "  int version_major, version_minor, version_patchlevel;\n"
       "  size_t name_len;\n"
       "  char* name;\n"
       "  size_t date_len;\n"
       "  char* date;\n"
       "  size_t desc_len;\n"
       "  char* desc;\n"
       "};\n"
       "#define DRM_IOCTL_VERSION _IOWR(DRM_IOCTL_BASE, 0x00, struct drm_version)\n"},
      {"DRM_IOCTL_GET_CAP",
       "struct drm_get_cap {\n"
       "  uint64_t capability, value;\n"
       "};\n"
       "#define DRM_IOCTL_GET_CAP _IOWR(DRM_IOCTL_BASE, 0x0c, struct drm_get_cap)\n"},
      {"DRM_IOCTL_GEM_CLOSE",
       "struct drm_gem_close {\n"
       "  uint32_t handle, pad;\n"
       "};\n"
       "#define DRM_IOCTL_GEM_CLOSE _IOW(DRM_IOCTL_BASE, 0x09, struct drm_gem_close)\n"},
      {"DRM_IOCTL_PRIME",
       "struct drm_prime_handle {\n"
       "  uint32_t handle, flags;\n"
       "  int32_t fd;\n"
       "};\n"
       "#define DRM_IOCTL_PRIME_HANDLE_TO_FD _IOWR(DRM_IOCTL_BASE, 0x2d, struct drm_prime_handle)\n"
       "#define DRM_IOCTL_PRIME_FD_TO_HANDLE _IOWR(DRM_IOCTL_BASE, 0x2e, struct drm_prime_handle)\n"},
      {"DRM_IOCTL_MODE_DUMB",
       "struct drm_mode_create_dumb {\n"
       "  uint32_t height, width, bpp, flags, handle, pitch;\n"
       "  uint64_t size;\n"
       "};\n"
       "struct drm_mode_destroy_dumb {\n"
       "  uint32_t handle;\n"
       "};\n"
       "#define DRM_IOCTL_MODE_CREATE_DUMB _IOWR(DRM_IOCTL_BASE, 0xB2, struct drm_mode_create_dumb)\n"
       "#define DRM_IOCTL_MODE_DESTROY_DUMB _IOWR(DRM_IOCTL_BASE, 0xB4, struct drm_mode_destroy_dumb)\n"},
      {"DRM_IOCTL_VGEM",
       "struct drm_vgem_fence_attach {\n"
       "  uint32_t handle, flags, out_fence, pad;\n"
       "};\n"
       "struct drm_vgem_fence_signal {\n"
       "  uint32_t fence, flags;\n"
       "};\n"
       "#define DRM_IOCTL_VGEM_FENCE_ATTACH _IOWR(DRM_IOCTL_BASE, DRM_COMMAND_BASE + 0x01, struct "
       "drm_vgem_fence_attach)\n"
       "#define DRM_IOCTL_VGEM_FENCE_SIGNAL _IOW(DRM_IOCTL_BASE, DRM_COMMAND_BASE + 0x02, struct "
       "drm_vgem_fence_signal)\n"
       "#define VGEM_FENCE_WRITE 0x1\n"},
  };
  return definitions;
}

const char* const kPrologue = R"(#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/dma-buf.h>
#include <linux/dma-heap.h>
#include <linux/sync_file.h>
#include <linux/udmabuf.h>

/* SYNC_IOC_SET_DEADLINE is Linux 6.5's; older headers lack it. */
#ifndef SYNC_IOC_SET_DEADLINE
struct sync_set_deadline {
  uint64_t deadline_ns, pad;
};
#define SYNC_IOC_SET_DEADLINE _IOW(SYNC_IOC_MAGIC, 5, struct sync_set_deadline)
#endif
)";

const char* const kHelpers = R"(
static int failed;

static const char* errno_name(int err) {
  switch (err) {
    case 0: return "success";
    case EPERM: return "EPERM";
    case ENOENT: return "ENOENT";
    case EINTR: return "EINTR";
    case EIO: return "EIO";
    case EBADF: return "EBADF";
    case EAGAIN: return "EAGAIN";
    case ENOMEM: return "ENOMEM";
    case EACCES: return "EACCES";
    case EFAULT: return "EFAULT";
    case EBUSY: return "EBUSY";
    case EEXIST: return "EEXIST";
    case ENODEV: return "ENODEV";
    case EINVAL: return "EINVAL";
    case ENOTTY: return "ENOTTY";
    case ENOSPC: return "ENOSPC";
    case EPIPE: return "EPIPE";
    case E2BIG: return "E2BIG";
    case ENOSYS: return "ENOSYS";
    case ETIME: return "ETIME";
    case EBADFD: return "EBADFD";
    case EOPNOTSUPP: return "EOPNOTSUPP";
    case ETIMEDOUT: return "ETIMEDOUT";
    default: return "an errno";
  }
}

/* The test's check on one call: that it failed with `expected` (0: that it succeeded). */
static void expect(const char* call, long ret, int err, int expected) {
  int got = ret < 0 ? err : 0;
  if (got == expected) {
    printf("ok: %s: %s, as expected\n", call, errno_name(got));
    return;
  }
  if (got)
    printf("FAIL: %s failed with %s (%d, %s); expected %s\n", call, errno_name(got), got, strerror(got),
           expected ? errno_name(expected) : "it to succeed");
  else
    printf("FAIL: %s succeeded; expected %s\n", call, errno_name(expected));
  failed = 1;
}

/* A call the test needed to get there: it succeeded when traced, or this kernel cannot be judged here. */
static void setup(const char* call, long ret, int err) {
  if (ret >= 0) return;
  printf("cannot reproduce here: %s failed with %s (%s)\n", call, errno_name(err), strerror(err));
  exit(77);
}
)";

const char* const kOpenDrm = R"(
/* The first /dev/dri/cardN whose driver is `driver` (the device the test ran on), or -1. */
static int open_drm(const char* driver) {
  for (int i = 0; i < 16; i++) {
    char path[32], name[32] = "";
    snprintf(path, sizeof path, "/dev/dri/card%d", i);
    int fd = open(path, O_RDWR | O_CLOEXEC);
    if (fd < 0) continue;
    struct drm_version version = {.name_len = sizeof name - 1, .name = name};
    if (ioctl(fd, DRM_IOCTL_VERSION, &version) == 0 && strcmp(name, driver) == 0) return fd;
    close(fd);
  }
  errno = ENODEV;
  return -1;
}
)";

const char* const kClosedFd = R"(
/* A descriptor number that is not open. */
static int closed_fd(void) {
  int fd = dup(2);
  if (fd >= 0) close(fd);
  return fd;
}
)";

// The C form of each call: the struct it fills and the request. The emitter
// knows the call's variables; nullopt where the call has no C form here.
class Emitter {
 public:
  explicit Emitter(const std::vector<Call>& calls) : calls_(calls) {}

  // Emits main()'s body; false with why_ set when a call cannot be replayed.
  bool emit() {
    for (const Call& call : calls_) {
      if (call.thread != 0) {
        why_ = "its calls came from more than one thread (a race: replaying them in order would not race)";
        return false;
      }
    }
    const std::vector<bool> needed = needed_calls(calls_);
    for (std::size_t i = 0; i < calls_.size(); ++i) {
      if (!needed[i]) continue;
      ++replayed_;
      if (!emit_one(i, calls_[i])) return false;
    }
    return true;
  }

  std::string why_;
  std::string body_;
  std::set<std::string> drm_;  // drm_definitions() keys used
  bool uses_open_drm_ = false;
  bool uses_closed_fd_ = false;
  std::vector<std::string> fd_vars_;
  std::vector<std::string> handle_vars_;
  int checks_ = 0;
  int replayed_ = 0;

 private:
  // The variable holding the descriptor the trace knew as `fd` (kind: what it was).
  std::optional<std::string> fd_var(int fd, const std::string& kind) {
    if (fd < 0) return std::to_string(fd);
    if (auto found = fds_.find(fd); found != fds_.end()) return found->second;
    // Made outside the traced calls: one the program can make alike, or none.
    std::string var = new_fd_var();
    if (kind == "closed") {
      uses_closed_fd_ = true;
      body_ += "  " + var + " = closed_fd();\n";
    } else if (kind == "eventfd") {
      body_ += "  " + var + " = eventfd(0, EFD_CLOEXEC);\n  setup(\"eventfd\", " + var + ", errno);\n";
    } else if (kind == "memfd") {
      body_ += "  " + var + " = memfd_create(\"fencecheck\", MFD_CLOEXEC);\n  setup(\"memfd_create\", " + var +
               ", errno);\n";
    } else {
      why_ = "descriptor " + std::to_string(fd) + " (" + kind +
             ") was made outside the traced calls (by a library or before the test)";
      return std::nullopt;
    }
    fds_[fd] = var;
    return var;
  }
  // The DRM uAPI block a call needs (drm_definitions()), with DRM's base.
  void uses_drm(const std::string& block) {
    drm_.insert("base");
    drm_.insert(block);
  }
  std::string new_fd_var() {
    fd_vars_.push_back("fd" + std::to_string(fd_vars_.size()));
    return fd_vars_.back();
  }
  // A GEM handle or vgem fence id: the variable a traced call returned it in, or the value itself.
  std::string handle(const std::map<std::uint64_t, std::string>& known, std::uint64_t value) {
    auto found = known.find(value);
    return found != known.end() ? found->second : literal(value);
  }
  std::string new_handle(std::map<std::uint64_t, std::string>& known, std::int64_t value) {
    handle_vars_.push_back("h" + std::to_string(handle_vars_.size()));
    known[static_cast<std::uint64_t>(value)] = handle_vars_.back();
    return handle_vars_.back();
  }

  // The call, then its check or its setup test, then what it made.
  bool emit_one(std::size_t index, const Call& call) {
    std::string on;  // the descriptor the call is made on
    if (call.name == "close") {
      auto found = fds_.find(call.fd);
      if (found == fds_.end()) return true;  // a descriptor the program never had
      body_ += "  close(" + found->second + ");\n  " + found->second + " = -1;\n";
      fds_.erase(found);
      return true;
    }
    if (call.name != "open" && call.name != "memfd_create") {
      auto var = fd_var(call.fd, call.fd_kind);
      if (!var) return false;
      on = *var;
    }
    auto fd_arg = [&](const std::string& key) -> std::optional<std::string> {
      auto kind = call.arg_kinds.find(key);
      return fd_var(static_cast<int>(call.arg(key)), kind == call.arg_kinds.end() ? "" : kind->second);
    };
    std::string code;                             // fills `ret`
    const std::string made = made_by(call.name);  // what the call returned, kept for later calls
    const std::string& n = call.name;
    if (n == "open") {
      if (call.ret_kind.starts_with("DRM node ")) {
        uses_open_drm_ = true;
        drm_.insert("base");
        code = "ret = open_drm(" + c_string(call.ret_kind.substr(9)) + ");";
      } else {
        code = "ret = open(" + c_string(call.text) + ", O_RDWR | O_CLOEXEC);";
      }
    } else if (n == "memfd_create") {
      code = "ret = memfd_create(" + c_string(call.text) + ", " + flags_literal(n, "flags", call.arg("flags")) + ");";
    } else if (n == "ftruncate") {
      code = "ret = ftruncate(" + on + ", " + literal(call.arg("length")) + ");";
    } else if (n == "F_ADD_SEALS") {
      code = "ret = fcntl(" + on + ", F_ADD_SEALS, " + flags_literal(n, "seals", call.arg("seals")) + ");";
    } else if (n == "UDMABUF_CREATE") {
      auto memfd = fd_arg("memfd");
      if (!memfd) return false;
      code = "struct udmabuf_create arg = {.memfd = " + *memfd +
             ", .flags = " + flags_literal(n, "flags", call.arg("flags")) +
             ", .offset = " + literal(call.arg("offset")) + ", .size = " + literal(call.arg("size")) +
             "};\n    ret = ioctl(" + on + ", UDMABUF_CREATE, &arg);";
    } else if (n == "DMA_HEAP_IOCTL_ALLOC") {
      code = "struct dma_heap_allocation_data arg = {.len = " + literal(call.arg("len")) +
             ", .fd_flags = " + literal(call.arg("fd_flags")) + ", .heap_flags = " + literal(call.arg("heap_flags")) +
             "};\n    ret = ioctl(" + on + ", DMA_HEAP_IOCTL_ALLOC, &arg);\n    if (ret == 0) ret = arg.fd;";
    } else if (n == "DMA_BUF_IOCTL_EXPORT_SYNC_FILE") {
      code = "struct dma_buf_export_sync_file arg = {.flags = " + flags_literal(n, "flags", call.arg("flags")) +
             ", .fd = -1};\n    ret = ioctl(" + on +
             ", DMA_BUF_IOCTL_EXPORT_SYNC_FILE, &arg);\n    if (ret == 0) ret = arg.fd;";
    } else if (n == "DMA_BUF_IOCTL_IMPORT_SYNC_FILE") {
      auto fd = fd_arg("fd");
      if (!fd) return false;
      code = "struct dma_buf_import_sync_file arg = {.flags = " + flags_literal(n, "flags", call.arg("flags")) +
             ", .fd = " + *fd + "};\n    ret = ioctl(" + on + ", DMA_BUF_IOCTL_IMPORT_SYNC_FILE, &arg);";
    } else if (n == "DMA_BUF_IOCTL_SYNC") {
      code = "struct dma_buf_sync arg = {.flags = " + flags_literal(n, "flags", call.arg("flags")) +
             "};\n    ret = ioctl(" + on + ", DMA_BUF_IOCTL_SYNC, &arg);";
    } else if (n == "poll") {
      code = "struct pollfd entry = {.fd = " + on + ", .events = " + flags_literal(n, "events", call.arg("events")) +
             "};\n    ret = poll(&entry, 1, " + std::to_string(static_cast<int>(call.arg("timeout_ms"))) + ");";
    } else if (n == "mmap") {
      code = "void* map = mmap(NULL, " + literal(call.arg("length")) + ", " + literal(call.arg("prot")) +
             ", MAP_SHARED, " + on +
             ", 0);\n    ret = map == MAP_FAILED ? -1 : 0;\n    if (map != MAP_FAILED) munmap(map, " +
             literal(call.arg("length")) + ");";
    } else if (n == "SYNC_IOC_FILE_INFO") {
      // The fence array the call fills, unless the test passed a raw address (a bad-input row).
      const std::uint64_t count = call.arg("num_fences");
      const bool raw = call.has("sync_fence_info");
      code = (raw ? std::string()
                  : "struct sync_fence_info fences[" + std::to_string(count > 0 && count < 4096 ? count : 1) +
                        "];\n    ") +
             "struct sync_file_info arg = {.num_fences = " + literal(count) +
             ", .flags = " + flags_literal(n, "flags", call.arg("flags")) + ", .pad = " + literal(call.arg("pad")) +
             ", .sync_fence_info = " + (raw ? literal(call.arg("sync_fence_info")) : std::string("(uintptr_t)fences")) +
             "};\n    ret = ioctl(" + on + ", SYNC_IOC_FILE_INFO, &arg);";
    } else if (n == "SYNC_IOC_MERGE") {
      auto fd2 = fd_arg("fd2");
      if (!fd2) return false;
      code = "struct sync_merge_data arg = {.fd2 = " + *fd2 +
             ", .fence = -1, .flags = " + flags_literal(n, "flags", call.arg("flags")) +
             ", .pad = " + literal(call.arg("pad")) + "};\n    memcpy(arg.name, " + c_string(call.text) + ", " +
             std::to_string(std::min<std::size_t>(call.text.size(), 32)) + ");\n    ret = ioctl(" + on +
             ", SYNC_IOC_MERGE, &arg);\n    if (ret == 0) ret = arg.fence;";
    } else if (n == "SYNC_IOC_SET_DEADLINE") {
      if (call.has("address")) {
        code =
            "ret = ioctl(" + on + ", SYNC_IOC_SET_DEADLINE, (void*)(uintptr_t)" + literal(call.arg("address")) + ");";
      } else {
        code = "struct sync_set_deadline arg = {.deadline_ns = " + literal(call.arg("deadline_ns")) +
               ", .pad = " + literal(call.arg("pad")) + "};\n    ret = ioctl(" + on + ", SYNC_IOC_SET_DEADLINE, &arg);";
      }
    } else if (n == "DRM_IOCTL_GET_CAP") {
      uses_drm(n);
      code = "struct drm_get_cap arg = {.capability = " + literal(call.arg("capability")) + "};\n    ret = ioctl(" +
             on + ", DRM_IOCTL_GET_CAP, &arg);";
    } else if (n == "DRM_IOCTL_MODE_CREATE_DUMB") {
      uses_drm("DRM_IOCTL_MODE_DUMB");
      code = "struct drm_mode_create_dumb arg = {.height = " + literal(call.arg("height")) +
             ", .width = " + literal(call.arg("width")) + ", .bpp = " + literal(call.arg("bpp")) +
             ", .flags = " + flags_literal(n, "flags", call.arg("flags")) + "};\n    ret = ioctl(" + on +
             ", DRM_IOCTL_MODE_CREATE_DUMB, &arg);\n    if (ret == 0) ret = arg.handle;";
    } else if (n == "DRM_IOCTL_MODE_DESTROY_DUMB") {
      uses_drm("DRM_IOCTL_MODE_DUMB");
      code = "struct drm_mode_destroy_dumb arg = {.handle = " + handle(handles_, call.arg("handle")) +
             "};\n    ret = ioctl(" + on + ", DRM_IOCTL_MODE_DESTROY_DUMB, &arg);";
    } else if (n == "DRM_IOCTL_PRIME_HANDLE_TO_FD") {
      uses_drm("DRM_IOCTL_PRIME");
      code = "struct drm_prime_handle arg = {.handle = " + handle(handles_, call.arg("handle")) +
             ", .flags = " + flags_literal(n, "flags", call.arg("flags")) + ", .fd = -1};\n    ret = ioctl(" + on +
             ", DRM_IOCTL_PRIME_HANDLE_TO_FD, &arg);\n    if (ret == 0) ret = arg.fd;";
    } else if (n == "DRM_IOCTL_PRIME_FD_TO_HANDLE") {
      uses_drm("DRM_IOCTL_PRIME");
      auto fd = fd_arg("fd");
      if (!fd) return false;
      code = "struct drm_prime_handle arg = {.fd = " + *fd + "};\n    ret = ioctl(" + on +
             ", DRM_IOCTL_PRIME_FD_TO_HANDLE, &arg);\n    if (ret == 0) ret = arg.handle;";
    } else if (n == "DRM_IOCTL_GEM_CLOSE") {
      uses_drm(n);
      code = "struct drm_gem_close arg = {.handle = " + handle(handles_, call.arg("handle")) + "};\n    ret = ioctl(" +
             on + ", DRM_IOCTL_GEM_CLOSE, &arg);";
    } else if (n == "DRM_IOCTL_VGEM_FENCE_ATTACH") {
      uses_drm("DRM_IOCTL_VGEM");
      code = "struct drm_vgem_fence_attach arg = {.handle = " + handle(handles_, call.arg("handle")) +
             ", .flags = " + flags_literal(n, "flags", call.arg("flags")) + ", .pad = " + literal(call.arg("pad")) +
             "};\n    ret = ioctl(" + on +
             ", DRM_IOCTL_VGEM_FENCE_ATTACH, &arg);\n    if (ret == 0) ret = arg.out_fence;";
    } else if (n == "DRM_IOCTL_VGEM_FENCE_SIGNAL") {
      uses_drm("DRM_IOCTL_VGEM");
      code = "struct drm_vgem_fence_signal arg = {.fence = " + handle(fences_, call.arg("fence")) +
             ", .flags = " + flags_literal(n, "flags", call.arg("flags")) + "};\n    ret = ioctl(" + on +
             ", DRM_IOCTL_VGEM_FENCE_SIGNAL, &arg);";
    } else {
      why_ = n + " has no C form in the reproducer yet";
      return false;
    }

    const std::string words = c_string(call.words());
    body_ += "  /* " + std::to_string(index + 1) + ". " + call.words() + ": when traced, " +
             (call.error.empty() ? "returned " + std::to_string(call.ret) : call.error) + " */\n";
    body_ += "  {\n    " + code + "\n";
    if (!call.expected.empty()) {
      ++checks_;
      body_ += "    expect(" + words + ", ret, errno, " + (call.expected == "success" ? "0" : call.expected) + ");\n";
    } else if (call.error.empty()) {
      body_ += "    setup(" + words + ", ret, errno);\n";
    }
    body_ += "  }\n";
    // What it made, under the variable later calls use (only where it made one when traced).
    if (!made.empty() && call.error.empty() && call.ret >= 0) {
      if (made == "fd") {
        std::string var = new_fd_var();
        fds_[static_cast<int>(call.ret)] = var;
        body_ += "  " + var + " = (int)ret;\n";
      } else {
        std::string var = new_handle(made == "fence" ? fences_ : handles_, call.ret);
        body_ += "  " + var + " = (uint32_t)ret;\n";
      }
    }
    return true;
  }

  const std::vector<Call>& calls_;
  std::map<int, std::string> fds_;
  std::map<std::uint64_t, std::string> handles_, fences_;
};

std::string manual_steps(const std::vector<Call>& calls) {
  std::string out = "The traced calls, in order (" + std::to_string(calls.size()) + "):\n";
  std::size_t shown = 0;
  for (const Call& call : calls) {
    if (++shown > 60) {
      out += "    ... (" + std::to_string(calls.size() - 60) + " more)\n";
      break;
    }
    out += "    " + call.words() + " -> " + (call.error.empty() ? std::to_string(call.ret) : call.error) +
           (call.expected.empty() ? "" : "  [checked: expected " + call.expected + "]") +
           (call.thread ? "  [thread " + std::to_string(call.thread) + "]" : "") + "\n";
  }
  return out;
}

}  // namespace

Reproducer make_reproducer(const GtestRun& run, const TestRecord& record) {
  Reproducer out;
  const std::string* traced = find_property(record.properties, schema::kTrace);
  if (traced == nullptr) {
    out.why_not = "the result of " + record.name +
                  " has no ioctl trace (a failed test's is kept; run it with fencecheck --trace to keep a passing "
                  "one's)\n";
    return out;
  }
  std::string error;
  auto parsed = parse_trace(*traced, error);
  if (!parsed) {
    out.why_not = "the trace of " + record.name + " cannot be read: " + error + "\n";
    return out;
  }
  if (parsed->dropped > 0) {
    out.why_not = "the trace was cut (" + std::to_string(parsed->dropped) + " calls past the first " +
                  std::to_string(parsed->calls.size()) + " were not kept)\n" + manual_steps(parsed->calls);
    return out;
  }
  Emitter emitter(parsed->calls);
  if (!emitter.emit()) {
    out.why_not = "not replayable: " + emitter.why_ + "\n" + manual_steps(parsed->calls);
    return out;
  }
  if (emitter.checks_ == 0) {
    out.why_not =
        "not replayable: none of the test's checks is on a traced call's errno (it judges fence state, contents "
        "or timing); do what it does by hand\n" +
        manual_steps(parsed->calls);
    return out;
  }

  std::ostringstream c;
  const std::string description = [&] {
    const std::string* text = find_property(record.properties, schema::kDescription);
    return text ? *text : std::string("(no description recorded)");
  }();
  c << "/* fencecheck reproducer: " << record.name << "\n *\n";
  // The test's own words, wrapped as a C comment.
  std::string line = " * What the test checks:";
  std::istringstream words(description);
  for (std::string word; words >> word;) {
    if (line.size() + word.size() + 1 > 78) {
      c << line << "\n";
      line = " *";
    }
    line += " " + word;
  }
  c << line << "\n";
  c << " * Traced on Linux " << run.context_of(schema::kKernelRelease) << ", where it "
    << (record.outcome == Outcome::Pass ? "passed" : "failed") << " (cell " << run.context_of(schema::kCell)
    << ",\n * fencecheck " << run.context_of(schema::kVersion) << ", commit " << run.context_of(schema::kCommit)
    << ").\n *\n";
  c << " * Replays " << emitter.replayed_ << " of the test's " << parsed->calls.size()
    << " traced calls (those its checks depend on) on\n"
    << " * the same kind of device and checks what the test checked (" << emitter.checks_
    << (emitter.checks_ == 1 ? " call" : " calls") << "):\n"
    << " * exit 1 when the kernel answers otherwise, 0 when it answers as the\n"
    << " * test expects, 77 when it cannot run here.\n"
    << " * Build and run (as root): cc -Wall -Werror -o repro repro.c && ./repro\n"
    << " * Written by fencecheck-results reproducer; needs only linux-libc-dev.\n */\n";
  c << kPrologue;
  if (!emitter.drm_.empty()) {
    c << "\n/* DRM uAPI (include/uapi/drm/), which linux-libc-dev does not ship: what this file uses. */\n";
    for (const std::string& key : emitter.drm_) c << drm_definitions().at(key);
  }
  c << kHelpers;
  if (emitter.uses_open_drm_) c << kOpenDrm;
  if (emitter.uses_closed_fd_) c << kClosedFd;
  c << "\nint main(void) {\n  long ret;\n";
  for (const std::string& var : emitter.fd_vars_) c << "  int " << var << " = -1;\n";
  for (const std::string& var : emitter.handle_vars_) c << "  uint32_t " << var << " = 0;\n";
  c << "\n" << emitter.body_;
  // Variables a replay never read (a descriptor made and closed unused) keep -Wall quiet.
  for (const std::string& var : emitter.fd_vars_) c << "  (void)" << var << ";\n";
  for (const std::string& var : emitter.handle_vars_) c << "  (void)" << var << ";\n";
  c << "  (void)ret;\n";
  c << "  if (failed) {\n    printf(\"%s\\n\", " << c_string("the kernel does not do what " + record.name + " expects")
    << ");\n    return 1;\n  }\n";
  c << "  printf(\"the kernel answered every check as the test expects\\n\");\n  return 0;\n}\n";
  out.replayable = true;
  out.source = c.str();
  return out;
}

}  // namespace fc
