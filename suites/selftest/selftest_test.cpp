// SPDX-License-Identifier: MIT
// fencecheck-selftest: tests that misbehave ON PURPOSE, to prove the harness
// copes: a leaked descriptor or library object fails its test, a crash or a hang under
// --isolate is that test's CRASH or TIMEOUT and the run goes on, a wait on a
// fence that never signals fails at its deadline, a killed run resumes from
// its journal. They are not part of fencecheck; suites/selftest/check.sh and
// the VM lanes run them and check the outcomes.
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <thread>

#include "fixtures/assertions.h"
#include "fixtures/vgem_fixture.h"
#include "harness/held.h"
#include "runner/runner.h"

namespace fc {
namespace {

using namespace std::chrono_literals;

TEST(Selftest, LeaksAnEventfd) {
  int leaked = ::eventfd(0, EFD_CLOEXEC);  // never closed: the fd-leak listener must fail this test
  EXPECT_GE(leaked, 0);
}

TEST(SelftestLeak, LeaksAMemfd) {
  int leaked = ::memfd_create("fencecheck-selftest", MFD_CLOEXEC);  // never closed
  EXPECT_GE(leaked, 0);
}

// A library object the harness counts as made (harness/held.h) and never
// releases: the held-object listener must fail this test. (The VM's selftest
// boot leaks a real gbm_bo: FENCECHECK_SELFTEST_LEAK_BO.)
TEST(SelftestLeak, HoldsAGbmBoItNeverReleases) { note_made(Held::GbmBo); }

// A descriptor open before the test, replaced during it by another object on
// the same number: the listener compares objects (st_dev:st_ino), not numbers.
class SelftestSwap : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { held_ = ::memfd_create("fencecheck-selftest-held", MFD_CLOEXEC); }
  static void TearDownTestSuite() { ::close(held_); }
  static inline int held_ = -1;
};

TEST_F(SelftestSwap, ReplacesAnOpenMemfdWithAnotherOnTheSameNumber) {
  ASSERT_GE(held_, 0);
  ::close(held_);
  int replacement = ::memfd_create("fencecheck-selftest-held", MFD_CLOEXEC);
  EXPECT_EQ(replacement, held_) << "the lowest free number is the one just closed";
  held_ = replacement;
}

TEST(Selftest, Crashes) { ::raise(SIGSEGV); }

TEST(Selftest, Hangs) { std::this_thread::sleep_for(1h); }

// Passes, then its process exits 23 (as LeakSanitizer does after a complete
// result): under --isolate that is a crash, not the pass the journal shows.
TEST(Selftest, PassesThenItsProcessExits23) {
  std::atexit(+[] { std::_Exit(23); });
  SUCCEED();
}

TEST(Selftest, PassesAfterTheOthers) { SUCCEED(); }

// For a cell's resume loop (vm/lanes.sh run_resuming): one test takes every
// run it is in down, one only the first (it leaves a marker file at
// $FENCECHECK_SELFTEST_MARK), and the tests around them must keep their
// results.
TEST(SelftestResume, PassesFirst) { SUCCEED(); }
TEST(SelftestResume, TakesEveryRunDown) { ::raise(SIGSEGV); }
TEST(SelftestResume, TakesTheFirstRunDown) {
  const char* mark = std::getenv("FENCECHECK_SELFTEST_MARK");
  if (mark == nullptr) GTEST_SKIP() << "FENCECHECK_SELFTEST_MARK is not set";
  if (::access(mark, F_OK) != 0) {
    std::ofstream{mark} << "ran\n";
    ::raise(SIGSEGV);
  }
}
TEST(SelftestResume, PassesLast) { SUCCEED(); }

// Slow tests for the journal: each records that it completed.
class SelftestSlow : public ::testing::TestWithParam<int> {};
TEST_P(SelftestSlow, TakesAWhile) {
  std::this_thread::sleep_for(300ms);
  if (const char* log = std::getenv("FENCECHECK_SELFTEST_LOG")) {
    std::ofstream(log, std::ios::app) << ::testing::UnitTest::GetInstance()->current_test_info()->name() << "\n";
  }
}
INSTANTIATE_TEST_SUITE_P(Selftest, SelftestSlow, ::testing::Range(1, 7));

// On vgem (the VM's reference lane): a fence nobody signals. vgem would
// signal it after 10 s; the wait's deadline is 300 ms, so the test fails at
// about 300 ms with the kernel's word on the fence, and the next test runs.
class SelftestVgem : public VgemTest {};

TEST_F(SelftestVgem, WaitsOnAFenceThatNeverSignals) {
  FC_ASSERT_OK_AND_ASSIGN(VgemFence fence, buffer().attach_fence(FenceUsage::Write));
  FC_ASSERT_OK_AND_ASSIGN(UniqueFd sync_file, uapi::export_sync_file(dmabuf(), Access::Read));
  EXPECT_TRUE(signals_within(sync_file.borrow(), milliseconds(300), "the buffer's write fence"));
}

TEST_F(SelftestVgem, RunsAfterTheFailedWait) { SUCCEED(); }

TEST(SelftestVgemLeak, LeaksASyncFile) {
  // An idle dma-buf's export is a sync_file too: leaked, it fails the test.
  OpenedVgem vgem = VgemDevice::open_first(discover_drm_devices());
  FC_REQUIRE(vgem.probe);
  FC_ASSERT_OK_AND_ASSIGN(VgemBuffer buffer, VgemBuffer::create(*vgem.device));
  FC_ASSERT_OK_AND_ASSIGN(UniqueFd sync_file, uapi::export_sync_file(buffer.dmabuf(), Access::Read));
  (void)sync_file.release();  // the leak
}

}  // namespace
}  // namespace fc

int main(int argc, char** argv) { return fc::fencecheck_main(argc, argv); }
