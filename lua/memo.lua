-- memo — district-level results memoised per dataset: ds.cache[name + arguments] holds what
-- compute() returned, so identification, clusters, the checklist and the like are computed once
-- per process. The runner calls a report's prepare(ds, ctx) before forking --jobs workers, so
-- what prepare fills here is shared copy-on-write. Cached values are shared: callers read them,
-- never change them. Pure Lua, no dependencies.
local M = {}

local NIL = {}   -- stands for a cached nil

-- The memoised value of compute() for name and the arguments after it (numbers, strings,
-- booleans or nil); compute runs at most once per dataset and key unless it raises.
function M.get(ds, name, compute, ...)
  local cache = ds.cache
  if not cache then cache = {}; ds.cache = cache end
  local k = name
  for i = 1, select("#", ...) do k = k .. "\1" .. tostring((select(i, ...))) end
  local v = cache[k]
  if v == nil then
    v = compute()
    if v == nil then v = NIL end
    cache[k] = v
  end
  if v == NIL then return nil end
  return v
end

return M
