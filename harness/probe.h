// SPDX-License-Identifier: MIT
// Capability probes with three outcomes, never two:
//   Supported               the feature works here;
//   Unsupported{reason}     this kernel/hardware lacks it: dependent tests SKIP with the reason;
//   Broken{what, errno}     it exists but misbehaves: dependent tests FAIL with the errno.
// (An ENOTTY is "unsupported", not "supported" and not "broken".)
#pragma once

#include <string>
#include <vector>

#include "harness/device.h"
#include "harness/fd.h"
#include "harness/result.h"

namespace fc {

class Probe {
 public:
  enum class Outcome { Supported, Unsupported, Broken };

  static Probe supported() { return Probe(Outcome::Supported, {}, {}); }
  static Probe unsupported(std::string reason) { return Probe(Outcome::Unsupported, std::move(reason), {}); }
  static Probe broken(std::string what, Errno err) { return Probe(Outcome::Broken, std::move(what), err); }

  [[nodiscard]] Outcome outcome() const { return outcome_; }
  [[nodiscard]] bool is_supported() const { return outcome_ == Outcome::Supported; }
  [[nodiscard]] Errno err() const { return err_; }
  // The reason (unsupported) or what failed (broken), without the outcome prefix.
  [[nodiscard]] const std::string& reason() const { return text_; }

  // "supported" / "unsupported: <reason>" / "broken: <what> failed with EINVAL (Invalid argument)"
  [[nodiscard]] std::string describe() const;

 private:
  Probe(Outcome outcome, std::string text, Errno err) : outcome_(outcome), text_(std::move(text)), err_(err) {}
  Outcome outcome_;
  std::string text_;
  Errno err_;
};

// uname(2): "6.1.0-56-amd64" and the build string.
[[nodiscard]] std::string kernel_release();
[[nodiscard]] std::string kernel_version();

// This machine in words a bug report can use: "QEMU TCG guest, 2 CPUs
// (QEMU Virtual CPU version 2.5+); host: <FENCECHECK_HOST>" in a VM (DMI
// vendor QEMU; KVM where the kvm-clock clocksource exists, else TCG), or
// "<N> CPUs (<model name>)" on bare metal. FENCECHECK_HOST is set by vm/lane
// (the host's CPU model, which a TCG guest cannot see).
[[nodiscard]] std::string machine_description();
// /proc/cpuinfo's first "model name" ("unknown" without one).
[[nodiscard]] std::string cpu_model();

// Is there a vgem device to run the reference lane on?
[[nodiscard]] Probe probe_vgem(const std::vector<DrmDevice>& devices);

// Does this kernel implement DMA_BUF_IOCTL_EXPORT_SYNC_FILE on dmabuf (Linux >= 6.0)?
[[nodiscard]] Probe probe_export_sync_file(BorrowedFd dmabuf);

// Does this kernel implement DMA_BUF_IOCTL_IMPORT_SYNC_FILE on dmabuf? Imports
// an already-signalled stub, which blocks nothing.
[[nodiscard]] Probe probe_import_sync_file(BorrowedFd dmabuf);

// Does this kernel implement DRM_IOCTL_SYNCOBJ_EVENTFD (Linux >= 6.6) on drm,
// a node with syncobjs? Asks for an unknown handle: ENOENT where the ioctl
// exists, EINVAL where the DRM core does not know its number.
[[nodiscard]] Probe probe_syncobj_eventfd(BorrowedFd drm);

// Does this kernel implement SYNC_IOC_SET_DEADLINE (Linux >= 6.5)? Sets a
// deadline on sync_file (any sync_file; a hint that changes no state).
[[nodiscard]] Probe probe_set_deadline(BorrowedFd sync_file);

}  // namespace fc
