// SPDX-License-Identifier: MIT
// The `vulkan` producer: the VkPhysicalDevice that drives the DRM node
// (VK_EXT_physical_device_drm; software Vulkan on vgem only, never for a GPU),
// the dma-buf imported as external memory (VK_EXT_external_memory_dma_buf),
// and a compute shader writing frame N after a calibrated busy loop.
// submit() is vkQueueSubmit and returns; finish() waits on the submit's
// VkFence, bounded. Linear buffers are written in place through a VkBuffer at
// the exporter's offset and stride; tiled ones (an explicit modifier, with
// VK_EXT_image_drm_format_modifier) through a staging buffer copied into the
// imported VkImage; where the driver imports no dma-buf of the exporter
// (venus on virtio_gpu), into host-visible memory of its own, mapped
// (own_copy()). The explicit bridge's fence is a VkFence exported as SYNC_FD
// where the driver offers it (venus exports a semaphore's SYNC_FD only after
// waiting for the work on the CPU), else the signalled semaphore's. Decisions
// live in vulkan_select (unit-tested).
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include <vulkan/vulkan.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>

#include "frame_comp.h"  // kFrameShader: SPIR-V of shaders/frame.comp, compiled at build time
#include "gpu/gpu_target.h"
#include "gpu/mesa.h"
#include "gpu/pattern.h"
#include "gpu/producer.h"
#include "gpu/vulkan_select.h"
#include "gpu/workload.h"
#include "harness/deadline.h"
#include "harness/device.h"
#include "harness/held.h"
#include "harness/uapi.h"
#include "results/schema.h"

namespace fc {
namespace {

// finish() never waits longer than one GPU frame's bound (timeouts::kGpuFrame).
constexpr auto kFenceTimeoutNs = static_cast<std::uint64_t>(std::chrono::nanoseconds(timeouts::kGpuFrame).count());

struct PushConstants {
  std::uint32_t width, height, stride_words, offset_words, seed, iterations, rgba_order;
};

std::string vk_error(const char* what, VkResult result) {
  return std::string(what) + " failed (VkResult " + std::to_string(static_cast<int>(result)) + ")";
}

std::optional<dev_t> node_of(const std::string& path) {
  struct stat st {};
  if (path.empty() || ::stat(path.c_str(), &st) != 0) return std::nullopt;
  return st.st_rdev;
}

// A VkDevice with one queue of family and the extensions.
VkResult create_device(VkPhysicalDevice physical, std::uint32_t family, const std::vector<const char*>& extensions,
                       VkDevice& device) {
  const float priority = 1.0f;
  VkDeviceQueueCreateInfo queue_info{VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO};
  queue_info.queueFamilyIndex = family;
  queue_info.queueCount = 1;
  queue_info.pQueuePriorities = &priority;
  VkDeviceCreateInfo device_info{VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO};
  device_info.queueCreateInfoCount = 1;
  device_info.pQueueCreateInfos = &queue_info;
  device_info.enabledExtensionCount = static_cast<std::uint32_t>(extensions.size());
  device_info.ppEnabledExtensionNames = extensions.data();
  return vkCreateDevice(physical, &device_info, nullptr, &device);
}

std::vector<std::string> device_extensions(VkPhysicalDevice device) {
  std::uint32_t count = 0;
  vkEnumerateDeviceExtensionProperties(device, nullptr, &count, nullptr);
  std::vector<VkExtensionProperties> properties(count);
  vkEnumerateDeviceExtensionProperties(device, nullptr, &count, properties.data());
  std::vector<std::string> names;
  for (const auto& p : properties) names.emplace_back(p.extensionName);
  return names;
}

class VulkanProducer final : public Producer {
 public:
  ~VulkanProducer() override {
    if (device_ != VK_NULL_HANDLE) {
      vkDeviceWaitIdle(device_);
      release_target();
      vkDestroyFence(device_, fence_, nullptr);
      vkDestroyFence(device_, bridge_fence_, nullptr);
      vkDestroySemaphore(device_, gate_semaphore_, nullptr);
      vkDestroySemaphore(device_, done_semaphore_, nullptr);
      vkDestroyCommandPool(device_, pool_, nullptr);
      vkDestroyPipeline(device_, pipeline_, nullptr);
      vkDestroyPipelineLayout(device_, pipeline_layout_, nullptr);
      vkDestroyDescriptorPool(device_, descriptor_pool_, nullptr);
      vkDestroyDescriptorSetLayout(device_, set_layout_, nullptr);
      vkDestroyShaderModule(device_, shader_, nullptr);
      vkDestroyDevice(device_, nullptr);
      note_released(Held::VkDevice);
    }
    if (messenger_ != VK_NULL_HANDLE) {
      auto destroy = reinterpret_cast<PFN_vkDestroyDebugUtilsMessengerEXT>(
          vkGetInstanceProcAddr(instance_, "vkDestroyDebugUtilsMessengerEXT"));
      if (destroy != nullptr) destroy(instance_, messenger_, nullptr);
    }
    // The instance is the process's (shared_instance): not destroyed here.
  }

