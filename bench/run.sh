#!/bin/sh
# bench/run.sh — `make bench`: otchet at district (50 schools), region (1,000) and country
# (40,000) scale against the targets of issue 6, with a ReportLab peer and two libharu floors
# measured in the same run. Prints one markdown table and writes it to build/bench/results.md.
#
#   BENCH_SCALES="50 1000"   scales to run (default "50 1000 40000")
#   BENCH_RUNS=3             runs per figure, the median is reported (default 3; 40,000-school
#                            reports run BENCH_RUNS_BIG times, default 1: each takes ~a minute)
#   BENCH_PEER_SHEETS=100    schools the ReportLab peer renders (its cost per sheet does not
#                            depend on the count; all 1,000 would take minutes per run)
#   BENCH_TIMEOUT=120        seconds before one command is given up (then not repeated)
#   BENCH_SLOW=20            a run longer than this is not repeated (its one time is reported)
#   BENCH_SKIP_BIG=10        a report slower than this at 1,000 schools is not run at 40,000
#                            (it would only time out; the table says so)
#
# Every figure is wall-clock time of the real binary on a generated dataset (bench/gen_dataset,
# deterministic, cached in build/bench/data/N). "Render" figures subtract the median time of
# `otchet check` (load + validate) measured in the same run from the run of the report, so they
# cover indicator computation, layout, PDF writing and file output. Peak RSS is /usr/bin/time's
# "Maximum resident set size". Needs: ./otchet, fonts, $BENCH_BIN/{gen_dataset,ingest_bench,floor,floor_haru}
# (make bench builds them), /usr/bin/python3 with reportlab, qpdf.
set -eu
cd "$(dirname "$0")/.."

