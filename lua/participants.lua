-- participants — per-participant indicators of seed 002 from participants.csv: ОГЭ sum of marks
-- over four subjects ≥ 12; ЕГЭ at or above the minimum in every subject taken; ЕГЭ three best
-- test scores ≥ 220. The rows are grouped by participant in C (table:groups); the cells of a
-- few thousand participants at a time are read column by column (table:cells) and each
-- participant is judged from their stretch of those columns: no Lua table per participant or
-- exam is made (4.7 M rows at 40,000 schools).
-- ЕГЭ minimums: schema.default_thresholds, overridden subject by subject by thresholds.csv.
local namekey = require("names").key
local schema = require("schema")
local memo = require("memo")

local M = {}

local function tkey(procedure, subject) return namekey(procedure) .. "\1" .. namekey(subject) end

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
-- and procedure: tostring(year) → namekey(procedure) → list. One pass over the index for all
-- the indicators' calls; the year and procedure of every group are read in two calls.
local function buckets(t, pk, g)
  local firsts = {}
  for k = 1, g:count() do firsts[k] = g:first(k) end
  local years, procs = t:cells("year", firsts), t:cells(pk, firsts)
  local by_year = {}
  for k = 1, #firsts do
    local y = years[k]
    local by_proc = by_year[y]
    if not by_proc then by_proc = {}; by_year[y] = by_proc end
    local list = by_proc[procs[k]]
    if not list then list = {}; by_proc[procs[k]] = list end
    list[#list + 1] = k
  end
  local out = {}   -- the year as text: a caller's year is matched the way tostring prints it
  for y, by_proc in pairs(by_year) do out[tostring(y)] = by_proc end
  return out
end

local CHUNK = 4096   -- participants whose cells are read at once
local NONE = {}      -- the cells of a column the file lacks

-- Calls fn(ids, cols, ends) for the participants of `year` and `procedure` (by name key), a
-- few thousand at a time: a participant is a code within a school; participant j of the call
-- is of school ids[j] and has the cells ends[j - 1] + 1 … ends[j] (from 1 for the first) of
-- cols[name], the cells of column `name` (each of `names`; empty when the file lacks it) at
-- their rows in file order. The group index is built once per dataset. Returns t
-- (participants.csv), or nil without participants.csv.
local function each_chunk(ds, year, procedure, names, fn)
  local f = ds.files.participants
  if not f then return nil end
  local t = f.table
  local pk = t:add_namekey("procedure")
  local g = memo.get(ds, "participants.groups", function() return t:groups({ "year", pk, "school_id", "participant" }) end)
  local by = memo.get(ds, "participants.buckets", function() return buckets(t, pk, g) end)
  local list = (by[tostring(year)] or NONE)[namekey(procedure)] or NONE
  for from = 1, #list, CHUNK do
    local rows, ends, firsts, n = {}, {}, {}, 0
    for j = from, math.min(#list, from + CHUNK - 1) do
      local r = g:rows(list[j])
      firsts[#firsts + 1] = r[1]
      table.move(r, 1, #r, n + 1, rows)
      n = n + #r
      ends[#ends + 1] = n
    end
    local cols = {}
    for _, name in ipairs(names) do cols[name] = t:has(name) and t:cells(name, rows) or NONE end
    fn(t:cells("school_id", firsts), cols, ends)
  end
  return t
end

-- A tally of passed/total per school and for the district, filled by count(); finish() makes
-- it the indicator's result table { num, den, share, by_school = { [id] = { num, den, share } } }.
local function new_tally() return { num = 0, den = 0, by_school = {} } end

-- Counts participants 1..n into tally out: participant j is of school ids[j] and has passed
-- when ok[j]. A school's participants mostly come one after another: its entry is kept.
local function count(out, ids, ok, n)
  local by, num, last, s = out.by_school, out.num, nil, nil
  for j = 1, n do
    local id = ids[j]
    if id ~= last or not s then
      s = by[id]
      if not s then s = { num = 0, den = 0 }; by[id] = s end
      last = id
    end
    s.den = s.den + 1
    if ok[j] then s.num, num = s.num + 1, num + 1 end
  end
  out.num, out.den = num, out.den + n
end

local function finish(out)
  out.share = out.den > 0 and out.num / out.den or nil
  for _, s in pairs(out.by_school) do s.share = s.num / s.den end
  return out
end

-- The sum of the `want` (3 or 4) largest of v[first..last] (nil cells skipped), added largest
-- first; nil when fewer are given. Kept in four locals, no table and no sort.
local function best_sum(v, first, last, want)
  local a, b, c, d, n = nil, nil, nil, nil, 0
  for i = first, last do
    local x = v[i]
    if x ~= nil then
      n = n + 1
      if n == 1 then a = x
      elseif a < x then a, b, c, d = x, a, b, c
      elseif n == 2 or b < x then b, c, d = x, b, c
      elseif n == 3 or c < x then c, d = x, c
      elseif n == 4 or d < x then d = x
      end
    end
  end
  if n < want then return nil end
  if want == 3 then return a + b + c end
  return a + b + c + d
end

-- Share of ОГЭ participants of `year` whose four best marks sum to ≥ min_sum (seed 002: 12).
-- Every ОГЭ participant counts in the denominator; one with fewer than four marks has not
-- reached it. nil without participants.csv.
function M.oge_marks_sum(ds, year, min_sum)
  return memo.get(ds, "participants.oge_marks_sum", function() return M.oge_marks_sum_(ds, year, min_sum) end, year, min_sum)
end

function M.oge_marks_sum_(ds, year, min_sum)
  local out = new_tally()
  local t = each_chunk(ds, year, "ОГЭ", { "mark" }, function(ids, cols, ends)
    local marks, ok, first = cols.mark, {}, 1
    for j = 1, #ends do
      local last, n, sum = ends[j], 0, 0
      for i = first, last do
        local m = marks[i]
        if m then n = n + 1; sum = sum + m end
      end
      -- marks are whole numbers (schema): with exactly four the order of adding does not matter
      if n > 4 then sum = best_sum(marks, first, last, 4) end
      ok[j] = n >= 4 and sum >= min_sum
      first = last + 1
    end
    count(out, ids, ok, #ends)
  end)
  return t and finish(out)
end

-- The minimum test score of each ЕГЭ subject by its name key (false where none is known),
-- looked up in thresholds once per subject.
local function ege_minimums(ds)
  local thr, prefix = M.thresholds(ds), namekey("ЕГЭ") .. "\1"
  return setmetatable({}, { __index = function(self, sk)
    local min = thr[prefix .. sk]
    if min == nil then min = false end
    rawset(self, sk, min)
    return min
  end })
end

-- Is the participant at or above the minimum in every subject (their exams at positions
-- first..last of cols)? A test score is compared with the subject's minimum; a subject graded
-- by mark (базовая математика) passes with mark ≥ 3. A subject with neither a known minimum nor
-- a mark cannot fail; its name is listed in the second result (nil when there is none). The
-- exams are judged in file order and the first failing one ends the judgement: its unknown
-- subjects are those met before it.
local function above_minimums(cols, first, last, min_of, sk)
  local scores, marks, keys, unknown = cols.score, cols.mark, cols[sk], nil
  for i = first, last do
    local score, min = scores[i], min_of[keys[i]]
    if score ~= nil and min then
      if score < min then return false, unknown end
    elseif marks[i] ~= nil then
      if marks[i] < 3 then return false, unknown end
    else
      unknown = unknown or {}
      unknown[#unknown + 1] = cols.subject[i]
    end
  end
  return true, unknown
end

-- Every ЕГЭ participant of `year` judged once for both ЕГЭ indicators: lists school, above
-- (above_minimums), unknown (its subjects without a minimum, sparse) and top3 (the sum of the
-- three best test scores; false with fewer than three); n participants. Базовая математика has
-- a mark, not a test score, so it is not one of the three. nil without participants.csv.
local function ege_judged(ds, year)
  return memo.get(ds, "participants.ege_judged", function()
    local min_of = ege_minimums(ds)
    local J = { school = {}, above = {}, unknown = {}, top3 = {}, n = 0 }
    local t = ds.files.participants and ds.files.participants.table
    local sk = t and t:add_namekey("subject")
    if not each_chunk(ds, year, "ЕГЭ", { "subject", sk, "score", "mark" }, function(ids, cols, ends)
      local first = 1
      for j = 1, #ends do
        local n, last = J.n + 1, ends[j]
        J.n, J.school[n] = n, ids[j]
        J.above[n], J.unknown[n] = above_minimums(cols, first, last, min_of, sk)
        J.top3[n] = best_sum(cols.score, first, last, 3) or false
        first = last + 1
      end
    end) then
      return nil
    end
    return J
  end, year)
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
  local J = ege_judged(ds, year)
  if not J then return nil end
  local unknown, out = {}, new_tally()
  for _, list in pairs(J.unknown) do   -- a set: the order of visiting does not matter
    for _, name in ipairs(list) do unknown[name] = true end
  end
  count(out, J.school, J.above, J.n)
  out.unknown = unknown_list(unknown)
  return finish(out)
end

-- Share of ЕГЭ participants of `year` whose three best test scores sum to ≥ min_sum and who
-- are above the minimum in every subject (seed 002, показатель 3: 220). With fewer than three
-- test scores a participant has not reached it. Every ЕГЭ participant is in the denominator;
-- `unknown` lists the subjects without a minimum of those whose scores reach min_sum.
function M.ege_top3_sum(ds, year, min_sum)
  return memo.get(ds, "participants.ege_top3_sum", function() return M.ege_top3_sum_(ds, year, min_sum) end, year, min_sum)
end

function M.ege_top3_sum_(ds, year, min_sum)
  local J = ege_judged(ds, year)
  if not J then return nil end
  local unknown, out, ok = {}, new_tally(), {}
  for i = 1, J.n do
    local sum = J.top3[i]
    ok[i] = sum and sum >= min_sum and J.above[i]
  end
  for i, list in pairs(J.unknown) do   -- a set: the order of visiting does not matter
    local sum = J.top3[i]
    if sum and sum >= min_sum then
      for _, name in ipairs(list) do unknown[name] = true end
    end
  end
  count(out, J.school, ok, J.n)
  out.unknown = unknown_list(unknown)
  return finish(out)
end

return M
