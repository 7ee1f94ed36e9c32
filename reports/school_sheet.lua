-- Адресные рекомендации for one school (seeds 001, 003, 004): passport, its results of the
-- report year against the district (table and chart), a three-year trend of the counted
-- procedures, identification with the criteria that flagged it, its cluster, its risk factors
-- with the roadmap measures answering them, its partner school (школа-лидер) and
-- recommendations generated from all of that; signature and executor. One PDF per school and a
-- combined PDF for printing in which every school starts on an odd page.
local doc = require("doc")
local ru = require("ru")
local ind = require("indicators")
local results = require("results")
local dynamics = require("dynamics")
local identify = require("identify")
local checklist = require("checklist")
local objectivity = require("objectivity")
local official = require("official")
local memo = require("memo")
local sums = require("sums")

-- One compact style for every sheet (a typical school fits two pages, the signature and the
-- executor note stay with the last lines by themselves): chart height (mm), table text (pt).
local CHART_MM, TABLE_PT = 36, 9
local nk = official.namekey

-- Subjects whose results the sheet compares with the district (all procedures and grades).
local MAIN_SUBJECTS = {}
for _, s in ipairs({ "Русский язык", "Математика", "Математика (базовая)", "Математика (профильная)" }) do
  MAIN_SUBJECTS[nk(s)] = true
end

-- Clusters of seed 004: the short name (passport) and "отнесена к …" (dative).
local CLUSTER_NAMES = {
  [1] = "1 «Школы с низкими результатами обучения»",
  [2] = "2 «Школы — зоны риска»",
  [3] = "3 «Школы с положительной динамикой результатов»",
  stable = "вне кластеров: стабильные результаты",
}
local CLUSTER_DATIVE = {
  [1] = "кластеру 1 «Школы с низкими результатами обучения»",
  [2] = "кластеру 2 «Школы — зоны риска»",
  [3] = "кластеру 3 «Школы с положительной динамикой результатов»",
  stable = "школам со стабильными результатами (вне кластеров 1–3)",
}

local LEVEL_RANK = { [nk("высокий")] = 1, [nk("средний")] = 2, [nk("низкий")] = 3 }

