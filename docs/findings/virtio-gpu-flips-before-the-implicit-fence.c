// SPDX-License-Identifier: MIT
/*
 * An atomic page flip on virtio_gpu does not wait for the framebuffer's
 * implicit write fence: a standalone reproducer
 * (docs/findings/virtio-gpu-flips-before-the-implicit-fence.md).
 *
 * Needs a C compiler, the DRM uAPI headers (Debian ships them with libdrm-dev;
 * no libdrm library is linked), a virtio-gpu KMS device on /dev/dri/card0 with
 * nothing else its DRM master, and vgem (modprobe vgem) for a fence that stays
 * pending until this program signals it. Linux >= 6.0 (IMPORT_SYNC_FILE):
 *
 *   cc -O2 -Wall $(pkg-config --cflags libdrm) -o flip-before-fence \
 *      virtio-gpu-flips-before-the-implicit-fence.c
 *   ./flip-before-fence [CARD]
 *
 * It lights the first connected connector with one dumb framebuffer, then
 * imports a pending vgem write fence into a second framebuffer's dma-buf
 * (DMA_BUF_IOCTL_IMPORT_SYNC_FILE, WRITE): what a compositor's buffer looks
 * like while the client's GPU still draws it. A nonblocking commit flips to
 * it with OUT_FENCE_PTR and a flip event. A driver that honours implicit
 * fences sends nothing until the fence signals (200 ms here, then the program
 * signals it). Exit status: 0 when the flip waited, 1 when it came first, 2
 * when the setup failed.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include <drm.h>
#include <drm_mode.h>
#include <linux/dma-buf.h>

/* include/uapi/drm/vgem_drm.h (Debian ships no copy). */
struct vgem_fence_attach {
  uint32_t handle, flags, out_fence, pad;
};
struct vgem_fence_signal {
  uint32_t fence, flags;
};
#define VGEM_FENCE_WRITE 0x1
#define VGEM_FENCE_ATTACH DRM_IOWR(DRM_COMMAND_BASE + 0x1, struct vgem_fence_attach)
#define VGEM_FENCE_SIGNAL DRM_IOW(DRM_COMMAND_BASE + 0x2, struct vgem_fence_signal)

static void die(const char* what) {
  fprintf(stderr, "%s: %s\n", what, strerror(errno));
  exit(2);
}

static int xioctl(int fd, unsigned long request, void* arg) {
  int ret;
  do ret = ioctl(fd, request, arg);
  while (ret == -1 && (errno == EINTR || errno == EAGAIN));
  return ret;
}

static uint64_t now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

/* The id of the property called name on an object (0: none). */
static uint32_t property(int fd, uint32_t object, uint32_t type, const char* name, uint64_t* value) {
  uint32_t ids[64];
  uint64_t values[64];
  struct drm_mode_obj_get_properties props = {.props_ptr = (uintptr_t)ids,
                                              .prop_values_ptr = (uintptr_t)values,
                                              .count_props = 64,
                                              .obj_id = object,
                                              .obj_type = type};
  if (xioctl(fd, DRM_IOCTL_MODE_OBJ_GETPROPERTIES, &props)) die("DRM_IOCTL_MODE_OBJ_GETPROPERTIES");
  for (uint32_t i = 0; i < props.count_props && i < 64; i++) {
    struct drm_mode_get_property p = {.prop_id = ids[i]};
    if (xioctl(fd, DRM_IOCTL_MODE_GETPROPERTY, &p)) die("DRM_IOCTL_MODE_GETPROPERTY");
    if (!strcmp(p.name, name)) {
      if (value) *value = values[i];
      return ids[i];
    }
  }
  return 0;
}

/* A dumb framebuffer of w x h; its GEM handle in *handle. */
static uint32_t framebuffer(int fd, uint32_t w, uint32_t h, uint32_t* handle) {
  struct drm_mode_create_dumb dumb = {.width = w, .height = h, .bpp = 32};
  if (xioctl(fd, DRM_IOCTL_MODE_CREATE_DUMB, &dumb)) die("DRM_IOCTL_MODE_CREATE_DUMB");
  struct drm_mode_fb_cmd2 fb = {.width = w, .height = h, .pixel_format = 0x34325258 /* XR24 */};
  fb.handles[0] = dumb.handle;
  fb.pitches[0] = dumb.pitch;
  if (xioctl(fd, DRM_IOCTL_MODE_ADDFB2, &fb)) die("DRM_IOCTL_MODE_ADDFB2");
  *handle = dumb.handle;
  return fb.fb_id;
}

