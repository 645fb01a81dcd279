// SPDX-License-Identifier: MIT
#include "harness/description.h"

#include <map>
#include <utility>

namespace fc {
namespace {

using Key = std::pair<std::string, std::string>;
std::map<Key, std::string>& registry() {
  static std::map<Key, std::string> descriptions;
  return descriptions;
}

}  // namespace

bool register_description(std::string_view suite, std::string_view test, std::string_view text) {
  registry()[{std::string(suite), std::string(test)}] = std::string(text);
  return true;
}

std::optional<std::string> description_of(std::string_view suite, std::string_view name) {
  // "Vgem/BadInputTable" -> "BadInputTable"; "Name/Row" -> "Name".
  if (auto slash = suite.rfind('/'); slash != std::string_view::npos) suite.remove_prefix(slash + 1);
  if (auto slash = name.find('/'); slash != std::string_view::npos) name = name.substr(0, slash);
  auto found = registry().find({std::string(suite), std::string(name)});
  if (found == registry().end()) return std::nullopt;
  return found->second;
}

}  // namespace fc
