-- Tests of dataset loading and the consistency rules (lua/dataset.lua, lua/validate.lua) on
-- the small self-contained datasets of tests/data/lua/<name>/ (see tests/data/README.md):
-- the exact problems list (level, file, line, column, message), settings with their
-- defaults, --set overrides, and values as loaded (decimal comma, no-break-space thousands,
-- formula text kept literally). Run from the repository root: otchet test-lua FILE.
local t = require("testing")
local dataset = require("dataset")
local problems_mod = require("problems")

local D = "tests/data/lua/"

-- Problems of dataset `name` in print order, each as
-- { level, file (without the folder), line, col, column, message } (0 / "" when absent).
local function problems_of(name, overrides)
  local ds, problems = dataset.load(D .. name, overrides)
  local prefix = D .. name .. "/"
  local out = {}
  for _, p in ipairs(problems:sorted(dataset.file_order(D .. name))) do
    local file = p.file or ""
    if file:sub(1, #prefix) == prefix then file = file:sub(#prefix + 1) end
    out[#out + 1] = { p.level, file, p.line or 0, p.col or 0, p.column or "", p.message }
  end
  return out, ds, problems
end

local DEFAULT_PROCEDURES = "ВПР/Математика/5 | ВПР/Математика/6 | ВПР/Русский язык/5 | "
  .. "ВПР/Русский язык/6 | ОГЭ/Математика/9 | ОГЭ/Русский язык/9 | "
  .. "ЕГЭ/Математика (базовая)/11 | ЕГЭ/Математика (профильная)/11"

local T = {}

-- Russian headers, ';', decimal comma, no-break-space thousands, an en dash in program_years.
function T.valid_dataset_has_no_problems()
  local list, _, problems = problems_of("valid")
  t.eq(list, {})
  t.eq(problems.errors, 0)
  t.eq(problems.warnings, 0)
end

function T.values_are_loaded_as_written()
  local _, ds = problems_of("valid")
  local schools, results = ds.files.schools.table, ds.files.results.table
  t.eq(schools:nrows(), 2)
  -- a formula is text: kept literally, never evaluated or stripped
  t.eq(schools:get("name", 1), '=HYPERLINK("http://x";"y")')
  t.eq(schools:get("students", 1), 1080)          -- "1 080" with U+00A0
  t.eq(results:get("participants", 1), 1080)
  t.near(results:get("mean_score", 1), 15.25)     -- "15,25"
  t.near(results:get("mean_score", 2), 58.5)
  t.eq(results:get("m2", 2), nil)                 -- an empty cell is nil
  t.eq(results:line(2), 3)
  t.eq(ds.files.results.info ~= nil, true)
end

function T.settings_defaults()
  local _, ds = problems_of("valid")
  local s = ds.settings
  t.eq(s.report_year, 2024)
  t.eq(s.program_years, { first = 2023, last = 2025, text = "2023–2025" })
  t.eq(s.low_share_threshold, 30)
  t.eq(s.min_participants, 5)
  t.eq(s.low_rule, "fioko")
  t.eq(s.dynamics_tolerance, 1)
  t.eq(s.small_school_students, 100)
  t.eq(s.kind, "prikaz")
  t.eq(s.low_procedures, DEFAULT_PROCEDURES)
  t.eq(s.org_name, nil)
end

function T.set_overrides_district_and_defaults()
  local list, ds = problems_of("valid", {
    { key = "low_share_threshold", value = "25,5" },
    { key = "report_year", value = "2023" },
    { key = "low_rule", value = "same_procedure" },
  })
  t.eq(list, {})
  t.near(ds.settings.low_share_threshold, 25.5)
  t.eq(ds.settings.report_year, 2023)
  t.eq(ds.settings.low_rule, "same_procedure")
  t.eq(ds.setting_where.report_year, { file = "--set" })
end

function T.set_bad_values_are_errors_of_set()
  local list = problems_of("valid", {
    { key = "low_share_threshold", value = "abc" },
    { key = "min_participants", value = "0" },
    { key = "no_such_key", value = "1" },
  })
  t.eq(list, {
    { "error", "--set", 0, 0, "", "параметр 'low_share_threshold': ожидается число: «abc»" },
    { "error", "--set", 0, 0, "", "параметр 'min_participants': значение вне допустимого диапазона 1–1000: «0»" },
    { "error", "--set", 0, 0, "", "неизвестный параметр 'no_such_key'" },
  })
end

-- marks: sums, partly given marks, below_min, lowered+confirmed+raised (a warning), a bad
-- cell that must not also count as "marks partly given", a duplicate key.
function T.marks_rules()
  local list, _, problems = problems_of("marks")
  t.eq(list, {
    { "error", "results.csv", 3, 0, "", "сумма отметок «2»–«5» (11) не равна числу участников (10)" },
    { "error", "results.csv", 4, 0, "", "отметки «2»–«5» заполнены не полностью: укажите все четыре или ни одной" },
    { "error", "results.csv", 5, 0, "below_min", "значение 11 больше числа участников (10)" },
    { "warning", "results.csv", 6, 0, "", "понизили + подтвердили + повысили (11) не равно числу участников (10)" },
    { "error", "results.csv", 7, 0, "m4", "ожидается целое число: «3.5»" },
    { "error", "results.csv", 8, 0, "", "строка с тем же годом, процедурой, предметом, классом и ОО повторяется: уже есть в строке 2" },
  })
  t.eq(problems.errors, 5)
  t.eq(problems.warnings, 1)
end

-- refs: duplicate school_id, dangling partner_id, dangling school_id in every file that has
-- one (one message per unknown code, at its first row), duplicate participant.
function T.reference_rules()
  local list = problems_of("refs")
  t.eq(list, {
    { "error", "schools.csv", 4, 0, "", "код ОО повторяется: уже есть в строке 3" },
    { "error", "schools.csv", 5, 0, "partner_id", "школа-лидер с кодом '9' отсутствует в schools.csv" },
    { "error", "results.csv", 3, 0, "school_id", "код ОО '7' отсутствует в schools.csv (строк с этим кодом: 2)" },
    { "error", "participants.csv", 3, 0, "school_id", "код ОО '8' отсутствует в schools.csv" },
    { "error", "participants.csv", 4, 0, "", "участник с тем же кодом на том же экзамене повторяется: уже есть в строке 2" },
    { "error", "risks.csv", 2, 0, "school_id", "код ОО '5' отсутствует в schools.csv" },
    { "error", "measures.csv", 3, 0, "school_id", "код ОО '6' отсутствует в schools.csv" },
  })
end

-- participants.csv deferred (as a --jobs run does when no report reads it): the load leaves
-- it out and says so, and load_deferred then finds exactly the problems a whole load finds in
-- it. A report that reads it anyway (not naming it in `reads`) gets it, loaded there and then.
function T.deferred_participants_give_the_same_problems()
  local whole = problems_of("refs")
  local ds, first = dataset.load(D .. "refs", nil, { participants = true })
  t.eq(dataset.has_deferred(ds), true)
  t.eq(rawget(ds.files, "participants"), nil)
  t.eq(ds.files.nonexistent, nil)          -- other absent files read as absent
  local later = dataset.load_deferred(ds)
  t.eq(dataset.has_deferred(ds), false)
  t.eq(ds.files.participants.table:nrows() > 0, true)
  local merged = problems_mod.new()
  for _, p in ipairs(first.items) do merged:add(p.level, p, p.message) end
  merged:decode(later:encode())         -- as the check's process hands them back
  local list = {}
  local prefix = D .. "refs/"
  for _, p in ipairs(merged:sorted(dataset.file_order(D .. "refs"))) do
    list[#list + 1] = { p.level, (p.file or ""):sub(#prefix + 1), p.line or 0, p.col or 0, p.column or "", p.message }
  end
  t.eq(list, whole)
  t.eq(merged.errors, #whole)
  local ds2 = dataset.load(D .. "refs", nil, { participants = true })
  t.eq(ds2.files.participants.table:nrows(), ds.files.participants.table:nrows())
  t.eq(dataset.has_deferred(ds2), false)
end

-- The problems' text form keeps every field and the counts, which may exceed the items.
function T.problems_travel_as_text()
  local p = problems_mod.new()
  p:error({ file = "a.csv", line = 3, col = 7, column = "year" }, "ожидается целое\tчисло")
  p:warning({ file = "b.csv" }, "предупреждение")
  p.errors = p.errors + 41                  -- 42 errors, one line stands for 41 of them
  local q = problems_mod.new()
  q:warning({ file = "c.csv", line = 1 }, "уже было")
  local added = q:decode(p:encode())
  t.eq(#added, 2)
  t.eq({ added[1].level, added[1].file, added[1].line, added[1].col, added[1].column, added[1].message },
    { "error", "a.csv", 3, 7, "year", "ожидается целое число" })
  t.eq({ added[2].level, added[2].file, added[2].line, added[2].column }, { "warning", "b.csv", nil, nil })
  t.eq({ q.errors, q.warnings }, { 42, 2 })
end

-- settings in district.csv: bad date, bad enum, out of range, unknown key (warning),
-- repeated key, missing report_year; a target year outside program_years (warning).
function T.settings_rules()
  local list, ds = problems_of("settings")
  t.eq(list, {
    { "error", "district.csv", 0, 0, "", "не задан параметр report_year (отчётный год)" },
    { "error", "district.csv", 4, 0, "", "параметр 'order_date': такой даты не существует: «31.02.2024»" },
    { "error", "district.csv", 5, 0, "", "параметр 'low_rule': допустимые значения: fioko, same_procedure: «строгое»" },
    { "error", "district.csv", 6, 0, "", "параметр 'min_participants': значение вне допустимого диапазона 1–1000: «0»" },
    { "warning", "district.csv", 8, 0, "", "неизвестный параметр 'unknown_key' пропущен" },
    { "error", "district.csv", 9, 0, "", "параметр 'org_name' уже задан в строке 2" },
    { "warning", "targets.csv", 1, 0, "target_2025", "год 2025 вне срока программы 2022–2024" },
  })
  local s = ds.settings
  t.eq(s.org_name, "УО")                 -- the repeated key does not replace the first
  t.near(s.low_share_threshold, 25.5)    -- "25,5" in district.csv
  t.eq(s.kind, "prikaz")                 -- an empty value keeps the default
  t.eq(s.low_rule, "fioko")              -- a bad value leaves the default
  t.eq(s.program_years, { first = 2022, last = 2024, text = "2022-2024" })
end

function T.set_supplies_a_missing_setting()
  local list = problems_of("settings", { { key = "report_year", value = "2024" } })
  t.eq(list[1], { "error", "district.csv", 4, 0, "", "параметр 'order_date': такой даты не существует: «31.02.2024»" })
  for _, p in ipairs(list) do
    t.eq(p[6]:find("report_year", 1, true), nil, "report_year given by --set")
  end
end

-- catalogue: risk factors and levels matched as names (case, ё, spaces, punctuation), a
-- duplicate factor in another spelling; target units, values, expressions; measures.
function T.catalogue_rules()
  local list = problems_of("catalogue")
  t.eq(list, {
    { "error", "risks.csv", 4, 0, "factor", "фактор риска «слабая дисциплина» отсутствует в перечне факторов" },
    { "error", "risks.csv", 5, 0, "level", "уровень риска «очень высокий»: допустимы высокий, средний, низкий" },
    { "error", "risks.csv", 6, 0, "", "фактор риска этой ОО за этот год повторяется: уже есть в строке 2" },
    { "warning", "measures.csv", 3, 0, "", "числитель больше знаменателя" },
    { "error", "measures.csv", 4, 0, "", "укажите числитель и знаменатель или значение" },
    { "error", "measures.csv", 5, 0, "indicator", "показатель '9.9' отсутствует в targets.csv" },
    { "error", "measures.csv", 6, 0, "", "укажите числитель и знаменатель или значение" },
    { "error", "targets.csv", 4, 0, "unit", "единица измерения «человек»: допустимы %, да-нет, шт." },
    { "error", "targets.csv", 4, 0, "target_2024", "ожидается число или да/нет: «много»" },
    { "error", "targets.csv", 5, 0, "source", "выражение не разбирается: ')' expected near <eof>" },
  })
end

function T.target_values()
  local v = require("validate").target_value
  t.eq(v("да"), true)
  t.eq(v("Нет"), false)
  t.near(v("50,5"), 50.5)
  t.near(v("100 %"), 100)
  t.eq(select(2, v("много")), "ожидается число или да/нет")
end

function T.missing_folder()
  local list = problems_of("no-such-dataset")
  t.eq(list, { { "error", "tests/data/lua/no-such-dataset", 0, 0, "", "каталог с данными не найден" } })
end

return T
