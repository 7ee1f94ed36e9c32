-- sums — sums of the counts of results.csv rows by group in one pass of the C table
-- (table:group_sum, weighted by participants), for the district totals and per-school sums that
-- prepare() computes over every row of a year: the same counts records as
-- results.Index:sums_by, without a Lua call per row. Uses results (the exact sum where a group's
-- sums cannot tell) and engine.
local engine = require("engine")
local results = require("results")

local M = {}

-- Count columns summed as they are (indicators.lua "PLAIN"), and the filter fields of
-- results.Index with the results.csv column each is matched on (names by their name key).
local PLAIN = { "m2", "m3", "m4", "m5", "below_min", "high_score", "lowered", "confirmed", "raised" }
local SUMMED = { "participants", "mean_score", table.unpack(PLAIN) }
local NAMES = { procedure = true, subject = true }

-- The counts record of a group of rows from its sums (g of table:group_sum weighted by
-- participants), as indicators.add_columns would add the rows up one by one: an empty
-- participants cell counts as 0; marked, scored, high_n and mean_n are the participants of
-- the rows with m2, below_min, high_score and mean_score; mean_score is participant-weighted.
-- nil when checked (participants of the rows with any of lowered, confirmed, raised) is not
-- told by the sums: some but not all rows have them and no one column covers every participant.
local function counts_of(g)
  local w, n = g._weight, g.participants or 0
  local c = { participants = n, rows = g._rows }
  for i = 1, #PLAIN do c[PLAIN[i]] = g[PLAIN[i]] end
  c.marked, c.scored, c.high_n, c.mean_n = w.m2, w.below_min, w.high_score, w.mean_score
  if (c.mean_n or 0) > 0 then
    c.mean_sum = g._weighted.mean_score
    c.mean_score = c.mean_sum / c.mean_n
  end
  local l, cf, r = w.lowered, w.confirmed, w.raised
  if l or cf or r then
    -- checked lies between the largest of them and n: equal to n when one of them is n
    if l ~= n and cf ~= n and r ~= n then return nil end
    c.checked = n
  end
  return c
end

-- The column of results.csv table t that filter field `field` is matched on.
local function column_of(t, field)
  return NAMES[field] and t:add_namekey(field) or field
end

-- Sums of the counts of the rows of results.csv matching filter f = {year=, procedure=,
-- subject=, grade=, school_id=} (names by name key), by the values of `fields` (a list of
-- those names, possibly empty): { [key] = counts record as results.Index:sum gives }, the key
-- being the group's values (names as name keys) joined by "|", or true without fields. Rows
-- with an empty cell in a grouping field are left out, as results.Index:sums_by leaves them.
function M.by(ds, f, fields)
  local out, rf = {}, ds.files and ds.files.results
  if not rf then return out end
  local t, where, by = rf.table, {}, {}
  for field, v in pairs(f) do
    where[column_of(t, field)] = NAMES[field] and engine.namekey(v) or v
  end
  for i, field in ipairs(fields) do by[i] = column_of(t, field) end
  local sum = {}
  for _, name in ipairs(SUMMED) do if t:has(name) then sum[#sum + 1] = name end end
  for _, g in ipairs(t:group_sum{ by = by, where = where, sum = sum, weight = "participants" }) do
    local key, parts = true, {}
    for i, col in ipairs(by) do
      parts[i] = g[col]
      if parts[i] == nil then key = nil; break end
    end
    if key and #by > 0 then key = table.concat(parts, "|") end
    if key then out[key] = counts_of(g) or M.exact(ds, f, fields, g) end
  end
  return out
end

-- The sum of one group row by row (results.Index:sum), where its sums do not tell checked.
function M.exact(ds, f, fields, g)
  local ff, t = {}, ds.files.results.table
  for k, v in pairs(f) do ff[k] = v end
  for _, field in ipairs(fields) do ff[field] = t:get(field, g._first) end
  return results.index(ds):sum(ff)
end

return M
