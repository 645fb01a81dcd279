# Shared by vm/run and vm/mesa (sourced): the cache, messages, and apt through
# a private configuration (its own sources and lists folders, this machine's
# Debian mirror reused), for packages from other suites (trixie's virtme-ng,
# bookworm-backports' kernel and Mesa): download and extract only; nothing on
# the system changes.

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

# private_apt SUITE apt-get|apt-cache ARGS...: runs apt with a private
# configuration that sees only SUITE (created, and its lists fetched, once).
private_apt() {
  local suite=$1 tool=$2
  shift 2
  local apt=$FENCECHECK_CACHE/apt-$suite uri
  local opts=(-o Dir::Etc::sourcelist=/dev/null -o "Dir::Etc::sourceparts=$apt/sources"
    -o "Dir::State::Lists=$apt/lists" -o "Dir::Cache=$apt/cache" -o "Dir::State::status=$apt/status"
    -o APT::Sandbox::User=root -o Debug::NoLocking=1)
  if [[ ! -f $apt/.updated ]]; then
    uri=$(debian_uri) || { echo "cannot find this machine's Debian mirror in /etc/apt" >&2; return 1; }
    mkdir -p "$apt/sources" "$apt/lists/partial" "$apt/cache/archives/partial"
    : >"$apt/status"  # nothing is installed, as far as this configuration knows
    cat >"$apt/sources/fencecheck.sources" <<SOURCES
Types: deb
URIs: $uri
Suites: $suite
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES
    apt-get "${opts[@]}" update -qq >&2 || return 1
    touch "$apt/.updated"
  fi
  "$tool" "${opts[@]}" "$@"
}
