# The VM lanes: which kernel modules, DRM device, tests, benchmarks and QEMU
# devices each one uses. Sourced by vm/lane (host side) and vm/guest/lane.
#   vgem      the reference lane: vgem's kernel fences, every uAPI suite (with
#             udmabuf and the system dma-heap where the kernel has them), and
#             the GPU test bodies with the vgem-cpu producer
#   llvmpipe  a real non-fencing GL driver: Mesa kms_swrast/llvmpipe on vgem's
#             primary node
#   virgl     a real fencing GL driver: virtio-gpu with virgl, its host side
#             rendered by llvmpipe under Xvfb
#   lavapipe  a real Vulkan producer: Mesa's lavapipe importing the dma-buf
#             (Mesa 25; Debian 12's Mesa 22.3 cannot): the explicit bridge
#             where it exports SYNC_FD (Mesa 25's does not: SKIP), and what a
#             plain submit does, recorded
# A cell is a lane under one kernel and one Mesa (and build): its results are
# build/results/LANE@linux-X.Y@mesa-X.Y[@BUILD].json, and its expectations
# expectations/LANE[@linux-X.Y][@mesa-X.Y][@BUILD]-{fails,flakes,skips}.txt,
# the more specific files adding to (and overriding) the general ones.

FENCECHECK_LANES=(vgem llvmpipe virgl lavapipe)

# cell_name LANE KERNEL_RELEASE MESA_VERSION [BUILD]: the one spelling of a
# cell's name, LANE@linux-X.Y@mesa-X.Y[@BUILD] ("vgem@linux-6.1@mesa-22.3@asan"
# for build-asan; the default build adds nothing). Result files and
# expectation stems are named after it. X.Y is the release's leading numbers
# only: 6.12.95+deb12-amd64, 7.3.0-rc5 and Debian's -rc 7.3-amd64 alike.
cell_name() {
  local name=$1@linux-$(sed -E 's/^([0-9]+\.[0-9]+).*/\1/' <<<"$2")@mesa-$(cut -d. -f1,2 <<<"$3")
  [[ -n ${4:-} && $4 != build ]] && name+=@${4#build-}
  echo "$name"
}

# result_files [--bench]: the cells' result files in build/results, in version
# order (fencecheck-results list: the same rule the results tool uses).
result_files() { build/fencecheck-results list "$@" build/results; }

lane_known() { [[ " ${FENCECHECK_LANES[*]} " == *" $1 "* ]]; }

lane_modules() {
  case $1 in
    vgem) echo vgem udmabuf ;;
    llvmpipe | lavapipe) echo vgem ;;
    virgl) echo virtio_gpu vgem ;;  # vgem: the gate's fences (harness/gpu/gate.h)
  esac
}

# lane_mesas LANE: the Mesas a lane runs under in the matrix ("system" is
# Debian 12's 22.3; others come from backports through vm/mesa), the first
# also running its benchmarks. lavapipe only under 25.0: Debian 12's
# lavapipe cannot import a dma-buf (no VK_EXT_external_memory_dma_buf), so a
# 22.3 cell would skip every test and judge nothing. vgem under the system's
# only: the reference lane's fences are the kernel's, and its vgem-cpu
# producer writes from the CPU, so another Mesa changes nothing it checks.
lane_mesas() {
  case $1 in
    vgem) echo system ;;
    lavapipe) echo 25.0 ;;
    *) echo system 25.0 ;;
  esac
}

# matrix_cells: LANE:MESA for every lane and each of its Mesas (./test.sh, ./run.sh).
matrix_cells() {
  local lane mesa
  for mesa in system 25.0; do
    for lane in "${FENCECHECK_LANES[@]}"; do
      [[ " $(lane_mesas "$lane") " == *" $mesa "* ]] && echo "$lane:$mesa"
    done
  done
}

# The kernels of the matrix, as vm/run --kernel names them, oldest first:
# bullseye's 5.10 (before the Linux 6.0 ioctls), Debian 12's 6.1, backports'
# 6.12, sid's newest release (7.2) and experimental's newest -rc.
FENCECHECK_KERNELS=(5.10 stable backports 7.2 rc)

# kernel_cells KERNEL: the matrix cells ./run.sh runs on KERNEL. Every cell,
# but only the reference lane on 5.10: every GPU verdict rests on
# EXPORT_SYNC_FILE (Linux 6.0), so a GPU lane there would judge nothing.
kernel_cells() {
  if [[ $1 == 5.10 ]]; then matrix_cells | grep '^vgem:'; else matrix_cells; fi
}

# test_cells KERNEL: the cells ./test.sh runs on KERNEL, a subset that keeps
# it within its time on two cores while every kernel is booted: on 6.1 every
# lane under its first Mesa, where its benchmarks run (the sanitizer build and
# the selftests run there too); on 6.12 the reference lane, virgl and lavapipe
# under Mesa 25 (llvmpipe under Mesa 25 only in ./run.sh: it fences nothing
# under either Mesa); on 5.10 and the -rc the reference lane, where a uAPI
# change shows first; on 7.2 the reference lane and virgl, the fencing driver
# on the newest release. ./run.sh runs kernel_cells on every kernel.
test_cells() {
  case $1 in
    stable) bench_cells ;;
    backports) matrix_cells | grep -e '^vgem:' -e '^virgl:25.0$' -e '^lavapipe:25.0$' ;;
    7.2) printf '%s\n' vgem:system virgl:system ;;
    *) echo vgem:system ;;
  esac
}

