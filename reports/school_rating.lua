-- Рейтинг общеобразовательных организаций (seeds 001, 002) for the report year: each school's
-- value and rank on every rating indicator, the sum of ranks and the place, sorted by place.
-- Schools whose graduates sat ЕГЭ are rated apart from the others (who have no ЕГЭ to be
-- ranked on); a result of fewer than min_participants participants is shown but not counted.
-- Indicators: the defaults below, or the proposed setting rating_indicators (see parse_setting).
-- Uses results, indicators, participants, rating, identify, ru, doc.
local doc = require("doc")
local ru = require("ru")
local ind = require("indicators")
local results = require("results")
local participants = require("participants")
local rating = require("rating")
local identify = require("identify")

local DASH, NB, EN = ru.DASH, ru.NBSP, "\u{2013}"

-- ---- indicators ----

-- What a results indicator measures: value of a counts record, the participants it rests on,
-- printed decimals, whether it is a share (printed in %), lower is better, its words.
local MEASURES = {
  quality = { fn = ind.quality, n = "marked", share = true, words = "качество знаний (доля отметок «4» и «5»)", short = "качество знаний, %" },
  success = { fn = ind.success, n = "marked", share = true, words = "успеваемость (доля отметок «3», «4» и «5»)", short = "успеваемость, %" },
  fail = { fn = ind.fail, n = "marked", share = true, lower = true, words = "доля отметок «2»", short = "доля «2», %" },
  mean_mark = { fn = ind.mean_mark, n = "marked", decimals = 2, words = "средняя отметка", short = "средняя отметка" },
  sou = { fn = ind.sou, n = "marked", share = true, words = "степень обученности (СОУ)", short = "СОУ, %" },
  mean_score = { fn = function(c) return c.mean_score end, n = "mean_n", decimals = 1, words = "средний балл", short = "средний балл" },
  below_min = { fn = ind.below_min_share, n = "scored", share = true, lower = true, words = "доля участников, не преодолевших минимальный порог", short = "ниже порога, %" },
  confirmed = { fn = function(c) return ind.objectivity(c).confirmed end, n = "checked", share = true,
    words = "объективность: доля участников, подтвердивших отметку по журналу", short = "подтвердили отметку, %" },
}

-- "по математике и русскому языку"
local function subjects_dative(subjects)
  local out = {}
  for i, s in ipairs(subjects) do out[i] = ru.subject_dative(s) end
  return ru.join(out)
end

-- The first letter in lower case ("Математика" → "математика"); acronyms stay as they are.
local function lower_first(w)
  local c = utf8.codepoint(w, 1)
  local second = #w > utf8.offset(w, 2) - 1 and utf8.codepoint(w, utf8.offset(w, 2)) or 0
  local upper = function(x) return (x >= 0x410 and x <= 0x42F) or x == 0x401 end
  if not upper(c) or upper(second) then return w end
  return utf8.char(c == 0x401 and 0x451 or c + 0x20) .. w:sub(utf8.offset(w, 2))
end

-- "математика и русский язык" (for headers).
local function subjects_lower(subjects)
  local out = {}
  for i, s in ipairs(subjects) do out[i] = lower_first(s) end
  return ru.join(out)
end

