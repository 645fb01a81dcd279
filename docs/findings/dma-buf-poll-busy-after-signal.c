// SPDX-License-Identifier: MIT
/*
 * poll() on a dma-buf can report "busy" after every fence on it has
 * signalled: a standalone reproducer (docs/findings/dma-buf-poll-busy-after-signal.md).
 *
 * Needs a C compiler, the kernel's uAPI headers (linux-libc-dev) and a kernel
 * with vgem (modprobe vgem) and EXPORT_SYNC_FILE (Linux >= 6.0). Run as root
 * (it opens vgem's primary node for dumb buffers):
 *
 *   cc -O2 -Wall -o poll-after-signal dma-buf-poll-busy-after-signal.c
 *   ./poll-after-signal [-n ITERATIONS] [-c CALLBACKS]
 *
 * Each iteration is the capture recipe across two processes, as PipeWire hands
 * a buffer to a capture client while the GPU still writes it:
 *   1. a vgem buffer exported as a dma-buf, a vgem write fence attached;
 *   2. the receiver exports a sync_file (READ) and polls it, then polls the
 *      dma-buf (POLLIN): both pending, and each poll leaves a callback on the
 *      fence (the dma-buf's is shared by every poller of that buffer);
 *      with -c N it first polls N more sync_files of the same fence, so N
 *      more callbacks run between the two (this widens the window; it
 *      changes nothing else);
 *   3. the receiver blocks in poll(sync_file); the parent signals the fence;
 *   4. the moment its poll returns, the receiver polls the dma-buf with a zero
 *      timeout, then, if that said busy, waits on it (bounded) to see it
 *      become ready.
 * Step 4's zero-timeout poll says busy when it runs before the fence's
 * signalling path has reached the dma-buf's own callback: dma_buf_poll()
 * (drivers/dma-buf/dma-buf.c) answers "not ready" while that callback is
 * still armed (dcb->active), without looking at the fences.
 *
 * Output: one line per outcome count. Exit status 0 if no zero-timeout poll
 * said busy, 1 if one did (the behaviour reproduced), 2 if a dma-buf that said
 * busy stayed busy past 5 s or a step failed, 77 if there is no vgem.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/dma-buf.h>
#include <linux/ioctl.h>

/* DRM and vgem uAPI (include/uapi/drm/drm.h, drm_mode.h, vgem_drm.h), which
 * linux-libc-dev does not ship: the few structs and numbers used here. */
struct drm_version {
  int version_major, version_minor, version_patchlevel;
  size_t name_len;
  char* name;
  size_t date_len;
  char* date;
  size_t desc_len;
  char* desc;
};
struct drm_mode_create_dumb {
  uint32_t height, width, bpp, flags, handle, pitch;
  uint64_t size;
};
struct drm_prime_handle {
  uint32_t handle, flags;
  int32_t fd;
};
struct drm_mode_destroy_dumb {
  uint32_t handle;
};
struct drm_vgem_fence_attach {
  uint32_t handle, flags, out_fence, pad;
};
struct drm_vgem_fence_signal {
  uint32_t fence, flags;
};
#define DRM_IOCTL_BASE 'd'
#define DRM_COMMAND_BASE 0x40
#define DRM_IOCTL_VERSION _IOWR(DRM_IOCTL_BASE, 0x00, struct drm_version)
#define DRM_IOCTL_PRIME_HANDLE_TO_FD _IOWR(DRM_IOCTL_BASE, 0x2d, struct drm_prime_handle)
#define DRM_IOCTL_MODE_CREATE_DUMB _IOWR(DRM_IOCTL_BASE, 0xB2, struct drm_mode_create_dumb)
#define DRM_IOCTL_MODE_DESTROY_DUMB _IOWR(DRM_IOCTL_BASE, 0xB4, struct drm_mode_destroy_dumb)
#define DRM_IOCTL_VGEM_FENCE_ATTACH _IOWR(DRM_IOCTL_BASE, DRM_COMMAND_BASE + 0x01, struct drm_vgem_fence_attach)
#define DRM_IOCTL_VGEM_FENCE_SIGNAL _IOW(DRM_IOCTL_BASE, DRM_COMMAND_BASE + 0x02, struct drm_vgem_fence_signal)
#define VGEM_FENCE_WRITE 0x1
#define DRM_CLOEXEC O_CLOEXEC
#define DRM_RDWR O_RDWR