  // Instance, device choice, logical device, pipeline. Returns a probe.
  Probe init(const DrmDevice& drm, const ProducerOptions& options) {
    if (options.validate && !has_instance_layer(kValidationLayer)) {
      return Probe::broken("--validate: no VK_LAYER_KHRONOS_validation (Debian: vulkan-validationlayers)",
                           Errno{ENOENT});
    }
    if (VkResult r = shared_instance(options.validate, instance_); r != VK_SUCCESS) {
      instance_ = VK_NULL_HANDLE;
      return Probe::unsupported("no usable Vulkan driver: " + vk_error("vkCreateInstance", r));
    }
    // --validate: Khronos' validation layer, this producer's errors collected
    // through VK_EXT_debug_utils (take_validation_errors()).
    VkDebugUtilsMessengerCreateInfoEXT messenger = messenger_info(this);
    if (options.validate) {
      auto create = reinterpret_cast<PFN_vkCreateDebugUtilsMessengerEXT>(
          vkGetInstanceProcAddr(instance_, "vkCreateDebugUtilsMessengerEXT"));
      if (create == nullptr || create(instance_, &messenger, nullptr, &messenger_) != VK_SUCCESS) {
        return Probe::broken("--validate: vkCreateDebugUtilsMessengerEXT", Errno{EIO});
      }
    }
    std::uint32_t count = 0;
    vkEnumeratePhysicalDevices(instance_, &count, nullptr);
    std::vector<VkPhysicalDevice> physical(count);
    vkEnumeratePhysicalDevices(instance_, &count, physical.data());

    std::vector<VulkanDeviceInfo> infos;
    for (VkPhysicalDevice device : physical) infos.push_back(describe_device(device));
    VulkanChoice choice =
        select_vulkan_device(infos, node_of(drm.primary_node), node_of(drm.render_node), drm.driver == "vgem");
    if (!choice.index) return Probe::unsupported(choice.how);
    physical_ = physical[*choice.index];
    info_ = infos[*choice.index];
    note_loaded_driver(info_.driver);  // the run's mesa.version: what was loaded, not what was meant
    match_ = choice.how;

    std::uint32_t families = 0;
    vkGetPhysicalDeviceQueueFamilyProperties(physical_, &families, nullptr);
    std::vector<VkQueueFamilyProperties> family_props(families);
    vkGetPhysicalDeviceQueueFamilyProperties(physical_, &families, family_props.data());
    auto compute = std::find_if(family_props.begin(), family_props.end(),
                                [](const VkQueueFamilyProperties& f) { return f.queueFlags & VK_QUEUE_COMPUTE_BIT; });
    if (compute == family_props.end()) return Probe::unsupported(info_.name + " has no compute queue");
    family_ = static_cast<std::uint32_t>(compute - family_props.begin());

    std::vector<const char*> extensions = {"VK_KHR_external_memory_fd", "VK_EXT_external_memory_dma_buf"};
    modifiers_ = info_.has("VK_EXT_image_drm_format_modifier");
    // VK_EXT_image_drm_format_modifier requires VK_KHR_image_format_list
    // (core only from Vulkan 1.2; this instance asks for 1.1): both or neither.
    modifiers_ = modifiers_ && info_.has("VK_KHR_image_format_list");
    if (modifiers_)
      extensions.insert(extensions.end(), {"VK_KHR_image_format_list", "VK_EXT_image_drm_format_modifier"});
    foreign_ = info_.has("VK_EXT_queue_family_foreign");
    if (foreign_) extensions.push_back("VK_EXT_queue_family_foreign");
    sync_fd_ = sync_fd_support();
    if (info_.has("VK_KHR_external_semaphore_fd")) extensions.push_back("VK_KHR_external_semaphore_fd");
    fence_export_ = fence_sync_fd_exportable();
    if (fence_export_) extensions.push_back("VK_KHR_external_fence_fd");
    if (VkResult r = create_device(physical_, family_, extensions, device_); r != VK_SUCCESS) {
      device_ = VK_NULL_HANDLE;
      return Probe::broken(vk_error("vkCreateDevice", r), Errno{EIO});
    }
    note_made(Held::VkDevice);
    vkGetDeviceQueue(device_, family_, 0, &queue_);
    get_fd_properties_ =
        reinterpret_cast<PFN_vkGetMemoryFdPropertiesKHR>(vkGetDeviceProcAddr(device_, "vkGetMemoryFdPropertiesKHR"));
    if (get_fd_properties_ == nullptr) return Probe::broken("no vkGetMemoryFdPropertiesKHR", Errno{EIO});
    if (info_.has("VK_KHR_external_semaphore_fd")) {
      import_semaphore_fd_ =
          reinterpret_cast<PFN_vkImportSemaphoreFdKHR>(vkGetDeviceProcAddr(device_, "vkImportSemaphoreFdKHR"));
      get_semaphore_fd_ =
          reinterpret_cast<PFN_vkGetSemaphoreFdKHR>(vkGetDeviceProcAddr(device_, "vkGetSemaphoreFdKHR"));
    }
    if (fence_export_) {
      get_fence_fd_ = reinterpret_cast<PFN_vkGetFenceFdKHR>(vkGetDeviceProcAddr(device_, "vkGetFenceFdKHR"));
      if (get_fence_fd_ == nullptr) return Probe::broken("no vkGetFenceFdKHR", Errno{EIO});
      VkExportFenceCreateInfo exportable{VK_STRUCTURE_TYPE_EXPORT_FENCE_CREATE_INFO};
      exportable.handleTypes = VK_EXTERNAL_FENCE_HANDLE_TYPE_SYNC_FD_BIT;
      VkFenceCreateInfo fence_info{VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
      fence_info.pNext = &exportable;
      if (VkResult r = vkCreateFence(device_, &fence_info, nullptr, &bridge_fence_); r != VK_SUCCESS) {
        return Probe::broken(vk_error("vkCreateFence(exportable as SYNC_FD)", r), Errno{EIO});
      }
    }
    vkGetPhysicalDeviceMemoryProperties(physical_, &memory_);
    if (std::string error = create_semaphores(); !error.empty()) return Probe::broken(error, Errno{EIO});
    if (std::string error = create_pipeline(); !error.empty()) return Probe::broken(error, Errno{EIO});
    return Probe::supported();
  }

  using Producer::submit;
  const ProducerKind& kind() const override { return producer_kind(ProducerId::Vulkan); }

  Environment environment() const override {
    VkPhysicalDeviceProperties props{};
    vkGetPhysicalDeviceProperties(physical_, &props);
    return {
        {std::string(schema::kVulkanDevice), info_.name},
        {std::string(schema::kVulkanDriver), info_.driver},
        {std::string(schema::kVulkanApiVersion), std::to_string(VK_API_VERSION_MAJOR(props.apiVersion)) + "." +
                                                     std::to_string(VK_API_VERSION_MINOR(props.apiVersion)) + "." +
                                                     std::to_string(VK_API_VERSION_PATCH(props.apiVersion))},
        {std::string(schema::kVulkanConformance), info_.conformance},
        {std::string(schema::kVulkanDeviceMatch), match_},
        {std::string(schema::kVulkanImport), import_description()},
        {std::string(schema::kVulkanBridgeFence), fence_export_         ? "VkFence (vkGetFenceFdKHR, SYNC_FD)"
                                                  : sync_fd_.exportable ? "VkSemaphore (vkGetSemaphoreFdKHR, SYNC_FD)"
                                                                        : "none: " + sync_fd_.why},
        {std::string(schema::kVulkanWorkload), std::to_string(iterations_)}};
  }

  Probe supports(const DmaBufImage& image) const override {
    if (find_format(image.fourcc) == nullptr || vulkan_format_for(image.fourcc) == 0) {
      return Probe::unsupported("the vulkan producer writes 32-bit RGB formats only");
    }
    ImportPlan plan = plan_import(image.linear, image.modifier, modifiers_, info_.driver, image.exporter);
    if (!plan.import) return Probe::unsupported(plan.reason);
    if (plan.import == VulkanImport::Shadow && !can_export_fence().is_supported()) {
      return Probe::unsupported(plan.reason + ", and without a SYNC_FD to export the dma-buf could carry no fence");
    }
    return Probe::supported();
  }

  Status attach(const DmaBufImage& image) override {
    if (Status done = finish(); !done) return done;
    release_target();
    auto attached = UniqueFd::dup(image.fd());
    if (!attached) return attached.err();
    attached_ = std::move(*attached);
    const PixelFormat& format = *find_format(image.fourcc);
    ImportPlan plan = plan_import(image.linear, image.modifier, modifiers_, info_.driver, image.exporter);
    import_ = *plan.import;
    import_reason_ = plan.reason;
    layout_ = {image.width,
               image.height,
               image.planes[0].stride / 4,
               image.planes[0].offset / 4,
               0,
               0,
               format.rgba_byte_order ? 1u : 0u};
    Status imported = import_ == VulkanImport::Buffer   ? import_buffer(image)
                      : import_ == VulkanImport::Shadow ? create_shadow(image)
                                                        : import_image(image);
    if (!imported) return imported;

    VkDescriptorBufferInfo target{import_ == VulkanImport::StagedImage ? staging_ : buffer_, 0, VK_WHOLE_SIZE};
    VkWriteDescriptorSet write{VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET};
    write.dstSet = set_;
    write.dstBinding = 0;
    write.descriptorCount = 1;
    write.descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
    write.pBufferInfo = &target;
    vkUpdateDescriptorSets(device_, 1, &write, 0, nullptr);
    return calibrate();
  }

  Probe can_wait() const override {
    if (!sync_fd_.importable)
      return Probe::unsupported(info_.name + " cannot import a SYNC_FD into a VkSemaphore (" + sync_fd_.why + ")");
    return Probe::supported();
  }

  Probe can_export_fence() const override {
    if (!fence_export_ && !sync_fd_.exportable)
      return Probe::unsupported(info_.name + " cannot export a VkFence or a VkSemaphore as a SYNC_FD (" + sync_fd_.why +
                                ")");
    return Probe::supported();
  }

  // A gate: its sync_file imported (temporarily) into a semaphore the submit
  // waits on. export_fence: the submit also signals a semaphore created
  // exportable as SYNC_FD, exported after vkQueueSubmit (what Mesa's WSI
  // does before it imports the result into the dma-buf).
  Status submit(std::uint32_t frame, const SubmitOptions& options) override {
    if (Status done = finish(); !done) return done;
    layout_.seed = frame_seed(frame);
    layout_.iterations = iterations_;
    if (Status recorded = record(); !recorded) return recorded;
    return submit_recorded(options);
  }

  // A transfer reading the imported VkBuffer into one of the producer's own.
  Probe can_read() const override {
    if (import_ == VulkanImport::Shadow) {
      return Probe::unsupported("the GPU cannot read the dma-buf: " + import_reason_);
    }
    if (import_ != VulkanImport::Buffer) return Probe::unsupported("the vulkan producer reads linear imports only");
    return Probe::supported();
  }
  Status submit_read(const SubmitOptions& options) override {
    if (Status done = finish(); !done) return done;
    if (!can_read().is_supported()) return fail_unsupported(can_read());
    if (Status recorded = record_read(); !recorded) return recorded;
    return submit_recorded(options);
  }

  // vkQueueSubmit of commands_ with the gate and the exported fence.
  Status submit_recorded(const SubmitOptions& options) {
    submit_fence_.reset();
    submit_fence_taken_ = true;
    VkSubmitInfo submit_info{VK_STRUCTURE_TYPE_SUBMIT_INFO};
    submit_info.commandBufferCount = 1;
    submit_info.pCommandBuffers = &commands_;
    const VkPipelineStageFlags wait_stage = VK_PIPELINE_STAGE_ALL_COMMANDS_BIT;
    if (options.wait_for.get() >= 0) {
      if (!sync_fd_.importable) return fail_unsupported(can_wait());
      auto fd = UniqueFd::dup(options.wait_for);
      if (!fd) return fd.err();
      VkImportSemaphoreFdInfoKHR import{VK_STRUCTURE_TYPE_IMPORT_SEMAPHORE_FD_INFO_KHR};
      import.semaphore = gate_semaphore_;
      import.flags = VK_SEMAPHORE_IMPORT_TEMPORARY_BIT;
      import.handleType = VK_EXTERNAL_SEMAPHORE_HANDLE_TYPE_SYNC_FD_BIT;
      import.fd = fd->get();
      if (VkResult r = import_semaphore_fd_(device_, &import); r != VK_SUCCESS) {
        return fail("vkImportSemaphoreFdKHR(SYNC_FD, the gate)", r);
      }
      (void)fd->release();  // the semaphore owns it now
      submit_info.waitSemaphoreCount = 1;
      submit_info.pWaitSemaphores = &gate_semaphore_;
      submit_info.pWaitDstStageMask = &wait_stage;
    }
    if (options.export_fence && !fence_export_) {
      if (!sync_fd_.exportable) return fail_unsupported(can_export_fence());
      submit_info.signalSemaphoreCount = 1;
      submit_info.pSignalSemaphores = &done_semaphore_;
    }
    if (options.export_fence && fence_export_) {
      // The write signals the exportable fence; an empty submit after it
      // signals fence_, the producer's own word (landed(), finish()): the
      // export resets the exportable one (copy transference).
      if (VkResult r = vkQueueSubmit(queue_, 1, &submit_info, bridge_fence_); r != VK_SUCCESS) {
        return fail("vkQueueSubmit", r);
      }
      in_flight_ = true;
      if (VkResult r = vkQueueSubmit(queue_, 0, nullptr, fence_); r != VK_SUCCESS) {
        return fail("vkQueueSubmit(the fence after the write)", r);
      }
      return export_bridge_fence();
    }
    if (VkResult r = vkQueueSubmit(queue_, 1, &submit_info, fence_); r != VK_SUCCESS) return fail("vkQueueSubmit", r);
    in_flight_ = true;
    if (options.export_fence) {
      VkSemaphoreGetFdInfoKHR get{VK_STRUCTURE_TYPE_SEMAPHORE_GET_FD_INFO_KHR};
      get.semaphore = done_semaphore_;
      get.handleType = VK_EXTERNAL_SEMAPHORE_HANDLE_TYPE_SYNC_FD_BIT;
      int fd = -1;
      if (VkResult r = get_semaphore_fd_(device_, &get, &fd); r != VK_SUCCESS) {
        return fail("vkGetSemaphoreFdKHR(SYNC_FD)", r);
      }
      // -1 is a valid answer: the semaphore had already signalled.
      submit_fence_ = UniqueFd(fd);
      submit_fence_taken_ = false;
    }
    return {};
  }

  // The write's VkFence as a SYNC_FD (vkGetFenceFdKHR).
  Status export_bridge_fence() {
    VkFenceGetFdInfoKHR get{VK_STRUCTURE_TYPE_FENCE_GET_FD_INFO_KHR};
    get.fence = bridge_fence_;
    get.handleType = VK_EXTERNAL_FENCE_HANDLE_TYPE_SYNC_FD_BIT;
    int fd = -1;
    if (VkResult r = get_fence_fd_(device_, &get, &fd); r != VK_SUCCESS) return fail("vkGetFenceFdKHR(SYNC_FD)", r);
    submit_fence_taken_ = false;
    // -1 is a valid answer: the fence had already signalled (Mesa 26.1's lavapipe).
    if (fd < 0) return {};
    UniqueFd write_fence(fd);
    // The mutant drops the write's fence (finish() still waits for the write).
    submit_fence_ = selftest_signalled_bridge() ? signalled_stand_in() : std::move(write_fence);
    return submit_fence_.valid() ? Status{} : Status{Errno{EIO}};
  }

  // FENCECHECK_SELFTEST_SIGNALLED_BRIDGE (a mutant for the selftests): the
  // bridge hands out an already-signalled sync_file in place of the write's
  // fence, as a WSI that imported the wrong fence would. The bridge tests and
  // the content checks after their wait must fail it.
  static bool selftest_signalled_bridge() {
    static const bool on = std::getenv("FENCECHECK_SELFTEST_SIGNALLED_BRIDGE") != nullptr;
    return on;
  }
  // A signalled sync_file: what the attached dma-buf exports before this
  // frame's fence is imported (the finished frames' fences).
  UniqueFd signalled_stand_in() {
    auto idle = uapi::export_sync_file(attached_.borrow(), Access::Write);
    if (!idle) {
      last_error_ = "FENCECHECK_SELFTEST_SIGNALLED_BRIDGE: EXPORT_SYNC_FILE " + idle.err().describe();
      return {};
    }
    return std::move(*idle);
  }

  Result<UniqueFd> take_submit_fence() override {
    if (submit_fence_taken_) {
      last_error_ = "no SYNC_FD was exported for the last submit";
      return Errno{ENOENT};
    }
    submit_fence_taken_ = true;
    return std::move(submit_fence_);  // invalid where the driver exported -1 (already signalled)
  }

  Status finish() override {
    if (!in_flight_) return {};
    VkResult r = vkWaitForFences(device_, 1, &fence_, VK_TRUE, kFenceTimeoutNs);
    if (r == VK_TIMEOUT) {
      last_error_ = "the submitted frame did not finish within 30 s";
      return Errno{ETIMEDOUT};
    }
    if (r != VK_SUCCESS) return fail("vkWaitForFences", r);
    in_flight_ = false;
    vkResetFences(device_, 1, &fence_);
    return {};
  }

  Result<bool> landed() override {
    if (!in_flight_) return true;
    VkResult r = vkGetFenceStatus(device_, fence_);
    if (r == VK_SUCCESS) return true;
    if (r == VK_NOT_READY) return false;
    return fail("vkGetFenceStatus", r).err();
  }

  std::string last_error() const override { return last_error_; }

  std::span<const std::uint8_t> own_copy() const override {
    if (import_ != VulkanImport::Shadow || shadow_map_ == nullptr) return {};
    return {static_cast<const std::uint8_t*>(shadow_map_), static_cast<std::size_t>(shadow_size_)};
  }

  bool validated() const override { return messenger_ != VK_NULL_HANDLE; }
  std::vector<std::string> take_validation_errors() override {
    std::lock_guard lock(validation_mutex_);
    return std::exchange(validation_errors_, {});
  }

  // One VkInstance per process and validation setting, made by the first
  // producer and kept until the process exits (never counted as held): Mesa
  // 26.1.6's venus leaves a sync_file open each time an instance is destroyed
  // (docs/findings/venus-instance-leaks-a-sync-file.c), which would fail every
  // test's descriptor check (runner/listeners.h) on a driver bug no test judges.
  // prepare_vulkan() makes it before the first test runs.
  static VkResult shared_instance(bool validate, VkInstance& instance) {
    static std::mutex mutex;
    static VkInstance made[2] = {VK_NULL_HANDLE, VK_NULL_HANDLE};
    std::lock_guard lock(mutex);
    if (made[validate] == VK_NULL_HANDLE) {
      VkApplicationInfo app{VK_STRUCTURE_TYPE_APPLICATION_INFO};
      app.pApplicationName = "fencecheck";
      app.apiVersion = VK_API_VERSION_1_1;
      VkInstanceCreateInfo info{VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO};
      info.pApplicationInfo = &app;
      const char* layer = kValidationLayer;
      const char* debug_utils = VK_EXT_DEBUG_UTILS_EXTENSION_NAME;
      VkDebugUtilsMessengerCreateInfoEXT messenger = messenger_info(nullptr);  // vkCreateInstance's own errors
      if (validate) {
        info.enabledLayerCount = 1;
        info.ppEnabledLayerNames = &layer;
        info.enabledExtensionCount = 1;
        info.ppEnabledExtensionNames = &debug_utils;
        info.pNext = &messenger;
      }
      if (VkResult r = vkCreateInstance(&info, nullptr, &made[validate]); r != VK_SUCCESS) {
        made[validate] = VK_NULL_HANDLE;
        return r;
      }
    }
    instance = made[validate];
    return VK_SUCCESS;
  }

 private:
  VulkanDeviceInfo describe_device(VkPhysicalDevice device) {
    VkPhysicalDeviceDrmPropertiesEXT drm{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_DRM_PROPERTIES_EXT};
    VkPhysicalDeviceDriverProperties driver{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_DRIVER_PROPERTIES};
    VkPhysicalDeviceProperties2 props{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2};
    VulkanDeviceInfo info;
    info.extensions = device_extensions(device);
    void** next = &props.pNext;
    if (info.has("VK_EXT_physical_device_drm")) {
      *next = &drm;
      next = &drm.pNext;
    }
    if (info.has("VK_KHR_driver_properties")) *next = &driver;
    vkGetPhysicalDeviceProperties2(device, &props);
    info.name = props.properties.deviceName;
    info.is_cpu = props.properties.deviceType == VK_PHYSICAL_DEVICE_TYPE_CPU;
    if (info.has("VK_KHR_driver_properties")) {
      info.driver = std::string(driver.driverName) + " " + driver.driverInfo;
      info.conformance = std::to_string(driver.conformanceVersion.major) + "." +
                         std::to_string(driver.conformanceVersion.minor) + "." +
                         std::to_string(driver.conformanceVersion.subminor) + "." +
                         std::to_string(driver.conformanceVersion.patch);
    }
    if (info.has("VK_EXT_physical_device_drm")) {
      if (drm.hasPrimary)
        info.primary = makedev(static_cast<unsigned>(drm.primaryMajor), static_cast<unsigned>(drm.primaryMinor));
      if (drm.hasRender)
        info.render = makedev(static_cast<unsigned>(drm.renderMajor), static_cast<unsigned>(drm.renderMinor));
    }
    return info;
  }

  static constexpr const char* kValidationLayer = "VK_LAYER_KHRONOS_validation";
  // A messenger for validation errors, collected by producer (or printed, where none).
  static VkDebugUtilsMessengerCreateInfoEXT messenger_info(VulkanProducer* producer) {
    VkDebugUtilsMessengerCreateInfoEXT messenger{VK_STRUCTURE_TYPE_DEBUG_UTILS_MESSENGER_CREATE_INFO_EXT};
    messenger.messageSeverity = VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT;
    messenger.messageType =
        VK_DEBUG_UTILS_MESSAGE_TYPE_GENERAL_BIT_EXT | VK_DEBUG_UTILS_MESSAGE_TYPE_VALIDATION_BIT_EXT;
    messenger.pfnUserCallback = &VulkanProducer::on_validation_message;
    messenger.pUserData = producer;
    return messenger;
  }

  static bool has_instance_layer(const char* name) {
    std::uint32_t count = 0;
    vkEnumerateInstanceLayerProperties(&count, nullptr);
    std::vector<VkLayerProperties> layers(count);
    vkEnumerateInstanceLayerProperties(&count, layers.data());
    return std::any_of(layers.begin(), layers.end(),
                       [&](const VkLayerProperties& layer) { return std::strcmp(layer.layerName, name) == 0; });
  }

  static VKAPI_ATTR VkBool32 VKAPI_CALL on_validation_message(VkDebugUtilsMessageSeverityFlagBitsEXT,
                                                              VkDebugUtilsMessageTypeFlagsEXT,
                                                              const VkDebugUtilsMessengerCallbackDataEXT* data,
                                                              void* user) {
    auto* self = static_cast<VulkanProducer*>(user);
    if (self == nullptr) {  // no producer yet: vkCreateInstance's own
      std::fprintf(stderr, "fencecheck: Vulkan validation, vkCreateInstance: %s\n",
                   data->pMessage ? data->pMessage : "");
      return VK_FALSE;
    }
    std::lock_guard lock(self->validation_mutex_);
    self->validation_errors_.push_back(std::string(data->pMessageIdName ? data->pMessageIdName : "validation") + ": " +
                                       (data->pMessage ? data->pMessage : ""));
    return VK_FALSE;
  }

  struct SyncFdSupport {
    bool importable = false, exportable = false;
    std::string why;  // what the device says, where it cannot
  };
  // vkGetPhysicalDeviceExternalSemaphoreProperties for SYNC_FD.
  SyncFdSupport sync_fd_support() const {
    if (!info_.has("VK_KHR_external_semaphore_fd")) return {false, false, "no VK_KHR_external_semaphore_fd"};
    VkPhysicalDeviceExternalSemaphoreInfo query{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_EXTERNAL_SEMAPHORE_INFO};
    query.handleType = VK_EXTERNAL_SEMAPHORE_HANDLE_TYPE_SYNC_FD_BIT;
    VkExternalSemaphoreProperties props{VK_STRUCTURE_TYPE_EXTERNAL_SEMAPHORE_PROPERTIES};
    vkGetPhysicalDeviceExternalSemaphoreProperties(physical_, &query, &props);
    SyncFdSupport support;
    support.importable = props.externalSemaphoreFeatures & VK_EXTERNAL_SEMAPHORE_FEATURE_IMPORTABLE_BIT;
    support.exportable = props.externalSemaphoreFeatures & VK_EXTERNAL_SEMAPHORE_FEATURE_EXPORTABLE_BIT;
    if (!support.importable || !support.exportable) {
      support.why = "vkGetPhysicalDeviceExternalSemaphoreProperties(SYNC_FD): features " +
                    std::to_string(props.externalSemaphoreFeatures);
    }
    return support;
  }

  // Can a VkFence be exported as a SYNC_FD (VK_KHR_external_fence_fd)?
  bool fence_sync_fd_exportable() const {
    if (!info_.has("VK_KHR_external_fence_fd")) return false;
    VkPhysicalDeviceExternalFenceInfo query{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_EXTERNAL_FENCE_INFO};
    query.handleType = VK_EXTERNAL_FENCE_HANDLE_TYPE_SYNC_FD_BIT;
    VkExternalFenceProperties props{VK_STRUCTURE_TYPE_EXTERNAL_FENCE_PROPERTIES};
    vkGetPhysicalDeviceExternalFenceProperties(physical_, &query, &props);
    return props.externalFenceFeatures & VK_EXTERNAL_FENCE_FEATURE_EXPORTABLE_BIT;
  }

  // The gate's semaphore (a SYNC_FD is imported into it per submit) and the
  // exportable one a submit signals.
  std::string create_semaphores() {
    if (!sync_fd_.importable && !sync_fd_.exportable) return {};
    if (import_semaphore_fd_ == nullptr || get_semaphore_fd_ == nullptr)
      return "no vkImportSemaphoreFdKHR/vkGetSemaphoreFdKHR";
    VkSemaphoreCreateInfo plain{VK_STRUCTURE_TYPE_SEMAPHORE_CREATE_INFO};
    if (VkResult r = vkCreateSemaphore(device_, &plain, nullptr, &gate_semaphore_); r != VK_SUCCESS) {
      return vk_error("vkCreateSemaphore", r);
    }
    VkExportSemaphoreCreateInfo exportable{VK_STRUCTURE_TYPE_EXPORT_SEMAPHORE_CREATE_INFO};
    exportable.handleTypes = VK_EXTERNAL_SEMAPHORE_HANDLE_TYPE_SYNC_FD_BIT;
    VkSemaphoreCreateInfo signalled{VK_STRUCTURE_TYPE_SEMAPHORE_CREATE_INFO};
    if (sync_fd_.exportable) signalled.pNext = &exportable;
    if (VkResult r = vkCreateSemaphore(device_, &signalled, nullptr, &done_semaphore_); r != VK_SUCCESS) {
      return vk_error("vkCreateSemaphore(exportable as SYNC_FD)", r);
    }
    return {};
  }

  Status fail_unsupported(const Probe& why) {
    last_error_ = why.describe();
    return Errno{ENOTSUP};
  }

  std::string create_pipeline() {
    VkShaderModuleCreateInfo shader_info{VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO};
    shader_info.codeSize = sizeof kFrameShader;
    shader_info.pCode = kFrameShader;
    if (VkResult r = vkCreateShaderModule(device_, &shader_info, nullptr, &shader_); r != VK_SUCCESS) {
      return vk_error("vkCreateShaderModule", r);
    }
    VkDescriptorSetLayoutBinding binding{0, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 1, VK_SHADER_STAGE_COMPUTE_BIT, nullptr};
    VkDescriptorSetLayoutCreateInfo set_info{VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO};
    set_info.bindingCount = 1;
    set_info.pBindings = &binding;
    if (VkResult r = vkCreateDescriptorSetLayout(device_, &set_info, nullptr, &set_layout_); r != VK_SUCCESS) {
      return vk_error("vkCreateDescriptorSetLayout", r);
    }
    VkPushConstantRange push{VK_SHADER_STAGE_COMPUTE_BIT, 0, sizeof(PushConstants)};
    VkPipelineLayoutCreateInfo layout_info{VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO};
    layout_info.setLayoutCount = 1;
    layout_info.pSetLayouts = &set_layout_;
    layout_info.pushConstantRangeCount = 1;
    layout_info.pPushConstantRanges = &push;
    if (VkResult r = vkCreatePipelineLayout(device_, &layout_info, nullptr, &pipeline_layout_); r != VK_SUCCESS) {
      return vk_error("vkCreatePipelineLayout", r);
    }
    VkComputePipelineCreateInfo pipeline_info{VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO};
    pipeline_info.stage = {VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO};
    pipeline_info.stage.stage = VK_SHADER_STAGE_COMPUTE_BIT;
    pipeline_info.stage.module = shader_;
    pipeline_info.stage.pName = "main";
    pipeline_info.layout = pipeline_layout_;
    if (VkResult r = vkCreateComputePipelines(device_, VK_NULL_HANDLE, 1, &pipeline_info, nullptr, &pipeline_);
        r != VK_SUCCESS) {
      return vk_error("vkCreateComputePipelines", r);
    }
    VkDescriptorPoolSize pool_size{VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 1};
    VkDescriptorPoolCreateInfo pool_info{VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO};
    pool_info.maxSets = 1;
    pool_info.poolSizeCount = 1;
    pool_info.pPoolSizes = &pool_size;
    if (VkResult r = vkCreateDescriptorPool(device_, &pool_info, nullptr, &descriptor_pool_); r != VK_SUCCESS) {
      return vk_error("vkCreateDescriptorPool", r);
    }
    VkDescriptorSetAllocateInfo set_alloc{VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO};
    set_alloc.descriptorPool = descriptor_pool_;
    set_alloc.descriptorSetCount = 1;
    set_alloc.pSetLayouts = &set_layout_;
    if (VkResult r = vkAllocateDescriptorSets(device_, &set_alloc, &set_); r != VK_SUCCESS) {
      return vk_error("vkAllocateDescriptorSets", r);
    }
    VkCommandPoolCreateInfo pool{VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO};
    pool.flags = VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT;
    pool.queueFamilyIndex = family_;
    if (VkResult r = vkCreateCommandPool(device_, &pool, nullptr, &pool_); r != VK_SUCCESS) {
      return vk_error("vkCreateCommandPool", r);
    }
    VkCommandBufferAllocateInfo command_alloc{VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO};
    command_alloc.commandPool = pool_;
    command_alloc.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
    command_alloc.commandBufferCount = 1;
    if (VkResult r = vkAllocateCommandBuffers(device_, &command_alloc, &commands_); r != VK_SUCCESS) {
      return vk_error("vkAllocateCommandBuffers", r);
    }
    VkFenceCreateInfo fence_info{VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
    if (VkResult r = vkCreateFence(device_, &fence_info, nullptr, &fence_); r != VK_SUCCESS) {
      return vk_error("vkCreateFence", r);
    }
    return {};
  }

  // Memory for the dma-buf: a memory type both the resource and the fd accept.
  Status import_memory(const DmaBufImage& image, VkMemoryRequirements requirements, VkBuffer for_buffer,
                       VkImage for_image) {
    VkMemoryFdPropertiesKHR fd_props{VK_STRUCTURE_TYPE_MEMORY_FD_PROPERTIES_KHR};
    if (VkResult r =
            get_fd_properties_(device_, VK_EXTERNAL_MEMORY_HANDLE_TYPE_DMA_BUF_BIT_EXT, image.fd().get(), &fd_props);
        r != VK_SUCCESS) {
      // The driver's answer for a dma-buf it cannot import (venus: a vgem or
      // guest-blob buffer): a capability it lacks, not a failure.
      if (r == VK_ERROR_INVALID_EXTERNAL_HANDLE) {
        last_error_ = info_.name + " imports no dma-buf " + image.exporter +
                      " exported (vkGetMemoryFdPropertiesKHR: VK_ERROR_INVALID_EXTERNAL_HANDLE)";
        return Errno{EOPNOTSUPP};
      }
      return fail("vkGetMemoryFdPropertiesKHR(dma-buf)", r);
    }
    std::uint32_t types = requirements.memoryTypeBits & fd_props.memoryTypeBits;
    if (types == 0) {
      last_error_ = "no memory type accepts both the resource and the dma-buf";
      return Errno{EINVAL};
    }
    off_t dmabuf_size = ::lseek(image.fd().get(), 0, SEEK_END);
    if (dmabuf_size > 0 && requirements.size > static_cast<VkDeviceSize>(dmabuf_size)) {
      last_error_ = "the import needs " + std::to_string(requirements.size) + " bytes; the dma-buf has " +
                    std::to_string(dmabuf_size);
      return Errno{EINVAL};
    }
    auto fd = UniqueFd::dup(image.fd());  // Vulkan owns the descriptor once the import succeeds
    if (!fd) return fd.err();
    VkMemoryDedicatedAllocateInfo dedicated{VK_STRUCTURE_TYPE_MEMORY_DEDICATED_ALLOCATE_INFO};
    dedicated.buffer = for_buffer;
    dedicated.image = for_image;
    VkImportMemoryFdInfoKHR import{VK_STRUCTURE_TYPE_IMPORT_MEMORY_FD_INFO_KHR};
    import.pNext = &dedicated;
    import.handleType = VK_EXTERNAL_MEMORY_HANDLE_TYPE_DMA_BUF_BIT_EXT;
    import.fd = fd->get();
    VkMemoryAllocateInfo alloc{VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO};
    alloc.pNext = &import;
    alloc.allocationSize = requirements.size;
    alloc.memoryTypeIndex = static_cast<std::uint32_t>(__builtin_ctz(types));
    if (VkResult r = vkAllocateMemory(device_, &alloc, nullptr, &imported_); r != VK_SUCCESS) {
      return fail("vkAllocateMemory(import dma-buf)", r);
    }
    (void)fd->release();
    return {};
  }

  Status import_buffer(const DmaBufImage& image) {
    VkExternalMemoryBufferCreateInfo external{VK_STRUCTURE_TYPE_EXTERNAL_MEMORY_BUFFER_CREATE_INFO};
    external.handleTypes = VK_EXTERNAL_MEMORY_HANDLE_TYPE_DMA_BUF_BIT_EXT;
    VkBufferCreateInfo info{VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO};
    info.pNext = &external;
    info.size = image.plane0_size();
    info.usage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT | VK_BUFFER_USAGE_TRANSFER_SRC_BIT;  // written; copied by reads
    info.sharingMode = VK_SHARING_MODE_EXCLUSIVE;
    if (VkResult r = vkCreateBuffer(device_, &info, nullptr, &buffer_); r != VK_SUCCESS)
      return fail("vkCreateBuffer", r);
    VkMemoryRequirements requirements;
    vkGetBufferMemoryRequirements(device_, buffer_, &requirements);
    if (Status imported = import_memory(image, requirements, buffer_, VK_NULL_HANDLE); !imported) return imported;
    if (VkResult r = vkBindBufferMemory(device_, buffer_, imported_, 0); r != VK_SUCCESS) {
      return fail("vkBindBufferMemory", r);
    }
    // Where a GPU read (submit_read) copies the image to.
    read_size_ = info.size;
    return create_own_buffer(read_size_, VK_BUFFER_USAGE_TRANSFER_DST_BIT, read_buffer_, read_memory_);
  }

  // A buffer of the producer's own (not the dma-buf), in its first fitting
  // memory type that has the wanted properties.
  Status create_own_buffer(VkDeviceSize size, VkBufferUsageFlags usage, VkBuffer& buffer, VkDeviceMemory& memory,
                           VkMemoryPropertyFlags wanted = 0) {
    VkBufferCreateInfo info{VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO};
    info.size = size;
    info.usage = usage;
    if (VkResult r = vkCreateBuffer(device_, &info, nullptr, &buffer); r != VK_SUCCESS) {
      return fail("vkCreateBuffer(its own)", r);
    }
    VkMemoryRequirements requirements;
    vkGetBufferMemoryRequirements(device_, buffer, &requirements);
    VkMemoryAllocateInfo alloc{VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO};
    alloc.allocationSize = requirements.size;
    std::optional<std::uint32_t> type;
    for (std::uint32_t i = 0; i < memory_.memoryTypeCount && !type; ++i) {
      if ((requirements.memoryTypeBits & (1u << i)) && (memory_.memoryTypes[i].propertyFlags & wanted) == wanted) {
        type = i;
      }
    }
    if (!type) {
      last_error_ = "no memory type with properties " + std::to_string(wanted) + " for its own buffer";
      return Errno{ENOMEM};
    }
    alloc.memoryTypeIndex = *type;
    if (VkResult r = vkAllocateMemory(device_, &alloc, nullptr, &memory); r != VK_SUCCESS) {
      return fail("vkAllocateMemory(its own buffer)", r);
    }
    if (VkResult r = vkBindBufferMemory(device_, buffer, memory, 0); r != VK_SUCCESS) {
      return fail("vkBindBufferMemory(its own buffer)", r);
    }
    return {};
  }

  // VulkanImport::Shadow: host-visible, coherent memory of its own, as big as
  // the image's plane 0 and written at its offset and stride, mapped for the
  // consumer's reads (on venus, a host blob mapped through QEMU's hostmem window).
  Status create_shadow(const DmaBufImage& image) {
    shadow_size_ = image.plane0_size();
    if (Status made = create_own_buffer(shadow_size_, VK_BUFFER_USAGE_STORAGE_BUFFER_BIT, buffer_, shadow_memory_,
                                        VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT);
        !made) {
      return made;
    }
    if (VkResult r = vkMapMemory(device_, shadow_memory_, 0, VK_WHOLE_SIZE, 0, &shadow_map_); r != VK_SUCCESS) {
      return fail("vkMapMemory(its own frame)", r);
    }
    return {};
  }

  std::string import_description() const {
    switch (import_) {
      case VulkanImport::Buffer: return "VkBuffer (linear)";
      case VulkanImport::StagedImage: return "VkImage (explicit modifier)";
      case VulkanImport::Shadow: return "none: " + import_reason_ + "; written to its own host-visible memory";
    }
    return "";
  }

  Status import_image(const DmaBufImage& image) {
    std::vector<VkSubresourceLayout> planes;
    for (const auto& plane : image.planes) planes.push_back({plane.offset, 0, plane.stride, 0, 0});
    VkImageDrmFormatModifierExplicitCreateInfoEXT modifier{
        VK_STRUCTURE_TYPE_IMAGE_DRM_FORMAT_MODIFIER_EXPLICIT_CREATE_INFO_EXT};
    modifier.drmFormatModifier = image.modifier;
    modifier.drmFormatModifierPlaneCount = static_cast<std::uint32_t>(planes.size());
    modifier.pPlaneLayouts = planes.data();
    VkExternalMemoryImageCreateInfo external{VK_STRUCTURE_TYPE_EXTERNAL_MEMORY_IMAGE_CREATE_INFO};
    external.pNext = &modifier;
    external.handleTypes = VK_EXTERNAL_MEMORY_HANDLE_TYPE_DMA_BUF_BIT_EXT;
    VkImageCreateInfo info{VK_STRUCTURE_TYPE_IMAGE_CREATE_INFO};
    info.pNext = &external;
    info.imageType = VK_IMAGE_TYPE_2D;
    info.format = static_cast<VkFormat>(vulkan_format_for(image.fourcc));
    info.extent = {image.width, image.height, 1};
    info.mipLevels = 1;
    info.arrayLayers = 1;
    info.samples = VK_SAMPLE_COUNT_1_BIT;
    info.tiling = VK_IMAGE_TILING_DRM_FORMAT_MODIFIER_EXT;
    info.usage = VK_IMAGE_USAGE_TRANSFER_DST_BIT;
    info.sharingMode = VK_SHARING_MODE_EXCLUSIVE;
    info.initialLayout = VK_IMAGE_LAYOUT_UNDEFINED;
    if (VkResult r = vkCreateImage(device_, &info, nullptr, &image_); r != VK_SUCCESS) {
      return fail("vkCreateImage(drm format modifier)", r);
    }
    VkMemoryRequirements requirements;
    vkGetImageMemoryRequirements(device_, image_, &requirements);
    if (Status imported = import_memory(image, requirements, VK_NULL_HANDLE, image_); !imported) return imported;
    if (VkResult r = vkBindImageMemory(device_, image_, imported_, 0); r != VK_SUCCESS) {
      return fail("vkBindImageMemory", r);
    }
    // The shader writes a tightly packed copy; the copy command lays it out.
    layout_.stride_words = image.width;
    layout_.offset_words = 0;
    return create_own_buffer(VkDeviceSize{image.width} * image.height * 4,
                             VK_BUFFER_USAGE_STORAGE_BUFFER_BIT | VK_BUFFER_USAGE_TRANSFER_SRC_BIT, staging_,
                             staging_memory_);
  }

  // One side of a buffer barrier: the stage and access on it, and the queue
  // family that owns the memory there (an ownership transfer where the two differ).
  struct BarrierSide {
    VkPipelineStageFlags stage;
    VkAccessFlags access;
    std::uint32_t family;
  };
  // A barrier on the whole buffer, recorded into commands_.
  void buffer_barrier(VkBuffer buffer, BarrierSide from, BarrierSide to) {
    VkBufferMemoryBarrier barrier{VK_STRUCTURE_TYPE_BUFFER_MEMORY_BARRIER};
    barrier.srcAccessMask = from.access;
    barrier.dstAccessMask = to.access;
    barrier.srcQueueFamilyIndex = from.family;
    barrier.dstQueueFamilyIndex = to.family;
    barrier.buffer = buffer;
    barrier.size = VK_WHOLE_SIZE;
    vkCmdPipelineBarrier(commands_, from.stage, to.stage, 0, 0, nullptr, 1, &barrier, 0, nullptr);
  }

  Status record_read() {
    vkResetCommandBuffer(commands_, 0);
    VkCommandBufferBeginInfo begin{VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
    begin.flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT;
    if (VkResult r = vkBeginCommandBuffer(commands_, &begin); r != VK_SUCCESS) return fail("vkBeginCommandBuffer", r);
    const std::uint32_t external_family = foreign_ ? VK_QUEUE_FAMILY_FOREIGN_EXT : VK_QUEUE_FAMILY_EXTERNAL;
    buffer_barrier(buffer_, {VK_PIPELINE_STAGE_TOP_OF_PIPE_BIT, 0, external_family},
                   {VK_PIPELINE_STAGE_TRANSFER_BIT, VK_ACCESS_TRANSFER_READ_BIT, family_});
    const VkBufferCopy region{0, 0, read_size_};
    vkCmdCopyBuffer(commands_, buffer_, read_buffer_, 1, &region);
    buffer_barrier(buffer_, {VK_PIPELINE_STAGE_TRANSFER_BIT, VK_ACCESS_TRANSFER_READ_BIT, family_},
                   {VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT, 0, external_family});
    if (VkResult r = vkEndCommandBuffer(commands_); r != VK_SUCCESS) return fail("vkEndCommandBuffer", r);
    return {};
  }

  Status record() {
    vkResetCommandBuffer(commands_, 0);
    VkCommandBufferBeginInfo begin{VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
    begin.flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT;
    if (VkResult r = vkBeginCommandBuffer(commands_, &begin); r != VK_SUCCESS) return fail("vkBeginCommandBuffer", r);
    const std::uint32_t external_family = foreign_ ? VK_QUEUE_FAMILY_FOREIGN_EXT : VK_QUEUE_FAMILY_EXTERNAL;
    if (import_ == VulkanImport::Buffer) {
      // Take the dma-buf's memory over from its other users before writing it.
      buffer_barrier(buffer_, {VK_PIPELINE_STAGE_TOP_OF_PIPE_BIT, 0, external_family},
                     {VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_ACCESS_SHADER_WRITE_BIT, family_});
    }
    vkCmdBindPipeline(commands_, VK_PIPELINE_BIND_POINT_COMPUTE, pipeline_);
    vkCmdBindDescriptorSets(commands_, VK_PIPELINE_BIND_POINT_COMPUTE, pipeline_layout_, 0, 1, &set_, 0, nullptr);
    vkCmdPushConstants(commands_, pipeline_layout_, VK_SHADER_STAGE_COMPUTE_BIT, 0, sizeof layout_, &layout_);
    vkCmdDispatch(commands_, (layout_.width + 7) / 8, (layout_.height + 7) / 8, 1);
    if (import_ == VulkanImport::Shadow) {
      // The frame is read through the host mapping once the fence signals.
      buffer_barrier(buffer_, {VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_ACCESS_SHADER_WRITE_BIT, family_},
                     {VK_PIPELINE_STAGE_HOST_BIT, VK_ACCESS_HOST_READ_BIT, family_});
    } else if (import_ == VulkanImport::Buffer) {
      // Hand the written memory back to its other users (the consumer, another device).
      buffer_barrier(buffer_, {VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_ACCESS_SHADER_WRITE_BIT, family_},
                     {VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT, 0, external_family});
    } else {
      VkBufferMemoryBarrier written{VK_STRUCTURE_TYPE_BUFFER_MEMORY_BARRIER};
      written.srcAccessMask = VK_ACCESS_SHADER_WRITE_BIT;
      written.dstAccessMask = VK_ACCESS_TRANSFER_READ_BIT;
      written.srcQueueFamilyIndex = written.dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
      written.buffer = staging_;
      written.size = VK_WHOLE_SIZE;
      VkImageMemoryBarrier acquire{VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER};
      acquire.dstAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT;
      acquire.oldLayout = VK_IMAGE_LAYOUT_UNDEFINED;  // every pixel is overwritten
      acquire.newLayout = VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL;
      acquire.srcQueueFamilyIndex = acquire.dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
      acquire.image = image_;
      acquire.subresourceRange = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, 1};
      vkCmdPipelineBarrier(commands_, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_PIPELINE_STAGE_TRANSFER_BIT, 0, 0,
                           nullptr, 1, &written, 1, &acquire);
      VkBufferImageCopy copy{};
      copy.imageSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 1};
      copy.imageExtent = {layout_.width, layout_.height, 1};
      vkCmdCopyBufferToImage(commands_, staging_, image_, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, 1, &copy);
      VkImageMemoryBarrier release{VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER};
      release.srcAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT;
      release.oldLayout = VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL;
      release.newLayout = VK_IMAGE_LAYOUT_GENERAL;
      release.srcQueueFamilyIndex = family_;
      release.dstQueueFamilyIndex = external_family;
      release.image = image_;
      release.subresourceRange = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, 1};
      vkCmdPipelineBarrier(commands_, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT, 0, 0,
                           nullptr, 0, nullptr, 1, &release);
    }
    if (VkResult r = vkEndCommandBuffer(commands_); r != VK_SUCCESS) return fail("vkEndCommandBuffer", r);
    return {};
  }

  // Sizes the busy loop (gpu/workload.h), writing frame 0 each time.
  Status calibrate() {
    auto iterations = calibrate_workload([this](std::uint32_t n) {
      iterations_ = n;
      Status submitted = submit(0);
      return submitted ? finish() : submitted;
    });
    if (!iterations) return iterations.err();
    iterations_ = *iterations;
    return {};
  }

  void release_target() {
    if (device_ == VK_NULL_HANDLE) return;
    vkDestroyBuffer(device_, buffer_, nullptr);
    vkDestroyImage(device_, image_, nullptr);
    vkDestroyBuffer(device_, staging_, nullptr);
    vkDestroyBuffer(device_, read_buffer_, nullptr);
    vkFreeMemory(device_, read_memory_, nullptr);
    read_buffer_ = VK_NULL_HANDLE;
    read_memory_ = VK_NULL_HANDLE;
    vkFreeMemory(device_, imported_, nullptr);
    vkFreeMemory(device_, staging_memory_, nullptr);
    vkFreeMemory(device_, shadow_memory_, nullptr);  // unmaps it
    shadow_memory_ = VK_NULL_HANDLE;
    shadow_map_ = nullptr;
    buffer_ = staging_ = VK_NULL_HANDLE;
    image_ = VK_NULL_HANDLE;
    imported_ = staging_memory_ = VK_NULL_HANDLE;
  }

  Status fail(const char* what, VkResult result) {
    last_error_ = vk_error(what, result);
    return Errno{EIO};
  }

  VkInstance instance_ = VK_NULL_HANDLE;
  VkPhysicalDevice physical_ = VK_NULL_HANDLE;
  VkDevice device_ = VK_NULL_HANDLE;
  VkQueue queue_ = VK_NULL_HANDLE;
  std::uint32_t family_ = 0;
  PFN_vkGetMemoryFdPropertiesKHR get_fd_properties_ = nullptr;
  PFN_vkImportSemaphoreFdKHR import_semaphore_fd_ = nullptr;
  PFN_vkGetSemaphoreFdKHR get_semaphore_fd_ = nullptr;
  VkSemaphore gate_semaphore_ = VK_NULL_HANDLE, done_semaphore_ = VK_NULL_HANDLE;
  SyncFdSupport sync_fd_;
  UniqueFd submit_fence_;           // the last submit's SYNC_FD
  bool submit_fence_taken_ = true;  // take_submit_fence() had it (or no submit exported one)
  UniqueFd attached_;               // the attached image's dma-buf
  VkShaderModule shader_ = VK_NULL_HANDLE;
  VkDescriptorSetLayout set_layout_ = VK_NULL_HANDLE;
  VkPipelineLayout pipeline_layout_ = VK_NULL_HANDLE;
  VkPipeline pipeline_ = VK_NULL_HANDLE;
  VkDescriptorPool descriptor_pool_ = VK_NULL_HANDLE;
  VkDescriptorSet set_ = VK_NULL_HANDLE;
  VkCommandPool pool_ = VK_NULL_HANDLE;
  VkCommandBuffer commands_ = VK_NULL_HANDLE;
  VkFence fence_ = VK_NULL_HANDLE;
  VkFence bridge_fence_ = VK_NULL_HANDLE;  // the write's, exported as SYNC_FD (fence_export_)
  PFN_vkGetFenceFdKHR get_fence_fd_ = nullptr;
  bool fence_export_ = false;
  VkPhysicalDeviceMemoryProperties memory_{};
  VkDeviceMemory shadow_memory_ = VK_NULL_HANDLE;  // VulkanImport::Shadow
  void* shadow_map_ = nullptr;
  VkDeviceSize shadow_size_ = 0;
  std::string import_reason_;
  VkBuffer buffer_ = VK_NULL_HANDLE, staging_ = VK_NULL_HANDLE;
  VkImage image_ = VK_NULL_HANDLE;
  VkDeviceMemory imported_ = VK_NULL_HANDLE, staging_memory_ = VK_NULL_HANDLE;
  VkBuffer read_buffer_ = VK_NULL_HANDLE;  // submit_read's target
  VkDeviceMemory read_memory_ = VK_NULL_HANDLE;
  VkDeviceSize read_size_ = 0;
  VulkanImport import_ = VulkanImport::Buffer;
  PushConstants layout_{};
  std::uint32_t iterations_ = 16;
  bool modifiers_ = false, foreign_ = false, in_flight_ = false;
  VulkanDeviceInfo info_;
  std::string match_, last_error_;
  VkDebugUtilsMessengerEXT messenger_ = VK_NULL_HANDLE;
  std::mutex validation_mutex_;  // the layer may call back from the driver's threads
  std::vector<std::string> validation_errors_;
};

}  // namespace

namespace {
// An empty submit whose VkFence is exported as a SYNC_FD, then one that
// waits on that sync_file imported into a semaphore: what the producers'
// bridge and gate do, where the device can.
void warm_up(VkPhysicalDevice physical) {
  std::vector<const char*> extensions;
  const std::vector<std::string> offered = device_extensions(physical);
  for (const char* wanted : {"VK_KHR_external_fence_fd", "VK_KHR_external_semaphore_fd"}) {
    if (std::find(offered.begin(), offered.end(), wanted) != offered.end()) extensions.push_back(wanted);
  }
  VkDevice device = VK_NULL_HANDLE;
  if (create_device(physical, 0, extensions, device) != VK_SUCCESS) return;
  VkQueue queue = VK_NULL_HANDLE;
  vkGetDeviceQueue(device, 0, 0, &queue);
  auto get_fence_fd = reinterpret_cast<PFN_vkGetFenceFdKHR>(vkGetDeviceProcAddr(device, "vkGetFenceFdKHR"));
  auto import_fd = reinterpret_cast<PFN_vkImportSemaphoreFdKHR>(vkGetDeviceProcAddr(device, "vkImportSemaphoreFdKHR"));
  VkExportFenceCreateInfo exportable{VK_STRUCTURE_TYPE_EXPORT_FENCE_CREATE_INFO};
  exportable.handleTypes = VK_EXTERNAL_FENCE_HANDLE_TYPE_SYNC_FD_BIT;
  VkFenceCreateInfo fence_info{VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
  if (get_fence_fd != nullptr) fence_info.pNext = &exportable;
  VkFence fence = VK_NULL_HANDLE, waited = VK_NULL_HANDLE;
  VkSemaphore semaphore = VK_NULL_HANDLE;
  VkSemaphoreCreateInfo semaphore_info{VK_STRUCTURE_TYPE_SEMAPHORE_CREATE_INFO};
  VkFenceCreateInfo plain{VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
  if (vkCreateFence(device, &fence_info, nullptr, &fence) == VK_SUCCESS &&
      vkCreateFence(device, &plain, nullptr, &waited) == VK_SUCCESS &&
      vkCreateSemaphore(device, &semaphore_info, nullptr, &semaphore) == VK_SUCCESS &&
      vkQueueSubmit(queue, 0, nullptr, fence) == VK_SUCCESS) {
    int fd = -1;
    VkFenceGetFdInfoKHR get{VK_STRUCTURE_TYPE_FENCE_GET_FD_INFO_KHR};
    get.fence = fence;
    get.handleType = VK_EXTERNAL_FENCE_HANDLE_TYPE_SYNC_FD_BIT;
    if (get_fence_fd == nullptr || get_fence_fd(device, &get, &fd) != VK_SUCCESS) {
      (void)vkWaitForFences(device, 1, &fence, VK_TRUE, kFenceTimeoutNs);
    } else if (fd >= 0 && import_fd != nullptr) {
      VkImportSemaphoreFdInfoKHR import{VK_STRUCTURE_TYPE_IMPORT_SEMAPHORE_FD_INFO_KHR};
      import.semaphore = semaphore;
      import.flags = VK_SEMAPHORE_IMPORT_TEMPORARY_BIT;
      import.handleType = VK_EXTERNAL_SEMAPHORE_HANDLE_TYPE_SYNC_FD_BIT;
      import.fd = fd;
      if (import_fd(device, &import) == VK_SUCCESS) {
        fd = -1;  // the semaphore's now
        const VkPipelineStageFlags stage = VK_PIPELINE_STAGE_ALL_COMMANDS_BIT;
        VkSubmitInfo submit{VK_STRUCTURE_TYPE_SUBMIT_INFO};
        submit.waitSemaphoreCount = 1;
        submit.pWaitSemaphores = &semaphore;
        submit.pWaitDstStageMask = &stage;
        if (vkQueueSubmit(queue, 1, &submit, waited) == VK_SUCCESS) {
          (void)vkWaitForFences(device, 1, &waited, VK_TRUE, kFenceTimeoutNs);
        }
      }
    }
    if (fd >= 0) ::close(fd);
  }
  vkQueueWaitIdle(queue);
  vkDestroySemaphore(device, semaphore, nullptr);
  vkDestroyFence(device, waited, nullptr);
  vkDestroyFence(device, fence, nullptr);
  vkDestroyDevice(device, nullptr);
}
}  // namespace

void prepare_vulkan(bool validate) {
  VkInstance instance = VK_NULL_HANDLE;
  if (VulkanProducer::shared_instance(validate, instance) != VK_SUCCESS) return;  // the producers report it
  // One empty submit on each device: what a driver keeps open for the
  // instance's life from its first submission (venus: a sync_file) is opened
  // now, not in the first test.
  std::uint32_t count = 0;
  vkEnumeratePhysicalDevices(instance, &count, nullptr);
  std::vector<VkPhysicalDevice> physical(count);
  vkEnumeratePhysicalDevices(instance, &count, physical.data());
  for (VkPhysicalDevice one : physical) warm_up(one);
}

MadeProducer make_vulkan_producer(const DrmDevice& device, const ProducerOptions& options) {
  auto producer = std::make_unique<VulkanProducer>();
  Probe probe = producer->init(device, options);
  if (!probe.is_supported()) return {nullptr, probe};
  return {std::move(producer), probe};
}

}  // namespace fc
