#!/usr/bin/env bash
# ./run.sh [--bench] [FENCECHECK-ARGS...] — the conformance run, or with
# --bench the benchmarks (fencecheck-bench) instead.
# Installs what is missing and builds. Then, on a machine with GPUs: every
# render node with every producer (gl, vulkan, vgem-cpu), plus the vgem
# reference lane where vgem is loaded. On a machine without DRM: the kernel x
# Mesa matrix in VMs on real kernels (vm/lanes.sh FENCECHECK_KERNELS: 5.10,
# 6.1, 6.12, 7.2 and the newest -rc), each booted once to run its
# kernel_cells: every lane (vgem, llvmpipe, virgl, lavapipe) under the system's
# Mesa and backports' Mesa 25.0, the reference lane only on 5.10 (benchmarks:
# 6.1, each lane's first Mesa).
# Every output goes to build/results/: CELL.json (gtest JSON), CELL.xml
# (JUnit), matrix.md, matrix.html and matrix.txt, kcidb.json, lava.txt
# (scripts/outputs.sh).
# Each cell ends with its summary (passed/failed/skipped and, for every fence
# check, what the kernel returned); cells with expectation files are compared
# against them; the run ends with the matrix (rows: behaviours, columns:
# cells, i.e. lane x kernel x Mesa, with driver and producers in the notes).
set -uo pipefail
cd "$(dirname "$0")"
bench=0
if [[ ${1:-} == --bench ]]; then bench=1; shift; fi
scripts/setup.sh || exit 1
source vm/lanes.sh
if ((bench)); then
  rm -f build/results/*-bench.json  # the conformance results stay: a lab may report both
else
  rm -rf build/results
fi
mkdir -p build/results

declare -A own_status  # cells run here: fencecheck's own exit status
if compgen -G '/dev/dri/renderD*' >/dev/null; then
  echo "run.sh: DRM devices on this machine (kernel $(uname -r)): running here"
  build/fencecheck --list-devices
  export FENCECHECK_MESA=$(vm/mesa system)
  for node in /dev/dri/renderD*; do
    driver=$(basename "$(readlink -f "/sys/class/drm/$(basename "$node")/device/driver")")
    cell=$(cell_name "$driver" "$(uname -r)" "$FENCECHECK_MESA")
    [[ -n ${own_status[$cell]:-} ]] && cell+=@$(basename "$node")
    echo
    echo "=== $cell ($node)"
    if ((bench)); then
      filter='^(Wake|Race)/'
      [[ $driver == vgem ]] && filter=$(lane_bench_filter vgem)
      build/fencecheck-bench --cell="$cell" --device="$node" --benchmark_filter="$filter" \
        --benchmark_out="build/results/$cell-bench.json" --benchmark_out_format=json "$@"
      bench_status=$?
      ((bench_status == 0)) || echo "run.sh: fencecheck-bench exited $bench_status on $cell" >&2
    else
      filter='Gpu/*'
      [[ $driver == vgem ]] && filter=$(lane_filter vgem)
      build/fencecheck --gtest_filter="$filter" "$@" --gtest_list_tests >"build/results/$cell.expected.txt"
      # A crash (a driver's segfault) resumes the rest of the cell from its journal.
      run_resuming "build/results/$cell.journal" "build/results/$cell.exit" \
        build/fencecheck --cell="$cell" --device="$node" --gtest_filter="$filter" --gtest_brief=1 \
        --journal="build/results/$cell.journal" --gtest_output="json:build/results/$cell.json" "$@"
    fi
    own_status[$cell]=$?
  done
else
  echo "run.sh: no DRM device on this machine (kernel $(uname -r)): the kernel x Mesa matrix in VMs on real kernels"
  if ((bench)); then
    mapfile -t bench_cells < <(bench_cells)
    vm/lane --kernel=stable --bench=full --no-tests "${bench_cells[@]}" -- "$@"
    bench_status=$?
    ((bench_status == 0)) || echo "run.sh: the benchmark VM run exited $bench_status" >&2
  else
    for kernel in "${FENCECHECK_KERNELS[@]}"; do
      mapfile -t cells < <(kernel_cells "$kernel")
      vm/lane --kernel="$kernel" "${cells[@]}" -- --gtest_brief=1 "$@"
      rc=$?
      ((rc > 1)) && exit "$rc"
    done
  fi
fi

if ((bench)); then
  echo
  echo "=== benchmarks (ratios to the syscall floor read the same on any machine; absolute times only"
  echo "    mean something on real hardware: a 'QEMU ... CPU' is emulated)"
  mapfile -t benches < <(result_files --bench)
  build/fencecheck-results bench "${benches[@]}" || exit 1
  # Every benchmark ran and reported every counter with sane values, or skipped as its cell allows.
  build/fencecheck-results bench --check "${benches[@]}" | grep -E "^cell|PROBLEM"
  ((PIPESTATUS[0] == 0)) || exit 1
  ((${bench_status:-0} == 0)) || exit 1
  exit 0
fi

echo
scripts/outputs.sh

echo
echo "=== verdicts"
status=0
for cell in $(result_cells); do
  if [[ -n ${own_status[$cell]:-} && -e build/results/$cell.json ]] && ! compare_cell "$cell" >/dev/null 2>&1 &&
    ! compgen -G "expectations/${cell%%@*}*-fails.txt" >/dev/null &&
    ! compgen -G "expectations/${cell%%@*}*-flakes.txt" >/dev/null &&
    ! compgen -G "expectations/${cell%%@*}*-skips.txt" >/dev/null; then
    # A driver with no expectations yet: the tests' own verdicts stand.
    echo "$cell: no expectations/${cell%%@*}-*.txt; fencecheck exit status ${own_status[$cell]}"
    [[ ${own_status[$cell]} == 0 ]] || status=1
  else
    compare_cell "$cell" || status=1
  fi
done

echo
echo "=== the matrix (every behaviour in build/results/matrix.md, with each cell's provenance in matrix.html)"
cat build/results/matrix.txt
exit $status
