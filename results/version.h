// SPDX-License-Identifier: MIT
// Which fencecheck this is: the project's version and the commit the build
// tree was at when it was built (results/version.cmake writes them at build
// time, so a rebuild after a commit says the new one). Every result's
// context records both; --version prints them.
#pragma once

#include <string>

namespace fc {

// "0.1.0": CMake's PROJECT_VERSION.
[[nodiscard]] std::string fencecheck_version();
// "f5a9566c1d2e", "-dirty" appended where the tree had uncommitted changes,
// or "unknown" where it was built from no git checkout (a source package).
[[nodiscard]] std::string fencecheck_commit();
// "fencecheck 0.1.0 (commit f5a9566c1d2e)": what --version prints.
[[nodiscard]] std::string fencecheck_version_line(const std::string& program);

}  // namespace fc
