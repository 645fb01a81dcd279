# SPDX-License-Identifier: MIT
# The cells of a run, wherever it runs: sourced by vm/lanes.sh (the VM
# lanes, ./run.sh, ./test.sh) and by fencecheck-run (a machine's own GPUs,
# from a checkout or an installed prefix, where it lives in
# share/fencecheck/). What a cell is named, which tests and benchmarks it runs,
# how a crash mid-cell resumes, how its results are judged, and the outputs of
# a run.
#   FENCECHECK_BIN           the programs' folder (default: build, the build tree)
#   FENCECHECK_RESULTS       the results' folder (default: build/results)
#   FENCECHECK_EXPECTATIONS  the expectation files' folder (default: expectations)
: "${FENCECHECK_BIN:=build}" "${FENCECHECK_RESULTS:=build/results}" "${FENCECHECK_EXPECTATIONS:=expectations}"

# cell_name LANE KERNEL_RELEASE MESA_VERSION [BUILD]: the one spelling of a
# cell's name, LANE@linux-X.Y@mesa-X.Y[@BUILD] ("vgem@linux-6.1@mesa-22.3@asan"
# for build-asan, "...@tarball" for build/lab/tarball, the extracted tarball's
# bin/: the folder's name without "build-"; the default build adds nothing).
# Result files and expectation stems are named after it. X.Y is the release's
# leading numbers only: 6.12.95+deb12-amd64, 7.3.0-rc5 and Debian's -rc
# 7.3-amd64 alike.
cell_name() {
  local name=$1@linux-$(sed -E 's/^([0-9]+\.[0-9]+).*/\1/' <<<"$2")@mesa-$(cut -d. -f1,2 <<<"$3") build
  build=$(basename "${4:-build}")
  [[ $build != build ]] && name+=@${build#build-}
  echo "$name"
}

# results_tool COMMAND ARGS...: fencecheck-results, given the expectations'
# folder where COMMAND reads expectations.
results_tool() {
  local command=$1
  shift
  local expectations=()
  [[ $command =~ ^(compare|bench|matrix|bugreport|junit|lava|stems)$ ]] && expectations=(--expectations "$FENCECHECK_EXPECTATIONS")
  "$FENCECHECK_BIN/fencecheck-results" "$command" "${expectations[@]}" "$@"
}

# result_files [--bench]: the cells' result files in the results folder, in
# version order (fencecheck-results list: the same rule the results tool uses).
result_files() { results_tool list "$@" "$FENCECHECK_RESULTS"; }

# The lanes, one row each, read only through lane_field (vm/lanes.sh says
# what each lane is; fencecheck-run runs the reference lane's tests on a
# vgem node). Columns:
#   lane       the lane's name: the first part of its cells' names
#   modules    the kernel modules its guest loads
#   device     fencecheck --device (harness select_device: a driver name)
#   producer   the producer it writes with, a name from the producer table
#              (`fencecheck --list-producers`, gpu/producer.h): the test-ID
#              and benchmark-name endings come from that table, not a copy
#   mesas      the Mesas it runs under ("system"; X.Y from backports
#              through vm/mesa; 26.1, the whole userspace of vm/root's trixie
#              root), the first also running its benchmarks (not in the root)
#   validates  does it run its producer under the API's checker (--validate)?
#   qemu       the QEMU GPU its guest needs (virgl: virtio-gpu-gl; venus: the
#              same with blob resources, a host memory window and venus), or -
#   kernels    the kernels ./run.sh runs it on under each of its Mesas
#              (vm/run --kernel names; vm/lanes.sh FENCECHECK_KERNELS)
#   tested     the kernels ./test.sh runs it on, each under its first Mesa,
#              or KERNEL@X.Y under that one; - for none (./run.sh only)
#   consumers  the suites of the device's own consumer side it runs besides
#              its producer's tests (gtest patterns: KMS, syncobj), on its
#              device; the reference lane runs none of them (vgem has neither)
# A comma in a column separates its values.
FENCECHECK_LANE_TABLE='
vgem      vgem,udmabuf     vgem        vgem-cpu  system                 no   -      5.10,stable,backports,7.2,rc  5.10,stable,backports,7.2,rc  -
llvmpipe  vgem             vgem        gl        system,25.0,26.1       yes  -      stable,backports,7.2,rc       stable                        -
virgl     virtio_gpu,vgem  virtio_gpu  gl        system,25.0,26.1       yes  virgl  stable,backports,7.2,rc       stable,backports@25.0,7.2     KmsConsumer.*,*Syncobj*
lavapipe  vgem             vgem        vulkan    25.0,26.1              yes  -      stable,backports,7.2,rc       -                             -
venus     virtio_gpu,vgem  virtio_gpu  vulkan    26.1                   yes  venus  stable,backports              stable                        -
'
FENCECHECK_LANE_COLUMNS=(lane modules device producer mesas validates qemu kernels tested consumers)

# lane_field LANE COLUMN: the lane's value in COLUMN, its values separated by
# spaces; fails for an unknown lane or column.
lane_field() {
  local i
  for i in "${!FENCECHECK_LANE_COLUMNS[@]}"; do
    [[ ${FENCECHECK_LANE_COLUMNS[i]} == "$2" ]] || continue
    awk -v lane="$1" -v column=$((i + 1)) '$1 == lane {gsub(",", " ", $column); print $column; found = 1}
      END {exit !found}' <<<"$FENCECHECK_LANE_TABLE"
    return
  done
  echo "cells.sh: no lane column '$2'" >&2
  return 1
}

# The producer each lane writes with.
lane_producer() { lane_field "$1" producer; }

# The reference lane (its producer is vgem-cpu: the kernel's own fences)
# runs every kernel suite besides its producer's GPU tests.
lane_runs_kernel_suites() { [[ $(lane_producer "$1") == vgem-cpu ]]; }

# producer_params [BIN]: "NAME PARAM" per producer, from BIN/fencecheck (default: FENCECHECK_BIN).
producer_params() { "${1:-$FENCECHECK_BIN}/fencecheck" --list-producers | cut -f1,2; }

# lane_param LANE [BIN]: the test-ID ending of the lane's producer.
lane_param() {
  local name param producer
  producer=$(lane_producer "$1")
  while IFS=$'\t' read -r name param; do
    [[ $name == "$producer" ]] && { echo "$param"; return 0; }
  done <<<"$(producer_params "${2:-}")"
  echo "cells.sh: ${2:-$FENCECHECK_BIN}/fencecheck has no producer '$producer' (lane $1)" >&2
  return 1
}

# lane_consumers LANE: the gtest patterns of the consumer suites LANE runs
# (the lane table's consumers column), separated by spaces; nothing for none.
lane_consumers() {
  local patterns
  patterns=$(lane_field "$1" consumers) || return 1
  [[ $patterns == - ]] || echo "$patterns"
}

# lane_filter LANE [BIN]: the tests a lane runs (a gtest filter). GPU test
# names end in their producer's parameter; the reference lane runs every
# other test but the lanes' consumer suites, a GPU lane its producer's
# tests and its own consumer suites.
lane_filter() {
  local own param filter="" lane patterns=()
  own=$(lane_param "$1" "${2:-}") || return 1
  if lane_runs_kernel_suites "$1"; then
    while IFS=$'\t' read -r _ param; do
      [[ $param == "$own" ]] || filter+=${filter:+:}"*$param"
    done <<<"$(producer_params "${2:-}")"
    for lane in $(awk 'NF {print $1}' <<<"$FENCECHECK_LANE_TABLE"); do
      read -ra patterns <<<"$(lane_consumers "$lane")"
      for param in "${patterns[@]}"; do filter+=":$param"; done
    done
    echo "-$filter"
  else
    read -ra patterns <<<"$(lane_consumers "$1")"
    filter="Gpu/*$own"
    for param in "${patterns[@]}"; do filter+=":$param"; done
    echo "$filter"
  fi
}

# gpu_filter: the tests a real GPU's cell runs (fencecheck-run): its
# producers' tests and every lane's consumer suites (KMS, syncobj) on it.
gpu_filter() {
  local lane pattern patterns=() filter="Gpu/*"
  for lane in $(awk 'NF {print $1}' <<<"$FENCECHECK_LANE_TABLE"); do
    read -ra patterns <<<"$(lane_consumers "$lane")"
    for pattern in "${patterns[@]}"; do [[ :$filter: == *:"$pattern":* ]] || filter+=":$pattern"; done
  done
  echo "$filter"
}

# lane_bench_filter LANE [BIN]: the benchmarks a lane runs (a Google Benchmark filter regex).
lane_bench_filter() {
  local own
  own=$(lane_param "$1" "${2:-}") || return 1
  if lane_runs_kernel_suites "$1"; then
    echo "^(Floor|Idle|Wake/vgem|Curve|Race/$own)/"
  else
    echo "^(Wake|Race)/$own/"
  fi
}

# run_resuming JOURNAL STATUSES FENCECHECK-COMMAND...: runs a cell's
# fencecheck (journaling to JOURNAL) so that a crash mid-cell keeps the rest of
# the cell: while a run ends with a status other than 0 and its journal ends
# with a test that started and never ended (the run died in it: a signal, or a
# sanitizer's report, which exits 1 like a failed test), the command runs
# again with --resume, which runs what has no result yet (the test the run died
# in is a Crash, or a Flake if it passed run again). Every exit status, in
# order, goes to STATUSES for compare --exit-status, which fails an exit no
# test's result accounts for (LeakSanitizer's 23 after a complete run).
# Returns the last run's status. At most 20 runs, each one adding to the
# journal: each finishes a test or records the one it died in twice as a Crash.
run_resuming() {
  local journal=$1 statuses=$2 own size runs=1
  shift 2
  "$@"
  own=$?
  echo "$own" >"$statuses"
  while ((own != 0 && runs < 20)) && died_in_a_test "$journal"; do
    size=$(stat -c %s "$journal")
    echo "--- fencecheck ended with status $own in the middle of a test; resuming the rest of the cell from $journal"
    "$@" --resume
    own=$?
    runs=$((runs + 1))
    echo "$(<"$statuses") $own" >"$statuses"
    [[ $(stat -c %s "$journal") != "$size" ]] || break
  done
  return "$own"
}

# run_cell CELL DEVICE FILTER [FENCECHECK-ARGS...]: one cell's conformance
# run with $FENCECHECK_BIN/fencecheck into $FENCECHECK_RESULTS (vm/guest/lane
# and fencecheck-run both run their cells through it): the tests the cell has
# to produce a result for (CELL.expected.txt, listed before it runs), then
# the run on DEVICE with FILTER, journaled (CELL.journal) and resumed after a
# crash (run_resuming: every exit status in CELL.exit), its results in
# CELL.json. Returns fencecheck's last exit status; 2 where the cell did not
# run (its tests cannot be listed) or fencecheck refused the command.
run_cell() {
  local cell=$1 device=$2 filter=$3 out=$FENCECHECK_RESULTS bin=$FENCECHECK_BIN/fencecheck
  shift 3
  "$bin" --gtest_filter="$filter" "$@" --gtest_list_tests >"$out/$cell.expected.txt" ||
    { echo "$cell: $bin cannot list the cell's tests (exit status $?): the cell did not run"; return 2; }
  run_resuming "$out/$cell.journal" "$out/$cell.exit" "$bin" --cell="$cell" --device="$device" \
    --gtest_filter="$filter" --journal="$out/$cell.journal" --gtest_output="json:$out/$cell.json" "$@"
}

# died_in_a_test JOURNAL: does the journal end with a test that started and
# never ended? (Its lines are runner/journal.cpp's JSON, one event each.)
died_in_a_test() {
  [[ -s $1 ]] && tail -n 1 "$1" | grep -q '"event":"start"'
}

# compare_cell CELL: CELL's results against its expectations, against the
# tests it had to run (CELL.expected.txt, its --gtest_list_tests written
# before the run) and against its fencecheck's exit status (CELL.exit): a
# cell that left no result file, a listed test without a result, an empty
# result file, or an exit status its results do not explain (a sanitizer's 23
# after a whole result file) is a mismatch, never "as expected"; so is a
# kernel complaint in the cell's log (CELL.dmesg) that its
# STEM-kernel-complaints.txt does not know.
compare_cell() {
  local cell=$1 folder=$FENCECHECK_RESULTS
  local results=$folder/$1.json list=$folder/$1.expected.txt plan=$folder/$1.planned
  if [[ ! -e $results ]]; then
    local planned=""
    [[ -s $plan ]] && planned=" (planned: $(<"$plan"))"
    echo "$cell: NO RESULT FILE: its fencecheck never wrote $results (it died, or never ran: see the run's log)$planned"
    return 1
  fi
  local args=() status=$folder/$1.exit log=$folder/$1.dmesg
  [[ -e $list ]] && args=(--tests "$list")
  [[ -e $status ]] && args+=(--exit-status "$(<"$status")")
  [[ -e $log ]] && args+=(--kernel-log "$log")
  results_tool compare --cell "$cell" "${args[@]}" "$results"
}

# result_cells: every cell that ran or was meant to (a plan, a test list or a
# result file), once each.
result_cells() {
  local file
  for file in "$FENCECHECK_RESULTS"/*.planned "$FENCECHECK_RESULTS"/*.expected.txt $(result_files); do
    [[ -e $file ]] || continue
    file=$(basename "$file")
    file=${file%.planned}
    file=${file%.expected.txt}
    echo "${file%.json}"
  done | sort -uV
}

# every_cell_as_expected: every cell that ran or was meant to against its
# expectations (compare_cell), a driver no expectation file names included
# (compare: its skips are tolerated, but it must judge something); a run with
# no cell at all is not a pass.
every_cell_as_expected() {
  local status=0 cell cells
  cells=$(result_cells)
  [[ -n $cells ]] || { echo "no cell ran or was planned in $FENCECHECK_RESULTS: nothing was judged"; return 1; }
  for cell in $cells; do compare_cell "$cell" || status=1; done
  return $status
}

# bench_verdicts: every benchmark file against its cell's STEM-bench-*.txt
# (fencecheck-results bench --check), and every benchmark run that was
# planned (CELL.bench-planned, written before it started) must have left its
# CELL-bench.json: one that never wrote it is a failure, not a smaller table.
bench_verdicts() {
  local status=0 plan cell benches=() file
  for plan in "$FENCECHECK_RESULTS"/*.bench-planned; do
    [[ -e $plan ]] || continue
    cell=$(basename "$plan" .bench-planned)
    [[ -s $FENCECHECK_RESULTS/$cell-bench.json ]] ||
      { echo "$cell: NO BENCHMARK FILE: its fencecheck-bench never wrote $cell-bench.json (planned: $(<"$plan"))"; status=1; }
  done
  while IFS= read -r file; do [[ -n $file ]] && benches+=("$file"); done <<<"$(result_files --bench)"
  ((${#benches[@]})) || { echo "no benchmark results in $FENCECHECK_RESULTS"; return 1; }
  results_tool bench --check "${benches[@]}" | grep -E "^cell|PROBLEM"
  ((PIPESTATUS[0] == 0)) || status=1
  return $status
}

# finish_run [SETUP_STATUS]: the end of a conformance run (./run.sh,
# fencecheck-run): the outputs (write_outputs), every cell's verdict
# (every_cell_as_expected) and the terminal matrix. Returns 0 only if every
# cell is as expected and SETUP_STATUS (the run's own problems) is 0.
finish_run() {
  local setup=${1:-0} status
  echo
  write_outputs || { echo "the outputs could not be written" >&2; setup=1; }
  echo
  echo "=== verdicts"
  every_cell_as_expected
  status=$?
  ((setup == 0)) || status=1
  echo
  echo "=== the matrix (every behaviour in $FENCECHECK_RESULTS/matrix.md, with each cell's provenance in matrix.html)"
  cat "$FENCECHECK_RESULTS/matrix.txt"
  return $status
}

# finish_bench_run [RUN_STATUS]: the end of a benchmark run (./run.sh --bench,
# fencecheck-run --bench): every benchmark file's table and their plot
# (bench.svg in the results folder: each cell's idle and wake-up bars against
# the floors, and its cost curves), then bench_verdicts. Returns 0 only if
# those pass and RUN_STATUS (the runs' own exit) is 0.
finish_bench_run() {
  local runs=${1:-0} benches=()
  echo
  echo "=== benchmarks (ratios to the syscall floor read the same on any machine; absolute times only"
  echo "    mean something on real hardware: a 'QEMU ... CPU' is emulated)"
  mapfile -t benches < <(result_files --bench)
  if ((${#benches[@]})); then
    results_tool bench --plot "$FENCECHECK_RESULTS/bench.svg" "${benches[@]}" || return 1
    echo "the plot: $FENCECHECK_RESULTS/bench.svg"
  fi
  # Every planned benchmark ran and reported every counter with sane values, or skipped as its cell allows.
  bench_verdicts && ((runs == 0))
}

# write_outputs [CELL...]: everything lab CI and people consume, from the
# cells' results (default: every CELL.json in the results folder), written
# (atomically) into the same folder:
#   CELL.xml      JUnit, one per cell (from CELL.json)
#   matrix.md     behaviours x cells (machine, lane, kernel, Mesa), markdown
#   matrix.html   the same as one self-contained page
#   matrix.txt    the same for a terminal: what is not a pass in every cell
#   kcidb.json    KCIDB v5 (benchmark counters as test numbers where CELL-bench.json exists)
#   lava.txt      lava-test-case lines
write_outputs() {
  local folder=$FENCECHECK_RESULTS cells=("$@") file cell jsons=() benches=()
  if ((${#cells[@]} == 0)); then
    # Version order (linux-6.1 before linux-6.12): columns read kernel by kernel.
    while IFS= read -r file; do [[ -n $file ]] && cells+=("$(basename "$file" .json)"); done <<<"$(result_files)"
  fi
  ((${#cells[@]})) || { echo "outputs: no results in $folder" >&2; return 2; }
  for cell in "${cells[@]}"; do
    [[ -f $folder/$cell.json ]] || { echo "outputs: no $folder/$cell.json" >&2; return 2; }
    jsons+=("$folder/$cell.json")
    [[ -f $folder/$cell-bench.json ]] && benches+=(--bench "$folder/$cell-bench.json")
    results_tool junit -o "$folder/$cell.xml" "$folder/$cell.json" || return
  done
  results_tool matrix -o "$folder/matrix.md" --html "$folder/matrix.html" --text "$folder/matrix.txt" "${jsons[@]}" &&
    results_tool kcidb -o "$folder/kcidb.json" "${benches[@]}" "${jsons[@]}" &&
    results_tool lava -o "$folder/lava.txt" "${benches[@]}" "${jsons[@]}" || return
  echo "outputs in $folder/: ${#cells[@]} cells' JUnit files, matrix.md, matrix.html, matrix.txt, kcidb.json, lava.txt"
}
