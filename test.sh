#!/usr/bin/env bash
# ./test.sh — installs what is missing, builds, and runs every test:
#   1. host unit tests and the suite on this host (ctest);
#   2. the VM lanes in one boot of a real kernel (vm/lane): vgem (reference),
#      llvmpipe (a non-fencing driver), virgl (a fencing driver), each with its
#      benchmarks once in short mode (a smoke test: no timing is asserted);
#   3. each lane's results against its expectations (expectations/LANE-*.txt),
#      and each lane's benchmarks ran and reported every counter;
#   4. the selftests (tests that misbehave on purpose) became the right
#      results: on the host (ctest) and, for a fence that never signals, in the VM;
#   5. the lab and people outputs of those results: matrix (rendered in
#      headless Chromium), KCIDB, LAVA, JUnit, bug reports, bad input;
#   6. an ASan + UBSan build: host tests and the vgem lane, clean;
#   7. the test IDs in the VM equal those on the host;
#   8. vm/run's own contract: exit status passthrough, panic, hang, never booting,
#      missing kernel or QEMU, bad arguments.
# Exit status 0 only if all of them pass.
set -uo pipefail
cd "$(dirname "$0")"
scripts/setup.sh || exit 1
source vm/lanes.sh

failed=()
step() {
  local name=$1
  shift
  echo
  echo "==> $name"
  "$@"
  local rc=$?
  if ((rc == 0)); then echo "<== $name: ok"; else echo "<== $name: FAILED (exit status $rc)"; failed+=("$name"); fi
}

# A lane's tests may fail as its expectations say (exit 1); the launcher's own
# failures (123 guest died, 124 timeout, 125 no guest) may not.
run_lanes() {
  rm -f build/results/*.json build/results/tests.txt
  vm/lane --bench=short --selftest "${FENCECHECK_LANES[@]}" -- --gtest_brief=1
  local rc=$?
  ((rc <= 1))
}

step "host: unit tests and host suite" ctest --test-dir build --output-on-failure
step "vm: lanes ${FENCECHECK_LANES[*]}" run_lanes
for lane in "${FENCECHECK_LANES[@]}"; do
  step "vm: lane $lane matches its expectations" build/fencecheck-results compare --lane "$lane" "build/results/$lane.json"
done
bench_results=()
for lane in "${FENCECHECK_LANES[@]}"; do bench_results+=("build/results/$lane-bench.json"); done
step "vm: benchmarks ran on every lane and reported every counter" \
  build/fencecheck-results bench --check "${bench_results[@]}"
step "vm: a wait on a never-signalled fence fails at its deadline; the run goes on" \
  suites/selftest/check_vm.sh build/results/selftest-vgem.json
step "results: matrix, KCIDB, LAVA, JUnit and bug reports from the lanes" tools/tests/outputs_test.sh

sanitizer_build() {
  cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFENCECHECK_SANITIZE=ON \
    -DFENCECHECK_WERROR=ON >/dev/null &&
    cmake --build build-asan --target fencecheck fencecheck-unit fencecheck-selftest fencecheck-results
}
sanitizer_lane() {
  rm -f build/results/vgem-asan.json
  vm/lane --build=build-asan vgem -- --gtest_brief=1 &&
    build/fencecheck-results compare --lane vgem build/results/vgem-asan.json
}
step "sanitizers: ASan + UBSan build" sanitizer_build
step "sanitizers: host unit tests, host suite and selftests" ctest --test-dir build-asan --output-on-failure
step "sanitizers: the vgem lane in the VM, clean and as expected" sanitizer_lane
step "vm: test IDs identical to the host's" diff -u <(build/fencecheck --gtest_list_tests) build/results/tests.txt
step "vm: launcher exit statuses (panic, hang, bad arguments)" vm/tests/run_test.sh

echo
if ((${#failed[@]})); then
  echo "test.sh: FAILED: ${failed[*]}"
  exit 1
fi
echo "test.sh: all passed"
