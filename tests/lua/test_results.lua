-- Tests of lua/results.lua's index (rows stay in C, records made on demand through group
-- indexes) and of identify.risk_rows, on tests/data/lua_indicators/small. Expected values are
-- read off its results.csv by hand (line 2 is the first row).
local T = require("testing")
local dataset = require("dataset")
local results = require("results")
local identify = require("identify")

local DIR = "tests/data/lua_indicators/small"

local function index()
  local ds, problems = dataset.load(DIR)
  T.eq(problems.errors, 0, "the test dataset loads")
  return results.index(ds), ds
end

local function lines(list)
  local out = {}
  for i, r in ipairs(list) do out[i] = r.line end
  return out
end

return {
  get_finds_one_row_by_name_key = function()
    local R = index()
    local r = R:get("ВПР", "математика", 5, "02", 2023)
    T.eq({ r.participants, r.m2, r.marked, r.line, r.procedure, r.subject }, { 2500, 749, 2500, 7, "ВПР", "Математика" })
    -- "Математика (профильная)" = "математика профильная"; ЕГЭ rows have no marks
    local e = R:get("ЕГЭ", "математика профильная", 11, "04", 2022)
    T.eq({ e.below_min, e.scored, e.marked, e.mean_score }, { 3, 6, nil, 40.5 })
    T.eq(R:get("ВПР", "Математика", 5, "04", 2023), nil, "no such row")
    T.eq(R:get("ВПР", "Химия", 5, "01", 2023), nil, "a subject the file does not hold")
    T.eq(R:get("ВПР", "Математика", nil, "01", 2023), nil, "an empty key matches nothing")
  end,

  rows_in_file_order_for_every_filter_shape = function()
    local R = index()
    T.eq(lines(R:rows({ school_id = "01" })), { 2, 5, 6, 16, 17, 26 })
    T.eq(lines(R:rows({ school_id = "01", year = 2024 })), { 16, 17, 26 })
    T.eq(lines(R:rows({ year = 2024, procedure = "огэ" })), { 17, 19, 24 })
    T.eq(lines(R:rows({ procedure = "ЕГЭ", subject = "Математика (профильная)", grade = 11 })), { 4, 11, 15, 21, 25 })
    T.eq(lines(R:rows({ year = 2024, subject = "Русский язык" })), { 26, 27 })
    T.eq(#R:rows(), 27, "no filter: every row")
    T.eq(R:rows({ year = 2030 }), {})
  end,

  sums_and_lists = function()
    local R = index()
    -- ВПР Математика 5, 2023: 01 10/3, 02 2500/749, 03 4/3, 05 10/1, 06 20/4
    local s = R:sum({ year = 2023, procedure = "ВПР", subject = "Математика", grade = 5 })
    T.eq({ s.participants, s.m2, s.rows, s.marked }, { 2544, 760, 5, 2544 })
    T.eq(R:years(), { 2022, 2023, 2024 })
    T.eq(R:procedures({ year = 2024 }), { "ВПР", "ОГЭ", "ЕГЭ" })
    T.eq(R:subjects("ЕГЭ", { year = 2024 }), { "Математика (профильная)", "Обществознание" })
    T.eq(R:schools({ year = 2022 }), { "01", "02", "04" })
    T.eq(R:grades("ОГЭ", "Математика"), { 9 })
  end,

  table_groups_binding = function()
    local _, ds = index()
    local t = ds.files.results.table
    local g = t:groups({ "school_id", "year" })
    T.eq(g:count(), 15, "school × year pairs: 3 in 2022, 6 in 2023 and 2024")
    local k = g:find("06", 2024)
    T.eq(g:rows(k), { 22, 23, 24, 27 }, "row numbers, 1-based (lines 23, 24, 25, 28)")
    T.eq(g:first(k), 22)
    T.eq(g:size(k), 4)
    T.eq(g:find("06", 2024.0), k, "an integral float is the integer")
    T.eq(g:find("06", 2024.5), nil, "a fraction matches no integer")
    T.eq(g:find("07", 2024), nil, "a string no cell holds")
    T.eq(pcall(g.rows, g, 16), false, "group out of range")
  end,

  table_column_slices = function()
    local _, ds = index()
    local t = ds.files.results.table
    local c = t:column("participants", 25, 27)
    T.eq({ c.n, c[1], c[2], c[3] }, { 3, 10, 30, 5 }, "rows 25–27 (lines 26–28)")
    local m = t:column("m2", 26, 27)
    T.eq({ m.n, m[1], m[2] }, { 2, 3, nil }, "an empty cell is a hole")
    T.eq(t:column("m2", 5, 4).n, 0, "an empty range")
    T.eq(t:column("m2").n, 27, "the whole column")
    T.eq(pcall(t.column, t, "m2", 0, 3), false, "rows start at 1")
    T.eq(pcall(t.column, t, "m2", 1, 28), false, "past the last row")
  end,

  cells_and_sums_by = function()
    local R, ds = index()
    local c = ds.files.results.table:cells("m2", { 27, 1, 26 })
    T.eq({ c.n, c[1], c[2], c[3] }, { 3, nil, 1, 3 }, "rows in the order asked")
    -- ВПР 2024 per school: 01 Математика 10/2 + Русский язык 10/1; 02 2500/725 + 30/3; 03 0/0
    local by = R:sums_by({ year = 2024, procedure = "ВПР" }, "school_id")
    T.eq({ by["01"].participants, by["01"].m2, by["01"].rows, by["01"].checked }, { 20, 3, 2, 10 })
    T.eq({ by["02"].participants, by["02"].m2, by["03"].participants, by["03"].marked }, { 2530, 728, 0, 0 })
    T.eq(by["04"], nil, "no ВПР rows")
    T.eq(R:sums_by({ year = 2030 }), {}, "nothing matches")
    T.eq(R:sum({ year = 2030 }), { participants = 0, rows = 0 })
  end,

  risk_rows_of_a_school_and_year = function()
    local _, ds = index()
    local rows = identify.risk_rows(ds, "05", 2024)
    T.eq(#rows, 1)
    T.eq(rows[1].factor, "Дефицит педагогических кадров")
    T.eq(identify.risk_rows(ds, "05", 2023), {})
    T.eq(identify.risk_zone(ds, "05", 2024), { "Дефицит педагогических кадров" })
    T.eq(identify.risk_zone(ds, "06", 2024), {}, "level средний is not the risk zone")
  end,
}
