// SPDX-License-Identifier: MIT
#include "harness/probe.h"

#include <sys/eventfd.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>

#include "harness/uapi.h"

namespace fc {

std::string Probe::describe() const {
  switch (outcome_) {
    case Outcome::Supported: return "supported";
    case Outcome::Unsupported: return "unsupported: " + text_;
    case Outcome::Broken: return "broken: " + text_ + " failed with " + err_.describe();
  }
  return "?";
}

std::string kernel_release() {
  utsname name{};
  return ::uname(&name) == 0 ? name.release : "unknown";
}

std::string kernel_version() {
  utsname name{};
  return ::uname(&name) == 0 ? name.version : "unknown";
}

namespace {
std::string first_line_of(const char* path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}
}  // namespace

std::string cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("model name", 0) == 0 && line.find(':') != std::string::npos) return line.substr(line.find(':') + 2);
  }
  return "unknown";
}

std::string machine_description() {
  const std::string cpus =
      std::to_string(std::max(1L, ::sysconf(_SC_NPROCESSORS_ONLN))) + " CPUs (" + cpu_model() + ")";
  if (first_line_of("/sys/class/dmi/id/sys_vendor") != "QEMU") return cpus;
  const bool kvm =
      first_line_of("/sys/devices/system/clocksource/clocksource0/available_clocksource").find("kvm-clock") !=
      std::string::npos;
  std::string text = std::string("QEMU ") + (kvm ? "KVM" : "TCG") + " guest, " + cpus;
  if (const char* host = std::getenv("FENCECHECK_HOST"); host && *host) text += "; host: " + std::string(host);
  return text;
}

Probe probe_vgem(const std::vector<DrmDevice>& devices) {
  if (find_device(devices, "vgem")) return Probe::supported();
  if (devices.empty()) {
    return Probe::unsupported("no DRM device at all on kernel " + kernel_release() +
                              " (/dev/dri is empty or absent); the reference lane needs vgem: "
                              "load it (modprobe vgem) or run in the VM (./run.sh)");
  }
  return Probe::unsupported("no vgem device among " + std::to_string(devices.size()) + " DRM device(s) on kernel " +
                            kernel_release() + "; load it with: modprobe vgem");
}

namespace {
Probe classify(const char* what, Errno err, const char* release = "6.0") {
  if (err.value == ENOTTY) {
    return Probe::unsupported(std::string("kernel ") + kernel_release() + " does not implement " + what +
                              " (ENOTTY): it was added in Linux " + release + " (and needs CONFIG_SYNC_FILE)");
  }
  return Probe::broken(what, err);
}
}  // namespace

Probe probe_export_sync_file(BorrowedFd dmabuf) {
  auto exported = uapi::export_sync_file(dmabuf, Access::Read);
  return exported ? Probe::supported() : classify("DMA_BUF_IOCTL_EXPORT_SYNC_FILE", exported.err());
}

Probe probe_import_sync_file(BorrowedFd dmabuf) {
  auto stub = uapi::export_sync_file(dmabuf, Access::Read);
  if (!stub) return classify("DMA_BUF_IOCTL_EXPORT_SYNC_FILE", stub.err());
  Status imported = uapi::import_sync_file(dmabuf, Access::Read, stub->borrow());
  return imported ? Probe::supported() : classify("DMA_BUF_IOCTL_IMPORT_SYNC_FILE", imported.err());
}

Probe probe_set_deadline(BorrowedFd sync_file) {
  Status set = uapi::sync_file_set_deadline(sync_file, 0);
  return set ? Probe::supported() : classify("SYNC_IOC_SET_DEADLINE", set.err(), "6.5");
}

Probe probe_syncobj_eventfd(BorrowedFd drm) {
  UniqueFd events(::eventfd(0, EFD_CLOEXEC));
  if (!events.valid()) return Probe::broken("eventfd()", last_errno());
  Status answer = uapi::syncobj_eventfd(drm, 0xfffff, 1, events.borrow());
  if (answer.err().value == ENOENT) return Probe::supported();
  if (answer.err().value == EINVAL)
    return Probe::unsupported(
        "kernel " + kernel_release() +
        " has no DRM_IOCTL_SYNCOBJ_EVENTFD (EINVAL on an unknown handle): it was added in Linux 6.6");
  return Probe::broken("DRM_IOCTL_SYNCOBJ_EVENTFD on an unknown handle", answer.err());
}

}  // namespace fc
