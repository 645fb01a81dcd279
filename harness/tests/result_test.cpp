// SPDX-License-Identifier: MIT
// Result and Errno keep and name the exact errno.
#include "harness/result.h"

#include <gtest/gtest.h>

namespace fc {
namespace {

TEST(Errno, NamesTheConstant) {
  EXPECT_EQ(Errno{EINVAL}.name(), "EINVAL");
  EXPECT_EQ(Errno{ENOTTY}.name(), "ENOTTY");
  EXPECT_EQ(Errno{EBADF}.describe(), "EBADF (Bad file descriptor)");
}

TEST(Errno, UnknownValuesStillPrint) { EXPECT_EQ(Errno{100000}.name(), "errno 100000"); }

TEST(Result, HoldsAValueOrAnErrnoNeverBoth) {
  Result<int> good = 42;
  EXPECT_TRUE(good.ok());
  EXPECT_EQ(*good, 42);
  EXPECT_EQ(good.error(), 0);

  Result<int> bad = Errno{ENOTTY};
  EXPECT_FALSE(bad.ok());
  EXPECT_EQ(bad.error(), ENOTTY);
  EXPECT_EQ(describe(bad), "ENOTTY (Inappropriate ioctl for device)");
}

TEST(Status, DefaultIsSuccess) {
  Status ok;
  EXPECT_TRUE(ok.ok());
  Status failed = Errno{EBUSY};
  EXPECT_FALSE(failed.ok());
  EXPECT_EQ(failed.error(), EBUSY);
}

}  // namespace
}  // namespace fc
