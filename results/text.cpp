#include "results/text.h"

#include <cctype>

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
    if (c == '|') out += "\\|";
    else if (c == '\n') out += ' ';
    else out += c;
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
    if (c == '.' || c == '/') flush();
    else part += c;
  }
  flush();
  return out;
}

}  // namespace fc
