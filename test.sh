#!/usr/bin/env bash
# ./test.sh — installs what is missing, builds, and runs every test:
#   1. host unit tests and the suite on this host (ctest);
#   2. the VM lanes: the suite on a real Linux kernel under QEMU (vm/lane);
#   3. the test IDs in the VM equal those on the host;
#   4. vm/run's own contract: exit status passthrough, panic, hang, bad arguments.
# Exit status 0 only if all of them pass.
set -uo pipefail
cd "$(dirname "$0")"
scripts/setup.sh || exit 1

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

step "host: unit tests and host suite" ctest --test-dir build --output-on-failure
step "vm: vgem reference lane" vm/lane vgem -- --gtest_brief=1
step "vm: test IDs identical to the host's" diff -u <(build/fencecheck --gtest_list_tests) build/results/vgem.tests
step "vm: launcher exit statuses (panic, hang, bad arguments)" vm/tests/run_test.sh

echo
if ((${#failed[@]})); then
  echo "test.sh: FAILED: ${failed[*]}"
  exit 1
fi
echo "test.sh: all passed"
