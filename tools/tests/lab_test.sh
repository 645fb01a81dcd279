#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tools/tests/lab_test.sh tarball|verdicts — the lab artifacts, checked.
#   tarball   builds the tarball (cmake --build build --target package),
#             extracts it into build/lab/root as `tar -x -C /` would, writes
#             the LAVA test definition's script (build/lab/lava-steps.sh: its
#             parameters, RESULTS set as a job would, and its run steps, as
#             LAVA writes them), and checks the tarball on this host: the
#             programs need nothing but runtime libraries of the distribution
#             (no -dev package, nothing from the build tree); the extracted fencecheck lists the build tree's tests,
#             and the package's install check (debian/tests/install-check:
#             the list alone on stdout, fencecheck-run's 77 with one line where
#             there is no DRM device, the prefix's expectations found) passes
#             on the extracted prefix.
#   verdicts  after the lab boot (vm/lane --lab=build/lab, vm/guest/lab) and
#             the lanes' cells run with the extracted programs
#             (LANE:MESA:build/lab/tarball): the LAVA definition run on the
#             tarball (read-only root) and the package's autopkgtest tests
#             each judged their cell as expected and gave every test the
#             verdict the build tree's run of the same cell gave it
#             (fencecheck-results same), and so did every CELL@tarball; LAVA
#             got one test case per test; the suite under the gtest-runner
#             stand-in (shuffled, random groups) gave the same verdicts.
set -uo pipefail
cd "$(dirname "$0")/../.."
lab=build/lab
source tools/tests/checks.sh  # $work, check, $failures

# packages_of FILE: the Debian packages FILE's shared libraries come from.
packages_of() {
  local library owner
  for library in $(ldd "$1" | awk '$3 ~ /^\// {print $3} $1 ~ /^\// {print $1}'); do
    owner=$(dpkg -S "$library" 2>/dev/null || dpkg -S "$(readlink -f "$library")" 2>/dev/null) ||
      { echo "NOT FROM A PACKAGE: $library"; continue; }
    echo "${owner%%:*}"
  done | sort -u
}

