// SPDX-License-Identifier: MIT
#include "gpu/producer.h"

#include <cstdlib>

#include "gpu/gbm.h"
#include "harness/device.h"

namespace fc {

const ProducerKind& producer_kind(ProducerId id) {
  for (const ProducerKind& kind : kProducers) {
    if (kind.id == id) return kind;
  }
  std::abort();  // every ProducerId has a row in kProducers
}

const ProducerKind* find_producer(std::string_view name) {
  for (const ProducerKind& kind : kProducers) {
    if (kind.name == name) return &kind;
  }
  return nullptr;
}

MadeProducer make_producer(std::string_view name, const DrmDevice& device, const GbmDevice& gbm,
                           const ProducerOptions& options) {
  const ProducerKind* kind = find_producer(name);
  if (!kind) return {nullptr, Probe::broken("unknown producer '" + std::string(name) + "'", Errno{EINVAL})};
  switch (kind->id) {
    case ProducerId::Gl: return make_gl_producer(gbm, options);
    case ProducerId::Vulkan: return make_vulkan_producer(device, options);
    case ProducerId::VgemCpu: return make_vgem_cpu_producer();
  }
  std::abort();
}

}  // namespace fc