/* A sync_file holding a pending vgem write fence; its id in *fence. */
static int pending_fence(int vgem, uint32_t* fence) {
  struct drm_mode_create_dumb dumb = {.width = 1, .height = 1, .bpp = 32};
  if (xioctl(vgem, DRM_IOCTL_MODE_CREATE_DUMB, &dumb)) die("vgem DRM_IOCTL_MODE_CREATE_DUMB");
  struct vgem_fence_attach attach = {.handle = dumb.handle, .flags = VGEM_FENCE_WRITE};
  if (xioctl(vgem, VGEM_FENCE_ATTACH, &attach)) die("VGEM_FENCE_ATTACH");
  struct drm_prime_handle prime = {.handle = dumb.handle, .flags = O_CLOEXEC | O_RDWR};
  if (xioctl(vgem, DRM_IOCTL_PRIME_HANDLE_TO_FD, &prime)) die("vgem DRM_IOCTL_PRIME_HANDLE_TO_FD");
  struct dma_buf_export_sync_file exported = {.flags = DMA_BUF_SYNC_READ, .fd = -1};
  if (xioctl(prime.fd, DMA_BUF_IOCTL_EXPORT_SYNC_FILE, &exported)) die("DMA_BUF_IOCTL_EXPORT_SYNC_FILE");
  close(prime.fd);
  *fence = attach.out_fence;
  return exported.fd;
}

static int open_vgem(void) {
  for (int i = 0; i < 16; i++) {
    char path[32], name[16] = "";
    snprintf(path, sizeof path, "/dev/dri/card%d", i);
    int fd = open(path, O_RDWR | O_CLOEXEC);
    if (fd < 0) continue;
    struct drm_version v = {.name = name, .name_len = sizeof name - 1};
    if (!xioctl(fd, DRM_IOCTL_VERSION, &v) && !strcmp(name, "vgem")) return fd;
    close(fd);
  }
  errno = ENODEV;
  die("no vgem (modprobe vgem)");
  return -1;
}

