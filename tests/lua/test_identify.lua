-- Tests of lua/dynamics.lua, lua/identify.lua and lua/checklist.lua on
-- tests/data/lua_indicators/small (report year 2024; counted procedures ВПР/Математика/5,
-- ОГЭ/Математика/9, ЕГЭ/Математика (профильная)/11; threshold 30; min 5; tolerance 1 п.п.).
-- The results that matter, by school (participants: «2» or below_min):
--   01  2022 ВПР 10: 1 | 2023 ВПР 10: 3 (30 % exactly), ОГЭ 20: 6 (30 %) | 2024 ВПР 10: 2, ОГЭ 20: 6
--   02  2022 ОГЭ 20: 10 | 2023 ВПР 2500: 749 (29,96 %), ОГЭ 20: 2 | 2024 ВПР 2500: 725, ОГЭ 20: 1
--   03  2023 ВПР 4: 3, ОГЭ 4: 2 (too few participants) | 2024 ВПР 0 participants; 80 students
--   04  2022 ЕГЭ 6: 3 below min | 2023 ЕГЭ 5: 2 below min | 2024 ЕГЭ 6: 0
--   05  2023 ВПР 10: 1 | 2024 ВПР 10: 5; risk «дефицит педагогических кадров» высокий 2024
--   06  2023 ВПР 20: 4, ОГЭ 12: 3, ЕГЭ 10: 1 | 2024 ВПР 20: 2, ОГЭ 12: 3, ЕГЭ 4: 0
local T = require("testing")
local dataset = require("dataset")
local identify = require("identify")
local dynamics = require("dynamics")
local checklist = require("checklist")

local DIR = "tests/data/lua_indicators/small"
local NB = "\u{00A0}"

local function load(overrides)
  local ds, problems = dataset.load(DIR, overrides)
  T.eq(problems.errors, 0, "the test dataset loads")
  return ds
end

local function set(key, value) return { { key = key, value = value } } end

