-- csvout — tables written as CSV that Russian Excel opens correctly by double-click (DESIGN.md
-- "Decided conventions"): UTF-8 with a BOM, ";" between cells, CRLF line ends, numbers with a
-- decimal comma rounded half away from zero (lua/ru.lua), cells quoted where needed, and text
-- cells beginning with "=", "+", "-", "@" (or a tab / carriage return) neutralised with a
-- leading apostrophe so Excel never runs them as formulas. Uses ru, and engine.csv_encode for
-- the bytes of the rows.
--
--   local csvout = require("csvout")
--   local out = csvout.file("analytical_reference/summary.csv",
--     { "Процедура", "Участников", "Доля «2», %" },
--     { { "ВПР", 296, csvout.pct(44 / 296) } })      -- → { file =, data = }
local engine = require("engine")
local ru = require("ru")

local M = {}

M.BOM = "\239\187\191"
M.SEP = ";"
M.EOL = "\r\n"

local NUMBER = {}   -- metatable marking a number cell with a fixed number of decimals

-- Text of a number in CSV: decimal comma, ASCII minus, no thousands separators.
local function number_text(x, k)
  local s = ru.round(x, k)
  if not s then return "" end
  return (s:gsub("%.", ","))
end

-- Number cells are shared: a large table has thousands of cells with the same share, and one
-- marker per value and number of decimals spares as many tables and roundings. A marker
-- carries its text (engine.csv_encode prints it as it is) and is never changed once made.
local marker = ru.memoised(function(x, k)
  return setmetatable({ value = x, decimals = k, text = number_text(x, k) }, NUMBER)
end)

-- A number cell printed with k decimals (default 0): csvout.num(3.368, 2) → "3,37".
-- nil (or NaN / inf) gives an empty cell.
function M.num(x, k) return marker(x, k) end

-- The markers of csvout.pct with one decimal by share, its commonest call (every share of the
-- results tables' CSV copies): one lookup instead of scaling and the memo of markers. Starts
-- over at ru's cache size, as that memo does.
local PCT1_MAX = 1 << 16
local pct1, npct1 = {}, 0

-- A share (fraction 0…1) as a percent number with k decimals (default 1), without the "%"
-- sign so Excel keeps it a number: csvout.pct(0.125) → "12,5"; nil → empty.
function M.pct(share, k)
  local one = k == nil or k == 1
  local m = one and pct1[share]        -- pct1[nil] is nil too
  if m then return m end
  if type(share) ~= "number" then return marker(nil, 0) end
  m = marker(share * 100, k or 1)
  if one and share == share then
    if npct1 >= PCT1_MAX then pct1, npct1 = {}, 0 end
    pct1[share], npct1 = m, npct1 + 1
  end
  return m
end

-- The rows as CSV text, each ended by EOL. The rules are applied in C (engine.csv_encode;
-- a large district writes megabytes of cells): nil/false → empty; a plain number → integers
-- as they are, others with up to 15 significant digits, decimal comma; a csvout.num/pct
-- marker → its number text; anything else → text with a leading apostrophe when it begins with
-- "=", "+", "-", "@", a tab or CR (Excel would run it as a formula), then quoted
-- (quotes doubled) when it holds ";", a quote or a line break, or begins or ends with a space.
-- Every row gets as many cells as the widest one, so columns stay aligned.
local function rows_text(rows) return engine.csv_encode(rows, M.SEP, M.EOL, NUMBER) end

-- The CSV text of one cell (see rows_text).
function M.cell(v)
  return engine.csv_encode({ { v } }, M.SEP, "", NUMBER)
end

-- The whole file: BOM, then each row (a list of cells, nil = empty) as cells joined by ";" and
-- ended by CRLF.
function M.encode(rows)
  return M.BOM .. rows_text(rows)
end

-- An output record for the report runner: the header row, then the rows.
function M.file(path, header, rows)
  local all = { header }
  for _, r in ipairs(rows) do all[#all + 1] = r end
  return { file = path, data = M.encode(all) }
end

return M
