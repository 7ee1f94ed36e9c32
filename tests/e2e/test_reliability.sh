#!/bin/sh
# Unattended runs: the same data gives the same bytes (idempotent, reproducible), kill -9 in the
# middle of a batch never leaves a truncated file under a final name nor damages the outputs of
# an earlier complete run, an unusable output directory is a clear error, and no participant
# code reaches any output or log.
. "$(dirname "$0")/lib.sh"
DATA=$ROOT/samples/kedrovsky

"$OTCHET" all --data "$DATA" --out "$T/a" >"$T/log1" 2>&1
check "a complete run exits 0" $?
"$OTCHET" all --data "$DATA" --out "$T/b" --set low_share_threshold=30 >"$T/log2" 2>&1
cmp -s "$T/a/manifest.csv" "$T/b/manifest.csv"
check "a second run writes the same bytes (manifest sha256 equal)" $?
(cd "$T/a" && find . -type f | sort | xargs sha256sum) >"$T/sums"
n=$(wc -l <"$T/sums")
check "the complete run wrote files ($n)" $([ "$n" -ge 2 ]; echo $?)

# kill -9 at several moments of a batch over the same directory
for delay in 0.05 0.15 0.3 0.6; do
  "$OTCHET" all --data "$DATA" --out "$T/a" --jobs 2 >/dev/null 2>&1 &
  pid=$!
  sleep "$delay"
  kill -9 "$pid" 2>/dev/null   # its workers die with it (PR_SET_PDEATHSIG)
  wait "$pid" 2>/dev/null
done
sleep 0.2
(cd "$T/a" && sha256sum -c --quiet "$T/sums") >"$T/check" 2>&1
check "after kill -9 every file of the earlier run is intact" $?
bad=0
for f in $(find "$T/a" -name '*.pdf'); do
  qpdf --check "$f" >/dev/null 2>&1 || { echo "  damaged: $f"; bad=1; }
done
check "no PDF under a final name is truncated" $bad

: >"$T/file"
"$OTCHET" all --data "$DATA" --out "$T/file/out" >"$T/log3" 2>&1
status=$?
check "an output path through a file exits 3" $([ $status -eq 3 ]; echo $?)
check "… and says why in Russian" $(grep -q "не является каталогом" "$T/log3"; echo $?)

leak=0
for f in $(find "$T/b" -type f); do
  case $f in
    *.pdf) pdftotext "$f" - 2>/dev/null | grep -q 'P20[0-9][0-9]-' && { echo "  code in $f"; leak=1; } ;;
    *) grep -q 'P20[0-9][0-9]-' "$f" && { echo "  code in $f"; leak=1; } ;;
  esac
done
grep -q 'P20[0-9][0-9]-' "$T/log1" "$T/log2" && leak=1
check "no participant code in any output or log" $leak

finish
