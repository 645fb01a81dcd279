// SPDX-License-Identifier: MIT
#include "results/text.h"

#include <cctype>
#include <cstdarg>
#include <cstdio>

namespace fc {

std::string html_escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string markdown_escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '|')
      out += "\\|";
    else if (c == '\n')
      out += ' ';
    else
      out += c;
  }
  return out;
}

std::string sanitize(const std::string& text, const std::string& also_allowed) {
  std::string out;
  for (char c : text) {
    bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' ||
              also_allowed.find(c) != std::string::npos;
    out += ok ? c : '_';
  }
  return out;
}

std::string dotted(const std::string& name) {
  std::string out, part;
  auto flush = [&] {
    if (!part.empty()) out += (out.empty() ? "" : ".") + sanitize(part);
    part.clear();
  };
  for (char c : name) {
    if (c == '.' || c == '/')
      flush();
    else
      part += c;
  }
  flush();
  return out;
}

void appendf(std::string& out, const char* format, ...) {
  va_list args;
  va_start(args, format);
  va_list again;
  va_copy(again, args);
  const int size = std::vsnprintf(nullptr, 0, format, args);
  va_end(args);
  if (size > 0) {
    const std::size_t at = out.size();
    out.resize(at + static_cast<std::size_t>(size) + 1);
    std::vsnprintf(out.data() + at, static_cast<std::size_t>(size) + 1, format, again);
    out.resize(at + static_cast<std::size_t>(size));
  }
  va_end(again);
}

std::string wrap(const std::string& text, std::size_t width) {
  std::string out;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    const bool newline = end != std::string::npos;
    std::string line = text.substr(start, (newline ? end : text.size()) - start);
    start = newline ? end + 1 : text.size();
    const std::size_t indent = line.find_first_not_of(' ') == std::string::npos ? 0 : line.find_first_not_of(' ');
    const std::string continuation(indent + 4, ' ');
    while (line.size() > width) {
      std::size_t cut = line.rfind(' ', width);
      if (cut == std::string::npos || cut <= continuation.size()) cut = line.find(' ', width);
      if (cut == std::string::npos) break;
      out += line.substr(0, cut) + "\n";
      line = continuation + line.substr(line.find_first_not_of(' ', cut) == std::string::npos
                                            ? line.size()
                                            : line.find_first_not_of(' ', cut));
    }
    out += line;
    if (newline) out += "\n";
  }
  return out;
}

}  // namespace fc
