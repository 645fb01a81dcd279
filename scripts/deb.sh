#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# scripts/deb.sh [OUT]: builds the Debian package (debian/) from this checkout
# and puts fencecheck_VERSION_ARCH.deb into OUT (default: build/deb/ in the
# checkout), printing its path. The tracked files (the directory itself
# outside git) are copied into a scratch folder under ${TMPDIR:-/tmp}, built
# there with dpkg-buildpackage -us -uc -b, niced, with DEB_BUILD_OPTIONS from
# the environment (parallel=1 unless it says otherwise), and checked with
# lintian --fail-on error. The checkout gets nothing but OUT. As root it
# installs what is missing (dpkg-dev, debhelper, lintian, the build
# dependencies); otherwise it says what to install. Non-zero on any failure.
set -euo pipefail
out=$(realpath -m "${1:-$(dirname "$0")/../build/deb}")
cd "$(dirname "$0")/.."

say() { printf 'deb.sh: %s\n' "$*" >&2; }
as_root_install() {  # what setup.sh does: install as root, else say the command
  if [[ $(id -u) != 0 ]] || ! command -v apt-get >/dev/null; then
    say "missing: $*; as root run: apt-get install $*"
    exit 1
  fi
  say "installing $*"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

tools=(dpkg-dev debhelper lintian)
missing=()
for package in "${tools[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done
((${#missing[@]} == 0)) || as_root_install "${missing[@]}"
# dpkg-checkbuilddeps: "Unmet build dependencies: a b (>= 1) c" on stderr.
if ! unmet=$(dpkg-checkbuilddeps 2>&1); then
  unmet=$(sed -n 's/.*Unmet build dependencies: //p' <<<"$unmet" | sed -E 's/ \([^)]*\)//g; s/:any//g')
  [[ -n $unmet ]] || { say "dpkg-checkbuilddeps failed"; exit 1; }
  read -ra unmet <<<"$unmet"
  as_root_install "${unmet[@]}"
fi

scratch=$(mktemp -d "${TMPDIR:-/tmp}/fencecheck-deb.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
source_dir=$scratch/fencecheck-$(dpkg-parsechangelog -S Version)
mkdir "$source_dir"
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  # The tracked files as they are in the work tree (uncommitted edits too).
  git ls-files -z | while IFS= read -r -d '' file; do
    [[ -e $file || -L $file ]] && printf '%s\0' "$file"
  done | tar --null -T - -cf - | tar -xf - -C "$source_dir"
else
  tar --exclude=./build --exclude='./obj-*' --exclude=./debian/fencecheck --exclude=./debian/.debhelper \
    -cf - . | tar -xf - -C "$source_dir"
fi

options=${DEB_BUILD_OPTIONS:-}
[[ $options == *parallel=* ]] || options+=" parallel=1"
say "building in $source_dir (DEB_BUILD_OPTIONS=${options# })"
if ! (cd "$source_dir" && DEB_BUILD_OPTIONS=${options# } nice dpkg-buildpackage -us -uc -b) >"$scratch/build.log" 2>&1; then
  tail -n 40 "$scratch/build.log" >&2
  say "dpkg-buildpackage failed (the last 40 lines above)"
  exit 1
fi
changes=("$scratch"/fencecheck_*.changes)
debs=("$scratch"/fencecheck_*.deb)
[[ -f ${changes[0]} && -f ${debs[0]} ]] || { say "dpkg-buildpackage made no .changes or .deb"; exit 1; }
# The .changes covers every .deb built. bogus-mail-host: the placeholder
# Maintainer, fencecheck@localhost (debian/fencecheck.lintian-overrides says
# why); a .changes and a -dbgsym package take no overrides.
if ! lintian --fail-on error --suppress-tags bogus-mail-host "${changes[0]}" >"$scratch/lintian.txt" 2>&1; then
  cat "$scratch/lintian.txt" >&2
  say "lintian found errors"
  exit 1
fi
sed 's/^/lintian: /' "$scratch/lintian.txt" >&2

mkdir -p "$out"
rm -f "$out"/fencecheck_*.deb
cp "${debs[0]}" "$out/"
echo "$out/$(basename "${debs[0]}")"
