#!/bin/sh
# End-to-end tests of `otchet check` (and of run/all refusing bad data) on the hostile-input
# corpus tests/data/ (see tests/data/README.md):
#   - every case tests/data/bad/<NN>-<slug>/ is tests/data/base/ plus the case's files
#     (<name>.delete removes a base file, make.sh then runs in the assembled folder), checked
#     against the case's `expect`: first line the exit code, then substrings stderr must
#     contain (a line starting with "!" names a substring it must NOT contain); an `args`
#     file holds extra arguments for check (e.g. --set key=value);
#     a case with a `known-bug` file is reported as "skip" (it names an open defect);
#   - the sample dataset, as is and re-saved the way Russian Excel saves it;
#   - usage errors, --set validation, run/all writing nothing for invalid data.
# Ends with "N passed, N failed"; exits non-zero on any failure. OTCHET = the binary.
set -u
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
OTCHET=${OTCHET:-./otchet}
case $OTCHET in /*) ;; *) OTCHET=$ROOT/$OTCHET ;; esac
DATA=$ROOT/tests/data
export LC_ALL=C.UTF-8 2>/dev/null || true

passed=0 failed=0 skipped=0
TMP=$(mktemp -d "${TMPDIR:-/tmp}/otchet_check.XXXXXX")
trap 'rm -rf "$TMP"' EXIT INT TERM

ok() { passed=$((passed + 1)); echo "ok $1"; }
fail() { failed=$((failed + 1)); echo "FAIL $1"; [ -n "${2:-}" ] && printf '%s\n' "$2" | sed 's/^/    /'; }

# assemble CASE_DIR DEST: base + overlay (+ .delete) + make.sh
assemble() {
  rm -rf "$2" && mkdir -p "$2" && cp "$DATA"/base/* "$2"/ || return 1
  for f in "$1"/*; do
    [ -e "$f" ] || continue
    b=$(basename "$f")
    case $b in
      expect | known-bug | make.sh | args | README*) ;;
      *.delete) rm -f "$2/${b%.delete}" ;;
      *) cp "$f" "$2/$b" ;;
    esac
  done
  if [ -f "$1/make.sh" ]; then
    (cd "$2" && sh "$1/make.sh") || return 1
  fi
  return 0
}

# check_expect NAME EXPECT_FILE RC STDERR_FILE → 0 when all expectations hold; sets $why.
check_expect() {
  why=""
  want=$(head -n 1 "$2")
  [ "$3" = "$want" ] || why="exit code $3, expected $want"
  # every following non-empty line is a substring (or "!substring": must be absent)
  tail -n +2 "$2" | while IFS= read -r line || [ -n "$line" ]; do
    [ -n "$line" ] || continue
    case $line in
      '!'*) if grep -qF -- "${line#!}" "$4"; then echo "unexpected: ${line#!}"; fi ;;
      *) if ! grep -qF -- "$line" "$4"; then echo "missing: $line"; fi ;;
    esac
  done >"$TMP/why"
  [ -s "$TMP/why" ] && why="${why:+$why
}$(cat "$TMP/why")"
  [ -z "$why" ]
}

# ---- the corpus ----
for c in "$DATA"/bad/*/; do
  c=${c%/}
  name=$(basename "$c")
  if [ ! -f "$c/expect" ]; then
    fail "$name" "no expect file"
    continue
  fi
  d=$TMP/ds/data
  if ! assemble "$c" "$d"; then
    fail "$name" "could not assemble the dataset"
    continue
  fi
  # run from the parent so messages name "data/<file>:LINE:"
  args=""
  [ -f "$c/args" ] && args=$(cat "$c/args")
  # shellcheck disable=SC2086
  (cd "$TMP/ds" && timeout 60 "$OTCHET" check --data data $args >"$TMP/out" 2>"$TMP/err")
  rc=$?
  if check_expect "$name" "$c/expect" "$rc" "$TMP/err"; then
    if [ -f "$c/known-bug" ]; then
      skipped=$((skipped + 1))
      echo "skip $name: known-bug file present but the case now passes — remove known-bug"
    else
      ok "$name"
    fi
  elif [ -f "$c/known-bug" ]; then
    skipped=$((skipped + 1))
    echo "skip $name (known bug: $(head -n 1 "$c/known-bug"))"
  else
    fail "$name" "$why
--- stderr (first 40 lines):
$(head -n 40 "$TMP/err" | cut -c1-400)"
  fi
done

# ---- the sample dataset ----
S=$ROOT/samples/kedrovsky
(cd "$ROOT" && "$OTCHET" check --data samples/kedrovsky >"$TMP/out" 2>"$TMP/err")
rc=$?
if [ $rc -eq 0 ] && [ ! -s "$TMP/err" ]; then ok "sample: check exits 0, no problems"
else fail "sample: check exits 0, no problems" "rc=$rc $(head -n 20 "$TMP/err")"; fi

