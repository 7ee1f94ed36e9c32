-- report_tables — the numbered tables of a long report: captions «Таблица N — …» kept with their
-- table, footnotes under it, shaded «Итого» rows, a cell merged down over a run of rows with the
-- same key, number cells with «—» for a missing value, numbered notes, and the CSV copy of each
-- table. Knows nothing about education (reports/analytical_reference.lua and
-- reports/target_monitoring.lua use it). Uses ru and csvout; draws through a doc builder.
--
--   local report_tables = require("report_tables")
--   local T = report_tables.new(d, { note_size = 10, csv_dir = "analytical_reference/" })
--   T:caption("Общеобразовательные организации")              -- «Таблица 1 — …»
--   d:table{ …, rows = { …, report_tables.total_row("Итого", 2, { "3373", "306" }) } }
--   T:note("«—» — нет данных.")
--   T:csv("schools", { "Код ОО", "Образовательная организация" }, csv_rows)
--   -- outputs: d:output(…) followed by every entry of T.files
local ru = require("ru")
local csvout = require("csvout")

local M = {}

-- ---- cells ----

-- A share (0…1) as a percent with one decimal ("12,5"); «—» for nil.
function M.pct(share) return share and ru.num(share * 100, 1) or ru.DASH end

-- A difference of shares in percentage points with its sign ("+1,2", "−0,4"); «—» for nil.
function M.pp(diff) return diff and ru.signed(diff * 100, 1) or ru.DASH end

-- A whole number as ru.num prints it ("3373", "12 345"); «—» for nil.
function M.int(n) return n and ru.num(n, 0) or ru.DASH end

-- ---- rows ----

-- The sum of record[field] over the records of `list` that have it (a column total); nil when
-- none has.
function M.sum(list, field)
  local n, any = 0, false
  for _, r in ipairs(list) do
    if r[field] then n, any = n + r[field], true end
  end
  return any and n or nil
end

-- A shaded total row: `label` in bold across the first `span` columns, then `cells`.
function M.total_row(label, span, cells)
  local row = { { text = label, colspan = span, bold = true }, total = true }
  for _, c in ipairs(cells) do row[#row + 1] = c end
  return row
end

-- Runs of consecutive items of `list` with an equal key(item): spans[i] = the length of the run
-- starting at i, nil for the other items of a run. A table gives the first row of each run the
-- merged cell { …, rowspan = spans[i] } and the others none.
function M.runs(list, key)
  local spans, i = {}, 1
  while i <= #list do
    local k, n = key(list[i]), 1
    while list[i + n] ~= nil and key(list[i + n]) == k do n = n + 1 end
    spans[i] = n
    i = i + n
  end
  return spans
end

-- Numbered notes: returns the list of texts and add(text) → the note's number. A text gets a
-- full stop when it has none; the same text added twice keeps its first number.
function M.numbered_notes()
  local list, index = {}, {}
  return list, function(text)
    if text:sub(-1) ~= "." then text = text .. "." end
    if not index[text] then list[#list + 1] = text; index[text] = #list end
    return index[text]
  end
end

-- ---- captions, footnotes and CSV copies ----

local Tables = {}
Tables.__index = Tables

-- The tables of document d. opts: note_size (pt of footnotes; default: the body size),
-- caption_space (mm of space above a caption; default none), csv_dir (prefix of CSV file
-- names, e.g. "analytical_reference/"). The CSV files collect in .files as { file =, data = }.
function M.new(d, opts)
  opts = opts or {}
  return setmetatable({ d = d, count = 0, note_size = opts.note_size, caption_space = opts.caption_space,
    csv_dir = opts.csv_dir or "", files = {} }, Tables)
end

-- «Таблица N — text» at the left margin, kept on the page where the table after it starts
-- (a caption, not a heading: no bookmark, not in the contents).
function Tables:caption(text)
  self.count = self.count + 1
  if self.caption_space then self.d:spacer(self.caption_space) end
  self.d:para("Таблица " .. self.count .. " — " .. text, { align = "left", indent = false, keep_with_next = true })
end

-- The number the next caption gets, for «(таблица N)» in the text before the table.
function Tables:next_number() return self.count + 1 end

-- A footnote under a table: note_size text, justified, no first-line indent.
function Tables:note(text)
  self.d:para({ { text = text, size = self.note_size } }, { align = "justify", indent = false })
end

function Tables:notes(list)
  for _, text in ipairs(list) do self:note(text) end
end

-- The CSV copy of a table as csv_dir .. name .. ".csv" (csvout.file: header, rows of cells).
function Tables:csv(name, header, rows)
  self.files[#self.files + 1] = csvout.file(self.csv_dir .. name .. ".csv", header, rows)
end

return M
