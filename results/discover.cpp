// SPDX-License-Identifier: MIT
#include "results/discover.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <string_view>

namespace fc {

bool version_less(const std::string& a, const std::string& b) {
  std::size_t i = 0, j = 0;
  auto digit = [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; };
  while (i < a.size() && j < b.size()) {
    if (digit(a[i]) && digit(b[j])) {
      std::size_t i_end = i, j_end = j;
      while (i_end < a.size() && digit(a[i_end])) ++i_end;
      while (j_end < b.size() && digit(b[j_end])) ++j_end;
      std::string_view x(a.data() + i, i_end - i), y(b.data() + j, j_end - j);
      while (x.size() > 1 && x.front() == '0') x.remove_prefix(1);
      while (y.size() > 1 && y.front() == '0') y.remove_prefix(1);
      if (x.size() != y.size()) return x.size() < y.size();
      if (x != y) return x < y;
      i = i_end;
      j = j_end;
    } else {
      if (a[i] != b[j]) return a[i] < b[j];
      ++i;
      ++j;
    }
  }
  return a.size() - i < b.size() - j;
}

std::vector<std::string> discover_results(const std::string& dir, ResultKind kind) {
  constexpr std::string_view kBench = "-bench";
  std::vector<std::string> paths;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(dir, error)) {
    if (!entry.is_regular_file() || entry.path().extension() != ".json") continue;
    std::string stem = entry.path().stem().string();
    if (stem.find('@') == std::string::npos) continue;
    bool bench = stem.ends_with(kBench);
    if (bench == (kind == ResultKind::Benchmark)) paths.push_back(entry.path().string());
  }
  std::sort(paths.begin(), paths.end(), version_less);
  return paths;
}

}  // namespace fc
