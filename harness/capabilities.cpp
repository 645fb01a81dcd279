// SPDX-License-Identifier: MIT
#include "harness/capabilities.h"

#include "harness/abi.h"
#include "harness/kms.h"
#include "harness/probe.h"
#include "harness/uapi.h"

namespace fc {
namespace {

Capability from_probe(std::string name, const Probe& probe) {
  if (probe.is_supported()) return {std::move(name), true, ""};
  return {std::move(name), false, probe.outcome() == Probe::Outcome::Broken ? probe.describe() : probe.reason()};
}

// EXPORT/IMPORT_SYNC_FILE on a dumb buffer of the device (on its primary
// node: render nodes refuse dumb buffers).
void sync_file_bridges(const DrmDevice& device, std::vector<Capability>& out) {
  auto no = [&](const std::string& why) {
    out.push_back({"EXPORT_SYNC_FILE", false, why});
    out.push_back({"IMPORT_SYNC_FILE", false, why});
  };
  if (device.primary_node.empty()) return no("not asked: no primary node for a dumb buffer");
  auto drm = open_node(device.primary_node);
  if (!drm) return no("open(" + device.primary_node + "): " + drm.err().describe());
  auto dumb = uapi::drm_create_dumb(drm->borrow(), 16, 16, 32);
  if (!dumb) return no("not asked: DRM_IOCTL_MODE_CREATE_DUMB: " + dumb.err().describe());
  auto dmabuf = uapi::drm_prime_handle_to_fd(drm->borrow(), dumb->handle);
  if (dmabuf) {
    out.push_back(from_probe("EXPORT_SYNC_FILE", probe_export_sync_file(dmabuf->borrow())));
    out.push_back(from_probe("IMPORT_SYNC_FILE", probe_import_sync_file(dmabuf->borrow())));
  } else {
    no("not asked: PRIME export of a dumb buffer: " + dmabuf.err().describe());
  }
  (void)uapi::drm_destroy_dumb(drm->borrow(), dumb->handle);
}

Capability cap(BorrowedFd drm, std::string name, std::uint64_t capability, const char* cap_name) {
  auto value = uapi::drm_get_cap(drm, capability);
  if (!value)
    return {std::move(name), false, std::string("DRM_IOCTL_GET_CAP(") + cap_name + "): " + value.err().describe()};
  if (*value == 0) return {std::move(name), false, std::string(cap_name) + " = 0"};
  return {std::move(name), true, ""};
}

}  // namespace

std::vector<Capability> probe_capabilities(const DrmDevice& device) {
  std::vector<Capability> out;
  sync_file_bridges(device, out);
  const std::string& node = device.render_node.empty() ? device.primary_node : device.render_node;
  auto drm = open_node(node);
  if (!drm) {
    for (const char* name : {"syncobj", "syncobj timeline", "syncobj eventfd"})
      out.push_back({name, false, "open(" + node + "): " + drm.err().describe()});
  } else {
    out.push_back(cap(drm->borrow(), "syncobj", abi::kDrmCapSyncobj, "DRM_CAP_SYNCOBJ"));
    out.push_back(cap(drm->borrow(), "syncobj timeline", abi::kDrmCapSyncobjTimeline, "DRM_CAP_SYNCOBJ_TIMELINE"));
    if (out.back().present) {
      out.push_back(from_probe("syncobj eventfd", probe_syncobj_eventfd(drm->borrow())));
    } else {
      out.push_back({"syncobj eventfd", false, "no syncobj timeline"});
    }
  }
  out.push_back(from_probe("KMS atomic + IN_FENCE_FD", probe_kms(device)));
  return out;
}

std::string describe(const std::vector<Capability>& capabilities) {
  std::string text;
  for (const Capability& capability : capabilities) {
    if (!text.empty()) text += ", ";
    text += capability.name + (capability.present ? " yes" : " no");
    if (!capability.present && !capability.detail.empty()) text += " (" + capability.detail + ")";
  }
  return text;
}

}  // namespace fc
