#include "runner/journal.h"

#include <fcntl.h>
#include <unistd.h>

#include <ctime>
#include <algorithm>
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

std::string journal_line(const JournalEntry& entry) {
  nlohmann::ordered_json line;
  line["name"] = entry.name;
  if (!entry.finished) {
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

std::optional<JournalEntry> parse_journal_line(std::string_view text) {
  try {
    auto line = nlohmann::ordered_json::parse(text);
    JournalEntry entry;
    entry.name = line.at("name").get<std::string>();
    entry.started = line.value("started", "");
    std::string event = line.at("event").get<std::string>();
    if (event == "start") return entry;
    if (event != "end") return std::nullopt;
    entry.finished = true;
    auto outcome = parse_outcome(line.at("outcome").get<std::string>());
    if (!outcome) return std::nullopt;
    entry.outcome = *outcome;
    entry.seconds = line.value("seconds", 0.0);
    entry.message = line.value("message", "");
    if (line.contains("properties")) {
      for (const auto& pair : line["properties"]) entry.properties.emplace_back(pair.at(0), pair.at(1));
    }
    return entry;
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;
  }
}

JournalState read_journal_text(std::string_view text) {
  JournalState state;
  std::map<std::string, std::size_t> index;  // name -> position in state.finished
  std::vector<std::pair<std::string, int>> open;  // started, not ended: how many times
  std::istringstream lines{std::string(text)};
  for (std::string line; std::getline(lines, line);) {
    auto entry = parse_journal_line(line);
    if (!entry) continue;
    auto pending = std::find_if(open.begin(), open.end(), [&](const auto& o) { return o.first == entry->name; });
    if (!entry->finished) {
      // A start after an unfinished start: the run died in this test before.
      if (pending != open.end()) ++pending->second;
      else open.emplace_back(entry->name, 1);
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

Status Journal::append(const JournalEntry& entry) {
  std::string line = journal_line(entry) + "\n";
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

std::string results_json(const std::vector<JournalEntry>& entries, const Properties& context) {
  nlohmann::ordered_json root;
  int failures = 0;
  for (const JournalEntry& entry : entries) failures += entry.outcome != Outcome::Pass && entry.outcome != Outcome::Skip;
  root["tests"] = entries.size();
  root["failures"] = failures;
  root["disabled"] = 0;
  root["errors"] = 0;
  root["timestamp"] = entries.empty() ? iso_timestamp_now() : entries.front().started;
  for (const auto& [key, value] : context) root[key] = value;
  root["name"] = "AllTests";

  nlohmann::ordered_json suites = nlohmann::ordered_json::array();
  std::map<std::string, std::size_t> suite_index;
  for (const JournalEntry& entry : entries) {
    auto dot = entry.name.find('.');
    std::string suite = entry.name.substr(0, dot);
    auto it = suite_index.find(suite);
    if (it == suite_index.end()) {
      it = suite_index.emplace(suite, suites.size()).first;
      suites.push_back({{"name", suite}, {"testsuite", nlohmann::ordered_json::array()}});
    }
    nlohmann::ordered_json test;
    test["name"] = entry.name.substr(dot + 1);
    test["status"] = "RUN";
    test["result"] = entry.outcome == Outcome::Skip      ? "SKIPPED"
                     : entry.outcome == Outcome::Crash   ? "CRASH"
                     : entry.outcome == Outcome::Timeout ? "TIMEOUT"
                                                         : "COMPLETED";
    char seconds[32];
    std::snprintf(seconds, sizeof seconds, "%.3fs", entry.seconds);
    test["time"] = seconds;
    test["timestamp"] = entry.started;
    for (const auto& [key, value] : entry.properties) test[key] = value;
    if (entry.outcome == Outcome::Skip && !entry.message.empty()) {
      test["skipped"] = nlohmann::ordered_json::array({{{"message", entry.message}}});
    } else if (entry.outcome != Outcome::Pass && entry.outcome != Outcome::Skip) {
      test["failures"] = nlohmann::ordered_json::array({{{"failure", entry.message}, {"type", ""}}});
    }
    suites[it->second]["testsuite"].push_back(std::move(test));
  }
  root["testsuites"] = suites;
  return root.dump(2) + "\n";
}

}  // namespace fc
