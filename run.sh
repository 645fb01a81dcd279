#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# ./run.sh [--bench] [FENCECHECK-ARGS...] — the conformance run, or with
# --bench the benchmarks (fencecheck-bench) instead.
# Installs what is missing and builds. Then, on a machine with GPUs,
# scripts/fencecheck-run (what an install runs as fencecheck-run): every
# render node with every producer (gl, vulkan, vgem-cpu), plus the vgem
# reference lane where vgem is loaded. On a machine without DRM: the kernel x
# Mesa matrix in VMs on real kernels (vm/lanes.sh FENCECHECK_KERNELS: 5.10,
# 6.1, 6.12, 7.2 and the newest -rc), each booted once to run its
# kernel_cells: every lane (vgem, llvmpipe, virgl, lavapipe) under the system's
# Mesa, backports' Mesa 25.0 and Mesa 26.1 (vm/root's trixie root, booted
# apart), venus under Mesa 26.1 (6.1 and 6.12), the reference lane only on
# 5.10 (benchmarks: 6.1, each lane's first Mesa, none in the root).
# Every output goes to build/results/: CELL.json (gtest JSON), CELL.xml
# (JUnit), matrix.md, matrix.html and matrix.txt, kcidb.json, lava.txt
# (scripts/cells.sh write_outputs).
# Each cell ends with its summary (passed/failed/skipped and, for every fence
# check, what the kernel returned); cells with expectation files are compared
# against them; the run ends with the matrix (rows: behaviours, columns:
# cells, i.e. lane x kernel x Mesa, with driver and producers in the notes).
set -uo pipefail
cd "$(dirname "$0")"
bench=0
if [[ ${1:-} == --bench ]]; then bench=1; shift; fi
scripts/setup.sh || exit 1

if compgen -G '/dev/dri/renderD*' >/dev/null; then
  echo "run.sh: DRM devices on this machine (kernel $(uname -r)): running here (scripts/fencecheck-run)"
  ((bench)) && set -- --bench "$@"
  exec scripts/fencecheck-run "$@"
fi

echo "run.sh: no DRM device on this machine (kernel $(uname -r)): the kernel x Mesa matrix in VMs on real kernels"
source vm/lanes.sh
if ((bench)); then
  rm -f build/results/*-bench.json build/results/*.bench-planned  # the conformance results stay: a lab may report both
  mkdir -p build/results
  mapfile -t bench_cells < <(bench_cells)
  vm/lane --kernel=stable --bench=full --no-tests "${bench_cells[@]}" -- "$@"
  bench_status=$?
  ((bench_status == 0)) || echo "run.sh: the benchmark VM run exited $bench_status" >&2
  finish_bench_run "$bench_status" || exit 1
  exit 0
fi

rm -rf build/results
mkdir -p build/results
# A boot whose cells could not run (2) or that the launcher lost (122-126)
# fails the run; the other kernels still run. Its planned cells have no
# results, which the verdicts name.
boots=0
# Cells under vm/root's Mesa boot apart, in the root, and cells that need
# different QEMU GPUs apart (vm/lanes.sh boot_groups).
for kernel in "${FENCECHECK_KERNELS[@]}"; do
  while read -r -a cells; do
    vm/lane --kernel="$kernel" "${cells[@]}" -- --gtest_brief=1 "$@" </dev/null
    rc=$?
    ((rc <= 1)) || { echo "run.sh: the $kernel boot exited $rc: neither 'all as expected' nor 'tests failed'" >&2; boots=1; }
  done < <(kernel_cells "$kernel" | boot_groups)
done

finish_run "$boots"