static int64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int die(const char* what) {
  fprintf(stderr, "poll-after-signal: %s: %s\n", what, strerror(errno));
  return 2;
}

/* vgem's primary node (/dev/dri/cardN whose driver is "vgem"), or -1. */
static int open_vgem(void) {
  for (int i = 0; i < 16; i++) {
    char path[32], name[16] = "";
    snprintf(path, sizeof path, "/dev/dri/card%d", i);
    int fd = open(path, O_RDWR | O_CLOEXEC);
    if (fd < 0) continue;
    struct drm_version version = {.name_len = sizeof name - 1, .name = name};
    if (ioctl(fd, DRM_IOCTL_VERSION, &version) == 0 && strcmp(name, "vgem") == 0) return fd;
    close(fd);
  }
  return -1;
}

/* 1 if fd has none of events ready right now, 0 if it has, -1 on error. */
static int busy(int fd, short events) {
  struct pollfd entry = {.fd = fd, .events = events};
  int n = poll(&entry, 1, 0);
  if (n < 0) return -1;
  return n == 0;
}

static int export_read(int dmabuf) {
  struct dma_buf_export_sync_file arg = {.flags = DMA_BUF_SYNC_READ, .fd = -1};
  return ioctl(dmabuf, DMA_BUF_IOCTL_EXPORT_SYNC_FILE, &arg) == 0 ? arg.fd : -1;
}

/* What the receiver saw, sent back through a pipe. */
struct report {
  int error;           /* errno of a failed step, 0 if none */
  int step;            /* which step failed */
  int pending_before;  /* sync_file and dma-buf both pending before the signal */
  int busy_after_wake; /* the zero-timeout dma-buf poll right after the wake said busy */
  int settled;         /* the dma-buf then polled ready within 5 s */
  int64_t settle_ns;   /* how long that took */
};

static void receiver(int dmabuf, int callbacks, int ready_pipe, int report_pipe) {
  struct report r = {0};
  int sync_file = export_read(dmabuf);
  if (sync_file < 0) {
    r.error = errno;
    r.step = 1;
    goto out;
  }
  int a = busy(sync_file, POLLIN); /* the sync_file's callback: first on the fence */
  for (int i = 0; i < callbacks; i++) {
    int extra = export_read(dmabuf); /* kept open: closing it removes its callback */
    if (extra < 0 || busy(extra, POLLIN) < 0) {
      r.error = errno;
      r.step = 2;
      goto out;
    }
  }
  int b = busy(dmabuf, POLLIN); /* the dma-buf's callback: last on the fence */
  if (a < 0 || b < 0) {
    r.error = errno;
    r.step = 3;
    goto out;
  }
  r.pending_before = a && b;
  if (write(ready_pipe, "x", 1) != 1) {
    r.error = errno;
    r.step = 4;
    goto out;
  }

  struct pollfd entry = {.fd = sync_file, .events = POLLIN};
  int n = poll(&entry, 1, 5000);
  int after = busy(dmabuf, POLLIN); /* at once: nothing between the wake and this poll */
  if (n != 1 || after < 0) {
    r.error = n == 0 ? ETIMEDOUT : errno;
    r.step = 5;
    goto out;
  }
  r.busy_after_wake = after;
  if (after) {
    int64_t from = now_ns();
    struct pollfd buf = {.fd = dmabuf, .events = POLLIN};
    r.settled = poll(&buf, 1, 5000) == 1;
    r.settle_ns = now_ns() - from;
  } else {
    r.settled = 1;
  }
out:
  if (write(report_pipe, &r, sizeof r) != sizeof r) _exit(2);
  _exit(0);
}

