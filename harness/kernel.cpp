#include "harness/kernel.h"

#include <charconv>

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
  if (!kernel) return "kernel " + release + " (an unparsed release, taken as the newest): a signalled fence is named detached-driver/signaled-timeline";
  std::string version = "Linux " + std::to_string(kernel->major) + "." + std::to_string(kernel->minor) + " (" + release + ")";
  return *kernel >= kSignalledNamesDetached
             ? version + " names every signalled fence detached-driver/signaled-timeline (since 6.17)"
             : version + " names a signalled fence by its driver (before 6.17; since then detached-driver)";
}

}  // namespace fc
