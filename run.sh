#!/usr/bin/env bash
# ./run.sh [--bench] [FENCECHECK-ARGS...] — the conformance run, or with
# --bench the benchmarks (fencecheck-bench) instead.
# Installs what is missing and builds. Then, on a machine with GPUs: every
# render node with every producer (gl, vulkan, vgem-cpu), plus the vgem
# reference lane where vgem is loaded. On a machine without DRM: the VM lanes
# (vgem, llvmpipe, virgl) in one boot of a real kernel.
# Every output goes to build/results/: LANE.json (gtest JSON), LANE.xml
# (JUnit), matrix.md and matrix.html, kcidb.json, lava.txt (scripts/outputs.sh).
# Each lane ends with its summary (passed/failed/skipped and, for every fence
# check, what the kernel returned), and lanes with expectation files are
# compared against them.
set -uo pipefail
cd "$(dirname "$0")"
bench=0
if [[ ${1:-} == --bench ]]; then bench=1; shift; fi
scripts/setup.sh || exit 1
source vm/lanes.sh
mkdir -p build/results
rm -f build/results/*.json

lanes=()
declare -A own_status  # lanes run here: fencecheck's own exit status
if compgen -G '/dev/dri/renderD*' >/dev/null; then
  echo "run.sh: DRM devices on this machine (kernel $(uname -r)): running here"
  build/fencecheck --list-devices
  for node in /dev/dri/renderD*; do
    driver=$(basename "$(readlink -f "/sys/class/drm/$(basename "$node")/device/driver")")
    lane=$driver
    [[ " ${lanes[*]} " == *" $lane "* ]] && lane=$driver-$(basename "$node")
    [[ $driver == vgem ]] && lane=vgem
    lanes+=("$lane")
    echo
    echo "=== lane $lane ($node)"
    if ((bench)); then
      filter='^(Wake|Race)/'
      [[ $lane == vgem ]] && filter=$(lane_bench_filter vgem)
      build/fencecheck-bench --lane="$lane" --device="$node" --benchmark_filter="$filter" \
        --benchmark_out="build/results/$lane-bench.json" --benchmark_out_format=json "$@"
    else
      filter='Gpu/*'
      [[ $lane == vgem ]] && filter=$(lane_filter vgem)
      build/fencecheck --lane="$lane" --device="$node" --gtest_filter="$filter" --gtest_brief=1 \
        --gtest_output="json:build/results/$lane.json" "$@"
    fi
    own_status[$lane]=$?
  done
else
  echo "run.sh: no DRM device on this machine (kernel $(uname -r)): running the lanes in a VM on a real kernel"
  lanes=("${FENCECHECK_LANES[@]}")
  if ((bench)); then
    vm/lane --bench=full --no-tests "${lanes[@]}" -- "$@"
  else
    vm/lane "${lanes[@]}" -- --gtest_brief=1 "$@"
  fi
  rc=$?
  ((rc > 1)) && exit "$rc"
fi

if ((bench)); then
  echo
  echo "=== benchmarks (ratios to the syscall floor read the same on any machine; absolute times only"
  echo "    mean something on real hardware: a 'QEMU ... CPU' is emulated)"
  results=()
  for lane in "${lanes[@]}"; do results+=("build/results/$lane-bench.json"); done
  build/fencecheck-results bench "${results[@]}"
  exit $?
fi

echo
scripts/outputs.sh "${lanes[@]}"

echo
echo "=== verdicts"
status=0
for lane in "${lanes[@]}"; do
  if compgen -G "expectations/$lane-*.txt" >/dev/null; then
    build/fencecheck-results compare --lane "$lane" "build/results/$lane.json" || status=1
  else
    # No expectations for this driver yet: the tests' own verdicts stand.
    echo "lane $lane: no expectations/$lane-*.txt; fencecheck exit status ${own_status[$lane]:-?}"
    [[ ${own_status[$lane]:-1} == 0 ]] || status=1
  fi
done
exit $status
