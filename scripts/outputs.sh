#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# scripts/outputs.sh [CELL...] — everything lab CI and people consume, from
# the cells' results in build/results/ (default: every CELL.json there),
# written (atomically) into the same folder: scripts/cells.sh write_outputs
# (CELL.xml, matrix.md, matrix.html, matrix.txt, kcidb.json, lava.txt).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/cells.sh
write_outputs "$@"
