-- participants — per-participant indicators of seed 002 from participants.csv: ОГЭ sum of marks
-- over four subjects ≥ 12; ЕГЭ at or above the minimum in every subject taken; ЕГЭ three best
-- test scores ≥ 220. The rows are grouped by participant in C (table:groups) and each
-- participant is judged from their rows and forgotten: no Lua table per participant or exam is
-- kept (4.7 M rows at 40,000 schools).
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

-- The participants (group numbers of the index by year, procedure, school, code) of each year
-- and procedure: one pass over the index for all the indicators' calls.
local function buckets(t, pk, g)
  local out = {}
  for k = 1, g:count() do
    local first = g:first(k)
    local key = tostring(t:get("year", first)) .. "\1" .. t:get(pk, first)
    local list = out[key]
    if not list then list = {}; out[key] = list end
    list[#list + 1] = k
  end
  return out
end

-- Calls fn(t, school_id, rows) for every participant of `year` and `procedure` (by name key):
-- a participant is a code within a school, rows are their row numbers in t (participants.csv)
-- in file order. The group index is built once per dataset. Returns t, or nil without
-- participants.csv.
local function each_participant(ds, year, procedure, fn)
  local f = ds.files.participants
  if not f then return nil end
  local t = f.table
  local pk = t:add_namekey("procedure")
  local g = memo.get(ds, "participants.groups", function() return t:groups({ "year", pk, "school_id", "participant" }) end)
  local by = memo.get(ds, "participants.buckets", function() return buckets(t, pk, g) end)
  for _, k in ipairs(by[tostring(year) .. "\1" .. engine.namekey(procedure)] or {}) do
    fn(t, t:get("school_id", g:first(k)), g:rows(k))
  end
  return t
end

-- A tally of passed/total per school and for the district, filled by count(); finish() makes
-- it the indicator's result table { num, den, share, by_school = { [id] = { num, den, share } } }.
local function new_tally() return { num = 0, den = 0, by_school = {} } end

local function count(out, school_id, ok)
  local s = out.by_school[school_id]
  if not s then s = { num = 0, den = 0 }; out.by_school[school_id] = s end
  s.den, out.den = s.den + 1, out.den + 1
  if ok then s.num, out.num = s.num + 1, out.num + 1 end
end

local function finish(out)
  out.share = out.den > 0 and out.num / out.den or nil
  for _, s in pairs(out.by_school) do s.share = s.num / s.den end
  return out
end

-- The cell of an optional column (score, mark), nil when the file lacks the column.
local function cell(t, col, row) return t:has(col) and t:get(col, row) or nil end

-- Did the four best marks reach min_sum? Fewer than four marks have not.
local function four_marks_reach(t, rows, min_sum)
  if not t:has("mark") then return false end
  local marks, n = {}, 0
  for _, row in ipairs(rows) do
    local m = t:get("mark", row)
    if m ~= nil then n = n + 1; marks[n] = m end
  end
  if n < 4 then return false end
  table.sort(marks)                          -- ascending: the four best are the last four
  return marks[n] + marks[n - 1] + marks[n - 2] + marks[n - 3] >= min_sum
end

-- Share of ОГЭ participants of `year` whose four best marks sum to ≥ min_sum (seed 002: 12).
-- Every ОГЭ participant counts in the denominator; one with fewer than four marks has not
-- reached it. nil without participants.csv.
function M.oge_marks_sum(ds, year, min_sum)
  return memo.get(ds, "participants.oge_marks_sum", function() return M.oge_marks_sum_(ds, year, min_sum) end, year, min_sum)
end

function M.oge_marks_sum_(ds, year, min_sum)
  local out = new_tally()
  local t = each_participant(ds, year, "ОГЭ", function(t, id, rows) count(out, id, four_marks_reach(t, rows, min_sum)) end)
  return t and finish(out)
end

-- The ЕГЭ exams of one participant: list of { subject, sk (its name key), score, mark }.
local function ege_exams(t, rows)
  local sk, exams = t:add_namekey("subject"), {}
  for i, row in ipairs(rows) do
    exams[i] = { subject = t:get("subject", row), sk = t:get(sk, row), score = cell(t, "score", row),
      mark = cell(t, "mark", row) }
  end
  return exams
end

-- Calls fn(school_id, exams) for every ЕГЭ participant of `year`; nil without participants.csv.
local function each_ege(ds, year, fn)
  return each_participant(ds, year, "ЕГЭ", function(t, id, rows) fn(id, ege_exams(t, rows)) end)
end

-- Did the participant reach the minimum in every subject? A test score is compared with the
-- subject's minimum; a subject graded by mark (базовая математика) passes with mark ≥ 3. A
-- subject with neither a known minimum nor a mark cannot fail; its name goes to `unknown`.
local function all_above_min(exams, thr, unknown)
  for _, e in ipairs(exams) do
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
  local thr, unknown, out = M.thresholds(ds), {}, new_tally()
  if not each_ege(ds, year, function(id, exams) count(out, id, all_above_min(exams, thr, unknown)) end) then
    return nil
  end
  out.unknown = unknown_list(unknown)
  return finish(out)
end

-- Share of ЕГЭ participants of `year` whose three best test scores sum to ≥ min_sum and who
-- are above the minimum in every subject (seed 002, показатель 3: 220). Базовая математика has
-- a mark, not a test score, so it is not one of the three; with fewer than three test scores
-- a participant has not reached it. Every ЕГЭ participant is in the denominator.
function M.ege_top3_sum(ds, year, min_sum)
  return memo.get(ds, "participants.ege_top3_sum", function() return M.ege_top3_sum_(ds, year, min_sum) end, year, min_sum)
end

-- Do the three best test scores reach min_sum (and every minimum)?
local function top3_reach(exams, min_sum, thr, unknown)
  local scores = {}
  for _, e in ipairs(exams) do if e.score ~= nil then scores[#scores + 1] = e.score end end
  if #scores < 3 then return false end
  table.sort(scores, function(a, b) return a > b end)
  return scores[1] + scores[2] + scores[3] >= min_sum and all_above_min(exams, thr, unknown)
end

function M.ege_top3_sum_(ds, year, min_sum)
  local thr, unknown, out = M.thresholds(ds), {}, new_tally()
  if not each_ege(ds, year, function(id, exams) count(out, id, top3_reach(exams, min_sum, thr, unknown)) end) then
    return nil
  end
  out.unknown = unknown_list(unknown)
  return finish(out)
end

return M