int main(int argc, char** argv) {
  long iterations = 1000, callbacks = 0;
  int opt;
  while ((opt = getopt(argc, argv, "n:c:")) != -1) {
    if (opt == 'n')
      iterations = strtol(optarg, NULL, 10);
    else if (opt == 'c')
      callbacks = strtol(optarg, NULL, 10);
    else {
      fprintf(stderr, "usage: %s [-n ITERATIONS] [-c CALLBACKS]\n", argv[0]);
      return 2;
    }
  }
  if (callbacks > 0) { /* one descriptor per extra callback */
    struct rlimit limit;
    getrlimit(RLIMIT_NOFILE, &limit);
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
  }
  int vgem = open_vgem();
  if (vgem < 0) {
    fprintf(stderr, "poll-after-signal: no vgem (modprobe vgem; run as root)\n");
    return 77;
  }

  long pending = 0, busy_after = 0, never_settled = 0;
  int64_t settle_max = 0;
  for (long i = 0; i < iterations; i++) {
    struct drm_mode_create_dumb dumb = {.height = 1, .width = 1024, .bpp = 32};
    if (ioctl(vgem, DRM_IOCTL_MODE_CREATE_DUMB, &dumb)) return die("MODE_CREATE_DUMB");
    struct drm_prime_handle prime = {.handle = dumb.handle, .flags = DRM_CLOEXEC | DRM_RDWR};
    if (ioctl(vgem, DRM_IOCTL_PRIME_HANDLE_TO_FD, &prime)) return die("PRIME_HANDLE_TO_FD");
    struct drm_vgem_fence_attach attach = {.handle = dumb.handle, .flags = VGEM_FENCE_WRITE};
    if (ioctl(vgem, DRM_IOCTL_VGEM_FENCE_ATTACH, &attach)) return die("VGEM_FENCE_ATTACH");

    int ready[2], report[2];
    if (pipe2(ready, O_CLOEXEC) || pipe2(report, O_CLOEXEC)) return die("pipe");
    pid_t child = fork();
    if (child < 0) return die("fork");
    if (child == 0) receiver(prime.fd, (int)callbacks, ready[1], report[1]);
    char c;
    if (read(ready[0], &c, 1) != 1) return die("the receiver did not get ready");
    usleep(2000); /* let it block in poll(sync_file) */
    struct drm_vgem_fence_signal signal = {.fence = attach.out_fence};
    if (ioctl(vgem, DRM_IOCTL_VGEM_FENCE_SIGNAL, &signal)) return die("VGEM_FENCE_SIGNAL");
    struct report r;
    if (read(report[0], &r, sizeof r) != sizeof r) return die("no report from the receiver");
    waitpid(child, NULL, 0);
    if (r.error) {
      errno = r.error;
      fprintf(stderr, "poll-after-signal: receiver step %d: %s\n", r.step, strerror(errno));
      return 2;
    }
    pending += r.pending_before;
    busy_after += r.busy_after_wake;
    never_settled += !r.settled;
    if (r.settle_ns > settle_max) settle_max = r.settle_ns;
    close(ready[0]), close(ready[1]), close(report[0]), close(report[1]);
    close(prime.fd);
    struct drm_mode_destroy_dumb destroy = {.handle = dumb.handle};
    if (ioctl(vgem, DRM_IOCTL_MODE_DESTROY_DUMB, &destroy)) return die("MODE_DESTROY_DUMB");
  }
  printf("iterations: %ld (extra callbacks between the sync_file's and the dma-buf's: %ld)\n", iterations, callbacks);
  printf("pending before the signal (sync_file and dma-buf): %ld\n", pending);
  printf("dma-buf busy at once after the sync_file woke: %ld (%.3f%%)\n", busy_after,
         iterations ? 100.0 * busy_after / iterations : 0.0);
  printf("of those, ready within 5 s: %ld; slowest: %.3f ms\n", busy_after - never_settled, settle_max / 1e6);
  if (never_settled) return 2;
  return busy_after ? 1 : 0;
}
