-- Tests of lua/report_tables.lua: number cells, total rows, runs for merged cells, numbered
-- notes, and the captions, footnotes and CSV copies a report's tables get (drawn into a fake
-- document that records its blocks).
local T = require("testing")
local rt = require("report_tables")

local NB, DASH = "\u{A0}", "—"

-- A stand-in for a doc builder: records para and spacer calls.
local function fake_doc()
  local d = { blocks = {} }
  function d:para(content, opts) self.blocks[#self.blocks + 1] = { "para", content, opts } end
  function d:spacer(mm) self.blocks[#self.blocks + 1] = { "spacer", mm } end
  return d
end

return {
  cells_with_a_dash_for_nil = function()
    T.eq(rt.pct(0.125), "12,5", "share in percent")
    T.eq(rt.pct(nil), DASH, "no share")
    T.eq(rt.pp(0.012), "+1,2", "points with a sign")
    T.eq(rt.pp(nil), DASH, "no difference")
    T.eq(rt.int(3373), "3373", "four digits whole")
    T.eq(rt.int(12345), "12" .. NB .. "345", "thousands apart from five digits on")
    T.eq(rt.int(nil), DASH, "no count")
  end,

  sum_of_a_field = function()
    T.eq(rt.sum({ { n = 2 }, {}, { n = 5 } }, "n"), 7, "records without the field are skipped")
    T.eq(rt.sum({ {}, {} }, "n"), nil, "nil when no record has it")
  end,

  total_row_spans_its_label = function()
    T.eq(rt.total_row("Итого", 2, { "301", "11,3" }),
      { { text = "Итого", colspan = 2, bold = true }, "301", "11,3", total = true })
  end,

  runs_of_equal_keys = function()
    local list = { "ВПР", "ВПР", "ВПР", "КДР", "ОГЭ", "ОГЭ" }
    T.eq(rt.runs(list, function(x) return x end), { [1] = 3, [4] = 1, [5] = 2 })
    T.eq(rt.runs({}, function(x) return x end), {}, "an empty list")
  end,

  numbered_notes_keep_their_number = function()
    local list, add = rt.numbered_notes()
    T.eq(add("нет данных"), 1)
    T.eq(add("формула с ошибкой."), 2)
    T.eq(add("нет данных"), 1, "the same text again")
    T.eq(list, { "нет данных.", "формула с ошибкой." }, "full stops added")
  end,

  captions_numbered_and_kept_with_their_table = function()
    local d = fake_doc()
    local tables = rt.new(d, { caption_space = 4, note_size = 10 })
    T.eq(tables:next_number(), 1, "before the first caption")
    tables:caption("Общеобразовательные организации")
    tables:caption("Участие")
    T.eq(tables:next_number(), 3)
    T.eq(d.blocks[1], { "spacer", 4 })
    T.eq(d.blocks[2], { "para", "Таблица 1 — Общеобразовательные организации",
      { align = "left", indent = false, keep_with_next = true } })
    T.eq(d.blocks[4][2], "Таблица 2 — Участие")
    tables:notes({ "* Менее 5 участников." })
    T.eq(d.blocks[5], { "para", { { text = "* Менее 5 участников.", size = 10 } }, { align = "justify", indent = false } })
  end,

  csv_copies_under_their_directory = function()
    local tables = rt.new(fake_doc(), { csv_dir = "analytical_reference/" })
    tables:csv("schools", { "Код ОО" }, { { "2401" } })
    T.eq(#tables.files, 1)
    T.eq(tables.files[1].file, "analytical_reference/schools.csv")
    T.eq(tables.files[1].data, "\239\187\191Код ОО\r\n2401\r\n")
  end,
}
