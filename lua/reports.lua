-- reports — finds, describes and runs report scripts (reports/<name>.lua) over a validated
-- dataset, in one process or in --jobs worker processes, for all schools or a --shard of them.
--
-- A script returns a descriptor:
--   { title = "…", needs = { "results", … },          -- files of the contract it reads
--     reads = { "participants", … },                  -- optional files it reads when present
--     build = function(ds, ctx) → outputs }            -- a document for the whole dataset
--   or, per school:
--   { title, needs, per_school = true,
--     build = function(ds, ctx, school_id) → outputs,  -- one school's document
--     combine = function(ds, ctx, school_ids, parts) → outputs,  -- optional: one file for printing
--     volume_schools = n }                              -- optional: schools per printer's file
-- outputs: list of { file = path under --out, data = bytes, pages = n[, part = string] }.
-- ctx = { out, shard, keep_part, volume }: keep_part is set for a school's item when its
-- report has a combined file; the item then also returns its document's pages as a part (doc's
-- render_part). The combined file is built last, in the parent process, from those parts —
-- `parts` maps school id → part, a school whose item failed has none — so it costs copying
-- pages, not laying every school out again. More schools than volume_schools (default
-- VOLUME_SCHOOLS) make several printer's files, volumes of consecutive schools as even as can
-- be: combine is called once per volume with ctx.volume = { k =, n = } (volume k of n; nil
-- when there is one), and names its file by it. The parts of a run with volumes wait on disk
-- (engine.spill, in --out) and are read back one volume at a time.
-- Either kind may add prepare = function(ds, ctx): called once, in the parent process before
-- any item is built (and before --jobs forks its workers), to compute what every item shares
-- — identification, clusters, district totals — into ds.cache (lua/memo.lua), which the
-- workers then share copy-on-write instead of each computing it again. Its result is ignored;
-- when it fails, nothing is reported by it: each item computes (and reports) the same again.
-- prepare's ctx also has few_schools: true when the run builds documents of a small part of the
-- dataset's schools (--school, or a --shard K/N with N ≥ FEW_SCHOOLS_SHARDS), where looking each
-- school up costs less than a pass over every school; the values must not depend on it.
-- A failing report or school is reported and skipped; everything else is still written.
local engine = require("engine")
local layout = require("layout")
local progress = require("progress")

local M = {}

