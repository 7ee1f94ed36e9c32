-- dynamics — trends over the available years and dynamics vs the previous year (DESIGN.md
-- "Indicators"): positive / negative / stable with dynamics_tolerance п.п. on the failing share,
-- качество знаний deciding within the tolerance; comparable only with ≥ min_participants in both
-- years. A school has positive dynamics when more than half of its comparable counted
-- procedures are positive. Uses lua/results.lua and lua/indicators.lua.
local ind = require("indicators")
local results = require("results")

local M = {}

-- Sign of (a1/n1 − a0/n0)·100 against ±tol, decided on integers (no rounding of shares):
-- 1 when the share rose by more than tol п.п., −1 when it fell by more, 0 within tol.
local function moved(a0, n0, a1, n1, tol)
  local num, lim = (a1 * n0 - a0 * n1) * 100, tol * n0 * n1
  if num > lim then return 1 elseif num < -lim then return -1 end
  return 0
end

local function quality_counts(c)
  if c.m4 == nil or (c.marked or 0) == 0 then return nil end
  return c.m4 + c.m5, c.marked
end

-- Why prev → cur cannot be compared, or nil when it can; b0, b1 are the failing bases of prev
-- and cur (indicators.failing), looked at only when both have enough participants.
local function not_comparable(prev, cur, min_n, b0, b1)
  if not prev or not cur then return "нет результатов за один из годов" end
  if prev.participants < min_n or cur.participants < min_n then
    return "меньше " .. min_n .. " участников в одном из годов"
  end
  if not b0 or not b1 then return "нет отметок и данных о минимальном пороге" end
  if b0 ~= b1 then return "в одном году отметки, в другом только минимальный порог" end
  return nil
end

-- Dynamics of one result (counts records of the previous and the current year) under settings
-- s (min_participants, dynamics_tolerance). Returns a table:
--   status "positive" | "negative" | "stable", or nil with `reason` when not comparable;
--   decided_by "failing" | "quality" | nil (stable); fail_change, quality_change: unrounded
--   differences of the shares (fractions; quality_change nil without marks).
function M.compare(prev, cur, s)
  local f0, a0, n0, b0, f1, a1, n1, b1
  if prev and cur then   -- each record's failing share once: dynamics of every school use this
    f0, a0, n0, b0 = ind.failing(prev)
    f1, a1, n1, b1 = ind.failing(cur)
  end
  local why = not_comparable(prev, cur, s.min_participants or 5, b0, b1)
  if why then return { reason = why } end
  local tol = s.dynamics_tolerance or 1
  local out = { fail_change = f1 - f0 }
  local q0, qn0 = quality_counts(prev)
  local q1, qn1 = quality_counts(cur)
  if q0 and q1 then out.quality_change = q1 / qn1 - q0 / qn0 end
  local fm = moved(a0, n0, a1, n1, tol)                      -- a falling failing share is good
  local qm = (q0 and q1) and moved(q0, qn0, q1, qn1, tol) or 0  -- a rising quality is good
  if fm ~= 0 then
    out.status, out.decided_by = fm < 0 and "positive" or "negative", "failing"
  elseif qm ~= 0 then
    out.status, out.decided_by = qm > 0 and "positive" or "negative", "quality"
  else
    out.status = "stable"
  end
  return out
end

-- prev and cur of a result_dynamics table are looked up when read, not held: clusters keep the
-- dynamics of every school, and two records per counted result of every school do not fit in
-- memory at 40,000 schools.
local LOOKUP = { prev = -1, cur = 0 }
local Lazy = { __index = function(d, k)
  local back = LOOKUP[k]
  if back == nil then return nil end
  return results.index(d.ds):get(d.procedure, d.subject, d.grade, d.school_id, d.year + back)
end }

-- Dynamics of one school on one procedure × subject × grade, year vs year − 1: the compare()
-- table plus procedure, subject, grade, school_id, year, prev, cur (the counts records).
function M.result_dynamics(ds, school_id, year, procedure, subject, grade)
  local R = results.index(ds)
  local prev = R:get(procedure, subject, grade, school_id, year - 1)
  local cur = R:get(procedure, subject, grade, school_id, year)
  local d = M.compare(prev, cur, ds.settings)
  d.procedure, d.subject, d.grade, d.school_id, d.year, d.ds = procedure, subject, grade, school_id, year, ds
  return setmetatable(d, Lazy)
end

-- Tallies a list of compare() tables: positive, negative, stable, comparable counts and
-- is_positive (more than half of the comparable ones positive; exactly half is not).
local function tally(items)
  local t = { positive = 0, negative = 0, stable = 0, comparable = 0, items = items }
  for _, d in ipairs(items) do
    if d.status then
      t[d.status] = t[d.status] + 1
      t.comparable = t.comparable + 1
    end
  end
  t.is_positive = t.comparable > 0 and t.positive * 2 > t.comparable
  return t
end

local function school_items(ds, school_id, year)
  local items = {}
  for _, p in ipairs(results.counted(ds)) do
    items[#items + 1] = M.result_dynamics(ds, school_id, year, p.procedure, p.subject, p.grade)
  end
  return items
end

-- The items of a school_dynamics table are made again when read, not held: clusters keep the
-- dynamics of every school (40,000 × 8 items would take ~180 MB of the Lua heap).
local LazyItems = { __index = function(t, k)
  if k == "items" then return school_items(t.ds, t.school_id, t.year) end
end }

-- A school's dynamics over the counted procedures (low_procedures), year vs year − 1:
-- { positive, negative, stable, comparable, is_positive, items = {result_dynamics…} }.
function M.school_dynamics(ds, school_id, year)
  local t = tally(school_items(ds, school_id, year))
  t.items, t.ds, t.school_id, t.year = nil, ds, school_id, year
  return setmetatable(t, LazyItems)
end

-- A school's dynamics on one procedure and subject: on the given grade, or over every grade
-- of it in the data (positive when more than half of the comparable grades are). The tally
-- of school_dynamics; comparable = 0 means the school is not comparable on it.
function M.subject_dynamics(ds, school_id, year, procedure, subject, grade)
  local grades = grade and { grade } or results.index(ds):grades(procedure, subject)
  local items = {}
  for _, g in ipairs(grades) do
    items[#items + 1] = M.result_dynamics(ds, school_id, year, procedure, subject, g)
  end
  return tally(items)
end

-- Trend over every available year of one result of a school (f.school_id) or of the district
-- (no school_id: sums of counts): list of { year=, counts=, shares= (indicators.shares) }.
-- f = {procedure=, subject=, grade=, school_id=}.
function M.trend(ds, f)
  local R, out = results.index(ds), {}
  for _, y in ipairs(R:years(f)) do
    local ff = { year = y }
    for k, v in pairs(f) do ff[k] = v end
    local c = R:sum(ff)
    out[#out + 1] = { year = y, counts = c, shares = ind.shares(c) }
  end
  return out
end

-- Unrounded changes of the main indicators between two counts records (cur − prev; nil where
-- either side is undefined): fail, success, quality, mean_mark, sou, failing.
function M.change(prev, cur)
  local out = {}
  if not prev or not cur then return out end
  local a, b = ind.shares(prev), ind.shares(cur)
  for _, k in ipairs({ "fail", "success", "quality", "mean_mark", "sou", "failing", "below_min" }) do
    if a[k] and b[k] then out[k] = b[k] - a[k] end
  end
  return out
end

return M
