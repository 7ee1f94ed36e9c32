-- csvout — tables written as CSV that Russian Excel opens correctly by double-click (DESIGN.md
-- "Decided conventions"): UTF-8 with a BOM, ";" between cells, CRLF line ends, numbers with a
-- decimal comma rounded half away from zero (lua/ru.lua), cells quoted where needed, and text
-- cells beginning with "=", "+", "-", "@" (or a tab / carriage return) neutralised with a
-- leading apostrophe so Excel never runs them as formulas. Pure Lua; uses ru.
--
--   local csvout = require("csvout")
--   local out = csvout.file("analytical_reference/summary.csv",
--     { "Процедура", "Участников", "Доля «2», %" },
--     { { "ВПР", 296, csvout.pct(44 / 296) } })      -- → { file =, data = }
local ru = require("ru")

local M = {}

M.BOM = "\239\187\191"
M.SEP = ";"
M.EOL = "\r\n"

local NUMBER = {}   -- metatable marking a number cell with a fixed number of decimals

-- A number cell printed with k decimals (default 0): csvout.num(3.368, 2) → "3,37".
-- nil (or NaN / inf) gives an empty cell.
function M.num(x, k) return setmetatable({ value = x, decimals = k or 0 }, NUMBER) end

-- A share (fraction 0…1) as a percent number with k decimals (default 1), without the "%"
-- sign so Excel keeps it a number: csvout.pct(0.125) → "12,5"; nil → empty.
function M.pct(share, k)
  if type(share) ~= "number" then return M.num(nil) end
  return M.num(share * 100, k or 1)
end

-- Text of a number in CSV: decimal comma, ASCII minus, no thousands separators.
local number_text = ru.memoised(function(x, k)
  local s = ru.round(x, k)
  if not s then return "" end
  return (s:gsub("%.", ","))
end)

-- A plain Lua number without stated decimals: integers as they are, others with up to 15
-- significant digits.
local function plain_number(x)
  if x ~= x or x == math.huge or x == -math.huge then return "" end
  if math.type(x) == "integer" then return tostring(x) end
  if x == math.floor(x) and math.abs(x) < 2 ^ 53 then return string.format("%d", x) end
  return (string.format("%.15g", x):gsub("%.", ","))
end

-- Text cells that Excel would take for a formula get a leading apostrophe.
local FORMULA_START = { ["="] = true, ["+"] = true, ["-"] = true, ["@"] = true, ["\t"] = true, ["\r"] = true }

function M.neutralise(s)
  if FORMULA_START[s:sub(1, 1)] then return "'" .. s end
  return s
end

local function quote(s)
  if s:find('[;"\r\n]') or s:find("^%s") or s:find("%s$") then
    return '"' .. s:gsub('"', '""') .. '"'
  end
  return s
end

-- The CSV text of one cell: nil/false → empty; number → number text; csvout.num/pct marker →
-- number with its decimals; anything else → neutralised, quoted text.
function M.cell(v)
  local t = type(v)
  if t == "string" then return quote(M.neutralise(v)) end
  if t == "number" then return plain_number(v) end
  if v == nil or v == false then return "" end
  if getmetatable(v) == NUMBER then return number_text(v.value, v.decimals) end
  return quote(M.neutralise(tostring(v)))
end

-- The highest positive integer key of a row: cells may be nil anywhere (empty cells).
local function row_width(r)
  local n = 0
  for k in pairs(r) do
    if math.type(k) == "integer" and k > n then n = k end
  end
  return n
end

-- The whole file: BOM, then each row (a list of cells, nil = empty) as cells joined by ";" and
-- ended by CRLF. Every row has as many cells as the widest one, so columns stay aligned.
-- Text cells repeat down a column (names, codes, «да»/«нет»), so encode keeps the text of
-- each string for the length of one file; the cells of a row are joined from one reused list.
function M.encode(rows)
  local width = 0
  for _, r in ipairs(rows) do
    local w = row_width(r)
    if w > width then width = w end
  end
  local lines, cells, texts = {}, {}, {}
  for i, r in ipairs(rows) do
    for c = 1, width do
      local v = r[c]
      local s
      if type(v) == "string" then
        s = texts[v]
        if not s then s = M.cell(v); texts[v] = s end
      else
        s = M.cell(v)
      end
      cells[c] = s
    end
    lines[i] = table.concat(cells, M.SEP, 1, width)
  end
  return M.BOM .. table.concat(lines, M.EOL) .. (#lines > 0 and M.EOL or "")
end

-- An output record for the report runner: the header row, then the rows.
function M.file(path, header, rows)
  local all = { header }
  for _, r in ipairs(rows) do all[#all + 1] = r end
  return { file = path, data = M.encode(all) }
end

return M
