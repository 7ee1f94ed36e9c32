-- Tests of lua/reports.lua's assignment of work items to --jobs workers (reports.assign):
-- heaviest first to the least loaded worker, original order within a worker. (Combined files
-- are not assigned: the runner builds them last, from the schools' parts.)
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
  one_worker_runs_all_in_order = function()
    T.eq(reports.assign(items(), 1, 4), { { 1, 2, 3, 4, 5 } })
  end,

  two_workers_the_document_apart_from_the_sheets = function()
    -- weights: doc 4, sheets 1 each → doc to 1, the sheets to 2 until it weighs as much
    T.eq(reports.assign(items(), 2, 4), { { 5 }, { 1, 2, 3, 4 } })
  end,

  two_workers_balance_a_light_document = function()
    -- doc weighs 2: worker 1 (2), sheets 1 → 2 (0), 2 → 2 (1), 3 → either at 2: the first,
    -- 4 → 2 (2 < 3); loads 3 and 3
    T.eq(reports.assign(items(), 2, 2), { { 3, 5 }, { 1, 2, 4 } })
  end,

  more_workers_than_items = function()
    local list = { { report = "doc" } }
    T.eq(reports.assign(list, 3, 10), { { 1 }, {}, {} })
  end,
}
