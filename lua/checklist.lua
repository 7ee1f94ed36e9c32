-- checklist — the criteria checklist of seed 003 (Приложение 3 «Критерии и показатели отнесения
-- к типу школ с низкими результатами обучения»): да / нет per criterion per school for a report
-- year. The criteria are those of the seeds the data can answer; "да" always points at a risk,
-- nil means the data cannot tell (no risks.csv, no ЕГЭ, no students). Uses identify (its
-- clusters give each school's dynamics and risk zone) and the table of results.csv.
local namekey = require("names").key
local identify = require("identify")
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

-- Did any ЕГЭ participant fail the minimum in a subject by choice in year y, per school:
-- { [school_id] = true | false }, schools without an ЕГЭ subject by choice with below_min that
-- year left out (nil: no data). One C pass sums below_min by school and subject (counts are
-- never negative, so a sum above 0 means a row above 0).
local function ege_below_min_by_school(ds, y)
  local out, f = {}, ds.files.results
  if not f or not f.table:has("below_min") then return out end
  local t = f.table
  local sk = t:add_namekey("subject")
  local compulsory = {}
  for _, s in ipairs(COMPULSORY) do compulsory[namekey(s)] = true end
  local groups = t:group_sum({ by = { "school_id", sk }, sum = { "below_min" },
    where = { year = y, [t:add_namekey("procedure")] = namekey("ЕГЭ") } })
  for _, g in ipairs(groups) do
    if not compulsory[g[sk]] and g.below_min ~= nil and g.school_id ~= nil then
      out[g.school_id] = out[g.school_id] or g.below_min > 0
    end
  end
  return out
end

-- Any risk factor of school id at level высокий; nil without risks.csv (risks: the rows of
-- the year by school, identify.risks_by_school).
local HIGH = namekey("высокий")
local function risk_high(risks, id)
  if not risks then return nil end
  for _, r in ipairs(risks[id] or {}) do
    if r.level and namekey(r.level) == HIGH then return true end
  end
  return false
end

-- Answers of one school: { [criterion id] = true | false | nil }.
-- facts = what the year's data says by school: { low = its low results, clusters,
-- ege = ege_below_min_by_school, risks = its risks.csv rows }.
local function answers(ds, school, facts, ident)
  local id, s = school.school_id, ds.settings
  local y1, y2 = ident.low_y1, ident.low_y2
  local y0 = facts.low[id] or {}
  local c = facts.clusters.by_school[id]   -- its dynamics and risk zone, computed once
  local d = c.dynamics
  local small = identify.is_small(school, s)
  local zone, no_dyn = nil, nil   -- `a and false or nil` would give nil: spelled out
  if ds.files.risks then zone = #c.risks > 0 end
  if d.comparable > 0 then no_dyn = not d.is_positive end
  return {
    low_two_last_year = #y1 >= 2,
    low_last_two_years = #y1 >= 1 and #y2 >= 1,
    low_three_years = #y2 >= 1 and #y1 >= 1 and #y0 >= 1,
    ege_below_min = facts.ege[id],
    risk_high = risk_high(facts.risks, id),
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

-- The checklist's frame: year, criteria, order, and the facts the answers come from;
-- clusters_of(ds, y, each) gives the clusters (identify.clusters or identify.cluster_entries).
-- each: identification and low results from each school's own records (M.lazy).
local function frame(ds, y, clusters_of, each)
  local ident = (each and identify.identify_each or identify.identify)(ds, y)
  local out = { year = y, criteria = {}, order = ident.order, schools = {} }
  for _, c in ipairs(M.CRITERIA) do
    out.criteria[#out.criteria + 1] = { id = c.id, text = M.text(c, y, ds.settings) }
  end
  local schools = identify.schools(ds)
  if #schools == 0 then return out, schools, nil, ident end
  local low = each and identify.per_school(ds, function(school)
    return identify.school_low_results(ds, school.school_id, y)
  end) or identify.low_results_by_school(ds, y)
  local facts = { low = low, clusters = clusters_of(ds, y, each),
    ege = ege_below_min_by_school(ds, y), risks = identify.risks_by_school(ds, y) }
  return out, schools, facts, ident
end

function M.build_(ds, y)
  local out, schools, facts, ident = frame(ds, y, identify.clusters)
  for _, school in ipairs(schools) do
    out.schools[school.school_id] = answers(ds, school, facts, ident.by_school[school.school_id])
  end
  return out
end

-- The checklist as M.build gives it, each school's answers made only when first asked for
-- (schools fills itself in; do not iterate it): for documents about one school at a time.
-- With `each`, for a run about a few schools of a large dataset, the facts come from each
-- asked school's own records (identify.cluster_entries). The same answers either way.
function M.lazy(ds, y, each)
  y, each = y or ds.settings.report_year, each and true or false
  return memo.get(ds, "checklist_lazy", function()
    local out, _, facts, ident = frame(ds, y, identify.cluster_entries, each)
    if facts then
      out.schools = identify.per_school(ds, function(s)
        return answers(ds, s, facts, ident.by_school[s.school_id])
      end)
    end
    return out
  end, y, each)
end

-- "да" / "нет" / "—" (no data) for an answer.
function M.yes_no(v)
  if v == nil then return "—" end
  return v and "да" or "нет"
end

return M