int main(int argc, char** argv) {
  const char* card = argc > 1 ? argv[1] : "/dev/dri/card0";
  int fd = open(card, O_RDWR | O_CLOEXEC);
  if (fd < 0) die(card);
  struct drm_set_client_cap atomic = {.capability = DRM_CLIENT_CAP_ATOMIC, .value = 1};
  if (xioctl(fd, DRM_IOCTL_SET_CLIENT_CAP, &atomic)) die("DRM_CLIENT_CAP_ATOMIC");
  int vgem = open_vgem();

  /* The first CRTC, the first connected connector and its first mode. */
  uint32_t crtcs[8], connectors[8];
  struct drm_mode_card_res res = {.crtc_id_ptr = (uintptr_t)crtcs,
                                  .count_crtcs = 8,
                                  .connector_id_ptr = (uintptr_t)connectors,
                                  .count_connectors = 8};
  if (xioctl(fd, DRM_IOCTL_MODE_GETRESOURCES, &res) || !res.count_crtcs) die("DRM_IOCTL_MODE_GETRESOURCES");
  uint32_t connector = 0;
  struct drm_mode_modeinfo mode;
  for (uint32_t i = 0; i < res.count_connectors && i < 8 && !connector; i++) {
    struct drm_mode_modeinfo modes[32];
    struct drm_mode_get_connector c = {.connector_id = connectors[i], .modes_ptr = (uintptr_t)modes, .count_modes = 32};
    if (xioctl(fd, DRM_IOCTL_MODE_GETCONNECTOR, &c)) die("DRM_IOCTL_MODE_GETCONNECTOR");
    if (c.connection == 1 /* connected */ && c.count_modes) {
      connector = connectors[i];
      mode = modes[0];
    }
  }
  if (!connector) {
    errno = ENODEV;
    die("no connected connector");
  }
  /* The primary plane of CRTC 0. */
  uint32_t planes[16], plane = 0;
  struct drm_mode_get_plane_res pres = {.plane_id_ptr = (uintptr_t)planes, .count_planes = 16};
  if (xioctl(fd, DRM_IOCTL_MODE_GETPLANERESOURCES, &pres)) die("DRM_IOCTL_MODE_GETPLANERESOURCES");
  for (uint32_t i = 0; i < pres.count_planes && i < 16 && !plane; i++) {
    struct drm_mode_get_plane p = {.plane_id = planes[i]};
    uint64_t type = 0;
    if (xioctl(fd, DRM_IOCTL_MODE_GETPLANE, &p)) die("DRM_IOCTL_MODE_GETPLANE");
    if ((p.possible_crtcs & 1) && property(fd, planes[i], DRM_MODE_OBJECT_PLANE, "type", &type) && type == 1)
      plane = planes[i];
  }
  if (!plane) {
    errno = ENODEV;
    die("no primary plane");
  }
  uint32_t crtc = crtcs[0], w = mode.hdisplay, h = mode.vdisplay, shown_handle, next_handle;
  uint32_t shown = framebuffer(fd, w, h, &shown_handle), next = framebuffer(fd, w, h, &next_handle);

  /* Light it up, blocking. */
  struct drm_mode_create_blob blob = {.data = (uintptr_t)&mode, .length = sizeof mode};
  if (xioctl(fd, DRM_IOCTL_MODE_CREATEPROPBLOB, &blob)) die("DRM_IOCTL_MODE_CREATEPROPBLOB");
#define PLANE(name) property(fd, plane, DRM_MODE_OBJECT_PLANE, name, NULL)
  uint32_t objs[3] = {connector, crtc, plane}, counts[3] = {1, 2, 10};
  uint32_t props[13] = {property(fd, connector, DRM_MODE_OBJECT_CONNECTOR, "CRTC_ID", NULL),
                        property(fd, crtc, DRM_MODE_OBJECT_CRTC, "MODE_ID", NULL),
                        property(fd, crtc, DRM_MODE_OBJECT_CRTC, "ACTIVE", NULL),
                        PLANE("FB_ID"),
                        PLANE("CRTC_ID"),
                        PLANE("SRC_X"),
                        PLANE("SRC_Y"),
                        PLANE("SRC_W"),
                        PLANE("SRC_H"),
                        PLANE("CRTC_X"),
                        PLANE("CRTC_Y"),
                        PLANE("CRTC_W"),
                        PLANE("CRTC_H")};
  uint64_t values[13] = {crtc, blob.blob_id, 1, shown, crtc, 0, 0, (uint64_t)w << 16, (uint64_t)h << 16, 0, 0, w, h};
  struct drm_mode_atomic modeset = {.flags = DRM_MODE_ATOMIC_ALLOW_MODESET,
                                    .count_objs = 3,
                                    .objs_ptr = (uintptr_t)objs,
                                    .count_props_ptr = (uintptr_t)counts,
                                    .props_ptr = (uintptr_t)props,
                                    .prop_values_ptr = (uintptr_t)values};
  if (xioctl(fd, DRM_IOCTL_MODE_ATOMIC, &modeset)) die("the modeset (is another process DRM master?)");

  /* The next frame: its dma-buf carries a pending write fence. */
  uint32_t fence;
  int sync_file = pending_fence(vgem, &fence);
  struct drm_prime_handle prime = {.handle = next_handle, .flags = O_CLOEXEC | O_RDWR};
  if (xioctl(fd, DRM_IOCTL_PRIME_HANDLE_TO_FD, &prime)) die("DRM_IOCTL_PRIME_HANDLE_TO_FD");
  struct dma_buf_import_sync_file import = {.flags = DMA_BUF_SYNC_WRITE, .fd = sync_file};
  if (xioctl(prime.fd, DMA_BUF_IOCTL_IMPORT_SYNC_FILE, &import)) die("DMA_BUF_IOCTL_IMPORT_SYNC_FILE");

  /* Flip to it, nonblocking, with OUT_FENCE_PTR and a flip event. */
  int64_t out_fence = -1;
  uint32_t fobjs[2] = {plane, crtc}, fcounts[2] = {1, 1};
  uint32_t fprops[2] = {PLANE("FB_ID"), property(fd, crtc, DRM_MODE_OBJECT_CRTC, "OUT_FENCE_PTR", NULL)};
  uint64_t fvalues[2] = {next, (uintptr_t)&out_fence};
  struct drm_mode_atomic flip = {.flags = DRM_MODE_ATOMIC_NONBLOCK | DRM_MODE_PAGE_FLIP_EVENT,
                                 .count_objs = 2,
                                 .objs_ptr = (uintptr_t)fobjs,
                                 .count_props_ptr = (uintptr_t)fcounts,
                                 .props_ptr = (uintptr_t)fprops,
                                 .prop_values_ptr = (uintptr_t)fvalues};
  if (xioctl(fd, DRM_IOCTL_MODE_ATOMIC, &flip)) die("the flip");
  struct pollfd event = {.fd = fd, .events = POLLIN};
  int early = poll(&event, 1, 200);
  struct pollfd out = {.fd = (int)out_fence, .events = POLLIN};
  int out_early = poll(&out, 1, 0);
  uint64_t signalled = now_ns();
  struct vgem_fence_signal signal = {.fence = fence};
  if (xioctl(vgem, VGEM_FENCE_SIGNAL, &signal)) die("VGEM_FENCE_SIGNAL");
  if (!early && poll(&event, 1, 2000) != 1) die("no flip event 2 s after the fence signalled");
  struct drm_event_vblank flipped;
  if (read(fd, &flipped, sizeof flipped) != sizeof flipped) die("read(flip event)");
  uint64_t flipped_ns = (uint64_t)flipped.tv_sec * 1000000000u + (uint64_t)flipped.tv_usec * 1000u;
  if (early || out_early) {
    printf(
        "FAIL: the flip came %.1f ms before the buffer's write fence signalled (flip event %s, OUT_FENCE %s "
        "within 200 ms of the commit)\n",
        (double)(signalled - flipped_ns) / 1e6, early ? "sent" : "not sent", out_early ? "signalled" : "pending");
    return 1;
  }
  printf("ok: the flip waited for the write fence (it came %.1f ms after the signal)\n",
         (double)((int64_t)flipped_ns - (int64_t)signalled) / 1e6);
  return 0;
}
