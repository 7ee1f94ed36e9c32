-- results — lookup over results.csv: one record per row (a counts record of lua/indicators.lua
-- plus its keys), found by procedure × subject × grade × school × year with procedure and
-- subject names matched by engine.namekey ("Математика (базовая)" = "математика базовая"), sums
-- over any filter, and the lists of procedures, subjects, grades and years present. Also parses
-- "ПРОЦЕДУРА/Предмет/класс" lists (the low_procedures setting).
local engine = require("engine")
local ind = require("indicators")
local memo = require("memo")

local M = {}

local Index = {}
Index.__index = Index

local cache = setmetatable({}, { __mode = "k" })   -- ds → index, built once per dataset

local COLUMNS = { "year", "procedure", "subject", "grade", "school_id", "participants", "m2", "m3",
  "m4", "m5", "mean_score", "below_min", "high_score", "lowered", "confirmed", "raised" }

local function key(...) return table.concat({ ... }, "\1") end

-- Procedures in the order reports present them; others follow alphabetically.
local PROCEDURE_ORDER = { "ВПР", "КДР", "ОГЭ", "ГВЭ", "ЕГЭ" }
-- Subjects that lead every list, the way the seeds list them.
local SUBJECT_ORDER = { "Русский язык", "Математика", "Математика (базовая)", "Математика (профильная)" }

local function rank_of(list)
  local r = {}
  for i, name in ipairs(list) do r[engine.namekey(name)] = i end
  return r
end
local PROC_RANK, SUBJ_RANK = rank_of(PROCEDURE_ORDER), rank_of(SUBJECT_ORDER)

local function by_rank(rank)
  return function(a, b)
    local ra, rb = rank[a] or math.huge, rank[b] or math.huge
    if ra ~= rb then return ra < rb end
    return a < b
  end
end

