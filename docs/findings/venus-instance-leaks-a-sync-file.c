// SPDX-License-Identifier: MIT
// venus-instance-leaks-a-sync-file: Mesa's venus (Vulkan on virtio-gpu) leaves
// one sync_file descriptor open each time a VkInstance that submitted work is
// destroyed. Run it in a guest with venus (docs/vm.md, the venus lane):
//
//   cc -o leak venus-instance-leaks-a-sync-file.c -lvulkan && ./leak
//
// It creates an instance, a device on the venus physical device, submits
// nothing but a fence, waits for it, destroys everything, and lists the
// process's sync_file descriptors, three times. Exit status 1 if any stayed
// open (seen on Mesa 26.1.6: one more per round), 0 if none, 77 if there is
// no venus device.
#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <vulkan/vulkan.h>

// The process's descriptors that are sync_files, printed; their count returned.
static int sync_files(const char* when) {
  DIR* dir = opendir("/proc/self/fd");
  if (dir == NULL) return 0;
  int count = 0;
  struct dirent* entry;
  printf("%s:", when);
  while ((entry = readdir(dir)) != NULL) {
    char path[300], target[300];
    snprintf(path, sizeof path, "/proc/self/fd/%s", entry->d_name);
    ssize_t length = readlink(path, target, sizeof target - 1);
    if (length <= 0) continue;
    target[length] = '\0';
    if (strcmp(target, "anon_inode:sync_file") == 0) {
      printf(" fd %s", entry->d_name);
      ++count;
    }
  }
  printf(count ? "\n" : " none\n");
  closedir(dir);
  return count;
}

int main(void) {
  int left = 0;
  for (int round = 1; round <= 3; ++round) {
    VkApplicationInfo app = {.sType = VK_STRUCTURE_TYPE_APPLICATION_INFO, .apiVersion = VK_API_VERSION_1_1};
    VkInstanceCreateInfo instance_info = {.sType = VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO, .pApplicationInfo = &app};
    VkInstance instance;
    if (vkCreateInstance(&instance_info, NULL, &instance) != VK_SUCCESS) return 77;
    VkPhysicalDevice physical[8], venus = VK_NULL_HANDLE;
    uint32_t count = 8;
    vkEnumeratePhysicalDevices(instance, &count, physical);
    for (uint32_t i = 0; i < count; ++i) {
      VkPhysicalDeviceProperties properties;
      vkGetPhysicalDeviceProperties(physical[i], &properties);
      if (strstr(properties.deviceName, "Venus") != NULL) venus = physical[i];
    }
    if (venus == VK_NULL_HANDLE) {
      printf("no venus device\n");
      return 77;
    }
    float priority = 1.0f;
    VkDeviceQueueCreateInfo queue_info = {
        .sType = VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO, .queueCount = 1, .pQueuePriorities = &priority};
    VkDeviceCreateInfo device_info = {
        .sType = VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO, .queueCreateInfoCount = 1, .pQueueCreateInfos = &queue_info};
    VkDevice device;
    if (vkCreateDevice(venus, &device_info, NULL, &device) != VK_SUCCESS) return 77;
    VkQueue queue;
    vkGetDeviceQueue(device, 0, 0, &queue);
    VkFenceCreateInfo fence_info = {.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
    VkFence fence;
    vkCreateFence(device, &fence_info, NULL, &fence);
    vkQueueSubmit(queue, 0, NULL, fence);
    vkWaitForFences(device, 1, &fence, VK_TRUE, 10ull * 1000 * 1000 * 1000);
    vkDestroyFence(device, fence, NULL);
    vkDestroyDevice(device, NULL);
    vkDestroyInstance(instance, NULL);
    char when[64];
    snprintf(when, sizeof when, "round %d, everything destroyed", round);
    left = sync_files(when);
  }
  return left ? 1 : 0;
}
