#!/usr/bin/env bash
# scripts/outputs.sh LANE... — everything lab CI and people consume, from the
# lanes' results in build/results/, written (atomically) into the same folder:
#   LANE.xml      JUnit, one per lane (from LANE.json)
#   matrix.md     behaviours x machine/lane, markdown
#   matrix.html   the same as one self-contained page
#   kcidb.json    KCIDB v5 (benchmark counters as test numbers where LANE-bench.json exists)
#   lava.txt      lava-test-case lines
set -euo pipefail
cd "$(dirname "$0")/.."
results=build/results
tool=build/fencecheck-results

jsons=() benches=()
for lane in "$@"; do
  [[ -f $results/$lane.json ]] || { echo "outputs: no $results/$lane.json" >&2; exit 2; }
  jsons+=("$results/$lane.json")
  [[ -f $results/$lane-bench.json ]] && benches+=(--bench "$results/$lane-bench.json")
  "$tool" junit -o "$results/$lane.xml" "$results/$lane.json"
done
"$tool" matrix -o "$results/matrix.md" --html "$results/matrix.html" "${jsons[@]}"
"$tool" kcidb -o "$results/kcidb.json" "${benches[@]}" "${jsons[@]}"
"$tool" lava -o "$results/lava.txt" "${benches[@]}" "${jsons[@]}"
echo "outputs in $results/: ${*/%/.xml} matrix.md matrix.html kcidb.json lava.txt"
