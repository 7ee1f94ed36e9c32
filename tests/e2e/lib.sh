# lib.sh — shared start of the shell end-to-end tests (sourced): ROOT, OTCHET (absolute),
# a temporary directory T removed on exit, check NAME STATUS counting into pass/fail, and
# home_with REPORTS_DIR: a data directory T/home whose reports/ is REPORTS_DIR (relative to
# ROOT) and whose lua/ and fonts/ are the project's, for running test report scripts.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OTCHET=${OTCHET:-$ROOT/otchet}
case $OTCHET in /*) ;; *) OTCHET=$ROOT/$OTCHET ;; esac
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0 fail=0

check() { # name, status (0 = passed)
  if [ "$2" -eq 0 ]; then pass=$((pass + 1)); echo "ok   $1"; else fail=$((fail + 1)); echo "FAIL $1"; fi
}

home_with() {
  mkdir -p "$T/home"
  ln -s "$ROOT/lua" "$T/home/lua"
  ln -s "$ROOT/fonts" "$T/home/fonts"
  ln -s "$ROOT/$1" "$T/home/reports"
}

# Prints the summary line and exits with the suite's status.
finish() {
  echo "$pass passed, $fail failed"
  [ "$fail" -eq 0 ]
  exit $?
}
