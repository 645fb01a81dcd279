#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The lab and people outputs of a real run (the VM cells' results): the
# matrix merges every cell (kernel x Mesa x lane) with provenance and renders
# in headless Chromium; KCIDB validates; LAVA names have no spaces; a bug
# report names what the kernel returned and the kernel; compare turns red
# when a known result changes.
set -uo pipefail
cd "$(dirname "$0")/../.."
results=build/results
# The default cell of each lane: Debian's stock kernel and Mesa.
llvmpipe=$(ls "$results"/llvmpipe@linux-6.1@mesa-22.3.json) virgl=$(ls "$results"/virgl@linux-6.1@mesa-22.3.json)
vgem=$(ls "$results"/vgem@linux-6.1@mesa-22.3.json)
tool=build/fencecheck-results
source tools/tests/checks.sh  # $work, check, $failures

scripts/outputs.sh >/dev/null || { echo "FAIL scripts/outputs.sh"; exit 1; }

cells=$("$tool" list "$results" | wc -l)
columns() { grep -m1 '^| behaviour |' "$results/matrix.md" | awk -F'|' '{print NF - 3}'; }
check "the matrix has one column per cell ($cells)" test "$(columns)" = "$cells"
check "matrix cells carry provenance (the fence each lane's kernel returned)" \
  grep -q 'pass · virtio_gpu/controlq active' "$results/matrix.md"

check "the matrix opens with the answer: virgl fences GPU writes, llvmpipe attaches no fence" \
  bash -c "grep -q '^| virgl@linux-6.1@mesa-22.3 | virtio_gpu · .* | gl | fences GPU writes |' '$results/matrix.md' &&
    grep -q '^| llvmpipe@linux-6.1@mesa-22.3 | vgem · .* | gl | \\*\\*attaches no fence (reads race)\\*\\* |' '$results/matrix.md' &&
    grep -q '^verdicts' '$results/matrix.txt'"

# The terminal table: a column per cell, the known llvmpipe failure next to virgl's pass,
# and nothing listed that passes everywhere.
check "matrix.txt has one numbered column per cell" \
  test "$(grep -m1 '^behaviour ' "$results/matrix.txt" | wc -w)" = "$((cells + 1))"
# text_row NAME: a behaviour's cells in matrix.txt (on its line, or on the
# next where the name has a line of its own).
text_row() { awk -v n="$1" '$0 == n {getline; print; exit} index($0, n " ") == 1 {print; exit}' "$results/matrix.txt"; }
known_next_to_pass() { text_row Gpu/GpuWrite.ExportRightAfterSubmitIsPending/gl | grep -q ' kf .* ok'; }
check "matrix.txt shows the fenceless driver as a known failure and the fencing one as a pass" known_next_to_pass
check "matrix.txt leaves out what passes in every cell" \
  bash -c "! grep -qE '^UapiAbi.DmaBufIoctlNumbersMatchTheUapiHeader( |\$)' '$results/matrix.txt'"
# Only a behaviour's name alone (one word) may be wider than a terminal.
fits_a_terminal() { ! awk 'length($0) > 100 && index($0, " ")' "$results/matrix.txt" | grep -q .; }
check "matrix.txt's lines fit in 100 columns" fits_a_terminal

render() {
  timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$work/chromium" --print-to-pdf="$work/matrix.pdf" "file://$PWD/$results/matrix.html" &&
    pdftotext -layout "$work/matrix.pdf" "$work/matrix.txt" &&
    grep -q 'fencecheck matrix' "$work/matrix.txt" &&
    grep -q 'Gpu/GpuWrite' "$work/matrix.txt" &&
    grep -q 'known fail' "$work/matrix.txt" &&
    (( $(grep -o '\bpass\b' "$work/matrix.txt" | wc -l) > 20 )) &&
    grep -q 'virgl@linux-6.1@mesa-22.3' "$work/matrix.txt"
}
check "the HTML matrix renders in headless Chromium (its text is in the printed page)" render

