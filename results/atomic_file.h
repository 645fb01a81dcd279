// SPDX-License-Identifier: MIT
// Writing a file so that it is never half there: a temporary file beside it,
// fsync'd, renamed over it; on any error the temporary is removed and the
// old file stays as it was. What every result file and report is written with.
#pragma once

#include <string>
#include <string_view>
#include <system_error>

namespace fc {

// The error (errno) of the first step that failed; empty on success.
[[nodiscard]] std::error_code write_file_atomically(const std::string& path, std::string_view content);

}  // namespace fc
