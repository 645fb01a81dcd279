// SPDX-License-Identifier: MIT
// fencecheck-results reproducer on made-up traces: which calls it keeps, what
// it checks, and the traces it refuses (and why). tools/tests/reproducer_test.sh
// compiles and runs what it writes.
#include "results/reproducer.h"

#include <gtest/gtest.h>

namespace fc {
namespace {

// A run with one failed test whose trace is calls_json (harness/trace.h's "calls").
GtestRun traced(const std::string& calls_json, std::size_t dropped = 0) {
  GtestRun run;
  run.context = {{"kernel.release", "7.3-amd64"}, {"fencecheck.cell", "vgem@linux-7.3@mesa-22.3"}};
  run.results.push_back({"UdmabufCreate.Big",
                         Outcome::Fail,
                         "",
                         0.0,
                         "",
                         {{"description", "UDMABUF_CREATE refuses a big size."},
                          {"trace", "{\"dropped\":" + std::to_string(dropped) + ",\"calls\":[" + calls_json + "]}"}}});
  return run;
}

const std::string kOpen =
    R"({"call":"open","fd":-1,"args":{"flags":524290},"text":"/dev/udmabuf","ret":4,"ret_kind":"/dev/udmabuf"})";
const std::string kMemfd =
    R"({"call":"memfd_create","fd":-1,"args":{"flags":3},"text":"m","ret":5,"ret_kind":"memfd"})";
const std::string kSeal = R"({"call":"F_ADD_SEALS","fd":5,"fd_kind":"memfd","args":{"seals":2},"ret":0})";
const std::string kPoll = R"({"call":"poll","fd":5,"fd_kind":"memfd","args":{"events":1,"timeout_ms":0},"ret":1})";
const std::string kCreate =
    R"({"call":"UDMABUF_CREATE","fd":4,"fd_kind":"/dev/udmabuf","args":{"memfd":5,"flags":1,"offset":0,"size":1099511627776},"arg_kinds":{"memfd":"memfd"},"ret":-1,"errno":"ENOMEM","expected":"EINVAL"})";

TEST(Reproducer, KeepsWhatTheCheckDependsOnAndChecksItsErrno) {
  const GtestRun run = traced(kOpen + "," + kMemfd + "," + kPoll + "," + kSeal + "," + kCreate);
  const Reproducer made = make_reproducer(run, run.results[0]);
  ASSERT_TRUE(made.replayable) << made.why_not;
  EXPECT_NE(made.source.find("Replays 4 of the test's 5 traced calls"), std::string::npos) << made.source;
  EXPECT_EQ(made.source.find("poll("), std::string::npos) << "a read-only poll is left out:\n" << made.source;
  EXPECT_NE(made.source.find("fcntl(fd1, F_ADD_SEALS, F_SEAL_SHRINK)"), std::string::npos) << made.source;
  EXPECT_NE(made.source.find(".memfd = fd1, .flags = UDMABUF_FLAGS_CLOEXEC, .offset = 0, .size = 1099511627776ULL"),
            std::string::npos)
      << made.source;
  EXPECT_NE(made.source.find("ret, errno, EINVAL);"), std::string::npos) << made.source;
  EXPECT_NE(made.source.find("UDMABUF_CREATE refuses a big size."), std::string::npos) << "its description";
}

TEST(Reproducer, ADrmNodeIsFoundByItsDriver) {
  const std::string open =
      R"({"call":"open","fd":-1,"args":{"flags":524290},"text":"/dev/dri/card0","ret":3,"ret_kind":"DRM node vgem"})";
  const std::string cap =
      R"({"call":"DRM_IOCTL_GET_CAP","fd":3,"fd_kind":"DRM node vgem","args":{"capability":99},"ret":-1,"errno":"EINVAL","expected":"EINVAL"})";
  const GtestRun run = traced(open + "," + cap);
  const Reproducer made = make_reproducer(run, run.results[0]);
  ASSERT_TRUE(made.replayable) << made.why_not;
  EXPECT_NE(made.source.find("open_drm(\"vgem\")"), std::string::npos) << made.source;
  EXPECT_NE(made.source.find("#define DRM_IOCTL_GET_CAP"), std::string::npos) << "the DRM uAPI it uses, defined";
}

TEST(Reproducer, RefusesTracesItCannotReplaySayingWhy) {
  auto why = [](const GtestRun& run) {
    const Reproducer made = make_reproducer(run, run.results[0]);
    EXPECT_FALSE(made.replayable);
    return made.why_not;
  };
  const std::string threaded =
      R"({"call":"poll","fd":5,"fd_kind":"memfd","args":{"events":1,"timeout_ms":0},"ret":1,"thread":1})";
  EXPECT_NE(why(traced(kMemfd + "," + threaded + "," + kCreate)).find("more than one thread"), std::string::npos);
  const std::string epoll_create =
      R"({"call":"epoll_create1","fd":-1,"args":{"flags":524288},"ret":6,"ret_kind":"epoll"})";
  const std::string epoll_wait =
      R"({"call":"epoll_wait","fd":6,"fd_kind":"epoll","args":{},"ret":0,"expected":"success"})";
  EXPECT_NE(why(traced(epoll_create + "," + epoll_wait)).find("epoll_create1 has no C form"), std::string::npos);
  EXPECT_NE(why(traced(kOpen + "," + kMemfd, 7)).find("cut (7 calls"), std::string::npos);
  const std::string unchecked = why(traced(kOpen + "," + kMemfd + "," + kSeal));
  EXPECT_NE(unchecked.find("none of the test's checks"), std::string::npos) << unchecked;
  EXPECT_NE(unchecked.find("F_ADD_SEALS(seals=2) on fd 5 (memfd) -> 0"), std::string::npos)
      << "the calls, as manual steps:\n"
      << unchecked;
  GtestRun bare = traced(kCreate);
  bare.results[0].properties.clear();
  EXPECT_NE(why(bare).find("no ioctl trace"), std::string::npos);
}

}  // namespace
}  // namespace fc