# KCIDB against kernelci's own schema (KCIDB I/O v5.3, from kcidb-io; beside
# the project at ../shared/kcidb, not in a user's clone), with Debian's
# python3-jsonschema: the run's report, one cell's, and a planted invalid one.
kcidb_schema=../shared/kcidb/kcidb-v5.3.schema.json
kcidb_valid() {
  /usr/bin/python3 -c 'import json, sys, jsonschema
jsonschema.Draft202012Validator(json.load(open(sys.argv[1]))).validate(json.load(open(sys.argv[2])))' "$kcidb_schema" "$1"
}
kcidb_validates() {
  kcidb_valid "$results/kcidb.json" || return 1
  "$tool" kcidb -o "$work/kcidb.json" "$vgem" && kcidb_valid "$work/kcidb.json" || return 1
  # A test whose status KCIDB does not know must not validate.
  /usr/bin/python3 -c 'import json, sys
report = json.load(open(sys.argv[1])); report["tests"][0]["status"] = "OK"
json.dump(report, open(sys.argv[2], "w"))' "$work/kcidb.json" "$work/kcidb-bad.json" || return 1
  if kcidb_valid "$work/kcidb-bad.json" 2>"$work/kcidb-bad.txt"; then echo "a planted invalid report validated"; return 1; fi
  grep -q "'OK' is not one of" "$work/kcidb-bad.txt" || { cat "$work/kcidb-bad.txt"; return 1; }
}
if [[ -e $kcidb_schema ]]; then
  check "KCIDB output validates against kernelci's KCIDB I/O v5.3 schema (and a planted invalid one does not)" \
    kcidb_validates
else
  echo "not checked: KCIDB against kernelci's schema ($kcidb_schema is not beside this checkout)"
fi
check "kcidb.json has version 5 and tests" grep -q '"major": 5' "$results/kcidb.json"

# LAVA's documented limit for a test case's name is 100 characters.
lava_names_ok() {
  ! grep -vE '^(lava-test-case [A-Za-z0-9_.-]{1,100} --result (pass|fail|skip)( --measurement [0-9.e+-]+ --units [a-z]+)?|lava-test-set start [A-Za-z0-9_.-]{1,100}|lava-test-set stop|# [A-Za-z0-9_.-]{1,100} is .+)$' \
    "$results/lava.txt"
}
check "every lava.txt line is a well-formed case, set or comment, names of at most 100 characters" lava_names_ok

