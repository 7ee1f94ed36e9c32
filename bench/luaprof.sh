#!/bin/sh
# bench/luaprof.sh — which Lua functions of the report scripts and lua/ take the time: builds a
# profiling copy of otchet in build/bench/luaprof (src/lrt.c's count hook also calls
# bench/luaprof.c; the real binary is untouched), runs it with the given arguments and prints
# the top functions by share of Lua instructions, inclusive and self.
#   sh bench/luaprof.sh run school_sheet --data build/bench/data/50 --out /tmp/x
set -eu
cd "$(dirname "$0")/.."
P=${LUAPROF_DIR:-build/bench/luaprof}
mkdir -p "$P/src"
cp src/*.c src/*.h "$P/src/"
# one call at the top of count_hook; refuse to build a profiler that samples nothing
awk '{ print } /^static void count_hook\(lua_State \*L, lua_Debug \*ar\)$/ { hook = 1; next }
     hook && /^\{$/ { print "    luaprof_sample(L, ar);"; hook = 0; done = 1 }
     END { if (!done) exit 1 }' src/lrt.c >"$P/src/lrt.c" || { echo "luaprof: count_hook not found in src/lrt.c" >&2; exit 1; }
sed -i '1i #include <lua.h>\nvoid luaprof_sample(lua_State *L, lua_Debug *ar);' "$P/src/lrt.c"
cc -std=c11 -O2 -g -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -I"$P/src" -I/usr/include/lua5.4 \
  -DOTCHET_VERSION='"prof"' -DOTCHET_DATADIR='"'"$PWD"'"' -o "$P/otchet" "$P"/src/*.c bench/luaprof.c \
  -lhpdf -lcsv -llua5.4 -lhyphen -lz -lm
OTCHET_HOME=$PWD "$P/otchet" "$@" >/dev/null
