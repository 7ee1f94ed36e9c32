-- Аналитическая справка по итогам оценочных процедур (DESIGN.md "Documents"; seeds 000, 003,
-- 004): the district overview, a summary of the report year, for every procedure × subject ×
-- grade a table of schools with the district totals of every year, charts for the counted
-- procedures, ВПР objectivity, results with a failing share at or above the threshold, the
-- identification of schools with low results and the clusters with their reasons, the
-- per-participant indicators of seed 002, generated conclusions and recommendations. Every table
-- is also written as CSV under analytical_reference/. Uses doc, ru, csvout, report_tables
-- (captions, footnotes, CSV copies) and the indicator library (results, indicators, identify,
-- objectivity, participants).
local doc = require("doc")
local name_key = require("names").key
local ru = require("ru")
local csvout = require("csvout")
local report_tables = require("report_tables")
local results = require("results")
local ind = require("indicators")
local identify = require("identify")
local objectivity = require("objectivity")
local participants = require("participants")

local DASH, NB = ru.DASH, ru.NBSP
local DIR = "analytical_reference/"
local NOTE_SIZE = 10     -- footnotes under tables
local TABLE_SIZE = 9
local RESULTS_SIZE = 10  -- the landscape tables of results have room for a larger size

-- ---- names ----

-- Lower case with ё = е and only letters and digits kept: names of procedures compared the way
-- the loader compares them ("ЕГЭ" = "егэ").
local function fold(s)
  local out = {}
  for _, c in utf8.codes(s or "") do
    if c >= 0x410 and c <= 0x42F then c = c + 0x20 elseif c == 0x401 or c == 0x451 then c = 0x435 end
    if (c >= 0x430 and c <= 0x44F) or (c >= 48 and c <= 57) or (c >= 97 and c <= 122) then
      out[#out + 1] = utf8.char(c)
    elseif c >= 65 and c <= 90 then
      out[#out + 1] = string.char(c + 32)
    end
  end
  return table.concat(out)
end

local PROCEDURE_TITLE = {
  ["впр"] = "Всероссийские проверочные работы (ВПР)",
  ["кдр"] = "Краевые диагностические работы (КДР)",
  ["огэ"] = "Основной государственный экзамен (ОГЭ)",
  ["гвэ"] = "Государственный выпускной экзамен (ГВЭ)",
  ["егэ"] = "Единый государственный экзамен (ЕГЭ)",
}
local EXAMS = { ["огэ"] = true, ["егэ"] = true, ["гвэ"] = true }
-- КДР results give achievement levels in m2…m5 (ниже базового, базовый, повышенный, высокий),
-- not marks: the tables name the levels and print no средняя отметка.
local LEVELS = { ["кдр"] = true }

-- "МБОУ «Кедровская СОШ № 1»": the short name, or the full one when there is none.
local function school_name(s) return s.short_name or s.name or s.school_id end

-- A chart category: the short name without the legal form and quotes ("Кедровская СОШ № 1");
-- a branch keeps its own name ("Заречная ООШ (филиал)").
local function chart_label(s)
  local name = school_name(s)
  local branch = name:match("^(.-)%s+—%s+филиал")
  if branch then return branch .. " (филиал)" end
  return name:match("«(.*)»%s*$") or name
end

-- Library sentences put a plain space in "2023 г."; a line must not break there.
local function keep_years(text)
  -- "г" is two bytes: "гг?" in a pattern would make only its last byte optional
  return (text:gsub("(%d%d%d%d) (г%.)", "%1" .. NB .. "%2"):gsub("(%d%d%d%d) (гг%.)", "%1" .. NB .. "%2"))
end

-- "ВПР по математике, 5 класс" / "ОГЭ по русскому языку": what a combo is, in captions.
local function combo_text(c, with_grade)
  local s = c.procedure .. " по " .. ru.subject_dative(c.subject)
  if with_grade then s = s .. ", " .. c.grade .. NB .. "класс" end
  return s
end

-- The key of a procedure × subject × grade as results rows carry it (names by name key), for
-- matching the counted procedures of the settings with the combos of the data.
local function combo_key(c)
  return name_key(c.procedure) .. "|" .. name_key(c.subject) .. "|" .. c.grade
end

-- ---- numbers ----

local pct, pp, int = report_tables.pct, report_tables.pp, report_tables.int
local column_sum = report_tables.sum

-- ---- the context ----

-- Everything the sections share: dataset, settings, report year, results index, schools (build
-- adds T, the report_tables of the document: captions, footnotes and CSV copies).
local function context(ds)
  local R = results.index(ds)
  local years = R:years()
  local A = { ds = ds, S = ds.settings, R = R, years = years }
  A.Y = ds.settings.report_year or years[#years]
  A.schools = identify.schools(ds)
  A.by_id = {}
  for _, s in ipairs(A.schools) do A.by_id[s.school_id] = s end
  A.min_n = A.S.min_participants or 5
  A.threshold = A.S.low_share_threshold or 30
  A.counted = {}
  local ok, list = pcall(results.counted, ds)
  A.counted_list = ok and list or {}
  -- looked up only for the combos of the data: a counted one the data lacks is never asked for
  for _, p in ipairs(A.counted_list) do A.counted[combo_key(p)] = true end
  return A
end

-- The district total of a combo in `year` (a counts record of results.sum), nil without rows.
local function district(A, c, year)
  local sum = A.R:sum({ year = year, procedure = c.procedure, subject = c.subject, grade = c.grade })
  if sum.rows == 0 then return nil end
  return sum
end

-- Facts of one procedure × subject × grade: its key, kind of result, whether it is counted.
-- Whether any of its rows gives marks (or a mean score) is read from its district totals of
-- every year, which the sections need anyway: a total has `marked` (`mean_n`) exactly when one
-- of its rows has «2» (a mean score).
local function combo_info(A, c)
  local info = { procedure = c.procedure, subject = c.subject, grade = c.grade, fold = fold(c.procedure) }
  info.counted = A.counted[combo_key(c)] or false
  for _, y in ipairs(A.years) do
    local t = district(A, c, y)
    if t and t.marked ~= nil then info.marks = true end
    if t and t.mean_n ~= nil then info.score = true end
  end
  info.levels = LEVELS[info.fold] and info.marks
  info.exam = EXAMS[info.fold]
  return info
end

-- What the overview and the conclusions print about procedure p in year y: participants,
-- results rows, combos (procedure × subject × grade) and schools. Participants and rows add up
-- the district totals of its combos (whole numbers: the order of adding does not matter),
-- which the results sections need too; no record per results row is made. Memoised in A.
local function procedure_facts(A, y, p)
  A.facts = A.facts or {}
  local key = y .. "|" .. p
  if A.facts[key] then return A.facts[key] end
  local participants, rows, combos = 0, 0, 0
  for _, c in ipairs(A.R:combos({ year = y })) do   -- the year's combos, shared by procedures
    if c.procedure == p then
      local t = district(A, c, y)
      participants, rows, combos = participants + t.participants, rows + t.rows, combos + 1
    end
  end
  local facts = { participants = participants, rows = rows, combos = combos,
    schools = #A.R:schools({ year = y, procedure = p }) }
  A.facts[key] = facts
  return facts
end

-- The previous year with data for a combo (Y−1, else the latest earlier one), or nil.
local function previous_year(A, c)
  for i = #A.years, 1, -1 do
    local y = A.years[i]
    if y < A.Y and district(A, c, y) then return y end
  end
  return nil
end

-- ---- title and overview ----

local function title(A, d)
  local S = A.S
  if S.org_name then
    d:para({ { text = S.org_name, bold = true } }, { align = "center", indent = false })
    if S.org_requisites then
      d:para({ { text = S.org_requisites, size = NOTE_SIZE } }, { align = "center", indent = false })
    end
    d:spacer(8)
  end
  d:para({ { text = "АНАЛИТИЧЕСКАЯ СПРАВКА", bold = true } }, { align = "center", indent = false })
  d:para({ { text = "Об итогах оценочных процедур в " .. A.Y .. " году", bold = true } },
    { align = "center", indent = false })
  d:spacer(4)
  local procs = A.R:procedures({ year = A.Y })
  local first, last = A.years[1], A.years[#A.years]
  local span = first == last and (first .. NB .. "г") or (first .. "–" .. last .. NB .. "гг")
  local where = S.municipality and (" (" .. S.municipality .. ")") or ""
  local text = "Справка подготовлена по результатам оценочных процедур " .. A.Y .. NB .. "г."
    .. (#procs > 0 and (" (" .. table.concat(procs, ", ") .. ")") or "")
    .. " в общеобразовательных организациях муниципальной системы образования" .. where .. "."
    .. (first ~= last and (" Для сравнения приведены результаты " .. span .. ".") or "")
  if S.program_name then
    text = text .. " Справка составлена в рамках реализации программы «" .. S.program_name .. "»."
  end
  d:para(text)
end

local KIND_ORDER = { "СОШ", "гимназия", "лицей", "ООШ", "НОШ", "филиал" }

local function tally_by(list, field)
  local counts, order = {}, {}
  for _, s in ipairs(list) do
    local v = s[field]
    if v and v ~= "" then
      if not counts[v] then order[#order + 1] = v; counts[v] = 0 end
      counts[v] = counts[v] + 1
    end
  end
  return counts, order
end

local function sorted_kinds(order)
  local rank = {}
  for i, k in ipairs(KIND_ORDER) do rank[k] = i end
  table.sort(order, function(a, b)
    local ra, rb = rank[a] or 99, rank[b] or 99
    if ra ~= rb then return ra < rb end
    return a < b
  end)
  return order
end

local function overview_text(A, d)
  local kinds, order = tally_by(A.schools, "kind")
  local parts = {}
  for _, k in ipairs(sorted_kinds(order)) do parts[#parts + 1] = k .. " — " .. kinds[k] end
  local n = #A.schools
  local text = "Муниципальную систему образования " .. ru.plural(n, "составляет ", "составляют ", "составляют ")
    .. ru.num(n) .. NB
    .. ru.plural(n, "общеобразовательная организация", "общеобразовательные организации",
      "общеобразовательных организаций")
  if #parts > 0 then text = text .. " (" .. table.concat(parts, ", ") .. ")" end
  local loc = tally_by(A.schools, "locality")
  local lparts = {}
  if loc["город"] then lparts[#lparts + 1] = "в городе — " .. loc["город"] end
  if loc["село"] then lparts[#lparts + 1] = "в сельской местности — " .. loc["село"] end
  if #lparts > 0 then text = text .. ", из них " .. table.concat(lparts, ", ") end
  text = text .. "."
  local students, teachers, ovz = column_sum(A.schools, "students"), column_sum(A.schools, "teachers"),
    column_sum(A.schools, "students_ovz")
  if students then
    text = text .. " Обучающихся — " .. ru.num(students)
    if ovz then text = text .. ", из них с ОВЗ — " .. ru.num(ovz) .. " (" .. ru.pct(ovz / students) .. ")" end
    text = text .. "."
  end
  if teachers then text = text .. " Педагогических работников — " .. ru.num(teachers) .. "." end
  d:para(text)
  local st = {}
  for _, s in ipairs(A.schools) do
    for v in (s.status or ""):gmatch("[^|]+") do st[v] = (st[v] or 0) + 1 end
  end
  local sparts = {}
  for _, k in ipairs({ "ШНОР", "ШНСУ", "500+", "малочисленная" }) do
    if st[k] then sparts[#sparts + 1] = "«" .. k .. "» — " .. st[k] end
  end
  if #sparts > 0 then
    d:para("Число ОО со статусом " .. table.concat(sparts, ", ") .. ".")
  end
end

local function schools_table(A, d)
  A.T:caption("Общеобразовательные организации")
  local rows, csv = {}, {}
  for i, s in ipairs(A.schools) do
    local status = (s.status or ""):gsub("|", ", ")
    rows[#rows + 1] = { tostring(i), school_name(s), s.kind or "", s.locality or "", int(s.students),
      int(s.teachers), int(s.students_ovz), status }
    csv[#csv + 1] = { s.school_id, school_name(s), s.kind, s.locality, s.students, s.teachers, s.students_ovz, status }
  end
  rows[#rows + 1] = report_tables.total_row("Итого", 4, { int(column_sum(A.schools, "students")),
    int(column_sum(A.schools, "teachers")), int(column_sum(A.schools, "students_ovz")), "" })
  d:table{ size = TABLE_SIZE,
    columns = { { mm = 8, align = "center" }, { rel = 1 }, { mm = 16 }, { mm = 13 },
      { mm = 17, numeric = true }, { mm = 15, numeric = true }, { mm = 11, numeric = true }, { mm = 33 } },
    header = { { "№", "Образовательная организация", "Тип", "Мест­ность", "Обучаю­щихся",
      "Педаго­гов", "С ОВЗ", "Статус" } },
    rows = rows }
  A.T:csv("schools", { "Код ОО", "Образовательная организация", "Тип", "Местность", "Обучающихся",
    "Педагогов", "Обучающихся с ОВЗ", "Статус" }, csv)
end

-- Participation per procedure and year: subjects × grades, schools, participants (sums).
local function participation_table(A, d)
  A.T:caption("Участие в оценочных процедурах")
  local header1 = { { text = "Процедура", rowspan = 2 }, { text = A.Y .. NB .. "г.", colspan = 2 },
    { text = "Число участников", colspan = #A.years } }
  local header2 = { "Процедур (предмет, класс)", "ОО" }
  for _, y in ipairs(A.years) do header2[#header2 + 1] = y .. NB .. "г." end
  local columns = { { rel = 1 }, { mm = 26, numeric = true }, { mm = 14, numeric = true } }
  for _ = 1, #A.years do columns[#columns + 1] = { mm = 20, numeric = true } end
  local rows, csv = {}, {}
  for _, p in ipairs(A.R:procedures()) do
    local now = procedure_facts(A, A.Y, p)
    local row = { p, tostring(now.combos), tostring(now.schools) }
    local crow = { p, now.combos, now.schools }
    for _, y in ipairs(A.years) do
      local t = procedure_facts(A, y, p)
      row[#row + 1] = t.rows > 0 and int(t.participants) or DASH
      crow[#crow + 1] = t.rows > 0 and t.participants or nil
    end
    rows[#rows + 1], csv[#csv + 1] = row, crow
  end
  d:table{ size = TABLE_SIZE, columns = columns, header = { header1, header2 }, rows = rows }
  A.T:note("Число участников — сумма участников по всем предметам и классам процедуры: обучающийся, "
    .. "выполнивший несколько работ, учтён по каждой из них. «" .. DASH .. "» — процедура в этом году не проводилась (нет данных).")
  local h = { "Процедура", "Процедур (предмет, класс) " .. A.Y, "ОО " .. A.Y }
  for _, y in ipairs(A.years) do h[#h + 1] = "Участников " .. y end
  A.T:csv("participation", h, csv)
end

local function overview(A, d)
  d:heading(1, "1. Общие сведения")
  overview_text(A, d)
  schools_table(A, d)
  d:spacer(3)
  participation_table(A, d)
end

-- ---- summary of the report year ----

local function combos_of_year(A)
  local out = {}
  for _, c in ipairs(A.R:combos({ year = A.Y })) do out[#out + 1] = combo_info(A, c) end
  return out
end

-- Change of a district share (field of indicators.shares) since the previous year with data.
local function prev_change(A, c, field)
  local py = previous_year(A, c)
  if not py then return nil end
  local a, b = ind.shares(district(A, c, py)), ind.shares(district(A, c, A.Y))
  if a[field] and b[field] then return b[field] - a[field] end
  return nil
end

local SUMMARY_CSV_HEADER = { "Процедура", "Предмет", "Класс", "Учитывается при идентификации", "ОО", "Участников",
  "Доля «2», %", "Успеваемость, %", "Качество знаний, %", "Средняя отметка", "Средний балл",
  "Не преодолели минимальный порог, %", "81–100 баллов, %", "Изменение доли «2» (не преодолевших порог), п.п.",
  "Изменение качества знаний, п.п." }

-- District results with marks: the procedure in a merged first column, a row per subject × grade.
local function summary_marked(A, d, list, csv)
  A.T:caption("Результаты по округу в " .. A.Y .. NB .. "г. (процедуры с отметками)")
  local rows = {}
  local spans = report_tables.runs(list, function(c) return c.procedure end)
  for i, c in ipairs(list) do
    local t = district(A, c, A.Y)
    local sh = ind.shares(t)
    local df, dq = prev_change(A, c, "fail"), prev_change(A, c, "quality")
    local row = {}
    if spans[i] then row[1] = { text = c.procedure, rowspan = spans[i], bold = true } end
    for _, v in ipairs({ c.subject .. (c.exam and "" or (", " .. c.grade .. NB .. "кл.")) .. (c.counted and "*" or ""),
      tostring(t.rows), int(t.participants), pct(sh.fail), pct(sh.success), pct(sh.quality),
      c.levels and DASH or (sh.mean_mark and ru.num(sh.mean_mark, 2) or DASH), pp(df), pp(dq) }) do
      row[#row + 1] = v
    end
    rows[#rows + 1] = row
    csv[#csv + 1] = { c.procedure, c.subject, c.grade, c.counted and "да" or "нет", t.rows, t.participants,
      csvout.pct(sh.fail), csvout.pct(sh.success), csvout.pct(sh.quality),
      c.levels and nil or csvout.num(sh.mean_mark, 2), nil, nil, nil, csvout.pct(df), csvout.pct(dq) }
  end
  d:table{ size = TABLE_SIZE,
    columns = { { mm = 12 }, { rel = 1 }, { mm = 10, numeric = true }, { mm = 15, numeric = true },
      { mm = 13, numeric = true }, { mm = 17, numeric = true }, { mm = 15, numeric = true }, { mm = 15, numeric = true },
      { mm = 18, numeric = true }, { mm = 18, numeric = true } },
    header = { { "Проце­дура", "Предмет, класс", "ОО", "Участ­ников", "Доля «2», %", "Успевае­мость, %",
      "Качество знаний, %", "Средняя отметка", "Доля «2»: изме­нение, п.п.", "Качество: изме­нение, п.п." } },
    rows = rows }
end

-- District results of tests without marks (ЕГЭ by test score).
local function summary_scored(A, d, list, csv)
  A.T:caption("Результаты ЕГЭ по округу в " .. A.Y .. NB .. "г. (предметы без отметок)")
  local rows = {}
  for _, c in ipairs(list) do
    local t = district(A, c, A.Y)
    local sh = ind.shares(t)
    local dm = prev_change(A, c, "below_min")
    rows[#rows + 1] = { c.procedure .. ", " .. c.subject .. (c.counted and "*" or ""), tostring(t.rows),
      int(t.participants), t.mean_score and ru.num(t.mean_score, 1) or DASH, pct(sh.below_min),
      pct(sh.high_score), pp(dm) }
    csv[#csv + 1] = { c.procedure, c.subject, c.grade, c.counted and "да" or "нет", t.rows, t.participants,
      nil, nil, nil, nil, csvout.num(t.mean_score, 1), csvout.pct(sh.below_min), csvout.pct(sh.high_score),
      csvout.pct(dm) }
  end
  d:table{ size = TABLE_SIZE,
    columns = { { rel = 1 }, { mm = 10, numeric = true }, { mm = 16, numeric = true }, { mm = 18, numeric = true },
      { mm = 26, numeric = true }, { mm = 22, numeric = true }, { mm = 26, numeric = true } },
    header = { { "Процедура, предмет", "ОО", "Участ­ников", "Средний балл",
      "Не преодолели минимальный порог, %", "81–100 баллов, %", "Не преодолели порог: изменение, п.п." } },
    rows = rows }
end

local METHOD = "Доли рассчитаны как отношение числа участников к общему числу участников; итоги по округу — "
  .. "по суммам участников всех ОО, а не как среднее долей школ. Успеваемость — доля отметок «3», «4» и «5»; "
  .. "качество знаний — доля отметок «4» и «5»; средняя отметка — (2·«2» + 3·«3» + 4·«4» + 5·«5») / число "
  .. "участников. Проценты округлены до десятых."

local function summary_section(A, d, combos)
  d:heading(1, "2. Сводные результаты по округу в " .. A.Y .. " году")
  if #combos == 0 then
    d:para("Результатов оценочных процедур " .. A.Y .. NB .. "г. в данных нет.")
    return
  end
  d:para(METHOD)
  local marked, scored, csv = {}, {}, {}
  local any_counted, any_levels = false, false
  for _, c in ipairs(combos) do
    if c.marks then marked[#marked + 1] = c else scored[#scored + 1] = c end
    any_counted, any_levels = any_counted or c.counted, any_levels or c.levels
  end
  if #marked > 0 then summary_marked(A, d, marked, csv) end
  if #scored > 0 then summary_scored(A, d, scored, csv) end
  A.T:note((any_counted and "* Процедура учитывается при идентификации школ с низкими результатами обучения. " or "")
    .. "Изменение — по сравнению с предыдущим годом, за который есть данные; «" .. DASH .. "» — нет данных для "
    .. "сравнения." .. (any_levels and (" КДР: «2» — уровень ниже базового, качество — повышенный и высокий "
      .. "уровни; средняя отметка не рассчитывается.") or ""))
  A.T:csv("summary", SUMMARY_CSV_HEADER, csv)
end

-- ---- per procedure × subject × grade ----

-- Columns and header of a results table: marks (or levels), or test scores.
local function result_layout(info)
  local L = {}
  if info.marks then
    local names = info.levels and { "ниже базового", "базовый", "повы­шенный", "высокий" }
      or { "«2»", "«3»", "«4»", "«5»" }
    local h1 = { { text = "№", rowspan = 2 }, { text = "Образовательная организация", rowspan = 2 },
      { text = "Участ­ников", rowspan = 2 },
      { text = info.levels and "Доля обучающихся по уровням, %" or "Доля отметок, %", colspan = 4 },
      { text = info.levels and "Базовый уровень и выше, %" or "Успевае­мость, %", rowspan = 2 },
      { text = info.levels and "Повышенный и высокий, %" or "Качество знаний, %", rowspan = 2 } }
    L.columns = { { mm = 8, align = "center" }, { rel = 1 }, { mm = 18, numeric = true },
      { mm = 16, numeric = true }, { mm = 16, numeric = true }, { mm = 16, numeric = true }, { mm = 16, numeric = true },
      { mm = 22, numeric = true }, { mm = 22, numeric = true } }
    if not info.levels then
      h1[#h1 + 1] = { text = "Средняя отметка", rowspan = 2 }
      L.columns[#L.columns + 1] = { mm = 20, numeric = true }
    end
    if info.score then
      h1[#h1 + 1] = { text = "Средний балл", rowspan = 2 }
      L.columns[#L.columns + 1] = { mm = 18, numeric = true }
    end
    L.header = { h1, names }
  else
    L.header = { { { text = "№", rowspan = 2 }, { text = "Образовательная организация", rowspan = 2 },
      { text = "Участ­ников", rowspan = 2 }, { text = "Средний балл", rowspan = 2 },
      { text = "Не преодолели минимальный порог", colspan = 2 }, { text = "81–100 баллов", colspan = 2 } },
      { "чел.", "%", "чел.", "%" } }
    L.columns = { { mm = 8, align = "center" }, { rel = 1 }, { mm = 18, numeric = true }, { mm = 20, numeric = true },
      { mm = 18, numeric = true }, { mm = 18, numeric = true }, { mm = 18, numeric = true }, { mm = 18, numeric = true } }
  end
  L.width = #L.columns
  return L
end

-- Appends the printed indicator cells of a counts record c (shares sh = ind.shares(c)) to row,
-- after its № and name; returns row. (Assigned in place, not through a helper: this runs for
-- every result of the district.)
local function value_cells(info, c, sh, row)
  local n = #row
  if info.marks then
    row[n + 1], row[n + 2], row[n + 3], row[n + 4], row[n + 5], row[n + 6], row[n + 7] = int(c.participants),
      pct(sh.m2), pct(sh.m3), pct(sh.m4), pct(sh.m5), pct(sh.success), pct(sh.quality)
    n = n + 7
    if not info.levels then n = n + 1; row[n] = sh.mean_mark and ru.num(sh.mean_mark, 2) or DASH end
    if info.score then row[n + 1] = c.mean_score and ru.num(c.mean_score, 1) or DASH end
    return row
  end
  row[n + 1], row[n + 2], row[n + 3], row[n + 4], row[n + 5], row[n + 6] = int(c.participants),
    c.mean_score and ru.num(c.mean_score, 1) or DASH, int(c.below_min), pct(sh.below_min), int(c.high_score),
    pct(sh.high_score)
  return row
end

local RESULTS_CSV_HEADER = { "Год", "Процедура", "Предмет", "Класс", "Код ОО", "Образовательная организация",
  "Учитывается при идентификации", "Участников", "«2»", "«3»", "«4»", "«5»", "Доля «2», %", "Доля «3», %",
  "Доля «4», %", "Доля «5», %", "Успеваемость, %", "Качество знаний, %", "Средняя отметка", "Средний балл",
  "Не преодолели минимальный порог", "Не преодолели минимальный порог, %", "81–100 баллов", "81–100 баллов, %" }

-- A row of results.csv: the keys, then the counts of c and its shares sh rounded as printed
-- (no средняя отметка for levels).
local function csv_row(A, info, year, id, name, counted, c, sh)
  A.results_csv[#A.results_csv + 1] = { year, info.procedure, info.subject, info.grade, id, name, counted,
    c.participants, c.m2, c.m3, c.m4, c.m5, csvout.pct(sh.m2), csvout.pct(sh.m3), csvout.pct(sh.m4),
    csvout.pct(sh.m5), csvout.pct(sh.success), csvout.pct(sh.quality),
    csvout.num(not info.levels and sh.mean_mark or nil, 2), csvout.num(c.mean_score, 1), c.below_min,
    csvout.pct(sh.below_min), c.high_score, csvout.pct(sh.high_score) }
end

-- The report year's records of a combo by school_id, fetched from the index once per combo:
-- its table, its low results and its chart each look up every school of the district.
local function school_records(A, info)
  if not info.records then
    info.records = {}
    for _, r in ipairs(A.R:rows({ year = A.Y, procedure = info.procedure, subject = info.subject, grade = info.grade })) do
      info.records[r.school_id] = r
    end
  end
  return info.records
end

-- The shares of a school's counts record c that its row prints (value_cells, csv_row): those of
-- indicators.shares, without the ones a thousand school rows per combo would compute unread.
local function row_shares(c)
  return { m2 = ind.mark_share(c, 2), m3 = ind.mark_share(c, 3), m4 = ind.mark_share(c, 4),
    m5 = ind.mark_share(c, 5), success = ind.success(c), quality = ind.quality(c),
    mean_mark = ind.mean_mark(c), below_min = ind.below_min_share(c), high_score = ind.high_score_share(c) }
end

-- School rows of a combo in the report year, in schools.csv order; notes collect footnotes.
local function school_rows(A, info, flags)
  local rows, records = {}, school_records(A, info)
  for _, s in ipairs(A.schools) do
    local c = records[s.school_id]
    if c then
      local name = school_name(s)
      local small = c.participants > 0 and c.participants < A.min_n
      if c.participants == 0 then flags.zero = true end
      if small then flags.small = true; name = name .. "*" end
      local sh = row_shares(c)
      rows[#rows + 1] = value_cells(info, c, sh, { tostring(#rows + 1), name })
      csv_row(A, info, A.Y, s.school_id, school_name(s),
        (info.counted and c.participants >= A.min_n) and "да" or "нет", c, sh)
    end
  end
  return rows
end

-- District rows: the report year (a shaded total), then every earlier year of the dataset.
local function district_rows(A, info, flags, width)
  local rows = {}
  for i = #A.years, 1, -1 do
    local y = A.years[i]
    if y <= A.Y then
      local c = district(A, info, y)
      local label = y == A.Y and ("Итого по округу, " .. y .. NB .. "г.") or ("По округу, " .. y .. NB .. "г.")
      local row = { { text = label, colspan = 2, bold = y == A.Y, italic = y ~= A.Y } }
      if c then
        local sh = ind.shares(c)
        value_cells(info, c, sh, row)
        csv_row(A, info, y, nil, "Итого по округу", nil, c, sh)
      else
        flags.missing = true
        row[#row + 1] = { text = "нет данных", colspan = width - 2, italic = true, align = "center" }
      end
      if y == A.Y then row.total = true end
      rows[#rows + 1] = row
    end
  end
  return rows
end

local function table_notes(A, info, flags)
  local list = {}
  if flags.small then
    list[#list + 1] = "* Менее " .. ru.count(A.min_n, "участник") .. ": результат приведён для сведения, "
      .. "при идентификации и оценке динамики не учитывается; в итог по округу включён."
  end
  if flags.zero then
    list[#list + 1] = "«" .. DASH .. "» — показатель не рассчитывается: нет участников."
  end
  if flags.missing then
    list[#list + 1] = "«нет данных» — результаты процедуры за этот год в данных отсутствуют."
  end
  if not info.marks and info.score then
    list[#list + 1] = "Средний балл по округу — средний балл ОО, взвешенный по числу участников."
  end
  return list
end

local function results_table(A, d, info)
  local L = result_layout(info)
  A.T:caption("Результаты " .. combo_text(info, not info.exam) .. ", " .. A.Y .. NB .. "г., по ОО")
  local flags = {}
  local rows = school_rows(A, info, flags)
  for _, r in ipairs(district_rows(A, info, flags, L.width)) do rows[#rows + 1] = r end
  d:table{ size = RESULTS_SIZE, columns = L.columns, header = L.header, rows = rows }
  A.T:notes(table_notes(A, info, flags))
end

-- Sentence about the change of a share between two years ("По сравнению с 2023 г. …").
local function change(A, info, what, gender, field, py)
  local a, b = ind.shares(district(A, info, py)), ind.shares(district(A, info, A.Y))
  if not (a[field] and b[field]) then return nil end
  return ru.change_sentence{ subject = "По сравнению с " .. py .. NB .. "г. " .. what, gender = gender,
    about = ru.about(info.subject, not info.exam and info.grade or nil), from = a[field], to = b[field] }
end

local function mean_score_sentence(A, info, py)
  local a, b = district(A, info, py), district(A, info, A.Y)
  if not (a.mean_score and b.mean_score) then return nil end
  local fa, fb = ru.num(a.mean_score, 1), ru.num(b.mean_score, 1)
  local head = "Средний балл по " .. ru.subject_dative(info.subject)
  if fa == fb then return head .. " не изменился и составил " .. fb .. "." end
  return string.format("%s %s с %s в %d%sг. до %s в %d%sг.", head, b.mean_score > a.mean_score and "вырос" or "снизился",
    fa, py, NB, fb, A.Y, NB)
end

-- "в 1 школе", "в 3 школах" (the locative after «в»).
local function in_schools(n)
  return ru.num(n) .. NB .. ru.plural(n, "школе", "школах", "школах")
end

-- Schools whose failing share in the report year is at or above the threshold (unrounded):
-- list of { school, share, count, total, small }, made once per combo (its conclusions and the
-- section of low results both list them; the latter adds fields of its own).
local function low_schools(A, info)
  if info.low_schools then return info.low_schools end
  local out, records = {}, school_records(A, info)
  info.low_schools = out
  for _, s in ipairs(A.schools) do
    local c = records[s.school_id]
    local share, count, total = nil, nil, nil
    if c then share, count, total = ind.failing(c) end
    if share and count * 100 >= A.threshold * total then
      out[#out + 1] = { school = s, share = share, count = count, total = total, small = total < A.min_n }
    end
  end
  return out
end

local function conclusions_of(A, d, info)
  local py = previous_year(A, info)
  local t = district(A, info, A.Y)
  local parts = { "Число участников — " .. ru.num(t.participants) .. ", число ОО — " .. ru.num(t.rows)
    .. " (таблица " .. A.T:next_number() .. ")." }
  if not py then parts[#parts + 1] = "Результатов предыдущих лет для сравнения в данных нет." end
  if info.counted then
    parts[#parts + 1] = "Результат учитывается при идентификации школ с низкими результатами обучения."
  end
  if py then
    if info.marks then
      parts[#parts + 1] = change(A, info, info.levels and "доля обучающихся с уровнем ниже базового"
        or "доля отметок «2»", "f", "fail", py)
      parts[#parts + 1] = change(A, info, info.levels and "доля повышенного и высокого уровней"
        or "качество знаний", info.levels and "f" or "n", "quality", py)
    else
      parts[#parts + 1] = change(A, info, "доля участников, не преодолевших минимальный порог,", "f", "below_min", py)
      parts[#parts + 1] = mean_score_sentence(A, info, py)
    end
  end
  local low = low_schools(A, info)
  local what = info.marks and (info.levels and "уровня ниже базового" or "отметок «2»")
    or "не преодолевших минимальный порог"
  local limit = ru.num(A.threshold) .. NB .. "%"
  if #low == 0 then
    parts[#parts + 1] = "ОО, в которых доля " .. what .. " не ниже " .. limit .. ", нет."
  else
    local names = {}
    for _, l in ipairs(low) do
      names[#names + 1] = school_name(l.school) .. " (" .. l.count .. " из " .. l.total .. ", " .. ru.pct(l.share)
        .. (l.small and (", менее " .. ru.count(A.min_n, "участник")) or "") .. ")"
    end
    parts[#parts + 1] = "Доля " .. what .. " не ниже " .. limit .. " — в " .. in_schools(#low) .. ": "
      .. table.concat(names, "; ") .. "."
  end
  d:para(table.concat(parts, " "))
end

-- Distribution chart: stacked shares per school (with participants) and the district.
local function distribution_chart(A, d, info)
  local cats, vals = {}, {}
  local names = info.marks and (info.levels and { "ниже базового", "базовый", "повышенный", "высокий" }
    or { "«2»", "«3»", "«4»", "«5»" }) or { "ниже порога", "от порога до 80", "81–100" }
  for j = 1, #names do vals[j] = {} end
  local function add(label, c)
    if not c or c.participants == 0 then return end
    if info.marks and not (c.m2 and c.m3 and c.m4 and c.m5) then return end
    if not info.marks and not (c.below_min and c.high_score) then return end
    local counts = info.marks and { c.m2, c.m3, c.m4, c.m5 }
      or { c.below_min, c.participants - c.below_min - c.high_score, c.high_score }
    cats[#cats + 1] = label
    for j, n in ipairs(counts) do vals[j][#cats] = n + 0.0 end
  end
  local records, labels = school_records(A, info), A.chart_labels
  if not labels then   -- every chart of the district names every school: labels made once
    labels = {}
    for _, s in ipairs(A.schools) do labels[s] = chart_label(s) end
    A.chart_labels = labels
  end
  for _, s in ipairs(A.schools) do
    local c = records[s.school_id]
    add(labels[s] .. ((c and c.participants > 0 and c.participants < A.min_n) and "*" or ""), c)
  end
  add("По округу", district(A, info, A.Y))
  if #cats < 2 then return end
  local series = {}
  for j, n in ipairs(names) do series[j] = { name = n, values = vals[j] } end
  d:chart{ chart = "stacked", title = (info.marks and (info.levels and "Распределение по уровням" or
    "Распределение отметок") or "Распределение результатов") .. " по ОО, %: " .. combo_text(info, not info.exam)
    .. ", " .. A.Y .. NB .. "г.", categories = cats, series = series,
    value_labels = true, height = 88 }
end

-- Trend chart: the district's main shares over every year of the dataset.
local function trend_chart(A, d, info)
  local cats, s1, s2 = {}, {}, {}
  local f1, f2, n1, n2
  if info.marks then
    f1, f2 = "fail", "quality"
    n1 = info.levels and "Ниже базового уровня" or "Доля «2»"
    n2 = info.levels and "Повышенный и высокий уровни" or "Качество знаний"
  else
    f1, f2, n1, n2 = "below_min", "high_score", "Не преодолели порог", "81–100 баллов"
  end
  for _, y in ipairs(A.years) do
    if y <= A.Y then
      cats[#cats + 1] = y .. NB .. "г."
      local c = district(A, info, y)
      local sh = c and ind.shares(c) or {}
      s1[#cats] = sh[f1] and sh[f1] * 100
      s2[#cats] = sh[f2] and sh[f2] * 100
    end
  end
  d:chart{ chart = "line", title = "Динамика показателей по округу, %: " .. combo_text(info, not info.exam),
    categories = cats, series = { { name = n1, values = s1 }, { name = n2, values = s2 } },
    percent = true, value_labels = true, height = 62 }
end

local function combo_heading(info, with_grade)
  return info.subject .. (with_grade and (", " .. info.grade .. NB .. "класс") or "")
end

local function procedure_sections(A, d, combos, first_number)
  local n = first_number - 1
  local by_proc, order = {}, {}
  for _, c in ipairs(combos) do
    if not by_proc[c.procedure] then order[#order + 1] = c.procedure; by_proc[c.procedure] = {} end
    local list = by_proc[c.procedure]
    list[#list + 1] = c
  end
  for k, p in ipairs(order) do
    n = n + 1
    if k > 1 then d:page_break() end
    d:heading(1, n .. ". " .. (PROCEDURE_TITLE[fold(p)] or p))
    local grades_per_subject = {}
    for _, c in ipairs(by_proc[p]) do grades_per_subject[c.subject] = (grades_per_subject[c.subject] or 0) + 1 end
    for i, info in ipairs(by_proc[p]) do
      local with_grade = not info.exam or grades_per_subject[info.subject] > 1
      if i > 1 then d:page_break() end   -- one result per page: its text, table and notes
      d:heading(2, n .. "." .. i .. ". " .. combo_heading(info, with_grade))
      conclusions_of(A, d, info)
      results_table(A, d, info)
      if info.counted then
        distribution_chart(A, d, info)
        trend_chart(A, d, info)
      end
    end
  end
  return n
end

-- ---- ВПР objectivity ----

local function objectivity_rows(A, t)
  local rows, csv = {}, {}
  for i, e in ipairs(t.schools) do
    local s = A.by_id[e.school_id]
    rows[#rows + 1] = { tostring(i), school_name(s), int(e.counts.checked), pct(e.lowered), pct(e.confirmed), pct(e.raised) }
    csv[#csv + 1] = { e.school_id, school_name(s), e.counts.checked, csvout.pct(e.lowered), csvout.pct(e.confirmed),
      csvout.pct(e.raised) }
  end
  local dt = t.district
  rows[#rows + 1] = report_tables.total_row("Итого по округу", 2, { int(dt.counts.checked), pct(dt.lowered),
    pct(dt.confirmed), pct(dt.raised) })
  csv[#csv + 1] = { nil, "Итого по округу", dt.counts.checked, csvout.pct(dt.lowered), csvout.pct(dt.confirmed),
    csvout.pct(dt.raised) }
  return rows, csv
end

local OBJ_COLUMNS = { { mm = 8, align = "center" }, { rel = 1 }, { mm = 20, numeric = true }, { mm = 22, numeric = true },
  { mm = 24, numeric = true }, { mm = 22, numeric = true } }
local OBJ_HEADER = { "Понизили, %", "Подтвердили, %", "Повысили, %" }

-- The school with the highest «повысили» share among those with enough participants.
local function most_raised(A, t)
  local best
  for _, e in ipairs(t.schools) do
    if e.raised and e.counts.checked >= A.min_n and (not best or e.raised > best.raised) then best = e end
  end
  return best
end

local function objectivity_section(A, d, n)
  local t = objectivity.table(A.ds, A.Y)
  if (t.district.counts.checked or 0) == 0 then return n end
  n = n + 1
  d:page_break()
  d:heading(1, n .. ". Объективность результатов ВПР")
  local dt = t.district
  local text = "Отметки за ВПР " .. A.Y .. NB .. "г. сопоставлены с отметками обучающихся в классном журнале "
    .. "(по всем предметам и классам). В целом по округу подтвердили отметку " .. ru.pct(dt.confirmed)
    .. " участников, получили за ВПР отметку ниже журнальной (понизили) — " .. ru.pct(dt.lowered)
    .. ", выше журнальной (повысили) — " .. ru.pct(dt.raised) .. "."
  local best = most_raised(A, t)
  if best and best.raised > (dt.raised or 0) then
    text = text .. " Наибольшая доля повысивших отметку — в " .. school_name(A.by_id[best.school_id]) .. ": "
      .. ru.pct(best.raised) .. " при " .. ru.pct(dt.raised) .. " по округу."
  end
  d:para(text)
  A.T:caption("Соответствие отметок за ВПР отметкам в журнале, " .. A.Y .. NB .. "г., по ОО")
  local rows, csv = objectivity_rows(A, t)
  d:table{ size = TABLE_SIZE, columns = OBJ_COLUMNS,
    header = { { "№", "Образовательная организация", "Участ­ников", OBJ_HEADER[1], OBJ_HEADER[2], OBJ_HEADER[3] } },
    rows = rows }
  A.T:csv("objectivity", { "Код ОО", "Образовательная организация", "Участников", "Понизили, %", "Подтвердили, %",
    "Повысили, %" }, csv)
  d:spacer(3)
  A.T:caption("Соответствие отметок за ВПР отметкам в журнале по предметам и классам, " .. A.Y .. NB .. "г.")
  local srows = {}
  for _, c in ipairs(A.R:combos({ year = A.Y, procedure = "ВПР" })) do
    -- the district part of objectivity.table for this subject and grade: the table's school
    -- rows (a thousand sums per subject in a large district) are not printed here
    local counts = A.R:sum({ year = A.Y, procedure = "ВПР", subject = c.subject, grade = c.grade })
    if (counts.checked or 0) > 0 then
      local st = ind.objectivity(counts)
      srows[#srows + 1] = { tostring(#srows + 1), c.subject .. ", " .. c.grade .. NB .. "класс", int(counts.checked),
        pct(st.lowered), pct(st.confirmed), pct(st.raised) }
    end
  end
  d:table{ size = TABLE_SIZE, columns = OBJ_COLUMNS,
    header = { { "№", "Предмет, класс", "Участ­ников", OBJ_HEADER[1], OBJ_HEADER[2], OBJ_HEADER[3] } }, rows = srows }
  A.T:note("Понизили — отметка за ВПР ниже отметки в журнале, подтвердили — равна ей, повысили — выше её; "
    .. "участников — число участников, для которых выполнено сопоставление.")
  A.objectivity = { table = t, best = best }
  return n
end

-- ---- results at or above the threshold ----

-- Every result of the report year with a failing share at or above the threshold:
-- list of { info, school, count, total, share, counted (for identification) }.
local function low_list(A, combos)
  local out = {}
  for _, info in ipairs(combos) do
    for _, l in ipairs(low_schools(A, info)) do
      l.info = info
      l.counts_for = info.counted and not l.small
      out[#out + 1] = l
    end
  end
  return out
end

-- Table rows of low results grouped by combo (the combo cell spans its schools).
local function low_rows(list, with_flag)
  local rows, csv = {}, {}
  local spans = report_tables.runs(list, function(l) return l.info end)
  for i, l in ipairs(list) do
    local info = l.info
    local row = { tostring(i) }
    if spans[i] then row[2] = { text = combo_text(info, not info.exam), rowspan = spans[i] } end
    local name = school_name(l.school) .. ((with_flag and l.small) and "*" or "")
    for _, v in ipairs({ name, int(l.total), int(l.count), pct(l.share) }) do row[#row + 1] = v end
    rows[#rows + 1] = row
    csv[#csv + 1] = { info.procedure, info.subject, info.grade, l.school.school_id, school_name(l.school), l.total,
      l.count, csvout.pct(l.share), l.counts_for and "да" or "нет" }
  end
  return rows, csv
end

local LOW_COLUMNS = { { mm = 8, align = "center" }, { mm = 38 }, { rel = 1 }, { mm = 15, numeric = true },
  { mm = 13, numeric = true }, { mm = 13, numeric = true } }
local LOW_HEADER = { { "№", "Процедура, предмет, класс", "Образовательная организация", "Участ­ников",
  "«2»¹, чел.", "Доля, %" } }
local LOW_HEADER_MARKS = { { "№", "Процедура, предмет, класс", "Образовательная организация", "Участ­ников",
  "«2», чел.", "Доля, %" } }

local function count_keys(set) local k = 0 for _ in pairs(set) do k = k + 1 end return k end

local function low_intro(A, d, list, limit)
  local schools, counted_schools, counted = {}, {}, 0
  for _, l in ipairs(list) do
    schools[l.school.school_id] = true
    if l.counts_for then counted = counted + 1; counted_schools[l.school.school_id] = true end
  end
  local names = {}
  for _, s in ipairs(A.schools) do
    if counted_schools[s.school_id] then names[#names + 1] = school_name(s) end
  end
  d:para("В " .. A.Y .. NB .. "г. доля отметок «2» (для ЕГЭ без отметок — доля участников, не преодолевших "
    .. "минимальный порог) не ниже " .. limit .. " получена по " .. ru.num(#list) .. NB
    .. ru.plural(#list, "результату", "результатам", "результатам") .. " в " .. ru.num(count_keys(schools)) .. NB .. "ОО. "
    .. (counted > 0 and ("Из них при идентификации школ с низкими результатами обучения "
      .. ru.plural(counted, "учитывается ", "учитываются ", "учитываются ") .. ru.num(counted) .. NB
      .. ru.plural(counted, "результат", "результата", "результатов") .. " в " .. in_schools(#names) .. ": "
      .. table.concat(names, ", ")
      .. ". Эти результаты будут учтены при идентификации в " .. (A.Y + 1) .. NB .. "г.")
      or "Ни один из них не учитывается при идентификации школ с низкими результатами обучения."))
end

local function low_section(A, d, n, combos)
  n = n + 1
  d:page_break()
  local limit = ru.num(A.threshold) .. NB .. "%"
  d:heading(1, n .. ". Результаты с долей отметок «2» не ниже " .. limit .. " в " .. A.Y .. " году")
  local list = low_list(A, combos)
  if #list == 0 then
    d:para("В " .. A.Y .. NB .. "г. результатов с долей отметок «2» (для ЕГЭ без отметок — с долей участников, "
      .. "не преодолевших минимальный порог) не ниже " .. limit .. " нет.")
    return n
  end
  low_intro(A, d, list, limit)
  local counted, other, small = {}, {}, false
  for _, l in ipairs(list) do
    if l.info.counted then counted[#counted + 1] = l; small = small or l.small else other[#other + 1] = l end
  end
  local csv = {}
  for _, part in ipairs({ { counted, "процедуры, учитываемые при идентификации", true },
                          { other, "прочие процедуры", false } }) do
    if #part[1] > 0 then
      A.T:caption("Результаты с долей «2» (не преодолевших порог) не ниже " .. limit .. ", " .. A.Y .. NB .. "г.: "
        .. part[2])
      local rows, c = low_rows(part[1], part[3])
      for _, r in ipairs(c) do csv[#csv + 1] = r end
      local scored_part = false
      for _, l in ipairs(part[1]) do scored_part = scored_part or not l.info.marks end
      d:table{ size = TABLE_SIZE, columns = LOW_COLUMNS, header = scored_part and LOW_HEADER or LOW_HEADER_MARKS,
        rows = rows }
      local text = (scored_part and "¹ Для ЕГЭ без отметок — число участников, не преодолевших минимальный порог. " or "")
        .. ((part[3] and small) and ("* Менее " .. ru.count(A.min_n, "участник") .. ": результат при "
          .. "идентификации не учитывается.") or "")
      if text ~= "" then A.T:note(text) end
      d:spacer(3)
    end
  end
  A.T:csv("low_results", { "Процедура", "Предмет", "Класс", "Код ОО", "Образовательная организация", "Участников",
    "«2» (не преодолели порог)", "Доля, %", "Учитывается при идентификации" }, csv)
  return n
end

-- ---- identification and clusters ----

local function rule_sentences(A)
  local limit = ru.num(A.threshold) .. NB .. "%"
  if (A.S.low_rule or "fioko") == "same_procedure" then
    return { "ОО, в которых по одной и той же оценочной процедуре в каждом из двух предыдущих лет ("
      .. (A.Y - 2) .. " и " .. (A.Y - 1) .. NB .. "гг.) зафиксированы низкие результаты (доля отметок «2» "
      .. limit .. " и более)." }
  end
  return {
    "ОО, в которых не менее чем по двум оценочным процедурам в предыдущем году (" .. (A.Y - 1) .. NB
      .. "г.) зафиксированы низкие результаты (доля отметок «2» " .. limit .. " и более);",
    "ОО, в которых хотя бы по одной оценочной процедуре в каждом из двух предыдущих лет (" .. (A.Y - 2) .. " и "
      .. (A.Y - 1) .. NB .. "гг.) зафиксированы низкие результаты (доля отметок «2» " .. limit .. " и более).",
  }
end

local function counted_items(A, d)
  local seen, items = {}, {}
  for _, p in ipairs(A.counted_list) do
    local key = p.procedure .. "|" .. p.subject .. "|" .. p.grade
    if not seen[key] then
      seen[key] = true
      local exam = EXAMS[fold(p.procedure)]
      items[#items + 1] = p.procedure .. " по " .. ru.subject_dative(p.subject)
        .. (exam and "" or (" (" .. p.grade .. NB .. "класс)"))
    end
  end
  for i, t in ipairs(items) do d:item(t .. (i == #items and "." or ";")) end
end

-- "низкие результаты … в 2023 г." without the list of results (identify.reason_text adds it).
local function rule_text(entry, year)
  local t = identify.reason_text({ low = true, rule_met = entry.rule_met, triggers = {} }, year)
  return keep_years((t:gsub(":%s*$", "")))
end

local function identification_table(A, d, id)
  A.T:caption("Школы с низкими результатами обучения, выявленные в " .. A.Y .. NB .. "г.")
  local rows, csv = {}, {}
  for i, sid in ipairs(id.low) do
    local e = id.by_school[sid]
    local lines = {}
    for _, r in ipairs(e.triggers) do
      lines[#lines + 1] = identify.result_text(r)
      csv[#csv + 1] = { sid, school_name(A.by_id[sid]), rule_text(e, A.Y), r.year, r.procedure, r.subject, r.grade,
        r.participants, r.count, csvout.pct(r.share) }
    end
    rows[#rows + 1] = { tostring(i), school_name(A.by_id[sid]), rule_text(e, A.Y), table.concat(lines, ";\n") }
  end
  d:table{ size = TABLE_SIZE, columns = { { mm = 8, align = "center" }, { mm = 38 }, { mm = 45 }, { rel = 1 } },
    header = { { "№", "Образовательная организация", "Основание", "Результаты с долей «2» (не преодолевших порог) не ниже "
      .. ru.num(A.threshold) .. NB .. "%" } }, rows = rows }
  A.T:csv("identification", { "Код ОО", "Образовательная организация", "Основание", "Год", "Процедура", "Предмет",
    "Класс", "Участников", "«2» (не преодолели порог)", "Доля, %" }, csv)
end

-- Schools with low counted results in Y−1 or Y−2 that the rule does not identify.
local function near_misses(A, d, id)
  local parts = {}
  for _, sid in ipairs(id.order) do
    local e = id.by_school[sid]
    if not e.low and (#e.low_y1 + #e.low_y2) > 0 then
      local rs = {}
      for _, r in ipairs(e.low_y1) do rs[#rs + 1] = identify.result_text(r) end
      for _, r in ipairs(e.low_y2) do rs[#rs + 1] = identify.result_text(r) end
      parts[#parts + 1] = school_name(A.by_id[sid]) .. " — " .. table.concat(rs, "; ")
    end
  end
  if #parts > 0 then
    d:para("Низкие результаты, недостаточные для отнесения к школам с низкими результатами обучения, получены: "
      .. table.concat(parts, "; ") .. ".")
  end
end

local function identification_section(A, d, n)
  n = n + 1
  d:heading(1, n .. ". Идентификация школ с низкими результатами обучения")
  local id = identify.identify(A.ds, A.Y)
  A.identification = id
  d:para("В соответствии с методикой ФИОКО к школам с низкими результатами обучения в " .. A.Y .. NB
    .. "г. относятся:")
  for _, t in ipairs(rule_sentences(A)) do d:item(t) end
  d:para("Результаты " .. A.Y .. NB .. "г. при идентификации " .. A.Y .. NB .. "г. не учитываются. Анализ "
    .. "проводится по результатам следующих процедур (результат учитывается, если участников не менее "
    .. ru.num(A.min_n) .. "):")
  counted_items(A, d)
  local have = {}
  for _, y in ipairs(A.years) do have[y] = true end
  if not have[A.Y - 1] and not have[A.Y - 2] then
    d:para("Результатов " .. (A.Y - 2) .. " и " .. (A.Y - 1) .. NB .. "гг. в данных нет, поэтому школы с низкими "
      .. "результатами обучения по этим правилам выявлены быть не могут.")
  elseif not have[A.Y - 1] or not have[A.Y - 2] then
    d:para("Результатов " .. (have[A.Y - 1] and (A.Y - 2) or (A.Y - 1)) .. NB .. "г. в данных нет: идентификация "
      .. "проведена по результатам " .. (have[A.Y - 1] and (A.Y - 1) or (A.Y - 2)) .. NB .. "г.")
  end
  if #id.low == 0 then
    d:para("По итогам идентификации школ с низкими результатами обучения не выявлено.")
  else
    local text = "По итогам идентификации к школам с низкими результатами обучения "
      .. ru.plural(#id.low, "отнесена ", "отнесены ", "отнесены ") .. ru.count(#id.low, "школа")
      .. " из " .. ru.num(#A.schools) .. " (таблица " .. A.T:next_number() .. ")."
    if A.years[1] and A.years[1] <= A.Y - 2 then
      local prev = identify.identify(A.ds, A.Y - 1)
      local k = #prev.low
      text = text .. " В " .. (A.Y - 1) .. NB .. "г. по тем же правилам "
        .. (k == 0 and "таких школ не было." or (ru.plural(k, "была выявлена ", "были выявлены ", "было выявлено ")
          .. ru.count(k, "школа") .. "."))
    end
    d:para(text)
    identification_table(A, d, id)
  end
  near_misses(A, d, id)
  return n
end

local CLUSTER_TITLE = {
  [1] = "1 кластер «Школы с низкими результатами обучения»",
  [2] = "2 кластер «Школы — зоны риска»",
  [3] = "3 кластер «Школы с положительной динамикой результатов»",
  stable = "Школы со стабильными результатами",
}

local function cluster_reasons(A, e)
  if e.cluster == 1 then
    local list = { rule_text(e.identification, A.Y) }
    for _, r in ipairs(e.risks) do list[#list + 1] = "также фактор риска «" .. r .. "» высокого уровня" end
    return keep_years(table.concat(list, "; "))
  end
  return keep_years(table.concat(e.reasons, "; "))
end

local function clusters_section(A, d, n)
  n = n + 1
  d:heading(1, n .. ". Кластеризация общеобразовательных организаций")
  local cl = identify.clusters(A.ds, A.Y)
  A.clusters = cl
  d:para("По итогам анализа результатов ОО распределены по кластерам (каждая ОО — в одном кластере, в порядке "
    .. "приоритета): 1 кластер — школы с низкими результатами обучения (раздел " .. (n - 1) .. "); 2 кластер — "
    .. "школы, функционирующие в зоне риска снижения образовательных результатов: фактор риска «низкий уровень "
    .. "оснащения школы» или «дефицит педагогических кадров» высокого уровня в " .. A.Y .. NB .. "г., "
    .. "малочисленная школа (менее " .. ru.count(A.S.small_school_students or 100, "обучающийся") .. " или статус "
    .. "«малочисленная»); 3 кластер — школы, имеющие положительную динамику результатов (положительная динамика "
    .. "более чем по половине сопоставимых учитываемых процедур, " .. A.Y .. NB .. "г. к " .. (A.Y - 1) .. NB
    .. "г.); остальные ОО — школы со стабильными результатами.")
  local counts = {}
  for _, k in ipairs({ 1, 2, 3, "stable" }) do counts[#counts + 1] = #cl.members[k] end
  d:para("В 1 кластер вошли " .. ru.count(counts[1], "школа") .. ", во 2 кластер — " .. ru.num(counts[2])
    .. ", в 3 кластер — " .. ru.num(counts[3]) .. ", стабильные результаты — у " .. ru.num(counts[4]) .. " (таблица "
    .. A.T:next_number() .. ").")
  A.T:caption("Кластеры общеобразовательных организаций, " .. A.Y .. NB .. "г.")
  local rows, csv, i = {}, {}, 0
  for _, k in ipairs({ 1, 2, 3, "stable" }) do
    if #cl.members[k] > 0 then
      rows[#rows + 1] = { { text = CLUSTER_TITLE[k] .. " — " .. ru.count(#cl.members[k], "школа"), colspan = 3,
        bold = true, shade = 0.93 }, keep_with_next = true }
      for _, sid in ipairs(cl.members[k]) do
        local why = cluster_reasons(A, cl.by_school[sid])
        i = i + 1
        rows[#rows + 1] = { tostring(i), school_name(A.by_id[sid]), why }
        csv[#csv + 1] = { k == "stable" and "стабильные" or k, sid, school_name(A.by_id[sid]), why }
      end
    end
  end
  d:table{ size = TABLE_SIZE, columns = { { mm = 8, align = "center" }, { mm = 50 }, { rel = 1 } },
    header = { { "№", "Образовательная организация", "Основание" } }, rows = rows }
  A.T:csv("clusters", { "Кластер", "Код ОО", "Образовательная организация", "Основание" }, csv)
  return n
end

-- ---- per-participant indicators (seed 002) ----

local function share_text(r)
  if not r or r.den == 0 then return DASH end
  return ru.pct(r.share) .. " (" .. r.num .. " из " .. r.den .. ")"
end

local PP_NAMES = {
  "Доля участников ОГЭ, сумма отметок которых по четырём экзаменам — 12 и более",
  "Доля участников ЕГЭ, преодолевших минимальный порог по всем сдаваемым предметам",
  "Доля участников ЕГЭ, набравших по трём предметам 220 баллов и более",
}

local function pp_values(A, y)
  return { participants.oge_marks_sum(A.ds, y, 12), participants.ege_all_above_min(A.ds, y),
    participants.ege_top3_sum(A.ds, y, 220) }
end

local function participant_section(A, d, n)
  if not A.ds.files.participants then return n end
  n = n + 1
  d:heading(1, n .. ". Показатели по результатам участников ОГЭ и ЕГЭ")
  d:para("Показатели рассчитаны по результатам каждого участника: для ОГЭ — сумма отметок по четырём экзаменам "
    .. "(обязательным и по выбору), для ЕГЭ — тестовые баллы с учётом минимальных порогов по предметам; "
    .. "базовая математика оценивается отметкой (порог — «3») и в сумму трёх предметов не входит.")
  local years = {}
  for _, y in ipairs(A.years) do if y <= A.Y then years[#years + 1] = y end end
  A.T:caption("Показатели по результатам участников по годам")
  local header, cols = { "Показатель" }, { { rel = 1 } }
  for _, y in ipairs(years) do header[#header + 1] = y .. NB .. "г."; cols[#cols + 1] = { mm = 30, align = "right" } end
  local rows, csv = {}, {}
  local by_year = {}
  for _, y in ipairs(years) do by_year[y] = pp_values(A, y) end
  for k, name in ipairs(PP_NAMES) do
    local row = { name }
    for _, y in ipairs(years) do
      local r = by_year[y][k]
      row[#row + 1] = share_text(r)
      csv[#csv + 1] = { name, y, nil, nil, r and r.num, r and r.den, r and r.den > 0 and csvout.pct(r.share) or nil }
    end
    rows[#rows + 1] = row
  end
  d:table{ size = TABLE_SIZE, columns = cols, header = { header }, rows = rows }
  A.pp = by_year
  local cur = by_year[A.Y]
  if not cur then
    A.T:note("«" .. DASH .. "» — участников нет.")
    A.T:csv("participant_indicators", { "Показатель", "Год", "Код ОО", "Образовательная организация",
      "Достигли", "Участников", "Доля, %" }, csv)
    return n
  end
  d:spacer(3)
  A.T:caption("Показатели по результатам участников по ОО, " .. A.Y .. NB .. "г.")
  local srows = {}
  for _, s in ipairs(A.schools) do
    local v = {}
    local any = false
    for k = 1, 3 do
      v[k] = cur[k] and cur[k].by_school[s.school_id]
      any = any or v[k] ~= nil
    end
    if any then
      srows[#srows + 1] = { tostring(#srows + 1), school_name(s), share_text(v[1]), share_text(v[2]), share_text(v[3]) }
      for k = 1, 3 do
        if v[k] then
          csv[#csv + 1] = { PP_NAMES[k], A.Y, s.school_id, school_name(s), v[k].num, v[k].den, csvout.pct(v[k].share) }
        end
      end
    end
  end
  srows[#srows + 1] = report_tables.total_row("Итого по округу", 2,
    { share_text(cur[1]), share_text(cur[2]), share_text(cur[3]) })
  d:table{ size = TABLE_SIZE, columns = { { mm = 8, align = "center" }, { rel = 1 }, { mm = 32, align = "right" },
    { mm = 32, align = "right" }, { mm = 32, align = "right" } },
    header = { { "№", "Образовательная организация", "ОГЭ: сумма отметок 12 и более",
      "ЕГЭ: все предметы не ниже порога", "ЕГЭ: три предмета 220 баллов и более" } }, rows = srows }
  local unknown, seen = {}, {}
  for _, r in ipairs({ cur[2], cur[3] }) do
    for _, subj in ipairs(r and r.unknown or {}) do
      if not seen[subj] then seen[subj] = true; unknown[#unknown + 1] = subj end
    end
  end
  A.T:note("В скобках — число участников, достигших показателя, из общего числа участников; «" .. DASH
    .. "» — участников нет." .. (#unknown > 0 and (" Минимальный порог не задан для предметов: "
      .. table.concat(unknown, ", ") .. "; по ним участник считается преодолевшим порог.") or ""))
  A.T:csv("participant_indicators", { "Показатель", "Год", "Код ОО", "Образовательная организация",
    "Достигли", "Участников", "Доля, %" }, csv)
  return n
end

-- ---- conclusions and recommendations ----

-- The change sentences of one counted result for the conclusions ("Качество знаний на ВПР по
-- математике в 5 классах выросло с … до … (на … п.п.)."), and the change of its failing share.
local function combo_conclusion(A, info)
  local py = previous_year(A, info)
  if not py then return nil end
  local a, b = ind.shares(district(A, info, py)), ind.shares(district(A, info, A.Y))
  local about = ru.about(info.subject, not info.exam and info.grade or nil, info.procedure)
  local list, fail = {}, nil
  local pairs_ = info.marks and { { "Доля отметок «2»", "f", "fail" }, { "Качество знаний", "n", "quality" } }
    or { { "Доля участников, не преодолевших минимальный порог,", "f", "below_min" } }
  for _, p in ipairs(pairs_) do
    if a[p[3]] and b[p[3]] then
      list[#list + 1] = ru.change_sentence{ subject = p[1], gender = p[2], about = about, from = a[p[3]], to = b[p[3]] }
    end
  end
  if info.marks and a.fail and b.fail then fail = b.fail - a.fail end
  if not info.marks and a.below_min and b.below_min then fail = b.below_min - a.below_min end
  if #list == 0 then return nil end
  local text = table.concat(list, " ")
  if py ~= A.Y - 1 then text = text .. " Сравнение с " .. py .. NB .. "г.: за " .. (A.Y - 1) .. NB .. "г. данных нет." end
  return text, fail
end

local function names_of(A, ids, with_director)
  local out = {}
  for _, id in ipairs(ids) do
    local s = A.by_id[id]
    local name = school_name(s)
    if with_director then
      local dir = ru.director_dative(s)
      if dir then name = name .. " (" .. dir .. ")" end
    end
    out[#out + 1] = name
  end
  return out
end

local function conclusions_section(A, d, n, combos)
  n = n + 1
  d:heading(1, n .. ". Выводы")
  local k, down, comparable = 0, 0, 0
  local function item(text) k = k + 1; d:item(text, { k }) end
  local procs = {}
  for _, p in ipairs(A.R:procedures({ year = A.Y })) do
    local t = procedure_facts(A, A.Y, p)
    procs[#procs + 1] = p .. " — " .. ru.num(t.participants) .. " (" .. ru.count(t.schools, "организация") .. ")"
  end
  if #procs > 0 then
    item("В " .. A.Y .. NB .. "г. проведены оценочные процедуры (число участников по всем предметам и классам): "
      .. table.concat(procs, "; ") .. ".")
  end
  A.rising = {}
  local intro = false
  for _, info in ipairs(combos) do
    if info.counted then
      local text, fail = combo_conclusion(A, info)
      if text and not intro then
        local have_prev = false
        for _, y in ipairs(A.years) do have_prev = have_prev or y == A.Y - 1 end
        item("Изменение результатов процедур, учитываемых при идентификации школ с низкими результатами "
          .. "обучения, " .. A.Y .. NB .. "г. по сравнению с " .. (have_prev and ((A.Y - 1) .. NB .. "г.:")
            or "предыдущим годом, за который есть данные:"))
        intro = true
      end
      if text then d:item(text) end
      if fail then
        comparable = comparable + 1
        if fail < 0 then down = down + 1 end
        if fail * 100 > (A.S.dynamics_tolerance or 1) then A.rising[#A.rising + 1] = { info = info, change = fail } end
      end
    end
  end
  if comparable > 0 then
    item("Доля отметок «2» (не преодолевших минимальный порог) снизилась по " .. ru.num(down) .. " из "
      .. ru.count(comparable, "процедура"):gsub("процедура$", "процедуры"):gsub("процедур$", "процедур")
      .. ", учитываемых при идентификации школ с низкими результатами обучения.")
  end
  local id = A.identification
  if #id.low > 0 then
    item("К школам с низкими результатами обучения по итогам идентификации " .. A.Y .. NB .. "г. "
      .. ru.plural(#id.low, "отнесена ", "отнесены ", "отнесены ") .. ru.count(#id.low, "школа") .. ": " .. table.concat(names_of(A, id.low), ", ") .. ".")
  else
    item("Школ с низкими результатами обучения по итогам идентификации " .. A.Y .. NB .. "г. не выявлено.")
  end
  local next_id = identify.identify(A.ds, A.Y + 1)
  A.next_low = {}
  for _, sid in ipairs(next_id.low) do A.next_low[#A.next_low + 1] = sid end
  if #A.next_low > 0 then
    item("По результатам " .. (A.Y - 1) .. "–" .. A.Y .. NB .. "гг. критериям отнесения к школам с низкими "
      .. "результатами обучения в " .. (A.Y + 1) .. NB .. "г. соответствуют: " .. table.concat(names_of(A, A.next_low), ", ") .. ".")
  end
  local cl = A.clusters
  item("Кластеры: 1 кластер — " .. ru.count(#cl.members[1], "школа") .. ", 2 кластер — " .. ru.count(#cl.members[2], "школа")
    .. ", 3 кластер — " .. ru.count(#cl.members[3], "школа") .. ", стабильные результаты — " .. ru.count(#cl.members.stable, "школа") .. ".")
  if A.objectivity then
    local dt = A.objectivity.table.district
    item("Отметки за ВПР подтвердили " .. ru.pct(dt.confirmed) .. " участников, понизили — " .. ru.pct(dt.lowered)
      .. ", повысили — " .. ru.pct(dt.raised) .. ".")
  end
  if A.pp and A.years[1] < A.Y then
    local prev, cur = A.pp[A.Y - 1], A.pp[A.Y]
    local subjects = { "Доля участников ОГЭ с суммой отметок 12 и более", "Доля участников ЕГЭ, преодолевших минимальный порог по всем предметам,",
      "Доля участников ЕГЭ, набравших по трём предметам 220 баллов и более," }
    for i = 1, 3 do
      if prev and cur and prev[i] and cur[i] and prev[i].share and cur[i].share then
        item(ru.change_sentence{ subject = subjects[i] .. " в " .. A.Y .. NB .. "г.", gender = "f",
          from = prev[i].share, to = cur[i].share })
      end
    end
  end
  return n
end

-- The subject without a bracketed level, in the genitive: "Математика (базовая)" → "математики".
local function teachers_of(subject)
  return ru.subject_genitive((subject:gsub("%s*%b()", "")))
end

local function recommendations_section(A, d, n)
  n = n + 1
  d:heading(1, n .. ". Рекомендации")
  local k = 0
  local function item(text) k = k + 1; d:item(text, { k }) end
  local cl = A.clusters
  if #cl.members[1] > 0 then
    item((#cl.members[1] == 1 and "Руководителю школы" or "Руководителям школ") .. " с низкими результатами обучения — "
      .. table.concat(names_of(A, cl.members[1], true), ", ")
      .. ": скорректировать школьные программы повышения качества образования с учётом результатов, по которым "
      .. "школа отнесена к школам с низкими результатами обучения (раздел " .. A.sections.identification
      .. "); обеспечить разработку и реализацию индивидуальных образовательных маршрутов обучающихся с рисками "
      .. "учебной неуспешности; представить отчёт о реализации программы на совещании руководителей.")
  end
  if #A.next_low > 0 then
    local one = #A.next_low == 1
    item((one and "Руководителю " or "Руководителям ") .. table.concat(names_of(A, A.next_low, true), ", ")
      .. ": проанализировать причины низких результатов " .. A.Y .. NB .. "г. и принять меры по их устранению: по "
      .. "итогам " .. (A.Y - 1) .. "–" .. A.Y .. NB .. "гг. " .. (one and "школа соответствует" or "школы соответствуют")
      .. " критериям отнесения к школам с низкими результатами обучения в " .. (A.Y + 1) .. NB .. "г.")
  end
  for _, r in ipairs(A.rising) do
    item("Окружному методическому объединению учителей " .. teachers_of(r.info.subject) .. " проанализировать "
      .. "причины роста доли " .. (r.info.marks and "отметок «2»" or "участников, не преодолевших минимальный порог,")
      .. " " .. ru.about(r.info.subject, not r.info.exam and r.info.grade or nil, r.info.procedure) .. " — на "
      .. ru.num(r.change * 100, 1) .. NB .. "п.п., и включить в план работы меры по устранению выявленных дефицитов.")
  end
  if #cl.members[2] > 0 then
    item("Управлению образования обеспечить адресную поддержку школ, функционирующих в зоне риска снижения "
      .. "образовательных результатов, — " .. table.concat(names_of(A, cl.members[2]), ", ") .. ": закрепление "
      .. "школ-партнёров, методическое сопровождение педагогов, привлечение педагогических кадров.")
  end
  if #cl.members[3] > 0 then
    item("Обобщить и распространить опыт школ с положительной динамикой результатов — "
      .. table.concat(names_of(A, cl.members[3]), ", ") .. " — на окружных методических мероприятиях.")
  end
  local o = A.objectivity
  if o and o.best and o.table.district.raised and o.best.raised > 2 * o.table.district.raised then
    item("Руководителю " .. names_of(A, { o.best.school_id }, true)[1] .. " обеспечить объективность проведения и "
      .. "проверки ВПР: доля участников, получивших за ВПР отметку выше журнальной, — " .. ru.pct(o.best.raised)
      .. ", более чем вдвое выше, чем по округу (" .. ru.pct(o.table.district.raised) .. ").")
  end
  item("Руководителям всех общеобразовательных организаций: обеспечить объективность проведения и проверки "
    .. "оценочных процедур; использовать результаты настоящей справки при корректировке рабочих программ, плана "
    .. "внутришкольного контроля и планов повышения квалификации педагогов.")
  return n
end

-- ---- build ----

local function build(ds)
  local A = context(ds)
  A.results_csv = {}
  local S = A.S
  local d = doc.new{ size = 12, title = "Аналитическая справка об итогах оценочных процедур в " .. A.Y .. " году",
    author = S.org_name, subject = "Итоги оценочных процедур " .. A.Y .. " г.",
    keywords = "ВПР, ОГЭ, ЕГЭ, ШНОР, аналитическая справка" }
  A.T = report_tables.new(d, { note_size = NOTE_SIZE, caption_space = 4, csv_dir = DIR })
  title(A, d)
  d:spacer(4)
  d:toc("Содержание")
  overview(A, d)
  local combos = combos_of_year(A)
  summary_section(A, d, combos)
  local n = 2
  if #combos > 0 then   -- the results tables are wide: landscape pages, one result per page
    d:section{ landscape = true, left = 20, right = 15, top = 20, bottom = 15 }
    n = procedure_sections(A, d, combos, 3)
    d:section{}
  end
  n = objectivity_section(A, d, n)
  n = low_section(A, d, n, combos)
  n = identification_section(A, d, n)
  A.sections = { identification = n }
  n = clusters_section(A, d, n)
  n = participant_section(A, d, n)
  n = conclusions_section(A, d, n, combos)
  recommendations_section(A, d, n)
  d:spacer(10)
  if S.head_position or S.head_name then d:signature(S.head_position or "", S.head_name or "") end
  if S.executor_name then
    d:executor("Исп. " .. S.executor_name .. (S.executor_phone and (", тел. " .. S.executor_phone) or ""))
  end
  A.T:csv("results", RESULTS_CSV_HEADER, A.results_csv)
  local outputs = { d:output("analytical_reference.pdf") }
  for _, o in ipairs(A.T.files) do outputs[#outputs + 1] = o end
  return outputs
end

return {
  title = "Аналитическая справка по итогам оценочных процедур",
  needs = { "district", "schools", "results" },
  reads = { "participants" },   -- when present (see lua/reports.lua)
  build = build,
}
