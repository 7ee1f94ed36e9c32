-- Tests of lua/reports.lua's order of work items for --jobs workers (reports.order): heaviest
-- first, then as listed; the workers take them from a shared queue in that order. (Combined
-- files are not queued: the runner builds them last, from the schools' parts.)
local T = require("testing")
local reports = require("reports")

-- Four sheets of report "s" and one whole-dataset document "doc".
local function items()
  local list = {}
  for i = 1, 4 do list[i] = { report = "s", school = tostring(i) } end
  list[5] = { report = "doc" }
  return list
end

return {
  the_document_first_then_the_sheets_in_order = function()
    -- weights: doc 4 (the number of schools), sheets 1 each
    T.eq(reports.order(items(), 4), { 5, 1, 2, 3, 4 })
  end,

  equal_weights_keep_their_order = function()
    -- a document that weighs as much as a sheet (one school) stays where it was listed
    T.eq(reports.order(items(), 1), { 1, 2, 3, 4, 5 })
  end,

  sheets_only = function()
    local list = {}
    for i = 1, 3 do list[i] = { report = "s", school = tostring(i) } end
    T.eq(reports.order(list, 3), { 1, 2, 3 })
  end,

  no_items = function()
    T.eq(reports.order({}, 10), {})
  end,
}