-- "5–6 кл." for headers, " в 5–6 классах" for sentences; nothing when every grade counts.
local function grades_text(grades)
  if not grades or #grades == 0 then return "" end
  if #grades == 1 then return grades[1] .. NB .. "кл." end
  return grades[1] .. EN .. grades[#grades] .. NB .. "кл."
end

local function grades_words(grades)
  if not grades or #grades == 0 then return "" end
  local g = #grades == 1 and tostring(grades[1]) or (grades[1] .. EN .. grades[#grades])
  return " в " .. g .. NB .. "классах"
end

-- A results indicator: procedure, subjects, grades (nil = all), measure key. ОГЭ and ЕГЭ need
-- no grade in their words.
local function results_indicator(procedure, subjects, grades, key)
  local m = MEASURES[key]
  local exam = procedure == "ОГЭ" or procedure == "ЕГЭ"
  local g = (exam or not grades) and "" or (", " .. grades_text(grades))
  return {
    procedure = procedure, subjects = subjects, grades = grades, measure = m,
    lower_is_better = m.lower, ege = procedure == "ЕГЭ",
    header = procedure .. ", " .. subjects_lower(subjects) .. g .. ": " .. m.short,
    words = procedure .. " по " .. subjects_dative(subjects) .. (exam and "" or grades_words(grades))
      .. ": " .. m.words,
  }
end

-- ЕГЭ at or above the minimum in every subject taken (seed 002), from participants.csv.
local function ege_all_above_min_indicator()
  return {
    participants = "ege_all_above_min", share = true, ege = true,
    header = "ЕГЭ: преодолели минимальный порог по всем предметам, %",
    words = "ЕГЭ: доля выпускников, преодолевших минимальный порог по всем сданным предметам",
    measure = { share = true },
  }
end

-- The default rating (seeds 001, 002 and DESIGN's low procedures): ВПР 5–6 mathematics and
-- Russian, ОГЭ mathematics and Russian, ЕГЭ Russian, and the ЕГЭ minimum in every subject.
local function defaults(ds)
  local list = {
    results_indicator("ВПР", { "Математика" }, { 5, 6 }, "quality"),
    results_indicator("ВПР", { "Русский язык" }, { 5, 6 }, "quality"),
    results_indicator("ВПР", { "Математика", "Русский язык" }, { 5, 6 }, "fail"),
    results_indicator("ВПР", { "Математика", "Русский язык" }, { 5, 6 }, "confirmed"),
    results_indicator("ОГЭ", { "Математика" }, nil, "mean_mark"),
    results_indicator("ОГЭ", { "Русский язык" }, nil, "mean_mark"),
    results_indicator("ЕГЭ", { "Русский язык" }, nil, "mean_score"),
  }
  if ds.files.participants then list[#list + 1] = ege_all_above_min_indicator() end
  return list
end

-- The proposed district.csv setting rating_indicators: items "ПРОЦЕДУРА/Предмет[+Предмет]/
-- [классы]/показатель" separated by "|", e.g. "ВПР/Математика+Русский язык/5-6/fail |
-- ОГЭ/Математика//mean_mark"; показатель is a key of MEASURES. Returns list or raises.
local function parse_setting(text)
  local list = {}
  for item in text:gmatch("[^|]+") do
    local t = item:match("^%s*(.-)%s*$")
    if t ~= "" then
      local p, subj, g, key = t:match("^([^/]-)%s*/%s*([^/]-)%s*/%s*([%d%-]*)%s*/%s*(%a[%w_]*)$")
      if not p or not MEASURES[key] or subj == "" then
        error("параметр rating_indicators: элемент «" .. t .. "»: ожидается ПРОЦЕДУРА/Предмет/классы/показатель, "
          .. "показатель — quality, success, fail, mean_mark, sou, mean_score, below_min или confirmed", 0)
      end
      local subjects = {}
      for s in subj:gmatch("[^+]+") do subjects[#subjects + 1] = s:match("^%s*(.-)%s*$") end
      local grades
      local a, b = g:match("^(%d+)%-?(%d*)$")
      if a then
        grades = {}
        for k = tonumber(a), tonumber(b ~= "" and b or a) do grades[#grades + 1] = k end
      end
      list[#list + 1] = results_indicator(p, subjects, grades, key)
    end
  end
  return list
end

-- ---- values ----

-- Value of a results indicator for one school: value, participants it rests on (nil = no rows).
local function results_value(R, year, spec, id)
  local rows = {}
  for _, subject in ipairs(spec.subjects) do
    for _, grade in ipairs(spec.grades or { false }) do
      for _, r in ipairs(R:rows({ year = year, procedure = spec.procedure, subject = subject,
                                  grade = grade or nil, school_id = id })) do
        rows[#rows + 1] = r
      end
    end
  end
  if #rows == 0 then return nil end
  local c = ind.sum(rows)
  return spec.measure.fn(c), c[spec.measure.n] or 0
end

-- Values of every indicator: list parallel to specs of { [id] = { value, n } }; indicators no
-- school has a value for are dropped (returns the kept specs and their values).
local function all_values(ds, year, specs, ids)
  local R, kept, values = results.index(ds), {}, {}
  for _, spec in ipairs(specs) do
    local v, any = {}, false
    if spec.participants then
      local t = participants[spec.participants](ds, year)
      for _, id in ipairs(ids) do
        local s = t and t.by_school[id]
        if s then v[id] = { value = s.share, n = s.den }; any = true end
      end
    else
      for _, id in ipairs(ids) do
        local value, n = results_value(R, year, spec, id)
        if value ~= nil then v[id] = { value = value, n = n }; any = true end
      end
    end
    if any then kept[#kept + 1], values[#values + 1] = spec, v end
  end
  return kept, values
end

-- ---- groups and places ----

-- The rating of one group: ids (schools.csv order), indicator indexes. Schools without a single
-- counted value are left out of the ranking. Returns { order, by_school, unrated = {ids} }.
local function rate_group(ids, specs, values, idx, min_n)
  local rated, unrated, indicators = {}, {}, {}
  for _, id in ipairs(ids) do
    local counted = false
    for _, k in ipairs(idx) do
      local v = values[k][id]
      if v and v.value ~= nil and v.n >= min_n then counted = true end
    end
    if counted then rated[#rated + 1] = id else unrated[#unrated + 1] = id end
  end
  for _, k in ipairs(idx) do
    local counted = {}
    for _, id in ipairs(rated) do
      local v = values[k][id]
      if v and v.value ~= nil and v.n >= min_n then counted[id] = v.value end
    end
    indicators[#indicators + 1] = { name = k, values = counted, lower_is_better = specs[k].lower_is_better }
  end
  local r = rating.rate(rated, indicators)
  r.unrated = unrated
  return r
end

-- Groups: schools with ЕГЭ results in the year, rated on every indicator, and the others,
-- rated without the ЕГЭ ones. One group when nobody (or everybody) has ЕГЭ.
local function groups(ds, year, specs, ids)
  local R, with, without = results.index(ds), {}, {}
  local all, no_ege = {}, {}
  for k, spec in ipairs(specs) do
    all[#all + 1] = k
    if not spec.ege then no_ege[#no_ege + 1] = k end
  end
  for _, id in ipairs(ids) do
    local has = false
    for _, r in ipairs(R:rows({ year = year, procedure = "ЕГЭ", school_id = id })) do
      if (r.participants or 0) > 0 then has = true end
    end
    if has then with[#with + 1] = id else without[#without + 1] = id end
  end
  if #no_ege == #all or #with == 0 or #without == 0 then
    return { { ids = ids, idx = all } }
  end
  return {
    { ids = with, idx = all, title = "Общеобразовательные организации, выпускники которых сдавали ЕГЭ в "
      .. year .. NB .. "году" },
    { ids = without, idx = no_ege, title = "Общеобразовательные организации без выпускников 11 классов в "
      .. year .. NB .. "году (показатели ЕГЭ не учитываются)" },
  }
end

-- The indicators of a group on which at least one of its schools has a counted value: a column
-- where nobody can be ranked would give every school the same rank and say nothing.
local function counted_indicators(group, values, min_n)
  local out = {}
  for _, k in ipairs(group.idx) do
    for _, id in ipairs(group.ids) do
      local v = values[k][id]
      if v and v.value ~= nil and v.n >= min_n then out[#out + 1] = k; break end
    end
  end
  return out
end

-- ---- printing ----

local function value_text(spec, v, min_n)
  if not v or v.value == nil then return DASH end
  local s
  if spec.measure.share then s = ru.num(v.value * 100, 1)
  else s = ru.num(v.value, spec.measure.decimals or 1) end
  if v.n < min_n then s = s .. "*" end
  return s
end

local function table_block(d, group, specs, values, r, names, min_n)
  local columns, head1, head2 = { { rel = 1 } }, { { text = "Образовательная организация", rowspan = 2 } }, {}
  for _, k in ipairs(group.idx) do
    columns[#columns + 1] = { mm = 14, numeric = true }
    columns[#columns + 1] = { mm = 9, align = "center" }
    head1[#head1 + 1] = { text = specs[k].header, colspan = 2 }
    head2[#head2 + 1] = "знач."
    head2[#head2 + 1] = "ранг"
  end
  columns[#columns + 1] = { mm = 15, align = "center" }
  columns[#columns + 1] = { mm = 13, align = "center" }
  head1[#head1 + 1] = { text = "Сумма рангов", rowspan = 2 }
  head1[#head1 + 1] = { text = "Место", rowspan = 2 }
  local rows = {}
  local function row(id, rated)
    local cells = { names[id] }
    for _, k in ipairs(group.idx) do
      cells[#cells + 1] = value_text(specs[k], values[k][id], min_n)
      cells[#cells + 1] = rated and tostring(r.by_school[id].ranks[k]) or DASH
    end
    cells[#cells + 1] = rated and tostring(r.by_school[id].sum) or DASH
    cells[#cells + 1] = rated and { text = tostring(r.by_school[id].place), bold = true } or DASH
    rows[#rows + 1] = cells
  end
  for _, id in ipairs(r.order) do row(id, true) end
  for _, id in ipairs(r.unrated) do row(id, false) end
  d:table{ columns = columns, header = { head1, head2 }, rows = rows, size = 9 }
end

-- The list of indicators and how places are computed (after the tables: the rating comes first).
local function method(d, specs, min_n, grouped)
  d:heading(2, "Порядок составления рейтинга")
  for i, spec in ipairs(specs) do
    d:item(spec.words .. (spec.lower_is_better and " (лучше меньшее значение)" or "")
      .. (i == #specs and "." or ";"), { i })
  end
  d:para("По каждому показателю ранг 1 получает лучшее значение; равные значения получают одинаковый "
    .. "ранг, следующий ранг пропускается (1, 2, 2, 4). Организация без учитываемого результата (нет "
    .. "данных или участников менее " .. min_n .. ") получает ранг, следующий за последним. Место "
    .. "определяется суммой рангов: чем она меньше, тем выше место; при равной сумме места совпадают."
    .. (grouped and " Организации без выпускников 11 классов ранжируются отдельно, без показателей ЕГЭ." or "")
    .. " Организации без учитываемых результатов приводятся в конце таблицы без места.")
end

local function short_names(ds)
  local names = {}
  for _, s in ipairs(identify.schools(ds)) do names[s.school_id] = s.short_name or s.name or s.school_id end
  return names
end

-- The rating itself: a lead paragraph, a table per group, the «*» note, the method.
local function body(d, ds, year, specs, values, min_n)
  local ids = {}
  for _, school in ipairs(identify.schools(ds)) do ids[#ids + 1] = school.school_id end
  local gs = groups(ds, year, specs, ids)
  d:para("Рейтинг составлен по " .. #specs .. NB .. ru.plural(#specs, "показателю", "показателям", "показателям")
    .. " результатов оценочных процедур " .. year .. NB .. "года. По каждому показателю организации "
    .. "ранжированы от лучшего значения к худшему; место определяется суммой рангов по всем показателям: "
    .. "чем меньше сумма, тем выше место. Перечень показателей и порядок расчёта приведены после "
    .. (#gs > 1 and "таблиц." or "таблицы."))
  local names = short_names(ds)
  for i, g in ipairs(gs) do
    if i > 1 then d:page_break() end   -- each group a rating of its own, from the top of a page
    if g.title then d:heading(2, g.title) end
    g.idx = counted_indicators(g, values, min_n)
    if #g.idx > 0 then
      table_block(d, g, specs, values, rate_group(g.ids, specs, values, g.idx, min_n), names, min_n)
    else
      local list = {}
      for _, id in ipairs(g.ids) do list[#list + 1] = names[id] end
      d:para("Учитываемых результатов нет (нет данных или участников менее " .. min_n .. "), в рейтинге "
        .. "не участвуют: " .. table.concat(list, ", ") .. ".")
    end
  end
  d:para("* Результат с числом участников менее " .. min_n .. ": приводится, в рейтинге не учитывается.",
    { indent = false })
  method(d, specs, min_n, #gs > 1)
end

local function build(ds)
  local s = ds.settings
  local year = s.report_year
  if not year then error("в district.csv не задан отчётный год (report_year)", 0) end
  local min_n = s.min_participants or 5
  local ids = {}
  for _, school in ipairs(identify.schools(ds)) do ids[#ids + 1] = school.school_id end
  local specs, values = all_values(ds, year,
    s.rating_indicators and parse_setting(s.rating_indicators) or defaults(ds), ids)
  local title = "О рейтинге общеобразовательных организаций по результатам оценочных процедур "
    .. year .. NB .. "года"
  local d = doc.new{ size = 12, title = title, author = s.org_name,
                     subject = "Рейтинг общеобразовательных организаций, " .. year .. NB .. "год",
                     keywords = "рейтинг, общеобразовательные организации, ВПР, ОГЭ, ЕГЭ" }
  d:section{ landscape = true, left = 20, right = 15, top = 20, bottom = 15 }
  d:heading(1, title)
  if #specs == 0 then
    d:para("За " .. year .. NB .. "год нет результатов оценочных процедур по показателям рейтинга.")
  else
    body(d, ds, year, specs, values, min_n)
  end
  d:signature(s.head_position or "", s.head_name or "")
  if s.executor_name then
    d:executor("Исполнитель: " .. s.executor_name .. (s.executor_phone and (", тел. " .. s.executor_phone) or ""))
  end
  return { d:output("school_rating.pdf") }
end

return {
  title = "Рейтинг общеобразовательных организаций",
  needs = { "results" },
  reads = { "participants" },   -- when present (see lua/reports.lua)
  build = build,
}
