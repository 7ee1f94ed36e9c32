-- Приказ (or Постановление, kind=postanovlenie) approving the list of schools with low
-- results and the plan of measures (seeds 000, 002, 003): requisites block, title, preamble,
-- «ПРИКАЗЫВАЮ:» with numbered points, directors named in the dative, signature, executor;
-- appendices on their own pages: 1 the list with the results that put each school in it,
-- 2 the plan (roadmap.csv, or a generic plan), 3 the criteria checklist да/нет.
-- Names whose dative case cannot be told stay nominative and are listed in order/warnings.txt.
local doc = require("doc")
local ru = require("ru")
local identify = require("identify")
local checklist = require("checklist")
local results = require("results")
local official = require("official")

local TABLE_SIZE = 11
local LIST_SIZE = 10   -- appendix 1: five schools with their reasons fit one page

-- schools.csv rows by id.
local function school_map(ds)
  local by_id = {}
  for _, s in ipairs(identify.schools(ds)) do
    s.sn = official.nb_school(s.short_name or s.name or s.school_id)   -- as printed
    s.dir = official.nb_name(s.director or "")
    by_id[s.school_id] = s
  end
  return by_id
end

-- «муниципальной программы повышения качества …» from program_name (nominative).
local function program_genitive(name)
  if not name then return nil end
  for _, p in ipairs({ { "Муниципальная программа", "муниципальной программы" },
      { "муниципальная программа", "муниципальной программы" }, { "Программа", "программы" },
      { "программа", "программы" } }) do
    if name:sub(1, #p[1]) == p[1] then return p[2] .. name:sub(#p[1] + 1) end
  end
  return "программы «" .. name .. "»"
end

-- "ВПР, ОГЭ и ЕГЭ": the procedures of the counted list, in report order.
local function counted_procedures(ds)
  local seen, list = {}, {}
  for _, p in ipairs(results.counted(ds)) do
    if not seen[p.procedure] then seen[p.procedure] = true; list[#list + 1] = p.procedure end
  end
  return ru.join(list)
end

-- The years whose results identify (the report year's own do not).
local function basis_years(s, year)
  return string.format("%d и %d%sгг.", year - 2, year - 1, ru.NBSP)
end

-- ---- the text of the act ----

local function preamble(d, ds, k, year)
  local s = ds.settings
  local parts = { "В соответствии с Федеральным законом от 29.12.2012 № 273-ФЗ «Об образовании в Российской Федерации»" }
  local prog = program_genitive(s.program_name)
  if prog then parts[#parts + 1] = "в целях реализации " .. prog end
  parts[#parts + 1] = string.format("на основании результатов оценочных процедур (%s) %s и идентификации " ..
    "общеобразовательных организаций с низкими образовательными результатами",
    counted_procedures(ds), basis_years(s, year))
  local text = table.concat(parts, ", ")
  if k.inline then
    d:para({ text .. ", " .. (s.org_name or "") .. " ", { text = k.verb, bold = true } })
  else
    d:para(text)
    d:spacer(2)
    d:para({ text = k.verb, bold = true }, { align = "left", indent = false })
    d:spacer(2)
  end
end

-- "МБОУ «Еловская СОШ» (Мельничук Л.В.), …" with the directors in the dative.
local function heads_dative(list, warn)
  local out = {}
  for _, school in ipairs(list) do
    out[#out + 1] = string.format("%s (%s)", school.sn, official.director_dative(school, warn))
  end
  return table.concat(out, ", ")
end

-- Low schools and the partner schools they are paired with (each partner once, in order).
local function partners_of(low, by_id)
  local list, seen = {}, {}
  for _, school in ipairs(low) do
    local p = school.partner_id and by_id[school.partner_id]
    if p and not seen[p.school_id] then seen[p.school_id] = true; list[#list + 1] = p end
  end
  return list
end

-- Numbered points «1.» and sub-points «1.2.» of the act.
local function numbering(d)
  local num = { n = 0 }
  function num.point(text) num.n = num.n + 1; d:item(text, { num.n }) end
  function num.sub(i, text) d:item(text, { num.n, i }) end
  return num
end

-- Points 1–3: the list, the plan, the criteria (the appendices).
local function approval_points(num, s, year, low)
  if #low > 0 then
    num.point(string.format("Утвердить перечень общеобразовательных организаций с низкими образовательными " ..
      "результатами по итогам оценочных процедур %s (далее — перечень) (приложение 1).", basis_years(s, year)))
  else
    num.point(string.format("Принять к сведению, что по итогам оценочных процедур %s общеобразовательные " ..
      "организации с низкими образовательными результатами не выявлены (приложение 1).", basis_years(s, year)))
  end
  num.point("Утвердить план мероприятий по повышению качества образования в общеобразовательных организациях" ..
    (#low > 0 and ", включённых в перечень" or " с низкими образовательными результатами") ..
    " (далее — план) (приложение 2).")
  num.point("Утвердить результаты оценки общеобразовательных организаций по критериям отнесения к школам " ..
    "с низкими результатами обучения (приложение 3).")
end

-- The point pairing each listed school with its школа-лидер, whose head becomes its curator.
local function curator_points(num, s, low, by_id)
  num.point("Закрепить за общеобразовательными организациями, включёнными в перечень, школы-лидеры и " ..
    "назначить кураторами руководителей школ-лидеров:")
  for i, school in ipairs(low) do
    local p = school.partner_id and by_id[school.partner_id]
    local text
    if p then
      text = string.format("%s — %s, куратор — %s", school.sn, p.sn, p.dir)
    else
      text = string.format("%s — школа-лидер не определена, сопровождение осуществляет %s",
        school.sn, s.org_short or s.org_name or "орган управления образованием")
    end
    -- the last sub-point ends the point: a full stop (unless the initials already give one)
    if i < #low then text = text .. ";" elseif text:sub(-1) ~= "." then text = text .. "." end
    num.sub(i, text)
  end
end

-- «Рекомендовать руководителям …» with its sub-points, and the task of the schools-leaders.
local function head_points(num, s, k, low, by_id, warn)
  num.point("Рекомендовать руководителям " .. heads_dative(low, warn) .. ":")
  local to_org = official.org_accusative(s.org_short or s.org_name) or "орган управления образованием"
  local tasks = {
    "Обеспечить реализацию плана в части, их касающейся.",
    "В течение месяца со дня издания " .. k.this .. " разработать (скорректировать) и утвердить школьные " ..
      "программы повышения качества образования с учётом оснований включения в перечень и факторов риска, " ..
      "выявленных в риск-профиле школы.",
    "Провести диагностику профессиональных дефицитов педагогических работников и обеспечить их адресное " ..
      "повышение квалификации.",
    "Обеспечить объективность проведения и проверки оценочных процедур.",
    "Разместить школьную программу повышения качества образования и информацию о ходе её реализации " ..
      "на официальном сайте общеобразовательной организации.",
    "Ежеквартально, до 5 числа месяца, следующего за отчётным кварталом, представлять в " .. to_org ..
      " информацию о ходе реализации плана.",
  }
  for i, t in ipairs(tasks) do num.sub(i, t) end
  local partners = partners_of(low, by_id)
  if #partners > 0 then
    num.point((#partners == 1 and "Руководителю школы-лидера " or "Руководителям школ-лидеров ") ..
      heads_dative(partners, warn) .. " обеспечить методическое сопровождение закреплённых общеобразовательных " ..
      "организаций (наставничество, взаимопосещение уроков, совместные заседания методических объединений).")
  end
end

-- Every point of the act, ending with «Контроль за исполнением …».
local function points(d, ds, k, year, low, by_id, warn)
  local s = ds.settings
  local num = numbering(d)
  approval_points(num, s, year, low)
  if #low > 0 then
    curator_points(num, s, low, by_id)
    head_points(num, s, k, low, by_id, warn)
  end
  local org_gen = official.org_genitive(s.org_short or s.org_name)
  num.point(official.capital(k.this_acc) .. " разместить на официальном сайте " ..
    (org_gen or "органа управления образованием") .. " в информационно-телекоммуникационной сети «Интернет».")
  num.point("Контроль за исполнением " .. k.this .. " оставляю за собой.")
end

-- ---- appendices ----

-- The reasons of one school: the rule, then each triggering result on its own line.
local function reasons_cell(entry, year)
  local head = string.format(({
    two_last_year = "Низкие результаты не менее чем по двум оценочным процедурам в %d г.",
    last_two_years = "Низкие результаты хотя бы по одной оценочной процедуре в каждом из двух предыдущих лет (%d и %d гг.)",
    same_procedure = "Низкие результаты по одной и той же оценочной процедуре в %d и %d гг.",
  })[entry.rule_met], year - 1, year - 2)
  local lines = { head .. ":" }
  for i, r in ipairs(entry.triggers) do
    lines[#lines + 1] = "– " .. identify.result_text(r) .. (i < #entry.triggers and ";" or ".")
  end
  return table.concat(lines, "\n")
end

local function appendix_list(d, ds, ident, low, year)
  local s = ds.settings
  d:page_break()
  d:appendix_mark(official.appendix_text(s, 1))
  d:heading(1, "Перечень общеобразовательных организаций с низкими образовательными результатами " ..
    "по итогам оценочных процедур " .. basis_years(s, year))
  d:para({ text = string.format("Низким считается результат оценочной процедуры, по которой %s при числе " ..
    "участников не менее %d. Учитываются %s. В перечень включаются организации, у которых %s",
    official.low_text(s), s.min_participants or 5, official.procedures_text(results.counted(ds)),
    official.rule_text(s, year)),
    size = LIST_SIZE, italic = true })
  if #low == 0 then
    d:para("По итогам оценочных процедур " .. basis_years(s, year) .. " общеобразовательные организации " ..
      "с низкими образовательными результатами не выявлены.")
    return
  end
  local rows = {}
  for i, school in ipairs(low) do
    rows[#rows + 1] = { tostring(i), official.nb_school(school.name or school.short_name), school.director or "",
      reasons_cell(ident.by_school[school.school_id], year) }
  end
  d:table{ size = LIST_SIZE,
    columns = { { mm = 9, align = "center" }, { rel = 2 }, { mm = 30 }, { rel = 3.8 } },
    header = { { "№", "Образовательная организация", "Руководитель", "Основания включения в перечень" } },
    rows = rows }
end

-- Roadmap rows as plain tables, in file order.
local function roadmap_rows(ds)
  local t, rows = ds.files.roadmap.table, {}
  for i = 1, t:nrows() do rows[i] = t:row(i) end
  return rows
end

local function strip_number(text) return ((text or ""):gsub("^%s*%d+[%.%)]%s*", "")) end

-- Low schools having a factor at level высокий or средний in the report year.
local function factor_schools(ds, low, year)
  local f, out = ds.files.risks, {}
  if not f then return out end
  local lowset = {}
  for _, school in ipairs(low) do lowset[school.school_id] = school end
  for i = 1, f.table:nrows() do
    local r = f.table:row(i)
    local lvl = official.namekey(r.level or "")
    if r.year == year and lowset[r.school_id] and (lvl == official.namekey("высокий") or lvl == official.namekey("средний")) then
      local key = official.namekey(r.factor)
      out[key] = out[key] or {}
      table.insert(out[key], lowset[r.school_id].sn)
    end
  end
  return out
end

-- A heading row of the plan (factor, schools, task) across the table, kept with the row after it.
local function span_row(text, bold, shade, align)
  return { { text = text, colspan = 5, bold = bold, italic = not bold, shade = shade, align = align },
           keep_with_next = true }
end

-- The plan from roadmap.csv: a heading row per risk factor (with the listed schools that have
-- it), a row per task, the measures numbered within their factor.
local function plan_from_roadmap(ds, low, year)
  local rows, fi, mi = {}, 0, 0
  local by_factor = factor_schools(ds, low, year)
  local prev
  for _, r in ipairs(roadmap_rows(ds)) do
    if not prev or official.namekey(prev.factor or "") ~= official.namekey(r.factor or "") then
      fi, mi = fi + 1, 0
      rows[#rows + 1] = span_row(string.format("%d. Фактор риска: %s", fi, r.factor or "не указан"), true, 0.88)
      local who = by_factor[official.namekey(r.factor or "")]
      if who then rows[#rows + 1] = span_row("Актуален для: " .. table.concat(who, ", "), false, 0.95, "left") end
      prev = nil
    end
    if r.task and (not prev or prev.task ~= r.task) then
      rows[#rows + 1] = span_row("Задача: " .. strip_number(r.task), false, nil, "left")
    end
    mi = mi + 1
    rows[#rows + 1] = { string.format("%d.%d.", fi, mi), official.tidy(strip_number(r.measure)),
      official.tidy(r.deadline or ""), official.tidy(r.responsible or ""), official.tidy(r.indicator or r.result or "") }
    prev = r
  end
  return rows
end

-- A generic plan when the dataset has no roadmap.csv (after seeds 000, 001, 003).
local function plan_generic(ds, year)
  local s = ds.settings
  local uo = s.org_short or "Управление образования"
  local y = year
  local sections = {
    { "Организационно-управленческие меры", {
      { "Закрепление кураторов и школ-лидеров за общеобразовательными организациями перечня", "сентябрь " .. y .. " г.", uo, "Приказ; кураторы закреплены за 100 % ОО перечня" },
      { "Разработка (корректировка) школьных программ повышения качества образования", "сентябрь–октябрь " .. y .. " г.", "Руководители ОО", "Программы утверждены и размещены на сайтах ОО" },
      { "Муниципальная экспертиза школьных программ повышения качества образования", "октябрь " .. y .. " г.", uo, "Экспертные заключения по 100 % программ" },
    } },
    { "Методическое сопровождение", {
      { "Диагностика профессиональных дефицитов педагогических и руководящих работников", "октябрь–ноябрь " .. y .. " г.", uo .. ", руководители ОО", "Индивидуальные образовательные маршруты педагогов" },
      { "Адресное повышение квалификации педагогов по выявленным дефицитам", "в течение учебного года", "Руководители ОО", "Доля педагогов, прошедших повышение квалификации" },
      { "Взаимопосещение уроков, совместные заседания методических объединений со школами-лидерами", "ежеквартально", "Руководители школ-лидеров и ОО перечня", "Планы взаимодействия, протоколы" },
    } },
    { "Мониторинг", {
      { "Общественное наблюдение при проведении ВПР в ОО перечня", "март–май " .. (y + 1) .. " г.", uo, "Наблюдением охвачено 100 % ОО перечня" },
      { "Анализ результатов оценочных процедур и динамики результатов ОО перечня", "июнь–август " .. (y + 1) .. " г.", uo, "Аналитическая справка" },
      { "Отчёт руководителей ОО о ходе реализации школьных программ", "ежеквартально", "Руководители ОО", "Информация о ходе реализации" },
    } },
  }
  local rows = {}
  for i, sec in ipairs(sections) do
    rows[#rows + 1] = span_row(string.format("%d. %s", i, sec[1]), true, 0.88)
    for j, m in ipairs(sec[2]) do
      rows[#rows + 1] = { string.format("%d.%d.", i, j), m[1], official.tidy(m[2]), m[3], official.tidy(m[4]) }
    end
  end
  return rows
end

local function appendix_plan(d, ds, low, year)
  local s = ds.settings
  d:page_break()
  d:appendix_mark(official.appendix_text(s, 2))
  d:heading(1, "План мероприятий по повышению качества образования в общеобразовательных организациях" ..
    (#low > 0 and " с низкими образовательными результатами" or ""))
  if s.program_name then
    d:para("(в рамках реализации " .. program_genitive(s.program_name) .. ")", { align = "center", indent = false })
  end
  local rows = ds.files.roadmap and plan_from_roadmap(ds, low, year) or plan_generic(ds, year)
  d:table{ size = TABLE_SIZE,
    columns = { { mm = 12, align = "center" }, { rel = 3.4 }, { rel = 1.5 }, { rel = 1.7 }, { rel = 2.3 } },
    header = { { "№", "Мероприятие", "Сроки", "Ответственные", "Показатель результата" } },
    rows = rows }
end

local function appendix_checklist(d, ds, low, year, by_id)
  local s = ds.settings
  local cl = checklist.build(ds, year)
  d:page_break()
  d:appendix_mark(official.appendix_text(s, 3))
  d:heading(1, "Критерии отнесения общеобразовательных организаций к школам с" .. ru.NBSP ..
    "низкими результатами обучения и результаты оценки по ним за " .. year .. ru.NBSP .. "год")
  local crit = {}
  for i, c in ipairs(cl.criteria) do crit[#crit + 1] = { tostring(i), official.tidy(c.text) } end
  d:table{ size = TABLE_SIZE, columns = { { mm = 9, align = "center" }, { rel = 1 } },
    header = { { "№", "Критерий" } }, rows = crit }
  local header1 = { { text = "№", rowspan = 2 }, { text = "Образовательная организация", rowspan = 2 },
    { text = "Критерии (да — критерий выполняется)", colspan = #cl.criteria },
    { text = "Включена в перечень", rowspan = 2 } }
  local header2, columns = {}, { { mm = 8, align = "center" }, { rel = 1 } }
  for i = 1, #cl.criteria do
    header2[i] = tostring(i)
    columns[#columns + 1] = { mm = 10.5, align = "center" }
  end
  columns[#columns + 1] = { mm = 20, align = "center" }
  local rows = {}
  for i, id in ipairs(cl.order) do
    local a, row = cl.schools[id], { tostring(i), by_id[id].sn }
    for _, c in ipairs(cl.criteria) do row[#row + 1] = checklist.yes_no(a[c.id]) end
    row[#row + 1] = { text = a.identified and "да" or "нет", bold = a.identified }
    rows[#rows + 1] = row
  end
  d:table{ size = 10, columns = columns, header = { header1, header2 }, rows = rows }
  d:para({ text = "«—» — данных для оценки по критерию нет. В перечень включаются организации, " ..
    "выполняющие критерий 1 или 2" .. (s.low_rule == "same_procedure" and " (правило: одна и та же процедура в двух годах)" or "") ..
    ".", size = 10, italic = true })
end

-- ---- the report ----

local function build(ds, ctx)
  local s = ds.settings
  local year = s.report_year
  local k = official.kind(s)
  local warn = official.warnings()
  local by_id = school_map(ds)
  local ident = identify.identify(ds, year)
  local low = {}
  for _, id in ipairs(ident.low) do low[#low + 1] = by_id[id] end
  local title = "Об утверждении перечня школ с низкими образовательными результатами и плана мероприятий " ..
    "по повышению качества образования в них"
  local d = doc.new{ size = 14, title = official.capital(k.word) .. " «" .. title .. "»", author = s.org_name,
    subject = s.program_name, keywords = "ШНОР, перечень, план мероприятий", date = s.order_date }
  d:requisites{ org = official.org_caps(s), details = s.org_requisites, doc_kind = k.title,
    date = official.act_date(s), number = official.act_number(s), place = s.place }
  d:heading(1, title)
  preamble(d, ds, k, year)
  points(d, ds, k, year, low, by_id, warn)
  official.sign(d, s)
  appendix_list(d, ds, ident, low, year)
  appendix_plan(d, ds, low, year)
  appendix_checklist(d, ds, low, year, by_id)
  local outputs = { d:output("order.pdf") }
  outputs[#outputs + 1] = warn.output("order/warnings.txt")
  return outputs
end

return {
  title = "Приказ об утверждении перечня школ с низкими результатами и плана мероприятий",
  needs = { "schools", "results" },
  build = build,
}
