-- dynamics — trends over the available years and dynamics vs the previous year (DESIGN.md
-- "Indicators"): positive / negative / stable with dynamics_tolerance п.п. on the failing share,
-- качество знаний deciding within the tolerance; comparable only with ≥ min_participants in both
-- years. A school has positive dynamics when more than half of its comparable counted
-- procedures are positive. Uses lua/results.lua and lua/indicators.lua.
local ind = require("indicators")
local results = require("results")
local memo = require("memo")

local M = {}

-- Sign of (a1/n1 − a0/n0)·100 against ±tol, decided on integers (no rounding of shares):
-- 1 when the share rose by more than tol п.п., −1 when it fell by more, 0 within tol.
local function moved(a0, n0, a1, n1, tol)
  local num, lim = (a1 * n0 - a0 * n1) * 100, tol * n0 * n1
  if num > lim then return 1 elseif num < -lim then return -1 end
  return 0
end

-- Quality counts (m4 + m5 of `marked` participants), nil without marks.
local function quality_of(m4, m5, marked)
  if m4 == nil or (marked or 0) == 0 then return nil end
  return m4 + m5, marked
end

-- compare()'s decision from the numbers it looks at, of the previous (…0) and the current
-- year (…1): participants n, failing count a of total t on basis b (indicators.failing), quality
-- counts q of qn (nil without marks). Returns status, decided_by; or nil, the reason they cannot
-- be compared.
local function decide(s, n0, a0, t0, b0, q0, qn0, n1, a1, t1, b1, q1, qn1)
  local min_n = s.min_participants or 5
  if n0 < min_n or n1 < min_n then return nil, "меньше " .. min_n .. " участников в одном из годов" end
  if not b0 or not b1 then return nil, "нет отметок и данных о минимальном пороге" end
  if b0 ~= b1 then return nil, "в одном году отметки, в другом только минимальный порог" end
  local tol = s.dynamics_tolerance or 1
  local fm = moved(a0, t0, a1, t1, tol)                      -- a falling failing share is good
  local qm = (q0 and q1) and moved(q0, qn0, q1, qn1, tol) or 0  -- a rising quality is good
  if fm ~= 0 then return fm < 0 and "positive" or "negative", "failing" end
  if qm ~= 0 then return qm > 0 and "positive" or "negative", "quality" end
  return "stable"
end

-- Dynamics of one result (counts records of the previous and the current year) under settings
-- s (min_participants, dynamics_tolerance). Returns a table:
--   status "positive" | "negative" | "stable", or nil with `reason` when not comparable;
--   decided_by "failing" | "quality" | nil (stable); fail_change, quality_change: unrounded
--   differences of the shares (fractions; quality_change nil without marks).
function M.compare(prev, cur, s)
  if not prev or not cur then return { reason = "нет результатов за один из годов" } end
  local f0, a0, t0, b0 = ind.failing(prev)
  local f1, a1, t1, b1 = ind.failing(cur)
  local q0, qn0 = quality_of(prev.m4, prev.m5, prev.marked)
  local q1, qn1 = quality_of(cur.m4, cur.m5, cur.marked)
  local status, why = decide(s, prev.participants, a0, t0, b0, q0, qn0, cur.participants, a1, t1, b1, q1, qn1)
  if not status then return { reason = why } end
  local out = { fail_change = f1 - f0 }
  if q0 and q1 then out.quality_change = q1 / qn1 - q0 / qn0 end
  out.status, out.decided_by = status, why
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

-- A tally of statuses (positive, negative, stable, comparable counts) with is_positive: more
-- than half of the comparable ones positive (exactly half is not).
local function new_tally(items)
  return { positive = 0, negative = 0, stable = 0, comparable = 0, items = items }
end

local function count(t, status)
  t[status] = t[status] + 1
  t.comparable = t.comparable + 1
end

local function judge(t)
  t.is_positive = t.comparable > 0 and t.positive * 2 > t.comparable
  return t
