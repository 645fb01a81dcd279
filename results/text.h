// SPDX-License-Identifier: MIT
// Text helpers the output formats share: escaping for HTML/XML and markdown,
// names made safe for lab systems (KCIDB paths, LAVA test cases), and printf
// into a string (the results tool's reports).
#pragma once

#include <cstddef>
#include <string>

namespace fc {

[[nodiscard]] std::string html_escape(const std::string& text);      // & < > " (also right for XML attributes)
[[nodiscard]] std::string markdown_escape(const std::string& text);  // | escaped, newlines as spaces
// [A-Za-z0-9_-] kept (and any character in also_allowed), anything else becomes '_'.
[[nodiscard]] std::string sanitize(const std::string& text, const std::string& also_allowed = "");
// "Gpu/GpuWrite.Pending/gl" -> "Gpu.GpuWrite.Pending.gl": dot-separated, each part sanitized.
[[nodiscard]] std::string dotted(const std::string& name);
// Each line of text longer than width broken at spaces into lines of at most
// width (a single word longer than width stays whole), each continuation
// indented four more than the line it continues.
[[nodiscard]] std::string wrap(const std::string& text, std::size_t width);
// Appends printf(format, ...) to out.
void appendf(std::string& out, const char* format, ...) __attribute__((format(printf, 2, 3)));

}  // namespace fc
