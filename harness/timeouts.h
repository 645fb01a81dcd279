// SPDX-License-Identifier: MIT
// The suite's named timeouts, header only: the results tool reads one
// (kWakeBound, bench --check) without linking the harness.
#pragma once

#include <chrono>

namespace fc {

using std::chrono::milliseconds;

// Named timeouts. Generous because the reference lane runs under full
// emulation (QEMU TCG), where everything is one to two orders slower.
namespace timeouts {
// vgem signals every fence by itself this long after it was attached
// (drivers/gpu/drm/vgem/vgem_fence.c, VGEM_FENCE_TIMEOUT).
inline constexpr milliseconds kVgemSelfSignal{10'000};
// A fence the test itself signals (from another thread or process): well
// under vgem's own timer, so a wait that ended only because vgem signalled
// the fence by itself times out instead of passing.
inline constexpr milliseconds kFenceSignal{5'000};
static_assert(kFenceSignal < kVgemSelfSignal);
// How long after a fence signals a waiter may take to return: well under
// vgem's own timer, generous for emulation (a wake takes milliseconds).
inline constexpr milliseconds kWakeBound{2'000};
static_assert(kWakeBound < kFenceSignal);
// How long a thread the test started may take to be asleep in the wait it
// was started for; with kWakeBound, well inside a waiter's kFenceSignal.
inline constexpr milliseconds kEnterWait{2'000};
static_assert(kEnterWait + kWakeBound < kFenceSignal);
// How long a wait that is expected to stay pending is given to prove it does.
inline constexpr milliseconds kStaysPending{200};
// A child process doing a handful of ioctls and reporting back.
inline constexpr milliseconds kChildProcess{20'000};
}  // namespace timeouts

}  // namespace fc
