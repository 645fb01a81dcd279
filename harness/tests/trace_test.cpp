// SPDX-License-Identifier: MIT
// The ioctl trace (harness/trace.h) on calls that need no DRM: what a traced
// call records (name, descriptor and its kind, arguments, result, errno), the
// check a test puts on it, closes, threads, the cap, and its JSON.
#include <sys/eventfd.h>

#include <gtest/gtest.h>

#include <thread>

#include "harness/tests/pipe.h"
#include "harness/trace.h"
#include "harness/uapi.h"

namespace fc {
namespace {

// Recording for one test of this file: started here, stopped when it ends.
class TraceTest : public ::testing::Test {
 protected:
  void SetUp() override { trace::start(); }
  void TearDown() override {
    if (trace::recording()) (void)trace::stop();
  }
};

TEST_F(TraceTest, NothingIsRecordedWhenOff) {
  (void)trace::stop();
  Pipe pipe;
  (void)uapi::is_busy(pipe.reader.borrow(), POLLIN);
  trace::start();
  EXPECT_TRUE(trace::stop().entries.empty());
}

TEST_F(TraceTest, ACallRecordsItsDescriptorKindArgumentsResultAndErrno) {
  UniqueFd event(::eventfd(0, EFD_CLOEXEC));
  ASSERT_TRUE(event.valid());
  EXPECT_EQ(uapi::export_sync_file(event.borrow(), Access::Read).error(), ENOTTY);
  trace::Trace recorded = trace::stop();
  ASSERT_EQ(recorded.entries.size(), 1u);
  const trace::Entry& call = recorded.entries[0];
  EXPECT_EQ(call.call, "DMA_BUF_IOCTL_EXPORT_SYNC_FILE");
  EXPECT_EQ(call.fd, event.get());
  EXPECT_EQ(call.fd_kind, "eventfd");
  ASSERT_EQ(call.args.size(), 1u);
  EXPECT_STREQ(call.args[0].name, "flags");
  EXPECT_EQ(call.args[0].value, 1u);
  EXPECT_EQ(call.ret, -1);
  EXPECT_EQ(call.error, ENOTTY);
  EXPECT_EQ(call.expected, -1) << "no check was made on it";
}

TEST_F(TraceTest, TheCheckGoesOnTheLastCallNotOnTheCloseAfterIt) {
  Pipe pipe;
  {
    UniqueFd event(::eventfd(0, EFD_CLOEXEC));
    (void)uapi::export_sync_file(event.borrow(), Access::Write);
  }  // closed here: a scope's cleanup, after the call the test judges
  const std::optional<trace::Entry> judged = trace::expect_errno(ENOTTY);
  ASSERT_TRUE(judged.has_value());
  EXPECT_EQ(judged->call, "DMA_BUF_IOCTL_EXPORT_SYNC_FILE");
  trace::Trace recorded = trace::stop();
  ASSERT_EQ(recorded.entries.size(), 2u);
  EXPECT_EQ(recorded.entries[0].expected, ENOTTY);
  EXPECT_EQ(recorded.entries[1].call, "close");
  EXPECT_EQ(recorded.entries[1].fd_kind, "eventfd") << "a close says what it closed, looked up before it";
}

TEST_F(TraceTest, APollRecordsItsEventsAndRevents) {
  Pipe pipe;
  ASSERT_EQ(::write(pipe.writer.get(), "x", 1), 1);
  ASSERT_TRUE(uapi::poll_fd(pipe.reader.borrow(), POLLIN, Deadline::now()).ok());
  trace::Trace recorded = trace::stop();
  ASSERT_EQ(recorded.entries.size(), 1u);
  EXPECT_EQ(recorded.entries[0].call, "poll");
  EXPECT_EQ(recorded.entries[0].ret, POLLIN);
  EXPECT_TRUE(recorded.entries[0].fd_kind.starts_with("pipe:")) << recorded.entries[0].fd_kind;
}

TEST_F(TraceTest, CallsFromAnotherThreadSayWhichThread) {
  UniqueFd event(::eventfd(0, EFD_CLOEXEC));
  (void)uapi::is_busy(event.borrow(), POLLIN);
  std::thread([&] { (void)uapi::is_busy(event.borrow(), POLLIN); }).join();
  trace::Trace recorded = trace::stop();
  ASSERT_EQ(recorded.entries.size(), 2u);
  EXPECT_EQ(recorded.entries[0].thread, 0u);
  EXPECT_EQ(recorded.entries[1].thread, 1u);
}

TEST_F(TraceTest, ALongTraceIsCutAndCountsWhatItDropped) {
  UniqueFd event(::eventfd(0, EFD_CLOEXEC));
  for (std::size_t i = 0; i < trace::kMaxEntries + 5; ++i) (void)uapi::is_busy(event.borrow(), POLLIN);
  trace::Trace recorded = trace::stop();
  EXPECT_EQ(recorded.entries.size(), trace::kMaxEntries);
  EXPECT_EQ(recorded.dropped, 5u);
}

TEST_F(TraceTest, JsonCarriesEveryFieldAndEscapesText) {
  UniqueFd event(::eventfd(0, EFD_CLOEXEC));
  (void)uapi::sync_file_merge(event.borrow(), event.borrow(), "a \"quoted\"\nname");
  (void)trace::expect_errno(EINVAL);
  const std::string json = trace::to_json(trace::stop());
  EXPECT_NE(json.find("\"call\":\"SYNC_IOC_MERGE\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"fd_kind\":\"eventfd\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"arg_kinds\":{\"fd2\":\"eventfd\"}"), std::string::npos) << json;
  EXPECT_NE(json.find("\"text\":\"a \\\"quoted\\\"\\nname\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"errno\":\"ENOTTY\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"expected\":\"EINVAL\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"dropped\":0"), std::string::npos) << json;
}

}  // namespace
}  // namespace fc
