-- Мониторинг целевых показателей программы (seeds 002, 004): for the report year, every target
-- indicator of targets.csv with its target, actual value, achieved or not, last year's value and
-- the change, grouped by section; the targets of every program year in seed 004's compact form
-- («2023 – 30 %»); a summary «Достигнуто N из M целевых показателей» with a chart; notes for
-- values that could not be computed and for lower-is-better indicators. Uses targets, ru, doc,
-- report_tables (numbered notes).
local doc = require("doc")
local ru = require("ru")
local targets = require("targets")
local results = require("results")
local validate = require("validate")
local report_tables = require("report_tables")

local DASH, NB, EN = ru.DASH, ru.NBSP, "\u{2013}"

-- ---- values as printed ----

-- A value in the table, without the unit (the unit has its own column): 83,3 for %, 7 for
-- шт., да/нет; targets as written in targets.csv (70, 66,7).
local function value_text(unit, v, is_target)
  if v == nil then return DASH end
  if type(v) == "boolean" then return v and "да" or "нет" end
  if unit == "%" and not is_target then return ru.num(v, 1) end
  return ru.num(v, v == math.floor(v) and 0 or 1)
end

-- The same with the unit, for sentences: "83,3 %", "7", "да".
local function value_with_unit(unit, v, is_target)
  local s = value_text(unit, v, is_target)
  if unit == "%" and type(v) == "number" then return s .. NB .. "%" end
  return s
end

-- ---- notes ----

-- A library message made plain for the reader of the document: what went wrong and where to
-- fix it. `e` is an evaluated indicator with an error.
local function plain_error(e)
  local msg = e.error:gsub("^targets%.csv:%d+: показатель [^:]+: ", "")
  local name = msg:match("^обращение к необъявленной переменной '(.-)'$")
  local where = "формула в столбце source файла targets.csv (строка " .. tostring(e.line) .. ")"
  if name then
    return where .. " ссылается на неизвестную функцию или величину «" .. name .. "»"
  end
  local detail = msg:match("^выражение не разбирается: (.*)$")
  if detail then return where .. " записана с ошибкой и не может быть разобрана (" .. detail .. ")" end
  local file = msg:match("^нужен файл (%S+)$") or msg:match("^нет файла (%S+)$")
  if file then return "для расчёта нужен файл " .. file .. ", а он не представлен" end
  if e.source == "measure" then return "данные measures.csv не позволяют рассчитать значение: " .. msg end
  return where .. " не вычислена: " .. msg
end

-- ---- table ----

local COLUMNS = {
  { mm = 13, align = "center" },                   -- код
  { rel = 1 },                                     -- наименование
  { mm = 15, align = "center" },                   -- единица измерения
  { mm = 19, numeric = true },                     -- план на год
  { mm = 19, numeric = true },                     -- факт за год
  { mm = 24, align = "center" },                   -- достигнут / не достигнут
  { mm = 19, numeric = true },                     -- факт прошлого года
  { mm = 22, numeric = true },                     -- изменение
  { mm = 31 },                                     -- плановые значения по годам
}

local function header(year)
  return { { "№", "Наименование целевого показателя", "Ед. изм.", "План на " .. year .. NB .. "г.",
    "Факт " .. year .. NB .. "г.", "Отметка о достижении", "Факт " .. (year - 1) .. NB .. "г.",
    "Изменение к " .. (year - 1) .. NB .. "г.", "Плановые значения по годам" } }
end

