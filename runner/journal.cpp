// SPDX-License-Identifier: MIT
#include "runner/journal.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <ctime>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

namespace fc {

std::string iso_timestamp_now() {
  std::time_t now = std::time(nullptr);
  std::tm utc{};
  ::gmtime_r(&now, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

std::string journal_line(const JournalEvent& event) {
  const TestRecord& entry = event.record;
  nlohmann::ordered_json line;
  line["name"] = entry.name;
  if (!event.finished) {
    line["event"] = "start";
    line["started"] = entry.started;
    return line.dump();
  }
  line["event"] = "end";
  line["outcome"] = std::string(to_string(entry.outcome));
  line["seconds"] = entry.seconds;
  line["started"] = entry.started;
  if (!entry.message.empty()) line["message"] = entry.message;
  nlohmann::ordered_json properties = nlohmann::ordered_json::array();
  for (const auto& [key, value] : entry.properties) properties.push_back({key, value});
  line["properties"] = properties;
  return line.dump();
}

std::optional<JournalEvent> parse_journal_line(std::string_view text) {
  try {
    auto line = nlohmann::ordered_json::parse(text);
    JournalEvent event;
    TestRecord& entry = event.record;
    entry.name = line.at("name").get<std::string>();
    entry.started = line.value("started", "");
    std::string kind = line.at("event").get<std::string>();
    if (kind == "start") return event;
    if (kind != "end") return std::nullopt;
    event.finished = true;
    auto outcome = parse_outcome(line.at("outcome").get<std::string>());
    if (!outcome) return std::nullopt;
    entry.outcome = *outcome;
    entry.seconds = line.value("seconds", 0.0);
    entry.message = line.value("message", "");
    if (line.contains("properties")) {
      for (const auto& pair : line["properties"]) entry.properties.emplace_back(pair.at(0), pair.at(1));
    }
    return event;
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;
  }
}

JournalState read_journal_text(std::string_view text) {
  JournalState state;
  std::map<std::string, std::size_t> index;       // name -> position in state.finished
  std::vector<std::pair<std::string, int>> open;  // started, not ended: how many times
  std::istringstream lines{std::string(text)};
  for (std::string line; std::getline(lines, line);) {
    auto event = parse_journal_line(line);
    if (!event) continue;
    TestRecord* entry = &event->record;
    auto pending = std::find_if(open.begin(), open.end(), [&](const auto& o) { return o.first == entry->name; });
    if (!event->finished) {
      // A start after an unfinished start: the run died in this test before.
      if (pending != open.end())
        ++pending->second;
      else
        open.emplace_back(entry->name, 1);
      continue;
    }
    if (pending != open.end()) open.erase(pending);
    auto it = index.find(entry->name);
    if (it == index.end()) {
      index[entry->name] = state.finished.size();
      state.finished.push_back(std::move(*entry));
    } else {
      state.finished[it->second] = std::move(*entry);  // a rerun's word is the last one
    }
  }
  state.interrupted = std::move(open);
  return state;
}

Result<Journal> Journal::open(const std::string& path) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) return last_errno();
  return Journal(UniqueFd(fd), path);
}

Status Journal::append_start(const std::string& name, const std::string& started) {
  JournalEvent event;
  event.record.name = name;
  event.record.started = started;
  return append(event);
}

Status Journal::append_end(const TestRecord& record) { return append(JournalEvent{true, record}); }

Status Journal::append(const JournalEvent& event) {
  std::string line = journal_line(event) + "\n";
  std::size_t written = 0;
  while (written < line.size()) {
    ssize_t n = ::write(fd_.get(), line.data() + written, line.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return last_errno();
    written += static_cast<std::size_t>(n);
  }
  if (::fsync(fd_.get()) != 0) return last_errno();
  return {};
}

Result<JournalState> read_journal(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return JournalState{};
    return last_errno();
  }
  UniqueFd owned(fd);
  std::string text;
  char chunk[65536];
  for (;;) {
    ssize_t n = ::read(fd, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return last_errno();
    if (n == 0) break;
    text.append(chunk, static_cast<std::size_t>(n));
  }
  return read_journal_text(text);
}

}  // namespace fc
