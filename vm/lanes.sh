# SPDX-License-Identifier: MIT
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
#   venus     a real Vulkan driver on a real kernel driver: Mesa 26.1's venus
#             on virtio-gpu (host side: lavapipe through virglrenderer's
#             render server), in vm/root's trixie root: the bridge from the
#             write's VkFence judged in flight, and the frame read from the
#             producer's mapped memory (venus imports no dma-buf made here)
# A cell is a lane under one kernel and one Mesa (and build): its results are
# build/results/LANE@linux-X.Y@mesa-X.Y[@BUILD].json, and its expectations
# expectations/LANE[@linux-X.Y][@mesa-X.Y][@BUILD]-{fails,flakes,skips}.txt,
# the more specific files adding to (and overriding) the general ones.

# Cell names, filters, the resume loop, verdicts and outputs: scripts/cells.sh.
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/cells.sh"

# Every lane, in the lane table's order (scripts/cells.sh FENCECHECK_LANE_TABLE).
mapfile -t FENCECHECK_LANES < <(awk 'NF {print $1}' <<<"$FENCECHECK_LANE_TABLE")

lane_known() { [[ " ${FENCECHECK_LANES[*]} " == *" $1 "* ]]; }

# The kernel modules a lane's guest loads (vgem beside a GPU driver: the gate's fences, gpu/gate.h).
lane_modules() { lane_field "$1" modules; }

# lane_mesas LANE: the Mesas a lane runs under in the matrix ("system" is
# Debian 12's 22.3; others come from backports through vm/mesa), the first
# also running its benchmarks. lavapipe only under 25.0: Debian 12's
# lavapipe cannot import a dma-buf (no VK_EXT_external_memory_dma_buf), so a
# 22.3 cell would skip every test and judge nothing. vgem under the system's
# only: the reference lane's fences are the kernel's, and its vgem-cpu
# producer writes from the CPU, so another Mesa changes nothing it checks.
lane_mesas() { lane_field "$1" mesas; }

