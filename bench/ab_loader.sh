#!/bin/sh
# bench/ab_loader.sh — before/after of the loader files (src/csvfile.c, load.c, table.c, text.c)
# in one run: builds otchet and ingest_bench twice in build/bench/ab (the working tree, and the
# same tree with those four files from REV, default HEAD), then alternates them RUNS times on
# the cached bench datasets and prints medians and ratios.
#   sh bench/ab_loader.sh [REV] [RUNS]       (datasets from make bench: build/bench/data/N)
set -eu
cd "$(dirname "$0")/.."
REV=${1:-HEAD}
RUNS=${2:-5}
AB=build/bench/ab
CFLAGS="-std=c11 -O2 -g -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -I/usr/include/lua5.4"
LIBS="-lhpdf -lcsv -llua5.4 -lhyphen -lz -lm"
for side in before after; do
  rm -rf "$AB/$side" && mkdir -p "$AB/$side/src"
  cp src/*.c src/*.h "$AB/$side/src/"
  if [ "$side" = before ]; then
    for f in csvfile.c load.c table.c text.c; do git show "$REV:src/$f" >"$AB/$side/src/$f"; done
  fi
  for c in "$AB/$side"/src/*.c; do
    # shellcheck disable=SC2086
    cc $CFLAGS -I"$AB/$side/src" -DOTCHET_VERSION='"ab"' -DOTCHET_DATADIR='"'"$PWD"'"' -c -o "${c%.c}.o" "$c"
  done
  objs=$(ls "$AB/$side"/src/*.o | grep -v '/main\.o$')
  # shellcheck disable=SC2086
  cc -o "$AB/$side/otchet" $objs "$AB/$side/src/main.o" $LIBS
  # shellcheck disable=SC2086
  cc $CFLAGS -I"$AB/$side/src" -o "$AB/$side/ingest_bench" bench/ingest_bench.c $objs $LIBS
done
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
median() { sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
printf '| figure | before (%s) | after | before / after |\n|---|---:|---:|---:|\n' "$REV"
for n in 1000 40000; do
  d=build/bench/data/$n
  [ -d "$d" ] || continue
  for side in before after; do : >"$T/i.$side"; : >"$T/c.$side"; : >"$T/r.$side"; done
  i=0
  while [ "$i" -lt "$RUNS" ]; do
    for side in before after; do
      "$AB/$side/ingest_bench" "$d" 1 | sed 's/.*seconds=\([0-9.]*\).*/\1/' >>"$T/i.$side"
      OTCHET_HOME=$PWD /usr/bin/time -f '%e %M' -o "$T/time" "$AB/$side/otchet" check --data "$d" >/dev/null
      cut -d' ' -f1 "$T/time" >>"$T/c.$side"
      cut -d' ' -f2 "$T/time" >>"$T/r.$side"
    done
    i=$((i + 1))
  done
  for what in i c r; do
    b=$(median <"$T/$what.before") a=$(median <"$T/$what.after")
    case $what in
      i) label="ingest CPU s, $n schools" ;;
      c) label="\`check\` wall s, $n schools" ;;
      r) label="\`check\` peak RSS KiB, $n schools" ;;
    esac
    printf '| %s | %s | %s | %s |\n' "$label" "$b" "$a" "$(awk -v b="$b" -v a="$a" 'BEGIN { printf "%.2f", b / a }')"
  done
done