# Every library the installed programs load is a distribution runtime library.
runtime_only() {
  local prefix=$1 program packages status=0
  for program in "$prefix"/bin/*; do
    [[ $(head -c 4 "$program") == $'\177ELF' ]] || continue  # a program, not a script
    packages=$(packages_of "$program")
    echo "$(basename "$program"): $(echo $packages)"
    if grep -qE -e '-dev$' -e 'NOT FROM A PACKAGE' <<<"$packages"; then status=1; fi
  done
  return $status
}

# The extracted fencecheck lists the build tree's tests, exactly.
same_list() {
  "$1/bin/fencecheck" --gtest_list_tests >"$work/list.out" 2>/dev/null || return 1
  build/fencecheck --gtest_list_tests >"$work/host.out" 2>/dev/null || return 1
  diff -u "$work/host.out" "$work/list.out"
}

# lava_steps DEFINITION NAME=VALUE...: the shell script LAVA runs for a test
# definition: its parameters' defaults, the job's values for some, its steps.
lava_steps() {
  python3 - "$@" <<'PYTHON'
import shlex, sys, yaml
definition = yaml.safe_load(open(sys.argv[1]))
print("# generated from " + sys.argv[1] + " (tools/tests/lab_test.sh): parameters, then run steps")
for name, value in (definition.get("params") or {}).items():
    print(f"{name}={shlex.quote(str(value))}")
for assignment in sys.argv[2:]:
    name, value = assignment.split("=", 1)
    print(f"{name}={shlex.quote(value)}")
for line in definition["run"]["steps"]:
    print(line)
PYTHON
}

same_programs() {
  local program
  for program in fencecheck fencecheck-bench fencecheck-results; do
    cmp "build/$program" "$1/bin/$program" || return 1
  done
}

tarball() {
  rm -rf "$lab"  # nothing of an earlier run (a .deb, an extracted root) may stand in for this one's
  mkdir -p "$lab"
  lava_steps examples/lava-fencecheck.yaml RESULTS=/run/lab-out >"$lab/lava-steps.sh" || return 1
  cmake --build build --target package >"$work/cpack.log" 2>&1 || { cat "$work/cpack.log"; return 1; }
  local file
  file=$(ls build/fencecheck-*-"$(uname -m)".tar.gz) || return 1
  mkdir -p "$lab/root"
  tar -x -C "$lab/root" -f "$file" || return 1
  local prefix=$lab/root/opt/fencecheck
  # The extracted programs as a build folder for vm/lane's cells (LANE:MESA:build/lab/tarball).
  ln -s root/opt/fencecheck/bin "$lab/tarball"
  echo "$file: $(du -h "$file" | cut -f1), extracted into $lab/root ($(find "$lab/root" -type f | wc -l) files)"
  check "the tarball holds bin/ and share/fencecheck/ under opt/fencecheck" \
    test -x "$prefix/bin/fencecheck-run" -a -d "$prefix/share/fencecheck/expectations"
  check "its programs load only the distribution's runtime libraries" runtime_only "$prefix"
  # The bytes the lanes judged are the bytes the lab gets: the VM cells of
  # build/ stand for the tarball's programs, and only their paths differ (its
  # LAVA run in the lab VM and the virgl cell in the 6.1 boot run them from
  # the extracted prefix).
  check "its programs are the build tree's, byte for byte" same_programs "$prefix"
  check "the prefix's fencecheck lists the build tree's tests" same_list "$prefix"
  # The package's own check of an install, on this prefix: the list alone on
  # stdout, the programs start, the prefix's expectations found, and
  # fencecheck-run exits 77 with one line on this DRM-less host.
  check "debian/tests/install-check on the extracted prefix" env PATH="$(realpath "$prefix")/bin:$PATH" debian/tests/install-check
}

# same_cell WHAT FOLDER: the one cell FOLDER holds, judged as expected and with
# the build tree's verdicts.
same_cell() {
  local folder=$1 file cell
  file=$(ls "$folder"/*.json 2>/dev/null | grep -v -e '-bench\.json$' -e '/kcidb\.json$' | head -n 1)
  [[ -n $file ]] || { echo "no result file in $folder"; return 1; }
  cell=$(basename "$file" .json)
  [[ -e build/results/$cell.json ]] || { echo "the build tree has no $cell.json to compare with"; return 1; }
  build/fencecheck-results same "build/results/$cell.json" "$file"
}

# tarball_cells: each cell the extracted tarball's programs ran (CELL@tarball)
# gave the verdicts the build tree's run of the same cell gave.
tarball_cells() {
  local file cells=0 status=0
  for file in build/results/*@tarball.json; do
    [[ -e $file ]] || continue
    cells=$((cells + 1))
    build/fencecheck-results same "${file%@tarball.json}.json" "$file" || status=1
  done
  ((cells > 0)) || { echo "no CELL@tarball.json in build/results"; return 1; }
  return $status
}

# lava_cases FOLDER: LAVA got the verdict "pass" and one test case per test of the cell.
lava_cases() {
  local cases=$1/lava-test-cases.txt tests
  [[ -f $cases ]] || { echo "no $cases: the definition reported nothing"; return 1; }
  grep -x 'fencecheck-expectations --result pass' "$cases" || { grep fencecheck-expectations "$cases"; return 1; }
  tests=$(cat "$1"/*.expected.txt | grep -c '^  ')
  echo "$(grep -c -- '--result' "$cases") test cases for $tests tests"
  # (and the cell's kernel_log case where the kernel's log could be read)
  (($(grep -c -v -e '^fencecheck-expectations ' -e '^kernel_log ' "$cases") == tests))
}

verdicts() {
  local results=build/results/lab test
  check "the LAVA definition ran on the tarball from a read-only root (exit 0)" grep -qx 0 "$results/tarball.exit"
  check "LAVA got pass and one test case per test" lava_cases "$results/tarball"
  check "the tarball's run gave the build tree's verdicts" same_cell "$results/tarball"
  check "the package installed and its autopkgtest tests passed (exit 0)" grep -qx 0 "$results/deb.exit"
  for test in "$results"/deb/*/; do
    [[ -d $test/results ]] || continue
    check "the package's $(basename "$test") run gave the build tree's verdicts" same_cell "$test/results"
  done
  check "the tarball's programs on the lanes gave the build tree's verdicts" tarball_cells
  check "under the gtest-runner stand-in (shuffled, random groups): the build tree's verdicts" \
    grep -qx 0 "$results/gtest-runner.exit"
  check "a GPU without expectation files whose GPU tests all skip is NOT JUDGED, and a failing GBM a failure (fencecheck-run exits 1 for both)" \
    grep -qx 0 "$results/unknown-gpu.exit"
}

case ${1:-} in
  tarball) tarball ;;
  verdicts) verdicts ;;
  *) echo "usage: tools/tests/lab_test.sh tarball|verdicts" >&2; exit 2 ;;
esac
echo "lab checks: $failures failed"
((failures == 0))
