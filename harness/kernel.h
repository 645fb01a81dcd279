// SPDX-License-Identifier: MIT
// What a kernel release is known to do, where the uAPI changed over time:
// which release added an ioctl, and what SYNC_IOC_FILE_INFO calls a fence
// once it has signalled. Tests hold a kernel to what its own release is known
// to do, and say which release that is; a kernel that does something else
// fails, naming what it did.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace fc {

// "6.1.0-56-amd64" -> 6.1, "7.3.0-rc5-amd64" -> 7.3, "5.10.0-35-cloud-amd64" -> 5.10.
struct KernelVersion {
  int major = 0;
  int minor = 0;
  friend auto operator<=>(const KernelVersion&, const KernelVersion&) = default;
};
[[nodiscard]] std::optional<KernelVersion> parse_kernel_release(std::string_view release);
// This kernel's (uname -r), or nullopt where it does not parse.
[[nodiscard]] std::optional<KernelVersion> running_kernel();

// DMA_BUF_IOCTL_EXPORT_SYNC_FILE and IMPORT_SYNC_FILE were added in Linux 6.0
// ("dma-buf: Add an API for exporting sync files (v14)" and "... importing
// sync files (v10)", Jason Ekstrand, 2022); before it they are ENOTTY.
inline constexpr KernelVersion kExportSyncFileAdded{6, 0};

// The driver and timeline names FILE_INFO gives a fence.
struct FenceNames {
  std::string driver;
  std::string timeline;
};

// The release from which sync_file names every signalled fence
// "detached-driver"/"signaled-timeline" instead of its driver's names:
// Linux 6.17 (commit ecec875a6c33 "dma-fence: Add helpers for accessing driver
// and timeline name" and 68ff0e07f9b3 "sync_file: Use dma-fence driver and
// timeline name helpers": once a fence has signalled, the driver's strings may
// be gone with its module, so they are not read). Before it a signalled fence
// kept its driver's names (vgem's "vgem"; the idle buffer's stub "stub"/"stub").
inline constexpr KernelVersion kSignalledNamesDetached{6, 17};
inline constexpr std::string_view kDetachedDriver = "detached-driver";
inline constexpr std::string_view kSignalledTimeline = "signaled-timeline";

// Does this release name signalled fences "detached-driver"? (nullopt: unknown release.)
[[nodiscard]] std::optional<bool> detaches_signalled_names(std::optional<KernelVersion> kernel);
// What FILE_INFO calls a signalled fence whose driver names it `own`, on this
// release: `own` before 6.17, detached-driver/signaled-timeline since. An
// unknown release is taken as the newest behaviour.
[[nodiscard]] FenceNames signalled_names(const FenceNames& own, std::optional<KernelVersion> kernel);
// One line for a failure message: "Linux 6.12 (6.12.95+deb12-amd64) names a signalled fence by its driver ..."
[[nodiscard]] std::string describe_signalled_names(std::optional<KernelVersion> kernel);

// What the running kernel's build says of a config option, read from its
// own files: $FENCECHECK_KERNEL_CONFIG (vm/run sets it to the booted image's),
// /boot/config-RELEASE or lib/modules/RELEASE/config (Debian's 7.x), and
// lib/modules/RELEASE/modules.builtin, /sys/module/NAME. One line
// for a skip: "CONFIG_UDMABUF=m in /boot/config-6.1.0-57-amd64 (a module, not
// loaded)", "... is not set in ...", or that none of those could be read.
// module: the module the option builds ("udmabuf").
[[nodiscard]] std::string describe_kernel_option(std::string_view option, std::string_view module);

}  // namespace fc
