-- Tests of lua/targets.lua on tests/data/lua_indicators/small (targets.csv, measures.csv;
-- report year 2024). Line numbers of targets.csv: 1.1 is line 2 … 11.2 is line 11.
local T = require("testing")
local dataset = require("dataset")
local targets = require("targets")

local NB, MINUS = "\u{00A0}", "\u{2212}"

local function load()
  local ds, problems = dataset.load("tests/data/lua_indicators/small")
  T.eq(problems.errors, 0, "the test dataset loads")
  return ds
end

local function by_code(list)
  local out = {}
  for _, e in ipairs(list) do out[e.code] = e end
  return out
end

-- A stand-in for a loaded measures.csv: rows as tables behind nrows()/row(i).
local function fake_measures(rows)
  local t = {}
  function t:nrows() return #rows end
  function t:row(i) return rows[i] end
  return { files = { measures = { table = t } } }
end

return {
  yes_no_measure = function()
    local e = by_code(targets.evaluate(load()))["1.1"]
    -- 2024 value 1 → да = target да; 2023 value 0 → нет
    T.eq({ e.actual, e.target, e.achieved, e.prev, e.change }, { true, true, true, false, nil })
    T.eq(targets.format(e.unit, e.actual), "да")
  end,

  percent_measure_from_school_rows = function()
    local e = by_code(targets.evaluate(load()))["3.3"]
    -- no district row: (1+1+0)/(1+1+1) = 2/3 = 66.67 %; target "66,7": prints 66,7 % but is below
    T.near(e.actual, 200 / 3)
    T.eq({ e.num, e.den, e.target, e.achieved }, { 2.0, 3.0, 66.7, false })
    -- 2023: (1+1)/(2+2) = 50 %; change 66.67 − 50 = 16.67 п.п.
    T.near(e.prev, 50)
    T.eq(targets.format_change(e.unit, e.change), "+16,7" .. NB .. "п.п.")
    T.eq(targets.format(e.unit, e.actual), "66,7" .. NB .. "%")
    -- 2023 on its own: 50 % against 50 is met (equal)
    T.eq(by_code(targets.evaluate(load(), 2023))["3.3"].achieved, true)
  end,

  count_measure = function()
    local e = by_code(targets.evaluate(load()))["6.7"]
    -- 7 against 6; 2023: 5
    T.eq({ e.actual, e.target, e.achieved, e.change }, { 7.0, 6.0, true, 2.0 })
    T.eq(targets.format_change(e.unit, e.change), "+2")
  end,

  expression_indicators = function()
    local r = by_code(targets.evaluate(load()))
    -- cluster 1 of 2024 = 01, 04; on ЕГЭ профильная only 04 is comparable, and positive: 1/1
    T.eq({ r["8.1"].actual, r["8.1"].achieved, r["8.1"].prev }, { 100.0, true, nil })
    -- 9.1: 2 of 4 = 50 % against 50 → met (equal); 9.2: 3 of 5 = 60 against 60 → met
    T.eq({ r["9.1"].actual, r["9.1"].achieved }, { 50.0, true })
    T.eq({ r["9.2"].actual, r["9.2"].achieved }, { 60.0, true })
    -- 9.3: 2 of 5 = 40 against 45 → not met
    T.eq({ r["9.3"].actual, r["9.3"].achieved, r["9.3"].lower_is_better }, { 40.0, false, false })
  end,

  lower_is_better_function = function()
    local e = by_code(targets.evaluate(load()))["10.1"]
    -- 2 schools identified in 2024 (01, 04) against a ceiling of 2 → met; 2023: 0
    T.eq({ e.actual, e.target, e.lower_is_better, e.achieved, e.prev, e.change }, { 2, 2.0, true, true, 0, 2 })
    local e23 = by_code(targets.evaluate(load(), 2023))["10.1"]
    T.eq({ e23.actual, e23.target, e23.achieved }, { 0, 1.0, true })
  end,

  failing_expressions_are_reported_per_indicator = function()
    local r = by_code(targets.evaluate(load()))
    T.eq(r["11.1"].error, "targets.csv:10: показатель 11.1: обращение к необъявленной переменной 'no_such_function'")
    T.eq(r["11.2"].error, "targets.csv:11: показатель 11.2: oge_marks_sum_share: ожидается сумма отметок, например (12)")
    T.eq({ r["11.1"].actual, r["11.1"].achieved }, { nil, nil })
    T.eq(r["9.1"].error, nil, "the others are unaffected")
  end,

  eval_expression_edge_cases = function()
    local ds = load()
    T.eq({ targets.eval_expression(ds, "oge_marks_sum_share(", 5, 2024) },
      { nil, nil, "выражение не разбирается: unexpected symbol near <eof>" })
    T.eq({ targets.eval_expression(ds, "os.exit()", 5, 2024) },
      { nil, nil, "обращение к необъявленной переменной 'os'" }, "sandbox")
    T.eq({ targets.eval_expression(ds, "\"много\"", 5, 2024) },
      { nil, nil, "выражение вернуло string вместо числа" })
    -- explicit direction wins over the function's own
    T.eq({ targets.eval_expression(ds, "higher_is_better(low_results_schools_count())", 5, 2024) }, { 2, false })
    -- fail_share is lower-is-better; mixed with quality_share it is not inferred
    local v, lower = targets.eval_expression(ds, "fail_share(\"ВПР\", \"Математика\", 5)", 5, 2024)
    T.near(v, 73400 / 2540, "734 of 2540, in percent")
    T.eq(lower, true)
    T.eq(select(2, targets.eval_expression(ds,
      "quality_share(\"ВПР\", \"Математика\", 5) - fail_share(\"ВПР\", \"Математика\", 5)", 5, 2024)), false)
    -- средняя отметка stays a mark: 8156/2540
    T.near((targets.eval_expression(ds, "mean_mark(\"ВПР\", \"Математика\", 5)", 5, 2024)), 8156 / 2540)
  end,

  measure_without_a_district_row = function()
    local ds = fake_measures({
      { indicator = "2.1", year = 2024, school_id = "01", value = 40 },
      { indicator = "2.1", year = 2024, school_id = "02", value = 60 },
    })
    -- percents of schools without denominators cannot be added up
    T.eq({ targets.measure_value(ds, "2.1", "%", 2024) }, { nil, nil, nil,
      "нет районного значения, а значения школ не складываются (укажите строку с пустым school_id)" })
    -- counts can: 40 + 60
    T.eq(targets.measure_value(ds, "2.1", "шт.", 2024), 100)
    T.eq(targets.measure_value(ds, "2.1", "шт.", 2023), nil, "no rows that year: no data")
  end,

  achieved_rules = function()
    T.eq(targets.achieved("%", 70, 70, false), true, "equal meets a floor")
    T.eq(targets.achieved("%", 69.99, 70, false), false)
    T.eq(targets.achieved("%", 7, 7, true), true, "equal meets a ceiling")
    T.eq(targets.achieved("%", 7.5, 7, true), false)
    T.eq(targets.achieved("да-нет", 1, true), true, "a number for да-нет")
    T.eq(targets.achieved("%", nil, 70), nil, "no data")
    T.eq(targets.achieved("%", 70, nil), nil, "no target that year")
    -- 29 of 100 in percent is 29 exactly when computed as 29·100/100; 0.29·100 would be 28.999…
    T.eq(targets.achieved("%", 29 * 100 / 100, 29), true)
  end,

  formatting = function()
    T.eq(targets.format("%", 85.714), "85,7" .. NB .. "%")
    T.eq(targets.format("шт.", 7), "7")
    T.eq(targets.format("да-нет", false), "нет")
    T.eq(targets.format("%", nil), "—")
    T.eq(targets.format_change("%", -4.25), MINUS .. "4,3" .. NB .. "п.п.")
    T.eq(targets.format_change("шт.", nil), "—")
  end,
}