-- What a school with a risk factor should do (seed 004's factor → goal table, in short).
local FACTOR_ADVICE = {
  ["низкий уровень оснащения школы"] = "Спланировать обновление оборудования, необходимого для реализации образовательных программ; использовать ресурсы школы-лидера и сетевых партнёров.",
  ["дефицит педагогических кадров"] = "Спланировать замещение вакансий (целевое обучение, привлечение молодых специалистов, наставничество), использовать сетевую форму реализации образовательных программ.",
  ["недостаточная предметная и методическая компетентность педагогических работников"] = "Провести диагностику профессиональных дефицитов учителей, разработать индивидуальные образовательные маршруты педагогов и обеспечить адресное повышение квалификации.",
  ["риски низкой адаптивности учебного процесса"] = "Обеспечить дифференциацию обучения: разноуровневые задания, индивидуальные учебные планы, формирующее оценивание.",
  ["несформированность внутришкольной системы повышения квалификации"] = "Организовать внутришкольное повышение квалификации: методические объединения, взаимопосещение уроков, наставничество.",
  ["низкое качество преодоления языковых и культурных барьеров"] = "Организовать дополнительные занятия по русскому языку для обучающихся, для которых он не является родным, и работу с их семьями.",
  ["несформированность внутришкольной системы оценки качества образования"] = "Привести внутришкольную систему оценки качества образования в соответствие с требованиями и использовать результаты оценочных процедур для управленческих решений.",
  ["высокая доля обучающихся с рисками учебной неуспешности"] = "Составить индивидуальные образовательные маршруты обучающихся с рисками учебной неуспешности, обеспечить работу психолого-педагогического консилиума.",
  ["низкий уровень вовлечённости родителей"] = "Вовлекать родителей в образовательный процесс: собрания по итогам оценочных процедур, консультации, совместные мероприятия.",
  ["пониженный уровень качества школьной образовательной и воспитательной среды"] = "Улучшать школьную образовательную и воспитательную среду: профилактика конфликтов, работа службы медиации, развитие внеурочной деятельности.",
  ["высокая доля обучающихся с ОВЗ"] = "Обеспечить обучение по адаптированным образовательным программам и сопровождение обучающихся с ОВЗ специалистами (педагог-психолог, учитель-логопед, учитель-дефектолог).",
  ["низкая учебная мотивация обучающихся"] = "Повышать учебную мотивацию: проектная и исследовательская деятельность, олимпиады и конкурсы, профориентационная работа.",
}
local ADVICE = {}
for k, v in pairs(FACTOR_ADVICE) do ADVICE[nk(k)] = v end

-- ---- data shared by every sheet of a run (computed once per dataset: prepare() fills it
-- before the --jobs workers fork, so they share it; a sheet then touches only its school) ----

local function roadmap_by_factor(ds)
  local out = {}
  local f = ds.files.roadmap
  if not f then return out end
  for i = 1, f.table:nrows() do
    local r = f.table:row(i)
    local key = nk(r.factor or "")
    out[key] = out[key] or {}
    table.insert(out[key], r)
  end
  return out
end

local function combo_key(pk, sk, grade) return pk .. "|" .. sk .. "|" .. grade end

-- The district totals and the report order of every procedure × subject × grade of a year:
-- the totals summed by group in one pass (sums.by keys them as combo_key does).
local function district_totals(ds, c, year)
  local totals = sums.by(ds, { year = year }, { "procedure", "subject", "grade" })
  for i, cmb in ipairs(results.index(ds):combos{ year = year }) do
    local k = combo_key(nk(cmb.procedure), nk(cmb.subject), cmb.grade)
    c.rank[k] = i
    c.district[year .. "|" .. k] = totals[k]
  end
end

-- each: the run builds the sheets of a few schools of a large dataset (ctx.few_schools), so
-- clusters and checklist read each school's own records instead of passing over every school.
local function compute_shared(ds, each)
  local s = ds.settings
  local year = s.report_year
  local c = { year = year, by_id = {}, followers = {} }
  for _, row in ipairs(identify.schools(ds)) do
    row.sn = official.nb_school(row.short_name or row.name or row.school_id)
    row.dir = official.nb_name(row.director or "")
    c.by_id[row.school_id] = row
  end
  for _, row in pairs(c.by_id) do
    if row.partner_id and c.by_id[row.partner_id] then
      c.followers[row.partner_id] = c.followers[row.partner_id] or {}
      table.insert(c.followers[row.partner_id], row)
    end
  end
  for _, list in pairs(c.followers) do table.sort(list, function(a, b) return a.school_id < b.school_id end) end
  -- each school's cluster and checklist answers as its sheet asks: a shard needs its own only
  c.clusters = identify.cluster_entries(ds, year, each)
  c.checklist = checklist.lazy(ds, year, each)
  c.roadmap = roadmap_by_factor(ds)
  c.risks = identify.risks_by_school(ds, year)
  c.counted = results.counted(ds)
  c.counted_set = {}
  for _, p in ipairs(c.counted) do c.counted_set[nk(p.procedure) .. "|" .. nk(p.subject) .. "|" .. p.grade] = true end
  c.objectivity = objectivity.table(ds, year)
  c.objectivity_of = {}
  for _, e in ipairs(c.objectivity.schools) do c.objectivity_of[e.school_id] = e end
  c.district, c.rank = {}, {}
  district_totals(ds, c, year)
  return c
end

-- The same values whichever way prepare chose to compute them (each or not): the key leaves it out.
local function shared(ds, each)
  return memo.get(ds, "school_sheet", function() return compute_shared(ds, each) end)
end

-- The district total of one procedure × subject × grade in a year (all rows); key is the
-- result's combo_key.
local function district(ds, c, r, year, key)
  key = year .. "|" .. key
  if not c.district[key] then
    c.district[key] = results.index(ds):sum{ year = year, procedure = r.procedure, subject = r.subject, grade = r.grade }
  end
  return c.district[key]
end

-- ---- pieces of text ----

-- f(procedure, subject, grade) remembered per procedure, subject and grade: the texts of a
-- result (its row name, chart label, phrase) are the same on every sheet, and making them
-- (declining, changing case) costs many times a lookup. Grades are integers (schema), so a
-- grade is its own key.
local function per_result(f)
  local by_procedure = {}
  return function(procedure, subject, grade)
    local by_subject = by_procedure[procedure]
    if not by_subject then by_subject = {}; by_procedure[procedure] = by_subject end
    local by_grade = by_subject[subject]
    if not by_grade then by_grade = {}; by_subject[subject] = by_grade end
    local g = grade == nil and false or grade
    local t = by_grade[g]
    if t == nil then t = f(procedure, subject, grade); by_grade[g] = t end
    return t
  end
end

-- A text function of one argument remembered per argument (texts of the data repeated on
-- every sheet: the checklist's criteria).
local function per_text(f)
  local texts = {}
  return function(x)
    if x == nil then return f(x) end
    local t = texts[x]
    if t == nil then t = f(x); texts[x] = t end
    return t
  end
end

-- A share in percent for a table cell. Memoised by value: the district's cells repeat on every
-- sheet and small schools' shares repeat (3 of 10), and formatting a number is not cheap. The
-- tables of a sheet look pct_text up first (`pct_text[x] or pct_cell(x)`: most are there).
local pct_text, pct_count = {}, 0
local function pct_cell(share)
  if not share then return ru.DASH end
  local t = pct_text[share]
  if t then return t end
  t = ru.num(share * 100, 1)
  if share == share then   -- never NaN as a key
    if pct_count >= 100000 then pct_text, pct_count = {}, 0 end
    pct_text[share], pct_count = t, pct_count + 1
  end
  return t
end

local function diff_cell(a, b) return (a and b) and ru.signed((a - b) * 100, 1) or ru.DASH end

local quality, ind_failing = ind.quality, ind.failing
local function failing(cnt) return (ind_failing(cnt)) end

local EXAMS = { ["ОГЭ"] = true, ["ЕГЭ"] = true, ["ГВЭ"] = true }

-- "ВПР, математика, 5 кл." for a table row.
local result_name = per_result(function(procedure, subject, grade)
  return procedure .. ", " .. official.uncapital(subject) ..
    ((grade and not EXAMS[procedure]) and (", " .. grade .. ru.NBSP .. "кл.") or "")
end)
local function row_name(r) return result_name(r.procedure, r.subject, r.grade) end

-- "по математике в 5 классах" / "по русскому языку (ОГЭ)".
local about_result = per_result(function(procedure, subject, grade) return ru.about(subject, grade, procedure) end)
local function about(r) return about_result(r.procedure, r.subject, r.grade) end

local result_label = per_result(official.result_label)
local tidy = per_text(official.tidy)

-- What the sheets print of the district total of result r (combo_key `key`) in the report
-- year: { f, q = its failing share and quality, f_cell, q_cell = their cells }. Made once per
-- result and run (kept by the shared data c): every sheet shows the same totals.
local district_infos = setmetatable({}, { __mode = "k" })   -- c → { [key] = info }
local function district_of(ds, c, r, key)
  local infos = district_infos[c]
  if not infos then infos = {}; district_infos[c] = infos end
  local info = infos[key]
  if not info then
    local dist = district(ds, c, r, c.year, key)
    local f, q = failing(dist), quality(dist)
    info = { f = f, q = q, f_cell = pct_cell(f), q_cell = pct_cell(q) }
    infos[key] = info
  end
  return info
end

-- ---- the school's results, looked up once per sheet ----

-- The school's results of the report year to show: the counted procedures, and the other
-- results in Russian and mathematics that are low (failing share at or above the threshold),
-- in report order. Each comes with what the sections print of it: { r = record, counted,
-- f_s, q_s (the school's failing share and quality), basis (of the failing share), d (the
-- district's, district_of) }. Also returns every record of the school's year by combo_key.
local function school_results(ds, c, id)
  local s, out, rank, by_key = ds.settings, {}, {}, {}
  for _, r in ipairs(results.index(ds):rows{ school_id = id, year = c.year }) do
    local key = combo_key(r.pk, r.sk, r.grade)
    by_key[key] = by_key[key] or r
    if r.participants > 0 then
      local counted = c.counted_set[key]
      if counted or (MAIN_SUBJECTS[r.sk] and identify.is_low(r, s)) then
        local f_s, _, _, basis = ind.failing(r)
        local e = { r = r, counted = counted, f_s = f_s, q_s = quality(r), basis = basis,
          d = district_of(ds, c, r, key) }
        out[#out + 1], rank[e] = e, c.rank[key] or 0
      end
    end
  end
  table.sort(out, function(a, b) return rank[a] < rank[b] end)
  return out, by_key
end

-- The combo_key of a counted procedure (c.counted's entries, which live as long as the data).
local counted_keys = setmetatable({}, { __mode = "k" })
local function counted_key(p)
  local k = counted_keys[p]
  if not k then k = combo_key(nk(p.procedure), nk(p.subject), p.grade); counted_keys[p] = k end
  return k
end

-- The counted procedures' results of the school in the three years of the trend and their
-- dynamics (the report year against the year before): a list in c.counted order of
-- { p = counted procedure, [1], [2], [3] = records of year − 2, year − 1, year (or nil),
-- dyn = dynamics.compare }. The same comparison as identify's clusters make (same records,
-- same settings), made here from the records already at hand. now: the records of the report
-- year by combo_key (school_results); the name keys of counted procedures never hold "|" (the
-- list is split on it), so their combo_key matches only their own results.
local function counted_trend(ds, c, id, now)
  local R, year, s, out = results.index(ds), c.year, ds.settings, {}
  for i, p in ipairs(c.counted) do
    local r2 = R:get(p.procedure, p.subject, p.grade, id, year - 2)
    local r1 = R:get(p.procedure, p.subject, p.grade, id, year - 1)
    local r0 = now[counted_key(p)]
    out[i] = { p = p, r2, r1, r0, dyn = dynamics.compare(r1, r0, s) }
  end
  return out
end

-- ---- sections ----

local function passport(d, ds, c, school)
  local s = ds.settings
  local cl = c.clusters.by_school[school.school_id]
  local partner = school.partner_id and c.by_id[school.partner_id]
  local ovz = school.students_ovz and (tostring(school.students_ovz) ..
    ((school.students and school.students > 0) and (" (" .. ru.pct(school.students_ovz / school.students) .. ")") or "")) or ru.DASH
  local status = {}
  for st in (school.status or ""):gmatch("[^|]+") do status[#status + 1] = st:match("^%s*(.-)%s*$") end
  local full = { text = official.nb_school(school.name or school.sn), colspan = 3 }
  local rows = {
    { "Наименование", full },
    { "Руководитель", school.dir ~= "" and school.dir or ru.DASH, "Тип, местность",
      (school.kind or ru.DASH) .. ", " .. (school.locality or ru.DASH) },
    { "Обучающихся", (school.students and tostring(school.students) or ru.DASH), "из них с ОВЗ", ovz },
    { "Педагогов", school.teachers and tostring(school.teachers) or ru.DASH, "Статус",
      #status > 0 and table.concat(status, ", ") or ru.DASH },
    { "Школа-лидер", partner and (partner.sn .. " (директор " .. partner.dir .. ")") or "не закреплена",
      "Кластер (" .. c.year .. ru.NBSP .. "г.)", CLUSTER_NAMES[cl.cluster] },
  }
  d:heading(2, "1. Общие сведения")
  d:table{ size = TABLE_PT, columns = { { mm = 27 }, { rel = 1.2 }, { mm = 26 }, { rel = 1 } }, rows = rows }
end

-- The columns and header of the results table (the same on every sheet; layout only reads them).
local RESULTS_COLUMNS = { { rel = 1 }, { mm = 15, numeric = true }, { mm = 14, numeric = true },
  { mm = 16, numeric = true }, { mm = 14, numeric = true }, { mm = 16, numeric = true }, { mm = 15, numeric = true },
  { mm = 16, numeric = true } }
local RESULTS_HEADER = {
  { { text = "Процедура, предмет, класс", rowspan = 2 }, { text = "Участ\u{AD}ников", rowspan = 2 },
    { text = "ОО, %", colspan = 2 }, { text = "Округ, %", colspan = 2 }, { text = "Отклонение, п.п.", colspan = 2 } },
  { "«2»", "кач.", "«2»", "кач.", "«2»", "кач." },
}

-- The table and chart of the report year's results (school_results) against the district.
local function results_section(d, ds, c, school, list)
  local year = c.year
  d:heading(2, "2. Результаты оценочных процедур " .. year .. ru.NBSP .. "года в сравнении с округом")
  if #list == 0 then
    d:para("Результатов оценочных процедур, учитываемых при идентификации, за " .. year .. ru.NBSP .. "год нет.")
    return
  end
  local rows, small, below, extra, cats, s_vals, d_vals = {}, false, false, false, {}, {}, {}
  local min_n = ds.settings.min_participants or 5
  for i, e in ipairs(list) do
    local r, f_s, q_s, dist = e.r, e.f_s, e.q_s, e.d
    below = below or e.basis == "below_min"
    extra = extra or not e.counted
    local mark = (e.counted and "" or "*") .. (e.basis == "below_min" and "¹" or "")
    local n_cell = tostring(r.participants)
    if r.participants < min_n then small = true; n_cell = n_cell .. "²" end
    rows[i] = { row_name(r) .. mark, n_cell, pct_text[f_s] or pct_cell(f_s), pct_text[q_s] or pct_cell(q_s),
      dist.f_cell, dist.q_cell,
      diff_cell(f_s, dist.f), diff_cell(q_s, dist.q) }
    if #cats < 10 then
      cats[#cats + 1] = result_label(r.procedure, r.subject, r.grade)
      s_vals[#cats], d_vals[#cats] = f_s and f_s * 100, dist.f and dist.f * 100
    end
  end
  d:table{ size = TABLE_PT, columns = RESULTS_COLUMNS, header = RESULTS_HEADER, rows = rows }
  local notes = { "«2» — доля отметок «2», кач. — качество знаний (доля «4» и «5»). Приведены процедуры, " ..
    "учитываемые при идентификации школ с низкими результатами" ..
    (extra and "; * — другие результаты с долей «2» не ниже порога." or ".") }
  if below then notes[#notes + 1] = "¹ — отметок нет: вместо доли «2» — доля участников, не преодолевших минимальный порог." end
  if small then notes[#notes + 1] = "² — менее " .. min_n .. " участников: результат не учитывается при идентификации и оценке динамики." end
  -- upright, as the notes of a table in an order are: an italic face would be embedded in every
  -- sheet for these two lines alone (a third of a two-page sheet's bytes)
  d:para({ text = table.concat(notes, "\n"), size = 9 }, { align = "left", indent = false })
  if #cats >= 2 then
    d:chart{ chart = "grouped", title = "Доля отметок «2», % (" .. year .. ru.NBSP .. "г.)", y_label = "%",
      categories = cats, series = { { name = school.sn, values = s_vals }, { name = "Округ", values = d_vals } },
      value_labels = true, height = CHART_MM }
  end
end

local STATUS_TEXT = { positive = "положительная", negative = "отрицательная", stable = "стабильная" }

local TREND_HEADER2 = { "«2»", "кач.", "«2»", "кач.", "«2»", "кач." }
local TREND_COLUMNS = { { rel = 1 } }
for _ = 1, 6 do TREND_COLUMNS[#TREND_COLUMNS + 1] = { mm = 14, numeric = true } end
TREND_COLUMNS[#TREND_COLUMNS + 1] = { mm = 30, align = "center" }

-- The three-year table of the counted procedures (counted_trend) with their dynamics.
local function trend_section(d, c, trend)
  local year = c.year
  local years = { year - 2, year - 1, year }
  d:heading(2, "3. Динамика результатов за " .. (year - 2) .. "–" .. year .. ru.NBSP .. "гг.")
  local rows, DASH = {}, ru.DASH
  for _, t in ipairs(trend) do
    local cells, any = { row_name(t.p) }, false
    for k = 1, 3 do
      local r = t[k]
      if r and r.participants > 0 then
        any = true
        local f, q = ind_failing(r), quality(r)
        cells[2 * k], cells[2 * k + 1] = pct_text[f] or pct_cell(f), pct_text[q] or pct_cell(q)
      else
        cells[2 * k], cells[2 * k + 1] = DASH, DASH
      end
    end
    if any then
      cells[8] = t.dyn.status and STATUS_TEXT[t.dyn.status] or "несопоставимо"
      rows[#rows + 1] = cells
    end
  end
  if #rows == 0 then
    d:para("Результатов по процедурам, учитываемым при идентификации, за " .. (year - 2) .. "–" .. year ..
      ru.NBSP .. "гг. нет.")
    return
  end
  local h1 = { { text = "Процедура, предмет, класс", rowspan = 2 } }
  for _, y in ipairs(years) do h1[#h1 + 1] = { text = y .. ", %", colspan = 2 } end
  h1[#h1 + 1] = { text = "Динамика " .. year .. " к " .. (year - 1), rowspan = 2 }
  d:table{ size = TABLE_PT, columns = TREND_COLUMNS, header = { h1, TREND_HEADER2 }, rows = rows }
end

local function identification_section(d, ds, c, school)
  local year, id = c.year, school.school_id
  local entry = c.clusters.by_school[id]
  local ident = entry.identification
  d:heading(2, "4. Идентификация и кластер")
  if ident.low then
    d:para({ "По итогам оценочных процедур " .. (year - 2) .. " и " .. (year - 1) .. ru.NBSP .. "гг. организация ",
      { text = "включена в перечень школ с низкими образовательными результатами", bold = true }, ": " ..
      identify.reason_text(ident, year) .. "." })
  else
    local lows = {}
    for _, r in ipairs(ident.low_y1) do lows[#lows + 1] = identify.result_text(r) end
    for _, r in ipairs(ident.low_y2) do lows[#lows + 1] = identify.result_text(r) end
    d:para("По итогам оценочных процедур " .. (year - 2) .. " и " .. (year - 1) .. ru.NBSP .. "гг. организация " ..
      "не отвечает критериям школы с низкими образовательными результатами" ..
      (#lows > 0 and ("; низкие результаты: " .. table.concat(lows, "; ") .. ".") or "."))
  end
  local answers = c.checklist.schools[id]
  local rows = {}
  for i, cr in ipairs(c.checklist.criteria) do
    local v = answers[cr.id]
    rows[#rows + 1] = { tostring(i), tidy(cr.text),
      v == nil and "нет данных" or { text = v and "да" or "нет", bold = v } }
  end
  d:table{ size = TABLE_PT, columns = { { mm = 8, align = "center" }, { rel = 1 }, { mm = 20, align = "center" } },
    header = { { "№", "Критерий", "да / нет" } }, rows = rows }
  local why = (#entry.reasons > 0 and entry.cluster ~= 1)
    and (": " .. official.tidy(table.concat(entry.reasons, "; "))) or ""
  d:para({ "Организация отнесена к ", { text = CLUSTER_DATIVE[entry.cluster], bold = true },
    why:sub(-1) == "." and why or (why .. ".") })
end

-- A list item after "; ": its first letter lowered unless the first word is an acronym (ИОМ, ШНОР).
local function continued(text, first)
  if first then return text end
  local a, b = text:match("^(" .. utf8.charpattern .. ")(" .. utf8.charpattern .. ")")
  if b and official.upper(b) == b then return text end
  return official.uncapital(text)
end

-- Is a roadmap measure still ahead in `year`: its deadline names no year, or some year ≥ it
-- ("январь 2023 г." is over in 2024; "сентябрь 2023 г., сентябрь 2024 г." and "ежегодно" are not)?
local function current(r, year)
  local any, ahead = false, false
  for y in (r.deadline or ""):gmatch("%d%d%d%d") do
    any = true
    ahead = ahead or tonumber(y) >= year
  end
  return not any or ahead
end

-- The current roadmap measures of a factor as "мера (сроки); …", or nil when none is left.
local function measures_text(rows, year)
  local parts = {}
  for _, r in ipairs(rows) do
    if current(r, year) then
      local m = (r.measure or ""):gsub("^%s*%d+[%.%)]%s*", ""):gsub("[%.;%s]+$", "")
      parts[#parts + 1] = official.tidy(continued(m, #parts == 0) .. (r.deadline and (" (" .. r.deadline .. ")") or ""))
    end
  end
  if #parts == 0 then return nil end
  return table.concat(parts, "; ") .. "."
end

-- The roadmap tasks of a factor (its directions), "задача; задача".
local function tasks_text(rows)
  local parts, seen = {}, {}
  for _, r in ipairs(rows) do
    local t = (r.task or ""):gsub("^%s*%d+[%.%)]%s*", ""):gsub("[%.;%s]+$", "")
    if t ~= "" and not seen[t] then seen[t] = true; parts[#parts + 1] = continued(t, #parts == 0) end
  end
  if #parts == 0 then return nil end
  return "Задачи дорожной карты: " .. table.concat(parts, "; ") .. "."
end

-- measures_text and tasks_text remembered per factor (its list of roadmap rows, c.roadmap's,
-- the same on every sheet of a run) and year: each sheet names the same few factors.
local roadmap_texts = setmetatable({}, { __mode = "k" })
local function roadmap_text(rows, kind, year)
  local by_kind = roadmap_texts[rows]
  if not by_kind then by_kind = {}; roadmap_texts[rows] = by_kind end
  local k = kind == "tasks" and kind or year
  local t = by_kind[k]
  if t == nil then
    t = (kind == "tasks" and tasks_text(rows) or measures_text(rows, year)) or false
    by_kind[k] = t
  end
  return t or nil
end

-- The school's risk factors of the report year, most severe first.
local function school_risks(c, id)
  local list = {}
  for _, r in ipairs((c.risks or {})[id] or {}) do list[#list + 1] = r end
  table.sort(list, function(a, b)
    local ra, rb = LEVEL_RANK[nk(a.level or "")] or 9, LEVEL_RANK[nk(b.level or "")] or 9
    if ra ~= rb then return ra < rb end
    return a._line < b._line
  end)
  return list
end

local function risks_section(d, ds, c, school)
  local year = c.year
  d:heading(2, "5. Факторы риска " .. year .. ru.NBSP .. "года и меры дорожной карты")
  if not c.risks then
    d:para("Риск-профили школ в наборе данных не представлены (нет risks.csv).")
    return {}
  end
  local list = school_risks(c, school.school_id)
  if #list == 0 then
    d:para("В риск-профиле школы за " .. year .. ru.NBSP .. "год факторы риска не указаны.")
    return list
  end
  local rows = {}
  for _, r in ipairs(list) do
    local measures = c.roadmap[nk(r.factor)]
    local cell, lvl = nil, nk(r.level or "")
    if lvl == nk("низкий") then
      cell = "меры не требуются (низкий уровень риска)"
    elseif not measures then
      cell = "в дорожной карте мер нет — предусмотреть меры в школьной программе"
    elseif lvl == nk("высокий") then
      cell = roadmap_text(measures, "measures", year)
        or "меры дорожной карты по фактору выполнены — предусмотреть меры в школьной программе"
    else
      cell = roadmap_text(measures, "tasks") or roadmap_text(measures, "measures", year) or ru.DASH
    end
    rows[#rows + 1] = { official.capital(r.factor), r.level or ru.DASH, cell }
  end
  d:table{ size = TABLE_PT, columns = { { rel = 1.2 }, { mm = 18, align = "center" }, { rel = 2.8 } },
    header = { { "Фактор риска", "Уровень", "Меры дорожной карты на " .. year .. ru.NBSP .. "г. и далее (сроки)" } },
    -- high risks get the current measures, medium ones the roadmap's tasks: a sheet stays short
    rows = rows }
  return list
end

local function partner_section(d, c, school)
  local partner = school.partner_id and c.by_id[school.partner_id]
  local followers = c.followers[school.school_id]
  d:heading(2, "6. Школа-лидер")
  if partner then
    d:para("За организацией закреплена школа-лидер " .. partner.sn .. " (директор " .. partner.dir .. "): " ..
      "методическое сопровождение, наставничество, взаимопосещение уроков, совместные заседания методических объединений.")
  else
    d:para("Школа-лидер за организацией не закреплена.")
  end
  if followers then
    local names = {}
    for _, f in ipairs(followers) do names[#names + 1] = f.sn end
    d:para("Организация является школой-лидером для " .. ru.join(names) .. ".")
  end
end

-- ---- recommendations ----

-- Results of the list against the district: texts of the low ones, of those whose failing
-- share exceeds the district's by 10 п.п. or more, and of those whose quality lags by as much.
local function result_findings(ds, list)
  local s = ds.settings
  local thr, min_n = (s.low_share_threshold or 30) / 100, s.min_participants or 5
  local low, high, weak = {}, {}, {}
  for _, e in ipairs(list) do
    local r, f_s, f_d, q_s, q_d = e.r, e.f_s, e.d.f, e.q_s, e.d.q
    if r.participants >= min_n then
      local what = about(r)
      if f_s and f_s >= thr then
        low[#low + 1] = string.format("%s — %s при %s по округу", what, ru.pct(f_s), ru.pct(f_d))
      elseif f_s and f_d and f_s - f_d >= 0.1 then
        high[#high + 1] = string.format("%s — %s при %s по округу", what, ru.pct(f_s), ru.pct(f_d))
      end
      if q_s and q_d and q_d - q_s >= 0.1 then
        weak[#weak + 1] = string.format("%s — %s при %s по округу", what, ru.pct(q_s), ru.pct(q_d))
      end
    end
  end
  return low, high, weak
end

-- Recommendations on results: one item per kind of finding, listing the results, and one on
-- the counted results whose dynamics are negative (trend: counted_trend).
local function result_advice(ds, list, trend, add)
  local low, high, weak = result_findings(ds, list)
  if #low > 0 then
    add("Организовать адресную работу с обучающимися, не достигшими базового уровня подготовки " ..
      "(индивидуальные образовательные маршруты, дополнительные занятия, контроль текущей успеваемости); " ..
      "доля «2» не ниже порога: " .. table.concat(low, "; ") .. ".")
  end
  if #high > 0 then
    add("Проанализировать причины доли отметок «2», превышающей окружную на 10 п.п. и более: " ..
      table.concat(high, "; ") .. ".")
  end
  if #weak > 0 then
    add("Повысить качество знаний (работа с обучающимися, способными учиться на «4» и «5», задания " ..
      "повышенного уровня); качество ниже окружного на 10 п.п. и более: " .. table.concat(weak, "; ") .. ".")
  end
  local falling = {}
  for _, tr in ipairs(trend) do
    local dyn, prev, cur = tr.dyn, tr[2], tr[3]
    if dyn.status == "negative" then
      local t = dyn.decided_by == "quality"
        and ru.change_sentence{ subject = "качество знаний", about = about(tr.p), from = quality(prev),
          to = quality(cur), gender = "n" }
        or ru.change_sentence{ subject = "доля «2»", about = about(tr.p), from = failing(prev),
          to = failing(cur), gender = "f" }
      falling[#falling + 1] = t:sub(-1) == "." and t:sub(1, -2) or t   -- (a pattern scans it all)
    end
  end
  if #falling > 0 then
    add("Выявить причины снижения результатов и скорректировать планы работы методических объединений: " ..
      table.concat(falling, "; ") .. ".")
  end
end

local function recommendations(ds, c, school, list, trend, risks)
  local s, id = ds.settings, school.school_id
  local entry = c.clusters.by_school[id]
  local out = {}
  local function add(t) out[#out + 1] = t end
  if entry.cluster == 1 then
    add("Разработать (скорректировать) школьную программу повышения качества образования с учётом оснований " ..
      "включения в перечень (раздел 4) и факторов риска (раздел 5).")
  end
  result_advice(ds, list, trend, add)
  local o = c.objectivity_of[id]
  local od = c.objectivity.district.raised
  if o and o.raised and od and o.raised >= 0.05 and o.raised >= 2 * od then
    add(string.format("Обеспечить объективность оценивания: доля обучающихся, отметка которых за ВПР выше " ..
      "отметки в журнале, — %s (по округу — %s); провести перепроверку работ и анализ системы текущего оценивания.",
      ru.pct(o.raised), ru.pct(od)))
  end
  for _, r in ipairs(risks) do
    if nk(r.level or "") ~= nk("низкий") then
      add(ADVICE[nk(r.factor)] or ("Реализовать меры дорожной карты по фактору «" .. r.factor .. "»."))
    end
  end
  if entry.small then
    add("Использовать сетевую форму реализации образовательных программ и дистанционные формы методической поддержки.")
  end
  local partner = school.partner_id and c.by_id[school.partner_id]
  if partner then add("Согласовать со школой-лидером " .. partner.sn .. " план совместной работы на учебный год.") end
  if c.followers[id] then
    add("Обеспечить методическое сопровождение закреплённых школ в соответствии с планом совместной работы.")
  end
  if entry.cluster == 3 then
    add("Обобщить опыт работы, обеспечивший положительную динамику результатов, и представить его на " ..
      "муниципальном методическом совете.")
  end
  if #out == 0 then
    add("Поддерживать достигнутый уровень результатов; продолжить анализ результатов оценочных процедур " ..
      "по классам и предметам.")
  end
  add("Информацию о выполнении рекомендаций представить в " ..
    (official.org_accusative(s.org_short or s.org_name) or "орган управления образованием") .. " по итогам полугодия.")
  return out
end

-- ---- one sheet ----

-- Adds the sheet of school `id`, ending with the signature and the executor note.
local function add_sheet(d, ds, id)
  local c = shared(ds)
  local s = ds.settings
  local school = c.by_id[id]
  if not school then error("нет школы с кодом " .. tostring(id)) end
  official.org_header(d, s)
  d:para({ text = "О результатах оценочных процедур " .. c.year .. ru.NBSP .. "года\nи адресных рекомендациях",
    bold = true }, { align = "center", indent = false })
  d:heading(1, school.sn)
  passport(d, ds, c, school)
  local list, now = school_results(ds, c, id)
  results_section(d, ds, c, school, list)
  local trend = counted_trend(ds, c, id, now)
  trend_section(d, c, trend)
  identification_section(d, ds, c, school)
  local risks = risks_section(d, ds, c, school)
  partner_section(d, c, school)
  d:heading(2, "7. Рекомендации")
  for i, t in ipairs(recommendations(ds, c, school, list, trend, risks)) do d:item(t, { i }) end
  official.sign(d, s)
end

-- The options of a sheet's document (and of the combined file): size and PDF metadata.
local function doc_opts(ds, title)
  local s = ds.settings
  return { size = 12, title = title, author = s.org_name, subject = "Адресные рекомендации по итогам " ..
    "оценочных процедур " .. s.report_year .. " года", keywords = "адресные рекомендации, ШНОР", date = s.order_date }
end

local function new_doc(ds, title) return doc.new(doc_opts(ds, title)) end

local function sheet_title(ds, id)
  local school = shared(ds).by_id[id]
  return "Адресные рекомендации: " .. (school and school.short_name or id)
end

local COMBINED_TITLE = "Адресные рекомендации общеобразовательным организациям"

-- One school's sheet; when the runner asks (a combined file follows), also its pages as a part.
local function build(ds, ctx, id)
  local d = new_doc(ds, sheet_title(ds, id))
  add_sheet(d, ds, id)
  local file = "school_sheet/" .. id .. ".pdf"
  if not ctx.keep_part then return { d:output(file) } end
  local bytes, pages, part = d:render_part()
  return { { file = file, data = bytes, pages = pages, part = part } }
end

-- In the combined file, the page of a school whose own sheet could not be made.
local function missing_part(ds, id)
  local d = new_doc(ds, COMBINED_TITLE)
  d:heading(1, "ОО с кодом " .. id)
  d:para("Лист адресных рекомендаций не сформирован: ошибка при вёрстке (см. сообщения otchet).")
  local _, _, part = d:render_part()
  return part
end

-- The name and title of a combined file: of a --shard K/N "school_sheet.K-N.pdf"; of volume
-- k of n (the runner cuts a country into volumes) ".vol07" before ".pdf", and "том 7 из 20".
local function combined_name(ctx)
  local name, title = "school_sheet" .. (ctx.shard and ("." .. ctx.shard) or ""), COMBINED_TITLE
  local v = ctx.volume
  if v then
    name = name .. string.format(".vol%0" .. #tostring(v.n) .. "d", v.k)
    title = title .. ", том " .. v.k .. " из " .. v.n
  end
  return name .. ".pdf", title
end

-- The combined file for the printer: the schools' own sheets page for page (their parts),
-- each school from an odd page; a school whose sheet failed (the runner reports it) gets a
-- page naming it, so the printer still gets every other school.
local function combine(ds, ctx, ids, parts)
  local name, title = combined_name(ctx)
  local list = {}
  for i, id in ipairs(ids) do list[i] = parts[id] or missing_part(ds, id) end
  local bytes, pages = doc.combine(list, doc_opts(ds, title))
  return { { file = name, data = bytes, pages = pages } }
end

return {
  title = COMBINED_TITLE,
  needs = { "schools", "results" },
  per_school = true,
  prepare = function(ds, ctx) shared(ds, ctx.few_schools) end,
  build = build,
  combine = combine,
}