-- Seed 004's «2022 – 30 %, 2023 – 70 %, 2024 – 100 %» as one line per year, the report year bold.
local function all_targets_cell(row, unit, years, report_year)
  local runs = {}
  for _, y in ipairs(years) do
    local text = row["target_" .. y]
    if text then
      local v = validate.target_value(text)
      local line = y .. " " .. EN .. " " .. value_with_unit(unit, v, true)
      runs[#runs + 1] = { text = (#runs > 0 and "\n" or "") .. line, bold = y == report_year }
    end
  end
  if #runs == 0 then return DASH end
  return { runs = runs }
end

local function achieved_text(e)
  if e.target == nil then return "план не установлен" end
  if e.achieved == nil then return "нет данных" end
  return e.achieved and "достигнут" or "не достигнут"
end

-- Why an indicator without an error has no value, for a note.
local function no_data_note(e, year)
  if e.source == "measure" then
    return "в measures.csv нет значения показателя за " .. year .. NB .. "г."
  end
  return "за " .. year .. NB .. "г. нет данных для расчёта показателя (нет результатов, "
    .. "по которым он рассчитывается)"
end

local function centered(text) return { text = text, align = "center" } end

-- The target years of targets.csv, ascending.
local function target_years(ds)
  local years = {}
  for i, y in ipairs(ds.files.targets.years or {}) do years[i] = y end
  table.sort(years)
  return years
end

-- Rows of the table and the notes they reference.
local function table_rows(ds, evaluated, year)
  local rows, section = {}, nil
  local numbered, add_note = report_tables.numbered_notes()
  local lower_seen = false
  local src = ds.files.targets.table
  local years = target_years(ds)
  for i, e in ipairs(evaluated) do
    if e.section and e.section ~= section then
      section = e.section
      rows[#rows + 1] = { { text = section, colspan = #COLUMNS, bold = true, shade = 0.9 }, keep_with_next = true }
    end
    local name = { { text = e.name or "" } }
    if e.lower_is_better then
      lower_seen = true
      name[#name + 1] = { text = " *" }
    end
    local actual = value_text(e.unit, e.actual)
    local note
    if e.error then
      note = add_note("Показатель " .. e.code .. ": значение не рассчитано: " .. plain_error(e))
    elseif e.actual == nil and e.target ~= nil then
      note = add_note("Показатель " .. e.code .. ": " .. no_data_note(e, year))
    end
    if note then actual = DASH .. " (прим." .. NB .. note .. ")" end
    local is_bool = e.unit == "да-нет"
    rows[#rows + 1] = {
      e.code or "", { runs = name }, e.unit or "",
      is_bool and centered(value_text(e.unit, e.target, true)) or value_text(e.unit, e.target, true),
      (is_bool or note) and centered(actual) or actual,
      { text = achieved_text(e), bold = e.achieved == false },
      is_bool and centered(value_text(e.unit, e.prev)) or value_text(e.unit, e.prev),
      targets.format_change(e.unit, e.change),
      all_targets_cell(src:row(i), e.unit, years, year),
    }
  end
  return rows, numbered, lower_seen
end

-- ---- summary ----

-- +1 when the indicator got better than last year, −1 worse, 0 unchanged (as printed), nil
-- when the two years cannot be compared.
local function direction(e)
  if type(e.actual) == "boolean" and type(e.prev) == "boolean" then
    if e.actual == e.prev then return 0 end
    return e.actual and 1 or -1
  end
  if type(e.change) ~= "number" then return nil end
  local printed = tonumber((ru.round(e.change, e.unit == "%" and 1 or 0)))
  if printed == 0 then return 0 end
  local d = printed > 0 and 1 or -1
  return e.lower_is_better and -d or d
end

local function count_phrase(n)
  return ru.num(n) .. NB .. ru.plural(n, "показателю", "показателям", "показателям")
end

-- "По сравнению с 2023 годом значения показателей улучшились по 10 показателям, …".
local function changes(d, evaluated, year)
  local better, worse, same = 0, 0, 0
  for _, e in ipairs(evaluated) do
    local dir = direction(e)
    if dir == 1 then better = better + 1 elseif dir == -1 then worse = worse + 1 elseif dir == 0 then same = same + 1 end
  end
  if better + worse + same == 0 then return end
  local parts = {}
  if better > 0 then parts[#parts + 1] = "улучшились по " .. count_phrase(better) end
  if worse > 0 then parts[#parts + 1] = "ухудшились по " .. count_phrase(worse) end
  if same > 0 then parts[#parts + 1] = "не изменились по " .. count_phrase(same) end
  d:para("По сравнению с " .. (year - 1) .. NB .. "годом значения показателей " .. ru.join(parts) .. ".")
end

-- «Достигнуто N из M целевых показателей», the ones not achieved with their values, the ones
-- that could not be assessed, and the changes since last year.
local function summary(d, evaluated, year)
  local planned, met, missed, unknown = 0, 0, {}, {}
  for _, e in ipairs(evaluated) do
    if e.target ~= nil then
      planned = planned + 1
      if e.achieved == true then met = met + 1
      elseif e.achieved == false then missed[#missed + 1] = e
      else unknown[#unknown + 1] = e end
    end
  end
  local verb = ru.plural(met, "Достигнут", "Достигнуто", "Достигнуто")
  local head = string.format("%s %d из %d %s", verb, met, planned,
    ru.plural(planned, "целевого показателя", "целевых показателей", "целевых показателей"))
  local share = planned > 0 and (" (" .. ru.pct(met / planned) .. ")") or ""
  d:para({ { text = head, bold = true }, ", для которых Программой установлены плановые значения на "
    .. year .. NB .. "год" .. share .. "." })
  if #missed > 0 then
    d:para(#missed == 1 and "Не достигнут показатель:" or "Не достигнуты показатели:")
    for i, e in ipairs(missed) do
      d:item(e.code .. " «" .. (e.name or "") .. "» " .. EN .. " " .. value_with_unit(e.unit, e.actual)
        .. " при плановом значении " .. value_with_unit(e.unit, e.target, true)
        .. (i == #missed and "." or ";"))
    end
  end
  if #unknown > 0 then
    local codes = {}
    for _, e in ipairs(unknown) do codes[#codes + 1] = e.code end
    d:para("Не оценено достижение " .. ru.count(#unknown, { "показателя", "показателей", "показателей" })
      .. " (" .. ru.join(codes) .. "): значение не рассчитано, причины указаны в примечаниях к таблице.")
  end
  changes(d, evaluated, year)
end

-- Grouped bars of the % indicators with a target and a value: plan and fact of the year.
local function chart(d, evaluated, year)
  local cats, plan, fact = {}, {}, {}
  for _, e in ipairs(evaluated) do
    if e.unit == "%" and type(e.target) == "number" and type(e.actual) == "number" then
      cats[#cats + 1], plan[#plan + 1], fact[#fact + 1] = e.code, e.target, e.actual
    end
  end
  if #cats < 2 then return end   -- one pair of bars says nothing the table does not
  d:chart{ chart = "grouped", title = "Плановые и фактические значения показателей, измеряемых в процентах, "
      .. year .. NB .. "г.", y_label = "%", categories = cats,
    series = { { name = "План на " .. year .. NB .. "г.", values = plan }, { name = "Факт " .. year .. NB .. "г.", values = fact } },
    value_labels = true, height = 75 }
end

-- ---- the document ----

-- "муниципальной программы повышения … (далее — Программа)" when the name starts with its kind,
-- otherwise "программы «…» (далее — Программа)".
local function program_phrase(name)
  if not name then return "программы повышения качества образования (далее — Программа)" end
  local rest = name:match("^Муниципальная программа%s+(.+)$") or name:match("^муниципальная программа%s+(.+)$")
  if rest then return "муниципальной программы " .. rest .. " (далее — Программа)" end
  rest = name:match("^Программа%s+(.+)$")
  if rest then return "программы " .. rest .. " (далее — Программа)" end
  return "программы «" .. name .. "» (далее — Программа)"
end

-- The procedures with results in the year, for the intro: "ВПР, ОГЭ, ЕГЭ, КДР".
local function procedures_text(ds, year)
  local list = results.index(ds):procedures({ year = year })
  return #list > 0 and (" (" .. table.concat(list, ", ") .. ")") or ""
end

local function intro(d, ds, year)
  local s = ds.settings
  local py = s.program_years
  local period = py and (" на " .. py.first .. EN .. py.last .. NB .. "годы") or ""
  d:para("Мониторинг проведён в рамках реализации " .. program_phrase(s.program_name)
    .. ". Фактические значения целевых показателей за " .. year .. NB .. "год рассчитаны по результатам "
    .. "оценочных процедур" .. procedures_text(ds, year) .. " и данным мониторинга мероприятий Программы и "
    .. "сопоставлены с плановыми значениями, установленными Программой" .. period .. ". Показатель "
    .. "считается достигнутым, если его фактическое значение не ниже планового (для показателей "
    .. "«да/нет» — совпадает с плановым). Изменение долей к предыдущему году указано в процентных "
    .. "пунктах (п.п.).")
end

-- The notes under the table, a paragraph each, «Примечания:» kept with the first of them.
local function notes_block(d, numbered, lower_seen)
  local lines = {}
  if lower_seen then
    lines[#lines + 1] = "* Для показателя лучше меньшее значение: плановое значение является верхней "
      .. "границей, показатель достигнут, если фактическое значение не превышает планового."
  end
  for i, text in ipairs(numbered) do lines[#lines + 1] = i .. ". " .. text end
  if #lines == 0 then return end
  d:para({ text = "Примечания:", italic = true }, { align = "left", indent = false, keep_with_next = true })
  for _, line in ipairs(lines) do d:para(line, { indent = false }) end
end

local function build(ds)
  local s = ds.settings
  local year = s.report_year
  if not year then error("в district.csv не задан отчётный год (report_year)", 0) end
  local evaluated = targets.evaluate(ds, year)
  local title = "О результатах мониторинга целевых показателей за " .. year .. NB .. "год"
  local d = doc.new{ size = 12, title = title, author = s.org_name, subject = s.program_name,
                     keywords = "целевые показатели, мониторинг, ШНОР, ШНСУ" }
  -- landscape throughout: the table needs the width, and so do the chart's value labels
  d:section{ landscape = true, left = 20, right = 15, top = 20, bottom = 15 }
  d:heading(1, title)
  intro(d, ds, year)
  d:heading(2, "1. Значения целевых показателей в " .. year .. NB .. "году")
  local rows, numbered, lower_seen = table_rows(ds, evaluated, year)
  d:table{ columns = COLUMNS, header = header(year), rows = rows, size = 10 }
  notes_block(d, numbered, lower_seen)
  -- the conclusions after the table: the chart, then in words, ending the document
  d:heading(2, "2. Итоги мониторинга")
  chart(d, evaluated, year)
  summary(d, evaluated, year)
  d:signature(s.head_position or "", s.head_name or "")
  if s.executor_name then
    d:executor("Исполнитель: " .. s.executor_name .. (s.executor_phone and (", тел. " .. s.executor_phone) or ""))
  end
  return { d:output("target_monitoring.pdf") }
end

return {
  title = "Мониторинг целевых показателей программы",
  needs = { "targets" },
  reads = { "participants" },   -- when present (see lua/reports.lua)
  build = build,
}