# bench_cells: LANE:MESA where each lane's benchmarks run (its first Mesa).
bench_cells() {
  local lane mesas
  for lane in "${FENCECHECK_LANES[@]}"; do
    mesas=$(lane_mesas "$lane")
    echo "$lane:${mesas%% *}"
  done
}

# --device for fencecheck (harness select_device: a driver name or node).
lane_device() {
  case $1 in
    vgem | llvmpipe | lavapipe) echo vgem ;;
    virgl) echo virtio_gpu ;;
  esac
}

# The producer each lane writes with: a name from the producer table
# (`fencecheck --list-producers`, harness/gpu/producer.h); the test-ID and
# benchmark-name endings below come from that table, not from a copy.
lane_producer() {
  case $1 in
    vgem) echo vgem-cpu ;;
    llvmpipe | virgl) echo gl ;;
    lavapipe) echo vulkan ;;
  esac
}

# Does the lane run its producer under the API's checker (fencecheck --validate:
# Khronos' validation layer, a GL_KHR_debug context)? Every lane with a real
# GL or Vulkan producer.
lane_validates() { [[ $(lane_producer "$1") == gl || $(lane_producer "$1") == vulkan ]]; }

# The reference lane runs every kernel suite besides its producer's GPU tests.
lane_runs_kernel_suites() { [[ $1 == vgem ]]; }

# producer_params [BUILD]: "NAME PARAM" per producer, from BUILD/fencecheck (default build).
producer_params() { "${1:-build}/fencecheck" --list-producers | cut -f1,2; }

# lane_param LANE [BUILD]: the test-ID ending of the lane's producer.
lane_param() {
  local name param producer
  producer=$(lane_producer "$1")
  while IFS=$'\t' read -r name param; do
    [[ $name == "$producer" ]] && { echo "$param"; return 0; }
  done < <(producer_params "${2:-}")
  echo "lanes.sh: ${2:-build}/fencecheck has no producer '$producer' (lane $1)" >&2
  return 1
}

# lane_filter LANE [BUILD]: the tests a lane runs (a gtest filter). GPU test
# names end in their producer's parameter.
lane_filter() {
  local own param filter=""
  own=$(lane_param "$1" "${2:-}") || return 1
  if lane_runs_kernel_suites "$1"; then
    while IFS=$'\t' read -r _ param; do
      [[ $param == "$own" ]] || filter+=${filter:+:}"*$param"
    done < <(producer_params "${2:-}")
    echo "-$filter"
  else
    echo "Gpu/*$own"
  fi
}

# lane_bench_filter LANE [BUILD]: the benchmarks a lane runs (a Google Benchmark filter regex).
lane_bench_filter() {
  local own
  own=$(lane_param "$1" "${2:-}") || return 1
  if lane_runs_kernel_suites "$1"; then
    echo "^(Floor|Idle|Wake/vgem|Race/$own)/"
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

# died_in_a_test JOURNAL: does the journal end with a test that started and
# never ended? (Its lines are runner/journal.cpp's JSON, one event each.)
died_in_a_test() {
  [[ -s $1 ]] && tail -n 1 "$1" | grep -q '"event":"start"'
}

# compare_cell CELL: CELL's results against its expectations, against the
# tests it had to run (build/results/CELL.expected.txt, its
# --gtest_list_tests written before the run) and against its fencecheck's
# exit status (CELL.exit): a cell that left no result file, a listed test
# without a result, an empty result file, or an exit status its results do
# not explain (a sanitizer's 23 after a whole result file) is a mismatch,
# never "as expected"; so is a kernel complaint in the cell's log (CELL.dmesg)
# that its STEM-kernel-complaints.txt does not know.
compare_cell() {
  local cell=$1 results=build/results/$1.json list=build/results/$1.expected.txt
  if [[ ! -e $results ]]; then
    echo "$cell: NO RESULT FILE: its fencecheck never wrote $results (it died, or never ran: see the run's log)"
    return 1
  fi
  local args=() status=build/results/$1.exit log=build/results/$1.dmesg
  [[ -e $list ]] && args=(--tests "$list")
  [[ -e $status ]] && args+=(--exit-status "$(<"$status")")
  [[ -e $log ]] && args+=(--kernel-log "$log")
  build/fencecheck-results compare --cell "$cell" "${args[@]}" "$results"
}

# result_cells: every cell that ran or was meant to (a result file or a test list), once each.
result_cells() {
  local file
  for file in build/results/*.expected.txt $(result_files); do
    [[ -e $file ]] || continue
    file=$(basename "$file")
    file=${file%.expected.txt}
    echo "${file%.json}"
  done | sort -uV
}

# Does the lane need QEMU's virtio-gpu-gl device (and an X display for it)?
lane_needs_virgl() { [[ $1 == virgl ]]; }
