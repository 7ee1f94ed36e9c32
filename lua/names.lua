-- names — the name matching of DESIGN.md ("Decided conventions") for report scripts, which
-- cannot reach the engine directly: procedures, subjects and risk factors match ignoring case,
-- ё/е, spaces, brackets and punctuation ("Математика (базовая)" = "математика базовая").
local engine = require("engine")

local M = {}

-- Keys remembered per name: documents and checks name the same few procedures, subjects,
-- statuses, levels and factors over and over, and a table lookup costs far less than a key
-- made anew (~4 k instructions). Starts over past KEYS_MAX names, so odd data cannot grow it
-- without end.
local KEYS_MAX = 4096
local keys, count = {}, 0

-- The matching key of a name ("математикабазовая"); "" for nil.
function M.key(name)
  if name == nil then return "" end
  local k = keys[name]
  if k then return k end
  k = engine.namekey(tostring(name))
  if type(name) == "string" then
    if count >= KEYS_MAX then keys, count = {}, 0 end
    keys[name], count = k, count + 1
  end
  return k
end

-- Do two names denote the same thing?
function M.same(a, b)
  return a ~= nil and b ~= nil and M.key(a) == M.key(b)
end

return M
