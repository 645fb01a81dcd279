// SPDX-License-Identifier: MIT
#include "gpu/vulkan_select.h"

#include <drm_fourcc.h>
#include <sys/sysmacros.h>
#include <vulkan/vulkan.h>

#include <algorithm>

#include "gpu/pattern.h"

namespace fc {
namespace {

std::string node_name(dev_t node) { return std::to_string(major(node)) + ":" + std::to_string(minor(node)); }

constexpr const char* kImportExtensions[] = {"VK_KHR_external_memory_fd", "VK_EXT_external_memory_dma_buf"};

}  // namespace

bool VulkanDeviceInfo::has(const std::string& extension) const {
  return std::find(extensions.begin(), extensions.end(), extension) != extensions.end();
}

VulkanChoice select_vulkan_device(const std::vector<VulkanDeviceInfo>& devices, std::optional<dev_t> primary,
                                  std::optional<dev_t> render, bool software_allowed) {
  if (devices.empty()) return {std::nullopt, "no Vulkan physical device"};
  std::optional<std::size_t> chosen;
  std::string how;
  for (std::size_t i = 0; i < devices.size() && !chosen; ++i) {
    const VulkanDeviceInfo& d = devices[i];
    if ((render && d.render == render) || (primary && d.primary == primary)) {
      chosen = i;
      how = "VK_EXT_physical_device_drm node " + node_name(d.render ? *d.render : *d.primary);
    }
  }
  for (std::size_t i = 0; i < devices.size() && !chosen && software_allowed; ++i) {
    if (devices[i].is_cpu) {
      chosen = i;
      how = "software device (no DRM node of its own), allowed on vgem only";
    }
  }
  if (!chosen) {
    std::string seen;
    for (const VulkanDeviceInfo& d : devices) {
      seen += (seen.empty() ? "" : ", ") + d.name +
              (d.render ? " (node " + node_name(*d.render) + ")" : " (no VK_EXT_physical_device_drm)");
    }
    return {std::nullopt, "no Vulkan device drives this DRM node" +
                              (render ? " " + node_name(*render) : std::string()) + "; found: " + seen +
                              (software_allowed ? ""
                                                : " (a software device stands in on vgem only: on a GPU "
                                                  "it would report the software driver's behaviour, not the GPU's)")};
  }
  const VulkanDeviceInfo& d = devices[*chosen];
  for (const char* extension : kImportExtensions) {
    if (!d.has(extension)) {
      return {std::nullopt,
              d.name + (d.driver.empty() ? "" : " (" + d.driver + ")") + " cannot import dma-bufs: no " + extension};
    }
  }
  return {chosen, how};
}

ImportPlan plan_import(bool linear, std::uint64_t modifier, bool has_modifier_extension, std::string_view vulkan_driver,
                       std::string_view exporter) {
  if (vulkan_driver.starts_with("venus") && exporter == "virtio_gpu") {
    if (!linear) return {std::nullopt, "venus imports no virtio_gpu GBM buffer, and this one is not linear"};
    return {VulkanImport::Shadow,
            "venus imports no dma-buf virtio_gpu's GBM allocates (a virgl resource; Mesa 26.1's venus aborts on it)"};
  }
  if (linear) return {VulkanImport::Buffer, {}};
  if (modifier == DRM_FORMAT_MOD_INVALID) {
    return {std::nullopt, "the buffer's layout is implicit (modifier INVALID): Vulkan imports need an explicit one"};
  }
  if (!has_modifier_extension) {
    return {std::nullopt, "modifier " + modifier_name(modifier) + " needs VK_EXT_image_drm_format_modifier"};
  }
  return {VulkanImport::StagedImage, {}};
}

std::uint32_t vulkan_format_for(std::uint32_t fourcc) {
  switch (fourcc) {
    case DRM_FORMAT_ARGB8888:
    case DRM_FORMAT_XRGB8888: return VK_FORMAT_B8G8R8A8_UNORM;
    case DRM_FORMAT_ABGR8888:
    case DRM_FORMAT_XBGR8888: return VK_FORMAT_R8G8B8A8_UNORM;
    default: return 0;
  }
}

}  // namespace fc