# The Mesa of vm/root's root (Debian trixie-backports): a cell under it boots
# in that root (vm/run --root), its whole userspace the root's.
FENCECHECK_ROOT_MESA=26.1
mesa_needs_root() { [[ $1 == "$FENCECHECK_ROOT_MESA" ]]; }
# boot_groups: the cells (LANE:MESA[:BUILD], one per line on stdin) as the
# boots that run them, one boot's cells per line: cells in the root apart
# from the others (in_root), and, within each, cells that need different QEMU
# GPUs (lane_qemu_gpu: virgl's and venus' devices) apart; a cell that needs
# none joins the first boot of its kind.
boot_groups() {
  local cells=() root cell gpu gpus line i
  mapfile -t cells
  for root in no yes; do
    gpus=()
    for cell in $(printf '%s\n' "${cells[@]}" | in_root "$root"); do
      gpu=$(lane_qemu_gpu "${cell%%:*}")
      [[ -n $gpu && " ${gpus[*]} " != *" $gpu "* ]] && gpus+=("$gpu")
    done
    ((${#gpus[@]})) || gpus=("")
    for i in "${!gpus[@]}"; do
      line=""
      for cell in $(printf '%s\n' "${cells[@]}" | in_root "$root"); do
        gpu=$(lane_qemu_gpu "${cell%%:*}")
        [[ $gpu == "${gpus[i]}" || (-z $gpu && $i == 0) ]] && line+=${line:+ }$cell
      done
      [[ -n $line ]] && echo "$line"
    done
  done
  return 0
}

# in_root yes|no: the cells (LANE:MESA[:BUILD], one per line on stdin) that
# boot in the root, or those that do not: a boot holds one kind only.
in_root() {
  local cell mesa
  while read -r cell; do
    [[ -n $cell ]] || continue
    mesa=${cell#*:}
    if mesa_needs_root "${mesa%%:*}"; then [[ $1 == yes ]] && echo "$cell"; else [[ $1 == no ]] && echo "$cell"; fi
  done
  return 0
}

# matrix_cells: LANE:MESA for every lane and each of its Mesas (./test.sh,
# ./run.sh), Mesa by Mesa (the system's first).
matrix_cells() {
  local lane mesa
  for mesa in $(for lane in "${FENCECHECK_LANES[@]}"; do lane_mesas "$lane" | tr ' ' '\n'; done | awk '!seen[$0]++'); do
    for lane in "${FENCECHECK_LANES[@]}"; do
      [[ " $(lane_mesas "$lane") " == *" $mesa "* ]] && echo "$lane:$mesa"
    done
  done
}

# The kernels of the matrix, as vm/run --kernel names them, oldest first:
# bullseye's 5.10 (before the Linux 6.0 ioctls), Debian 12's 6.1, backports'
# 6.12, sid's newest release (7.2) and experimental's newest -rc.
FENCECHECK_KERNELS=(5.10 stable backports 7.2 rc)

# kernel_cells KERNEL: the matrix cells ./run.sh runs on KERNEL (the lane
# table's kernels column): every cell, but only the reference lane on 5.10:
# every GPU verdict rests on EXPORT_SYNC_FILE (Linux 6.0), so a GPU lane there
# would judge nothing.
kernel_cells() {
  local cell
  for cell in $(matrix_cells); do
    [[ " $(lane_field "${cell%%:*}" kernels) " == *" $1 "* ]] && echo "$cell"
  done
}

# test_cells KERNEL: the cells ./test.sh runs on KERNEL (the lane table's
# tested column), a subset that keeps it within its time on two cores while
# every kernel is booted: on 6.1 every
# lane but lavapipe under its first Mesa, where its benchmarks run (the sanitizer build and
# the selftests run there too); on 6.12 the reference lane and virgl under
# Mesa 25 (llvmpipe under Mesa 25 only in ./run.sh: it fences nothing under
# either Mesa); lavapipe only in ./run.sh: it judges nothing (its one test
# that runs records what a plain submit did) and its 6.1 cell took 156 s of
# ./test.sh's 30 minutes, Vulkan being judged here by venus; on 5.10
# and the -rc the reference lane, where a uAPI change shows first; on 7.2 the
# reference lane and virgl, the fencing driver on the newest release.
# ./run.sh runs kernel_cells on every kernel.
test_cells() {
  local lane kernel mesas
  for lane in "${FENCECHECK_LANES[@]}"; do
    mesas=$(lane_mesas "$lane")
    for kernel in $(lane_field "$lane" tested); do
      if [[ $kernel == "$1" ]]; then
        echo "$lane:${mesas%% *}"
      elif [[ $kernel == "$1"@* ]]; then
        echo "$lane:${kernel#*@}"
      fi
    done
  done
}

# bench_cells: LANE:MESA where each lane's benchmarks run (its first Mesa),
# but none in the root: its userspace lacks the libbenchmark fencecheck-bench
# was built against (Debian 12's).
bench_cells() {
  local lane mesas
  for lane in "${FENCECHECK_LANES[@]}"; do
    mesas=$(lane_mesas "$lane")
    mesa_needs_root "${mesas%% *}" || echo "$lane:${mesas%% *}"
  done
}

# cell_benches LANE MESA BUILD: does a cell with --bench run its lane's
# benchmarks? Under the lane's first Mesa (MESA: "system" or X.Y) and with the
# build tree only (vm/guest/lane runs them; vm/lane plans them).
cell_benches() {
  local mesas
  mesas=$(lane_mesas "$1")
  [[ $2 == "${mesas%% *}" && $3 == build ]] && ! mesa_needs_root "$2"
}

# --device for fencecheck (harness select_device: a driver name or node).
lane_device() { lane_field "$1" device; }

# Does the lane run its producer under the API's checker (fencecheck --validate:
# Khronos' validation layer, a GL_KHR_debug context)? Every lane with a real
# GL or Vulkan producer.
lane_validates() { [[ $(lane_field "$1" validates) == yes ]]; }

# lane_qemu_gpu LANE: the QEMU device the lane's guest needs (nothing for
# none); each renders on the host through QEMU's SDL display with GL, which
# needs an X display (vm/lane starts Xvfb).
lane_qemu_gpu() {
  case $(lane_field "$1" qemu) in
    virgl) echo virtio-gpu-gl-pci ;;
    venus) echo virtio-gpu-gl-pci,blob=on,hostmem=2G,venus=on ;;
  esac
}
