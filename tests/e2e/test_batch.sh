#!/bin/sh
# The batch runner with test reports (tests/e2e/reports): outputs, manifest, a failing school
# (exit 3, the others written), a file that cannot be put in place, --shard slices disjoint and
# covering, --school (and a code no school has), --jobs same as serial; participants.csv checked
# alongside --jobs workers; outputs a report got wrong; a run stopped by a signal.
. "$(dirname "$0")/lib.sh"
home_with tests/e2e/reports
DATA=$ROOT/samples/kedrovsky
run() { OTCHET_HOME=$T/home "$OTCHET" "$@"; }

run all --data "$DATA" --out "$T/o1" >"$T/out1" 2>"$T/err1"
check "all: exit 3 when one school fails" $([ $? -eq 3 ]; echo $?)
check "all: 14 school files + combined + whole" $([ "$(ls "$T/o1/fake" | wc -l)" -eq 14 ] && [ -f "$T/o1/fake_all.txt" ] && [ -f "$T/o1/whole.txt" ]; echo $?)
check "all: failing school named with its message" $(grep -q "отчёт fake_sheet, ОО 2405 не построен: .*сбой на школе 2405" "$T/err1"; echo $?)
check "all: report needing an absent file is skipped" $(grep -q "fake_roadmap_needed пропущен: нет nonexistent.csv" "$T/err1"; echo $?)
line="fake/2401.txt,fake_sheet,2401,1,$(printf 'школа 2401\n' | wc -c),$(printf 'школа 2401\n' | sha256sum | cut -c1-64)"
check "manifest lists every file with sha256" $([ "$(wc -l <"$T/o1/manifest.csv")" -eq 17 ] && grep -qx "$line" "$T/o1/manifest.csv"; echo $?)

