# The VM lanes: which kernel modules, DRM device, tests and QEMU devices each
# one uses. Sourced by vm/lane (host side) and vm/guest/lane (in the guest).
#   vgem      the reference lane: vgem's kernel fences, every uAPI suite, and
#             the GPU test bodies with the vgem-cpu producer
#   llvmpipe  a real non-fencing driver: Mesa kms_swrast/llvmpipe on vgem's
#             primary node, GL and Vulkan producers
#   virgl     a real fencing driver: virtio-gpu with virgl, its host side
#             rendered by llvmpipe under Xvfb; GL and Vulkan producers
# Expectations for each lane: expectations/<lane>-{fails,flakes,skips}.txt.

FENCECHECK_LANES=(vgem llvmpipe virgl)

lane_known() { [[ " ${FENCECHECK_LANES[*]} " == *" $1 "* ]]; }

lane_modules() {
  case $1 in
    vgem | llvmpipe) echo vgem ;;
    virgl) echo virtio_gpu ;;
  esac
}

# --device for fencecheck (harness select_device: a driver name or node).
lane_device() {
  case $1 in
    vgem | llvmpipe) echo vgem ;;
    virgl) echo virtio_gpu ;;
  esac
}

# The tests a lane runs (a gtest filter). GPU test names end in their producer.
lane_filter() {
  case $1 in
    vgem) echo '-*gl:*vulkan' ;;
    llvmpipe | virgl) echo 'Gpu/*gl:Gpu/*vulkan' ;;
  esac
}

# The benchmarks a lane runs (a Google Benchmark filter regex).
lane_bench_filter() {
  case $1 in
    vgem) echo '^(Floor|Idle|Wake/vgem|Race/vgem_cpu)/' ;;
    llvmpipe | virgl) echo '^(Wake|Race)/(gl|vulkan)/' ;;
  esac
}

# Does the lane need QEMU's virtio-gpu-gl device (and an X display for it)?
lane_needs_virgl() { [[ $1 == virgl ]]; }
