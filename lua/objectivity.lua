-- objectivity — ВПР objectivity (DESIGN.md "Documents"): shares of participants whose ВПР
-- mark was lower than (понизили), equal to (подтвердили) or higher than (повысили) their
-- journal mark, per school and for the district, over any subset of subjects and grades.
-- Uses sums (results.csv sums by group) and indicators.
local ind = require("indicators")
local sums = require("sums")
local identify = require("identify")
local memo = require("memo")

local M = {}

-- The objectivity table of `year`: f = { procedure (default "ВПР"), subject, grade } (both
-- optional: summed over what is left open). Returns { district = { counts, lowered, confirmed,
-- raised }, schools = { { school_id, counts, lowered, confirmed, raised } … } } with the
-- schools of schools.csv that have such data, in file order; shares are fractions or nil.
function M.table(ds, year, f)
  f = f or {}
  return memo.get(ds, "objectivity", function() return M.table_(ds, year, f) end,
    year, f.procedure, f.subject, f.grade)
end

function M.table_(ds, year, f)
  local base = { year = year, procedure = f.procedure or "ВПР", subject = f.subject, grade = f.grade }
  local out, by_school = { schools = {} }, sums.by(ds, base, { "school_id" })   -- one pass over the rows
  for _, s in ipairs(identify.schools(ds)) do
    local c = by_school[s.school_id] or { participants = 0, rows = 0 }
    if (c.checked or 0) > 0 then
      local sh = ind.objectivity(c)
      out.schools[#out.schools + 1] = { school_id = s.school_id, counts = c,
        lowered = sh.lowered, confirmed = sh.confirmed, raised = sh.raised }
    end
  end
  local all = sums.by(ds, base, {})[true] or ind.sum({})
  local sh = ind.objectivity(all)
  out.district = { counts = all, lowered = sh.lowered, confirmed = sh.confirmed, raised = sh.raised }
  return out
end

return M
