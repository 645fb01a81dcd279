// The results journal: one JSON line per event, appended and fsync'd as each
// test starts and ends, so a crash, a SIGINT or a machine reset leaves every
// finished result on disk, and the test that was running when it happened
// identifiable. --resume reads it back and runs only what is missing.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "results/expectations.h"
#include "harness/fd.h"
#include "results/gtest_json.h"
#include "harness/result.h"

namespace fc {

struct JournalEntry {
  std::string name;
  bool finished = false;  // false: the test started (and, unless a later line says so, never ended)
  Outcome outcome = Outcome::Pass;
  std::string message;
  double seconds = 0;
  std::string started;  // ISO 8601, UTC
  Properties properties;
};

// What a journal says happened: the last word on each test, in first-seen order.
struct JournalState {
  std::vector<JournalEntry> finished;
  // Tests that started but never finished, with how many times in a row that
  // happened: the run died in them (once: maybe a kill or a reset from
  // outside; twice: the test itself takes the run down).
  std::vector<std::pair<std::string, int>> interrupted;
};

// One entry as its line (no newline), and back. A malformed line is nullopt
// (a torn last line after a crash is expected and skipped).
[[nodiscard]] std::string journal_line(const JournalEntry& entry);
[[nodiscard]] std::optional<JournalEntry> parse_journal_line(std::string_view line);
[[nodiscard]] JournalState read_journal_text(std::string_view text);

class Journal {
 public:
  // Opens (creating, appending) the journal at path.
  [[nodiscard]] static Result<Journal> open(const std::string& path);
  // Appends one line and fsyncs it.
  [[nodiscard]] Status append(const JournalEntry& entry);
  [[nodiscard]] const std::string& path() const { return path_; }

 private:
  Journal(UniqueFd fd, std::string path) : fd_(std::move(fd)), path_(std::move(path)) {}
  UniqueFd fd_;
  std::string path_;
};

// Reads the journal at path; a missing file is an empty journal.
[[nodiscard]] Result<JournalState> read_journal(const std::string& path);

// A gtest-style JSON result (what --gtest_output=json writes, with
// "result": "CRASH" or "TIMEOUT" where a test never reported) from journal
// entries and the run's context: what fencecheck-results reads.
[[nodiscard]] std::string results_json(const std::vector<JournalEntry>& entries, const Properties& context);

// Now, as ISO 8601 UTC ("2026-11-25T21:37:24Z").
[[nodiscard]] std::string iso_timestamp_now();

}  // namespace fc
