-- reports — finds, describes and runs report scripts (reports/<name>.lua) in sandboxes.
-- A script returns { title =, needs = {files}, build = function(ds, ctx) → outputs }, where
-- outputs is a list of { file =, data = } the runner writes atomically under --out and lists
-- in manifest.csv. A failing report is reported and skipped; the others are still written.
local engine = require("engine")

local M = {}

local EXIT_OK, EXIT_REPORT = 0, 3

-- Loads reports/<name>.lua in an untrusted environment; returns its descriptor or nil + message.
function M.load(name)
  local env = engine.new_env()
  local chunk, err = engine.load_report(name, env)
  if not chunk then return nil, err end
  local ok, desc = pcall(chunk)
  if not ok then return nil, tostring(desc) end
  if type(desc) ~= "table" or type(desc.build) ~= "function" then
    return nil, "reports/" .. name .. ".lua должен вернуть таблицу с функцией build"
  end
  return desc
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

local function csv_cell(s)
  s = tostring(s)
  if s:find('[,"\n]') then s = '"' .. s:gsub('"', '""') .. '"' end
  return s
end

local function write_manifest(out, rows)
  local lines = { "file,report,school,pages,bytes" }
  for _, r in ipairs(rows) do
    lines[#lines + 1] = table.concat({ csv_cell(r.file), csv_cell(r.report), csv_cell(r.school or ""),
      csv_cell(r.pages or ""), csv_cell(r.bytes) }, ",")
  end
  return engine.write_file(out .. "/manifest.csv", table.concat(lines, "\n") .. "\n")
end

-- Runs one report; returns the list of written outputs, or nil + message.
local function run_one(ds, name, opts)
  local desc, err = M.load(name)
  if not desc then return nil, err end
  local missing = missing_files(ds, desc)
  if #missing > 0 then return {}, nil, "нет файлов: " .. table.concat(missing, ", ") end
  local ok, outputs = pcall(desc.build, ds, opts)
  if not ok then return nil, tostring(outputs) end
  local written = {}
  for _, o in ipairs(outputs or {}) do
    local path = opts.out .. "/" .. o.file
    local okw, werr = engine.write_file(path, o.data)
    if not okw then return nil, werr end
    written[#written + 1] = { file = o.file, report = name, school = o.school, pages = o.pages, bytes = #o.data }
  end
  return written
end

-- Runs the named reports over a validated dataset; returns the exit code.
function M.run_all(ds, names, opts)
  local okdir, err = engine.mkdirs(opts.out)
  if not okdir then
    engine.stderr("otchet: " .. err .. "\n")
    return EXIT_REPORT
  end
  local manifest, failed = {}, 0
  for _, name in ipairs(names) do
    local written, rerr, skipped = run_one(ds, name, opts)
    if not written then
      failed = failed + 1
      engine.stderr("otchet: отчёт " .. name .. " не построен: " .. rerr .. "\n")
    elseif skipped then
      engine.stderr("otchet: отчёт " .. name .. " пропущен: " .. skipped .. "\n")
    else
      for _, w in ipairs(written) do
        manifest[#manifest + 1] = w
        engine.stdout(opts.out .. "/" .. w.file .. "\n")
      end
    end
  end
  local okm, merr = write_manifest(opts.out, manifest)
  if not okm then
    engine.stderr("otchet: " .. merr .. "\n")
    return EXIT_REPORT
  end
  return failed > 0 and EXIT_REPORT or EXIT_OK
end

return M
