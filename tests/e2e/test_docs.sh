#!/bin/sh
# The runnable example of docs/doc-api.md (docs/examples/showcase.lua) renders, and its PDF
# passes qpdf, has embedded fonts with Unicode maps and the exact text it was given.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OTCHET=${OTCHET:-$ROOT/otchet}
case $OTCHET in /*) ;; *) OTCHET=$ROOT/$OTCHET ;; esac
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
mkdir -p "$T/home"
ln -s "$ROOT/lua" "$T/home/lua"
ln -s "$ROOT/fonts" "$T/home/fonts"
ln -s "$ROOT/docs/examples" "$T/home/reports"
pass=0 fail=0
check() { if [ "$2" -eq 0 ]; then pass=$((pass + 1)); echo "ok   $1"; else fail=$((fail + 1)); echo "FAIL $1"; fi; }
OTCHET_HOME=$T/home "$OTCHET" run showcase --data "$ROOT/samples/kedrovsky" --out "$T/out" >/dev/null 2>"$T/err"
check "showcase renders" $?
pdf=$T/out/showcase.pdf
qpdf --check "$pdf" >"$T/q" 2>&1 && ! grep -q WARNING "$T/q"
check "qpdf: no errors or warnings" $?
pdffonts "$pdf" | awk 'NR > 2 && NF { if ($(NF-4) != "yes" || $(NF-2) != "yes") bad = 1 } END { exit bad }'
check "pdffonts: every font embedded, with a Unicode map" $?
pdftotext "$pdf" "$T/t"
for s in "УТВЕРЖДАЮ" "Ө ө Ү ү" "Ң ң Һ һ Ә ә" "знаки «», №, —" "Содержание" "Образовательная организация" "Таблица 1 — Школы округа" "Итого" "Распределение отметок, %" "Исполнитель: Тарасюк Е.А." "Приложение № 1" "ПРИКАЗ"; do
  grep -qF "$s" "$T/t"
  check "text: $s" $?
done
pages=$(pdfinfo "$pdf" | awk '/^Pages:/ { print $2 }')
[ $((pages % 2)) -eq 1 ]
check "the part starts on an odd page: $pages pages in all" $?
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
