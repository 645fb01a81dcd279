// SPDX-License-Identifier: MIT
// The vulkan producer's device matching and import planning, without a GPU.
#include "gpu/vulkan_select.h"

#include <drm_fourcc.h>
#include <gtest/gtest.h>
#include <sys/sysmacros.h>
#include <vulkan/vulkan.h>

namespace fc {
namespace {

const std::vector<std::string> kImport = {"VK_KHR_external_memory_fd", "VK_EXT_external_memory_dma_buf"};

VulkanDeviceInfo gpu(std::string name, unsigned render_minor, std::vector<std::string> extensions = kImport) {
  VulkanDeviceInfo d;
  d.name = std::move(name);
  d.primary = makedev(226, render_minor - 128);
  d.render = makedev(226, render_minor);
  d.extensions = std::move(extensions);
  d.extensions.push_back("VK_EXT_physical_device_drm");
  return d;
}

VulkanDeviceInfo lavapipe(std::vector<std::string> extensions) {
  VulkanDeviceInfo d;
  d.name = "llvmpipe (LLVM 15.0.6, 256 bits)";
  d.driver = "llvmpipe Mesa 22.3.6";
  d.is_cpu = true;
  d.extensions = std::move(extensions);
  return d;
}

TEST(SelectVulkanDevice, MatchesTheDrmRenderNode) {
  auto choice = select_vulkan_device({gpu("AMD RADV NAVI21", 128), gpu("Intel(R) UHD", 129), lavapipe(kImport)},
                                     makedev(226, 1), makedev(226, 129), false);
  ASSERT_TRUE(choice.index);
  EXPECT_EQ(*choice.index, 1u);
  EXPECT_EQ(choice.how, "VK_EXT_physical_device_drm node 226:129");
}

TEST(SelectVulkanDevice, MatchesByPrimaryNodeToo) {
  auto choice = select_vulkan_device({gpu("A", 128), gpu("B", 129)}, makedev(226, 0), std::nullopt, false);
  ASSERT_TRUE(choice.index);
  EXPECT_EQ(*choice.index, 0u);
}

TEST(SelectVulkanDevice, FallsBackToSoftwareVulkanOnVgemOnly) {
  auto choice = select_vulkan_device({gpu("A", 128), lavapipe(kImport)}, makedev(226, 1), makedev(226, 129), true);
  ASSERT_TRUE(choice.index);
  EXPECT_EQ(*choice.index, 1u);
  EXPECT_NE(choice.how.find("software"), std::string::npos);
}

TEST(SelectVulkanDevice, NeverLetsSoftwareVulkanStandInForAGpu) {
  auto choice = select_vulkan_device({gpu("A", 128), lavapipe(kImport)}, makedev(226, 1), makedev(226, 129), false);
  EXPECT_FALSE(choice.index);
  EXPECT_NE(choice.how.find("vgem only"), std::string::npos) << choice.how;
}

TEST(SelectVulkanDevice, SaysWhyWhenTheDeviceCannotImportDmaBufs) {
  // Debian 12's lavapipe (Mesa 22.3) has external memory fds but no dma-buf import.
  auto choice =
      select_vulkan_device({lavapipe({"VK_KHR_external_memory_fd"})}, makedev(226, 0), makedev(226, 128), true);
  EXPECT_FALSE(choice.index);
  EXPECT_NE(choice.how.find("no VK_EXT_external_memory_dma_buf"), std::string::npos) << choice.how;
  EXPECT_NE(choice.how.find("llvmpipe Mesa 22.3.6"), std::string::npos) << choice.how;
}

TEST(SelectVulkanDevice, NoMatchListsWhatWasFound) {
  auto choice = select_vulkan_device({gpu("A", 130)}, makedev(226, 0), makedev(226, 128), true);
  EXPECT_FALSE(choice.index);
  EXPECT_NE(choice.how.find("226:128"), std::string::npos) << choice.how;
  EXPECT_NE(choice.how.find("A (node 226:130)"), std::string::npos) << choice.how;
  EXPECT_FALSE(select_vulkan_device({}, std::nullopt, std::nullopt, true).index);
}

TEST(PlanImport, LinearBuffersImportAsAVkBuffer) {
  EXPECT_EQ(plan_import(true, DRM_FORMAT_MOD_INVALID, false).import, VulkanImport::Buffer);
  EXPECT_EQ(plan_import(true, DRM_FORMAT_MOD_LINEAR, true).import, VulkanImport::Buffer);
}

TEST(PlanImport, TiledBuffersNeedAnExplicitModifierAndTheExtension) {
  EXPECT_EQ(plan_import(false, I915_FORMAT_MOD_Y_TILED, true).import, VulkanImport::StagedImage);
  auto no_extension = plan_import(false, I915_FORMAT_MOD_Y_TILED, false);
  EXPECT_FALSE(no_extension.import);
  EXPECT_NE(no_extension.reason.find("VK_EXT_image_drm_format_modifier"), std::string::npos);
  auto implicit = plan_import(false, DRM_FORMAT_MOD_INVALID, true);
  EXPECT_FALSE(implicit.import);
  EXPECT_NE(implicit.reason.find("implicit"), std::string::npos);
}

TEST(PlanImport, VenusNeverImportsAVirtioGpuGbmBuffer) {
  auto venus = plan_import(true, DRM_FORMAT_MOD_LINEAR, false, "venus Mesa 26.1.6", "virtio_gpu");
  EXPECT_EQ(venus.import, VulkanImport::Shadow);
  EXPECT_NE(venus.reason.find("aborts"), std::string::npos) << venus.reason;
  EXPECT_FALSE(plan_import(false, DRM_FORMAT_MOD_INVALID, false, "venus", "virtio_gpu").import);
  // Another exporter is tried (venus refuses what it cannot import with an error, which skips).
  EXPECT_EQ(plan_import(true, DRM_FORMAT_MOD_LINEAR, false, "venus", "vgem").import, VulkanImport::Buffer);
  EXPECT_EQ(plan_import(true, DRM_FORMAT_MOD_LINEAR, false, "llvmpipe", "virtio_gpu").import, VulkanImport::Buffer);
}

TEST(VulkanFormat, MapsTheSuitesFormats) {
  EXPECT_EQ(vulkan_format_for(DRM_FORMAT_ARGB8888), static_cast<std::uint32_t>(VK_FORMAT_B8G8R8A8_UNORM));
  EXPECT_EQ(vulkan_format_for(DRM_FORMAT_XRGB8888), static_cast<std::uint32_t>(VK_FORMAT_B8G8R8A8_UNORM));
  EXPECT_EQ(vulkan_format_for(DRM_FORMAT_ABGR8888), static_cast<std::uint32_t>(VK_FORMAT_R8G8B8A8_UNORM));
  EXPECT_EQ(vulkan_format_for(DRM_FORMAT_NV12), 0u);
}

}  // namespace
}  // namespace fc
