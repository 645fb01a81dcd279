// SPDX-License-Identifier: MIT
#include "harness/device.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include <xf86drm.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <memory>

#include "harness/trace.h"
#include "harness/uapi.h"

namespace fc {
namespace {

constexpr const char* kDriDir = "/dev/dri";

// drmGetVersion on one node: driver name, version, date, description.
void fill_version(DrmDevice& device, const std::string& node) {
  auto fd = open_node(node);
  if (!fd) return;
  std::unique_ptr<drmVersion, decltype(&drmFreeVersion)> version(drmGetVersion(fd->get()), &drmFreeVersion);
  if (!version) return;
  device.driver.assign(version->name, static_cast<std::size_t>(version->name_len));
  device.version = std::to_string(version->version_major) + "." + std::to_string(version->version_minor) + "." +
                   std::to_string(version->version_patchlevel);
  device.date.assign(version->date, static_cast<std::size_t>(version->date_len));
  device.description.assign(version->desc, static_cast<std::size_t>(version->desc_len));
}

void fill_bus(DrmDevice& device, const drmDevice& info) {
  switch (info.bustype) {
    case DRM_BUS_PCI: {
      device.bus = "pci";
      char address[32];
      std::snprintf(address, sizeof address, "%04x:%02x:%02x.%u", info.businfo.pci->domain, info.businfo.pci->bus,
                    info.businfo.pci->dev, info.businfo.pci->func);
      device.bus_id = address;
      const drmPciDeviceInfo& pci = *info.deviceinfo.pci;
      device.pci = PciId{pci.vendor_id, pci.device_id, pci.subvendor_id, pci.subdevice_id, pci.revision_id};
      break;
    }
    case DRM_BUS_PLATFORM:
      device.bus = "platform";
      device.bus_id = info.businfo.platform->fullname;
      break;
    case DRM_BUS_USB:
      device.bus = "usb";
      device.bus_id = std::to_string(info.businfo.usb->bus) + "-" + std::to_string(info.businfo.usb->dev);
      break;
    case DRM_BUS_HOST1X:
      device.bus = "host1x";
      device.bus_id = info.businfo.host1x->fullname;
      break;
    default: device.bus = "unknown";
  }
}

// The sysfs device a node belongs to, e.g. /sys/devices/platform/vgem.
std::string sysfs_device_of(const std::string& node) {
  struct stat st {};
  if (::stat(node.c_str(), &st) != 0 || !S_ISCHR(st.st_mode)) return {};
  std::error_code ec;
  auto link = std::filesystem::path("/sys/dev/char") /
              (std::to_string(major(st.st_rdev)) + ":" + std::to_string(minor(st.st_rdev))) / "device";
  auto resolved = std::filesystem::canonical(link, ec);
  return ec ? std::string() : resolved.string();
}

bool listed(const std::vector<DrmDevice>& devices, const std::string& node) {
  return std::any_of(devices.begin(), devices.end(),
                     [&](const DrmDevice& d) { return d.primary_node == node || d.render_node == node; });
}

// Nodes in /dev/dri that drmGetDevices2 did not report, grouped by sysfs device.
void add_unlisted_nodes(std::vector<DrmDevice>& devices) {
  std::vector<std::string> nodes;
  if (DIR* dir = ::opendir(kDriDir)) {
    while (const dirent* entry = ::readdir(dir)) {
      std::string name = entry->d_name;
      if (name.rfind("card", 0) == 0 || name.rfind("renderD", 0) == 0)
        nodes.push_back(std::string(kDriDir) + "/" + name);
    }
    ::closedir(dir);
  }
  std::sort(nodes.begin(), nodes.end());

  std::vector<std::pair<std::string, DrmDevice>> extra;  // keyed by sysfs device
  for (const std::string& node : nodes) {
    if (listed(devices, node)) continue;
    std::string key = sysfs_device_of(node);
    auto it = std::find_if(extra.begin(), extra.end(), [&](const auto& e) { return !key.empty() && e.first == key; });
    if (it == extra.end()) {
      extra.emplace_back(key, DrmDevice{});
      it = extra.end() - 1;
      it->second.bus = key.find("/platform/") != std::string::npos ? "platform" : "unknown";
      it->second.bus_id = key.empty() ? node : std::filesystem::path(key).filename().string();
    }
    bool render = node.find("renderD") != std::string::npos;
    (render ? it->second.render_node : it->second.primary_node) = node;
    if (it->second.driver.empty()) fill_version(it->second, node);
  }
  for (auto& [key, device] : extra) devices.push_back(std::move(device));
}

}  // namespace

std::string DrmDevice::describe() const {
  std::string out = driver.empty() ? "(unknown driver)" : driver;
  if (!version.empty()) out += " " + version;
  if (!date.empty()) out += " (" + date + ")";
  out += "  primary " + (primary_node.empty() ? std::string("-") : primary_node);
  out += "  render " + (render_node.empty() ? std::string("-") : render_node);
  out += "  bus " + bus;
  if (!bus_id.empty()) out += " " + bus_id;
  if (pci) {
    char ids[64];
    std::snprintf(ids, sizeof ids, "  pci %04x:%04x (sub %04x:%04x) rev %02x", pci->vendor, pci->device, pci->subvendor,
                  pci->subdevice, pci->revision);
    out += ids;
  }
  if (!description.empty()) out += "  \"" + description + "\"";
  return out;
}

std::vector<DrmDevice> discover_drm_devices() {
  std::vector<DrmDevice> devices;
  int count = drmGetDevices2(0, nullptr, 0);
  if (count > 0) {
    std::vector<drmDevicePtr> infos(static_cast<std::size_t>(count));
    count = drmGetDevices2(0, infos.data(), count);
    for (int i = 0; i < count; ++i) {
      const drmDevice& info = *infos[static_cast<std::size_t>(i)];
      DrmDevice device;
      if (info.available_nodes & (1 << DRM_NODE_PRIMARY)) device.primary_node = info.nodes[DRM_NODE_PRIMARY];
      if (info.available_nodes & (1 << DRM_NODE_RENDER)) device.render_node = info.nodes[DRM_NODE_RENDER];
      fill_bus(device, info);
      fill_version(device, device.render_node.empty() ? device.primary_node : device.render_node);
      devices.push_back(std::move(device));
    }
    if (count > 0) drmFreeDevices(infos.data(), count);
  }
  add_unlisted_nodes(devices);
  return devices;
}

std::optional<DrmDevice> find_device(const std::vector<DrmDevice>& devices, const std::string& driver) {
  for (const DrmDevice& device : devices) {
    if (device.driver == driver) return device;
  }
  return std::nullopt;
}

Selection select_device(const std::vector<DrmDevice>& devices, const std::string& spec) {
  if (devices.empty()) return {std::nullopt, "no DRM device on this machine (kernel has none, or /dev/dri is absent)"};
  std::string known;
  for (const DrmDevice& device : devices) {
    known += (known.empty() ? "" : ", ") + device.driver + " (" +
             (device.render_node.empty() ? device.primary_node : device.render_node) + ")";
  }
  if (spec.empty()) {
    for (const DrmDevice& device : devices) {
      if (!device.render_node.empty() && device.driver != "vgem") return {device, {}};
    }
    if (auto vgem = find_device(devices, "vgem")) return {vgem, {}};
    return {std::nullopt, "no device with a render node among: " + known};
  }
  for (const DrmDevice& device : devices) {
    if (device.primary_node == spec || device.render_node == spec || device.driver == spec) return {device, {}};
  }
  return {std::nullopt, "no DRM device matches --device=" + spec + "; found: " + known};
}

Result<UniqueFd> open_node(const std::string& path) {
  auto fd = uapi::open_path(path);
  // A trace names a DRM node by its driver: what a reproducer looks for.
  if (fd && trace::recording() && path.starts_with("/dev/dri/")) {
    std::unique_ptr<drmVersion, decltype(&drmFreeVersion)> version(drmGetVersion(fd->get()), &drmFreeVersion);
    if (version)
      trace::name_fd(fd->get(), "DRM node " + std::string(version->name, static_cast<std::size_t>(version->name_len)));
  }
  return fd;
}

}  // namespace fc