end

-- Tallies a list of compare() tables.
local function tally(items)
  local t = new_tally(items)
  for _, d in ipairs(items) do
    if d.status then count(t, d.status) end
  end
  return judge(t)
end

local function school_items(ds, school_id, year)
  local items = {}
  for _, p in ipairs(results.counted(ds)) do
    items[#items + 1] = M.result_dynamics(ds, school_id, year, p.procedure, p.subject, p.grade)
  end
  return items
end

-- The cells compare() reads of counted result p's rows in `year`, one per school
-- (results.Index:school_rows): { ids, at = { [school_id] = k }, participants = {cells}, m2, … }.
local CELLS = { "participants", "m2", "m4", "m5", "below_min" }
local function year_cells(R, p, year)
  local rows, ids = R:school_rows(p.procedure, p.subject, p.grade, year)
  local c, at = { ids = ids }, {}
  for k = 1, #ids do at[ids[k]] = k end
  c.at = at
  for _, name in ipairs(CELLS) do c[name] = R:cells(name, rows) end
  return c
end

-- What decide() reads of the record of row k of year_cells c, from its cells: participants
-- (or 0, as indicators.complete records them), failing count, total and basis, quality counts.
-- The marks and below_min of a row cover all its participants (complete()).
local function row_numbers(c, k)
  local n, m2 = c.participants[k] or 0, c.m2[k]
  local _, a, t, b = ind.failing_of(m2, n, c.below_min[k], n)
  return n, a, t, b, quality_of(c.m4[k], c.m5[k], m2 and n)
end

-- The statuses of every school's counted results in `year` against year − 1, tallied by school:
-- { [school_id] = tally } (schools with nothing comparable left out). What school_items
-- gives, read from the columns of both years (every school at once) instead of two records
-- per school and result. Memoised per dataset and year; the tallies are shared.
local function year_tallies(ds, year)
  return memo.get(ds, "dynamics_tallies", function()
    local R, s, out = results.index(ds), ds.settings, {}
    for _, p in ipairs(results.counted(ds)) do
      local prev, cur = year_cells(R, p, year - 1), year_cells(R, p, year)
      for k1, id in ipairs(cur.ids) do
        local k0 = prev.at[id]
        if k0 then
          local n0, a0, t0, b0, q0, qn0 = row_numbers(prev, k0)
          local n1, a1, t1, b1, q1, qn1 = row_numbers(cur, k1)
          local status = decide(s, n0, a0, t0, b0, q0, qn0, n1, a1, t1, b1, q1, qn1)
          if status then
            local t = out[id] or new_tally()
            out[id] = t
            count(t, status)
          end
        end
      end
    end
    return out
  end, year)
end

-- The items of a school_dynamics table are made again when read, not held: clusters keep the
-- dynamics of every school (40,000 × 8 items would take ~180 MB of the Lua heap).
local LazyItems = { __index = function(t, k)
  if k == "items" then return school_items(t.ds, t.school_id, t.year) end
end }

-- A school's dynamics over the counted procedures (low_procedures), year vs year − 1:
-- { positive, negative, stable, comparable, is_positive, items = {result_dynamics…} }.
function M.school_dynamics(ds, school_id, year)
  local t, of = new_tally(), year_tallies(ds, year)[school_id]
  if of then
    t.positive, t.negative, t.stable, t.comparable = of.positive, of.negative, of.stable, of.comparable
  end
  judge(t)
  t.ds, t.school_id, t.year = ds, school_id, year
  return setmetatable(t, LazyItems)
end

-- school_dynamics from the school's own records, not a pass over every school: for runs about
-- a few schools of a large dataset (a shard of a country's sheets). The same counts and items.
function M.school_dynamics_each(ds, school_id, year)
  local t = tally(school_items(ds, school_id, year))
  t.items = nil   -- made again when read, as school_dynamics does
  t.ds, t.school_id, t.year = ds, school_id, year
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
