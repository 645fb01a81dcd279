#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Checks, with fencecheck-selftest, that the harness turns misbehaving tests
# into the right results and never loses the run:
#   --isolate: a crash is CRASH, a hang is TIMEOUT at the test timeout, a
#     leaked descriptor is a failure, and the test after them still runs;
#   the fd-leak listener fails the leaking test in a normal run too, and the
#     held-object listener a test that never releases a library object;
#   a run killed half-way (SIGKILL, as a reset would) leaves a journal from
#     which --resume completes the run, every test completing exactly once.
# Usage: check.sh BUILD_DIR
set -uo pipefail
build=${1:?usage: check.sh BUILD_DIR}
selftest=$build/fencecheck-selftest
results=$build/fencecheck-results
source "$(dirname "$0")/../../tools/tests/checks.sh"  # $work, check, $failures
mkdir -p "$work/no-expectations"  # compare's expectations: none (a cell no file names)
outcome() {  # result-file test -> Pass/Fail/Skip/Crash/Timeout
  python3 - "$1" "$2" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
for suite in doc["testsuites"]:
    for test in suite["testsuite"]:
        if suite["name"] + "." + test["name"] == sys.argv[2]:
            result = test.get("result", "COMPLETED")
            print({"CRASH": "Crash", "TIMEOUT": "Timeout", "FLAKE": "Flake", "SKIPPED": "Skip"}.get(result,
                  "Fail" if test.get("failures") else "Pass"))
PY
}

isolated() {
  "$selftest" --isolate --test-timeout=3 --gtest_filter='Selftest.*' --gtest_output="json:$work/isolated.json"
  [[ $? == 1 ]] || { echo "exit status should be 1"; return 1; }
  # Selftest.Hangs sleeps an hour: only the test timeout ends it, not before
  # its 3 s (the time the runner recorded for it), whatever this machine's speed.
  python3 - "$work/isolated.json" <<'PY' || return 1
import json, sys
tests = {s["name"] + "." + t["name"]: t for s in json.load(open(sys.argv[1]))["testsuites"] for t in s["testsuite"]}
hang = tests["Selftest.Hangs"]
took = float(hang.get("time", "0s").rstrip("s"))
message = (hang.get("failures") or [{}])[0].get("failure", "")
if took < 3.0 or "test timeout of 3 s" not in message:
    sys.exit("Selftest.Hangs: %.1f s, %r: not killed at its 3 s test timeout" % (took, message))
PY
  [[ $(outcome "$work/isolated.json" Selftest.Crashes) == Crash ]] &&
    [[ $(outcome "$work/isolated.json" Selftest.Hangs) == Timeout ]] &&
    [[ $(outcome "$work/isolated.json" Selftest.LeaksAnEventfd) == Fail ]] &&
    [[ $(outcome "$work/isolated.json" Selftest.PassesThenItsProcessExits23) == Crash ]] &&
    [[ $(outcome "$work/isolated.json" Selftest.PassesAfterTheOthers) == Pass ]] || return 1
  # The results tools read CRASH and TIMEOUT as such.
  "$results" compare --cell x --expectations "$work/no-expectations" "$work/isolated.json" >"$work/compare.txt"
  grep -q 'Crash (expected Pass)' "$work/compare.txt" && grep -q 'Timeout (expected Pass)' "$work/compare.txt"
}
check "--isolate: a crash is CRASH, a hang TIMEOUT at 3 s, a leak a failure, a pass whose process exits 23 a CRASH, and the next test runs" isolated

leak() {
  "$selftest" --gtest_filter=Selftest.LeaksAnEventfd >"$work/leak.txt" 2>&1
  [[ $? == 1 ]] && grep -q 'left a eventfd descriptor open' "$work/leak.txt" || return 1
  "$selftest" --gtest_filter=SelftestLeak.LeaksAMemfd >"$work/leak.txt" 2>&1
  [[ $? == 1 ]] && grep -q 'left a memfd descriptor open' "$work/leak.txt" || return 1
  "$selftest" --gtest_filter=SelftestSwap.* >"$work/leak.txt" 2>&1
  [[ $? == 1 ]] && grep -q 'the number held another object before the test' "$work/leak.txt"
}
check "the fd-leak listener fails the test that leaks an eventfd or a memfd, or swaps the object behind a number" leak

held() {
  "$selftest" --gtest_filter=SelftestLeak.HoldsAGbmBoItNeverReleases >"$work/held.txt" 2>&1
  [[ $? == 1 ]] && grep -q 'the test left 1 gbm_bo held' "$work/held.txt"
}
check "the held-object listener fails the test that never releases a gbm_bo it made" held

