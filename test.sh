#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# ./test.sh — installs what is missing, builds, and runs every test:
#   1. host unit tests, the suite on this host and the selftests (ctest),
#      and the code's format (.clang-format);
#   2. an ASan + UBSan build (in the background, on the CPU the guests leave
#      idle, while the first kernels boot) and the same host tests with it;
#   3. the kernel x Mesa matrix, one VM boot per kernel, each running its
#      vm/lanes.sh test_cells: on backports' 6.12 the reference lane (and
#      its benchmarks in short mode) and virgl under Mesa 25; on bullseye's
#      5.10 and experimental's -rc the reference lane; on sid's 7.2 the
#      reference lane and virgl; on Debian 12's 6.1
#      every lane but lavapipe (./run.sh only: it judges nothing) under its
#      first Mesa, the sanitizer build's vgem lane, each
#      lane's benchmarks in short mode (a smoke test: no time is asserted;
#      only the cost curves' shapes, with generous bounds)
#      and the VM selftests; and on 6.1, in a boot of its own in vm/root's
#      trixie root, venus under Mesa 26.1 with the Vulkan signalled-bridge
#      mutant (./run.sh runs every cell on every kernel);
#   4. every cell's results against its expectations (expectations/), every
#      benchmark ran and reported every counter and each cost curve kept its
#      shape (bench --check), the selftests' outcomes;
#   5. the lab and people outputs of those results: matrix and the reference
#      lane's benchmark plot (each rendered in headless Chromium), KCIDB,
#      LAVA, JUnit, bug reports, bad input;
#   6. the test IDs in every cell equal those on the host;
#   7. vm/run's own contract: exit status passthrough, panic, hang, never
#      booting, no working directory, missing kernel or QEMU, bad arguments
#      (its short guests run in the background beside the lanes' guests from
#      5.10 on);
#   8. the lab artifacts: the tarball (checked on this host, its programs
#      the build tree's byte for byte; on the virgl lane in the 6.1 boot;
#      then, in a VM of its own on 6.1 with vgem alone, the LAVA test
#      definition run on it from a read-only root), the Debian package (built in the background after
#      the ASan build, lintian, installed in that VM and its autopkgtest tests
#      run) and the suite under a gtest-runner stand-in (shuffled, random
#      groups), each giving the build tree's verdicts.
# Exit status 0 only if all of them pass.
set -uo pipefail
cd "$(dirname "$0")"
started=$SECONDS
scripts/setup.sh --packages || exit 1
source vm/lanes.sh

# What the boots need from the network (virtme-ng, the five kernels, backports'
# Mesa 25.0) is fetched in the background while the build compiles: the one
# waits on the network, the other on the CPUs. virtme-ng and 6.1 first (every
# kernel's fetch shares virtme-ng's folder), then one chain per apt suite at
# once (each suite's private apt configuration is a folder of its own;
# backports' holds its kernel and Mesa 25.0). Each kernel's boot waits for its
# own fetch (build/prefetch/KERNEL.status), not for the others'.
prefetch_one() {
  local kernel=$1
  { vm/run --kernel="$kernel" --release && { [[ $kernel != backports ]] || vm/mesa fetch 25.0; }; } \
    >"build/prefetch/$kernel.log" 2>&1
  echo $? >"build/prefetch/$kernel.status"
}
rm -rf build/prefetch && mkdir -p build/prefetch
(
  fetch() { nice -n 10 bash -c "$(declare -f prefetch_one); prefetch_one $1"; }
  fetch stable
  for kernel in "${FENCECHECK_KERNELS[@]}"; do [[ $kernel == stable ]] || fetch "$kernel" & done
  # vm/root's trixie root (Mesa 26.1, QEMU 11), which venus boots in.
  (nice -n 10 vm/root fetch >build/prefetch/root.log 2>&1; echo $? >build/prefetch/root.status) &
  wait
) &
prefetch_pid=$!
# prefetched KERNEL: waits for KERNEL's fetch and says what it fetched. A
# failed fetch is said here; the boot then fetches by itself, and fails with
# vm/run's own message if it cannot either.
prefetched() {
  local status=build/prefetch/$1.status
  while [[ ! -e $status ]] && kill -0 "$prefetch_pid" 2>/dev/null; do sleep 1; done
  if [[ $(cat "$status" 2>/dev/null) == 0 ]]; then
    echo "fetched in the background: $(grep -hE '^vm/run: kernel' "build/prefetch/$1.log")"
  else
    echo "the background fetch of kernel $1 failed:"; tail -n 5 "build/prefetch/$1.log"
  fi
}
scripts/setup.sh || exit 1

