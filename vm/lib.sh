# SPDX-License-Identifier: MIT
# Shared by vm/run and vm/mesa (sourced): the cache, apt through a private
# configuration (its own sources and lists folders, this machine's Debian
# mirrors reused) for packages from other suites (trixie's virtme-ng, the
# kernels of bookworm-backports, bullseye, sid and experimental, backports'
# Mesa), and cached_debs, the one way any of them gets a package: download and
# extract only; nothing on the system changes.

FENCECHECK_CACHE=${FENCECHECK_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/fencecheck}

# The machine's own Debian mirror (never a host name written into the project).
debian_uri() {
  local uri
  uri=$(grep -hsE '^URIs:' /etc/apt/sources.list.d/*.sources | awk '{print $2}' | grep -v -- '-security' | head -n1)
  [[ -n $uri ]] || uri=$(grep -hsE '^deb\s' /etc/apt/sources.list /etc/apt/sources.list.d/*.list |
    sed -E 's/^deb\s+(\[[^]]*\]\s+)?//' | awk '{print $1}' | grep -v -- '-security' | head -n1)
  [[ -n $uri ]] || return 1
  printf '%s\n' "$uri"
}

# The machine's Debian security mirror; where none is configured, the main
# mirror's URI with -security appended (deb.debian.org/debian-security).
debian_security_uri() {
  local uri
  uri=$(grep -hsE '^URIs:' /etc/apt/sources.list.d/*.sources | awk '{print $2}' | grep -- '-security' | head -n1)
  [[ -n $uri ]] || uri=$(grep -hsE '^deb\s' /etc/apt/sources.list /etc/apt/sources.list.d/*.list |
    sed -E 's/^deb\s+(\[[^]]*\]\s+)?//' | awk '{print $1}' | grep -- '-security' | head -n1)
  [[ -n $uri ]] || { uri=$(debian_uri) && uri=${uri%/}-security; } || return 1
  printf '%s\n' "$uri"
}

# private_apt SUITE[,SUITE...] apt-get|apt-cache ARGS...: runs apt with a
# private configuration that sees only those suites (created, and its lists
# fetched, once): a suite named *-security from the security mirror, the
# others from the main one ("bullseye,bullseye-security": a release and its
# security updates).
private_apt() {
  local suite=$1 tool=$2
  shift 2
  local apt=$FENCECHECK_CACHE/apt-$suite uri one
  local opts=(-o Dir::Etc::sourcelist=/dev/null -o "Dir::Etc::sourceparts=$apt/sources"
    -o "Dir::State::Lists=$apt/lists" -o "Dir::Cache=$apt/cache" -o "Dir::State::status=$apt/status"
    -o APT::Sandbox::User=root -o Debug::NoLocking=1)
  if [[ ! -f $apt/.updated ]]; then
    mkdir -p "$apt/sources" "$apt/lists/partial" "$apt/cache/archives/partial"
    : >"$apt/status"  # nothing is installed, as far as this configuration knows
    : >"$apt/sources/fencecheck.sources"
    for one in ${suite//,/ }; do
      if [[ $one == *-security ]]; then
        uri=$(debian_security_uri) || { echo "cannot find this machine's Debian mirror in /etc/apt" >&2; return 1; }
      else
        uri=$(debian_uri) || { echo "cannot find this machine's Debian mirror in /etc/apt" >&2; return 1; }
      fi
      cat >>"$apt/sources/fencecheck.sources" <<SOURCES
Types: deb
URIs: $uri
Suites: $one
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

SOURCES
    done
    apt-get "${opts[@]}" update -qq >&2 || return 1
    touch "$apt/.updated"
  fi
  "$tool" "${opts[@]}" "$@"
}

# cached_debs SUITE DIR TREE PACKAGE[=VERSION]... [-- FINISH [ARGS...]]
# Debian packages downloaded and extracted once, then reused: if DIR (a folder
# under $FENCECHECK_CACHE) has DIR/.complete, nothing happens. Otherwise DIR is
# emptied, the packages are fetched into DIR/deb with apt-get download (from
# SUITE through private_apt; SUITE "" means this machine's own apt sources),
# each .deb is extracted into TREE (dpkg-deb -x; TREE may be DIR itself), the
# .debs are deleted, FINISH runs (its failure is the download's) and
# DIR/.complete is written. It never installs anything. Messages go through
# the caller's say; on any failure it says what failed and returns 1.
cached_debs() {
  local suite=$1 dir=$2 tree=$3 packages=() finish=() deb
  shift 3
  while (($#)) && [[ $1 != -- ]]; do packages+=("$1"); shift; done
  (($#)) && finish=("${@:2}")
  [[ -f $dir/.complete ]] && return 0
  local from="Debian ${suite//,/ + }" apt_get=(private_apt "$suite" apt-get)
  if [[ -z $suite ]]; then
    from="this machine's apt sources" apt_get=(apt-get -o APT::Sandbox::User=root)
  fi
  say "downloading ${packages[*]} from $from (cached in $dir; download only, nothing is installed)"
  rm -rf "$dir" && mkdir -p "$dir/deb" "$tree" || { say "cannot create $dir"; return 1; }
  (cd "$dir/deb" && "${apt_get[@]}" download "${packages[@]}" >&2) ||
    { say "could not download ${packages[*]} from $from"; return 1; }
  for deb in "$dir"/deb/*.deb; do
    dpkg-deb -x "$deb" "$tree" || { say "could not extract $deb"; return 1; }
  done
  rm -rf "$dir/deb" || { say "cannot remove $dir/deb"; return 1; }
  if ((${#finish[@]})); then
    "${finish[@]}" || { say "could not finish $dir: ${finish[*]} failed"; return 1; }
  fi
  touch "$dir/.complete"
}
