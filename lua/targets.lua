-- targets — the program's target indicators (targets.csv): the actual value of each for a year,
-- from measures.csv (`measure`) or from a Lua expression over the indicator functions below run
-- in a sandbox; the target of the year; achieved or not; the change vs the previous year.
-- Values are in the indicator's unit: % as a percent number (85.7), шт. as a count, да-нет as a
-- boolean. Uses identify, dynamics, participants, results, indicators, validate, ru.
local engine = require("engine")
local identify = require("identify")
local dynamics = require("dynamics")
local participants = require("participants")
local results = require("results")
local ind = require("indicators")
local validate = require("validate")
local schema = require("schema")
local ru = require("ru")

local M = {}

local EPS = 1e-9   -- percents are num·100/den; distinct values differ by far more than this

local function percent(num, den)
  if not den or den == 0 then return nil end
  return num * 100 / den
end

-- Misuse inside an expression: a message without a Lua position (the caller adds the line).
local function check(ok, msg) if not ok then error(msg, 0) end end

local function check_result_args(name, procedure, subject, grade)
  check(type(procedure) == "string" and type(subject) == "string",
    name .. ": ожидаются процедура и предмет в кавычках, например (\"ОГЭ\", \"Математика\")")
  check(grade == nil or math.type(grade) == "integer", name .. ": класс должен быть целым числом")
end

-- Among the cluster-1 schools of `year` comparable on the procedure × subject (× grade), those
-- with positive dynamics of `year` vs `year` − 1 (targets 8.x of seed 004): { num, den, share
-- (percent, nil when no school is comparable), schools = { [id] = positive? } }.
function M.positive_dynamics(ds, year, procedure, subject, grade)
  local out = { num = 0, den = 0, schools = {} }
  for _, id in ipairs(identify.identify(ds, year).low) do
    local d = dynamics.subject_dynamics(ds, id, year, procedure, subject, grade)
    if d.comparable > 0 then
      out.den, out.schools[id] = out.den + 1, d.is_positive
      if d.is_positive then out.num = out.num + 1 end
    end
  end
  out.share = percent(out.num, out.den)
  return out
end

local function positive_dynamics_share(ds, year, procedure, subject, grade)
  check_result_args("positive_dynamics_share", procedure, subject, grade)
  return M.positive_dynamics(ds, year, procedure, subject, grade).share
end

local function from_participants(r)
  if not r then error("нужен файл participants.csv", 0) end
  return percent(r.num, r.den)
end

-- A district indicator of results.csv: fn is an indicators function of a counts record; scale
-- 100 turns its fraction into the percent targets.csv uses (1 for средняя отметка).
local function district(fn, name, scale)
  return function(ds, year, procedure, subject, grade)
    check_result_args(name, procedure, subject, grade)
    local v = fn(results.index(ds):sum({ year = year, procedure = procedure, subject = subject, grade = grade }))
    return v and v * (scale or 100)
  end
end

