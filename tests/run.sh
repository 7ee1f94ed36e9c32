#!/bin/sh
# Runs every test suite and ends with one line "N passed, N failed".
#   unit:  cmocka binaries (UNIT_TESTS, built by make)
#   lua:   tests/lua/test_*.lua through `otchet test-lua`
#   fuzz:  a few seconds of each libFuzzer target (FUZZ=1, release builds)
#   e2e:   tests/e2e/test_*.sh, each ending with its own "N passed, N failed"
# Environment: OTCHET (binary), UNIT_TESTS (space-separated list of unit test binaries).
set -u
cd "$(dirname "$0")/.."
OTCHET=${OTCHET:-./otchet}
export OTCHET
passed=0
failed=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

# Adds the counts of the last "N passed, N failed" line of $log; a suite that printed no
# summary but failed counts as one failure.
tally() {
  name=$1 status=$2
  line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
  if [ -n "$line" ]; then
    p=$(echo "$line" | sed -E 's/^([0-9]+) passed.*/\1/')
    f=$(echo "$line" | sed -E 's/^[0-9]+ passed, ([0-9]+) failed.*/\1/')
  else
    p=0 f=0
  fi
  [ "$status" -ne 0 ] && [ "$f" -eq 0 ] && f=1
  passed=$((passed + p))
  failed=$((failed + f))
  if [ "$f" -ne 0 ]; then echo "FAIL $name"; cat "$log"; else echo "ok   $name ($p)"; fi
}

for t in ${UNIT_TESTS:-}; do
  "$t" >"$log" 2>&1
  status=$?
  p=$(grep -E '^\[  PASSED  \] [0-9]+ test' "$log" | sed -E 's/.*\] ([0-9]+) test.*/\1/' | tail -n 1)
  f=$(grep -E '^\[  FAILED  \] [0-9]+ test' "$log" | sed -E 's/.*\] ([0-9]+) test.*/\1/' | tail -n 1)
  echo "${p:-0} passed, ${f:-0} failed" >>"$log"
  tally "$(basename "$t")" "$status"
done

for t in tests/lua/test_*.lua; do
  [ -e "$t" ] || continue
  "$OTCHET" test-lua "$t" >"$log" 2>&1
  tally "$t" $?
done

if [ -n "${FUZZ:-}" ]; then
  sh tests/fuzz/run.sh smoke >"$log" 2>&1
  tally "tests/fuzz (smoke)" $?
fi

for t in tests/e2e/test_*.sh; do
  [ -e "$t" ] || continue
  sh "$t" >"$log" 2>&1
  tally "$t" $?
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
