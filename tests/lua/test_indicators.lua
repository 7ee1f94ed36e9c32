-- Tests of lua/indicators.lua (shares of a counts record, sums) and lua/results.lua (lookup,
-- district totals, lists) and lua/objectivity.lua, on tests/data/lua_indicators/small. Every
-- expected value is worked out by hand in the comment beside it.
local T = require("testing")
local dataset = require("dataset")
local ind = require("indicators")
local results = require("results")
local objectivity = require("objectivity")
local dynamics = require("dynamics")

local DIR = "tests/data/lua_indicators/small"

local function load(overrides)
  local ds, problems = dataset.load(DIR, overrides)
  T.eq(problems.errors, 0, "the test dataset loads")
  return ds
end

return {
  shares_of_one_row = function()
    -- ВПР/Математика/5, school 01, 2023: 10 participants, 3/4/2/1
    local c = results.index(load()):get("ВПР", "Математика", 5, "01", 2023)
    T.near(ind.mark_share(c, 2), 0.3, "«2»: 3/10")
    T.near(ind.mark_share(c, 5), 0.1, "«5»: 1/10")
    T.near(ind.fail(c), 0.3, "доля «2»: 3/10")
    T.near(ind.success(c), 0.7, "успеваемость: (4+2+1)/10")
    T.near(ind.quality(c), 0.3, "качество: (2+1)/10")
    T.near(ind.mean_mark(c), 3.1, "средняя: (2·3+3·4+4·2+5·1)/10 = (6+12+8+5)/10 = 31/10")
    T.near(ind.sou(c), 0.42, "СОУ: (1 + 0.64·2 + 0.36·4 + 0.16·3)/10 = (1 + 1.28 + 1.44 + 0.48)/10")
  end,

  sums_keep_absent_fields_absent = function()
    -- a row with marks (10: 1,2,3,4) plus a row without (5, below_min 1): marks cover 10 only
    local a = ind.counts({ participants = 10, m2 = 1, m3 = 2, m4 = 3, m5 = 4 })
    local b = ind.counts({ participants = 5, below_min = 1 })
    local s = ind.sum({ a, b })
    T.eq({ s.participants, s.marked, s.scored, s.m2, s.below_min, s.lowered }, { 15, 10, 5, 1, 1, nil })
    T.near(ind.fail(s), 0.1, "1/10, not 1/15")
    T.near(ind.below_min_share(s), 0.2, "1/5")
  end,

  zero_participants_give_nil = function()
    -- school 03, ВПР/Математика/5 2024: participants 0 → nothing is defined, nothing is NaN
    local c = results.index(load()):get("ВПР", "Математика", 5, "03", 2024)
    T.eq(c.participants, 0)
    local s = ind.shares(c)
    T.eq({ s.fail, s.success, s.quality, s.mean_mark, s.sou, s.m2, s.failing },
      { nil, nil, nil, nil, nil, nil, nil })
    T.eq(ind.failing(c), nil)
  end,

  failing_uses_below_min_without_marks = function()
    -- ЕГЭ/Математика (профильная)/11, school 04, 2023: 5 participants, below_min 2, no marks
    local c = results.index(load()):get("ЕГЭ", "Математика (профильная)", 11, "04", 2023)
    T.eq(ind.fail(c), nil, "no доля «2» without marks")
    local share, count, total, basis = ind.failing(c)
    T.near(share, 0.4, "2/5")
    T.eq({ count, total, basis }, { 2, 5, "below_min" })
    T.near(ind.below_min_share(c), 0.4)
    T.eq(ind.high_score_share(c), 0, "0 of 5 with 81–100")
  end,

  lookup_matches_names_by_namekey = function()
    local R = results.index(load())
    local a = R:get("ЕГЭ", "Математика (профильная)", 11, "04", 2024)
    local b = R:get("егэ", "математика профильная", 11, "04", 2024)
    T.eq(a ~= nil and a == b, true, "same record whatever the spelling")
    T.eq(a.below_min, 0)
    T.eq(R:get("ВПР", "Математика", 5, "04", 2024), nil, "absent combination")
  end,

  district_total_is_a_sum_of_counts = function()
    -- ВПР/Математика/5 2024: 01 (10: 2,4,3,1), 02 (2500: 725,750,800,225), 03 (0: 0,0,0,0),
    -- 05 (10: 5,3,2,0), 06 (20: 2,8,7,3)
    local c = results.index(load()):sum({ year = 2024, procedure = "ВПР", subject = "Математика", grade = 5 })
    T.eq({ c.rows, c.participants, c.m2, c.m3, c.m4, c.m5 }, { 5, 2540, 734, 765, 812, 229 },
      "rows 5; 10+2500+0+10+20 = 2540; 2+725+0+5+2 = 734; 4+750+0+3+8 = 765; 3+800+0+2+7 = 812; 1+225+0+0+3 = 229")
    T.near(ind.fail(c), 734 / 2540, "доля «2»")
    T.near(ind.success(c), 1806 / 2540, "успеваемость: 765+812+229 = 1806")
    T.near(ind.quality(c), 1041 / 2540, "качество: 812+229 = 1041")
    T.near(ind.mean_mark(c), 8156 / 2540, "средняя: 1468+2295+3248+1145 = 8156")
    T.near(ind.sou(c), 1141.52 / 2540, "СОУ: 229 + 519.68 + 275.4 + 117.44 = 1141.52")
    -- the average of the schools' percentages would be (0.2 + 0.29 + 0.5 + 0.1)/4 = 0.2725: wrong
    T.eq(math.abs(ind.fail(c) - 0.2725) > 0.01, true, "not an average of percentages")
  end,

  total_of_scores_weights_the_mean = function()
    -- ЕГЭ профильная 2024: 04 (6, mean 50.5, below 0, high 1), 06 (4, mean 60.0, below 0, high 1)
    local c = results.index(load()):sum({ year = 2024, procedure = "ЕГЭ", subject = "Математика (профильная)" })
    T.eq({ c.participants, c.below_min, c.high_score, c.m2 }, { 10, 0, 2, nil })
    T.near(c.mean_score, 54.3, "(6·50.5 + 4·60)/10 = (303 + 240)/10")
    T.near(ind.high_score_share(c), 0.2, "2/10")
  end,

  lists_of_what_is_present = function()
    local R = results.index(load())
    T.eq(R:procedures(), { "ВПР", "ОГЭ", "ЕГЭ" })
    T.eq(R:subjects("ВПР"), { "Русский язык", "Математика" }, "Russian first")
    T.eq(R:grades("ОГЭ", "Математика"), { 9 })
    T.eq(R:years(), { 2022, 2023, 2024 })
    T.eq(R:years({ procedure = "ВПР", subject = "Русский язык" }), { 2024 })
    T.eq(R:schools({ year = 2024, procedure = "ЕГЭ" }), { "04", "06" })
    T.eq(R:combos({ year = 2024 }), {
      { procedure = "ВПР", subject = "Русский язык", grade = 5 },
      { procedure = "ВПР", subject = "Математика", grade = 5 },
      { procedure = "ОГЭ", subject = "Математика", grade = 9 },
      { procedure = "ЕГЭ", subject = "Математика (профильная)", grade = 11 },
      { procedure = "ЕГЭ", subject = "Обществознание", grade = 11 },
    })
  end,

  parse_procedure_lists = function()
    T.eq(results.parse_procedures("ВПР/Математика/5 | ЕГЭ/Математика (профильная)/11|ОГЭ/Русский язык"), {
      { procedure = "ВПР", subject = "Математика", grade = 5, text = "ВПР/Математика/5" },
      { procedure = "ЕГЭ", subject = "Математика (профильная)", grade = 11, text = "ЕГЭ/Математика (профильная)/11" },
      { procedure = "ОГЭ", subject = "Русский язык", text = "ОГЭ/Русский язык" },
    })
    T.eq({ results.parse_procedures("ВПР/Математика/5 | ВПР-Математика-5") },
      { nil, "элемент «ВПР-Математика-5»: ожидается ПРОЦЕДУРА/Предмет/класс, например ВПР/Математика/5" })
    T.eq({ results.parse_procedures("ВПР/Математика/12") },
      { nil, "элемент «ВПР/Математика/12»: ожидается ПРОЦЕДУРА/Предмет/класс, например ВПР/Математика/5" })
  end,

  counted_spells_out_grades = function()
    local ds = load({ { key = "low_procedures", value = "ОГЭ/Математика | ВПР/Русский язык/5" } })
    local got = {}
    for _, p in ipairs(results.counted(ds)) do got[#got + 1] = p.procedure .. "/" .. p.subject .. "/" .. p.grade end
    T.eq(got, { "ОГЭ/Математика/9", "ВПР/Русский язык/5" })
    local bad = load({ { key = "low_procedures", value = "ВПР:Математика:5" } })
    local ok, err = pcall(results.counted, bad)
    T.eq(ok, false)
    T.eq(tostring(err):match("параметр low_procedures: .*$"),
      "параметр low_procedures: элемент «ВПР:Математика:5»: ожидается ПРОЦЕДУРА/Предмет/класс, например ВПР/Математика/5")
  end,

  objectivity_per_school_and_district = function()
    -- ВПР/Русский язык/5 2024: 01 lowered 2, confirmed 7, raised 1 of 10; 02: 3, 21, 6 of 30
    local o = objectivity.table(load(), 2024)
    T.eq(#o.schools, 2, "only schools with the data")
    T.eq(o.schools[1].school_id, "01")
    T.near(o.schools[1].lowered, 0.2, "2/10")
    T.near(o.schools[1].confirmed, 0.7, "7/10")
    T.near(o.schools[2].raised, 0.2, "6/30")
    T.near(o.district.lowered, 5 / 40, "(2+3)/(10+30)")
    T.near(o.district.confirmed, 28 / 40, "(7+21)/40")
    T.near(o.district.raised, 7 / 40, "(1+6)/40")
  end,

  district_trend_and_change = function()
    -- ОГЭ/Математика/9, district: 2022 only 02 (20: 10,6,3,1); 2023 01,02,03,06: 20+20+4+12 = 56,
    -- m2 6+2+2+3 = 13; 2024 01,02,06: 20+20+12 = 52, m2 6+1+3 = 10
    local tr = dynamics.trend(load(), { procedure = "ОГЭ", subject = "Математика", grade = 9 })
    T.eq(#tr, 3)
    T.eq({ tr[1].year, tr[2].year, tr[3].year }, { 2022, 2023, 2024 })
    T.near(tr[1].shares.fail, 0.5, "10/20")
    T.near(tr[2].shares.fail, 13 / 56)
    T.near(tr[3].shares.fail, 10 / 52)
    local ch = dynamics.change(tr[2].counts, tr[3].counts)
    T.near(ch.fail, 10 / 52 - 13 / 56, "unrounded difference")
    -- quality 2023: (6+2)+(7+3)+0+(3+1) = 22 of 56; 2024: (8+2)+(8+3)+(4+2) = 27 of 52
    T.near(ch.quality, 27 / 52 - 22 / 56)
  end,
  complete_makes_a_row_its_own_counts_record = function()
    local row = { participants = 12, m2 = 3, m3 = 4, m4 = 4, m5 = 1, lowered = 2, procedure = "ВПР" }
    local c = ind.complete(row)
    T.eq(c == row, true, "the same table")
    T.eq({ c.rows, c.marked, c.checked, c.scored, c.high_n, c.mean_n, c.procedure }, { 1, 12, 12, nil, nil, nil, "ВПР" })
    local e = ind.complete({ participants = 5, below_min = 2, mean_score = 44.5 })
    T.eq({ e.scored, e.mean_n, e.marked }, { 5, 5, nil })
    T.eq(ind.complete({}).participants, 0, "no participants count as 0")
    -- counts() copies, then completes the copy: same fields, a fresh table
    local copy = ind.counts(row)
    T.eq({ copy.marked, copy.m2, copy.procedure }, { 12, 3, nil })
  end,
  add_columns_sums_like_add_of_counts = function()
    -- two rows: ВПР 10 (m2..m5 = 1,5,3,1; lowered 2) and ЕГЭ 4 (below_min 1, mean 50.5)
    local cols = { participants = { 10, 4 }, m2 = { 1 }, m3 = { 5 }, m4 = { 3 }, m5 = { 1 },
      mean_score = { nil, 50.5 }, below_min = { nil, 1 }, high_score = {}, lowered = { 2 },
      confirmed = {}, raised = {} }
    local acc = ind.add_columns(ind.add_columns(nil, cols, 1), cols, 2)
    T.eq({ acc.participants, acc.rows, acc.m2, acc.marked, acc.checked, acc.below_min, acc.scored, acc.mean_n },
      { 14, 2, 1, 10, 10, 1, 4, 4 })
    T.eq({ acc.high_n, acc.high_score, acc.confirmed }, {}, "absent everywhere: nil")
    T.near(acc.mean_score, 50.5, "weighted by the 4 participants of the only row with a mean")
    local rows = { { participants = 10, m2 = 1, m3 = 5, m4 = 3, m5 = 1, lowered = 2 },
      { participants = 4, below_min = 1, mean_score = 50.5 } }
    T.eq(acc, ind.sum({ ind.counts(rows[1]), ind.counts(rows[2]) }), "the same record as add of counts")
  end,
}
