-- Tests of parts: documents laid out once, their pages combined into the printer's file
-- (layout.render with part = true, layout.combine). Page counts and texts are checked by hand.
local T = require("testing")
local layout = require("layout")
local doc = require("doc")

local function blocks_of(title, paras)
  local blocks = { { kind = "heading", level = 1, text = title, bookmark = true } }
  for _, p in ipairs(paras) do blocks[#blocks + 1] = { kind = "para", text = p } end
  return blocks
end

return {
  render_gives_a_part_only_when_asked = function()
    local bytes, pages, part = layout.render(blocks_of("Школа 1", { "Текст." }), { size = 12 })
    T.eq(pages, 1)
    T.eq(part, nil)
    T.eq(#bytes, #tostring(bytes))          -- a bytes value: its length, and its text on demand
    bytes, pages, part = layout.render(blocks_of("Школа 1", { "Текст." }), { size = 12, part = true })
    T.eq(pages, 1)
    T.eq(tostring(part):sub(1, 8), "OTPART1\n")
    T.eq(tostring(bytes):sub(1, 5), "%PDF-")
  end,

  combined_parts_start_on_odd_pages = function()
    local _, p1, a = layout.render(blocks_of("Школа 1", { "Один." }), { size = 12, part = true })
    local long = {}
    for i = 1, 60 do long[i] = "Абзац номер " .. i .. " достаточно длинный, чтобы страниц стало две." end
    local _, p2, b = layout.render(blocks_of("Школа 2", long), { size = 12, part = true })
    T.eq(p1, 1)
    T.eq(p2, 2)
    local bytes, pages = layout.combine({ a, b, a }, { title = "Все листы", date = "2024-09-02" })
    T.eq(pages, 1 + 1 + 2 + 1, "a blank page before the second part")
    T.eq(tostring(bytes):sub(1, 5), "%PDF-")
  end,

  damaged_part_is_refused_with_a_reason = function()
    local _, _, a = layout.render(blocks_of("Школа 1", { "Один." }), { size = 12, part = true })
    local bytes, msg = layout.combine({ a, tostring(a):sub(1, #a - 3) }, {})
    T.eq(bytes, nil)
    T.eq(msg, "часть 2 объединяемого файла повреждена")
  end,

  doc_builder_parts = function()
    local function sheet(name)
      local d = doc.new({ size = 12, title = name })
      d:heading(1, name)
      d:para("Лист школы «" .. name .. "».")
      return d
    end
    local _, pages, a = sheet("Школа 1"):render_part()
    local _, _, b = sheet("Школа 2"):render_part()
    T.eq(pages, 1)
    local bytes, total = doc.combine({ a, b }, { title = "Листы" })
    T.eq(total, 3, "the second school on page 3")
    T.eq(tostring(bytes):sub(1, 5), "%PDF-")
    local ok, err = pcall(doc.combine, { a, "испорчено" }, {})
    T.eq(ok, false)
    T.eq(tostring(err):match("файл не собран: .*$"), "файл не собран: часть 2 объединяемого файла повреждена")
  end,
}
