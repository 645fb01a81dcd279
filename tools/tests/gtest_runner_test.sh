#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# fencecheck under deqp-runner's gtest-runner, checked with its stand-in
# (tools/gtest-runner-standin):
#   the list is exit 0 and nothing but gtest list lines, with fencecheck's own
#     flags too;
#   a skipped test prints gtest's "[  SKIPPED ]" line on stdout;
#   run in shuffled random groups, two at a time, every test has the verdict a
#     plain run gives it (nothing depends on order or grouping) and nothing
#     fencecheck prints is misread as a test's start or end;
#   and the stand-in fails for the right reasons, on tools/tests/fake-gtest: a
#     junk line in the list, a crash mid-group (Crash, the rest still run), an
#     order dependence (--compare-json names it), a hang (Timeout), a line
#     mistaken for an end.
# Usage: gtest_runner_test.sh BUILD_DIR
set -uo pipefail
build=${1:?usage: gtest_runner_test.sh BUILD_DIR}
here=$(cd "$(dirname "$0")" && pwd)
standin=$here/../gtest-runner-standin
fake=$here/fake-gtest
bin=$build/fencecheck
source "$here/checks.sh"  # $work, check, $failures

# What gtest prints for --gtest_list_tests, and nothing else: the same list
# whatever fencecheck's own flags say.
"$bin" --gtest_list_tests >"$work/list.txt" 2>/dev/null
list_is_clean() {  # args for the binary
  local out=$work/list.out
  "$bin" "$@" --gtest_list_tests >"$out" 2>"$work/list.err" || { echo "exit status $?"; return 1; }
  test -s "$out" || { echo "empty list"; return 1; }
  if grep -nEv '^[^ #]+\.(  # .*)?$|^  [^ .]+(  # .*)?$' "$out"; then echo "^ not gtest list lines"; return 1; fi
  diff "$work/list.txt" "$out" | head -n 5
  cmp -s "$work/list.txt" "$out" || { echo "not the same list as without $*"; return 1; }
}
check "the list: exit 0, stdout only gtest list lines" list_is_clean
check "the list with fencecheck's flags (--device, --cell, --skip-is-failure, --validate)" \
  list_is_clean --device=vgem --cell=vgem@linux-6.1@mesa-22.3 --skip-is-failure --validate
check "the list with --isolate (nothing run)" list_is_clean --isolate --test-timeout=5
"$bin" --journal="$work/journal" --gtest_filter='UapiAbi.*' >/dev/null 2>&1  # a journal with results
check "the list with --journal and --resume (nothing announced, nothing filtered out)" \
  list_is_clean --journal="$work/journal" --resume
FENCECHECK_DEVICE=vgem FENCECHECK_CELL=vgem@linux-6.1@mesa-22.3 \
  check "the list with FENCECHECK_DEVICE and FENCECHECK_CELL" list_is_clean
check "the stand-in reads the same list, as deqp-runner would" "$standin" --bin "$bin" --check-list

# A plain run's verdicts, then the same tests in shuffled random groups of 4, two at a time.
"$bin" --gtest_output=json:"$work/plain.json" >"$work/plain.out" 2>&1
skipped=$(python3 -c '
import json, sys
for suite in json.load(open(sys.argv[1]))["testsuites"]:
    for test in suite["testsuite"]:
        if test.get("result") == "SKIPPED":
            print(suite["name"] + "." + test["name"]); sys.exit(0)' "$work/plain.json")
skip_line() {  # gtest's own end line of a skipped test, on stdout
  "$bin" --gtest_filter="$1" 2>/dev/null | awk -v line="[  SKIPPED ] $1 (" 'index($0, line) == 1 { found = 1 }
    END { exit !found }'
}
check "a skip prints gtest's [  SKIPPED ] line on stdout ($skipped)" skip_line "$skipped"
check "under the stand-in (--shuffle, groups of 4, -j2) every verdict equals the plain run's" \
  "$standin" --bin "$bin" --output "$work/fencecheck" --shuffle --group-size 4 -j2 --timeout 120 \
    --compare-json "$work/plain.json"
check "results.csv has one line per listed test, some Pass and some Skip" \
  bash -c "test \$(wc -l <'$work/fencecheck/results.csv') = \$('$bin' --gtest_list_tests | grep -c '^  ') &&
    grep -q ',Pass,' '$work/fencecheck/results.csv' && grep -q ',Skip,' '$work/fencecheck/results.csv'"

# The stand-in fails, and says why.
fails_with() {  # text the output must hold, then the command that must exit 1
  local text=$1
  shift
  "$@" >"$work/fails.out" 2>&1
  local status=$?
  cat "$work/fails.out"
  test "$status" = 1 || { echo "exit status $status, not 1"; return 1; }
  grep -qF -- "$text" "$work/fails.out" || { echo "no '$text' in the output"; return 1; }
}
check "a junk line in the list is rejected, by its text" \
  fails_with "'fake-gtest: using driver v1.2': not a gtest list line" "$standin" --bin "$fake" --check-list -- --mode=junk-list
check "a crash mid-group is that test's Crash" \
  fails_with "Fake.C,Crash" "$standin" --bin "$fake" --output "$work/crash" --group-size 5 -j1 -- --mode=crash
check "(and the tests after the crash still run)" grep -q '^Fake.D,Pass,' "$work/crash/results.csv"
"$fake" --mode=order --gtest_output=json:"$work/order.json" >/dev/null
check "a test that fails only after another one in the same process: --compare-json names it" \
  fails_with "Fake.B: Pass here, Fail in order.json" "$standin" --bin "$fake" --output "$work/order" --group-size 1 \
    --compare-json "$work/order.json" -- --mode=order
"$fake" --gtest_output=json:"$work/fake.json" >/dev/null
check "(and the same comparison of a fake without the dependence is equal)" \
  "$standin" --bin "$fake" --output "$work/fake" --group-size 1 --compare-json "$work/fake.json"
check "a test that hangs is a Timeout at --timeout, its process group killed, the rest run" \
  fails_with "Fake.B,Timeout" timeout 30 "$standin" --bin "$fake" --output "$work/hang" --group-size 5 --timeout 1 \
    -- --mode=hang
check "(and the tests after the hang still run)" grep -q '^Fake.C,Pass,' "$work/hang/results.csv"
check "a line deqp-runner reads as a test's end ('a[0] = 1') loses the group, and is named" \
  fails_with "unknown gtest status '0' in stdout line 'a[0] = 1' while Fake.D ran" "$standin" --bin "$fake" \
    --output "$work/bracket" --group-size 5 -- --mode=bracket

if [ "$failures" -ne 0 ]; then
  echo "$failures check(s) failed"
  exit 1
fi
echo "all gtest-runner checks passed"