failed=()
step() {
  local name=$1
  shift
  echo
  echo "==> $name  [$(((SECONDS - started) / 60))m$(((SECONDS - started) % 60))s]"
  "$@"
  local rc=$?
  if ((rc == 0)); then echo "<== $name: ok"; else echo "<== $name: FAILED (exit status $rc)"; failed+=("$name"); fi
}

sanitizer_build() {
  # -O1 -g1: half the build time of -O2 -g on two cores; reports keep file:line.
  # A unity build, as build/ (scripts/setup.sh): 5 CPU-minutes instead of 8.
  cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=None -DCMAKE_CXX_FLAGS="-O1 -g1" -DCMAKE_C_FLAGS="-O1 -g1" \
    -DFENCECHECK_SANITIZE=ON -DFENCECHECK_WERROR=ON -DCMAKE_UNITY_BUILD=ON >/dev/null &&
    cmake --build build-asan --target fencecheck fencecheck-unit fencecheck-gpu-unit fencecheck-runner-unit fencecheck-results-unit fencecheck-selftest fencecheck-results
}

# The ASan build, then the Debian package (scripts/deb.sh: a build of its own
# in a scratch copy, then lintian), run in the background while the kernels
# boot, below the guests' priority: they take what CPU the guests leave idle
# (two jobs, so both cores when the guest waits). What is needed first comes
# first: the ASan build (nice 10) for the 6.1 boot, the package (15) for the
# lab VM after it, the launcher's own guests (19) only at the end.
background_builds_started() {
  (nice -n 10 bash -c "$(declare -f sanitizer_build); CMAKE_BUILD_PARALLEL_LEVEL=2 sanitizer_build" \
    >build/sanitizer-build.log 2>&1
   echo $? >build/sanitizer-build.status.new && mv build/sanitizer-build.status.new build/sanitizer-build.status
   # nocheck: the package's host tests are the ones step 1 ran on these
   # sources; noopt (-O0): what this checks is the packaging (paths, lintian,
   # the autopkgtest tests in the lab VM), and -O0 compiles in half the time.
   DEB_BUILD_OPTIONS="parallel=2 nocheck noopt" nice -n 15 scripts/deb.sh build/lab >build/deb-build.log 2>&1
   echo $? >build/deb-build.status) &
  background_pid=$!
}
sanitizer_build_finished() {
  while [[ ! -e build/sanitizer-build.status ]] && kill -0 "$background_pid" 2>/dev/null; do sleep 2; done
  local status
  status=$(cat build/sanitizer-build.status 2>/dev/null || echo 1)
  ((status == 0)) || tail -n 40 build/sanitizer-build.log
  return "$status"
}
package_build_finished() {
  wait "$background_pid"
  local status
  status=$(cat build/deb-build.status 2>/dev/null || echo 1)
  tail -n 15 build/deb-build.log
  return "$status"
}

# vm/run's own contract (a few short guests) runs in the background beside the
# lanes' guests from 5.10 on, which leave a core idle too, after every other
# background job in priority: nothing waits for it before the end.
launcher_tests_started() {
  (nice -n 19 vm/tests/run_test.sh >build/launcher-tests.log 2>&1; echo $? >build/launcher-tests.status) &
  launcher_pid=$!
}
launcher_tests_finished() {
  wait "$launcher_pid"
  cat build/launcher-tests.log
  return "$(cat build/launcher-tests.status 2>/dev/null || echo 1)"
}

