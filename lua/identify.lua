-- identify — schools with low results (DESIGN.md, seed 004): the low_rule (fioko or
-- same_procedure) over the counted procedures with low_share_threshold and min_participants,
-- with the results that triggered it; the clusters 1 / 2 / 3 / stable with their reasons.
-- The criteria checklist of seed 003 is in lua/checklist.lua. Uses results, indicators, names,
-- dynamics, ru.
local namekey = require("names").key
local ind = require("indicators")
local results = require("results")
local dynamics = require("dynamics")
local ru = require("ru")
local memo = require("memo")

local M = {}

-- Risk factors that put a school into cluster 2 at level высокий (DESIGN.md "Clusters").
M.RISK_ZONE_FACTORS = { "низкий уровень оснащения школы", "дефицит педагогических кадров" }

-- schools.csv rows in file order (tables with the column names and _line).
function M.schools(ds)
  local f, out = ds.files.schools, {}
  if not f then return out end
  for i = 1, f.table:nrows() do out[i] = f.table:row(i) end
  return out
end

-- The verdict of is_low on a result of n participants whose failing share is share = count /
-- total on `basis` (indicators.failing; share nil when it has none).
local function judged(n, s, share, count, total, basis)
  if n < (s.min_participants or 5) or not share then return false end
  return count * 100 >= (s.low_share_threshold or 30) * total, share, count, total, basis
end

-- Is a counts record low under settings s? Counted only with ≥ min_participants; the failing
-- share is compared unrounded and exactly: count·100 ≥ threshold·total (3 of 10 is 30 % and
-- low; 29,96 % is not, though it prints "30,0 %"). Returns low, share, count, total, basis.
function M.is_low(c, s)
  if not c then return false end
  return judged(c.participants, s, ind.failing(c))
end

-- A low result as low_results lists it: the result's procedure and subject as written, the
-- counted procedure's grade, and judged()'s count, total, share and basis.
local function low_entry(procedure, subject, grade, year, count, total, share, basis)
  return { procedure = procedure, subject = subject, grade = grade, year = year, count = count,
    participants = total, share = share, basis = basis }
end

-- Adds the low result of each school on counted result p in `year` to out[school_id], as
-- low_results lists it. The school's row of p (results.Index:school_rows) is judged from its
-- cells as is_low judges its record: every school at once, no record made.
local function add_low(ds, p, year, out)
  local R = results.index(ds)
  local rows, ids = R:school_rows(p.procedure, p.subject, p.grade, year)
  if #rows == 0 then return end
  local np, m2s, belows = R:cells("participants", rows), R:cells("m2", rows), R:cells("below_min", rows)
  local s, t = ds.settings, R.t
  local failing_of = ind.failing_of
  for i = 1, #rows do
    local n = np[i] or 0   -- as complete() records it; its marks and below_min cover all n
    local low, share, count, total, basis = judged(n, s, failing_of(m2s[i], n, belows[i], n))
    if low then
      local id = ids[i]
      local list = out[id] or {}
      out[id] = list
      list[#list + 1] = low_entry(t:get("procedure", rows[i]), t:get("subject", rows[i]), p.grade, year,
        count, total, share, basis)
    end
  end
end

-- The low results of every school in a year: { [school_id] = list as low_results(ds, id, year)
-- gives }, schools without any left out. Memoised per dataset and year; the lists are shared.
-- Every school's at once: identification asks for them all.
function M.low_results_by_school(ds, year)
  return memo.get(ds, "low_results", function()
    local out = {}
    for _, p in ipairs(results.counted(ds)) do add_low(ds, p, year, out) end
    return out
  end, year)
end

