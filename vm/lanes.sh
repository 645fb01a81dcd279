# The VM lanes: which kernel modules, DRM device, tests, benchmarks and QEMU
# devices each one uses. Sourced by vm/lane (host side) and vm/guest/lane.
#   vgem      the reference lane: vgem's kernel fences, every uAPI suite (with
#             udmabuf and the system dma-heap where the kernel has them), and
#             the GPU test bodies with the vgem-cpu producer
#   llvmpipe  a real non-fencing GL driver: Mesa kms_swrast/llvmpipe on vgem's
#             primary node
#   virgl     a real fencing GL driver: virtio-gpu with virgl, its host side
#             rendered by llvmpipe under Xvfb
#   lavapipe  a real non-fencing Vulkan producer: Mesa's lavapipe importing
#             the dma-buf (Mesa 25; Debian 12's Mesa 22.3 cannot)
# A cell is a lane under one kernel and one Mesa (and build): its results are
# build/results/LANE@linux-X.Y@mesa-X.Y[@BUILD].json, and its expectations
# expectations/LANE[@linux-X.Y][@mesa-X.Y][@BUILD]-{fails,flakes,skips}.txt,
# the more specific files adding to (and overriding) the general ones.

FENCECHECK_LANES=(vgem llvmpipe virgl lavapipe)

lane_known() { [[ " ${FENCECHECK_LANES[*]} " == *" $1 "* ]]; }

lane_modules() {
  case $1 in
    vgem) echo vgem udmabuf ;;
    llvmpipe | lavapipe) echo vgem ;;
    virgl) echo virtio_gpu ;;
  esac
}

# --device for fencecheck (harness select_device: a driver name or node).
lane_device() {
  case $1 in
    vgem | llvmpipe | lavapipe) echo vgem ;;
    virgl) echo virtio_gpu ;;
  esac
}

# The tests a lane runs (a gtest filter). GPU test names end in their producer.
lane_filter() {
  case $1 in
    vgem) echo '-*gl:*vulkan' ;;
    llvmpipe | virgl) echo 'Gpu/*gl' ;;
    lavapipe) echo 'Gpu/*vulkan' ;;
  esac
}

# The benchmarks a lane runs (a Google Benchmark filter regex).
lane_bench_filter() {
  case $1 in
    vgem) echo '^(Floor|Idle|Wake/vgem|Race/vgem_cpu)/' ;;
    llvmpipe | virgl) echo '^(Wake|Race)/gl/' ;;
    lavapipe) echo '^(Wake|Race)/vulkan/' ;;
  esac
}

# Does the lane need QEMU's virtio-gpu-gl device (and an X display for it)?
lane_needs_virgl() { [[ $1 == virgl ]]; }
