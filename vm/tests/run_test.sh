#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# vm/run's own contract, on a real guest: CMD's exit status comes back; a
# kernel panic ends as 123, a hung command as 124 (killed by its own
# --timeout, counted from its start) and a guest that never boots as 122
# (killed by the boot watchdog), each with a message naming what stopped it
# and the guest console tail; a guest that cannot enter the current
# directory is 126; bad arguments, a missing kernel, an unknown kernel name
# or a missing QEMU are 125 without a guest ever starting.
#
# Each check judges an exit status and the mechanism behind it, never how
# long a boot took: a TCG boot takes 10 s on an idle machine and over two
# minutes on a loaded one. Where a time is judged, it is one vm/run measured
# from the command's start in the guest (its "the command ran Ns").
set -uo pipefail
cd "$(dirname "$0")/../.."
project=$PWD

# The guests' console logs go to a folder of their own: ./test.sh runs this
# beside the lanes' guests, whose consoles are build/vm-console.log. One vCPU
# each: they run beside a lane's guest, whose share of the cores they take;
# at the lowest priority there, a boot may take many minutes, so the boot
# watchdog gets 30 (a hang guard; no check here judges a boot's time but the
# one that wants a guest that never boots killed by it, at 10 s).
out=$(mktemp -d)
# A folder the guest does not see: virtme-ng mounts a fresh /dev in the guest.
unseen=$(mktemp -d -p /dev/shm)
trap 'rm -rf "$out" "$unseen"' EXIT

failures=0
fail() { echo "FAIL $name: $*"; failures=$((failures + 1)); sed 's/^/     | /' <<<"$log" | tail -n 20; }

# check NAME EXPECTED-STATUS [--no-guest] [--in DIR] [--text TEXT]... -- VM/RUN-ARGS...
# Runs vm/run (in DIR, default the project's folder), then judges its exit
# status, that each TEXT is in its output, and with --no-guest that no guest
# was started (no console log written).
check() {
  name=$1
  local expected=$2 no_guest=0 texts=() rc dir=$PWD
  shift 2
  while [[ $1 != -- ]]; do
    case $1 in
      --no-guest) no_guest=1; shift ;;
      --in) dir=$2; shift 2 ;;
      --text) texts+=("$2"); shift 2 ;;
    esac
  done
  shift
  rm -f "$out/vm-console.log"
  log=$(cd "$dir" && "$project/vm/run" --out "$out" --cpus 1 --memory 1G --boot-timeout 1800 "$@" 2>&1)
  rc=$?
  if ((rc != expected)); then fail "exit status $rc, expected $expected"; return 1; fi
  local text
  for text in "${texts[@]}"; do
    grep -qF -- "$text" <<<"$log" || { fail "output lacks '$text'"; return 1; }
  done
  if ((no_guest)) && [[ -e $out/vm-console.log ]]; then fail "a guest was started"; return 1; fi
  local timing
  timing=$(grep -oE '(booted in|the command never started)[^;)]*' <<<"$log" | tail -n 1)
  echo "ok   $name: exit status $rc${timing:+ ($timing)}"
}

check "unknown option is a setup error" 125 --no-guest --text "unknown option" -- --bogus -- true
check "bad --timeout is a setup error" 125 --no-guest --text "positive number" -- --timeout soon -- true
check "missing kernel is a setup error" 125 --no-guest --text "neither a kernel image" -- --kernel /nonexistent -- true
check "unknown kernel name is a setup error" 125 --no-guest --text "nor one of stable" -- --kernel 9.99 -- true
check "missing QEMU is a setup error" 125 --no-guest --text "QEMU not found" \
  -- --qemu /nonexistent/qemu-system-x86_64 -- true
check "a --root vm/root did not build is a setup error" 125 --no-guest --text "not a root vm/root fetch built" \
  -- --root "$out" -- true
# vm/root's checks before it caches a root, on a tree that fails each in turn.
root_check() {
  name=$1
  local expected=$2 rc
  log=$("$project/vm/root" check "$out/tree" 2>&1)
  rc=$?
  if ((rc != 125)) || ! grep -qF -- "$expected" <<<"$log"; then fail "exit status $rc, expected 125 and '$expected'"; return; fi
  echo "ok   $name"
}
mkdir -p "$out/tree/var/lib/dpkg" "$out/tree/usr/libexec" "$out/tree/usr/bin"
printf 'Package: libgbm1\nStatus: install ok installed\nArchitecture: amd64\nVersion: 25.0.7-2\n\n' \
  >"$out/tree/var/lib/dpkg/status"
root_check "vm/root: a root with Mesa 25.0 is refused" "venus needs Mesa >= 26.1"
sed -i 's/^Version: .*/Version: 26.1.6-1~bpo13+1/' "$out/tree/var/lib/dpkg/status"
root_check "vm/root: a root without virgl-server is refused" "no virgl_render_server"
check "the command's exit status comes back" 7 --text "command exit status 7" -- -- sh -c 'exit 7'
# --timeout counts from the command's start: if the panic were not noticed,
# the guest would sleep on and be killed at 120 s as a timeout (124), however
# long its boot took.
check "a kernel panic is reported as such (not as a timeout)" 123 --text "GUEST DIED" --text "Kernel panic" \
  -- --timeout 120 -- sh -c 'echo c >/proc/sysrq-trigger; sleep 600'
if check "a hung command is killed by its own --timeout" 124 \
  --text "TIMEOUT: the command did not finish within 5s of starting; the guest was killed by the command's --timeout" \
  -- --timeout 5 -- sleep 600; then
  # Killed at its timeout, counted from its start: not before, whatever the boot took.
  ran=$(grep -oE 'the command ran [0-9.]+s' <<<"$log" | grep -oE '[0-9.]+')
  if [[ -z $ran ]] || awk -v ran="$ran" 'BEGIN { exit !(ran < 5) }'; then
    fail "the command ran '${ran}'s before it was killed, less than its 5 s --timeout"
  fi
fi
check "a guest that cannot enter the current directory is 126, not the command's failure" 126 \
  --in "$unseen" --text "NO WORKING DIRECTORY" -- -- true
# QEMU's -S holds the CPUs before the first instruction: a guest that never boots.
check "a guest that never boots is killed by the boot watchdog" 122 \
  --text "NEVER BOOTED: the command did not start within 10s of QEMU starting; the guest was killed by the boot watchdog" \
  -- --boot-timeout 10 --timeout 5 --qemu-opt=-S -- true

((failures == 0))
