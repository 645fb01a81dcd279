// SPDX-License-Identifier: MIT
// The vulkan producer's decisions, kept apart from Vulkan calls so they can be
// tested without a GPU: which physical device writes for a DRM device, and how
// a dma-buf gets imported.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fc {

// What the producer learns about one VkPhysicalDevice.
struct VulkanDeviceInfo {
  std::string name;              // deviceName
  std::string driver;            // driverName + driverInfo, where reported
  std::string conformance;       // the conformance version the driver claims, where reported
  bool is_cpu = false;           // VK_PHYSICAL_DEVICE_TYPE_CPU (lavapipe)
  std::optional<dev_t> primary;  // VK_EXT_physical_device_drm
  std::optional<dev_t> render;
  std::vector<std::string> extensions;

  [[nodiscard]] bool has(const std::string& extension) const;
};

struct VulkanChoice {
  std::optional<std::size_t> index;  // into the list; empty: none fits
  std::string how;                   // why this one ("DRM node 226:128") or why none
};

// The device whose VK_EXT_physical_device_drm node is the DRM device's
// (primary or render); failing that, where software_allowed (vgem, which has
// no Vulkan driver of its own), a CPU device (software Vulkan maps any
// mappable dma-buf). Never a CPU device for a GPU's node: that cell would
// carry the software driver's results. It must be able to import dma-bufs
// (VK_KHR_external_memory_fd + VK_EXT_external_memory_dma_buf).
[[nodiscard]] VulkanChoice select_vulkan_device(const std::vector<VulkanDeviceInfo>& devices,
                                                std::optional<dev_t> primary, std::optional<dev_t> render,
                                                bool software_allowed);

// How a dma-buf becomes Vulkan memory the compute shader writes.
enum class VulkanImport {
  Buffer,       // linear: a VkBuffer over the dma-buf, written at the exporter's offset and stride
  StagedImage,  // tiled with an explicit modifier: written to a staging buffer, copied into a
                // VkImage created with VK_EXT_image_drm_format_modifier
  Shadow,       // none: a driver known to import no dma-buf of this exporter writes the frame
                // into host-visible memory of its own, laid out as the image's plane 0, which
                // the consumer reads through its mapping; the dma-buf carries the submit's fence
};
struct ImportPlan {
  std::optional<VulkanImport> import;
  std::string reason;  // why not, when import is empty
};
// vulkan_driver: VulkanDeviceInfo::driver; exporter: the driver that allocated
// the dma-buf (DmaBufImage::exporter). Venus (Mesa 26.1) imports no dma-buf
// virtio_gpu's GBM allocates (a virgl resource, not a blob): its
// vkGetMemoryFdPropertiesKHR aborts the process (the host renderer: "vkr:
// failed to query resource props: invalid res_id"), so it is never tried.
[[nodiscard]] ImportPlan plan_import(bool linear, std::uint64_t modifier, bool has_modifier_extension,
                                     std::string_view vulkan_driver = {}, std::string_view exporter = {});

// The VkFormat (as its integer value) matching a DRM fourcc for the staged
// copy, or 0 when there is none.
[[nodiscard]] std::uint32_t vulkan_format_for(std::uint32_t fourcc);

}  // namespace fc
