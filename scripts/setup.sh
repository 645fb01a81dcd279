#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# scripts/setup.sh [--packages]
# Installs what is missing (Debian packages, as root), then configures and
# builds fencecheck into build/ (with --packages: installs only). Used by
# ./run.sh and ./test.sh; safe to rerun.
set -euo pipefail
cd "$(dirname "$0")/.."
packages_only=0
[[ ${1:-} == --packages ]] && packages_only=1

packages=(
  # build (and clang-format: ./test.sh checks the code's format)
  clang-format g++ cmake ninja-build pkg-config libgtest-dev libdrm-dev libgbm-dev libegl-dev libgles-dev
  libvulkan-dev glslang-tools nlohmann-json3-dev libcli11-dev libbenchmark-dev
  # the producers' runtime: Mesa's GBM, EGL, GL and Vulkan drivers
  libgbm1 libegl-mesa0 libgl1-mesa-dri mesa-vulkan-drivers libvulkan1
  # the VM lanes run the producers under Khronos' validation layer (fencecheck --validate)
  vulkan-validationlayers
  # vm/run: QEMU and what virtme-ng needs on the host
  qemu-system-x86 busybox-static kmod udev python3 python3-argcomplete python3-pkg-resources
  xz-utils zstd ca-certificates
  # the lab checks: LAVA test definitions are YAML (tools/tests/lab_test.sh);
  # KCIDB is checked with kernelci's JSON schema (tools/tests/outputs_test.sh)
  python3-yaml python3-jsonschema
  # the virgl lane: QEMU's SDL display with GL, on an X server of its own
  qemu-system-gui xvfb
  # the venus lane: vm/root builds its Debian trixie root
  mmdebstrap
  # ./test.sh: render the HTML matrix headless and read the printed page back
  chromium poppler-utils fonts-dejavu-core
)

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done
if ((${#missing[@]})); then
  if [[ $(id -u) != 0 ]] || ! command -v apt-get >/dev/null; then
    echo "setup: missing packages; as root run: apt-get install ${missing[*]}" >&2
    exit 1
  fi
  echo "setup: installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

((packages_only)) && exit 0
# A unity build (CMake joins each target's sources, eight to a translation
# unit): half the compile time on two cores. The Debian package's build
# (scripts/deb.sh, ./test.sh) compiles every program source on its own, so a
# source that misses an include of its own still fails there.
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFENCECHECK_WERROR=ON -DCMAKE_UNITY_BUILD=ON >/dev/null
cmake --build build