# cells_of NAME KERNEL [yes|no]: the kernel's test_cells, those in vm/root's root or the others (default).
cells_of() { mapfile -t "$1" < <(test_cells "$2" | in_root "${3:-no}"); }
cells_of cells_510 5.10
cells_of cells_61 stable
cells_of cells_61_root stable yes
cells_of cells_612 backports
cells_of cells_72 7.2
cells_of cells_rc rc

# A boot passes on "every cell as expected" (0) or "tests failed" (1), which
# the verdict step then holds against the expectations; a cell that could not
# run in the guest (2) and the launcher's own failures (122 never booted, 123
# guest died, 124 timeout, 125 no guest, 126 no working directory) fail it.
boot() {
  prefetched "${1#--kernel=}"
  vm/lane "$@" -- --gtest_brief=1
  local rc=$?
  ((rc == 0 || rc == 1)) || { echo "vm/lane exited $rc: neither 'all as expected' nor 'tests failed'"; return 1; }
}

same_test_ids() {
  local status=0 file
  build/fencecheck --gtest_list_tests >build/host-tests.txt || return 1
  for file in build/results/*.tests.txt; do
    diff -u --label host --label "$(basename "$file" .tests.txt)" build/host-tests.txt "$file" || status=1
  done
  echo "$(ls build/results/*.tests.txt | wc -l) cells' test lists compared with the host's ($(grep -c '^  ' build/host-tests.txt) test IDs)"
  return $status
}

# The selftest boot plants a WARN after its log's clear, before modprobe
# (vm/guest/lane): judged alone it fails the log; with the file that knows it,
# any other complaint still would.
selftest_kernel_log() {
  local log=build/results/selftest.dmesg
  if build/fencecheck-results kernel-log "$log" >build/selftest-kernel-log.txt; then
    echo "$log: passed without the file that knows the planted WARN"; return 1
  fi
  grep -q 'KERNEL COMPLAINED.*planted_before_modprobe' build/selftest-kernel-log.txt ||
    { cat build/selftest-kernel-log.txt; echo "$log: the planted WARN is not what failed it"; return 1; }
  build/fencecheck-results kernel-log --cell selftest --expectations suites/selftest "$log"
}

# The code's format: every C and C++ file as clang-format writes it (.clang-format).
format_check() {
  local files=()
  mapfile -t files < <(find bench fixtures gpu harness results runner suites docs/findings \
    \( -name '*.cpp' -o -name '*.h' -o -name '*.c' \) | sort)
  ((${#files[@]})) || { echo "no C or C++ file found"; return 1; }
  clang-format --dry-run --Werror "${files[@]}" && echo "${#files[@]} files as .clang-format says"
}

rm -rf build/results build/sanitizer-build.status build/deb-build.status build/launcher-tests.status
step "host: unit tests, host suite, selftests" ctest --test-dir build --output-on-failure --no-tests=error
step "style: every C and C++ file as .clang-format says" format_check
step "lab: the tarball, extracted as tar -x -C / would, checked on this host" tools/tests/lab_test.sh tarball
background_builds_started
# 6.12 runs the reference lane's benchmarks too: a second kernel's curves,
# and udmabuf and the system dma-heap, which Debian's 6.1 does not build.
step "vm: linux 6.12: ${cells_612[*]}, the reference lane's benchmarks" \
  boot --kernel=backports --bench=short "${cells_612[@]}"
launcher_tests_started
step "vm: linux 5.10: ${cells_510[*]}" boot --kernel=5.10 "${cells_510[@]}"
# The -rc boot writes the udmabuf regression's C reproducer from its
# result and runs it; the 7.2 boot runs the same file (check_reproducers.sh).
step "vm: linux -rc: ${cells_rc[*]}, the udmabuf reproducer" \
  boot --kernel=rc --reproducer=UdmabufCreate.ASizeOverTheModulesLimitIsRefused "${cells_rc[@]}"
rc_reproducer=$(compgen -G "build/results/vgem@linux-7.3@*.repro.c" | grep -v asan | head -n 1)
step "vm: linux 7.2: ${cells_72[*]}, the -rc udmabuf reproducer" \
  boot --kernel=7.2 --run-reproducer="${rc_reproducer:-build/results/no-rc-udmabuf-reproducer.c}" "${cells_72[@]}"
step "sanitizers: ASan + UBSan build (in the background since the host tests)" sanitizer_build_finished
step "sanitizers: host unit tests, host suite, selftests" ctest --test-dir build-asan --output-on-failure --no-tests=error
# The tarball's programs (the build tree's, byte for byte: lab_test.sh
# tarball) on a fencing GL lane, from the extracted prefix; on the reference
# lane they run in the lab VM (LAVA's run of the extracted tarball).
step "vm: linux 6.1: ${cells_61[*]}, sanitized vgem, benchmarks, selftests, the tarball's programs on virgl" \
  boot --kernel=stable --bench=short --selftest "${cells_61[@]}" vgem:system:build-asan \
  virgl:system:build/lab/tarball
step "vm: linux 6.1 in vm/root's root: ${cells_61_root[*]}, the Vulkan signalled-bridge mutant" \
  boot --kernel=stable --selftest "${cells_61_root[@]}"
step "vm: launcher exit statuses (panic, hang, never booting, bad arguments; in the background since 6.12)" \
  launcher_tests_finished
step "lab: the Debian package, built and lintian-clean (in the background since the ASan build)" package_build_finished
step "vm: linux 6.1: the lab artifacts (LAVA on the tarball from a read-only root, the package's autopkgtest, gtest-runner)" \
  boot --kernel=stable --lab=build/lab
step "lab: the tarball, the package and gtest-runner give the build tree's verdicts" tools/tests/lab_test.sh verdicts
step "vm: every cell matches its expectations" every_cell_as_expected
step "vm: benchmarks ran on every lane and reported every counter; cost curves kept their shape" bench_verdicts
# The reference lane's benchmarks as a plot (fencecheck-results bench --plot),
# drawn and printed by headless Chromium.
step "results: the reference lane's benchmark plot renders in headless Chromium" \
  tools/tests/bench_plot_test.sh "build/results/vgem@linux-6.1@mesa-22.3-bench.json"
step "vm: a wait on a never-signalled fence fails at its deadline; the mutants fail the tests that catch them" \
  suites/selftest/check_vm.sh build/results/selftest-vgem.json build/results/selftest-unfenced-*.json \
  build/results/selftest-mutant-*.json
step "vm: venus: a bridge importing a signalled sync_file fails the bridge and content tests" \
  suites/selftest/check_venus.sh build/results/selftest-vulkan-signalled-bridge.json
step "vm: KMS: a flip never given its fence fails the tests that judge the wait, and only those" \
  suites/selftest/check_kms.sh build/results/selftest-kms-unfenced-flip.json
step "vm: C reproducers: a planted failure's and the -rc udmabuf one fail as the tests did; 7.2 passes it" \
  suites/selftest/check_reproducers.sh build
step "vm: the selftest boot's kernel log fails on the WARN planted before modprobe, and on nothing else" \
  selftest_kernel_log
step "results: matrix, KCIDB, LAVA, JUnit and bug reports from the cells" tools/tests/outputs_test.sh
step "vm: test IDs identical in every cell and on the host" same_test_ids

echo
echo "test.sh: $(((SECONDS - started) / 60))m$(((SECONDS - started) % 60))s"
if ((${#failed[@]})); then
  echo "test.sh: FAILED: ${failed[*]}"
  exit 1
fi
echo "test.sh: all passed"
