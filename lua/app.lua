-- app — the command line of otchet (DESIGN.md, "Command line"): parses arguments, loads and
-- validates the dataset, runs reports, and returns the exit code:
-- 0 all written; 1 invalid data (nothing written); 2 usage; 3 a report failed.
local engine = require("engine")
local dataset = require("dataset")
local problems_mod = require("problems")

local M = {}

local EXIT_OK, EXIT_DATA, EXIT_USAGE, EXIT_REPORT = 0, 1, 2, 3

local USAGE = [[
otchet — отчёты муниципального органа управления образованием в PDF

  otchet all    --data DIR [--out DIR] [--year Y] [--set ключ=значение]...
                    все отчёты по набору данных
  otchet run    ОТЧЁТ --data DIR [--school КОД] [--out DIR] [--jobs N] [--shard K/N]
                [--year Y] [--set ключ=значение]...
                    один отчёт
  otchet check  --data DIR [--set ключ=значение]...
                    проверить данные и перечислить все ошибки
  otchet list       отчёты и нужные им файлы
  otchet --help | --version

Коды выхода: 0 — всё записано; 1 — ошибки в данных (ничего не записано);
2 — неверный вызов; 3 — отчёт не построен (остальные записаны).
]]

local function say(s) engine.stdout(s .. "\n") end
local function complain(s) engine.stderr("otchet: " .. s .. "\n") end

-- Options each command accepts; true = takes a value, "list" = repeatable.
local OPTIONS = {
  all = { data = true, out = true, year = true, set = "list", jobs = true },
  run = { data = true, out = true, year = true, set = "list", school = true, jobs = true, shard = true },
  check = { data = true, set = "list", year = true },
  list = {},
}

