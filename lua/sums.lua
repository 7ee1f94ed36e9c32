-- sums — sums of the counts of results.csv rows by group in one pass of the C table
-- (table:group_sum, weighted by participants), for the district totals and per-school sums that
-- prepare() computes over every row of a year: the same counts records as
-- results.Index:sums_by, without a Lua call per row. Uses results (the exact sum where a group's
-- sums cannot tell) and engine.
local engine = require("engine")
local namekey = require("names").key
local ind = require("indicators")
local results = require("results")

local M = {}

-- The count columns summed (indicators.COLUMNS) and the filter fields of results.Index matched
-- by name key.
local NAMES = { procedure = true, subject = true }

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
    where[column_of(t, field)] = NAMES[field] and namekey(v) or v
  end
  for i, field in ipairs(fields) do by[i] = column_of(t, field) end
  local sum = {}
  for _, name in ipairs(ind.COLUMNS) do if t:has(name) then sum[#sum + 1] = name end end
  for _, g in ipairs(t:group_sum{ by = by, where = where, sum = sum, weight = "participants" }) do
    local key, parts = true, {}
    for i, col in ipairs(by) do
      parts[i] = g[col]
      if parts[i] == nil then key = nil; break end
    end
    if key and #by > 0 then key = table.concat(parts, "|") end
    if key then out[key] = ind.from_group_sums(g) or M.exact(ds, f, fields, g) end
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
