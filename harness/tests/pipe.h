// SPDX-License-Identifier: MIT
// A pipe for the unit tests of waits: poll() on its ends reports what a
// descriptor can report (ready, nothing, POLLHUP, POLLERR) without DRM.
#pragma once

#include <fcntl.h>
#include <unistd.h>

#include "harness/fd.h"

namespace fc {

struct Pipe {
  UniqueFd reader, writer;
  Pipe() {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) == 0) {
      reader.reset(fds[0]);
      writer.reset(fds[1]);
    }
  }
};

}  // namespace fc
