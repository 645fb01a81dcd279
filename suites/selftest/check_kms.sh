#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Checks the unfenced-flip mutant's results (vm/guest/lane --selftest, on a
# boot with a KMS lane): a harness that never attaches the fence to the flip
# (no implicit import; an already-signalled IN_FENCE_FD) while the tests
# believe it did must fail every test that judges a wait, each for that
# reason, and still pass the controls (nothing pending, a signalled
# IN_FENCE_FD): the mutant broke the fence, not the display.
# Usage: check_kms.sh MUTANT-RESULTS.json
set -euo pipefail
results=${1:?usage: check_kms.sh MUTANT-RESULTS.json}
[[ -s $results ]] || { echo "check_kms.sh: no $results: the mutant never ran"; exit 1; }
/usr/bin/python3 - "$results" "$(dirname "$0")" <<'PY'
import sys
sys.path.insert(0, sys.argv[2])
from mutants import Checks, failure_of, passed, tests_of
tests = tests_of(sys.argv[1])
checks = Checks()
for name in ("KmsConsumer.AFlipWaitsForTheBuffersImplicitWriteFence", "KmsConsumer.AFlipWaitsForAPendingInFence"):
    checks.expect("arrived while the buffer's fence was pending" in failure_of(tests.get(name)),
                  name + " fails: the flip came while the fence was believed pending")
checks.expect("a nonblocking commit on top of a pending one" in failure_of(
    tests.get("KmsConsumer.ANonblockingCommitOnAPendingOneIsBusyUntilItFlips")),
    "the EBUSY test fails: there was no pending commit to be busy on")
for name in ("KmsConsumer.ABufferWithNoPendingFenceFlipsAtOnce", "KmsConsumer.ASignalledInFenceDoesNotDelayTheFlip"):
    checks.expect(passed(tests.get(name)), name + " still passes")
drivers = {t.get("device.driver", "") for t in tests.values()}
checks.expect(drivers == {"virtio_gpu"}, "the mutant flipped on virtio_gpu (%s)" % sorted(drivers))
checks.exit()
PY