return {
  fioko_identifies_01_and_04 = function()
    local id = identify.identify(load())
    T.eq(id.low, { "01", "04" })
    -- 01: two low in 2023 — 3 of 10 is exactly 30 % and counts as low
    T.eq(id.by_school["01"].rule_met, "two_last_year")
    -- 04: one low in 2023 and one in 2022, both below_min (profile mathematics has no marks)
    T.eq(id.by_school["04"].rule_met, "last_two_years")
    -- 02: 749 of 2500 = 29,96 % prints "30,0 %" but is not low; its 2022 low alone is not enough
    T.eq(id.by_school["02"].low, false)
    T.eq(#id.by_school["02"].low_y1, 0)
    T.eq(#id.by_school["02"].low_y2, 1)
    -- 03: 3 of 4 and 2 of 4 have fewer than 5 participants
    T.eq(id.by_school["03"].low, false)
  end,

  triggers_say_which_results = function()
    local t = identify.identify(load()).by_school["01"].triggers
    T.eq(#t, 2)
    T.eq({ t[1].procedure, t[1].subject, t[1].grade, t[1].year, t[1].count, t[1].participants, t[1].basis },
      { "ВПР", "Математика", 5, 2023, 3, 10, "m2" })
    T.near(t[1].share, 0.3, "3/10")
    T.eq({ t[2].procedure, t[2].count, t[2].participants }, { "ОГЭ", 6, 20 })
    local e = identify.identify(load()).by_school["04"].triggers
    T.eq({ e[1].year, e[1].count, e[1].participants, e[1].basis, e[2].year, e[2].count, e[2].participants },
      { 2023, 2, 5, "below_min", 2022, 3, 6 })
  end,

  reason_text = function()
    local ds = load()
    local entry = identify.identify(ds).by_school["01"]
    T.eq(identify.reason_text(entry, 2024),
      "низкие результаты не менее чем по двум оценочным процедурам в 2023 г.: ВПР по математике, 5" .. NB
      .. "класс, 2023" .. NB .. "г.: «2» у 3 из 10 участников (30,0" .. NB .. "%); ОГЭ по математике, 9" .. NB
      .. "класс, 2023" .. NB .. "г.: «2» у 6 из 20 участников (30,0" .. NB .. "%)")
    T.eq(identify.reason_text(identify.identify(ds).by_school["02"], 2024), nil)
  end,

  settings_change_the_list = function()
    -- threshold 29.9: 749·100 = 74900 ≥ 29.9·2500 = 74750, so 02 is low in 2023 (+ 2022)
    T.eq(identify.identify(load(set("low_share_threshold", "29.9"))).low, { "01", "02", "04" })
    -- min_participants 4: 03 has 3 of 4 and 2 of 4 in 2023 → two low
    T.eq(identify.identify(load(set("min_participants", "4"))).low, { "01", "03", "04" })
    -- same_procedure: only 04 (ЕГЭ профильная low in 2022 and in 2023)
    local same = identify.identify(load(set("low_rule", "same_procedure")))
    T.eq(same.low, { "04" })
    T.eq(same.by_school["04"].rule_met, "same_procedure")
  end,

  report_year_results_do_not_identify = function()
    local ds = load()
    -- 2023 looks at 2022 (02 and 04 one low each) and 2021 (no data): nobody
    T.eq(identify.identify(ds, 2023).low, {})
    -- 2025: 01 has ОГЭ 6 of 20 in 2024 and two lows in 2023; 05's 2024 low is alone
    T.eq(identify.identify(ds, 2025).low, { "01" })
  end,

  dynamics_of_one_result = function()
    local ds = load()
    -- 01 ВПР: 3/10 → 2/10, fell 10 п.п. > 1
    local d = dynamics.result_dynamics(ds, "01", 2024, "ВПР", "Математика", 5)
    T.eq({ d.status, d.decided_by }, { "positive", "failing" })
    T.near(d.fail_change, -0.1)
    -- 01 ОГЭ: 6/20 → 6/20 same; качество (6+2)/20 = 40 % → (8+2)/20 = 50 %: quality decides
    d = dynamics.result_dynamics(ds, "01", 2024, "ОГЭ", "Математика", 9)
    T.eq({ d.status, d.decided_by }, { "positive", "quality" })
    T.near(d.quality_change, 0.1)
    -- 05 ВПР: 1/10 → 5/10, rose 40 п.п.
    T.eq(dynamics.result_dynamics(ds, "05", 2024, "ВПР", "Математика", 5).status, "negative")
  end,

  tolerance_edge_is_stable = function()
    -- 02 ВПР: 749/2500 → 725/2500 fell 0.96 п.п. (within 1); качество 1000/2500 = 40 % →
    -- 1025/2500 = 41 %: +1.0 п.п. exactly, not more than the tolerance → stable
    local d = dynamics.result_dynamics(load(), "02", 2024, "ВПР", "Математика", 5)
    T.eq({ d.status, d.decided_by }, { "stable", nil })
    -- with tolerance 0.9 the fall of 0.96 п.п. decides
    d = dynamics.result_dynamics(load(set("dynamics_tolerance", "0.9")), "02", 2024, "ВПР", "Математика", 5)
    T.eq({ d.status, d.decided_by }, { "positive", "failing" })
  end,

  not_comparable_results = function()
    local ds = load()
    T.eq(dynamics.result_dynamics(ds, "06", 2024, "ЕГЭ", "Математика (профильная)", 11).reason,
      "меньше 5 участников в одном из годов")
    T.eq(dynamics.result_dynamics(ds, "01", 2024, "ЕГЭ", "Математика (профильная)", 11).reason,
      "нет результатов за один из годов")
    -- 03: 4 participants in 2023, 0 in 2024
    T.eq(dynamics.result_dynamics(ds, "03", 2024, "ВПР", "Математика", 5).status, nil)
  end,

  school_dynamics_needs_more_than_half = function()
    local ds = load()
    local function tally(id)
      local d = dynamics.school_dynamics(ds, id, 2024)
      return { d.positive, d.negative, d.stable, d.comparable, d.is_positive }
    end
    T.eq(tally("01"), { 2, 0, 0, 2, true })
    T.eq(tally("02"), { 1, 0, 1, 2, false }, "exactly half is not more than half")
    T.eq(tally("03"), { 0, 0, 0, 0, false }, "nothing comparable")
    T.eq(tally("05"), { 0, 1, 0, 1, false })
    -- 06: ВПР 4/20 → 2/20 +; ОГЭ 3/12 → 3/12, качество 4/12 → 6/12 +; ЕГЭ 4 participants: not comparable
    T.eq(tally("06"), { 2, 0, 0, 2, true })
  end,

  clusters = function()
    local c = identify.clusters(load())
    T.eq(c.members, { [1] = { "01", "04" }, [2] = { "03", "05" }, [3] = { "06" }, stable = { "02" } })
    T.eq(c.by_school["05"].risks, { "Дефицит педагогических кадров" }, "namekey match, as written")
    T.eq(c.by_school["05"].reasons, { "фактор риска «Дефицит педагогических кадров» высокого уровня в 2024 г." })
    T.eq(c.by_school["03"].reasons, { "малочисленная школа: 80" .. NB .. "обучающихся (менее 100)" })
    T.eq(c.by_school["06"].reasons, { "положительная динамика по 2 из 2 сопоставимых процедур (2024 г. к 2023 г.)" })
    T.eq(c.by_school["02"].reasons,
      { "положительная динамика по 1 из 2 сопоставимых процедур (2024 г. к 2023 г.) — не более половины" })
    -- 02's risk «низкая учебная мотивация» is высокий, but it is not a risk-zone factor
    T.eq(c.by_school["02"].risks, {})
  end,

  clusters_follow_the_settings = function()
    -- tolerance 0.9: 02 gets +2 of 2 and joins cluster 3; small_school_students 50: 03 (80) is
    -- not small any more and, with nothing comparable, is stable
    local c = identify.clusters(load({ { key = "dynamics_tolerance", value = "0.9" },
      { key = "small_school_students", value = "50" } }))
    T.eq(c.members, { [1] = { "01", "04" }, [2] = { "05" }, [3] = { "02", "06" }, stable = { "03" } })
    T.eq(c.by_school["03"].reasons, { "нет сопоставимых результатов за два года" })
  end,

  checklist = function()
    local cl = checklist.build(load())
    T.eq(#cl.criteria, 8)
    T.eq(cl.criteria[1].text, "Низкие результаты (доля «2» не ниже порога) не менее чем по двум оценочным процедурам в 2023 г.")
    T.eq(cl.criteria[7].text, "Малочисленная школа (менее 100 обучающихся или статус «малочисленная»)")
    local function row(id)
      local a = cl.schools[id]
      local out = {}
      for i, c in ipairs(cl.criteria) do out[i] = checklist.yes_no(a[c.id]) end
      out[#out + 1] = a.identified
      return table.concat(out, " ", 1, #cl.criteria) .. " | " .. tostring(a.identified)
    end
    -- columns: two low in 2023 | low 2023 and 2022 | low 2022, 2023, 2024 | ЕГЭ elective below
    -- min 2024 | any high risk 2024 | risk zone 2024 | small | no positive dynamics
    T.eq(row("01"), "да нет нет — нет нет нет нет | true")
    T.eq(row("02"), "нет нет нет — да нет нет да | false")
    T.eq(row("03"), "нет нет нет — нет нет да — | false")
    T.eq(row("04"), "нет да нет — нет нет нет нет | true")
    T.eq(row("05"), "нет нет нет — да да нет да | false")
    -- 06: ЕГЭ Обществознание 2024, 1 of 5 below the minimum
    T.eq(row("06"), "нет нет нет да нет нет нет нет | false")
  end,

  minimal_dataset_without_optional_files = function()
    -- only district, schools (id and name) and results with marks; no risks, no students
    local ds, problems = dataset.load("tests/data/lua_indicators/minimal")
    T.eq(problems.errors, 0)
    -- A: 2023 ВПР/Математика/5 3 of 10 = 30 % and ВПР/Математика/6 5 of 10 = 50 % → two low
    T.eq(identify.identify(ds).low, { "A" })
    local c = identify.clusters(ds)
    -- B: no 2023 results to compare with, no students, no status, no risks.csv → stable
    T.eq(c.members, { [1] = { "A" }, [2] = {}, [3] = {}, stable = { "B" } })
    T.eq(c.by_school.B.small, nil, "unknown without students")
    local a = checklist.build(ds).schools.B
    T.eq({ a.risk_high, a.risk_zone, a.small, a.no_positive_dynamics, a.ege_below_min },
      { nil, nil, nil, nil, nil }, "the data cannot tell")
  end,
  result_dynamics_looks_prev_and_cur_up_when_read = function()
    -- 01 ВПР Математика 5: 2023 3 of 10, 2024 2 of 10 → the failing share fell by 10 п.п.
    local d = dynamics.result_dynamics(load(), "01", 2024, "ВПР", "Математика", 5)
    T.eq(d.status, "positive")
    T.eq({ rawget(d, "prev"), rawget(d, "cur") }, {}, "not held by the table")
    T.eq({ d.prev.m2, d.prev.year, d.cur.m2, d.cur.year }, { 3, 2023, 2, 2024 })
    T.eq(dynamics.result_dynamics(load(), "04", 2024, "ВПР", "Математика", 5).cur, nil, "no row")
  end,
  school_dynamics_makes_its_items_when_read = function()
    -- 01, 2024 vs 2023, three counted procedures: ВПР 3 → 2 of 10 positive, ОГЭ 6 → 6 of 20
    -- (quality 8 → 10 of 20: positive), ЕГЭ none
    local d = dynamics.school_dynamics(load(), "01", 2024)
    T.eq(rawget(d, "items"), nil, "not held")
    T.eq(#d.items, 3)
    T.eq({ d.items[1].status, d.items[2].status, d.items[3].status }, { "positive", "positive", nil })
    T.eq({ d.positive, d.comparable, d.is_positive }, { 2, 2, true })
  end,

  -- Made school by school when asked (a sheet's, a shard's): the same entries and answers as
  -- the whole-dataset versions, whichever school is asked first; unknown schools give nil.
  -- `each` (a run about a few schools) reads each school's own records: the same again.
  entries_on_demand_equal_the_whole = function()
    local ds = load()
    local whole, full = identify.clusters(ds), checklist.build(ds)
    local function brief(e)   -- the entry's decisions (its records link back into the index)
      return { e.school_id, e.cluster, e.reasons, e.small, e.risks, e.identification.low,
        e.identification.rule_met, e.identification.triggers, e.identification.low_y1,
        e.identification.low_y2, e.dynamics.positive, e.dynamics.negative, e.dynamics.stable,
        e.dynamics.comparable, e.dynamics.is_positive }
    end
    for _, each in ipairs({ false, true }) do
      local ds2 = load()
      local lazy, lazy_list = identify.cluster_entries(ds2, nil, each), checklist.lazy(ds2, nil, each)
      local mode = each and " (each)" or ""
      T.eq(rawget(lazy.by_school, "06"), nil, "nothing made before it is asked for" .. mode)
      for i = #whole.order, 1, -1 do
        local id = whole.order[i]
        T.eq(brief(lazy.by_school[id]), brief(whole.by_school[id]), "cluster entry of " .. id .. mode)
        T.eq(lazy_list.schools[id], full.schools[id], "checklist answers of " .. id .. mode)
      end
      T.eq(lazy.by_school["99"], nil)
      T.eq(lazy_list.schools["99"], nil)
      T.eq(lazy_list.criteria, full.criteria)
      T.eq(lazy.order, whole.order)
    end
  end,

  -- The per-school paths of a run about a few schools against the passes over every school:
  -- every school, every year of the data and the years around it.
  own_records_equal_the_pass_over_every_school = function()
    local ds = load()
    for year = 2021, 2025 do
      local by_school = identify.low_results_by_school(ds, year)
      for _, s in ipairs(identify.schools(ds)) do
        local id = s.school_id
        T.eq(identify.school_low_results(ds, id, year), by_school[id] or {}, "low results of " .. id .. " in " .. year)
        local a, b = dynamics.school_dynamics(ds, id, year), dynamics.school_dynamics_each(ds, id, year)
        T.eq({ b.positive, b.negative, b.stable, b.comparable, b.is_positive, rawget(b, "items") },
          { a.positive, a.negative, a.stable, a.comparable, a.is_positive, nil }, "dynamics of " .. id .. " in " .. year)
        T.eq(#b.items, #a.items)
      end
    end
  end,
}
