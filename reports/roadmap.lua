-- Дорожная карта (seed 004): the roadmap of the program from roadmap.csv, landscape, grouped
-- by risk factor with a heading row per factor and per goal, the seed's six columns, repeated
-- tasks and planned results merged into one cell, the header on every page, and the
-- «УТВЕРЖДАЮ» block of the department head on the first page.
local doc = require("doc")
local ru = require("ru")

local COLUMNS = {
  { rel = 2.6 }, { rel = 2.6 }, { rel = 3.6 }, { rel = 1.5 }, { rel = 2.6 }, { rel = 1.9 },
}
local HEADER = { { "Задачи", "Планируемые результаты", "Меры, мероприятия", "Сроки реализации",
                   "Показатели реализации", "Ответственные" } }

-- The roadmap rows as plain tables, in file order.
local function read_rows(t)
  local rows = {}
  for i = 1, t:nrows() do rows[i] = t:row(i) end
  return rows
end

-- How many rows from i on repeat field `key` of row i (within the same task when `task`).
local function run_length(rows, i, key, same_task)
  local n = 1
  while rows[i + n] and rows[i + n][key] == rows[i][key] and rows[i + n].factor == rows[i].factor
        and rows[i + n].goal == rows[i].goal and (not same_task or rows[i + n].task == rows[i].task) do
    n = n + 1
  end
  return n
end

-- A heading row spanning the table; never left alone at the bottom of a page.
local function heading_row(text, bold)
  return { { text = text, colspan = 6, bold = bold, italic = not bold, shade = bold and 0.88 or 0.95 },
           keep_with_next = true }
end

-- Table rows: a heading row when the factor or the goal changes, then one row per measure with
-- the task and result cells spanning the rows that repeat them.
local function table_rows(rows)
  local out, open_task, open_result = {}, 0, 0
  for i, r in ipairs(rows) do
    local prev = rows[i - 1]
    if not prev or prev.factor ~= r.factor then
      out[#out + 1] = heading_row("Фактор риска: " .. (r.factor or "не указан"), true)
    end
    if r.goal and (not prev or prev.goal ~= r.goal or prev.factor ~= r.factor) then
      out[#out + 1] = heading_row("Цель: " .. r.goal, false)
      open_task, open_result = 0, 0
    end
    local cells = {}
    if open_task == 0 then
      open_task = run_length(rows, i, "task", false)
      cells[#cells + 1] = { text = r.task or "", rowspan = open_task }
    end
    if open_result == 0 then
      open_result = run_length(rows, i, "result", true)
      cells[#cells + 1] = { text = r.result or "", rowspan = open_result }
    end
    open_task, open_result = open_task - 1, open_result - 1
    cells[#cells + 1] = r.measure or ""
    cells[#cells + 1] = r.deadline or ""
    cells[#cells + 1] = r.indicator or ""
    cells[#cells + 1] = r.responsible or ""
    out[#out + 1] = cells
  end
  return out
end

local function build(ds)
  local s = ds.settings
  local d = doc.new{ size = 12, title = "Дорожная карта", author = s.org_name,
                     subject = s.program_name, keywords = "дорожная карта, ШНОР, ШНСУ",
                     date = s.order_date }
  d:section{ landscape = true, left = 20, right = 15, top = 20, bottom = 15 }
  d:approval{ position = s.head_position or "",
              name = s.head_name or "", date = s.order_date and ru.date_quoted(s.order_date) or "«___» __________ 20__ г." }
  d:heading(1, "Дорожная карта")
  d:para("(перспективный план мероприятий) по реализации программы", { align = "center", indent = false })
  if s.program_name then d:para("«" .. s.program_name .. "»", { align = "center", indent = false }) end
  d:spacer(3)
  d:table{ columns = COLUMNS, header = HEADER, rows = table_rows(read_rows(ds.files.roadmap.table)), size = 10 }
  return { d:output("roadmap.pdf") }
end

return {
  title = "Дорожная карта реализации программы",
  needs = { "roadmap" },
  build = build,
}
