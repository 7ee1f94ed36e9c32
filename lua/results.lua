-- results — lookup over results.csv: one record per row (a counts record of lua/indicators.lua
-- plus its keys), found by procedure × subject × grade × school × year with procedure and
-- subject names matched by name key (names.key: "Математика (базовая)" = "математика базовая"), sums
-- over any filter, and the lists of procedures, subjects, grades and years present. Also parses
-- "ПРОЦЕДУРА/Предмет/класс" lists (the low_procedures setting). The rows stay in the C table
-- (2 million at 40,000 schools): lookups go through its group indexes and a record is made
-- only when a row is asked for.
local ind = require("indicators")
local memo = require("memo")

local M = {}

local Index = {}
Index.__index = Index

local cache = setmetatable({}, { __mode = "k" })   -- ds → index, built once per dataset

local function key(...) return table.concat({ ... }, "\1") end

-- Name keys, remembered per name (lookups name the same few procedures and subjects over and
-- over: every record of every sheet).
local namekey = require("names").key

-- Procedures in the order reports present them; others follow alphabetically.
local PROCEDURE_ORDER = { "ВПР", "КДР", "ОГЭ", "ГВЭ", "ЕГЭ" }
-- Subjects that lead every list, the way the seeds list them.
local SUBJECT_ORDER = { "Русский язык", "Математика", "Математика (базовая)", "Математика (профильная)" }

local function rank_of(list)
  local r = {}
  for i, name in ipairs(list) do r[namekey(name)] = i end
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

-- The fields a filter may set, in the order their group indexes list them (names are matched
-- on the name-key columns, R.col).
local FILTER_FIELDS = { "year", "procedure", "subject", "grade", "school_id" }

-- Loads the table of results.csv into the index: the name-key columns and, per procedure and
-- subject name key, the name as first written. Rows stay in C; records are made on demand.
local function attach(R, t)
  R.t, R.n = t, t:nrows()
  R.col = { year = "year", procedure = t:add_namekey("procedure"), subject = t:add_namekey("subject"),
    grade = "grade", school_id = "school_id" }
  R.pcol, R.scol = R.col.procedure, R.col.subject
  for _, field in ipairs({ "procedure", "subject" }) do
    local g = t:groups({ R.col[field] })
    for k = 1, g:count() do
      local first = g:first(k)
      R.names[t:get(R.col[field], first)] = t:get(field, first)
    end
  end
end

-- The record of row i: the row as table:row gives it (every column, _line) made a counts record
-- in place (indicators.complete), plus pk/sk (the name keys) and line. Records are made when
-- asked for and kept only while someone holds them (a table per row of a big file does not fit
-- in memory).
local function record(R, i)
  local r = R.records[i]
  if r then return r end
  r = ind.complete(R.t:row(i))
  r.pk, r.sk, r.line = r[R.pcol], r[R.scol], r._line
  R.records[i] = r
  return r
end

-- Builds (or returns the cached) index of ds.files.results. Rows are found through C group
-- indexes (table:groups), one per shape of filter, built when a query of that shape first comes;
-- query answers are memoised per index (`memo`).
function M.index(ds)
  if cache[ds] then return cache[ds] end
  local R = setmetatable({ n = 0, groups = {}, names = {}, memo = {},
    records = setmetatable({}, { __mode = "v" }) }, Index)
  if ds.files and ds.files.results then attach(R, ds.files.results.table) end
  cache[ds] = R
  return R
end

local NONE = {}

-- The group index of one filter shape (a list of FILTER_FIELDS, named by `shape`), built on
-- first use.
local function groups_of(self, shape, fields)
  local g = self.groups[shape]
  if not g then
    local cols = {}
    for i, field in ipairs(fields) do cols[i] = self.col[field] end
    g = self.t:groups(cols)
    self.groups[shape] = g
  end
  return g
end

