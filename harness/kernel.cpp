// SPDX-License-Identifier: MIT
#include "harness/kernel.h"

#include <unistd.h>

#include <charconv>
#include <cstdlib>
#include <fstream>
#include <string>

#include "harness/probe.h"

namespace fc {

std::optional<KernelVersion> parse_kernel_release(std::string_view release) {
  KernelVersion version;
  const char* end = release.data() + release.size();
  auto [after_major, major_error] = std::from_chars(release.data(), end, version.major);
  if (major_error != std::errc{} || after_major == end || *after_major != '.') return std::nullopt;
  auto [after_minor, minor_error] = std::from_chars(after_major + 1, end, version.minor);
  if (minor_error != std::errc{}) return std::nullopt;
  return version;
}

std::optional<KernelVersion> running_kernel() { return parse_kernel_release(kernel_release()); }

std::optional<bool> detaches_signalled_names(std::optional<KernelVersion> kernel) {
  if (!kernel) return std::nullopt;
  return *kernel >= kSignalledNamesDetached;
}

FenceNames signalled_names(const FenceNames& own, std::optional<KernelVersion> kernel) {
  if (detaches_signalled_names(kernel).value_or(true)) {
    return {std::string(kDetachedDriver), std::string(kSignalledTimeline)};
  }
  return own;
}

std::string describe_signalled_names(std::optional<KernelVersion> kernel) {
  const std::string release = kernel_release();
  if (!kernel)
    return "kernel " + release +
           " (an unparsed release, taken as the newest): a signalled fence is named detached-driver/signaled-timeline";
  std::string version =
      "Linux " + std::to_string(kernel->major) + "." + std::to_string(kernel->minor) + " (" + release + ")";
  return *kernel >= kSignalledNamesDetached
             ? version + " names every signalled fence detached-driver/signaled-timeline (since 6.17)"
             : version + " names a signalled fence by its driver (before 6.17; since then detached-driver)";
}

std::string describe_kernel_option(std::string_view option, std::string_view module) {
  const std::string release = kernel_release();
  const std::string name(module);
  if (::access(("/sys/module/" + name).c_str(), F_OK) == 0) {
    return std::string(option) + ": " + name + " is in this kernel (/sys/module/" + name + ")";
  }
  // FENCECHECK_KERNEL_CONFIG: where a VM's launcher found the booted kernel's config.
  const char* given = std::getenv("FENCECHECK_KERNEL_CONFIG");
  for (const std::string& path :
       {std::string(given ? given : ""), "/boot/config-" + release, "/lib/modules/" + release + "/config"}) {
    if (path.empty()) continue;
    std::ifstream config(path);
    if (!config) continue;
    const std::string set = std::string(option) + "=", unset = "# " + std::string(option) + " is not set";
    for (std::string line; std::getline(config, line);) {
      if (line.starts_with(set)) {
        const std::string value = line.substr(set.size());
        return line + " in " + path + (value == "m" ? " (a module, not loaded: modprobe " + name + ")" : "");
      }
      if (line == unset) return std::string(option) + " is not set in " + path;
    }
    return std::string(option) + " is absent from " + path;
  }
  std::ifstream builtin("/lib/modules/" + release + "/modules.builtin");
  for (std::string line; builtin && std::getline(builtin, line);) {
    if (line.ends_with("/" + name + ".ko")) return name + " is built in (modules.builtin)";
  }
  return "this kernel's config (/boot/config-" + release + ", /lib/modules/" + release +
         "/config) cannot be read here, nor /sys/module/" + name + ": whether " + std::string(option) +
         " is set is unknown";
}

}  // namespace fc
