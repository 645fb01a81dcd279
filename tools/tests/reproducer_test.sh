#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The ioctl trace and `fencecheck-results reproducer`, on this host's kernel
# (no DRM needed: EXPORT_SYNC_FILE on a memfd is ENOTTY everywhere):
#   a test's trace is in its result with --trace, and only a failed one's without;
#   the C program written from it compiles with cc -Wall -Werror, exits 0
#   where the kernel answers as the test expects and 1, naming the call, the
#   errno and the one expected, where the check is planted wrong (the
#   expectation in the result file changed, as a kernel that answers
#   otherwise would show it);
#   a test whose descriptor came from outside the trace, and a result with no
#   trace, are refused (exit 1) saying why.
# (The VM lanes do the same on vgem and udmabuf: vm/guest/lane's reproducers.)
# Usage: reproducer_test.sh BUILD_DIR
set -uo pipefail
build=${1:?usage: reproducer_test.sh BUILD_DIR}
here=$(cd "$(dirname "$0")" && pwd)
source "$here/checks.sh"  # $work, check, $failures
test=Host/ExportOnWrongDescriptor.FailsWithEnottyAndCreatesNoDescriptor/MemFd
piped=Host/ExportOnWrongDescriptor.FailsWithEnottyAndCreatesNoDescriptor/Pipe

"$build/fencecheck" --trace --gtest_filter="$test:$piped" --gtest_output="json:$work/traced.json" >/dev/null 2>&1
"$build/fencecheck" --gtest_filter="$test" --gtest_output="json:$work/plain.json" >/dev/null 2>&1

traced_call() {  # the traced export, judged against ENOTTY
  python3 - "$work/traced.json" "$test" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
name = sys.argv[2].split("/")[-2].split(".")[-1] + "/" + sys.argv[2].split("/")[-1]
for suite in doc["testsuites"]:
    for t in suite["testsuite"]:
        if t["name"] == name:
            calls = json.loads(t["trace"])["calls"]
            wanted = [c for c in calls if c["call"] == "DMA_BUF_IOCTL_EXPORT_SYNC_FILE"]
            assert wanted and wanted[0]["errno"] == "ENOTTY" and wanted[0]["expected"] == "ENOTTY", calls
            assert wanted[0]["fd_kind"] == "memfd", wanted[0]
            sys.exit(0)
sys.exit("no trace for " + name)
PY
}
check "--trace keeps the trace: the export, its errno, the check on it and its descriptor's kind" traced_call
check "a passing test's trace is not kept without --trace" bash -c "! grep -q '\"trace\"' '$work/plain.json'"

repro_runs() {  # RESULT.json EXPECTED_STATUS PATTERN
  "$build/fencecheck-results" reproducer -o "$work/repro.c" "$test" "$1" || return 1
  cc -Wall -Werror -o "$work/repro" "$work/repro.c" || return 1
  local status=0
  "$work/repro" >"$work/repro.out" 2>&1 || status=$?
  cat "$work/repro.out"
  ((status == $2)) || { echo "exit status $status, not $2"; return 1; }
  grep -q -- "$3" "$work/repro.out" || { echo "no line matching '$3'"; return 1; }
}
check "the reproducer compiles with cc -Wall -Werror and passes where the kernel answers ENOTTY" \
  repro_runs "$work/traced.json" 0 "ok: DMA_BUF_IOCTL_EXPORT_SYNC_FILE.*ENOTTY, as expected"
sed 's/\\"expected\\":\\"ENOTTY\\"/\\"expected\\":\\"EBADF\\"/' "$work/traced.json" >"$work/planted.json"
check "with the expectation planted wrong it fails: the call, the errno and the one expected" \
  repro_runs "$work/planted.json" 1 "FAIL: DMA_BUF_IOCTL_EXPORT_SYNC_FILE(flags=1) on fd [0-9]* (memfd) failed with ENOTTY.*expected EBADF"
refused() {  # TEST RESULT.json PATTERN
  if "$build/fencecheck-results" reproducer "$1" "$2" >"$work/refused.c" 2>"$work/refused.err"; then
    echo "written, not refused"; return 1
  fi
  cat "$work/refused.err"
  grep -q -- "$3" "$work/refused.err"
}
check "a descriptor made outside the trace (a pipe) is refused, with the calls as manual steps" \
  refused "$piped" "$work/traced.json" "made outside the traced calls"
check "a result with no trace is refused, saying --trace keeps one" \
  refused "$test" "$work/plain.json" "fencecheck --trace"
((failures == 0)) || { echo "$failures check(s) failed"; exit 1; }
