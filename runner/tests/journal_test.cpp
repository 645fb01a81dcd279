// SPDX-License-Identifier: MIT
// The journal survives what kills runs: torn lines, tests that never ended,
// reruns; and turns back into a result file the tools read.
#include "runner/journal.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace fc {
namespace {

JournalEvent ended(std::string name, Outcome outcome, std::string message = "") {
  JournalEvent event{true, {}};
  TestRecord& entry = event.record;
  entry.name = std::move(name);
  entry.outcome = outcome;
  entry.message = std::move(message);
  entry.seconds = 0.5;
  entry.started = "2026-11-25T20:00:00Z";
  entry.properties = {{"fence.after_submit", "1 fence: vgem/unbound active"}};
  return event;
}

JournalEvent started(std::string name) {
  JournalEvent event;
  event.record.name = std::move(name);
  event.record.started = "2026-11-25T20:00:00Z";
  return event;
}

TEST(Journal, LinesRoundTrip) {
  JournalEvent event = ended("Suite.Test/param", Outcome::Fail, "line one\n\"quoted\"");
  auto back = parse_journal_line(journal_line(event));
  ASSERT_TRUE(back);
  EXPECT_TRUE(back->finished);
  EXPECT_EQ(back->record.name, event.record.name);
  EXPECT_EQ(back->record.outcome, Outcome::Fail);
  EXPECT_EQ(back->record.message, event.record.message);
  EXPECT_EQ(back->record.properties, event.record.properties);
  EXPECT_FALSE(parse_journal_line(journal_line(event).substr(0, 20))) << "a torn line is not an entry";
}

TEST(Journal, StateKnowsFinishedAndInterruptedTestsAndSkipsATornLastLine) {
  std::string text = journal_line(started("A.one")) + "\n" + journal_line(ended("A.one", Outcome::Pass)) + "\n" +
                     journal_line(started("A.two")) + "\n" + journal_line(ended("A.two", Outcome::Fail)).substr(0, 30);
  JournalState state = read_journal_text(text);
  ASSERT_EQ(state.finished.size(), 1u);
  EXPECT_EQ(state.finished[0].name, "A.one");
  ASSERT_EQ(state.interrupted.size(), 1u);
  EXPECT_EQ(state.interrupted[0], std::make_pair(std::string("A.two"), 1));
}

TEST(Journal, CountsHowManyRunsDiedInTheSameTest) {
  std::string text = journal_line(started("A.one")) + "\n" + journal_line(started("A.one")) + "\n" +
                     journal_line(started("A.two")) + "\n" + journal_line(ended("A.two", Outcome::Pass)) + "\n";
  JournalState state = read_journal_text(text);
  ASSERT_EQ(state.interrupted.size(), 1u);
  EXPECT_EQ(state.interrupted[0], std::make_pair(std::string("A.one"), 2));
}

TEST(Journal, ARerunsResultReplacesTheEarlierOne) {
  std::string text = journal_line(ended("A.one", Outcome::Crash)) + "\n" + journal_line(ended("A.one", Outcome::Pass));
  JournalState state = read_journal_text(text);
  ASSERT_EQ(state.finished.size(), 1u);
  EXPECT_EQ(state.finished[0].outcome, Outcome::Pass);
}

TEST(Journal, AppendsDurablyAndReadsBack) {
  std::string path = (std::filesystem::temp_directory_path() / "fencecheck-journal-XXXXXX").string();
  int fd = ::mkstemp(path.data());
  ASSERT_GE(fd, 0);
  ::close(fd);
  {
    auto journal = Journal::open(path);
    ASSERT_TRUE(journal.ok()) << describe(journal);
    ASSERT_TRUE(journal->append_start("A.one", "2026-11-25T20:00:00Z").ok());
    ASSERT_TRUE(journal->append_end(ended("A.one", Outcome::Skip, "no vgem").record).ok());
  }
  auto state = read_journal(path);
  ::unlink(path.c_str());
  ASSERT_TRUE(state.ok());
  ASSERT_EQ(state->finished.size(), 1u);
  EXPECT_EQ(state->finished[0].outcome, Outcome::Skip);
  EXPECT_TRUE(read_journal("/nonexistent/journal").ok()) << "no journal yet: nothing done yet";
}

}  // namespace
}  // namespace fc
