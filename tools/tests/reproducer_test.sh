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
# Every call with a C form, each checked, in one made-up trace: the program
# must build with cc -Wall -Werror (not run: this host has no DRM).
every_form() {
  python3 - "$work/every.json" <<'PY'
import json, sys
drm, dmabuf, sync, heap, udev = "DRM node vgem", "dma-buf", "sync_file", "/dev/dma_heap/system", "/dev/udmabuf"
calls = [
    ("open", -1, "", {"flags": 524290}, 3, {"text": "/dev/dri/card0", "ret_kind": drm}),
    ("DRM_IOCTL_GET_CAP", 3, drm, {"capability": 1}, 1, {}),
    ("DRM_IOCTL_MODE_CREATE_DUMB", 3, drm, {"width": 64, "height": 64, "bpp": 32, "flags": 0}, 1, {}),
    ("DRM_IOCTL_PRIME_HANDLE_TO_FD", 3, drm, {"handle": 1, "flags": 524290}, 4, {"ret_kind": dmabuf}),
    ("DRM_IOCTL_VGEM_FENCE_ATTACH", 3, drm, {"handle": 1, "flags": 1, "pad": 0}, 1, {}),
    ("DMA_BUF_IOCTL_EXPORT_SYNC_FILE", 4, dmabuf, {"flags": 1}, 5, {"ret_kind": sync}),
    ("SYNC_IOC_FILE_INFO", 5, sync, {"num_fences": 0, "flags": 0, "pad": 0}, 1, {}),
    ("SYNC_IOC_FILE_INFO", 5, sync, {"num_fences": 1}, 0, {}),
    ("SYNC_IOC_FILE_INFO", 5, sync, {"num_fences": 1, "sync_fence_info": 8}, -1, {"errno": "EFAULT"}),
    ("SYNC_IOC_MERGE", 5, sync, {"fd2": 5, "flags": 0, "pad": 0}, 6, {"text": "merged", "ret_kind": sync,
                                                                    "arg_kinds": {"fd2": sync}}),
    ("SYNC_IOC_SET_DEADLINE", 6, sync, {"deadline_ns": 5, "pad": 0}, 0, {}),
    ("SYNC_IOC_SET_DEADLINE", 6, sync, {"address": 8}, -1, {"errno": "EFAULT"}),
    ("DMA_BUF_IOCTL_IMPORT_SYNC_FILE", 4, dmabuf, {"flags": 2, "fd": 6}, 0, {"arg_kinds": {"fd": sync}}),
    ("DMA_BUF_IOCTL_SYNC", 4, dmabuf, {"flags": 1}, 0, {}),
    ("poll", 4, dmabuf, {"events": 1, "timeout_ms": 0}, 0, {}),
    ("mmap", 4, dmabuf, {"length": 16384, "prot": 1}, 0, {}),
    ("DRM_IOCTL_VGEM_FENCE_SIGNAL", 3, drm, {"fence": 1, "flags": 0}, 0, {}),
    ("DRM_IOCTL_PRIME_FD_TO_HANDLE", 3, drm, {"fd": 4}, 1, {"arg_kinds": {"fd": dmabuf}}),
    ("DMA_BUF_IOCTL_IMPORT_SYNC_FILE", 4, dmabuf, {"flags": 1, "fd": 9}, -1, {"errno": "EINVAL",
                                                                            "arg_kinds": {"fd": "eventfd"}}),
    ("DMA_BUF_IOCTL_EXPORT_SYNC_FILE", 10, "closed", {"flags": 1}, -1, {"errno": "EBADF"}),
    ("DRM_IOCTL_GEM_CLOSE", 3, drm, {"handle": 2}, -1, {"errno": "EINVAL"}),
    ("DRM_IOCTL_MODE_DESTROY_DUMB", 3, drm, {"handle": 1}, 0, {}),
    ("open", -1, "", {"flags": 524290}, 7, {"text": udev, "ret_kind": udev}),
    ("memfd_create", -1, "", {"flags": 3}, 8, {"text": "m", "ret_kind": "memfd"}),
    ("ftruncate", 8, "memfd", {"length": 65536}, 0, {}),
    ("F_ADD_SEALS", 8, "memfd", {"seals": 2}, 0, {}),
    ("UDMABUF_CREATE", 7, udev, {"memfd": 8, "flags": 1, "offset": 0, "size": 65536}, 11,
     {"ret_kind": dmabuf, "arg_kinds": {"memfd": "memfd"}}),
    ("open", -1, "", {"flags": 524290}, 12, {"text": heap, "ret_kind": heap}),
    ("DMA_HEAP_IOCTL_ALLOC", 12, heap, {"len": 65536, "fd_flags": 524290, "heap_flags": 0}, 13, {"ret_kind": dmabuf}),
]
out = []
for name, fd, kind, args, ret, extra in calls:
    call = {"call": name, "fd": fd, "args": args, "ret": ret, "expected": extra.get("errno", "success")}
    if kind:
        call["fd_kind"] = kind
    call.update({k: v for k, v in extra.items()})
    out.append(call)
test = {"name": "Every", "status": "RUN", "result": "COMPLETED", "time": "0s", "timestamp": "2026-12-06T00:00:00Z",
        "classname": "Form", "failures": [{"failure": "x", "type": ""}],
        "trace": json.dumps({"dropped": 0, "calls": out}), "description": "Every C form."}
doc = {"tests": 1, "failures": 1, "name": "AllTests", "kernel.release": "6.1.0-57-amd64",
       "testsuites": [{"name": "Form", "tests": 1, "testsuite": [test]}]}
json.dump(doc, open(sys.argv[1], "w"))
PY
  "$build/fencecheck-results" reproducer -o "$work/every.c" Form.Every "$work/every.json" || return 1
  local n
  n=$(grep -c '^    expect(' "$work/every.c")
  ((n == 29)) || { echo "$n checks in the program, not 29 (one per call)"; return 1; }
  cc -Wall -Wextra -Werror -o "$work/every" "$work/every.c"
}
check "every call with a C form, checked, builds with cc -Wall -Wextra -Werror" every_form
((failures == 0)) || { echo "$failures check(s) failed"; exit 1; }
