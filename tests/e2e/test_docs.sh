#!/bin/sh
# The runnable example of docs/doc-api.md (docs/examples/showcase.lua) renders, and its PDF
# passes qpdf, has embedded fonts with Unicode maps and the exact text it was given.
. "$(dirname "$0")/lib.sh"
home_with docs/examples
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
finish