-- Row numbers (ascending = file order) of the rows matching filter f exactly.
local function row_ids(self, f, pk, sk)
  if not self.t then return NONE end
  local v = { year = f.year, procedure = pk, subject = sk, grade = f.grade, school_id = f.school_id }
  local fields, values = {}, {}
  for _, field in ipairs(FILTER_FIELDS) do
    if v[field] ~= nil then fields[#fields + 1] = field; values[#values + 1] = v[field] end
  end
  if #fields == 0 then
    local all = {}
    for i = 1, self.n do all[i] = i end
    return all
  end
  local g = groups_of(self, table.concat(fields, ","), fields)
  local k = g:find(table.unpack(values))
  return k and g:rows(k) or NONE
end

-- The record of one procedure × subject × grade × school × year, or nil. The hot lookup of
-- identification, dynamics and trends: straight to the exact index, no filter table.
function Index:get(procedure, subject, grade, school_id, year)
  if not self.t or year == nil or grade == nil or school_id == nil then return nil end   -- no row has an empty key
  local g = self.exact
  if not g then g = groups_of(self, "year,procedure,subject,grade,school_id", FILTER_FIELDS); self.exact = g end
  local k = g:find(year, namekey(procedure), namekey(subject), grade, school_id)
  if not k then return nil end
  local i = g:first(k)
  return self.records[i] or record(self, i)
end

local YEAR_COMBO = { "year", "procedure", "subject", "grade" }

-- The rows of one procedure × subject × grade in `year`, one per school — the row get() gives
-- for it, the school's first — in file order, and their school ids: rows, ids. No records are
-- made: identification and dynamics read the cells of every school at once (Index:cells).
function Index:school_rows(procedure, subject, grade, year)
  if not self.t or year == nil or grade == nil then return NONE, NONE end
  local g = groups_of(self, "year,procedure,subject,grade", YEAR_COMBO)
  local k = g:find(year, namekey(procedure), namekey(subject), grade)
  if not k then return NONE, NONE end
  local rows = self.t:first_rows("school_id", g:rows(k))
  return rows, self.t:cells("school_id", rows)
end

-- The cells of column `name` at the listed rows (table:cells); an absent column reads as all
-- empty.
function Index:cells(name, rows)
  return self.t and self.t:has(name) and self.t:cells(name, rows) or {}
end

-- Records matching filter f = {year=, procedure=, subject=, grade=, school_id=} (any subset;
-- names by namekey), in file order.
function Index:rows(f)
  f = f or {}
  local pk = f.procedure and namekey(f.procedure)
  local sk = f.subject and namekey(f.subject)
  local out = {}
  for i, id in ipairs(row_ids(self, f, pk, sk)) do out[i] = record(self, id) end
  return out
end

-- The memo key of a query: its kind and the filter's fields (names by namekey).
local function memo_key(kind, f, a, b)
  f = f or {}
  return key(kind, f.year or "", f.procedure and namekey(f.procedure) or "",
    f.subject and namekey(f.subject) or "", f.grade or "", f.school_id or "", a or "", b or "")
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
  return memoised(self, memo_key("sum", f), function() return self:sums_by(f)[true] or ind.sum({}) end)
end

local SLICE = 65536

-- Calls fn(cols, k) for each matching row, in file order: cols holds the columns of
-- indicators.COLUMNS (and `extra`) over a slice of the rows, the row being at position k. Sums
-- read columns, not a record per row (a district total adds up 40,000 rows).
local function each_in_columns(self, f, extra, fn)
  local pk = f.procedure and namekey(f.procedure)
  local sk = f.subject and namekey(f.subject)
  local ids, t = row_ids(self, f, pk, sk), self.t
  for first = 1, #ids, SLICE do
    local slice = table.move(ids, first, math.min(#ids, first + SLICE - 1), 1, {})
    local cols = {}
    for _, name in ipairs(ind.COLUMNS) do cols[name] = t:has(name) and t:cells(name, slice) or {} end
    if extra then cols[extra] = t:cells(extra, slice) end
    for k = 1, #slice do fn(cols, k) end
  end
end

-- Sums of the counts of the matching rows per value of `field` (procedure and subject by name
-- key), or all under the key true when field is nil: { [value] = counts record as sum() }.
function Index:sums_by(f, field)
  f = f or {}
  local out, col = {}, field and self.col[field]
  each_in_columns(self, f, col, function(cols, k)
    local v = true
    if col then v = cols[col][k] end
    if v ~= nil then out[v] = ind.add_columns(out[v], cols, k) end
  end)
  return out
end

-- Distinct values of field `field` over the matching rows (name keys for names), in order of
-- first appearance, read from the column in C (table:first_rows): no records are made.
local function distinct(self, f, field)
  local pk = f and f.procedure and namekey(f.procedure)
  local sk = f and f.subject and namekey(f.subject)
  local t = self.t
  if not t then return {} end
  local col = self.col[field]
  local out = t:cells(col, t:first_rows(col, row_ids(self, f or {}, pk, sk)))
  out.n = nil   -- a plain list: callers copy it with pairs
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
  return memoised(self, memo_key("subjects", f, procedure and namekey(procedure)),
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
  return memoised(self, memo_key("grades", f, procedure and namekey(procedure), subject and namekey(subject)),
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
