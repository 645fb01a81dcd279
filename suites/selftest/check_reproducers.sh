#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Checks the C reproducers the VM lanes wrote and ran (vm/guest/lane:
# --selftest, --reproducer, --run-reproducer), each built with cc -Wall
# -Werror in the guest:
#   the failure planted on the reference lane (a wrong errno expected of the
#   bad-input row Export_NoDirection): the test failed naming the call, and
#   its reproducer fails the same way (exit 1, the same call, the kernel's
#   errno and the planted one);
#   the 7.3-rc udmabuf regression: the reproducer written from the rc cell's
#   result fails there (ENOMEM where EINVAL is expected, exit 1) and passes
#   on 7.2 (exit 0);
#   the bug report of that test from the same results carries the
#   reproducer inline and names 7.2 as the newest kernel it passes on.
# Usage: check_reproducers.sh BUILD_DIR
set -uo pipefail
build=${1:?usage: check_reproducers.sh BUILD_DIR}
results=$build/results
failures=0
fail() { echo "FAIL $*"; failures=$((failures + 1)); }
ok() { echo "ok   $*"; }
# has FILE PATTERN WHAT: FILE has a line matching PATTERN (grep -E).
has() {
  if [[ -f $1 ]] && grep -Eq -- "$2" "$1"; then ok "$3"; else
    fail "$3 (no line matching '$2' in $1)"
    [[ -f $1 ]] && sed 's/^/     | /' "$1" | tail -n 8
  fi
}

planted=$results/selftest-planted-errno
call='DMA_BUF_IOCTL_EXPORT_SYNC_FILE\(flags=0\) on fd [0-9]+ \(dma-buf\) failed with EINVAL'
has "$planted.json" "$call \(Invalid argument\); expected ENOTTY" \
  "the planted wrong errno fails its test, naming the call, the kernel's errno and the planted one"
has "$planted.txt" "^FAIL: $call \(22, Invalid argument\); expected ENOTTY$" \
  "its reproducer, built with cc -Wall -Werror in the guest, fails the same way"
has "$planted.txt" "^exit status 1$" "... and exits 1"

test=UdmabufCreate.ASizeOverTheModulesLimitIsRefused
rc=$(compgen -G "$results/vgem@linux-7.3@*.repro.txt" | grep -v asan | head -n 1)
[[ -n $rc ]] || fail "no reproducer of $test was run on 7.3-rc (vgem@linux-7.3@*.repro.txt)"
udmabuf='UDMABUF_CREATE\(memfd=[0-9]+ \(memfd\), flags=1, offset=0, size=1099511627776\) on fd [0-9]+ \(/dev/udmabuf\)'
if [[ -n $rc ]]; then
  has "$rc" "^FAIL: $udmabuf failed with ENOMEM \(12, Cannot allocate memory\); expected EINVAL$" \
    "7.3-rc: the udmabuf reproducer fails: ENOMEM where EINVAL is expected"
  has "$rc" "^exit status 1$" "... and exits 1"
  on72=$(compgen -G "${rc%.txt}.on-7.2.*.txt" | head -n 1)
  [[ -n $on72 ]] || fail "the 7.3-rc reproducer was not run on 7.2 (${rc%.txt}.on-7.2.*.txt)"
  if [[ -n $on72 ]]; then
    has "$on72" "^ok: $udmabuf: EINVAL, as expected$" "7.2: the same program passes: EINVAL"
    has "$on72" "^exit status 0$" "... and exits 0"
  fi
  report=$(mktemp)
  trap 'rm -f "$report"' EXIT
  "$build/fencecheck-results" bugreport "$test" "${rc%.repro.txt}.json" \
    "$(compgen -G "$results/vgem@linux-7.2@*.json" | grep -v -e asan -e bench | head -n 1)" >"$report"
  has "$report" "^dma-buf/udmabuf: UDMABUF_CREATE returns ENOMEM, not EINVAL \\(Linux 7\\.3\\)$" \
    "the bug report's subject: the call, the errno and the one expected, the kernel"
  has "$report" "newest: 7\.2" "the bug report names 7.2 as the newest kernel it passes on"
  has "$report" "^Reproducer \(standalone C" "the bug report carries the reproducer inline"
  has "$report" "expect\(\"UDMABUF_CREATE" "... with the check on UDMABUF_CREATE"
fi
((failures == 0)) || { echo "$failures check(s) failed"; exit 1; }
