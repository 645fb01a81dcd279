// The journal survives what kills runs: torn lines, tests that never ended,
// reruns; and turns back into a result file the tools read.
#include "runner/journal.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>

namespace fc {
namespace {

JournalEntry ended(std::string name, Outcome outcome, std::string message = "") {
  JournalEntry entry;
  entry.name = std::move(name);
  entry.finished = true;
  entry.outcome = outcome;
  entry.message = std::move(message);
  entry.seconds = 0.5;
  entry.started = "2026-11-25T20:00:00Z";
  entry.properties = {{"fence.after_submit", "1 fence: vgem/unbound active"}};
  return entry;
}

JournalEntry started(std::string name) {
  JournalEntry entry;
  entry.name = std::move(name);
  entry.started = "2026-11-25T20:00:00Z";
  return entry;
}

TEST(Journal, LinesRoundTrip) {
  JournalEntry entry = ended("Suite.Test/param", Outcome::Fail, "line one\n\"quoted\"");
  auto back = parse_journal_line(journal_line(entry));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->name, entry.name);
  EXPECT_TRUE(back->finished);
  EXPECT_EQ(back->outcome, Outcome::Fail);
  EXPECT_EQ(back->message, entry.message);
  EXPECT_EQ(back->properties, entry.properties);
  EXPECT_FALSE(parse_journal_line(journal_line(entry).substr(0, 20))) << "a torn line is not an entry";
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
  char path[] = "/tmp/fencecheck-journal-XXXXXX";
  int fd = ::mkstemp(path);
  ASSERT_GE(fd, 0);
  ::close(fd);
  {
    auto journal = Journal::open(path);
    ASSERT_TRUE(journal.ok()) << describe(journal);
    ASSERT_TRUE(journal->append(started("A.one")).ok());
    ASSERT_TRUE(journal->append(ended("A.one", Outcome::Skip, "no vgem")).ok());
  }
  auto state = read_journal(path);
  ::unlink(path);
  ASSERT_TRUE(state.ok());
  ASSERT_EQ(state->finished.size(), 1u);
  EXPECT_EQ(state->finished[0].outcome, Outcome::Skip);
  EXPECT_TRUE(read_journal("/nonexistent/journal").ok()) << "no journal yet: nothing done yet";
}

TEST(Journal, ResultsJsonIsReadByTheResultsTools) {
  std::vector<JournalEntry> entries = {ended("A.one", Outcome::Pass), ended("A.two", Outcome::Crash, "killed by signal 11"),
                                       ended("B.three", Outcome::Timeout, "no result within 60 s"),
                                       ended("B.four", Outcome::Skip, "no vgem")};
  std::string text = results_json(entries, {{"kernel.release", "6.1.0"}});
  std::string error;
  auto run = parse_gtest_json(text, error);
  ASSERT_TRUE(run) << error;
  ASSERT_EQ(run->results.size(), 4u);
  EXPECT_EQ(run->results[1].name, "A.two");
  EXPECT_EQ(run->results[1].outcome, Outcome::Crash);
  EXPECT_EQ(run->results[1].message, "killed by signal 11");
  EXPECT_EQ(run->results[2].outcome, Outcome::Timeout);
  EXPECT_EQ(run->results[3].outcome, Outcome::Skip);
  EXPECT_EQ(run->context["kernel.release"], "6.1.0");
  EXPECT_NE(find_property(run->properties["A.one"], "fence.after_submit"), nullptr);
}

}  // namespace
}  // namespace fc
