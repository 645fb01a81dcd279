#!/usr/bin/env bash
# scripts/outputs.sh [CELL...] — everything lab CI and people consume, from
# the cells' results in build/results/ (default: every CELL.json there),
# written (atomically) into the same folder:
#   CELL.xml      JUnit, one per cell (from CELL.json)
#   matrix.md     behaviours x cells (machine, lane, kernel, Mesa), markdown
#   matrix.html   the same as one self-contained page
#   matrix.txt    the same for a terminal: what is not a pass in every cell
#   kcidb.json    KCIDB v5 (benchmark counters as test numbers where CELL-bench.json exists)
#   lava.txt      lava-test-case lines
set -euo pipefail
cd "$(dirname "$0")/.."
results=build/results
tool=build/fencecheck-results

cells=("$@")
if ((${#cells[@]} == 0)); then
  # Version order (linux-6.1 before linux-6.12): columns read kernel by kernel.
  while IFS= read -r file; do cells+=("$(basename "$file" .json)"); done < <("$tool" list "$results")
fi
((${#cells[@]})) || { echo "outputs: no results in $results" >&2; exit 2; }

jsons=() benches=()
for cell in "${cells[@]}"; do
  [[ -f $results/$cell.json ]] || { echo "outputs: no $results/$cell.json" >&2; exit 2; }
  jsons+=("$results/$cell.json")
  [[ -f $results/$cell-bench.json ]] && benches+=(--bench "$results/$cell-bench.json")
  "$tool" junit -o "$results/$cell.xml" "$results/$cell.json"
done
"$tool" matrix -o "$results/matrix.md" --html "$results/matrix.html" --text "$results/matrix.txt" "${jsons[@]}"
"$tool" kcidb -o "$results/kcidb.json" "${benches[@]}" "${jsons[@]}"
"$tool" lava -o "$results/lava.txt" "${benches[@]}" "${jsons[@]}"
echo "outputs in $results/: ${#cells[@]} cells' JUnit files, matrix.md, matrix.html, matrix.txt, kcidb.json, lava.txt"
