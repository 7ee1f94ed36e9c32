-- doc — the document builder report scripts use: an object that collects blocks (headings,
-- paragraphs, list items, tables, charts, the official blocks of Russian documents) and hands
-- them to the C layout engine to paginate and draw. Report scripts say *what* a document
-- holds; where things go on the page is the engine's business. Reference: docs/doc-api.md.
--
--   local doc = require("doc")
--   local d = doc.new{ size = 12, title = "Аналитическая справка", author = "Управление образования" }
--   d:heading(1, "Об итогах оценочных процедур")
--   d:para("Текст абзаца, по ширине, с отступом 1,25 см.")
--   d:table{ columns = { { rel = 3 }, { mm = 20, numeric = true } },
--            header = { { "Школа", "Доля «2», %" } }, rows = { { "МБОУ «СОШ № 1»", "12,5" } } }
--   return { d:output("spravka.pdf") }
local layout = require("layout")

local M = {}
local Doc = {}
Doc.__index = Doc

-- opts: size (base text size: 14 for orders, 12 for references), leading, and the PDF
-- metadata title, author, subject, keywords, date ("yyyy-mm-dd", written as the creation date).
function M.new(opts)
  return setmetatable({ blocks = {}, opts = opts or {} }, Doc)
end

function Doc:add(block)
  self.blocks[#self.blocks + 1] = block
  return self
end

-- A block's runs and text from a string, a run table or a list of them: a string is held as
-- the block's text (most paragraphs are one plain string: no table for them), anything else
-- as a run list.
local function runs_and_text(content)
  if type(content) == "string" then return nil, content end
  if content.text then return { content } end
  return content
end

function Doc:heading(level, text) return self:add{ kind = "heading", level = level, text = text } end

-- opts: align ("justify" default, "left", "center", "right"), indent (default: when justified),
-- keep_with_next (its last lines stay on the page where the next block starts: a caption).
function Doc:para(content, opts)
  opts = opts or {}
  local runs, text = runs_and_text(content)
  return self:add{ kind = "para", runs = runs, text = text, align = opts.align, indent = opts.indent,
                   keep_with_next = opts.keep_with_next }
end

-- A numbered item «1.2.» (numbers = {1, 2}) or a bullet «–» (numbers = nil).
function Doc:item(content, numbers)
  local runs, text = runs_and_text(content)
  return self:add{ kind = "item", runs = runs, text = text, numbers = numbers }
end

function Doc:spacer(mm) return self:add{ kind = "spacer", mm = mm } end
function Doc:page_break() return self:add{ kind = "page_break" } end
function Doc:part() return self:add{ kind = "part" } end
function Doc:toc(title) return self:add{ kind = "toc", title = title } end
function Doc:executor(text) return self:add{ kind = "executor", text = text } end
function Doc:appendix_mark(text) return self:add{ kind = "appendix_mark", text = text } end

-- opts: landscape, left, right, top, bottom (mm).
function Doc:section(opts)
  local b = { kind = "section" }
  for k, v in pairs(opts or {}) do b[k] = v end
  return self:add(b)
end

-- { position = "Начальник управления\nобразования", name = "И.О. Фамилия", date = "«14» июня 2022 г." }
function Doc:approval(t)
  return self:add{ kind = "approval", position = t.position, name = t.name, date = t.date }
end

-- { org =, details =, doc_kind = "ПРИКАЗ", date =, number =, place = }
function Doc:requisites(t)
  local b = { kind = "requisites" }
  for k, v in pairs(t) do b[k] = v end
  return self:add(b)
end

function Doc:signature(position, name)
  return self:add{ kind = "signature", position = position, name = name }
end

-- { columns = { { mm = | rel = | (fitted), align =, numeric = } … }, header = { row … },
--   rows = { row … }, size = pt }. A row is a list of cells; a cell is a string or
--   { text = | runs =, colspan =, rowspan =, align =, valign =, bold =, italic =, shade = };
--   a row with total = true is shaded as a total; a row with keep_with_next = true (a heading
--   row inside the table) stays on the page of the next row. Header rows repeat on every page.
function Doc:table(t)
  return self:add{ kind = "table", columns = t.columns, header = t.header, rows = t.rows or {},
                   size = t.size }
end

-- { chart = "bar" | "grouped" | "stacked" | "line", title =, y_label =, categories = {…},
--   series = { { name =, values = {…} } … }, percent =, value_labels =, height = mm }
function Doc:chart(t)
  local b = { kind = "chart" }
  for k, v in pairs(t) do b[k] = v end
  return self:add(b)
end

-- Renders the document: PDF bytes and the number of pages. Raises when it cannot be laid out
-- (a character no font has, a table that cannot be built), naming the reason.
function Doc:render()
  local bytes, pages = layout.render(self.blocks, self.opts)
  if not bytes then error("документ не свёрстан: " .. tostring(pages), 2) end
  return bytes, pages
end

-- Renders the document and keeps its pages as a part (a string): M.combine makes the printer's
-- file of such parts without laying the documents out again. Returns bytes, pages, part.
function Doc:render_part()
  local opts = { part = true }
  for k, v in pairs(self.opts) do opts[k] = v end
  local bytes, pages, part = layout.render(self.blocks, opts)
  if not bytes then error("документ не свёрстан: " .. tostring(pages), 2) end
  return bytes, pages, part
end

-- One PDF of parts (from Doc:render_part, in this or another otchet process), in order, each
-- starting on an odd page; opts as for M.new (title, author, subject, keywords, date).
-- Returns bytes, pages; raises naming a damaged part.
function M.combine(parts, opts)
  local bytes, pages = layout.combine(parts, opts or {})
  if not bytes then error("файл не собран: " .. tostring(pages), 2) end
  return bytes, pages
end

-- An output record for the report runner: { file =, data =, pages = }.
function Doc:output(file)
  local bytes, pages = self:render()
  return { file = file, data = bytes, pages = pages }
end

return M
