/* fencecheck reproducer: UdmabufCreate.ASizeOverTheModulesLimitIsRefused
 *
 * What the test checks: UDMABUF_CREATE with a size far over udmabuf's
 * size_limit_mb is refused with EINVAL, without a kernel warning.
 * Traced on Linux 7.3-amd64, where it failed (cell vgem@linux-7.3@mesa-22.3,
 * fencecheck 0.1.0, commit e7c88f410a5e).
 *
 * Replays 5 of the test's 7 traced calls (those its checks depend on) on
 * the same kind of device and checks what the test checked (1 call):
 * exit 1 when the kernel answers otherwise, 0 when it answers as the
 * test expects, 77 when it cannot run here.
 * Build and run (as root): cc -Wall -Werror -o repro repro.c && ./repro
 * Written by fencecheck-results reproducer; needs only linux-libc-dev.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/dma-buf.h>
#include <linux/dma-heap.h>
#include <linux/sync_file.h>
#include <linux/udmabuf.h>

/* SYNC_IOC_SET_DEADLINE is Linux 6.5's; older headers lack it. */
#ifndef SYNC_IOC_SET_DEADLINE
struct sync_set_deadline {
  uint64_t deadline_ns, pad;
};
#define SYNC_IOC_SET_DEADLINE _IOW(SYNC_IOC_MAGIC, 5, struct sync_set_deadline)
#endif

static int failed;

static const char* errno_name(int err) {
  switch (err) {
    case 0: return "success";
    case EPERM: return "EPERM";
    case ENOENT: return "ENOENT";
    case EINTR: return "EINTR";
    case EIO: return "EIO";
    case EBADF: return "EBADF";
    case EAGAIN: return "EAGAIN";
    case ENOMEM: return "ENOMEM";
    case EACCES: return "EACCES";
    case EFAULT: return "EFAULT";
    case EBUSY: return "EBUSY";
    case EEXIST: return "EEXIST";
    case ENODEV: return "ENODEV";
    case EINVAL: return "EINVAL";
    case ENOTTY: return "ENOTTY";
    case ENOSPC: return "ENOSPC";
    case EPIPE: return "EPIPE";
    case E2BIG: return "E2BIG";
    case ENOSYS: return "ENOSYS";
    case ETIME: return "ETIME";
    case EBADFD: return "EBADFD";
    case EOPNOTSUPP: return "EOPNOTSUPP";
    case ETIMEDOUT: return "ETIMEDOUT";
    default: return "an errno";
  }
}

/* The test's check on one call: that it failed with `expected` (0: that it succeeded). */
static void expect(const char* call, long ret, int err, int expected) {
  int got = ret < 0 ? err : 0;
  if (got == expected) {
    printf("ok: %s: %s, as expected\n", call, errno_name(got));
    return;
  }
  if (got)
    printf("FAIL: %s failed with %s (%d, %s); expected %s\n", call, errno_name(got), got, strerror(got),
           expected ? errno_name(expected) : "it to succeed");
  else
    printf("FAIL: %s succeeded; expected %s\n", call, errno_name(expected));
  failed = 1;
}

/* A call the test needed to get there: it succeeded when traced, or this kernel cannot be judged here. */
static void setup(const char* call, long ret, int err) {
  if (ret >= 0) return;
  printf("cannot reproduce here: %s failed with %s (%s)\n", call, errno_name(err), strerror(err));
  exit(77);
}

int main(void) {
  long ret;
  int fd0 = -1;
  int fd1 = -1;

  /* 1. open("/dev/udmabuf", flags=524290): when traced, returned 4 */
  {
    ret = open("/dev/udmabuf", O_RDWR | O_CLOEXEC);
    setup("open(\"/dev/udmabuf\", flags=524290)", ret, errno);
  }
  fd0 = (int)ret;
  /* 2. memfd_create("fencecheck-udmabuf", flags=3): when traced, returned 5 */
  {
    ret = memfd_create("fencecheck-udmabuf", MFD_CLOEXEC | MFD_ALLOW_SEALING);
    setup("memfd_create(\"fencecheck-udmabuf\", flags=3)", ret, errno);
  }
  fd1 = (int)ret;
  /* 3. ftruncate(length=65536) on fd 5 (memfd): when traced, returned 0 */
  {
    ret = ftruncate(fd1, 0x10000);
    setup("ftruncate(length=65536) on fd 5 (memfd)", ret, errno);
  }
  /* 4. F_ADD_SEALS(seals=2) on fd 5 (memfd): when traced, returned 0 */
  {
    ret = fcntl(fd1, F_ADD_SEALS, F_SEAL_SHRINK);
    setup("F_ADD_SEALS(seals=2) on fd 5 (memfd)", ret, errno);
  }
  /* 5. UDMABUF_CREATE(memfd=5 (memfd), flags=1, offset=0, size=1099511627776) on fd 4 (/dev/udmabuf): when traced,
   * ENOMEM */
  {
    struct udmabuf_create arg = {.memfd = fd1, .flags = UDMABUF_FLAGS_CLOEXEC, .offset = 0, .size = 1099511627776ULL};
    ret = ioctl(fd0, UDMABUF_CREATE, &arg);
    expect("UDMABUF_CREATE(memfd=5 (memfd), flags=1, offset=0, size=1099511627776) on fd 4 (/dev/udmabuf)", ret, errno,
           EINVAL);
  }
  (void)fd0;
  (void)fd1;
  (void)ret;
  if (failed) {
    printf("%s\n", "the kernel does not do what UdmabufCreate.ASizeOverTheModulesLimitIsRefused expects");
    return 1;
  }
  printf("the kernel answered every check as the test expects\n");
  return 0;
}