-- The low results of school `id` in `year` as low_results_by_school lists them, from the
-- school's own records: no pass over every school, for runs that build a few schools' documents
-- out of a large dataset (a shard of a country's sheets). The same lists, a Lua test compares.
function M.school_low_results(ds, id, year)
  local R, s, list = results.index(ds), ds.settings, {}
  for _, p in ipairs(results.counted(ds)) do
    local r = R:get(p.procedure, p.subject, p.grade, id, year)
    local low, share, count, total, basis = M.is_low(r, s)
    if low then
      list[#list + 1] = low_entry(r.procedure, r.subject, p.grade, year, count, total, share, basis)
    end
  end
  return list
end

-- The counted procedures low for a school in a year: list of { procedure, subject, grade,
-- year, count (m2 or below_min), participants, share (unrounded), basis ("m2"|"below_min") }.
function M.low_results(ds, school_id, year)
  local list = M.low_results_by_school(ds, year)[school_id] or {}
  return table.move(list, 1, #list, 1, {})   -- the caller's own list
end

local function same_key(a, b)
  return namekey(a.procedure) == namekey(b.procedure)
    and namekey(a.subject) == namekey(b.subject) and a.grade == b.grade
end

-- Which rule identifies the school, and the results that make it so; nil when none does.
local function apply_rule(rule, y1, y2)
  if rule == "same_procedure" then
    local hits = {}
    for _, a in ipairs(y1) do
      for _, b in ipairs(y2) do
        if same_key(a, b) then hits[#hits + 1] = a; hits[#hits + 1] = b end
      end
    end
    return #hits > 0 and "same_procedure" or nil, hits
  end
  local all = {}
  for _, r in ipairs(y1) do all[#all + 1] = r end
  for _, r in ipairs(y2) do all[#all + 1] = r end
  if #y1 >= 2 then return "two_last_year", all end
  if #y1 >= 1 and #y2 >= 1 then return "last_two_years", all end
  return nil, {}
end

local identify, clusters   -- below, memoised by M.identify and M.clusters

-- Identification for report year `year` (default settings.report_year): the report year's own
-- results do not identify; Y−1 and Y−2 do. Returns { year, rule = settings.low_rule,
-- order = {school ids in schools.csv order}, low = {ids identified}, by_school = { [id] =
-- { school_id, low, rule_met ("two_last_year" | "last_two_years" | "same_procedure" | nil),
-- triggers = {low results}, low_y1, low_y2 } } }.
function M.identify(ds, year)
  year = year or ds.settings.report_year
  return memo.get(ds, "identify", function() return identify(ds, year) end, year)
end

-- One school's entry of identify().by_school from its low results of year − 1 and year − 2.
local function identification_of(id, rule, y1, y2)
  local met, triggers = apply_rule(rule, y1, y2)
  return { school_id = id, low = met ~= nil, rule_met = met, triggers = triggers, low_y1 = y1, low_y2 = y2 }
end

function identify(ds, year)
  local rule = ds.settings.low_rule or "fioko"
  local out = { year = year, rule = rule, order = {}, low = {}, by_school = {} }
  local schools, low1, low2 = M.schools(ds), {}, {}
  if #schools > 0 then   -- as many questions as schools: none asked without schools
    low1, low2 = M.low_results_by_school(ds, year - 1), M.low_results_by_school(ds, year - 2)
  end
  for _, s in ipairs(schools) do
    local id = s.school_id
    local e = identification_of(id, rule, low1[id] or {}, low2[id] or {})
    out.by_school[id] = e
    out.order[#out.order + 1] = id
    if e.low then out.low[#out.low + 1] = id end
  end
  return out
end

-- identify() for runs about a few schools of a large dataset: by_school fills itself in from
-- each school's own records when asked for (school_low_results; do not iterate it), and there
-- is no `low` list (that needs every school). The same entries, a Lua test compares.
function M.identify_each(ds, year)
  year = year or ds.settings.report_year
  return memo.get(ds, "identify_each", function()
    local rule, order = ds.settings.low_rule or "fioko", {}
    for i, s in ipairs(M.schools(ds)) do order[i] = s.school_id end
    local by_school = M.per_school(ds, function(s)
      local id = s.school_id
      return identification_of(id, rule, M.school_low_results(ds, id, year - 1),
        M.school_low_results(ds, id, year - 2))
    end)
    return { year = year, rule = rule, order = order, by_school = by_school }
  end, year)
end

-- ru.subject_dative memoised: declining is slow, and the reasons of every school name the same
-- few subjects.
local dative_of = {}
local function dative(subject)
  local d = dative_of[subject]
  if not d then d = ru.subject_dative(subject); dative_of[subject] = d end
  return d
end

-- "ВПР по математике, 5 класс, 2023 г.: «2» у 6 из 17 участников (35,3 %)"; results without
-- marks say "ниже минимального порога у 2 из 5 участников (40,0 %)".
function M.result_text(r)
  local what = r.basis == "below_min" and "ниже минимального порога" or "«2»"
  local n = r.participants
  local noun = (n % 10 == 1 and n % 100 ~= 11) and "участника" or "участников"   -- «из 21 участника»
  return string.format("%s по %s, %d%sкласс, %d%sг.: %s у %d из %d %s (%s)", r.procedure,
    dative(r.subject), r.grade, ru.NBSP, r.year, ru.NBSP, what, r.count, n, noun, ru.pct(r.share))
end

local RULE_TEXT = {
  two_last_year = "низкие результаты не менее чем по двум оценочным процедурам в %d г.",
  last_two_years = "низкие результаты хотя бы по одной оценочной процедуре в каждом из двух предыдущих лет (%d и %d гг.)",
  same_procedure = "низкие результаты по одной и той же оценочной процедуре в %d и %d гг.",
}

-- The reason a school was identified, as one Russian sentence fragment with its results.
function M.reason_text(entry, year)
  if not entry.low then return nil end
  local head = string.format(RULE_TEXT[entry.rule_met], year - 1, year - 2)
  local parts = {}
  for _, r in ipairs(entry.triggers) do parts[#parts + 1] = M.result_text(r) end
  return head .. ": " .. table.concat(parts, "; ")
end

-- ---- clusters ----

-- The risks.csv rows (table:row records) of a year by school: { [school_id] = rows in file
-- order }, rows without a school left out; nil without risks.csv. One pass over the year's
-- rows, memoised per dataset and year: the lists are shared, callers read them.
function M.risks_by_school(ds, year)
  local f = ds.files.risks
  if not f then return nil end
  return memo.get(ds, "risks_by_school", function()
    local t, out = f.table, {}
    local g = t:groups({ "year" })
    local k = year ~= nil and g:find(year)
    if not k then return out end
    local rows = g:rows(k)
    local ids = t:cells("school_id", rows)
    for i = 1, #rows do
      local id = ids[i]
      if id ~= nil then
        local list = out[id] or {}
        out[id] = list
        list[#list + 1] = t:row(rows[i])
      end
    end
    return out
  end, year)
end

-- The risks.csv rows (table:row records) of a school in a year, in file order; nil without
-- risks.csv. The list is shared (risks_by_school): read it, do not change it.
function M.risk_rows(ds, school_id, year)
  local by_school = M.risks_by_school(ds, year)
  if not by_school then return nil end
  return by_school[school_id] or {}
end

local HIGH = namekey("высокий")

-- The risk-zone factors among risks.csv rows (risk_zone).
local function zone_factors(rows)
  local out, seen, zone = {}, {}, {}
  for _, name in ipairs(M.RISK_ZONE_FACTORS) do zone[namekey(name)] = true end
  for _, r in ipairs(rows) do
    local k = tostring(r.factor) .. "\1" .. tostring(r.level)
    if not seen[k] then
      seen[k] = true
      if r.factor and r.level and zone[namekey(r.factor)] and namekey(r.level) == HIGH then
        out[#out + 1] = r.factor
      end
    end
  end
  return out
end

-- Risk-zone factors of a school at level высокий in a year (names as written in risks.csv),
-- each distinct factor-and-level once, in order of first appearance.
function M.risk_zone(ds, school_id, year)
  return zone_factors(M.risk_rows(ds, school_id, year) or {})
end

-- Is the school small: students < small_school_students, or status «малочисленная»? Returns
-- small (nil when unknown: no students and no status), and the reason text.
function M.is_small(school, s)
  for st in (school.status or ""):gmatch("[^|]+") do
    if namekey(st) == namekey("малочисленная") then return true, "статус «малочисленная»" end
  end
  local limit = s.small_school_students or 100
  if school.students == nil then return nil end
  if school.students < limit then
    return true, string.format("малочисленная школа: %s (менее %d)", ru.count(school.students, "обучающийся"), limit)
  end
  return false
end

local function dynamics_text(d, year)
  return string.format("положительная динамика по %d из %d сопоставимых процедур (%d г. к %d г.)",
    d.positive, d.comparable, year, year - 1)
end

-- The cluster of one school: 1 low results; 2 risk zone; 3 positive dynamics; "stable".
-- each: the school's dynamics from its own records (see cluster_entries).
local function cluster_of(ds, school, ident, year, risks, each)
  local e = { school_id = school.school_id, identification = ident, reasons = {} }
  e.dynamics = (each and dynamics.school_dynamics_each or dynamics.school_dynamics)(ds, school.school_id, year)
  e.risks = zone_factors(risks and risks[school.school_id] or {})
  local small, small_why = M.is_small(school, ds.settings)
  e.small = small
  if ident.low then
    e.cluster, e.reasons[1] = 1, M.reason_text(ident, year)
  elseif #e.risks > 0 or small then
    e.cluster = 2
    for _, r in ipairs(e.risks) do
      e.reasons[#e.reasons + 1] = string.format("фактор риска «%s» высокого уровня в %d г.", r, year)
    end
    if small then e.reasons[#e.reasons + 1] = small_why end
  elseif e.dynamics.is_positive then
    e.cluster, e.reasons[1] = 3, dynamics_text(e.dynamics, year)
  else
    e.cluster = "stable"
    e.reasons[1] = e.dynamics.comparable == 0 and "нет сопоставимых результатов за два года"
      or (dynamics_text(e.dynamics, year) .. " — не более половины")
  end
  return e
end

-- Clusters for report year `year` (default settings.report_year), exclusive in priority
-- 1 → 2 → 3 → stable. Dynamics compare year with year − 1. Returns { year, order,
-- identification = identify(), by_school = { [id] = { cluster, reasons = {texts}, dynamics,
-- risks = {factor names}, small, identification } }, members = { [1] = {ids}, [2], [3], stable } }.
function M.clusters(ds, year)
  year = year or ds.settings.report_year
  return memo.get(ds, "clusters", function() return clusters(ds, year) end, year)
end

-- A table by school id that fills itself in: t[id] is make(row) for the schools.csv row of id,
-- made when first asked for (nil for an unknown id). Do not iterate it. The rows by id are made
-- once per dataset and shared: make reads its row, never changes it.
function M.per_school(ds, make)
  local rows = memo.get(ds, "school_rows_by_id", function()
    local by_id = {}
    for _, s in ipairs(M.schools(ds)) do by_id[s.school_id] = s end
    return by_id
  end)
  return setmetatable({}, { __index = function(t, id)
    local s = rows[id]
    if not s then return nil end
    local v = make(s)
    rawset(t, id, v)
    return v
  end })
end

-- The clusters' entries by school as M.clusters gives them, each made only when first asked
-- for: { year, order, identification, by_school } (no members: a document listing a cluster's
-- members uses M.clusters). With `each`, for a run about a few schools of a large dataset (a
-- shard of a country's sheets), the identification (identify_each) and dynamics
-- (dynamics.school_dynamics_each) come from each asked school's own records instead of passes
-- over every school, and identification has no `low` list. The same entries either way.
function M.cluster_entries(ds, year, each)
  year, each = year or ds.settings.report_year, each and true or false
  return memo.get(ds, "cluster_entries", function()
    local ident = (each and M.identify_each or M.identify)(ds, year)
    local risks = M.risks_by_school(ds, year)
    local by_school = M.per_school(ds, function(s)
      return cluster_of(ds, s, ident.by_school[s.school_id], year, risks, each)
    end)
    return { year = year, order = ident.order, identification = ident, by_school = by_school }
  end, year, each)
end

function clusters(ds, year)
  local ident = M.identify(ds, year)
  local out = { year = year, order = ident.order, identification = ident, by_school = {},
    members = { [1] = {}, [2] = {}, [3] = {}, stable = {} } }
  local risks = M.risks_by_school(ds, year)
  for _, s in ipairs(M.schools(ds)) do
    local e = cluster_of(ds, s, ident.by_school[s.school_id], year, risks)
    out.by_school[s.school_id] = e
    local m = out.members[e.cluster]
    m[#m + 1] = s.school_id
  end
  return out
end

return M
