# SPDX-License-Identifier: MIT
# Sourced by the test scripts: $work, a scratch folder removed on exit, and
# check DESCRIPTION COMMAND...: runs COMMAND, prints "ok" or "FAIL" with the
# tail of its output, and counts the failures in $failures.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
check() {
  local what=$1
  shift
  if "$@" >"$work/out" 2>&1; then
    echo "ok   $what"
  else
    echo "FAIL $what"
    sed 's/^/     | /' "$work/out" | tail -n 20
    failures=$((failures + 1))
  fi
}