junit_ok() { for xml in "$results"/*@*.xml; do python3 -c 'import sys, xml.dom.minidom as m; m.parse(sys.argv[1])' "$xml" || return 1; done; }
check "JUnit files are well-formed XML" junit_ok

bugreport_ok() {
  "$tool" bugreport 'Gpu/GpuWrite.ExportRightAfterSubmitIsPending/gl' "$llvmpipe" >"$work/report" &&
    grep -q 'after submit: 1 fence: stub/stub signalled' "$work/report" &&
    grep -q "kernel: $(jq_release)" "$work/report" && grep -q -- "--gtest_filter=" "$work/report"
}
jq_release() { sed -n 's/.*"kernel.release": "\([^"]*\)".*/\1/p' "$llvmpipe" | head -n1; }
check "a bug report names the fence the kernel returned, the kernel release and the command" bugreport_ok

compare_flips() {
  cp -r expectations "$work/expectations"
  sed -i '/ExportRightAfterSubmitIsPending/d' "$work/expectations/llvmpipe-fails.txt"
  "$tool" compare --cell "$(basename "$llvmpipe" .json)" --expectations "$work/expectations" "$llvmpipe"
  [[ $? == 1 ]] || return 1
  cp expectations/llvmpipe-fails.txt "$work/expectations/virgl-fails.txt"  # virgl "known" not to fence
  "$tool" compare --cell "$(basename "$virgl" .json)" --expectations "$work/expectations" "$virgl"
  [[ $? == 1 ]]
}
check "compare exits 1 when a known result changes (a line removed; a fencing lane that fences)" compare_flips

# No false green: a result file with no result, a cell whose listed tests have no result,
# and a cell that left no result file at all are mismatches, not "all as expected".
compare_counts_what_is_missing() {
  local cell list
  cell=$(basename "$virgl" .json) list=${virgl%.json}.expected.txt
  [[ -s $list ]] || return 1
  echo '{"testsuites":[]}' >"$work/empty.json"
  "$tool" compare --cell "$cell" "$work/empty.json" >"$work/out.txt"
  grep -q 'NO RESULTS' "$work/out.txt" || return 1
  "$tool" compare --cell "$cell" "$work/empty.json"; [[ $? == 1 ]] || return 1
  "$tool" compare --cell "$cell" --tests "$list" "$virgl" || return 1  # the real one is whole
  # ... and its exit status must agree with it: its own (CELL.exit: 1 where a
  # known failure failed) does, 23 after a whole result file does not.
  "$tool" compare --cell "$cell" --tests "$list" --exit-status "$(<"${virgl%.json}.exit")" "$virgl" >/dev/null ||
    return 1
  "$tool" compare --cell "$cell" --tests "$list" --exit-status 23 "$virgl" >"$work/out.txt"
  grep -q 'EXIT STATUS' "$work/out.txt" || return 1
  python3 - "$virgl" "$work/partial.json" <<'PY' || return 1
import json, sys
doc = json.load(open(sys.argv[1]))
for suite in doc["testsuites"]:
    suite["testsuite"] = suite["testsuite"][:1]
json.dump(doc, open(sys.argv[2], "w"))
PY
  "$tool" compare --cell "$cell" --tests "$list" "$work/partial.json" >"$work/out.txt"
  grep -q '^  MISSING ' "$work/out.txt" || return 1
  "$tool" compare --cell "$cell" --tests "$list" "$work/partial.json"; [[ $? == 1 ]] || return 1
  (source vm/lanes.sh; mv "$virgl" "$work/kept.json"; compare_cell "$cell"; rc=$?; mv "$work/kept.json" "$virgl"; [[ $rc == 1 ]])
}

# The kernel's own complaints fail the cell: a WARN in the cell's kernel log (planted here).
kernel_complaint_fails_the_cell() {
  local cell log
  cell=$(basename "$virgl" .json) log=${virgl%.json}.dmesg
  [[ -e $log ]] || return 1  # the guest lane keeps every cell's log
  (source vm/lanes.sh; compare_cell "$cell" >/dev/null) || return 1
  cp "$log" "$work/kept.dmesg"
  echo '[   12.345678] WARNING: CPU: 1 PID: 321 at drivers/dma-buf/dma-resv.c:288 dma_resv_add_fence+0x1/0x2' >>"$log"
  (source vm/lanes.sh; compare_cell "$cell" >"$work/out.txt")
  local rc=$?
  grep -q 'KERNEL COMPLAINED' "$work/out.txt" || rc=0
  mv "$work/kept.dmesg" "$log"
  [[ $rc == 1 ]]
}
check "a WARN in a cell's kernel log fails the cell" kernel_complaint_fails_the_cell
check "compare: an empty result file, a listed test without a result, an exit status the results do not explain and a cell with no result file are mismatches" \
  compare_counts_what_is_missing

# Every planned cell is accounted for: a plan without results (a guest that
# never entered the checkout, a binary that does not load) fails the run, and so
# does a results folder where no cell ran or was planned.
planned_cells_count() {
  mkdir -p "$work/run" "$work/none"
  cp "$results"/*@*.json "$results"/*.expected.txt "$results"/*.exit "$results"/*.planned "$work/run/" 2>/dev/null
  (source vm/lanes.sh; FENCECHECK_RESULTS=$work/run every_cell_as_expected >/dev/null) ||
    { echo "the cells as they ran should be as expected"; return 1; }
  echo "vgem:system:build on kernel 6.1.0-0-amd64" >"$work/run/vgem@linux-6.1@mesa-22.3@never.planned"
  (source vm/lanes.sh; FENCECHECK_RESULTS=$work/run every_cell_as_expected >"$work/out.txt")
  local rc=$?
  grep 'never' "$work/out.txt"
  ((rc == 1)) && grep -q 'vgem@linux-6.1@mesa-22.3@never: NO RESULT FILE.*(planned: vgem:system:build' "$work/out.txt" ||
    return 1
  (source vm/lanes.sh; FENCECHECK_RESULTS=$work/none every_cell_as_expected)
  (($? == 1))
}
check "a planned cell without results fails the run, and so does a run with no cell" planned_cells_count

# compare judges a file as the cell it records, and bad usage is not a mismatch.
compare_takes_the_files_cell() {
  local cell
  cell=$(basename "$virgl" .json)
  "$tool" compare "$virgl" >"$work/out.txt" && grep -q "^$cell: .*all as expected" "$work/out.txt" || return 1
  "$tool" compare --cell vgem@linux-6.12@mesa-22.3 "$virgl" 2>"$work/err.txt"
  [[ $? == 2 ]] && grep -q "holds the results of cell $cell, not of --cell vgem@linux-6.12@mesa-22.3" "$work/err.txt" ||
    return 1
  "$tool" compare --expectations /nonexistent "$virgl" 2>/dev/null; [[ $? == 2 ]] || return 1
  "$tool" compare --help | grep -q 'CELL.expected.txt'
}
check "compare takes the cell from the file (a --cell naming another is bad usage), a missing expectations folder is bad usage" \
  compare_takes_the_files_cell

# Fail closed (planted): a listed failure for another reason, producers that
# loaded another Mesa than the cell's, a driver no expectation file names
# whose GPU tests all skipped: none may read as green.
rewrite() {  # rewrite IN OUT PYTHON: the result file IN as OUT, after PYTHON ran on doc
  python3 - "$1" "$2" "$3" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
exec(sys.argv[3])
json.dump(doc, open(sys.argv[2], "w"))
PY
}
fails_closed() {
  local dir=$work/closed
  rm -rf "$dir" && mkdir -p "$dir/none" "$dir/results" || return 1
  # llvmpipe's known missing fence, failing instead on an EGL error: CHANGED REASON.
  rewrite "$llvmpipe" "$dir/llvmpipe.json" '
for s in doc["testsuites"]:
    for t in s["testsuite"]:
        for f in t.get("failures", []):
            f["failure"] = "gl_producer.cpp:1\neglInitialize failed: EGL_NOT_INITIALIZED"' || return 1
  "$tool" compare "$dir/llvmpipe.json" >"$dir/out.txt"
  [[ $? == 1 ]] && grep -q 'CHANGED REASON *Gpu/GpuWrite.ExportRightAfterSubmitIsPending/gl' "$dir/out.txt" ||
    { echo "a known failure for another reason passed:"; head "$dir/out.txt"; return 1; }
  # virgl's cell is named after Mesa 22.3; its producers loaded another.
  rewrite "$virgl" "$dir/virgl.json" 'doc["mesa.version"] = "25.0.7"; doc["mesa.package"] = "22.3"' || return 1
  "$tool" compare "$dir/virgl.json" >"$dir/out.txt"
  [[ $? == 1 ]] && grep -q 'MESA .*named after Mesa 22.3, but its producers loaded Mesa 25.0.7' "$dir/out.txt" ||
    { echo "a cell judged as the wrong Mesa passed:"; cat "$dir/out.txt"; return 1; }
  # A GPU no expectation file names, every GPU test of it skipped (GBM could not
  # allocate, no EGL): NOT JUDGED through the runs' own verdict step.
  local unknown=amdgpu-unknown@linux-6.1@mesa-22.3
  rewrite "$virgl" "$dir/results/$unknown.json" '
doc["fencecheck.cell"] = "amdgpu-unknown@linux-6.1@mesa-22.3"
for s in doc["testsuites"]:
    for t in s["testsuite"]:
        t.pop("failures", None)
        t["result"] = "SKIPPED"
        t["skip_reason"] = "unsupported: amdgpu cannot allocate ARGB8888 256x256 LINEAR"' || return 1
  (source vm/lanes.sh; FENCECHECK_RESULTS=$dir/results FENCECHECK_EXPECTATIONS=$dir/none every_cell_as_expected) \
    >"$dir/out.txt"
  [[ $? == 1 ]] && grep -q "$unknown: .*NOT JUDGED" "$dir/out.txt" &&
    grep -q '[0-9]*x unsupported: amdgpu cannot allocate ARGB8888' "$dir/out.txt" ||
    { echo "an unknown GPU whose tests all skipped passed:"; cat "$dir/out.txt"; return 1; }
  # The same cell with one GPU test that passed is judged, its skips tolerated.
  rewrite "$dir/results/$unknown.json" "$dir/results/$unknown.json" '
t = [t for s in doc["testsuites"] for t in s["testsuite"] if s["name"] == "Gpu/GpuWrite"][0]
t["result"] = "COMPLETED"; t.pop("skip_reason")' || return 1
  (source vm/lanes.sh; FENCECHECK_RESULTS=$dir/results FENCECHECK_EXPECTATIONS=$dir/none every_cell_as_expected) \
    >"$dir/out.txt" || { echo "an unknown GPU with a judging pass and tolerated skips failed:"; cat "$dir/out.txt"; return 1; }
  # Its LAVA and JUnit outputs say NOT JUDGED too, for the all-skip cell.
  rewrite "$dir/results/$unknown.json" "$dir/results/$unknown.json" '
for s in doc["testsuites"]:
    for t in s["testsuite"]: t["result"] = "SKIPPED"' || return 1
  "$tool" lava --expectations "$dir/none" "$dir/results/$unknown.json" | grep -q "judged --result fail" &&
    "$tool" junit --expectations "$dir/none" "$dir/results/$unknown.json" | grep -q 'type="NotJudged"'
}
check "fail closed: a known failure for another reason, another Mesa than the cell's, an unknown GPU whose every GPU test skipped" \
  fails_closed

# One rule says which cells expectation files name (files.h has_expectations):
# the shell asks the tool (fencecheck-run says so before each cell).
stems_rule() {
  [[ $("$tool" stems --expectations expectations vgem@linux-6.1@mesa-22.3 | paste -sd,) == vgem,vgem@linux-6.1 ]] ||
    return 1
  if "$tool" stems --expectations expectations amdgpu-stoney@linux-6.1@mesa-22.3; then return 1; fi
  mkdir -p "$work/stems" && echo 'WARNING: x' >"$work/stems/amdgpu-stoney-kernel-complaints.txt"
  [[ $("$tool" stems --expectations "$work/stems" amdgpu-stoney@linux-6.1@mesa-22.3) == amdgpu-stoney ]]
}
check "stems: the stems whose files name a cell, kernel complaints included; exit 1 for a driver none names" stems_rule

bad_input() {
  "$tool" matrix /nonexistent.json; [[ $? == 2 ]] || return 1
  echo '{"oops":' >"$work/bad.json"
  "$tool" kcidb "$work/bad.json"; [[ $? == 2 ]] || return 1
  "$tool" bugreport No.SuchTest "$vgem"; [[ $? == 2 ]] || return 1
  "$tool" lava --frobnicate; [[ $? == 2 ]]
}
check "bad input (missing file, malformed JSON, unknown test, unknown option) exits 2" bad_input

atomic() {
  echo good >"$work/kept.md"
  "$tool" matrix -o "$work/kept.md" "$work/bad.json"
  [[ $(cat "$work/kept.md") == good ]] && ! compgen -G "$work/kept.md.tmp*" >/dev/null
}
check "a failed write leaves the previous output whole" atomic

((failures == 0))
