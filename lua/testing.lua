-- testing — a minimal runner for plain Lua tests (tests/lua/test_*.lua). A test file returns
-- a table of named functions; each runs protected; the run ends with "N passed, N failed".
local engine = require("engine")

local M = {}

local function show(v)
  if type(v) == "string" then return string.format("%q", v) end
  if type(v) ~= "table" then return tostring(v) end
  local keys = {}
  for k in pairs(v) do keys[#keys + 1] = k end
  table.sort(keys, function(a, b) return tostring(a) < tostring(b) end)
  local parts = {}
  for _, k in ipairs(keys) do parts[#parts + 1] = tostring(k) .. "=" .. show(v[k]) end
  return "{" .. table.concat(parts, ", ") .. "}"
end

local function deep_eq(a, b)
  if type(a) ~= "table" or type(b) ~= "table" then return a == b end
  for k, v in pairs(a) do if not deep_eq(v, b[k]) then return false end end
  for k in pairs(b) do if a[k] == nil then return false end end
  return true
end

-- Asserts deep equality; the message shows both values.
function M.eq(actual, expected, what)
  if not deep_eq(actual, expected) then
    error((what and (what .. ": ") or "") .. "получено " .. show(actual) .. ", ожидалось " .. show(expected), 2)
  end
end

-- Asserts |actual - expected| < 1e-9.
function M.near(actual, expected, what)
  if type(actual) ~= "number" or math.abs(actual - expected) > 1e-9 then
    error((what and (what .. ": ") or "") .. "получено " .. show(actual) .. ", ожидалось " .. show(expected), 2)
  end
end

-- Runs the tests of one file; returns the number of failures.
function M.run_file(path)
  local env = engine.new_trusted_env()
  local chunk, err = engine.load_file(path, env)
  if not chunk then
    engine.stdout("FAIL " .. path .. ": " .. tostring(err) .. "\n0 passed, 1 failed\n")
    return 1
  end
  local ok, tests = pcall(chunk)
  if not ok or type(tests) ~= "table" then
    engine.stdout("FAIL " .. path .. ": " .. tostring(tests) .. "\n0 passed, 1 failed\n")
    return 1
  end
  local names = {}
  for name in pairs(tests) do names[#names + 1] = name end
  table.sort(names)
  local passed, failed = 0, 0
  for _, name in ipairs(names) do
    local okt, terr = pcall(tests[name])
    if okt then
      passed = passed + 1
    else
      failed = failed + 1
      engine.stdout("FAIL " .. name .. ": " .. tostring(terr) .. "\n")
    end
  end
  engine.stdout(passed .. " passed, " .. failed .. " failed\n")
  return failed
end

return M
