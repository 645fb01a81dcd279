// SPDX-License-Identifier: MIT
#include "harness/result.h"

#include <cstring>

namespace fc {

std::string Errno::name() const {
  if (value == 0) return "0";
  if (const char* n = strerrorname_np(value)) return n;
  return "errno " + std::to_string(value);
}

std::string Errno::describe() const {
  if (value == 0) return "no error";
  return name() + " (" + strerrordesc_np(value) + ")";
}

}  // namespace fc
