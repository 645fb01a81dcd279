#!/usr/bin/env bash
# vm/run's own contract, on a real guest: CMD's exit status comes back; a
# kernel panic ends as 123, a hung command as 124 and a guest that never boots
# as 122, each within its timeout, with a message and the guest console tail;
# bad arguments, a missing kernel, an unknown kernel name or a missing QEMU are
# 125 at once.
set -uo pipefail
cd "$(dirname "$0")/../.."

# The guests' console logs go to a folder of their own: ./test.sh runs this
# beside the lanes' guests, whose consoles are build/vm-console.log.
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

failures=0
check() {  # name expected-status max-seconds expected-text -- vm/run args...
  local name=$1 expected=$2 limit=$3 text=$4
  shift 5
  local started=$SECONDS log rc
  log=$(vm/run --out "$out" "$@" 2>&1)
  rc=$?
  local took=$((SECONDS - started))
  if ((rc != expected)); then
    echo "FAIL $name: exit status $rc, expected $expected"; failures=$((failures + 1))
  elif ((took > limit)); then
    echo "FAIL $name: took ${took}s, more than ${limit}s"; failures=$((failures + 1))
  elif [[ -n $text ]] && ! grep -q -- "$text" <<<"$log"; then
    echo "FAIL $name: output lacks '$text'"; failures=$((failures + 1))
  else
    echo "ok   $name: exit status $rc in ${took}s"
    return 0
  fi
  sed 's/^/     | /' <<<"$log" | tail -n 20
}

check "unknown option is a setup error" 125 5 "unknown option" -- --bogus -- true
check "bad --timeout is a setup error" 125 5 "positive number" -- --timeout soon -- true
check "missing kernel is a setup error" 125 5 "neither a kernel image" -- --kernel /nonexistent -- true
check "unknown kernel name is a setup error" 125 5 "nor one of stable" -- --kernel 9.99 -- true
check "missing QEMU is a setup error" 125 5 "QEMU not found" -- --qemu /nonexistent/qemu-system-x86_64 -- true
check "the command's exit status comes back" 7 120 "" -- -- sh -c 'exit 7'
check "a kernel panic is reported as such" 123 120 "Kernel panic" -- -- sh -c 'echo c >/proc/sysrq-trigger; sleep 600'
# --timeout budgets the command from its start, never the boot: no limit here
# depends on how fast this machine boots a guest.
check_hang() {
  local log rc
  log=$(vm/run --out "$out" --timeout 5 -- sleep 600 2>&1)
  rc=$?
  echo "$log" | tail -n 3
  ((rc == 124)) && grep -q "TIMEOUT: the command did not finish within 5s of starting" <<<"$log"
}
if check_hang >"$out/hang.txt" 2>&1; then
  echo "ok   a hung command is killed at its own timeout, counted from its start"
else
  echo "FAIL a hung command is killed at its own timeout"; sed 's/^/     | /' "$out/hang.txt"
  failures=$((failures + 1))
fi
# QEMU's -S holds the CPUs before the first instruction: a guest that never boots.
check "a guest that never boots is killed at the boot timeout" 122 30 "NEVER BOOTED" -- --boot-timeout 10 --qemu-opt=-S -- true

((failures == 0))
