-- Tests of lua/reports.lua's assignment of work items to --jobs workers (reports.assign):
-- heaviest first to the least loaded worker, original order within a worker, and the
-- combined_later mark on the sheets whose combined file the same worker builds.
local T = require("testing")
local reports = require("reports")

-- Four sheets of report "s" and their combined file, and one whole-dataset document "doc".
local function items()
  local list = {}
  for i = 1, 4 do list[i] = { report = "s", school = tostring(i) } end
  list[5] = { report = "s", combined = { "1", "2", "3", "4" } }
  list[6] = { report = "doc" }
  return list
end

local function marks(list)
  local out = {}
  for i, it in ipairs(list) do out[i] = it.combined_later or false end
  return out
end

return {
  one_worker_runs_all_in_order_and_reuses_sheets = function()
    local list = items()
    T.eq(reports.assign(list, 1, 4), { { 1, 2, 3, 4, 5, 6 } })
    T.eq(marks(list), { true, true, true, true, false, false })
  end,

  two_workers_combined_file_apart_from_its_sheets = function()
    -- weights: combined 4, doc 4, sheets 1 each → combined to 1, doc to 2, then the sheets
    -- to whichever is lighter: 1 (4) vs 2 (4) → 1; 2; 1; 2 → loads 6 and 6
    local list = items()
    T.eq(reports.assign(list, 2, 4), { { 1, 3, 5 }, { 2, 4, 6 } })
    T.eq(marks(list), { true, false, true, false, false, false })
  end,

  two_workers_sheets_only_balance_the_combined_file = function()
    local list = items()
    table.remove(list, 6)
    T.eq(reports.assign(list, 2, 4), { { 5 }, { 1, 2, 3, 4 } })
    T.eq(marks(list), { false, false, false, false, false })
  end,

  more_workers_than_items = function()
    local list = { { report = "doc" } }
    T.eq(reports.assign(list, 3, 10), { { 1 }, {}, {} })
  end,
  combine_weight_lets_the_combined_worker_take_sheets_too = function()
    -- 4 sheets, combined file at 0.5 a school = 2: worker 1 gets it (2), then sheets 1 → 2
    -- (0 < 2), 2 → 2 (1 < 2), 3 → either at 2: the first, 4 → 2 (2 < 3); loads 3 and 3
    local list = items()
    table.remove(list, 6)
    list[5].combine_weight = 0.5
    T.eq(reports.assign(list, 2, 4), { { 3, 5 }, { 1, 2, 4 } })
    T.eq(marks(list), { false, false, true, false, false })
  end,
}
