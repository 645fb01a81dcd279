#!/usr/bin/env bash
# ./run.sh [FENCECHECK-ARGS...] — the conformance run.
# Installs what is missing, builds, then runs the suite on this machine's DRM
# devices; where there are none, inside a VM on a real kernel (vm/lane).
# Results (gtest JSON) go to build/results/; the run ends with a per-lane
# summary: passed/failed/skipped and, for every fence check, what the kernel
# returned.
set -uo pipefail
cd "$(dirname "$0")"
scripts/setup.sh || exit 1
mkdir -p build/results

if compgen -G '/dev/dri/card*' >/dev/null || compgen -G '/dev/dri/renderD*' >/dev/null; then
  echo "run.sh: DRM devices found on this machine: running here"
  build/fencecheck --list-devices
  build/fencecheck --lane=host --gtest_brief=1 --gtest_output=json:build/results/host.json "$@"
else
  echo "run.sh: no DRM device on this machine (kernel $(uname -r)): running the lanes in a VM on a real kernel"
  vm/lane vgem -- --gtest_brief=1 "$@"
fi
