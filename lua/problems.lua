-- problems — the list of data problems found while loading and validating a dataset, and
-- their one-line Russian form "file:line: столбец 'x': reason" (warnings say so).
local M = {}
M.__index = M

function M.new()
  return setmetatable({ items = {}, errors = 0, warnings = 0 }, M)
end

-- where = { file =, line =, col =, column = }; any field may be absent.
function M:add(level, where, message)
  local item = { level = level, file = where.file, line = where.line, col = where.col,
                 column = where.column, message = message }
  self.items[#self.items + 1] = item
  if level == "error" then self.errors = self.errors + 1 else self.warnings = self.warnings + 1 end
  return item
end

function M:error(where, message) return self:add("error", where, message) end
function M:warning(where, message) return self:add("warning", where, message) end

function M.format(p)
  local parts = { p.file or "" }
  if p.line and p.line > 0 then
    parts[#parts + 1] = tostring(p.line)
    if p.col and p.col > 0 then parts[#parts + 1] = tostring(p.col) end
  end
  local s = table.concat(parts, ":") .. ": "
  if p.level == "warning" then s = s .. "предупреждение: " end
  if p.column then s = s .. "столбец '" .. p.column .. "': " end
  return s .. p.message
end

-- The problems as text to travel between processes (M:decode reads them back): a line with
-- the counts (which may exceed the items: see dataset's dropped errors), then one line per
-- problem with tab-separated fields.
function M:encode()
  local lines = { self.errors .. "\t" .. self.warnings }
  for _, p in ipairs(self.items) do
    local fields = { p.level, p.file or "", p.line or "", p.col or "", p.column or "", p.message }
    for i, f in ipairs(fields) do fields[i] = tostring(f):gsub("[\t\n]", " ") end
    lines[#lines + 1] = table.concat(fields, "\t")
  end
  return table.concat(lines, "\n")
end

local function present(v) return v ~= "" and v or nil end

-- Adds the problems of M:encode's text to this list, counts included; returns those added.
function M:decode(text)
  local added, errors, warnings = {}, self.errors, self.warnings
  local counts = text:match("^[^\n]*")
  for line in text:gmatch("\n([^\n]+)") do
    local f = {}
    for field in (line .. "\t"):gmatch("([^\t]*)\t") do f[#f + 1] = field end
    added[#added + 1] = self:add(f[1], { file = present(f[2]), line = tonumber(f[3]),
      col = tonumber(f[4]), column = present(f[5]) }, f[6] or "")
  end
  local e, w = counts:match("^(%d+)\t(%d+)$")
  self.errors, self.warnings = errors + (tonumber(e) or 0), warnings + (tonumber(w) or 0)
  return added
end

-- Problems in file order, then line order: the order a person fixes them in.
function M:sorted(file_order)
  local rank = {}
  for i, f in ipairs(file_order or {}) do rank[f] = i end
  local list = {}
  for i, p in ipairs(self.items) do list[i] = p; p._seq = i end
  table.sort(list, function(a, b)
    local ra, rb = rank[a.file] or 1e9, rank[b.file] or 1e9
    if ra ~= rb then return ra < rb end
    if (a.file or "") ~= (b.file or "") then return (a.file or "") < (b.file or "") end
    if (a.line or 0) ~= (b.line or 0) then return (a.line or 0) < (b.line or 0) end
    return a._seq < b._seq
  end)
  return list
end

return M
