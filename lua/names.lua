-- names — the name matching of DESIGN.md ("Decided conventions") for report scripts, which
-- cannot reach the engine directly: procedures, subjects and risk factors match ignoring case,
-- ё/е, spaces, brackets and punctuation ("Математика (базовая)" = "математика базовая").
local engine = require("engine")

local M = {}

-- The matching key of a name ("математикабазовая"); "" for nil.
function M.key(name)
  if name == nil then return "" end
  return engine.namekey(tostring(name))
end

-- Do two names denote the same thing?
function M.same(a, b)
  return a ~= nil and b ~= nil and M.key(a) == M.key(b)
end

return M