local EXIT_OK, EXIT_REPORT = 0, 3
-- From this many shards on, a shard's prepare looks its own schools up (ctx.few_schools): a
-- school's own lookups cost ~1.7 times its share of a pass over every school (Lua instructions
-- at 1,000 schools), so they pay from a quarter of the schools down (shard 1/40 of 40,000
-- schools' sheets: 12.5 → 9.1 s).
local FEW_SCHOOLS_SHARDS = 4
-- Schools in one printer's file, unless a report says otherwise. One PDF holds at most 32,767
-- pages (libharu's page array), ~8,000 sheets of three pages with their blank backs: a region
-- (up to ~2,000 schools) stays one file, and a country's 40,000 make 20 volumes that are each
-- built and written in turn instead of one file that cannot be written; their parts wait on
-- disk, not in memory (~1 GB at 40,000 schools: a run's peak went past 2 GB).
local VOLUME_SCHOOLS = 2000

-- Loads reports/<name>.lua in an untrusted environment; returns its descriptor or nil + message.
local loaded = {}
function M.load(name)
  if loaded[name] then return loaded[name] end
  local env = engine.new_env()
  local chunk, err = engine.load_report(name, env)
  if not chunk then return nil, err end
  local ok, desc = pcall(chunk)
  if not ok then return nil, tostring(desc) end
  if type(desc) ~= "table" or type(desc.build) ~= "function" then
    return nil, "reports/" .. name .. ".lua должен вернуть таблицу с функцией build"
  end
  local per = desc.volume_schools
  if per ~= nil and not (math.type(per) == "integer" and per >= 1) then
    return nil, "reports/" .. name .. ".lua: volume_schools должно быть целым числом не меньше 1"
  end
  loaded[name] = desc
  return desc
end

-- Whether any of the named reports reads `file` of the contract: it needs it, or names it in
-- `reads` (optional files it uses when present). A report that cannot load reads nothing.
function M.reads(names, file)
  for _, name in ipairs(names) do
    local desc = M.load(name)
    for _, list in ipairs(desc and { desc.needs or {}, desc.reads or {} } or {}) do
      for _, f in ipairs(list) do if f == file then return true end end
    end
  end
  return false
end

function M.describe(name)
  local desc, err = M.load(name)
  return desc or { title = "(ошибка: " .. tostring(err) .. ")" }
end

local function missing_files(ds, desc)
  local missing = {}
  for _, f in ipairs(desc.needs or {}) do
    if not ds.files[f] then missing[#missing + 1] = f .. ".csv" end
  end
  return missing
end

-- "K/N" → k, n; nil + message when malformed.
function M.parse_shard(text)
  if not text then return 1, 1 end
  local k, n = text:match("^(%d+)/(%d+)$")
  k, n = tonumber(k), tonumber(n)
  if not k or n < 1 or k < 1 or k > n then return nil, "--shard ожидает K/N, где 1 ≤ K ≤ N" end
  return k, n
end

-- School ids in a stable order (by id), filtered by --school and cut to shard k of n
-- (round-robin: every n-th school starting at the k-th), so n shards are disjoint and cover all.
function M.school_slice(ds, only, k, n)
  local ids = {}
  local col = ds.files.schools.table:column("school_id")
  for i = 1, col.n do
    if col[i] and (not only or col[i] == only) then ids[#ids + 1] = col[i] end
  end
  table.sort(ids)
  local slice = {}
  for i, id in ipairs(ids) do
    if (i - 1) % n == k - 1 then slice[#slice + 1] = id end
  end
  return slice
end

-- School ids cut into the fewest volumes of at most `per` schools, in order, their sizes
-- differing by one at most (2,500 schools by 2,000: 1,250 and 1,250, not 2,000 and 500).
function M.volumes(ids, per)
  local n = math.max(1, (#ids + per - 1) // per)
  local vols = {}
  for k = 1, n do
    vols[k] = table.move(ids, (k - 1) * #ids // n + 1, k * #ids // n, 1, {})
  end
  return vols
end

-- The work items of one report: a whole document, or one per school plus the combined files.
local function report_items(ds, name, desc, opts, items)
  if not desc.per_school then
    if opts.shard_k == 1 and not opts.school then items[#items + 1] = { report = name } end
    return
  end
  local ids = M.school_slice(ds, opts.school, opts.shard_k, opts.shard_n)
  local combined = desc.combine and not opts.school and #ids > 0
  local vols = combined and M.volumes(ids, desc.volume_schools or VOLUME_SCHOOLS) or {}
  local spill = #vols > 1   -- a country's parts would not fit in memory at once: set aside on disk
  for _, id in ipairs(ids) do
    items[#items + 1] = { report = name, school = id, keep_part = combined, spill = spill }
  end
  for k, vol in ipairs(vols) do
    items[#items + 1] = { report = name, combined = vol, volume = #vols > 1 and { k = k, n = #vols } or nil }
  end
end

-- Records travel one per line with tab-separated fields: escape both, keep backslashes.
local function one_line(s)
  return (tostring(s):gsub("\\", "\\\\"):gsub("\t", " "):gsub("\n", "\\n"))
end

local function unescape(s)
  return (s:gsub("\\(.)", function(c) return c == "n" and "\n" or c end))
end

-- A report error for people: the message and the traceback lines inside report scripts
-- (the runner's own frames are noise to a report's author).
local function report_error(msg)
  local lines = {}
  for line in tostring(msg):gmatch("[^\n]+") do
    if #lines == 0 then lines[1] = line
    elseif line:find("reports/", 1, true) then lines[#lines + 1] = line end
  end
  if #lines == 2 and lines[2]:find("in function 'error'", 1, true) then lines[2] = nil end
  return table.concat(lines, "\n")
end

-- Records: what items tell the parent. A list of lines ("ok …", "fail …", "dir …", fields
-- separated by tabs) and parts ({ report =, school =, part = }, or { report =, school =,
-- spill =, at =, len = } for a part set aside on disk, see part_record): in one process the
-- list is used as it is; a worker sends it through engine.parallel as a flat list of lines and
-- parts, a part as the line "part <report> <school>" followed by its bytes value, which the
-- engine carries as it is (copying 30 kB of PDF per school into Lua strings cost more than
-- combining the pages), and a part set aside as the line "spilled <report> <school> <file>
-- <offset> <length>".
local function encode_records(records)
  local flat = {}
  for _, r in ipairs(records) do
    if type(r) == "table" and r.spill then
      flat[#flat + 1] = table.concat({ "spilled", r.report, r.school, r.spill, r.at, r.len }, "\t")
    elseif type(r) == "table" then
      flat[#flat + 1] = table.concat({ "part", r.report, r.school }, "\t")
      flat[#flat + 1] = r.part
    else
      flat[#flat + 1] = r
    end
  end
  return flat
end

-- The record of a "spilled" line (encode_records), or nil.
local function spilled_record(line)
  local report, school, spill, at, len = line:match("^spilled\t([^\t]*)\t([^\t]*)\t([^\t]*)\t(%d+)\t(%d+)$")
  return report and { report = report, school = school, spill = spill, at = tonumber(at), len = tonumber(len) }
end

-- The records of a worker's flat list (encode_records).
local function decode_records(flat)
  local records, i = {}, 1
  while i <= #flat do
    local line, report, school = flat[i], nil, nil
    if type(line) == "string" then report, school = line:match("^part\t([^\t]*)\t([^\t]*)$") end
    if report and flat[i + 1] then
      records[#records + 1] = { report = report, school = school, part = flat[i + 1] }
      i = i + 2
    else
      if type(line) == "string" then records[#records + 1] = spilled_record(line) or line end
      i = i + 1
    end
  end
  return records
end

-- ctx.shard for report scripts: "K-N" for a --shard K/N, nil without one.
local function shard_name(opts)
  return opts.shard_n > 1 and (opts.shard_k .. "-" .. opts.shard_n) or nil
end

-- A record line's tab-separated fields.
local function fields(line)
  local f = {}
  for field in (line .. "\t"):gmatch("([^\t]*)\t") do f[#f + 1] = field end
  return f
end

-- Directories this process made before its gate opened (see run_share): if the gate is shut,
-- nothing the run made may stay behind, these included.
local made_dirs = {}

-- engine.mkdirs(dir), noting which of dir and its parents below `top` it is about to make.
local function mkdirs(dir, top)
  if engine.gate() ~= "open" then
    local d = dir
    while d and d ~= top and made_dirs[d] == nil do
      made_dirs[d] = not engine.is_dir(d)
      d = d:match("^(.*)/[^/]*$")
    end
  end
  return engine.mkdirs(dir)
end

-- What a report returned instead of a table, in its error message.
local TYPE_NAMES = { string = "строку", number = "число", boolean = "логическое значение",
  ["function"] = "функцию", userdata = "объект C", thread = "сопрограмму" }

-- The sha256 of output o's data when o can be written, else nil + why: o must be { file = a
-- path inside --out (relative, no "." or ".." or empty parts, no control characters: the
-- records travel as tab-separated lines), data = a string or bytes[, pages =, part =] }. A
-- script's mistake here fails its own item, not the run.
local function checked_output(o)
  if type(o) ~= "table" then
    return nil, "отчёт вернул " .. TYPE_NAMES[type(o)] .. " вместо описания файла { file =, data = }"
  end
  local f = o.file
  if type(f) ~= "string" or f == "" then return nil, "у файла, возвращённого отчётом, нет имени (file)" end
  for part in (f .. "/"):gmatch("([^/]*)/") do
    if part == "" or part == "." or part == ".." or part:find("%c") then
      return nil, "имя файла «" .. f .. "» должно быть путём внутри --out, без «.», «..», пустых частей " ..
        "и управляющих символов"
    end
  end
  local ok, sum = pcall(engine.sha256, o.data)   -- raises on what is neither
  if not ok then return nil, "у файла «" .. f .. "» нет содержимого (data): ожидались строка или байты документа" end
  return sum
end

-- The record of a school's part for the combined file: the part itself, or with item.spill
-- where engine.spill set it aside ({ spill = file name in opts.out, at =, len = }); a part that
-- could not be set aside is a failure (the combined file would lack the school).
local function part_record(item, part, opts)
  if not item.spill then return { report = item.report, school = item.school, part = part } end
  local ok, name, at = pcall(engine.spill, opts.out, part)   -- raises on what is not bytes
  if not (ok and name) then
    return table.concat({ "fail", item.report, item.school, one_line(ok and at or name) }, "\t")
  end
  return { report = item.report, school = item.school, spill = name, at = at, len = #part }
end

-- Builds one item and writes its outputs. Returns records for the parent: "ok" per file
-- written, "fail", and a part the combined file will take; "none" when the item wrote nothing,
-- so that every item the parent hears nothing of is known to be lost (see lost_items).
local function run_item(ds, descs, item, opts)
  local desc = descs[item.report]
  local ctx = { out = opts.out, shard = shard_name(opts), keep_part = item.keep_part, volume = item.volume }
  local ok, outputs
  local was = engine.phase("build")   -- timings only (OTCHET_TIMINGS)
  if item.combined then
    ok, outputs = engine.call_limited(desc.combine, ds, ctx, item.combined, item.parts or {})
  else
    ok, outputs = engine.call_limited(desc.build, ds, ctx, item.school)
  end
  engine.phase(was)
  if not ok and engine.stopped() then return {} end   -- broken off: counted with the unbuilt
  if not ok then
    return { table.concat({ "fail", item.report, item.school or "", one_line(report_error(outputs)) }, "\t") }
  end
  local records = {}
  if outputs ~= nil and type(outputs) ~= "table" then outputs = { outputs } end   -- named below
  for _, o in ipairs(outputs or {}) do
    local sum, werr = checked_output(o)
    local okw, path = sum ~= nil, sum and opts.out .. "/" .. o.file
    if okw then okw, werr = mkdirs(path:match("^(.*)/[^/]*$"), opts.out) end
    if okw then okw, werr = engine.stage_file(path, o.data) end   -- in place once committed
    if not okw then
      records[#records + 1] = table.concat({ "fail", item.report, item.school or "", one_line(werr) }, "\t")
    else
      records[#records + 1] = table.concat({ "ok", o.file, item.report, item.school or "",
        tostring(o.pages or ""), tostring(#o.data), sum }, "\t")
      if o.part and item.school then
        records[#records + 1] = part_record(item, o.part, opts)
      end
    end
  end
  if #records == 0 then   -- a document with nothing to write: still accounted for
    records[1] = table.concat({ "none", item.report, item.school or "" }, "\t")
  end
  return records
end

-- Items' files are staged (written, not yet synced nor in place) and committed every
-- COMMIT_EVERY items: one sync of the file system for the batch instead of an fsync per file —
-- waiting for those was a sixth of the time of 1,000 school sheets. Records are released only
-- once their batch is committed; a file the commit could not put in place becomes a failure.
local COMMIT_EVERY = 32

-- Commits the staged files and appends the batch's records to lines.
local function commit(batch, lines, opts)
  local ok, err, failed = engine.commit_files()
  for _, r in ipairs(batch) do
    local file, report, school
    if type(r) == "string" then file, report, school = r:match("^ok\t([^\t]*)\t([^\t]*)\t([^\t]*)\t") end
    if not ok and file and failed[opts.out .. "/" .. file] then
      r = table.concat({ "fail", report, school, one_line(err) }, "\t")
    end
    lines[#lines + 1] = r
  end
end

-- Records of the directories made_dirs lists as made, for the parent to remove (deepest
-- first, see collect) once every process has discarded its files.
local function made_dir_records()
  local list = {}
  for d, made in pairs(made_dirs) do if made then list[#list + 1] = "dir\t" .. d end end
  return list
end

-- Runs items of this process, each index next_item() returns until it returns nil or a signal
-- asks the run to stop (engine.stopped); returns their records. While the batch's gate is
-- pending (the dataset is still being checked, see run_parallel) files are staged but not
-- committed; once it is shut the staged files are discarded and nothing more is built.
local function run_share(ds, descs, items, opts, next_item, tick)
  local lines, batch, n = {}, {}, 0
  for i in next_item do
    if engine.gate() == "shut" or engine.stopped() then break end
    local records = run_item(ds, descs, items[i], opts)
    for _, r in ipairs(records) do batch[#batch + 1] = r end
    n = n + 1
    if n % COMMIT_EVERY == 0 and engine.gate() == "open" then
      commit(batch, lines, opts)
      batch = {}
    end
    if #records > 0 then tick() end   -- none: broken off by a stop, not done
  end
  if not engine.gate_wait() then
    engine.discard_files()
    return made_dir_records()
  end
  commit(batch, lines, opts)
  return lines
end

-- Rough cost of an item, in school sheets: a whole-dataset document is taken to cost as much
-- as the schools it covers.
local function weight(item, whole)
  return item.school and 1 or whole
end

-- The order --jobs workers take the items in (indexes into items): heaviest first, then as
-- listed. `whole` is the weight of a whole-dataset document (the number of schools). Workers
-- take the next item from a shared queue whenever they finish one, so a heavy document starts
-- first and the sheets fill in around it; no worker idles while another has items waiting.
function M.order(items, whole)
  local order = {}
  for i = 1, #items do order[i] = i end
  table.sort(order, function(a, b)
    local wa, wb = weight(items[a], whole), weight(items[b], whole)
    if wa ~= wb then return wa > wb end
    return a < b
  end)
  return order
end

-- Runs the prepare step of every report that has items (see the header).
local function prepare(ds, descs, items, opts)
  local ctx = { out = opts.out, shard = shard_name(opts),
    few_schools = opts.school ~= nil or opts.shard_n >= FEW_SCHOOLS_SHARDS }
  local done = {}
  for _, item in ipairs(items) do
    local desc = descs[item.report]
    if desc.prepare and not done[item.report] then
      done[item.report] = true
      local was = engine.phase("prepare")
      engine.call_limited(desc.prepare, ds, ctx)
      engine.phase(was)
    end
  end
end

-- The verdict of opts.check as the parent sees it: { ok =, text = } from the gatekeeper's
-- output ("ok" or "fail", a newline, the check's text) and exit status.
local function verdict(status, output)
  output = type(output) == "table" and (output[1] or "") or output
  local word, text = output:match("^(%a+)\n(.*)$")
  return { ok = status == 0 and word == "ok", text = text or output, status = status }
end

-- opts.check wrapped for the gatekeeper process: ok, then the output verdict() reads.
local function gatekeeper(check)
  return function()
    local ok, text = check()
    return ok, (ok and "ok" or "fail") .. "\n" .. (text or "")
  end
end

-- Failure records for the items no worker told anything of: a worker that died (killed, out
-- of memory, over the CPU limit) takes the items it had claimed with it, and none may vanish
-- in silence.
local function lost_items(items, outs)
  local heard = {}
  for _, records in ipairs(outs) do
    for _, r in ipairs(records) do
      if type(r) == "string" then
        local f = fields(r)   -- ok file report school …; fail|none report school …
        if f[1] == "ok" then heard[f[3] .. "\t" .. f[4]] = true
        elseif f[1] == "fail" or f[1] == "none" then heard[f[2] .. "\t" .. (f[3] or "")] = true end
      end
    end
  end
  local lost = {}
  for _, item in ipairs(items) do
    if not heard[item.report .. "\t" .. (item.school or "")] then
      lost[#lost + 1] = table.concat({ "fail", item.report, item.school or "",
        "процесс, строивший документ, завершился аварийно" }, "\t")
    end
  end
  return lost
end

-- The number of processes for items: --jobs, no more than there are items.
local function jobs_for(items, opts)
  return math.min(opts.jobs, #items)
end

-- Runs the items in this process or in --jobs workers; returns their records (a list per
-- process), with opts.check its verdict, and the workers' pids (none without workers). The
-- check (loading and checking what the dataset deferred) runs in a process of its own, started
-- by run_items before the preparation; the workers put nothing in place before it passes.
-- Without workers it runs here, first.
local function run_parallel(ds, descs, items, opts, bar)
  local jobs = jobs_for(items, opts)
  if jobs <= 1 then
    local checked = opts.check and verdict(0, select(2, gatekeeper(opts.check)()))
    if checked and not checked.ok then return {}, checked, {} end
    local done, k = 0, 0
    local function in_turn() k = k + 1; if k <= #items then return k end end
    return { run_share(ds, descs, items, opts, in_turn, function() done = done + 1; bar:update(done) end) },
      checked, {}
  end
  local order = M.order(items, math.max(1, ds.files.schools and ds.files.schools.table:nrows() or 1))
  local function claimed() local c = engine.claim(); return c and order[c] end
  local results, err = engine.parallel(jobs, function()
    return encode_records(run_share(ds, descs, items, opts, claimed, engine.tick))
  end, function(total) bar:update(total) end, #order)
  if not results then error(err) end
  local checked = opts.check and verdict(results[jobs + 1].status, results[jobs + 1].output)
  local outs, pids = {}, {}
  for k = 1, jobs do
    local r = results[k]
    if r.status == 3 then   -- its share raised: the output is the message, not records
      outs[k] = { "fail\t(процесс " .. k .. ")\t\t" .. one_line(tostring(r.output[1])) }
    else
      outs[k] = decode_records(r.output)
    end
    if r.status ~= 0 and r.status ~= 3 then   -- what it wrote may end inside a part
      table.insert(outs[k], 1, "fail\t(процесс " .. k .. ")\t\tпроцесс завершился аварийно (код " .. r.status .. ")")
    end
    -- a worker that did not finish its share (killed, out of memory) may have left the
    -- temporaries of files it staged and never committed
    if r.status ~= 0 then engine.remove_temps(opts.out, r.pid) end
    pids[k] = r.pid
  end
  -- after a stop, the items nobody built are counted by run_items, not named one by one
  if not (checked and not checked.ok) and not engine.stopped() then outs[#outs + 1] = lost_items(items, outs) end
  return outs, checked, pids
end

-- The parts the items returned, by report and school: a part, or the record of one set
-- aside on disk (part_record).
local function parts_of(outs)
  local parts = {}
  for _, records in ipairs(outs) do
    for _, r in ipairs(records) do
      if type(r) == "table" then
        parts[r.report] = parts[r.report] or {}
        parts[r.report][r.school] = r.spill and r or r.part
      end
    end
  end
  return parts
end

-- The parts of the schools `ids` (school → part), read back where they were set aside; nil +
-- message when one cannot be read.
local function volume_parts(all, ids, opts)
  local mine = {}
  for _, id in ipairs(ids) do
    local p = all[id]
    if type(p) == "table" then
      local err
      p, err = engine.unspill(opts.out, p.spill, p.at, p.len)
      if not p then return nil, "часть листа ОО " .. id .. " для сводного файла не прочитана: " .. err end
    end
    mine[id] = p
  end
  return mine
end

-- Builds the combined files (items `last`) here from the parts in outs; their records go to a
-- list of their own in outs.
local function run_combined(ds, descs, last, outs, opts, bar, done)
  local parts, lines = parts_of(outs), {}
  for i, item in ipairs(last) do
    if engine.stopped() then break end
    local mine, err = volume_parts(parts[item.report] or {}, item.combined, opts)
    if mine then
      item.parts = mine
      commit(run_item(ds, descs, item, opts), lines, opts)
      item.parts = nil
    else
      lines[#lines + 1] = table.concat({ "fail", item.report, "", one_line(err) }, "\t")
    end
    bar:update(done + i)
  end
  outs[#outs + 1] = lines
end

-- Every item but the combined files first (in workers with --jobs), then the combined files
-- here, from the parts the schools' items returned. Returns the records, opts.check's verdict
-- (when it failed, no combined file is built) and the number of items not built because a
-- signal asked the run to stop: the items in progress are broken off (engine.catch_stop), no
-- new one starts, the files of those already built are put in place, and no combined file is
-- built then (it would lack schools). The parts set aside on disk are removed either way.
local function run_items(ds, descs, items, opts, bar)
  engine.catch_stop()   -- before the gatekeeper and the workers fork: they inherit it
  local orphans, bytes = engine.remove_orphans(opts.out)   -- of a run killed outright here
  if orphans > 0 then
    engine.stderr(string.format("otchet: %s: удалены недописанные и временные файлы прерванного "
      .. "запуска (%d, %.1f МБ)\n", opts.out, orphans, bytes / 2^20))
  end
  local first, last = {}, {}
  for _, item in ipairs(items) do
    if item.combined then last[#last + 1] = item else first[#first + 1] = item end
  end
  if opts.check and jobs_for(first, opts) > 1 then   -- the check works while this prepares
    local ok, err = engine.gatekeeper(gatekeeper(opts.check))
    if not ok then error(err) end
  end
  prepare(ds, descs, items, opts)
  layout.open()   -- fonts and hyphenation once, before the workers fork (they inherit them)
  local outs, checked, pids = run_parallel(ds, descs, first, opts, bar)
  local passed = not (checked and not checked.ok)
  if #last > 0 and passed and not engine.stopped() then run_combined(ds, descs, last, outs, opts, bar, #first) end
  engine.spill_remove(opts.out)
  for _, pid in ipairs(pids) do engine.spill_remove(opts.out, pid) end
  return outs, checked, passed and engine.stopped() and #lost_items(items, outs) or 0
end

local function csv_cell(s)
  s = tostring(s)
  if s:find('[,"\n]') then s = '"' .. s:gsub('"', '""') .. '"' end
  return s
end

local function manifest_text(records)
  local lines = { "file,report,school,pages,bytes,sha256" }
  for _, r in ipairs(records) do
    lines[#lines + 1] = table.concat({ csv_cell(r[2]), csv_cell(r[3]), csv_cell(r[4]), r[5], r[6], r[7] }, ",")
  end
  return table.concat(lines, "\n") .. "\n"
end

-- Splits worker outputs into written-file records, failures and directories made.
local function collect(outs)
  local written, failures, dirs = {}, {}, {}
  for _, records in ipairs(outs) do
    for _, line in ipairs(records) do
      if type(line) == "string" then   -- parts went to the combined files already
        local f = fields(line)
        if f[1] == "ok" then written[#written + 1] = f
        elseif f[1] == "dir" then dirs[#dirs + 1] = f[2]
        elseif f[1] ~= "none" then failures[#failures + 1] = f end
      end
    end
  end
  table.sort(written, function(a, b) return a[2] < b[2] end)
  table.sort(dirs, function(a, b) return #a > #b end)
  return written, failures, dirs
end

-- Descriptors of the named reports that can run; complaints about the others.
local function load_reports(ds, names, explicit)
  local descs, runnable, failed = {}, {}, 0
  for _, name in ipairs(names) do
    local desc, err = M.load(name)
    local missing = desc and missing_files(ds, desc) or {}
    if not desc then
      failed = failed + 1
      engine.stderr("otchet: отчёт " .. name .. " не загружен: " .. err .. "\n")
    elseif #missing > 0 then
      if explicit then failed = failed + 1 end
      engine.stderr("otchet: отчёт " .. name .. " пропущен: нет " .. table.concat(missing, ", ") .. "\n")
    else
      descs[name], runnable[#runnable + 1] = desc, name
    end
  end
  return descs, runnable, failed
end

-- Why --school cannot be honoured, or nil: a report about the whole dataset among the ones to
-- run, or a code no school of schools.csv has. Either way the run would write nothing and say
-- nothing, and a cron job with a mistyped code would never know.
local function school_problem(ds, descs, runnable, school)
  if not school then return nil end
  for _, name in ipairs(runnable) do
    if not descs[name].per_school then
      return "отчёт " .. name .. " составляется по всему набору данных: --school к нему не относится"
    end
  end
  if #runnable > 0 and #M.school_slice(ds, school, 1, 1) == 0 then
    return "--school " .. school .. ": школы с таким кодом нет в schools.csv"
  end
end

-- Runs the named reports over a validated dataset; returns the exit code.
-- opts: out, school, jobs (text), shard (text "K/N"), explicit (a single named report);
-- check, checked: the dataset's deferred check (dataset.load_deferred), run alongside the
-- items by check() → ok, text; checked(verdict) then runs here once it is done and returns
-- true to go on, or false and the exit code: nothing the run made stays behind.
function M.run_all(ds, names, opts)
  local k, n = M.parse_shard(opts.shard)
  local jobs = tonumber(opts.jobs or "1")
  if not k or not jobs or jobs < 1 or jobs ~= math.floor(jobs) then
    engine.stderr("otchet: " .. (k and "--jobs ожидает целое число ≥ 1" or n) .. "\n")
    return 2
  end
  local on_checked = opts.checked
  opts = { out = opts.out, school = opts.school, jobs = math.min(jobs, 256), shard_k = k, shard_n = n,
    check = opts.check }
  local descs, runnable, failed = load_reports(ds, names, #names == 1)
  local why = school_problem(ds, descs, runnable, opts.school)
  if why then
    engine.stderr("otchet: " .. why .. "\n")
    return 2
  end
  local out_existed = engine.is_dir(opts.out)
  local okdir, err = engine.mkdirs(opts.out)
  if not okdir then
    engine.stderr("otchet: " .. err .. "\n")
    return EXIT_REPORT
  end
  local items = {}
  for _, name in ipairs(runnable) do report_items(ds, name, descs[name], opts, items) end
  local bar = progress.new(#items)
  local outs, checked, unbuilt = run_items(ds, descs, items, opts, bar)
  local written, failures, dirs = collect(outs)
  bar:finish()
  if checked then
    local go, code = on_checked(checked)
    if not go then
      for _, d in ipairs(dirs) do engine.rmdir(d) end
      if not out_existed then engine.rmdir(opts.out) end
      return code
    end
  end
  for _, f in ipairs(failures) do
    engine.stderr("otchet: отчёт " .. f[2] .. (f[3] ~= "" and (", ОО " .. f[3]) or "") .. " не построен: " .. unescape(f[4] or "") .. "\n")
  end
  local mname = n > 1 and string.format("manifest.shard-%d-of-%d.csv", k, n) or "manifest.csv"
  local okm, merr = engine.write_file(opts.out .. "/" .. mname, manifest_text(written))
  if not okm then engine.stderr("otchet: " .. merr .. "\n") end
  local stopped = engine.stopped()
  if stopped then
    engine.stderr(string.format("otchet: остановлено сигналом %s: не построено документов — %d; "
      .. "построенные записаны и перечислены в %s\n", stopped, unbuilt, mname))
  end
  engine.stdout(string.format("%s: записано файлов — %d%s\n", opts.out, #written,
    #failures + failed > 0 and string.format(", ошибок — %d", #failures + failed) or ""))
  return (failed + #failures > 0 or not okm or stopped) and EXIT_REPORT or EXIT_OK
end

return M
