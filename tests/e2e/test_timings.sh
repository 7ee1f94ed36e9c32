#!/bin/sh
# OTCHET_TIMINGS (src/phase.h): where a run's time goes, by phase and process. The file lists
# every process of the run with the phases it spent time in, CPU never above wall time, and the
# outputs are those of a run without it; a file that cannot be written changes nothing.
. "$(dirname "$0")/lib.sh"
DATA=$ROOT/samples/kedrovsky

# fields PID-or-ROLE → "phase wall cpu" lines of the timings file $2 for role or pid $1
lines_of() { awk -F'\t' -v w="$1" '$1 == w || $2 == w { print $3, $4, $5 }' "$2"; }
# every line: 5 fields, a known phase, numbers ≥ 0, CPU ≤ wall (+5 ms of clock granularity)
well_formed() {
  awk -F'\t' 'NF != 5 || $3 !~ /^(other|load|check|prepare|build|layout|files|wait)$/ ||
              $4 !~ /^[0-9]+\.[0-9]+$/ || $5 !~ /^[0-9]+\.[0-9]+$/ || $5 > $4 + 0.005 { bad = 1 }
              END { exit bad || NR == 0 }' "$1"
}
has_phase() { lines_of "$1" "$3" | awk -v p="$2" '$1 == p && $3 > 0 { f = 1 } END { exit !f }'; }

OTCHET_TIMINGS=$T/t1 "$OTCHET" run school_sheet --data "$DATA" --out "$T/o1" >/dev/null 2>&1
check "one job: exit 0, timings written" $([ $? -eq 0 ] && [ -s "$T/t1" ]; echo $?)
check "one job: lines well formed, CPU within wall time" $(well_formed "$T/t1"; echo $?)
check "one job: one process, main" $([ "$(cut -f1,2 "$T/t1" | sort -u | wc -l)" -eq 1 ] && [ "$(cut -f1 "$T/t1" | sort -u)" = main ]; echo $?)
ok=0
for p in load check build layout files; do has_phase main "$p" "$T/t1" || ok=1; done
check "one job: time in load, check, build, layout and files" $ok
"$OTCHET" run school_sheet --data "$DATA" --out "$T/o2" >/dev/null 2>&1
check "outputs the same as without timings" $(cmp -s "$T/o1/manifest.csv" "$T/o2/manifest.csv"; echo $?)

OTCHET_TIMINGS=$T/t2 "$OTCHET" run school_sheet --data "$DATA" --out "$T/o3" --jobs 2 >/dev/null 2>&1
check "--jobs 2: exit 0, lines well formed" $([ $? -eq 0 ] && well_formed "$T/t2"; echo $?)
check "--jobs 2: two workers with build and layout" $([ "$(awk -F'\t' '$1 == "worker" && $3 == "layout" && $5 > 0' "$T/t2" | wc -l)" -eq 2 ] && [ "$(awk -F'\t' '$1 == "worker" && $3 == "build" && $5 > 0' "$T/t2" | wc -l)" -eq 2 ]; echo $?)
check "--jobs 2: participants.csv checked in a process of its own" $(has_phase gatekeeper load "$T/t2" && has_phase gatekeeper check "$T/t2"; echo $?)
check "--jobs 2: the parent prepares and waits" $(has_phase main prepare "$T/t2" && lines_of main "$T/t2" | grep -q '^wait '; echo $?)
check "--jobs 2: outputs the same as one job" $(cmp -s "$T/o1/manifest.csv" "$T/o3/manifest.csv"; echo $?)

OTCHET_TIMINGS=$T/no/such/dir/t "$OTCHET" run school_sheet --data "$DATA" --out "$T/o4" --school 2401 >/dev/null 2>&1
check "a timings file that cannot be written: the run goes on" $([ $? -eq 0 ] && [ -f "$T/o4/manifest.csv" ]; echo $?)

finish
