-- dataset — loads a dataset folder following lua/schema.lua: matches headers (canonical names
-- or Russian aliases), loads typed columns through the engine, reads district settings and
-- --set overrides, then runs the rules of lua/validate.lua. Returns the dataset and problems.
local engine = require("engine")
local schema = require("schema")
local problems_mod = require("problems")
local validate = require("validate")

local M = {}

local function join(dir, file)
  if dir:sub(-1) == "/" then return dir .. file end
  return dir .. "/" .. file
end

-- Folded alias → column spec, for one file.
local function header_lookup(spec)
  local lookup = {}
  for _, c in ipairs(spec.columns) do
    lookup[engine.fold(c.name)] = c
    for _, a in ipairs(c.aliases) do lookup[engine.fold(a)] = c end
  end
  return lookup
end

-- The year of a target_<year> column («целевое значение 2024»), or nil.
local function pattern_year(spec, key)
  local p = spec.pattern
  if not p then return nil end
  local y = key:match("^" .. engine.fold(p.prefix) .. "(%d%d%d%d)$")
      or key:match("^" .. engine.fold(p.alias) .. "(%d%d%d%d)$")
  return y and tonumber(y)
end

-- Maps header fields to load specs. Unknown columns are ignored; missing required ones and
-- repeated ones are errors.
local function map_header(spec, header, path, problems)
  local lookup, mapping, seen, years = header_lookup(spec), {}, {}, {}
  for i, h in ipairs(header) do
    local key = engine.fold(h)
    local c, name = lookup[key], nil
    local year = not c and pattern_year(spec, key)
    if c then name = c.name
    elseif year then
      name = spec.pattern.prefix .. year
      c = { type = spec.pattern.type }
      years[#years + 1] = year
    end
    if name and seen[name] then
      problems:error({ file = path, line = 1, column = h },
        "столбец повторяется (уже есть в поле " .. seen[name] .. ")")
    elseif name then
      seen[name] = i
      mapping[#mapping + 1] = { field = i, name = name, label = h, type = c.type,
        nonempty = c.nonempty, min = c.min, max = c.max }
    end
  end
  for _, c in ipairs(spec.columns) do
    if c.required and not seen[c.name] then
      local alias = c.aliases[1] and (" или «" .. c.aliases[1] .. "»") or ""
      problems:error({ file = path, line = 1 },
        "нет обязательного столбца '" .. c.name .. "'" .. alias)
    end
  end
  table.sort(years)
  return mapping, years
end

local function add_engine_diags(diags, path, problems)
  for _, d in ipairs(diags) do
    problems:add(d.level, { file = path, line = d.line, col = d.col, column = d.column }, d.message)
  end
  if diags.dropped_errors > 0 then
    problems:error({ file = path }, "ошибок того же рода сверх показанных: " .. diags.dropped_errors)
    -- one line stands for all of them; the total counts each
    problems.errors = problems.errors + diags.dropped_errors - 1
  end
end

-- Loads one file of the contract. Returns {table=, path=, years=} or nil when absent/unusable.
local function load_file(dir, spec, problems)
  local path = join(dir, spec.file)
  if engine.is_dir(path) then
    problems:error({ file = path }, "это каталог, а не файл CSV")
    return nil
  end
  if not engine.is_file(path) then
    if spec.required then problems:error({ file = path }, "обязательный файл отсутствует") end
    return nil
  end
  local h, msg, line, col = engine.csv_open(path)
  if not h then
    problems:error({ file = path, line = line, col = col }, msg)
    return nil
  end
  local header
  header, msg, line, col = h:header()
  if not header then
    problems:error({ file = path, line = line, col = col }, msg)
    return nil
  end
  local before = problems.errors
  local mapping, years = map_header(spec, header, path, problems)
  if problems.errors > before then return nil end
  local t, diags = h:load(mapping, #header)
  local info = h:info()
  h:close() -- the text is in the table now; do not wait for the collector to free it
  add_engine_diags(diags, path, problems)
  if t and t:nrows() == 0 and spec.required then
    problems:error({ file = path }, "в файле нет ни одной строки данных (только заголовок)")
  end
  return t and { table = t, path = path, years = years, info = info }
end

-- Typed value of a setting from text; nil + reason when it does not fit.
local function parse_setting(def, text)
  if def.type == "str" then
    if def.values and not def.values[text] then
      local allowed = {}
      for v in pairs(def.values) do allowed[#allowed + 1] = v end
      table.sort(allowed)
      return nil, "допустимые значения: " .. table.concat(allowed, ", ")
    end
    return text
  elseif def.type == "years" then
    -- hyphen, en dash or em dash (a byte class cannot hold the multibyte dashes)
    local plain = text:gsub("\u{2013}", "-"):gsub("\u{2014}", "-"):gsub("\u{2212}", "-")
    local a, b = plain:match("^%s*(%d%d%d%d)%s*%-%s*(%d%d%d%d)%s*$")
    if not a or tonumber(a) > tonumber(b) then return nil, "ожидается период вида 2022-2024" end
    return { first = tonumber(a), last = tonumber(b), text = text }
  elseif def.type == "date" then
    return engine.parse_date(text)
  end
  local v, why = (def.type == "int" and engine.parse_int or engine.parse_num)(text)
  if not v then return nil, why end
  if (def.min and v < def.min) or (def.max and v > def.max) then
    return nil, "значение вне допустимого диапазона " .. def.min .. "–" .. def.max
  end
  return v
end

-- district.csv rows and --set overrides → settings with defaults.
local function read_settings(file, overrides, problems)
  local settings, where = {}, {}
  if file then
    local t = file.table
    for i = 1, t:nrows() do
      local key, value = t:get("key", i), t:get("value", i) or ""
      local at = { file = file.path, line = t:line(i) }
      local def = key and schema.settings[key]
      if key and not def then
        problems:warning(at, "неизвестный параметр '" .. key .. "' пропущен")
      elseif key and where[key] then
        problems:error(at, "параметр '" .. key .. "' уже задан в строке " .. where[key].line)
      elseif key and value ~= "" then
        local v, why = parse_setting(def, value)
        if v == nil then problems:error(at, "параметр '" .. key .. "': " .. why .. ": «" .. value .. "»") end
        settings[key], where[key] = v, at
      end
    end
  end
  for _, o in ipairs(overrides or {}) do
    local def = schema.settings[o.key]
    if not def then
      problems:error({ file = "--set" }, "неизвестный параметр '" .. o.key .. "'")
    else
      local v, why = parse_setting(def, o.value)
      if v == nil then problems:error({ file = "--set" }, "параметр '" .. o.key .. "': " .. why .. ": «" .. o.value .. "»") end
      settings[o.key], where[o.key] = v, { file = "--set" }
    end
  end
  for key, def in pairs(schema.settings) do
    if settings[key] == nil and def.default ~= nil then
      settings[key] = select(1, parse_setting(def, tostring(def.default)))
    end
  end
  return settings, where
end

-- Files whose loading a run may defer (M.load's `defer`), each with the rules that check it
-- once loaded.
local DEFERRABLE = { participants = validate.run_participants }

-- A report that reads a deferred file without naming it in `reads` must not see it absent: the
-- file is loaded where it is first read (in that process; its problems are the deferred
-- check's to report, and that check still decides whether anything is written). Only slower.
local function load_on_demand(ds)
  setmetatable(ds.files, { __index = function(files, name)
    local spec = ds.deferred[name]
    if not spec then return nil end
    ds.deferred[name] = nil
    local f = load_file(ds.dir, spec, problems_mod.new())
    rawset(files, name, f)
    return f
  end })
end

-- Loads and validates the dataset in `dir`. overrides: list of {key=, value=} from --set.
-- defer: set of file names (of DEFERRABLE) to leave for M.load_deferred, so that a run whose
-- reports do not read them can check them alongside its work. Returns dataset, problems
-- (problems.errors > 0 means the data must not be used).
function M.load(dir, overrides, defer)
  local problems = problems_mod.new()
  local ds = { dir = dir, files = {}, deferred = {} }
  load_on_demand(ds)
  if not engine.is_dir(dir) then
    problems:error({ file = dir }, "каталог с данными не найден")
    return ds, problems
  end
  for _, spec in ipairs(schema.files) do
    if defer and defer[spec.name] and DEFERRABLE[spec.name] and engine.is_file(join(dir, spec.file)) then
      ds.deferred[spec.name] = spec
    else
      ds.files[spec.name] = load_file(dir, spec, problems)
    end
  end
  ds.settings, ds.setting_where = read_settings(ds.files.district, overrides, problems)
  validate.run(ds, problems)
  return ds, problems
end

-- Whether M.load deferred any file of ds.
function M.has_deferred(ds)
  return next(ds.deferred) ~= nil
end

-- Loads the files M.load deferred and checks them. Returns problems (their own list).
function M.load_deferred(ds)
  local problems = problems_mod.new()
  for _, spec in ipairs(schema.files) do
    if ds.deferred[spec.name] then
      rawset(ds.files, spec.name, load_file(ds.dir, spec, problems))
      ds.deferred[spec.name] = nil
      DEFERRABLE[spec.name](ds, problems)
    end
  end
  return problems
end

-- File names in contract order, for sorting problems.
function M.file_order(dir)
  local order = {}
  for _, spec in ipairs(schema.files) do order[#order + 1] = join(dir, spec.file) end
  return order
end

return M
