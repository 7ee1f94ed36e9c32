-- A document with every block kind of docs/doc-api.md: run by tests/e2e/test_docs.sh as a
-- report script (it needs only schools.csv) and checked with poppler and qpdf.
local doc = require("doc")

local function build(ds)
  local d = doc.new{ size = 12, title = "Образец документа", author = "otchet", date = "2024-09-02" }
  d:approval{ position = "Начальник Управления\nобразования", name = "Н.В. Голубева", date = "«02» сентября 2024 г." }
  d:heading(1, "Об образце документа")
  d:toc("Содержание")
  d:heading(2, "1. Текст")
  d:para({ "Абзац по ширине с отступом: ", { text = "полужирный", bold = true }, ", ",
           { text = "курсив", italic = true }, ". Буквы языков России: Ө ө Ү ү Ң ң Һ һ Ә ә; знаки «», №, —." })
  d:para("Абзац по центру", { align = "center" })
  d:item("Первый пункт", { 1 })
  d:item("Подпункт", { 1, 1 })
  d:item("Пункт списка без номера")
  d:spacer(5)
  d:heading(2, "2. Таблица")
  local rows = { { { text = "Школы округа", colspan = 3, bold = true }, keep_with_next = true } }
  for i = 1, ds.files.schools.table:nrows() do
    rows[#rows + 1] = { tostring(i), ds.files.schools.table:get("short_name", i) or "", string.format("%d,%d", i * 3, i % 10) }
  end
  rows[#rows + 1] = { { text = "Итого", colspan = 2, bold = true }, "100,0", total = true }
  d:para("Таблица 1 — Школы округа", { align = "right", keep_with_next = true })
  d:table{ size = 10, columns = { { mm = 10, align = "center" }, { rel = 3 }, { numeric = true } },
           header = { { "№", "Образовательная организация", "Доля, %" } }, rows = rows }
  d:heading(2, "3. Диаграмма")
  d:chart{ chart = "stacked", title = "Распределение отметок, %", categories = { "Школа", "Округ" },
           series = { { name = "«2»", values = { 10, 12 } }, { name = "«3»", values = { 40, 38 } },
                      { name = "«4»", values = { 35, 36 } }, { name = "«5»", values = { 15, 14 } } },
           value_labels = true, height = 60 }
  d:signature("Начальник Управления образования", "Н.В. Голубева")
  d:executor("Исполнитель: Тарасюк Е.А., тел. 8 (39164) 2-17-48")
  d:section{ landscape = true }
  d:appendix_mark("Приложение № 1\nк приказу от 02.09.2024 № 214")
  d:requisites{ org = "УПРАВЛЕНИЕ ОБРАЗОВАНИЯ", details = "ул. Советская, 27", doc_kind = "ПРИКАЗ",
                date = "02.09.2024", number = "214", place = "г. Кедровск" }
  d:part()
  d:para("Вторая часть сводного файла начинается с нечётной страницы.")
  return { d:output("showcase.pdf") }
end

return { title = "Образец документа", needs = { "schools" }, build = build }
