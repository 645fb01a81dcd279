// SPDX-License-Identifier: MIT
// DRM device discovery: every DRM device this kernel exposes, with its primary
// and render nodes, driver name/version (drmGetVersion) and bus identity.
//
// libdrm's drmGetDevices2() is asked first; nodes it does not report (it skips
// devices on buses it cannot parse, such as vgem's platform/faux device on some
// kernels) are then picked up from /dev/dri and grouped by their sysfs device.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "harness/fd.h"
#include "harness/result.h"

namespace fc {

struct PciId {
  std::uint16_t vendor = 0;
  std::uint16_t device = 0;
  std::uint16_t subvendor = 0;
  std::uint16_t subdevice = 0;
  std::uint8_t revision = 0;
};

struct DrmDevice {
  std::string primary_node;  // /dev/dri/cardN, empty if none
  std::string render_node;   // /dev/dri/renderDN, empty if none
  std::string driver;        // drmGetVersion name: "vgem", "virtio_gpu", "i915", ...
  std::string version;       // "1.0.0"
  std::string date;          // driver date string
  std::string description;   // driver description
  std::string bus;           // "pci", "platform", "usb", "host1x", or "unknown"
  std::string bus_id;        // PCI address "0000:00:02.0", platform name, ...
  std::optional<PciId> pci;

  // One line for --list-devices and reports.
  [[nodiscard]] std::string describe() const;
};

// Every DRM device this process can see; empty when the kernel has none.
[[nodiscard]] std::vector<DrmDevice> discover_drm_devices();

// The first device driven by `driver`, if any.
[[nodiscard]] std::optional<DrmDevice> find_device(const std::vector<DrmDevice>& devices, const std::string& driver);

// The device a GPU run targets. spec: a node path ("/dev/dri/renderD128"), a
// driver name ("virtio_gpu"), or empty: the first device with a render node
// that is not vgem, else vgem. On failure, why no device fits.
struct Selection {
  std::optional<DrmDevice> device;
  std::string reason;
};
[[nodiscard]] Selection select_device(const std::vector<DrmDevice>& devices, const std::string& spec);

// Opens a DRM node read-write, close-on-exec.
[[nodiscard]] Result<UniqueFd> open_node(const std::string& path);

}  // namespace fc
