#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Checks the Vulkan signalled-bridge mutant's results (vm/guest/lane
# --selftest in vm/root's root): a bridge that imports the idle buffer's
# signalled sync_file instead of the write's VkFence must fail every bridge
# test and the content test after the wait, each for that reason, with its
# producer really on venus (the mutant ran, it was not skipped).
# Usage: check_venus.sh MUTANT-RESULTS.json
set -euo pipefail
results=${1:?usage: check_venus.sh MUTANT-RESULTS.json}
[[ -s $results ]] || { echo "check_venus.sh: no $results: the mutant never ran"; exit 1; }
/usr/bin/python3 - "$results" "$(dirname "$0")" <<'PY'
import sys
sys.path.insert(0, sys.argv[2])
from mutants import Checks, failure_of, tests_of
tests = tests_of(sys.argv[1])
checks = Checks()
bridge = [t for name, t in tests.items() if name.startswith("Gpu/GpuBridge.") and name.endswith("/vulkan")]
content = tests.get("Gpu/GpuWrite.WaitingOnTheExportThenReadingSeesTheNewFrame/vulkan", {})
checks.expect(bool(bridge) and all("already signalled" in failure_of(t) for t in bridge),
              "a Vulkan bridge that imports an already-signalled sync_file fails every bridge test (%d)" % len(bridge))
checks.expect("already signalled" in failure_of(content),
              "and the test that reads the new frame after waiting on the export")
drivers = {t.get("vulkan.driver", "") for t in bridge + [content]}
checks.expect(all(d.startswith("venus") for d in drivers), "the mutant wrote with venus (%s)" % sorted(drivers))
checks.exit()
PY
