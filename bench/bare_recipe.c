// SPDX-License-Identifier: MIT
/*
 * The common consumer recipe as a consumer writes it in plain C, with no
 * harness around it: EXPORT_SYNC_FILE(READ), poll the sync_file without
 * waiting, close it. The benchmarks run it beside the harness's own version
 * to show what the harness's wrappers cost. Part of the uapi layer: the only
 * other place that calls ioctl()/poll() on dma-bufs.
 */
#include "bench/bare_recipe.h"

#include <errno.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/dma-buf.h>

int fc_bare_recipe(int dmabuf) {
  struct dma_buf_export_sync_file arg = {.flags = DMA_BUF_SYNC_READ, .fd = -1};
  if (ioctl(dmabuf, DMA_BUF_IOCTL_EXPORT_SYNC_FILE, &arg) != 0) return -errno;
  struct pollfd entry = {.fd = arg.fd, .events = POLLIN};
  int ready = poll(&entry, 1, 0);
  int err = ready < 0 ? -errno : 0;
  close(arg.fd);
  return err != 0 ? err : ready;
}
