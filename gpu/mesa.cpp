// SPDX-License-Identifier: MIT
#include "gpu/mesa.h"

#include <mutex>

namespace fc {

std::string mesa_version_in(std::string_view driver_string) {
  constexpr std::string_view kMesa = "Mesa ";
  const std::size_t at = driver_string.find(kMesa);
  if (at == std::string_view::npos) return {};
  std::string_view rest = driver_string.substr(at + kMesa.size());
  rest = rest.substr(0, rest.find_first_of(" )"));
  if (rest.empty() || rest.front() < '0' || rest.front() > '9') return {};
  return std::string(rest);
}

namespace {
std::mutex loaded_mutex;
std::string loaded;  // every Mesa version noted, comma-separated, each once
}  // namespace

void note_loaded_driver(std::string_view driver_string) {
  const std::string version = mesa_version_in(driver_string);
  if (version.empty()) return;
  std::lock_guard lock(loaded_mutex);
  if (("," + loaded + ",").find("," + version + ",") == std::string::npos)
    loaded += (loaded.empty() ? "" : ",") + version;
}

std::string loaded_mesa_version() {
  std::lock_guard lock(loaded_mutex);
  return loaded;
}

}  // namespace fc
