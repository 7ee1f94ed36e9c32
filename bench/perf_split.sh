#!/bin/sh
# bench/perf_split.sh — what a run spends beyond the work the floor does too, by call stack
# (bench/perf_split.py): builds a copy of otchet linked with Debian's static liblua5.4.a (for
# Lua's own function names; the real binary is untouched) in build/bench/perf_split, runs it
# under `perf record` with DWARF call graphs and prints the categories against the floor's share.
#   sh bench/perf_split.sh run school_sheet --data build/bench/data/1000 --out /tmp/x
# Subtract a `check` of the same data (its "load and check" and Lua) for the sheets alone.
set -eu
cd "$(dirname "$0")/.."
P=${PERF_SPLIT_DIR:-build/bench/perf_split}
mkdir -p "$P"
make -s otchet
cc -o "$P/otchet" build/release/*.o -Wl,-Bstatic -llua5.4 -Wl,-Bdynamic \
  -lhpdf -lcsv -lhyphen -lz -lm -ldl
OTCHET_HOME=$PWD perf record -q -F "${PERF_HZ:-4000}" --call-graph dwarf,16384 -o "$P/perf.data" \
  "$P/otchet" "$@" >/dev/null 2>"$P/stderr" || { cat "$P/stderr" >&2; exit 1; }
perf script -i "$P/perf.data" -F ip,sym 2>/dev/null | /usr/bin/python3 bench/perf_split.py
