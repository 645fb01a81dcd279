#include "harness/gpu/producer.h"

#include "harness/device.h"
#include "harness/gpu/gbm.h"

namespace fc {

MadeProducer make_producer(std::string_view name, const DrmDevice& device, const GbmDevice& gbm) {
  if (name == "gl") return make_gl_producer(gbm);
  if (name == "vulkan") return make_vulkan_producer(device);
  if (name == "vgem-cpu") return make_vgem_cpu_producer();
  return {nullptr, Probe::broken("unknown producer '" + std::string(name) + "'", Errno{EINVAL})};
}

}  // namespace fc