local function push(t, k, v)
  local list = t[k]
  if not list then list = {}; t[k] = list end
  list[#list + 1] = v
end

-- One record per results row: the counts plus year, procedure, subject, grade, school_id (as
-- written), pk/sk (their name keys, derived in C) and line.
local function read_rows(file)
  local t, cols, rows = file.table, {}, {}
  for _, c in ipairs(COLUMNS) do cols[c] = t:has(c) and t:column(c) or {} end   -- optional columns may be absent
  local pk, sk = t:column(t:add_namekey("procedure")), t:column(t:add_namekey("subject"))
  for i = 1, t:nrows() do
    local raw = {}
    for _, c in ipairs(COLUMNS) do raw[c] = cols[c][i] end
    local r = ind.counts(raw)
    r.year, r.procedure, r.subject, r.grade, r.school_id = raw.year, raw.procedure, raw.subject, raw.grade, raw.school_id
    r.pk, r.sk, r.line = pk[i], sk[i], t:line(i)
    rows[i] = r
  end
  return rows
end

-- Builds (or returns the cached) index of ds.files.results. Besides the exact key, the rows
-- are listed (in file order) under every filter shape the reports use, so a query walks only
-- the rows it can match; query answers are memoised per index (`memo`).
function M.index(ds)
  if cache[ds] then return cache[ds] end
  local R = setmetatable({ all = {}, exact = {}, combo = {}, school_year = {}, psg = {}, school = {},
    ypk = {}, year = {}, names = {}, memo = {} }, Index)
  if ds.files and ds.files.results then R.all = read_rows(ds.files.results) end
  for _, r in ipairs(R.all) do
    local y, pk, sk, g, id = r.year, r.pk, r.sk, r.grade, r.school_id
    R.exact[key(y, pk, sk, g, id)] = r
    push(R.combo, key(y, pk, sk, g), r)
    push(R.school_year, key(id, y), r)
    push(R.psg, key(pk, sk, g), r)
    push(R.school, id, r)
    push(R.ypk, key(y, pk), r)
    push(R.year, y, r)
    R.names[pk] = R.names[pk] or r.procedure
    R.names[sk] = R.names[sk] or r.subject
  end
  cache[ds] = R
  return R
end

-- The record of one procedure × subject × grade × school × year, or nil.
function Index:get(procedure, subject, grade, school_id, year)
  return self.exact[key(year, engine.namekey(procedure), engine.namekey(subject), grade, school_id)]
end

local function matches(r, f, pk, sk)
  return (f.year == nil or r.year == f.year) and (pk == nil or r.pk == pk) and (sk == nil or r.sk == sk)
    and (f.grade == nil or r.grade == f.grade) and (f.school_id == nil or r.school_id == f.school_id)
end

-- The narrowest list of rows that holds every row matching the filter (file order).
local function candidates(self, f, pk, sk)
  local y, g, id = f.year, f.grade, f.school_id
  local list
  if y and pk and sk and g then
    if id then
      local r = self.exact[key(y, pk, sk, g, id)]
      return { r }
    end
    list = self.combo[key(y, pk, sk, g)]
  elseif id and y then list = self.school_year[key(id, y)]
  elseif pk and sk and g then list = self.psg[key(pk, sk, g)]
  elseif id then list = self.school[id]
  elseif y and pk then list = self.ypk[key(y, pk)]
  elseif y then list = self.year[y]
  else return self.all end
  return list or {}
end

-- Records matching filter f = {year=, procedure=, subject=, grade=, school_id=} (any subset;
-- names by namekey), in file order. Uses the narrowest index the filter allows.
function Index:rows(f)
  f = f or {}
  local pk = f.procedure and engine.namekey(f.procedure)
  local sk = f.subject and engine.namekey(f.subject)
  local out = {}
  for _, r in ipairs(candidates(self, f, pk, sk)) do
    if matches(r, f, pk, sk) then out[#out + 1] = r end
  end
  return out
end

-- The memo key of a query: its kind and the filter's fields (names by namekey).
local function memo_key(kind, f, a, b)
  f = f or {}
  return key(kind, f.year or "", f.procedure and engine.namekey(f.procedure) or "",
    f.subject and engine.namekey(f.subject) or "", f.grade or "", f.school_id or "", a or "", b or "")
end

local function copy(t)
  local out = {}
  for k, v in pairs(t) do out[k] = v end
  return out
end

-- Looks the query up in the memo or computes it; callers get their own (shallow) copy.
local function memoised(self, k, compute)
  local v = self.memo[k]
  if not v then v = compute(); self.memo[k] = v end
  return copy(v)
end

-- Sum of the counts of the matching rows (the district total when no school_id is given):
-- a counts record whose `rows` is the number of rows (schools) summed.
function Index:sum(f)
  return memoised(self, memo_key("sum", f), function() return ind.sum(self:rows(f)) end)
end

-- Distinct values of field `field` over the matching rows, display names for names.
local function distinct(self, f, field)
  local seen, out = {}, {}
  for _, r in ipairs(self:rows(f)) do
    local k = (field == "procedure" and r.pk) or (field == "subject" and r.sk) or r[field]
    if not seen[k] then seen[k] = true; out[#out + 1] = k end
  end
  return out
end

local function display(self, keys)
  for i, k in ipairs(keys) do keys[i] = self.names[k] end
  return keys
end

-- Procedures present (display names as first written), in report order.
function Index:procedures(f)
  return memoised(self, memo_key("procedures", f), function() return self:procedures_(f) end)
end

function Index:procedures_(f)
  local keys = distinct(self, f, "procedure")
  table.sort(keys, by_rank(PROC_RANK))
  return display(self, keys)
end

-- Subjects present for a procedure (or overall), Russian and mathematics first.
function Index:subjects(procedure, f)
  return memoised(self, memo_key("subjects", f, procedure and engine.namekey(procedure)),
    function() return self:subjects_(procedure, f) end)
end

function Index:subjects_(procedure, f)
  local ff = { procedure = procedure }
  for k, v in pairs(f or {}) do ff[k] = v end
  local keys = distinct(self, ff, "subject")
  table.sort(keys, by_rank(SUBJ_RANK))
  return display(self, keys)
end

-- Grades present for a procedure and subject, ascending.
function Index:grades(procedure, subject, f)
  return memoised(self, memo_key("grades", f, procedure and engine.namekey(procedure), subject and engine.namekey(subject)),
    function() return self:grades_(procedure, subject, f) end)
end

function Index:grades_(procedure, subject, f)
  local ff = { procedure = procedure, subject = subject }
  for k, v in pairs(f or {}) do ff[k] = v end
  local g = distinct(self, ff, "grade")
  table.sort(g)
  return g
end

-- Years present over the matching rows, ascending.
function Index:years(f)
  return memoised(self, memo_key("years", f), function() return self:years_(f) end)
end

function Index:years_(f)
  local y = distinct(self, f, "year")
  table.sort(y)
  return y
end

-- School ids of the matching rows, sorted.
function Index:schools(f)
  return memoised(self, memo_key("schools", f), function() return self:schools_(f) end)
end

function Index:schools_(f)
  local s = distinct(self, f, "school_id")
  table.sort(s)
  return s
end

-- Every procedure × subject × grade present (optionally in one year), in report order:
-- list of {procedure=, subject=, grade=}.
function Index:combos(f)
  local list = memoised(self, memo_key("combos", f), function() return self:combos_(f) end)
  for i, c in ipairs(list) do list[i] = copy(c) end
  return list
end

function Index:combos_(f)
  local out = {}
  for _, p in ipairs(self:procedures(f)) do
    for _, s in ipairs(self:subjects(p, f)) do
      for _, g in ipairs(self:grades(p, s, f)) do
        out[#out + 1] = { procedure = p, subject = s, grade = g }
      end
    end
  end
  return out
end

-- ---- procedure lists ----

-- Parses "ВПР/Математика/5 | ОГЭ/Русский язык/9 | …" into a list of {procedure=, subject=,
-- grade=, text=}; the grade may be left out ("ОГЭ/Математика": every grade). Returns list, or
-- nil + message naming the malformed item.
function M.parse_procedures(text)
  local list = {}
  for item in tostring(text or ""):gmatch("[^|]+") do
    local t = item:match("^%s*(.-)%s*$")
    if t ~= "" then
      local p, s, g = t:match("^([^/]-)%s*/%s*(.-)%s*/%s*(%d+)$")
      if not p then p, s = t:match("^([^/]-)%s*/%s*([^/]+)$") end
      local grade = g and tonumber(g)
      if not p or p == "" or s == "" or (grade and (grade < 1 or grade > 11)) then
        return nil, "элемент «" .. t .. "»: ожидается ПРОЦЕДУРА/Предмет/класс, например ВПР/Математика/5"
      end
      list[#list + 1] = { procedure = p, subject = s, grade = grade and math.tointeger(grade), text = t }
    end
  end
  return list
end

-- The counted procedures of ds.settings.low_procedures, with grades spelled out from the data
-- where an item leaves the grade out. Raises on a malformed setting: a silently shortened list
-- would change which schools are identified. Memoised per dataset (lua/memo.lua).
function M.counted(ds)
  local parsed = memo.get(ds, "low_procedures", function() return { M.parse_procedures(ds.settings.low_procedures) } end)
  if not parsed[1] then error("параметр low_procedures: " .. parsed[2], 2) end
  return memo.get(ds, "counted", function()
    local R, out = M.index(ds), {}
    for _, p in ipairs(parsed[1]) do
      if p.grade then
        out[#out + 1] = p
      else
        for _, g in ipairs(R:grades(p.procedure, p.subject)) do
          out[#out + 1] = { procedure = p.procedure, subject = p.subject, grade = g, text = p.text }
        end
      end
    end
    return out
  end)
end

return M
