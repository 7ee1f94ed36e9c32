#!/bin/sh
# Runs the libFuzzer targets (built by make into build/fuzz/): `run.sh smoke` for a few seconds
# each (part of make test: the committed corpus, crash regressions included, is replayed), or
# `run.sh long` for FUZZ_SECONDS each (make fuzz). New inputs go to build/fuzz/corpus/<target>,
# crashes to build/fuzz/crashes/ — copy a crash into tests/fuzz/corpus/<target>/ once fixed.
# Ends with "N passed, N failed" (one per target).
set -u
cd "$(dirname "$0")/../.."
mode=${1:-smoke}
seconds=5
[ "$mode" = long ] && seconds=${FUZZ_SECONDS:-600}
export LSAN_OPTIONS="suppressions=$PWD/tests/lsan.supp"
export OTCHET_FONTS="$PWD/fonts"
pass=0 fail=0
for t in csv text para table; do
  mkdir -p "build/fuzz/corpus/$t" build/fuzz/crashes
  if build/fuzz/fuzz_$t -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=8192 \
       -artifact_prefix=build/fuzz/crashes/ -print_final_stats=0 \
       "build/fuzz/corpus/$t" "tests/fuzz/corpus/$t" >"build/fuzz/$t.log" 2>&1; then
    pass=$((pass + 1)); echo "ok   fuzz_$t ($seconds s, $(grep -c . "build/fuzz/$t.log") log lines)"
  else
    fail=$((fail + 1)); echo "FAIL fuzz_$t"; tail -40 "build/fuzz/$t.log"
  fi
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
