-- Tests of lua/reports.lua's order of work items for --jobs workers (reports.order): heaviest
-- first, then as listed; the workers take them from a shared queue in that order. (Combined
-- files are not queued: the runner builds them last, from the schools' parts.) And what
-- engine.parallel carries back from its workers: strings, bytes values, errors, exit codes.
-- And the spill files a worker sets parts aside in, for the parent to read back and remove.
local T = require("testing")
local reports = require("reports")
local engine = require("engine")
local layout = require("layout")

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

  volumes_as_even_as_can_be_in_order = function()
    local ids = {}
    for i = 1, 10 do ids[i] = tostring(100 + i) end
    -- 10 schools by 4: three volumes of 3, 3 and 4 (not 4, 4, 2)
    T.eq(reports.volumes(ids, 4), { { "101", "102", "103" }, { "104", "105", "106" },
                                    { "107", "108", "109", "110" } })
    T.eq(reports.volumes(ids, 5), { { "101", "102", "103", "104", "105" },
                                    { "106", "107", "108", "109", "110" } })
    T.eq(reports.volumes(ids, 10), { ids })
    T.eq(reports.volumes(ids, 2000), { ids })
    T.eq(#reports.volumes(ids, 1), 10)
    -- a country: 40,000 schools by 2,000 are 20 volumes of 2,000
    local many = {}
    for i = 1, 40000 do many[i] = i end
    local vols = reports.volumes(many, 2000)
    T.eq({ #vols, #vols[1], vols[1][1], #vols[20], vols[20][2000] }, { 20, 2000, 1, 2000, 40000 })
  end,

  workers_return_strings_and_bytes = function()
    local bytes = layout.render({ { kind = "para", text = "Текст." } }, { size = 12 })
    local results = engine.parallel(3, function(k)
      if k == 1 then return { "строка", bytes, "", "после" } end
      if k == 2 then error("сбой в работнике") end
      return "одна строка", 3
    end)
    T.eq(#results, 3)
    local out = results[1].output
    T.eq({ results[1].status, #out, out[1], out[3], out[4] }, { 0, 4, "строка", "", "после" })
    T.eq(type(out[2]), "userdata")                  -- came back a bytes value, the same bytes
    T.eq(tostring(out[2]), tostring(bytes))
    T.eq(results[2].status, 3)
    T.eq(#results[2].output, 1)
    T.eq(results[2].output[1]:match("сбой в работнике") ~= nil, true)
    T.eq({ results[3].status, results[3].output }, { 3, { "одна строка" } })
  end,

  a_worker_sets_bytes_aside_and_the_parent_reads_them_back = function()
    local dir = "build/lua-spill"   -- test-lua runs in the source tree
    assert(engine.mkdirs(dir))
    local bytes = layout.render({ { kind = "para", text = "Текст." } }, { size = 12 })
    local results = engine.parallel(1, function()
      local name, at = engine.spill(dir, "начало")            -- 12 bytes
      local name2, at2 = engine.spill(dir, bytes)
      return { name, tostring(at), name2, tostring(at2) }
    end)
    local out, pid = results[1].output, results[1].pid
    local name = out[1]:match("^%.otchet%-parts%.[%w_-]+%." .. pid .. "$")   -- host and pid
    T.eq({ results[1].status, out[1], out[2], out[3], out[4] }, { 0, name, "0", name, "12" })
    T.eq(engine.unspill(dir, out[1], 0, 12), "начало")
    T.eq(engine.unspill(dir, out[1], 12, #bytes), tostring(bytes))
    local none, err = engine.unspill(dir, out[1], 12, #bytes + 1)   -- past the end: a message
    T.eq({ none, err:find("файл короче ожидаемого", 1, true) ~= nil }, { nil, true })
    T.eq(pcall(engine.unspill, dir, "../manifest.csv", 0, 1), false)   -- spill files only
    engine.spill_remove(dir, pid)
    T.eq(engine.is_file(dir .. "/" .. out[1]), false)
    engine.rmdir(dir)
  end,

  the_parts_of_a_process_that_is_gone_are_removed_by_the_next_run = function()
    local dir = "build/lua-orphans"
    assert(engine.mkdirs(dir))
    local mine = engine.spill(dir, "живой")   -- this process runs: its file stays
    local gone = engine.parallel(1, function() return (engine.spill(dir, "брошенные части")) end)
    local name = gone[1].output[1]
    T.eq(engine.is_file(dir .. "/" .. name), true)   -- the worker left with _exit: it stays
    T.eq({ engine.remove_orphans(dir) }, { 1, #"брошенные части" })
    T.eq({ engine.is_file(dir .. "/" .. name), engine.is_file(dir .. "/" .. mine) }, { false, true })
    T.eq({ engine.remove_orphans(dir) }, { 0, 0 })
    engine.spill_remove(dir)
    engine.rmdir(dir)
  end,
}