# The sample as Russian Excel saves it: Windows-1251, ';', Russian headers, decimal commas,
# CRLF. Header aliases from DESIGN.md "Russian header aliases".
X=$TMP/excel
mkdir -p "$X"
ru_header() {
  case $1 in
    district) echo 'параметр;значение' ;;
    schools) echo 'код ОО;полное наименование;краткое наименование;тип ОО;местность;директор;директор (дательный падеж);число обучающихся;число педагогов;обучающихся с ОВЗ;школа-лидер;статус' ;;
    results) echo 'год;процедура;предмет;класс;код ОО;участников;«2»;«3»;«4»;«5»;средний балл;не преодолели минимальный порог;81–100 баллов;понизили;подтвердили;повысили' ;;
    participants) echo 'год;процедура;предмет;код ОО;код участника;балл;отметка' ;;
    risks) echo 'год;код ОО;фактор риска;уровень риска' ;;
    measures) echo 'год;код ОО;показатель;числитель;знаменатель;значение' ;;
    targets) echo 'код показателя;раздел;наименование показателя;единица измерения;источник;целевое значение 2023;целевое значение 2024;целевое значение 2025' ;;
    thresholds) echo 'процедура;предмет;минимальный балл' ;;
    risk_factors) echo 'фактор риска' ;;
    roadmap) echo 'фактор риска;цель;задача;планируемый результат;мера, мероприятие;сроки;показатель реализации;ответственные' ;;
  esac
}
# the canonical headers ru_header translates, column for column
en_header() {
  case $1 in
    district) echo 'key,value' ;;
    schools) echo 'school_id,name,short_name,kind,locality,director,director_dative,students,teachers,students_ovz,partner_id,status' ;;
    results) echo 'year,procedure,subject,grade,school_id,participants,m2,m3,m4,m5,mean_score,below_min,high_score,lowered,confirmed,raised' ;;
    participants) echo 'year,procedure,subject,school_id,participant,score,mark' ;;
    risks) echo 'year,school_id,factor,level' ;;
    measures) echo 'year,school_id,indicator,numerator,denominator,value' ;;
    targets) echo 'code,section,name,unit,source,target_2023,target_2024,target_2025' ;;
    thresholds) echo 'procedure,subject,min_score' ;;
    risk_factors) echo 'factor' ;;
    roadmap) echo 'factor,goal,task,result,measure,deadline,indicator,responsible' ;;
  esac
}
# to_excel NAME COLS_WITH_DECIMALS: rewrites one CSV of the sample. Fields are re-quoted the
# way Excel does (only when they hold ';' or '"'); a number in a listed column gets a decimal
# comma. The canonical header must be what ru_header translates, in the same order.
to_excel() {
  f=$S/$1.csv
  if [ "$(head -n 1 "$f")" != "$(en_header "$1")" ]; then echo "header of $1.csv changed"; return 1; fi
  { ru_header "$1"; tail -n +2 "$f"; } | awk -v decs=",$2," '
    # splits a comma CSV record (RFC 4180 quotes, no embedded newlines in the sample)
    function split_csv(s, out,   n, i, c, q, field) {
      n = 0; field = ""; q = 0
      for (i = 1; i <= length(s); i++) {
        c = substr(s, i, 1)
        if (q) {
          if (c == "\"") { if (substr(s, i + 1, 1) == "\"") { field = field "\""; i++ } else q = 0 }
          else field = field c
        } else if (c == "\"") q = 1
        else if (c == ",") { out[++n] = field; field = "" }
        else field = field c
      }
      out[++n] = field
      return n
    }
    NR == 1 { print $0 "\r"; next }
    {
      n = split_csv($0, f)
      line = ""
      for (i = 1; i <= n; i++) {
        v = f[i]
        if (index(decs, "," i ",") && v ~ /^-?[0-9]+\.[0-9]+$/) sub(/\./, ",", v)
        if (v ~ /[;"]/) { gsub(/"/, "\"\"", v); v = "\"" v "\"" }
        line = line (i > 1 ? ";" : "") v
      }
      print line "\r"
    }' | iconv -f UTF-8 -t CP1251 >"$X/$1.csv"
}
excel_ok=1
to_excel district "" || excel_ok=0
to_excel schools "" || excel_ok=0
to_excel results "11" || excel_ok=0      # mean_score
to_excel participants "6" || excel_ok=0  # score
to_excel risks "" || excel_ok=0
to_excel measures "4,5,6" || excel_ok=0
to_excel targets "6,7,8" || excel_ok=0
to_excel thresholds "3" || excel_ok=0
to_excel risk_factors "" || excel_ok=0
to_excel roadmap "" || excel_ok=0
name="sample re-saved as Windows-1251 ;-CSV, Russian headers, decimal commas, CRLF"
if [ $excel_ok -eq 0 ]; then
  fail "$name" "could not convert the sample"
