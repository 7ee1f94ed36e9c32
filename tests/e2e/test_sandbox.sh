#!/bin/sh
# Report scripts run sandboxed: each hostile script in tests/e2e/sandbox fails with a clear
# message naming the script and line, the run exits 3, and nothing outside --out is touched.
. "$(dirname "$0")/lib.sh"
home_with tests/e2e/sandbox
rm -f /tmp/otchet-pwned

expect() { # report, expected stderr substring
  OTCHET_HOME=$T/home OTCHET_LUA_BUDGET=50000000 OTCHET_LUA_MEMORY_MB=64 OTCHET_CPU_LIMIT=${OTCHET_CPU_LIMIT:-60} \
    timeout 60 "$OTCHET" run "$1" --data "$ROOT/samples/kedrovsky" --out "$T/out" >/dev/null 2>"$T/err"
  status=$?
  if [ $status -eq 3 ] && grep -qF -- "$2" "$T/err" && [ ! -e /tmp/otchet-pwned ]; then
    pass=$((pass + 1)); echo "ok   $1"
  else
    fail=$((fail + 1)); echo "FAIL $1 (exit $status)"; cat "$T/err"
  fi
}

expect loop_forever "reports/loop_forever.lua:3: превышен лимит вычислений (50 млн инструкций, OTCHET_LUA_BUDGET)"
expect memory_bomb "недостаточно памяти: скрипт превысил лимит 64 МБ (OTCHET_LUA_MEMORY_MB)"
expect run_command "reports/run_command.lua:2: обращение к необъявленной переменной 'os'"
expect open_file "reports/open_file.lua:2: обращение к необъявленной переменной 'io'"
expect require_engine "reports/require_engine.lua:2: модуль 'engine' доступен только библиотеке lua/"
expect load_bytecode "reports/load_bytecode.lua:2: обращение к необъявленной переменной 'load'"
expect require_path "недопустимое имя модуля"
expect global_write "reports/global_write.lua:2: присваивание глобальной переменной 'counter' запрещено"
OTCHET_CPU_LIMIT=2 expect pattern_bomb "превышен лимит процессорного времени"

finish