-- Parses argv after the command: returns opts, positional args; or nil + message.
local function parse_options(command, argv, first)
  local allowed, opts, positional = OPTIONS[command], { set = {} }, {}
  local i = first
  while i <= #argv do
    local a = argv[i]
    local name, inline = a:match("^%-%-([%w_-]+)=(.*)$")
    name = name or a:match("^%-%-([%w_-]+)$")
    if name then
      local kind = allowed[name]
      if not kind then return nil, "неизвестный параметр --" .. name .. " для команды " .. command end
      local value = inline
      if not value then
        i = i + 1
        value = argv[i]
        if not value then return nil, "после --" .. name .. " нужно значение" end
      end
      if kind == "list" then opts[name][#opts[name] + 1] = value else opts[name] = value end
    elseif a:sub(1, 1) == "-" and a ~= "-" then
      return nil, "неизвестный параметр " .. a
    else
      positional[#positional + 1] = a
    end
    i = i + 1
  end
  return opts, positional
end

-- --set k=v and --year Y as overrides of district.csv; nil + message when malformed.
local function overrides(opts)
  local list = {}
  for _, kv in ipairs(opts.set) do
    local k, v = kv:match("^([%w_]+)=(.*)$")
    if not k then return nil, "--set ожидает ключ=значение, получено «" .. kv .. "»" end
    list[#list + 1] = { key = k, value = v }
  end
  if opts.year then list[#list + 1] = { key = "report_year", value = opts.year } end
  return list
end

local function print_problems(dir, problems)
  for _, p in ipairs(problems:sorted(dataset.file_order(dir))) do
    engine.stderr(problems_mod.format(p) .. "\n")
  end
end

local function data_failed(problems)
  complain(string.format("данные не прошли проверку: ошибок — %d, предупреждений — %d; ничего не записано",
    problems.errors, problems.warnings))
end

-- Loads the dataset named by --data; prints its problems. Returns ds, problems or nil + exit
-- code. defer: files to leave for dataset.load_deferred (see cmd_run).
local function load_data(opts, defer)
  if not opts.data then
    complain("не указан каталог с данными: --data DIR")
    return nil, EXIT_USAGE
  end
  local ov, err = overrides(opts)
  if not ov then
    complain(err)
    return nil, EXIT_USAGE
  end
  local was = engine.phase("check")   -- timings only (OTCHET_TIMINGS); CSV parsing is "load"
  local ds, problems = dataset.load(opts.data, ov, defer)
  engine.phase(was)
  print_problems(opts.data, problems)
  if problems.errors > 0 then
    data_failed(problems)
    return nil, EXIT_DATA
  end
  return ds, problems
end

local function cmd_check(opts)
  local ds, problems = load_data(opts)
  if not ds then return problems end
  say(string.format("%s: данные в порядке (предупреждений — %d)", opts.data, problems.warnings))
  return EXIT_OK
end

local function cmd_list()
  local reports = require("reports")
  for _, name in ipairs(engine.list_reports()) do
    local info = reports.describe(name)
    say(string.format("%-20s %s", name, info.title or ""))
    if info.needs and #info.needs > 0 then say(string.rep(" ", 21) .. "нужны: " .. table.concat(info.needs, ", ")) end
    if info.reads and #info.reads > 0 then say(string.rep(" ", 21) .. "читает, если есть: " .. table.concat(info.reads, ", ")) end
  end
  return EXIT_OK
end

-- The deferred part of the dataset's check for reports.run_all: check() loads and checks the
-- files the load deferred (in a process of its own, alongside the reports' workers);
-- checked(verdict) adds its problems to the others, prints them and says whether to go on.
local function deferred_check(ds, problems, dir)
  local function check()
    engine.phase("check")
    local p = dataset.load_deferred(ds)
    return p.errors == 0, p:encode()
  end
  local function checked(verdict)
    local more = problems_mod.new()
    more:decode(verdict.text)
    if verdict.status ~= 0 then
      more:error({ file = dir }, "проверка данных завершилась аварийно (код " .. verdict.status .. ")")
    end
    print_problems(dir, more)
    problems.errors, problems.warnings = problems.errors + more.errors, problems.warnings + more.warnings
    if verdict.ok then return true end
    data_failed(problems)
    return false, EXIT_DATA
  end
  return check, checked
end

local function cmd_run(opts, positional, all)
  local names = all and engine.list_reports() or { positional[1] }
  if not all and not positional[1] then
    complain("не указан отчёт: otchet run ОТЧЁТ --data DIR (список: otchet list)")
    return EXIT_USAGE
  end
  if not all then   -- a mistyped name is told before the data is loaded, with what there is
    local known = engine.list_reports()
    local found = false
    for _, name in ipairs(known) do found = found or name == positional[1] end
    if not found then
      complain("нет отчёта «" .. positional[1] .. "»; есть: " .. table.concat(known, ", ") .. " (otchet list)")
      return EXIT_USAGE
    end
  end
  local reports = require("reports")
  -- with workers, participants.csv (a sixth of a region's data, and most of its checking) is
  -- loaded and checked alongside the reports when none of them reads it
  local jobs = tonumber(opts.jobs or "1")
  local defer = jobs and jobs >= 2 and not reports.reads(names, "participants") and { participants = true }
  local ds, problems = load_data(opts, defer)
  if not ds then return problems end
  local check, checked
  if dataset.has_deferred(ds) then check, checked = deferred_check(ds, problems, opts.data) end
  return reports.run_all(ds, names, {
    out = opts.out or "out", school = opts.school, jobs = opts.jobs, shard = opts.shard,
    check = check, checked = checked,
  })
end

function M.main(argv)
  local command = argv[1]
  if command == nil or command == "--help" or command == "-h" or command == "help" then
    engine.stdout(USAGE)
    return command == nil and EXIT_USAGE or EXIT_OK
  end
  if command == "--version" then
    say("otchet " .. engine.version)
    return EXIT_OK
  end
  if command == "test-lua" then -- developer command: plain Lua tests (make test)
    local failed = 0
    for i = 2, #argv do failed = failed + require("testing").run_file(argv[i]) end
    return failed > 0 and 1 or EXIT_OK
  end
  if not OPTIONS[command] then
    complain("неизвестная команда «" .. command .. "»; см. otchet --help")
    return EXIT_USAGE
  end
  local opts, positional = parse_options(command, argv, 2)
  if not opts then
    complain(positional)
    return EXIT_USAGE
  end
  if command == "check" then return cmd_check(opts) end
  if command == "list" then return cmd_list() end
  return cmd_run(opts, positional, command == "all")
end

return M
