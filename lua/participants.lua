-- participants — per-participant indicators of seed 002 from participants.csv: ОГЭ sum of marks
-- over four subjects ≥ 12; ЕГЭ at or above the minimum in every subject taken; ЕГЭ three best
-- test scores ≥ 220. The rows are grouped in C (table:group_sum, filtered by year and
-- procedure) so Lua only walks one year's exams of one procedure, never the whole file.
-- ЕГЭ minimums: schema.default_thresholds, overridden subject by subject by thresholds.csv.
local engine = require("engine")
local schema = require("schema")
local memo = require("memo")

local M = {}

local function tkey(procedure, subject) return engine.namekey(procedure) .. "\1" .. engine.namekey(subject) end

-- Minimum scores: namekey(procedure).."\1"..namekey(subject) → min_score. A dataset's
-- thresholds.csv overrides the shipped defaults for the subjects it lists and keeps the others.
function M.thresholds(ds)
  local out = {}
  for _, d in ipairs(schema.default_thresholds) do out[tkey(d[1], d[2])] = d[3] end
  local f = ds.files.thresholds
  if f then
    for i = 1, f.table:nrows() do
      local r = f.table:row(i)
      if r.procedure and r.subject and r.min_score then out[tkey(r.procedure, r.subject)] = r.min_score end
    end
  end
  return out
end

-- group_sum over one year and one procedure, matched by name key (ЕГЭ = егэ) through the derived
-- procedure_key column; nil without participants.csv.
local function grouped(ds, year, procedure, by, sum)
  local f = ds.files.participants
  if not f then return nil end
  local t = f.table
  local function present(cols)   -- score and mark are optional columns; without them, no values
    local out = {}
    for _, c in ipairs(cols) do if t:has(c) then out[#out + 1] = c end end
    return out
  end
  local keycol = t:add_namekey("procedure")
  return t:group_sum({ by = present(by), sum = present(sum), where = { year = year, [keycol] = engine.namekey(procedure) } })
end

-- Counts passed/total per school and for the district: the indicator's result table
-- { num, den, share, by_school = { [id] = { num, den, share } } }.
local function tally(people, passed)
  local out = { num = 0, den = 0, by_school = {} }
  for _, p in pairs(people) do
    local s = out.by_school[p.school_id]
    if not s then s = { num = 0, den = 0 }; out.by_school[p.school_id] = s end
    local ok = passed(p)
    s.den, out.den = s.den + 1, out.den + 1
    if ok then s.num, out.num = s.num + 1, out.num + 1 end
  end
  out.share = out.den > 0 and out.num / out.den or nil
  for _, s in pairs(out.by_school) do s.share = s.num / s.den end
  return out
end

local function person(people, g)
  local k = g.school_id .. "\1" .. g.participant
  local p = people[k]
  if not p then p = { school_id = g.school_id, exams = {} }; people[k] = p end
  return p
end

-- Share of ОГЭ participants of `year` whose four best marks sum to ≥ min_sum (seed 002: 12).
-- Every ОГЭ participant counts in the denominator; one with fewer than four marks has not
-- reached it. nil without participants.csv.
function M.oge_marks_sum(ds, year, min_sum)
  return memo.get(ds, "participants.oge_marks_sum", function() return M.oge_marks_sum_(ds, year, min_sum) end, year, min_sum)
end

function M.oge_marks_sum_(ds, year, min_sum)
  local groups = grouped(ds, year, "ОГЭ", { "school_id", "participant", "mark" }, {})
  if not groups then return nil end
  local people = {}
  for _, g in ipairs(groups) do
    local p = person(people, g)
    if g.mark then p.exams[#p.exams + 1] = { mark = g.mark, n = g._rows } end
  end
  return tally(people, function(p)
    table.sort(p.exams, function(a, b) return a.mark > b.mark end)
    local sum, left = 0, 4
    for _, e in ipairs(p.exams) do
      local take = math.min(e.n, left)
      sum, left = sum + take * e.mark, left - take
    end
    return left == 0 and sum >= min_sum
  end)
end

-- One year's ЕГЭ exams per participant: people[key] = { school_id, exams = {{sk, subject,
-- score, mark}} }; nil without participants.csv. Cached per loaded table and year: the two
-- ЕГЭ indicators share one grouping.
local ege_cache = setmetatable({}, { __mode = "k" })

local function ege_people(ds, year)
  local f = ds.files.participants
  if not f then return nil end
  local by_year = ege_cache[f.table] or {}
  ege_cache[f.table] = by_year
  if by_year[year] then return by_year[year] end
  local people = {}
  for _, g in ipairs(grouped(ds, year, "ЕГЭ", { "school_id", "participant", "subject" }, { "score", "mark" })) do
    local p = person(people, g)
    p.exams[#p.exams + 1] = { subject = g.subject, sk = engine.namekey(g.subject), score = g.score, mark = g.mark }
  end
  by_year[year] = people
  return people
end

-- Did the participant reach the minimum in every subject? A test score is compared with the
-- subject's minimum; a subject graded by mark (базовая математика) passes with mark ≥ 3. A
-- subject with neither a known minimum nor a mark cannot fail; its name goes to `unknown`.
local function all_above_min(p, thr, unknown)
  for _, e in ipairs(p.exams) do
    local min = thr[engine.namekey("ЕГЭ") .. "\1" .. e.sk]
    if e.score ~= nil and min ~= nil then
      if e.score < min then return false end
    elseif e.mark ~= nil then
      if e.mark < 3 then return false end
    else
      unknown[e.subject] = true
    end
  end
  return true
end

local function unknown_list(set)
  local out = {}
  for name in pairs(set) do out[#out + 1] = name end
  table.sort(out)
  return out
end

-- Share of ЕГЭ participants of `year` at or above the minimum in every subject they took
-- (seed 002, показатель 2). Result also has `unknown` = subjects without a known minimum.
function M.ege_all_above_min(ds, year)
  return memo.get(ds, "participants.ege_all_above_min", function() return M.ege_all_above_min_(ds, year) end, year)
end

function M.ege_all_above_min_(ds, year)
  local people = ege_people(ds, year)
  if not people then return nil end
  local thr, unknown = M.thresholds(ds), {}
  local out = tally(people, function(p) return all_above_min(p, thr, unknown) end)
  out.unknown = unknown_list(unknown)
  return out
end

-- Share of ЕГЭ participants of `year` whose three best test scores sum to ≥ min_sum and who
-- are above the minimum in every subject (seed 002, показатель 3: 220). Базовая математика has
-- a mark, not a test score, so it is not one of the three; with fewer than three test scores
-- a participant has not reached it. Every ЕГЭ participant is in the denominator.
function M.ege_top3_sum(ds, year, min_sum)
  return memo.get(ds, "participants.ege_top3_sum", function() return M.ege_top3_sum_(ds, year, min_sum) end, year, min_sum)
end

function M.ege_top3_sum_(ds, year, min_sum)
  local people = ege_people(ds, year)
  if not people then return nil end
  local thr, unknown = M.thresholds(ds), {}
  local out = tally(people, function(p)
    local scores = {}
    for _, e in ipairs(p.exams) do if e.score ~= nil then scores[#scores + 1] = e.score end end
    if #scores < 3 then return false end
    table.sort(scores, function(a, b) return a > b end)
    return scores[1] + scores[2] + scores[3] >= min_sum and all_above_min(p, thr, unknown)
  end)
  out.unknown = unknown_list(unknown)
  return out
end

return M