resume() {
  local journal=$work/run.journal log=$work/completed.txt
  FENCECHECK_SELFTEST_LOG=$log "$selftest" --journal="$journal" --gtest_filter='Selftest/SelftestSlow.*' >/dev/null &
  local pid=$!
  sleep 1.2
  kill -KILL $pid
  wait $pid 2>/dev/null
  local before
  before=$(grep -c '"event":"end"' "$journal")
  cp "$journal" "$journal.before"
  (( before >= 1 && before < 6 )) || { echo "killed run journaled $before results (want 1-5)"; return 1; }
  FENCECHECK_SELFTEST_LOG=$log "$selftest" --journal="$journal" --resume --gtest_filter='Selftest/SelftestSlow.*' \
    --gtest_output="json:$work/resumed.json" >"$work/resumed.txt"
  local resumed_status=$?
  # The test the kill interrupted (started, never ended) ran again and passed: a Flake, not a pass.
  local interrupted
  interrupted=$(python3 -c '
import json, sys
started, ended = [], set()
for line in open(sys.argv[1]):
    entry = json.loads(line)
    (started.append if entry["event"] == "start" else ended.add)(entry["name"])
print(" ".join(n for n in started if n not in ended))' "$journal.before")
  local all=0 want
  for n in 0 1 2 3 4 5; do
    want=Pass
    [[ " $interrupted " == *" Selftest/SelftestSlow.TakesAWhile/$n "* ]] && want=Flake
    [[ $(outcome "$work/resumed.json" "Selftest/SelftestSlow.TakesAWhile/$n") == "$want" ]] && all=$((all + 1))
  done
  (( all == 6 )) || { echo "the resumed result has $all of 6 tests as expected (interrupted: ${interrupted:-none})"; return 1; }
  # Exit 1 when the kill interrupted a test (its crash counts), else 0.
  [[ $resumed_status == $([[ -n $interrupted ]] && echo 1 || echo 0) ]] ||
    { echo "the resumed run exited $resumed_status (interrupted: ${interrupted:-none})"; cat "$work/resumed.txt"; return 1; }
  sort "$log" | uniq -d | grep -q . && { echo "a test completed twice:"; sort "$log" | uniq -c; return 1; }
  (( $(wc -l <"$log") == 6 )) || { echo "$(wc -l <"$log") completions, want 6"; return 1; }
}
check "a run killed half-way leaves a journal from which --resume completes it (each test once; the one it died in, passing run again, is a Flake)" resume

# A cell's resume loop: a crash keeps the rest of the cell, the test that died
# twice is a Crash, the one that died once and passed again a Flake, and every
# exit status is accounted for (compare --exit-status).
resuming() {
  source "$(dirname "$0")/../../vm/lanes.sh"
  local journal=$work/cell.journal statuses=$work/cell.exit
  FENCECHECK_SELFTEST_MARK=$work/mark run_resuming "$journal" "$statuses" "$selftest" \
    --gtest_filter='SelftestResume.*' --journal="$journal" --gtest_output="json:$work/cell.json" >"$work/cell.txt" 2>&1
  [[ $? == 1 ]] || { echo "the last run should exit 1 (a crash is a failure)"; return 1; }
  [[ $(outcome "$work/cell.json" SelftestResume.PassesFirst) == Pass ]] &&
    [[ $(outcome "$work/cell.json" SelftestResume.TakesEveryRunDown) == Crash ]] &&
    [[ $(outcome "$work/cell.json" SelftestResume.TakesTheFirstRunDown) == Flake ]] &&
    [[ $(outcome "$work/cell.json" SelftestResume.PassesLast) == Pass ]] || { tail -n 30 "$work/cell.txt"; cat "$statuses"; return 1; }
  read -ra runs <"$statuses"
  (( ${#runs[@]} == 4 )) || { echo "4 runs expected (two deaths, one, the rest), got: ${runs[*]}"; return 1; }
  "$results" compare --cell x --expectations "$work/no-expectations" --exit-status "${runs[*]}" "$work/cell.json" >"$work/compare.txt"
  grep -q 'Flake (expected Pass)' "$work/compare.txt" && ! grep -q 'EXIT STATUS' "$work/compare.txt" ||
    { cat "$work/compare.txt"; return 1; }
  # One exit no result accounts for (a sanitizer's after the results) is a mismatch. (A run that
  # died exits 139 from the signal, or 1 under ASan, whose report exits like a failed test.)
  "$results" compare --cell x --expectations "$work/no-expectations" --exit-status "23 ${runs[*]}" "$work/cell.json" \
    >"$work/compare.txt"
  grep -q 'EXIT STATUS.*4 run(s) ended before the last (exit status 23, [0-9]*, [0-9]*, [0-9]*), but the results show 3' \
    "$work/compare.txt" || { cat "$work/compare.txt"; return 1; }
}
check "a cell's resume loop: the rest of the cell runs after a crash; died twice is a Crash, died once then passed a Flake; every exit accounted for" resuming

usage() {
  "$selftest" --frobnicate; [[ $? == 2 ]] || return 1
  "$selftest" --resume; [[ $? == 2 ]] || return 1
  "$selftest" --journal=/nonexistent/dir/j --gtest_filter=Selftest.PassesAfterTheOthers; [[ $? == 2 ]]
}
check "bad usage (unknown flag, --resume without a journal, an unwritable journal) exits 2" usage

# Runs that would read as a pass and are not: nothing ran, a device that is not
# there, a result file that cannot be written (/proc takes no new files).
not_a_pass() {
  "$selftest" --gtest_filter='NoSuchTest*' 2>"$work/err.txt"
  [[ $? == 2 ]] && grep -q 'no test matches --gtest_filter=NoSuchTest\*: nothing ran' "$work/err.txt" || return 1
  "$selftest" --isolate --gtest_filter='NoSuchTest*' 2>/dev/null; [[ $? == 2 ]] || return 1
  "$selftest" --device=nonexistent --gtest_filter=Selftest.PassesAfterTheOthers 2>"$work/err.txt"
  [[ $? == 2 ]] && grep -Eq 'no DRM device (on this machine|matches --device=nonexistent; found: )' "$work/err.txt" ||
    return 1
  "$selftest" --gtest_filter=Selftest.PassesAfterTheOthers --gtest_output=json:/proc/fencecheck/x.json >/dev/null \
    2>"$work/err.txt"
  [[ $? == 2 ]] && grep -q 'cannot write the result file /proc/fencecheck/x.json' "$work/err.txt" || return 1
  # A listing is not a run, and a resumed run with nothing left to run is complete.
  "$selftest" --gtest_filter='NoSuchTest*' --gtest_list_tests >/dev/null
}
check "nothing ran, an unknown --device, an unwritable result file: exit 2, never a pass" not_a_pass

((failures == 0))