elif iconv -f UTF-8 -t UTF-8 "$X/schools.csv" >/dev/null 2>&1 || ! grep -q ';[0-9][0-9]*,[0-9]' "$X/results.csv"; then
  fail "$name" "conversion did not produce Windows-1251 with decimal commas"
else
  "$OTCHET" check --data "$X" >"$TMP/out" 2>"$TMP/err"
  rc=$?
  if [ $rc -eq 0 ] && [ ! -s "$TMP/err" ]; then ok "$name"
  else fail "$name" "rc=$rc $(head -n 20 "$TMP/err")"; fi
fi

# ---- command line ----
# expect_run NAME WANT_RC SUBSTRING CMD...: exit code and a substring of stderr+stdout
expect_run() {
  n=$1 want=$2 sub=$3
  shift 3
  "$@" >"$TMP/out" 2>"$TMP/err"
  rc=$?
  if [ "$rc" = "$want" ] && { [ -z "$sub" ] || cat "$TMP/out" "$TMP/err" | grep -qF -- "$sub"; }; then ok "$n"
  else fail "$n" "rc=$rc (want $want), want «$sub» in: $(cat "$TMP/err" "$TMP/out" | head -n 10)"; fi
}
B=$DATA/base
expect_run "usage: no arguments → 2" 2 "otchet check" "$OTCHET"
expect_run "usage: check without --data → 2" 2 "не указан каталог с данными: --data DIR" "$OTCHET" check
expect_run "usage: unknown option → 2" 2 "неизвестный параметр --frobnicate для команды check" "$OTCHET" check --data "$B" --frobnicate 1
expect_run "usage: unknown short option → 2" 2 "неизвестный параметр -x" "$OTCHET" check --data "$B" -x
expect_run "list: the files a report needs and the ones it reads when present" 0 "читает, если есть: participants" "$OTCHET" list
expect_run "usage: option without value → 2" 2 "после --data нужно значение" "$OTCHET" check --data
expect_run "usage: unknown command → 2" 2 "неизвестная команда «frobnicate»" "$OTCHET" frobnicate --data "$B"
expect_run "usage: --set without = → 2" 2 "--set ожидает ключ=значение, получено «low_share_threshold»" "$OTCHET" check --data "$B" --set low_share_threshold
expect_run "--help → 0" 0 "otchet check" "$OTCHET" --help
expect_run "check: missing data folder → 1" 1 "каталог с данными не найден" "$OTCHET" check --data "$TMP/no-such-dir"
expect_run "check: base dataset → 0" 0 "данные в порядке (предупреждений — 0)" "$OTCHET" check --data "$B"
# --set with a value of the wrong type is invalid data (exit 1), named as coming from --set
expect_run "--set low_share_threshold=abc → 1" 1 "--set: параметр 'low_share_threshold': ожидается число" \
  "$OTCHET" check --data "$B" --set low_share_threshold=abc
expect_run "--set low_share_threshold=150 → 1" 1 "--set: параметр 'low_share_threshold': значение вне допустимого диапазона 0–100" \
  "$OTCHET" check --data "$B" --set low_share_threshold=150
expect_run "--set unknown key → 1" 1 "--set: неизвестный параметр 'no_such_key'" \
  "$OTCHET" check --data "$B" --set no_such_key=1
expect_run "--set low_rule=bad → 1" 1 "--set: параметр 'low_rule': допустимые значения: fioko, same_procedure" \
  "$OTCHET" check --data "$B" --set low_rule=bad
expect_run "--set low_share_threshold=25,5 → 0" 0 "данные в порядке" \
  "$OTCHET" check --data "$B" --set low_share_threshold=25,5
expect_run "--year 1999 → 1" 1 "--set: параметр 'report_year': значение вне допустимого диапазона 2000–2100" \
  "$OTCHET" check --data "$B" --year 1999

# run / all on invalid data: exit 1, the problems on stderr, nothing in --out
BAD=$DATA/bad/$(cd "$DATA/bad" && ls | grep -e '-marks-sum' | head -n 1)
assemble "$BAD" "$TMP/badrun" || fail "run/all: assemble" ""
for cmd in all "run analytical_reference"; do
  out=$TMP/out-$(echo "$cmd" | tr ' ' _)
  # shellcheck disable=SC2086
  "$OTCHET" $cmd --data "$TMP/badrun" --out "$out" >"$TMP/out" 2>"$TMP/err"
  rc=$?
  n="$cmd on invalid data → 1, nothing written"
  if [ $rc -eq 1 ] && grep -qF "results.csv:" "$TMP/err" && grep -qF "ничего не записано" "$TMP/err" \
    && { [ ! -e "$out" ] || [ -z "$(ls -A "$out")" ]; }; then ok "$n"
  else fail "$n" "rc=$rc; out: $(ls -A "$out" 2>/dev/null | head -n 5); $(head -n 5 "$TMP/err")"; fi
done

[ $skipped -gt 0 ] && echo "$skipped skipped (known bugs)"
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