run run fake_sheet --data "$DATA" --out "$T/o2" --jobs 2 >/dev/null 2>&1
check "--jobs 2 writes the same files as one job" $(cd "$T/o1" && for f in fake/*.txt fake_all.txt; do cmp -s "$f" "$T/o2/$f" || exit 1; done; echo 0)

for k in 1 2 3; do run run fake_sheet --data "$DATA" --out "$T/s" --shard "$k/3" >/dev/null 2>&1; done
check "--shard 1..3 of 3 are disjoint and cover all 15 schools" $([ "$(cat "$T/s"/fake_all.*.txt | sort -u | wc -l)" -eq 15 ] && [ "$(cat "$T/s"/fake_all.*.txt | wc -l)" -eq 15 ] && [ "$(ls "$T/s/fake" | wc -l)" -eq 14 ]; echo $?)
check "--shard writes its own manifest" $([ -f "$T/s/manifest.shard-2-of-3.csv" ]; echo $?)

run run fake_sheet --data "$DATA" --out "$T/o3" --school 2401 >/dev/null 2>&1
check "--school writes one school" $([ $? -eq 0 ] && [ "$(ls "$T/o3/fake")" = "2401.txt" ]; echo $?)
run run fake_sheet --data "$DATA" --out "$T/o4" --school 9999 >/dev/null 2>"$T/err4"
check "--school with a code no school has: exit 2, named, nothing made" $([ $? -eq 2 ] && grep -qx "otchet: --school 9999: школы с таким кодом нет в schools.csv" "$T/err4" && [ ! -e "$T/o4" ]; echo $?)
run run fake_shet --data "$DATA" --out "$T/o4" >/dev/null 2>"$T/err4"
check "run of a report that does not exist: exit 2, the ones there are named, nothing made" $([ $? -eq 2 ] && grep -q "^otchet: нет отчёта «fake_shet»; есть: .*fake_sheet" "$T/err4" && [ ! -e "$T/o4" ]; echo $?)
run run fake_whole --data "$DATA" --out "$T/o4" --school 2401 >/dev/null 2>"$T/err4"
check "--school with a whole-dataset report: exit 2, named, nothing made" $([ $? -eq 2 ] && grep -qx "otchet: отчёт fake_whole составляется по всему набору данных: --school к нему не относится" "$T/err4" && [ ! -e "$T/o4" ]; echo $?)

# files are committed in batches: one that cannot be put in place (a directory holds its name)
# fails alone, named, and leaves no temporary; the rest of its batch arrives
mkdir -p "$T/o5/fake/2402.txt/inside"
run run fake_sheet --data "$DATA" --out "$T/o5" --jobs 2 >/dev/null 2>"$T/err5"
check "a file that cannot be put in place: exit 3, named, others written" $([ $? -eq 3 ] && grep -q "ОО 2402 не построен: .*2402.txt: это каталог, а не файл" "$T/err5" && [ -f "$T/o5/fake/2401.txt" ] && [ -f "$T/o5/fake/2403.txt" ]; echo $?)
check "no temporary files left behind" $([ -z "$(find "$T/o5" -name '*.tmp.*')" ]; echo $?)

# --jobs with reports that do not read participants.csv: it is loaded and checked alongside
# them, and an error in it still means exit 1 and nothing written
mkdir -p "$T/home2"
ln -s "$ROOT/lua" "$T/home2/lua"
ln -s "$ROOT/fonts" "$T/home2/fonts"
ln -s "$ROOT/tests/e2e/reports_deferred" "$T/home2/reports"
run2() { OTCHET_HOME=$T/home2 "$OTCHET" "$@"; }
mkdir -p "$T/badp"
cp "$DATA"/*.csv "$T/badp/"
sed -i '3s/^2022,/2O22,/' "$T/badp/participants.csv"
run2 run fake_names --data "$T/badp" --out "$T/d1" --jobs 2 >/dev/null 2>"$T/errd1"
check "--jobs 2, bad participants.csv: exit 1, its line named, nothing written" $([ $? -eq 1 ] && grep -q "participants.csv:3: столбец 'year'" "$T/errd1" && grep -q "ничего не записано" "$T/errd1" && [ ! -e "$T/d1" ]; echo $?)
mkdir -p "$T/d2"
run2 run fake_names --data "$T/badp" --out "$T/d2" --jobs 3 >/dev/null 2>&1
check "... and an --out that existed stays, empty" $([ $? -eq 1 ] && [ -d "$T/d2" ] && [ -z "$(ls -A "$T/d2")" ]; echo $?)
run2 run fake_names --data "$DATA" --out "$T/d3" --jobs 2 >/dev/null 2>"$T/errd3"
run2 run fake_names --data "$DATA" --out "$T/d4" >/dev/null 2>&1
check "--jobs 2 with participants.csv checked alongside: same files as one job" $([ $? -eq 0 ] && [ "$(ls "$T/d3/names" | wc -l)" -eq 15 ] && diff -r "$T/d3/names" "$T/d4/names" >/dev/null && cmp -s "$T/d3/manifest.csv" "$T/d4/manifest.csv"; echo $?)
head -n 100 "$DATA/participants.csv" >"$T/badp/participants.csv"   # counts now disagree with results.csv
run2 run fake_names --data "$T/badp" --out "$T/d5" --jobs 2 >/dev/null 2>"$T/errd5"
check "... its warnings printed, files written" $([ $? -eq 0 ] && grep -q "participants.csv:.*предупреждение: .*участников в participants.csv" "$T/errd5" && [ "$(ls "$T/d5/names" | wc -l)" -eq 15 ]; echo $?)
run2 run fake_sneaky --data "$DATA" --out "$T/d6" --jobs 2 >/dev/null 2>"$T/errd6"
check "a report reading participants.csv it did not declare still reads it under --jobs" $([ $? -eq 0 ] && grep -qx "2401 5068" "$T/d6/sneaky/2401.txt"; echo $?)
run2 run fake_sneaky --data "$DATA" --out "$T/d7" >/dev/null 2>&1
check "... as with one job" $([ $? -eq 0 ] && diff -r "$T/d6/sneaky" "$T/d7/sneaky" >/dev/null; echo $?)

# a worker that dies mid-batch (here at the CPU limit): every school it took is reported, the
# run exits 3, the temporaries of what it staged do not stay, the other worker's files arrive
OTCHET_CPU_LIMIT=1 run2 run fake_spin --data "$DATA" --out "$T/d8" --jobs 2 >/dev/null 2>"$T/errd8"
rc=$?
lost=$(grep -c "не построен: процесс, строивший документ, завершился аварийно" "$T/errd8")
check "a worker that died: exit 3, each school it took named, no temporaries, the rest written" $([ $rc -eq 3 ] && grep -q "ОО 2405 не построен: процесс, строивший документ, завершился аварийно" "$T/errd8" && [ -z "$(find "$T/d8" -name '*.tmp.*')" ] && [ $(($(ls "$T/d8/spin" | wc -l) + lost)) -eq 15 ]; echo $?)

# a run stopped by SIGTERM (cron's timeout, systemd) half-way: it ends by the signal; the schools
# built are listed in the manifest, the rest (those in progress too) counted; no volume is made
# and no temporary or parts file stays. One job and two alike.
for j in 1 2; do
  OTCHET_HOME=$T/home2 "$OTCHET" run fake_slow --data "$DATA" --out "$T/stop$j" --jobs $j >/dev/null 2>"$T/errstop$j" &
  pid=$!
  i=0
  while ! grep -q "^готово" "$T/errstop$j" && [ $i -lt 400 ]; do sleep 0.05; i=$((i + 1)); done
  kill -TERM $pid
  wait $pid 2>/dev/null   # dash would say "Terminated"
  rc=$?
  unbuilt=$(sed -n 's/.*остановлено сигналом SIGTERM: не построено документов — \([0-9]*\);.*/\1/p' "$T/errstop$j")
  built=$(ls "$T/stop$j/slow" 2>/dev/null | wc -l)
  check "--jobs $j, SIGTERM half-way: ends by it, $built built + ${unbuilt:-?} counted = 15 schools + 4 volumes, none made" \
    $([ $rc -eq 143 ] && [ "${unbuilt:-0}" -ge 4 ] && [ "$built" -ge 1 ] && [ $((built + unbuilt)) -eq 19 ] &&
      [ -z "$(find "$T/stop$j" -name 'slow_all*')" ]; echo $?)
  check "--jobs $j, SIGTERM: no temporary or parts file left, the manifest lists what was built" \
    $([ -z "$(find "$T/stop$j" -name '*.tmp.*' -o -name '.otchet-parts.*')" ] &&
      [ "$(wc -l <"$T/stop$j/manifest.csv")" -eq $((built + 1)) ] &&
      (cd "$T/stop$j" && tail -n +2 manifest.csv | awk -F, '{ print $6 "  " $1 }' | sha256sum -c --quiet); echo $?)
done

# a document in progress is broken off by the stop, not waited for: fake_spin's school 2405 would
# run to the instruction budget (~10 s or more); with two jobs the signal goes to the parent
# alone, as `timeout` and `kill` send it, and the parent relays it to the worker
for j in 1 2; do
  OTCHET_HOME=$T/home2 "$OTCHET" run fake_spin --data "$DATA" --out "$T/spin$j" --jobs $j >/dev/null 2>"$T/errspin$j" &
  pid=$!
  i=0
  [ $j -eq 1 ] && upto=3 || upto=14   # 2405 is the fifth school; a worker is left with it alone
  while ! grep -q "^готово $upto из 15" "$T/errspin$j" && [ $i -lt 400 ]; do sleep 0.05; i=$((i + 1)); done
  sleep 0.3   # at 2405 by now
  t0=$(date +%s%N)
  kill -TERM $pid
  wait $pid 2>/dev/null
  rc=$?
  ms=$((($(date +%s%N) - t0) / 1000000))
  unbuilt=$(sed -n 's/.*остановлено сигналом SIGTERM: не построено документов — \([0-9]*\);.*/\1/p' "$T/errspin$j")
  built=$(ls "$T/spin$j/spin" 2>/dev/null | wc -l)
  check "--jobs $j, SIGTERM while a school spins: ends by it in ${ms} ms (< 3 s), $built built + ${unbuilt:-?} counted = 15" \
    $([ $rc -eq 143 ] && [ $ms -lt 3000 ] && [ "${unbuilt:-0}" -ge 1 ] && [ $((built + unbuilt)) -eq 15 ] &&
      ! grep -q "не построен:" "$T/errspin$j" && [ -z "$(find "$T/spin$j" -name '*.tmp.*')" ] &&
      [ "$(wc -l <"$T/spin$j/manifest.csv")" -eq $((built + 1)) ]; echo $?)
done

# killed outright (kill -9, the OOM killer), a run with volumes leaves its parts files and the
# temporaries of what it staged; the next run into the same --out removes them and says so
OTCHET_HOME=$T/home2 "$OTCHET" run fake_slow --data "$DATA" --out "$T/kill9" --jobs 2 >/dev/null 2>"$T/errk1" &
pid=$!
i=0
while ! grep -q "^готово" "$T/errk1" && [ $i -lt 400 ]; do sleep 0.05; i=$((i + 1)); done
kill -9 $pid
wait $pid 2>/dev/null
sleep 0.2   # its workers die with it (PR_SET_PDEATHSIG)
parts=$(find "$T/kill9" -name '.otchet-parts.*' | wc -l)
temps=$(find "$T/kill9" -name '*.tmp.*' | wc -l)
run2 run fake_slow --data "$DATA" --out "$T/kill9" --jobs 2 >/dev/null 2>"$T/errk2"
check "kill -9 left $parts parts files and $temps temporaries; the next run removes them, says so, writes all" \
  $([ $? -eq 0 ] && [ "$parts" -ge 1 ] && grep -q "удалены недописанные и временные файлы прерванного запуска ($((parts + temps)), .* МБ)" "$T/errk2" &&
    [ -z "$(find "$T/kill9" -name '.otchet-parts.*' -o -name '*.tmp.*')" ] && [ "$(ls "$T/kill9/slow" | wc -l)" -eq 15 ]; echo $?)

# a report's slips in what it returns fail their own school, named, and nothing is written
# outside --out; one job and two alike
for j in 1 2; do
  run2 run fake_bad_output --data "$DATA" --out "$T/bad$j/o" --jobs $j >/dev/null 2>"$T/errbad$j"
  rc=$?
  named=0
  for why in "ОО 2401 не построен: у файла «bad/2401.txt» нет содержимого (data)" \
      "ОО 2402 не построен: имя файла «../escape.txt» должно быть путём внутри --out" \
      "ОО 2403 не построен: отчёт вернул строку вместо описания файла" \
      "ОО 2404 не построен: имя файла «bad/24 04.txt» должно быть путём внутри --out" \
      "ОО 2405 не построен: у файла «bad/2405.txt» нет содержимого (data)"; do
    grep -qF "$why" "$T/errbad$j" && named=$((named + 1))
  done
  check "--jobs $j, outputs a report got wrong: exit 3, five named, ten written, none outside --out" $([ $rc -eq 3 ] && [ $named -eq 5 ] && [ "$(ls "$T/bad$j/o/bad" | wc -l)" -eq 10 ] && [ "$(wc -l <"$T/bad$j/o/manifest.csv")" -eq 11 ] && [ "$(ls "$T/bad$j")" = "o" ]; echo $?)
done

run run fake_roadmap_needed --data "$DATA" --out "$T/o4" >/dev/null 2>&1
check "run of a report whose file is absent exits 3" $([ $? -eq 3 ]; echo $?)
run run fake_sheet --data "$DATA" --shard 4/3 >/dev/null 2>&1
check "--shard 4/3 is a usage error" $([ $? -eq 2 ]; echo $?)

finish