-- The functions an expression may call: fn(ds, year, ...) → value or nil (no data);
-- lower_is_better marks indicators whose target is a ceiling.
M.FUNCTIONS = {
  positive_dynamics_share = { fn = positive_dynamics_share },
  oge_marks_sum_share = { fn = function(ds, year, min_sum)
    check(type(min_sum) == "number", "oge_marks_sum_share: ожидается сумма отметок, например (12)")
    return from_participants(participants.oge_marks_sum(ds, year, min_sum))
  end },
  ege_all_above_min_share = { fn = function(ds, year)
    return from_participants(participants.ege_all_above_min(ds, year))
  end },
  ege_top3_sum_share = { fn = function(ds, year, min_sum)
    check(type(min_sum) == "number", "ege_top3_sum_share: ожидается сумма баллов, например (220)")
    return from_participants(participants.ege_top3_sum(ds, year, min_sum))
  end },
  low_results_schools_count = { lower_is_better = true, fn = function(ds, year)
    return #identify.identify(ds, year).low
  end },
  low_results_schools_share = { lower_is_better = true, fn = function(ds, year)
    return percent(#identify.identify(ds, year).low, #identify.schools(ds))
  end },
  fail_share = { lower_is_better = true, fn = district(ind.fail, "fail_share") },
  failing_share = { lower_is_better = true, fn = district(function(c) return (ind.failing(c)) end, "failing_share") },
  success_share = { fn = district(ind.success, "success_share") },
  quality_share = { fn = district(ind.quality, "quality_share") },
  mean_mark = { fn = district(ind.mean_mark, "mean_mark", 1) },
}

-- Removes the chunk position Lua puts in front of a message ("targets.csv:9:1: ") and the
-- traceback the engine appends.
local function clean(msg)
  msg = tostring(msg)
  msg = msg:match("^(.-)\nstack traceback:") or msg
  return (msg:gsub("^targets%.csv:%d+:%d+: ", ""):gsub("^targets%.csv:%d+: ", ""))
end

-- A sandbox for one expression: the indicator functions bound to ds and year, plus
-- lower_is_better(x) / higher_is_better(x) to state the direction explicitly. `seen` collects
-- the direction flags of what the expression called.
local function expression_env(ds, year, seen)
  local env = engine.new_env()
  for name, spec in pairs(M.FUNCTIONS) do
    rawset(env, name, function(...)
      seen[spec.lower_is_better and "lower" or "higher"] = true
      return spec.fn(ds, year, ...)
    end)
  end
  rawset(env, "lower_is_better", function(x) seen.explicit = "lower"; return x end)
  rawset(env, "higher_is_better", function(x) seen.explicit = "higher"; return x end)
  return env
end

-- Evaluates a targets.csv source expression for a year: value (nil = no data), lower_is_better;
-- or nil, nil, message for an expression that does not compile, raises or returns a non-number.
-- The direction: explicit wrapper, else lower when every indicator called is lower-is-better.
function M.eval_expression(ds, source, line, year)
  local seen = {}
  local fn, err = engine.compile("return " .. source, "=targets.csv:" .. tostring(line), expression_env(ds, year, seen))
  if not fn then return nil, nil, "выражение не разбирается: " .. clean(err) end
  -- its own instruction budget: a runaway expression fails alone, not the whole report
  local ok, v = engine.call_limited(fn)
  if not ok then return nil, nil, clean(v) end
  if v ~= nil and type(v) ~= "number" and type(v) ~= "boolean" then
    return nil, nil, "выражение вернуло " .. type(v) .. " вместо числа"
  end
  local lower = seen.explicit == "lower" or (seen.explicit == nil and seen.lower and not seen.higher)
  return v, lower and true or false
end

-- ---- measures ----

-- The measures.csv rows of one indicator and year: the district row (school_id empty) and the
-- school rows.
local function measure_rows(ds, code, year)
  local f, dist, schools = ds.files.measures, nil, {}
  for i = 1, f.table:nrows() do
    local r = f.table:row(i)
    if r.indicator == code and r.year == year then
      if r.school_id == nil then dist = r else schools[#schools + 1] = r end
    end
  end
  return dist, schools
end

-- The value of a measured indicator in its unit. The district row wins; without one, Σ
-- numerators / Σ denominators of the school rows (Σ values for шт.). Returns value, num, den;
-- or nil (no rows that year); or nil, nil, nil, message.
function M.measure_value(ds, code, unit, year)
  if not ds.files.measures then return nil, nil, nil, "нет файла measures.csv" end
  local dist, schools = measure_rows(ds, code, year)
  if dist then
    if dist.value ~= nil then
      if unit == "да-нет" then return dist.value ~= 0 end
      return dist.value
    end
    if unit == "%" then return percent(dist.numerator, dist.denominator), dist.numerator, dist.denominator end
    return dist.numerator
  end
  if #schools == 0 then return nil end
  local num, den, sum, ratios = 0, 0, 0, 0
  for _, r in ipairs(schools) do
    if r.numerator and r.denominator then num, den, ratios = num + r.numerator, den + r.denominator, ratios + 1 end
    sum = sum + (r.value or r.numerator or 0)
  end
  if unit == "шт." then return sum end
  if unit == "%" and ratios > 0 then return percent(num, den), num, den end
  return nil, nil, nil, "нет районного значения, а значения школ не складываются (укажите строку с пустым school_id)"
end

-- ---- evaluation ----

-- Achieved? да-нет: equal to the target; %, шт.: actual ≥ target (≤ when lower is better).
function M.achieved(unit, actual, target, lower)
  if actual == nil or target == nil then return nil end
  if unit == "да-нет" or type(target) == "boolean" then
    if type(actual) == "number" then actual = actual ~= 0 end
    return actual == target
  end
  if type(actual) ~= "number" or type(target) ~= "number" then return nil end
  if lower then return actual <= target + EPS end
  return actual >= target - EPS
end

-- The actual value of a targets row for a year: value, lower_is_better, num, den, error (with
-- the targets.csv line and the indicator's code in front).
local function actual_of(ds, row, year)
  local v, lower, num, den, err
  if row.source == "measure" then
    lower = false
    v, num, den, err = M.measure_value(ds, row.code, row.unit, year)
  else
    v, lower, err = M.eval_expression(ds, row.source, row._line, year)
  end
  if err then err = "targets.csv:" .. row._line .. ": показатель " .. row.code .. ": " .. err end
  if row.unit == "да-нет" and type(v) == "number" then v = v ~= 0 end
  return v, lower, num, den, err
end

-- The unit as spelled in schema.units ("Шт." → "шт."): validation compares folded, so must we.
local function unit_of(text)
  for _, u in ipairs(schema.units) do
    if engine.fold(u) == engine.fold(text or "") then return u end
  end
  return text
end

-- One targets.csv row evaluated for `year`: { code, section, name, unit, source, line, year,
-- target (number | boolean | nil), actual, num, den, prev (actual of year − 1), change (actual −
-- prev, numbers only), achieved (true | false | nil), lower_is_better, error (message | nil) }.
function M.evaluate_row(ds, row, year)
  row = setmetatable({ unit = unit_of(row.unit) }, { __index = row })   -- the caller's row stays as is
  local e = { code = row.code, section = row.section, name = row.name, unit = row.unit,
    source = row.source, line = row._line, year = year }
  local t = row["target_" .. year]
  if t then e.target = validate.target_value(t) end
  e.actual, e.lower_is_better, e.num, e.den, e.error = actual_of(ds, row, year)
  if not e.error then e.prev = actual_of(ds, row, year - 1) end
  if type(e.actual) == "number" and type(e.prev) == "number" then e.change = e.actual - e.prev end
  if not e.error then e.achieved = M.achieved(row.unit, e.actual, e.target, e.lower_is_better) end
  return e
end

-- Every target indicator for `year` (default settings.report_year), in targets.csv order. An
-- expression that fails gives that indicator an `error`, never a crash of the report.
function M.evaluate(ds, year)
  year = year or ds.settings.report_year
  local f, out = ds.files.targets, {}
  if not f then return out end
  for i = 1, f.table:nrows() do out[#out + 1] = M.evaluate_row(ds, f.table:row(i), year) end
  return out
end

-- A value in its unit as printed: "85,7 %", "7", "да", "—".
function M.format(unit, v)
  if v == nil then return ru.DASH end
  if type(v) == "boolean" then return v and "да" or "нет" end
  if unit == "%" then return ru.pct_value(v) end
  return ru.num(v, v == math.floor(v) and 0 or 1)
end

-- A change in its unit: "+4,2 п.п." for %, "+2" for шт., "—" otherwise.
function M.format_change(unit, d)
  if type(d) ~= "number" then return ru.DASH end
  if unit == "%" then return ru.pp(d / 100) end
  return ru.signed(d, d == math.floor(d) and 0 or 1)
end

return M