SCALES=${BENCH_SCALES:-"50 1000 40000"}
RUNS=${BENCH_RUNS:-3}
RUNS_BIG=${BENCH_RUNS_BIG:-1}
PEER_SHEETS=${BENCH_PEER_SHEETS:-100}
TIMEOUT=${BENCH_TIMEOUT:-120}
SLOW=${BENCH_SLOW:-20}
SKIP_BIG=${BENCH_SKIP_BIG:-10}
OTCHET=./otchet
B=build/bench                          # data, outputs, results
BIN=${BENCH_BIN:-build/release/bench}  # gen_dataset, ingest_bench, floor, floor_haru
RES=$B/results.txt
T=$(mktemp -d)
# the runs' output directories (see repeat_out) go when the bench ends
trap 'rm -rf "$T"; [ -f "$B/out/.runs" ] && xargs rm -rf <"$B/out/.runs"; rm -f "$B/out/.runs"' EXIT
mkdir -p "$B/data" "$B/out" "$B/ops"
rm -rf "$B/out"/*   # outputs of an earlier bench (its runs' directories, see repeat_out)
: >"$RES"

say() { printf '%s\n' "$*" >&2; }
put() { printf '%s %s\n' "$1" "$2" >>"$RES"; }
# put for a text (why a run failed): a value is one word, so its spaces are stored as \037,
# which no message has, and its underscores (OTCHET_LUA_MEMORY_MB) come back as they were
put_text() { put "$1" "$(printf '%s' "$2" | tr ' ' '\037')"; }
get() { awk -v k="$1" '$1 == k { v = $2 } END { if (v != "") print v }' "$RES"; }
median() { sort -g | awk '{ a[NR] = $1 } END { if (NR) print a[int((NR + 1) / 2)] }'; }
calc() { awk "BEGIN { printf \"%.${2:-3}f\", $1 }"; }

# measure CMD… → M_WALL (s), M_CPU (user + system s, children included), M_RSS (KiB), M_RC;
# stdout in $T/out, stderr in $T/err; otchet's CPU seconds by phase of its run (OTCHET_TIMINGS,
# src/phase.h; every process of the run summed) in $T/phases as "phase seconds" lines.
measure() {
  rm -f "$T/timings"
  t0=$(date +%s%N)
  set +e
  OTCHET_TIMINGS=$T/timings timeout "$TIMEOUT" /usr/bin/time -v -o "$T/time" "$@" >"$T/out" 2>"$T/err"
  M_RC=$?
  set -e
  t1=$(date +%s%N)
  M_WALL=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f", (b - a) / 1e9 }')
  M_RSS=$(awk -F: '/Maximum resident set size/ { gsub(/ /, "", $2); print $2 }' "$T/time" 2>/dev/null || true)
  M_CPU=$(awk -F: '/(User|System) time \(seconds\)/ { c += $2 } END { printf "%.4f", c }' "$T/time" 2>/dev/null || echo 0)
  awk -F'\t' '{ s[$3] += $5 } END { for (p in s) printf "%s %.6f\n", p, s[p] }' "$T/timings" \
    >"$T/phases" 2>/dev/null || : >"$T/phases"
}

PHASES="load check prepare build layout files wait other"

# repeat N CMD… → R_WALL, R_CPU and R_RSS (medians), R_RC (the last non-zero status, else 0);
# the median CPU seconds of each phase (see measure) by `phase PHASE`.
# (sh has no local variables: helpers use names starting with an underscore.)
repeat() {
  _n=$1
  shift
  : >"$T/walls"
  : >"$T/rsss"
  : >"$T/cpus"
  for _p in $PHASES; do : >"$T/ph.$_p"; done
  R_RC=0
  _i=0
  while [ "$_i" -lt "$_n" ]; do
    if [ -n "${REPEAT_OUT:-}" ]; then   # see repeat_out
      echo "$REPEAT_OUT.$_i" >>"$B/out/.runs"
      measure "$@" --out "$REPEAT_OUT.$_i"
      _last=$_i
    else
      measure "$@"
    fi
    [ "$M_RC" -ne 0 ] && R_RC=$M_RC
    echo "$M_WALL" >>"$T/walls"
    echo "${M_RSS:-0}" >>"$T/rsss"
    echo "$M_CPU" >>"$T/cpus"
    for _p in $PHASES; do
      awk -v p="$_p" '$1 == p { v = $2 } END { print v + 0 }' "$T/phases" >>"$T/ph.$_p"
    done
    _i=$((_i + 1))
    [ "$M_RC" -eq 124 ] && break   # timed out: once is enough to know
    awk -v w="$M_WALL" -v s="$SLOW" 'BEGIN { exit !(w > s) }' && break   # slow: once is enough
  done
  R_WALL=$(median <"$T/walls")
  R_RSS=$(median <"$T/rsss")
  R_CPU=$(median <"$T/cpus")
}

# phase PHASE → the median CPU seconds of PHASE over the last repeat's runs.
phase() { median <"$T/ph.$1"; }

# repeat_out N OUT CMD… → repeat, each run writing into a fresh directory (CMD gets
# "--out OUT.runK"); OUT then links to the last run's output. Nothing is deleted between runs:
# on this VM's ext4 (no journal) a file created within ~30 s of a mass deletion costs several
# times the kernel time (inode allocation skips recently deleted inodes), which is the bench's
# doing, not otchet's. The runs' directories are removed when the bench ends.
repeat_out() {
  _n=$1 _out=$2
  shift 2
  rm -rf "$_out"
  REPEAT_OUT=$_out.$(date +%s%N)
  repeat "$_n" "$@"
  ln -s "$(basename "$REPEAT_OUT").$_last" "$_out"
  REPEAT_OUT=""
}

# The first line of a failed command's stderr, for the table.
why() {
  if [ "$M_RC" -eq 124 ]; then echo "timeout > ${TIMEOUT} s"; return; fi
  grep -v '^готово' "$T/err" | head -n 1 | sed 's/^otchet: отчёт [a-z_]* не построен: //' |
    cut -b1-200 | iconv -f UTF-8 -t UTF-8 -c | tr '|' '/'
}

# manifest_sum DIR REPORT FIELD per|combined|all → sum of pages or bytes of the listed files.
manifest_sum() {
  # a --shard run writes manifest.shard-K-of-N.csv instead of manifest.csv
  set -- "$1" "$2" "$3" "$4" "$(ls "$1"/manifest*.csv 2>/dev/null | head -n 1)"
  awk -F, -v r="$2" -v f="$3" -v which="$4" '
    FNR > 1 && $2 == r && (which == "all" || (which == "per") == ($3 != "")) {
      s += (f == "pages" ? $4 : $5); n++ }
    END { printf "%d %d\n", s, n }' "$5" 2>/dev/null || echo "0 0"
}

# "key=value …" line → value of key.
field() { printf '%s\n' "$1" | tr ' ' '\n' | awk -F= -v k="$2" '$1 == k { print $2 }'; }

gen_dataset() {
  n=$1 oge=$2 dir=$B/data/$1
  stamp="$(cksum <bench/gen_dataset.c | cut -d' ' -f1) $n $oge"
  if [ -f "$dir/.stamp" ] && [ "$(cat "$dir/.stamp")" = "$stamp" ]; then
    return
  fi
  say "bench: generating $n schools into $dir"
  rm -rf "$dir"
  $BIN/gen_dataset "$n" "$dir" "$oge"
  echo "$stamp" >"$dir/.stamp"
}

REPORTS=$($OTCHET list | awk '/^[a-z_]+ / { print $1 }')
has_report() { printf '%s\n' $REPORTS | grep -qx "$1"; }

bench_check() {
  n=$1 dir=$B/data/$1
  bytes=$(cat "$dir"/*.csv | wc -c)
  put "csv_mb.$n" "$(calc "$bytes / 1e6" 1)"
  repeat "$RUNS" $OTCHET check --data "$dir"
  if [ "$R_RC" -ne 0 ]; then
    put "check_fail.$n" "exit_$R_RC"
    say "bench $n: check failed: $(why)"
    return
  fi
  put "check_s.$n" "$(calc "$R_WALL" 3)"
  put "check_cpu.$n" "$(calc "$R_CPU" 3)"
  put "check_mbps.$n" "$(calc "$bytes / 1e6 / $R_WALL" 1)"
  put "check_rss.$n" "$(calc "$R_RSS / 1024" 0)"
  put "check_split.$n" "$(calc "$(phase load)" 3)/$(calc "$(phase check)" 3)"
  line=$($BIN/ingest_bench "$dir" "$RUNS")
  put "ingest_mbps.$n" "$(calc "$(field "$line" bytes) / 1e6 / $(field "$line" seconds)" 1)"
  say "bench $n: check $R_WALL s, $(get "check_rss.$n") MiB; ingest $(get "ingest_mbps.$n") MB/s"
}

bench_report() {
  n=$1 r=$2 dir=$B/data/$1 out=$B/out/$1/$2
  runs=$RUNS
  if [ "$n" -ge 40000 ]; then
    runs=$RUNS_BIG
    at1000=$(get "rep_s.$r.1000")
    if [ -n "$(get "rep_fail.$r.1000")" ] || { [ -n "$at1000" ] && awk -v a="$at1000" -v s="$SKIP_BIG" 'BEGIN { exit !(a > s) }'; }; then
      put_text "rep_fail.$r.$n" "not run: ${at1000:-failed} s at 1,000"
      say "bench $n: $r not run (${at1000:-failed} s at 1,000 schools)"
      return
    fi
  fi
  repeat_out "$runs" "$out" $OTCHET run "$r" --data "$dir"
  if [ "$R_RC" -ne 0 ]; then
    put_text "rep_fail.$r.$n" "$(why)"
    say "bench $n: $r failed after $R_WALL s: $(why)"
    return
  fi
  set -- $(manifest_sum "$out" "$r" pages all)
  put "rep_s.$r.$n" "$(calc "$R_WALL" 3)"
  put "rep_pages.$r.$n" "$1"
  put "rep_rss.$r.$n" "$(calc "$R_RSS / 1024" 0)"
  put "rep_split.$r.$n" "$(calc "$(phase prepare) + $(phase build)" 3)/$(calc "$(phase layout)" 3)"
  say "bench $n: $r $R_WALL s, $1 pages"
}

# School sheets: one job and --jobs 2 (at 40,000 one shard of 40, i.e. 1,000 sheets), then the
# floor replaying otchet's own sheets and the peer on the first PEER_SHEETS schools.
bench_sheets() {
  n=$1 dir=$B/data/$1 out=$B/out/$1/school_sheet check=$(get "check_s.$1")
  shard=""
  runs=$RUNS
  combined=0
  if [ "$n" -ge 40000 ]; then
    shard="--shard 1/40"
    runs=$RUNS_BIG
    if [ -n "$(get "sheet_fail.1000")" ]; then
      put_text "sheet_fail.$n" "not run: failed at 1,000"
      return
    fi
  fi
  for jobs in 1 2; do
    [ "$n" -ge 40000 ] && [ "$jobs" = 2 ] && continue
    repeat_out "$runs" "$out" $OTCHET run school_sheet --data "$dir" --jobs "$jobs" $shard
    if [ "$R_RC" -ne 0 ]; then
      put_text "sheet_fail.$n" "$(why)"
      say "bench $n: school_sheet failed: $(why)"
      break
    fi
    set -- $(manifest_sum "$out" school_sheet pages per)
    pages=$1 sheets=$2
    set -- $(manifest_sum "$out" school_sheet bytes per)
    bytes=$1
    set -- $(manifest_sum "$out" school_sheet pages combined)
    cpages=$1 combined=$2
    render=$(calc "$R_WALL - $check" 4)
    # CPU time: steadier than wall time on a shared machine; the ratios below use both
    [ "$jobs" = 1 ] && put "sheet_cpu_ms_j1.$n" "$(calc "($R_CPU - $(get "check_cpu.$n")) * 1000 / $sheets" 2)"
    put "sheet_wall_j$jobs.$n" "$(calc "$R_WALL" 3)"
    put "sheet_ms_j$jobs.$n" "$(calc "$render * 1000 / $sheets" 2)"
    put "sheet_pps_j$jobs.$n" "$(calc "($pages + $cpages) / $render" 0)"
    put "sheet_count.$n" "$sheets"
    put "sheet_kb.$n" "$(calc "$bytes / $sheets / 1000" 1)"
    put "sheet_pages.$n" "$(calc "$pages / $sheets" 2)"
    put "sheet_rss_j$jobs.$n" "$(calc "$R_RSS / 1024" 0)"
    if [ "$jobs" = 1 ]; then   # where one job's time goes (src/phase.h)
      put "sheet_split.$n" "$(calc "$(phase build) * 1000 / $sheets" 2)/$(calc "$(phase layout) * 1000 / $sheets" 2)/$(calc "$(phase files) * 1000 / $sheets" 2)"
      put "sheet_prepare.$n" "$(calc "$(phase prepare)" 3)"
    fi
    say "bench $n: school_sheet --jobs $jobs: $R_WALL s for $sheets sheets$([ "$combined" -gt 0 ] && echo ' + combined')"
  done
  [ "$n" -ge 40000 ] && return
  [ -n "$(get "sheet_fail.$n")" ] || bench_floor "$n" "$out"
  [ -n "$(get "floor_fail.$n")" ] || bench_pairs "$n" "$dir"
  bench_peer "$n" "$dir"
  say "bench $n: floor $(get "floor_ms.$n") ms/sheet, peer $(get "peer_ms.$n") ms/sheet"
}

# The floor: bench/floor.c replaying otchet's own sheets (display lists extracted once per
# distinct otchet output, cached in build/bench/ops).
bench_floor() {
  n=$1 out=$2
  cname=""
  [ "$combined" -gt 0 ] && cname=floor-combined.pdf
  # floor: display lists extracted once per distinct otchet output
  key=$(awk -F, 'NR > 1 && $3 != "" { print $6 }' "$out/manifest.csv" | cksum | cut -d' ' -f1)
  ops=$B/ops/$n.ops
  if [ ! -f "$ops" ] || [ "$(cat "$ops.key" 2>/dev/null)" != "$key" ]; then
    say "bench $n: extracting display lists of $sheets sheets for the floor"
    if /usr/bin/python3 bench/pdf_ops.py "$out" school_sheet "$ops" 2>"$T/err"; then
      echo "$key" >"$ops.key"
    else
      put_text "floor_fail.$n" "$(tail -n 1 "$T/err")"
      rm -f "$ops"
    fi
  fi
  [ -f "$ops" ] || return 0
  sheet_runs floor run_floor || return 0
  # the same display lists through libharu's own API, on the first PEER_SHEETS sheets (as the
  # peer): ~10 times the floor's time per sheet
  awk -v n="$PEER_SHEETS" '/^D /{ k++ } k <= n' "$ops" >"$T/ops.head"
  sheet_runs haru run_floor_haru
}
run_floor() { $BIN/floor "$ops" "$1" $cname; }
run_floor_haru() { $BIN/floor_haru "$T/ops.head" "$1" $cname; }

# Runs the command `$2 DIR` RUNS times, each into a fresh directory DIR (see repeat_out); it
# prints "sheets=N seconds=S cpu=C pages=P bytes=B" for its rendering loop. Puts per sheet the
# medians $1_ms and $1_cpu_ms, and $1_kb, $1_pages, $1_count; or $1_fail with its last words.
sheet_runs() {
  : >"$T/f"
  : >"$T/fc"
  i=0
  while [ "$i" -lt "$RUNS" ]; do
    mkdir -p "$T/$1.$i"
    if ! line=$($2 "$T/$1.$i" 2>"$T/err"); then
      put_text "$1_fail.$n" "$(tail -n 1 "$T/err")"
      return 1
    fi
    calc "$(field "$line" seconds) * 1000 / $(field "$line" sheets)" 3 >>"$T/f"
    echo >>"$T/f"
    calc "$(field "$line" cpu) * 1000 / $(field "$line" sheets)" 3 >>"$T/fc"
    echo >>"$T/fc"
    i=$((i + 1))
  done
  put "$1_ms.$n" "$(median <"$T/f")"
  put "$1_cpu_ms.$n" "$(median <"$T/fc")"
  put "$1_kb.$n" "$(calc "$(field "$line" bytes) / $(field "$line" sheets) / 1000" 1)"
  put "$1_pages.$n" "$(calc "$(field "$line" pages) / $(field "$line" sheets)" 2)"
  put "$1_count.$n" "$(field "$line" sheets)"
}

# otchet / floor in paired rounds: on a shared machine the host's speed drifts by ±20 % over
# minutes, even in CPU time, so figures measured minutes apart make a ratio that drifts too.
# Each round runs `check`, one job of sheets and the floor back to back and takes the ratio of
# the round (the sheets' run minus check, over the floor, the same sheets and combined file);
# the table reports the median of the rounds' ratios.
bench_pairs() {
  n=$1 dir=$2 ops=$B/ops/$1.ops
  [ -f "$ops" ] || return 0
  cname=""
  [ "$combined" -gt 0 ] && cname=floor-combined.pdf
  : >"$T/pr"
  : >"$T/prc"
  i=0
  while [ "$i" -lt "$RUNS" ]; do
    measure $OTCHET check --data "$dir"
    cw=$M_WALL cc=$M_CPU
    o=$B/out/$n/pairs.$i.$(date +%s%N)
    echo "$o" >>"$B/out/.runs"
    measure $OTCHET run school_sheet --data "$dir" --jobs 1 --out "$o"
    [ "$M_RC" -ne 0 ] && return 0
    mkdir -p "$T/floor.pair.$i"
    line=$($BIN/floor "$ops" "$T/floor.pair.$i" $cname 2>"$T/err") || return 0
    calc "($M_WALL - $cw) / $(field "$line" seconds)" 4 >>"$T/pr"
    echo >>"$T/pr"
    calc "($M_CPU - $cc) / $(field "$line" cpu)" 4 >>"$T/prc"
    echo >>"$T/prc"
    i=$((i + 1))
  done
  put "pair_ratio.$n" "$(calc "$(median <"$T/pr")" 2)"
  put "pair_cpu_ratio.$n" "$(calc "$(median <"$T/prc")" 2)"
  say "bench $n: otchet / floor in paired rounds $(get "pair_ratio.$n") (CPU $(get "pair_cpu_ratio.$n"))"
}

# The peer: ReportLab on the first PEER_SHEETS schools (+ their combined file when otchet
# writes one).
bench_peer() {
  n=$1 dir=$2
  pc=""
  [ "$combined" -gt 0 ] && pc="--combined peer-combined.pdf"
  sheet_runs peer run_peer || true
}
run_peer() {
  /usr/bin/python3 bench/peer_reportlab.py --data "$dir" --out "$1" --limit "$PEER_SHEETS" $pc
}

for n in $SCALES; do
  case $n in 40000) oge=9 ;; *) oge=30 ;; esac   # ~150 participant rows per school-year; 40k: ~4.7 M rows
  gen_dataset "$n" "$oge"
  bench_check "$n"
  [ -n "$(get "check_fail.$n")" ] && continue
  for r in $REPORTS; do
    [ "$r" = school_sheet ] && continue
    bench_report "$n" "$r"
  done
  if has_report school_sheet; then bench_sheets "$n"; fi
done

sh bench/table.sh "$RES" "$SCALES" "$REPORTS" | tee "$B/results.md"
