// SPDX-License-Identifier: MIT
// The results journal: one JSON line per event, appended and fsync'd as each
// test starts and ends, so a crash, a SIGINT or a machine reset leaves every
// finished result on disk, and the test that was running when it happened
// identifiable. --resume reads it back and runs only what is missing.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/fd.h"
#include "harness/result.h"
#include "results/record.h"

namespace fc {

// One line of the journal: a test started (record.name and record.started
// only), or it ended with record.
struct JournalEvent {
  bool finished = false;
  TestRecord record;
};

// What a journal says happened: the last word on each test, in first-seen order.
struct JournalState {
  std::vector<TestRecord> finished;
  // Tests that started but never finished, with how many times in a row that
  // happened: the run died in them (once: maybe a kill or a reset from
  // outside; twice: the test itself takes the run down).
  std::vector<std::pair<std::string, int>> interrupted;
};

// One event as its line (no newline), and back. A malformed line is nullopt
// (a torn last line after a crash is expected and skipped).
[[nodiscard]] std::string journal_line(const JournalEvent& event);
[[nodiscard]] std::optional<JournalEvent> parse_journal_line(std::string_view line);
[[nodiscard]] JournalState read_journal_text(std::string_view text);

class Journal {
 public:
  // Opens (creating, appending) the journal at path.
  [[nodiscard]] static Result<Journal> open(const std::string& path);
  // Appends one line and fsyncs it: a test started, or a test ended with record.
  [[nodiscard]] Status append_start(const std::string& name, const std::string& started);
  [[nodiscard]] Status append_end(const TestRecord& record);
  [[nodiscard]] const std::string& path() const { return path_; }

 private:
  [[nodiscard]] Status append(const JournalEvent& event);
  Journal(UniqueFd fd, std::string path) : fd_(std::move(fd)), path_(std::move(path)) {}
  UniqueFd fd_;
  std::string path_;
};

// Reads the journal at path; a missing file is an empty journal.
[[nodiscard]] Result<JournalState> read_journal(const std::string& path);

// Now, as ISO 8601 UTC ("2026-11-25T21:37:24Z").
[[nodiscard]] std::string iso_timestamp_now();

}  // namespace fc
