-- checklist — the criteria checklist of seed 003 (Приложение 3 «Критерии и показатели отнесения
-- к типу школ с низкими результатами обучения»): да / нет per criterion per school for a report
-- year. The criteria are those of the seeds the data can answer; "да" always points at a risk,
-- nil means the data cannot tell (no risks.csv, no ЕГЭ, no students). Uses identify (its
-- clusters give each school's dynamics and risk zone) and results.
local engine = require("engine")
local identify = require("identify")
local results = require("results")
local memo = require("memo")

local M = {}

-- Compulsory ЕГЭ subjects; everything else taken at ЕГЭ is a subject by choice (seed 003, п. 3).
local COMPULSORY = { "Русский язык", "Математика", "Математика (базовая)", "Математика (профильная)" }

-- The criteria in print order: id and text (with %d for the years where needed).
M.CRITERIA = {
  { id = "low_two_last_year", text = "Низкие результаты (доля «2» не ниже порога) не менее чем по двум оценочным процедурам в %d г." },
  { id = "low_last_two_years", text = "Низкие результаты хотя бы по одной оценочной процедуре в каждом из двух предыдущих лет (%d и %d гг.)" },
  { id = "low_three_years", text = "Низкие результаты ВПР, ОГЭ, ЕГЭ в каждом из трёх последних лет (%d–%d гг.)" },
  { id = "ege_below_min", text = "Есть выпускники 11 классов, не преодолевшие минимальный порог ЕГЭ по предметам по выбору (%d г.)" },
  { id = "risk_high", text = "Есть факторы риска высокого уровня в риск-профиле школы (%d г.)" },
  { id = "risk_zone", text = "Низкий уровень оснащения школы или дефицит педагогических кадров на высоком уровне (%d г.)" },
  { id = "small", text = "Малочисленная школа (менее %d обучающихся или статус «малочисленная»)" },
  { id = "no_positive_dynamics", text = "Нет положительной динамики результатов оценочных процедур (%d г. к %d г.)" },
}

-- The printed text of criterion c for report year y.
function M.text(c, y, s)
  if c.id == "low_two_last_year" then return string.format(c.text, y - 1) end
  if c.id == "low_last_two_years" then return string.format(c.text, y - 1, y - 2) end
  if c.id == "low_three_years" then return string.format(c.text, y - 2, y) end
  if c.id == "small" then return string.format(c.text, s.small_school_students or 100) end
  if c.id == "no_positive_dynamics" then return string.format(c.text, y, y - 1) end
  return string.format(c.text, y)
end

-- Did any ЕГЭ participant of the school fail the minimum in a subject by choice in year y?
-- nil when the school has no ЕГЭ subject by choice with below_min that year.
local function ege_below_min(ds, id, y)
  local compulsory = {}
  for _, s in ipairs(COMPULSORY) do compulsory[engine.namekey(s)] = true end
  local any, failed = false, false
  for _, r in ipairs(results.index(ds):rows({ school_id = id, year = y, procedure = "ЕГЭ" })) do
    if not compulsory[r.sk] and r.below_min ~= nil then
      any, failed = true, failed or r.below_min > 0
    end
  end
  if not any then return nil end
  return failed
end

-- Any risk factor at level высокий in year y; nil without risks.csv.
local function risk_high(ds, id, y)
  local rows = identify.risk_rows(ds, id, y)
  if not rows then return nil end
  for _, r in ipairs(rows) do
    if r.level and engine.namekey(r.level) == engine.namekey("высокий") then return true end
  end
  return false
end

-- Answers of one school: { [criterion id] = true | false | nil }.
local function answers(ds, school, y, ident)
  local id, s = school.school_id, ds.settings
  local y1, y2 = ident.low_y1, ident.low_y2
  local y0 = identify.low_results(ds, id, y)
  local c = identify.clusters(ds, y).by_school[id]   -- its dynamics and risk zone, computed once
  local d = c.dynamics
  local small = identify.is_small(school, s)
  local zone, no_dyn = nil, nil   -- `a and false or nil` would give nil: spelled out
  if ds.files.risks then zone = #c.risks > 0 end
  if d.comparable > 0 then no_dyn = not d.is_positive end
  return {
    low_two_last_year = #y1 >= 2,
    low_last_two_years = #y1 >= 1 and #y2 >= 1,
    low_three_years = #y2 >= 1 and #y1 >= 1 and #y0 >= 1,
    ege_below_min = ege_below_min(ds, id, y),
    risk_high = risk_high(ds, id, y),
    risk_zone = zone,
    small = small,
    no_positive_dynamics = no_dyn,
    identified = ident.low,
  }
end

-- The checklist for report year y (default settings.report_year): { year, criteria = {{id,
-- text}}, order = {school ids}, schools = { [id] = { [criterion id] = true|false|nil,
-- identified = bool } } }.
function M.build(ds, y)
  y = y or ds.settings.report_year
  return memo.get(ds, "checklist", function() return M.build_(ds, y) end, y)
end

function M.build_(ds, y)
  local ident = identify.identify(ds, y)
  local out = { year = y, criteria = {}, order = ident.order, schools = {} }
  for _, c in ipairs(M.CRITERIA) do
    out.criteria[#out.criteria + 1] = { id = c.id, text = M.text(c, y, ds.settings) }
  end
  for _, school in ipairs(identify.schools(ds)) do
    out.schools[school.school_id] = answers(ds, school, y, ident.by_school[school.school_id])
  end
  return out
end

-- "да" / "нет" / "—" (no data) for an answer.
function M.yes_no(v)
  if v == nil then return "—" end
  return v and "да" or "нет"
end

return M
