-- End-to-end tests of reports/order.lua on the sample dataset: the PDF passes qpdf and pdffonts;
-- the requisites and the points come in order; the appendices start on their own pages with
-- their marks; the list of low schools equals the one computed here from the CSV files (and the
-- sample README's hand-computed list); the postanovlenie variant and --set of date and number;
-- a director whose dative case cannot be told stays nominative and is listed in warnings.txt.
-- Usage: lua5.4 tests/e2e/test_report_order.lua OTCHET SAMPLE_DIR
package.path = "tests/e2e/?.lua;" .. package.path
local P = require("pdfcheck")
local otchet, sample = arg[1], arg[2]
local tmp = os.tmpname()
os.remove(tmp)
os.execute("mkdir -p " .. P.quote(tmp))

local function run(data, out, extra)
  return P.sh(P.quote(otchet) .. " run order --data " .. P.quote(data) .. " --out " .. P.quote(out) .. " " .. (extra or ""))
end

local function exists(path)
  local f = io.open(path, "rb")
  if f then f:close() end
  return f ~= nil
end

-- Finds the squeezed phrases one after another in text; returns the first missing one or nil.
local function in_order(text, phrases)
  local at = 1
  for _, ph in ipairs(phrases) do
    local i, j = text:find(P.squeeze(ph), at, true)
    if not i then return ph end
    at = j + 1
  end
  return nil
end

local function settings(dir)
  local s = {}
  for _, r in ipairs(P.read_csv(dir .. "/district.csv")) do s[r.key] = r.value end
  return s
end

-- ---- the list of low schools, computed from results.csv (DESIGN.md, low_rule=fioko) ----

local COUNTED = {
  ["ВПР|Математика|5"] = true, ["ВПР|Математика|6"] = true, ["ВПР|Русский язык|5"] = true,
  ["ВПР|Русский язык|6"] = true, ["ОГЭ|Математика|9"] = true, ["ОГЭ|Русский язык|9"] = true,
  ["ЕГЭ|Математика (базовая)|11"] = true, ["ЕГЭ|Математика (профильная)|11"] = true,
}

local function low_schools(dir, year)
  local n = {}   -- n[id][y] = number of low counted results
  for _, r in ipairs(P.read_csv(dir .. "/results.csv")) do
    local y, part = tonumber(r.year), tonumber(r.participants)
    if (y == year - 1 or y == year - 2) and COUNTED[r.procedure .. "|" .. r.subject .. "|" .. r.grade] and part >= 5 then
      local fail = tonumber(r.m2 or r.below_min or "")
      if fail and fail * 100 >= 30 * part then
        n[r.school_id] = n[r.school_id] or {}
        n[r.school_id][y] = (n[r.school_id][y] or 0) + 1
      end
    end
  end
  local out = {}
  for id, c in pairs(n) do
    local y1, y2 = c[year - 1] or 0, c[year - 2] or 0
    if y1 >= 2 or (y1 >= 1 and y2 >= 1) then out[#out + 1] = id end
  end
  table.sort(out)
  return out
end

local s = settings(sample)
local year = tonumber(s.report_year)
local schools = P.read_csv(sample .. "/schools.csv")
local by_id = {}
for _, r in ipairs(schools) do by_id[r.school_id] = r end
local low = low_schools(sample, year)
P.check("the low schools computed from results.csv are the README's 2406, 2407, 2408, 2411, 2412",
  table.concat(low, " ") == "2406 2407 2408 2411 2412", table.concat(low, " "))

-- ---- the order ----

local out = tmp .. "/o"
local log, code = run(sample, out)
P.check("order: exit 0", code == 0, log)
local pdf = out .. "/order.pdf"
P.check("order: qpdf finds nothing", P.qpdf_problem(pdf) == nil, P.qpdf_problem(pdf))
P.check("order: fonts embedded with Unicode maps", P.fonts_problem(pdf) == nil, P.fonts_problem(pdf))
P.check("order: no warnings file when every dative is known", not exists(out .. "/order/warnings.txt"))
local info = P.sh("pdfinfo " .. P.quote(pdf))
P.check("order: PDF title says it is a приказ", info:find("Title:%s+Приказ") ~= nil, info)

local pages = P.pages(pdf)
local all = P.squeeze(table.concat(pages, "\n"))
local date = s.order_date   -- dd.mm.yyyy in the sample
local missing = in_order(all, {
  "ПРИКАЗ", date, "№ " .. s.order_number, s.place,
  "Об утверждении перечня школ с низкими образовательными результатами и плана мероприятий",
  "В соответствии с", "на основании результатов оценочных процедур", "ПРИКАЗЫВАЮ:",
  "1. Утвердить перечень", "(приложение 1)", "2. Утвердить план мероприятий", "(приложение 2)",
  "3. Утвердить результаты оценки", "(приложение 3)", "4. Закрепить",
  "4.1. МБОУ «Еловская СОШ» — МБОУ «Кедровская СОШ № 1», куратор — Корнилова Т.А.;",
  "4.5. МБОУ «Малокемская ООШ» — МБОУ «Кедровская гимназия», куратор — Завадская И.М. 5. Рекомендовать",
  "руководителям", "5.1.", "5.6.", "6. Руководителям школ-лидеров",
  "7. Настоящий приказ разместить", "8. Контроль за исполнением настоящего приказа оставляю за собой.",
  s.head_position, s.head_name, "Исполнитель: " .. s.executor_name, s.executor_phone,
  "Приложение № 1", "Приложение № 2", "Приложение № 3",
})
P.check("order: requisites, title, preamble, points 1–8, signature, executor and appendices in order",
  missing == nil, missing)
P.check("order: no ПОСТАНОВЛЯЕТ in a приказ", not all:find("ПОСТАНОВЛЯЕТ", 1, true))

-- Directors named in the dative after «Рекомендовать руководителям» (hand-declined; 2406,
-- 2407 have director_dative in schools.csv, Гончаренко does not decline).
local dative = { ["2406"] = "Мельничук Л.В.", ["2407"] = "Седых Н.А.", ["2408"] = "Кравцовой Е.Ю.",
  ["2411"] = "Добровольскому П.Е.", ["2412"] = "Гончаренко М.В." }
local heads = {}
for _, id in ipairs(low) do heads[#heads + 1] = by_id[id].short_name .. " (" .. dative[id] .. ")" end
P.check("order: «Рекомендовать руководителям …» names each low school and its director in the dative",
  in_order(all, { "5. Рекомендовать руководителям " .. table.concat(heads, ", ") .. ":" }) == nil,
  table.concat(heads, ", "))

-- Each appendix begins a page with its mark; the executor ends the page before appendix 1.
local first = {}
for i, p in ipairs(pages) do
  for k = 1, 3 do
    if P.squeeze(p):find(P.squeeze("Приложение № " .. k), 1, true) then first[k] = first[k] or i end
  end
end
for k = 1, 3 do
  local p = pages[first[k] or 1]
  local head = P.squeeze(p):sub(1, 200)
  P.check("order: appendix " .. k .. " starts its page with «Приложение № " .. k .. " к приказу … от " .. date ..
    " № " .. s.order_number .. "»", first[k] and head:find(P.squeeze("Приложение № " .. k .. " к приказу"), 1, true) == 1
    and head:find(P.squeeze("от " .. date .. " № " .. s.order_number), 1, true) ~= nil, head)
end
P.check("order: appendices in order, each on a new page", first[1] and first[2] and first[3]
  and first[1] < first[2] and first[2] < first[3])
local last_text = pages[(first[1] or 2) - 1] or ""
P.check("order: the executor is at the end of the last page of the order text, with the control point",
  last_text:find("Исполнитель:", 1, true) and P.squeeze(last_text):find(P.squeeze("Контроль за исполнением"), 1, true))

local function pages_text(a, b)
  local t = {}
  for i = a, b do t[#t + 1] = pages[i] end
  return P.squeeze(table.concat(t, "\n"))
end

-- Appendix 1: exactly the low schools (full names), with the results that put them there.
local app1 = pages_text(first[1], first[2] - 1)
P.check("appendix 1: header «Перечень общеобразовательных организаций с низкими образовательными результатами»",
  app1:find(P.squeeze("Перечень общеобразовательных организаций с низкими образовательными результатами"), 1, true))
local wrong = {}
for _, r in ipairs(schools) do
  local listed = app1:find(P.squeeze(r.name), 1, true) ~= nil
  local is_low = false
  for _, id in ipairs(low) do is_low = is_low or id == r.school_id end
  if listed ~= is_low then wrong[#wrong + 1] = r.school_id .. (listed and " listed" or " missing") end
end
P.check("appendix 1 lists exactly the computed low schools", #wrong == 0, table.concat(wrong, ", "))
P.check("appendix 1 gives the triggering results (2406: ВПР math 5, 6 of 17 = 35,3 %; 2408: ЕГЭ profile below minimum 2 of 5)",
  app1:find(P.squeeze("ВПР по математике, 5 класс, 2023 г.: «2» у 6 из 17 участников (35,3 %)"), 1, true)
  and app1:find(P.squeeze("ниже минимального порога у 2 из 5 участников (40,0 %)"), 1, true))

-- Appendix 2: the plan from roadmap.csv, every measure printed.
local app2 = pages_text(first[2], first[3] - 1)
P.check("appendix 2: header «План мероприятий»", app2:find(P.squeeze("План мероприятий по повышению качества образования"), 1, true))
local lost = {}
for _, r in ipairs(P.read_csv(sample .. "/roadmap.csv")) do
  local m = r.measure:gsub("^%d+%.%s*", "")
  if not app2:find(P.squeeze(m), 1, true) then lost[#lost + 1] = m end
end
P.check("appendix 2: every measure of roadmap.csv is in the plan", #lost == 0, table.concat(lost, " | "))

-- Appendix 3: the checklist with every school.
local app3 = pages_text(first[3], #pages)
P.check("appendix 3: header «Критерии отнесения»", app3:find(P.squeeze("Критерии отнесения общеобразовательных организаций"), 1, true))
local absent = {}
for _, r in ipairs(schools) do
  if not app3:find(P.squeeze(r.short_name), 1, true) then absent[#absent + 1] = r.school_id end
end
P.check("appendix 3: every school is in the checklist", #absent == 0, table.concat(absent, ", "))

-- ---- постановление, with another date and number ----

local out2 = tmp .. "/p"
log, code = run(sample, out2, "--set kind=postanovlenie --set order_date=15.10.2024 --set order_number=301")
P.check("postanovlenie: exit 0", code == 0, log)
local pdf2 = out2 .. "/order.pdf"
P.check("postanovlenie: qpdf finds nothing", P.qpdf_problem(pdf2) == nil, P.qpdf_problem(pdf2))
P.check("postanovlenie: fonts embedded", P.fonts_problem(pdf2) == nil, P.fonts_problem(pdf2))
local t2 = P.squeeze(P.text(pdf2))
missing = in_order(t2, { "ПОСТАНОВЛЕНИЕ", "15.10.2024", "№ 301", "ПОСТАНОВЛЯЕТ:", "1. Утвердить перечень",
  "Настоящее постановление разместить", "Контроль за исполнением настоящего постановления оставляю за собой.",
  "Приложение № 1 к постановлению", "от 15.10.2024 № 301", "Приложение № 2 к постановлению",
  "Приложение № 3 к постановлению" })
P.check("postanovlenie: ПОСТАНОВЛЕНИЕ, date and number from --set, ПОСТАНОВЛЯЕТ:, «к постановлению»", missing == nil, missing)
P.check("postanovlenie: no ПРИКАЗЫВАЮ and no «к приказу»",
  not t2:find("ПРИКАЗЫВАЮ", 1, true) and not t2:find(P.squeeze("к приказу"), 1, true))

-- ---- a director whose dative is unknown ----

local data3 = tmp .. "/unsure"
os.execute("cp -r " .. P.quote(sample) .. " " .. P.quote(data3))
local f = assert(io.open(data3 .. "/schools.csv", "rb"))
local csv = f:read("a")
f:close()
csv = csv:gsub("Мельничук Л%.В%.,Мельничук Л%.В%.,", "Мельничук Л.В.,,")
f = assert(io.open(data3 .. "/schools.csv", "wb"))
f:write(csv)
f:close()
local out3 = tmp .. "/u"
log, code = run(data3, out3)
P.check("unsure dative: exit 0", code == 0, log)
local w = io.open(out3 .. "/order/warnings.txt", "rb")
local wtext = w and w:read("a") or ""
if w then w:close() end
P.check("unsure dative: order/warnings.txt names the school and the director",
  wtext:find("2406", 1, true) and wtext:find("Мельничук Л.В.", 1, true) and wtext:find("director_dative", 1, true), wtext)
P.check("unsure dative: the order keeps the nominative «(Мельничук Л.В.)»",
  P.squeeze(P.text(out3 .. "/order.pdf")):find(P.squeeze("МБОУ «Еловская СОШ» (Мельничук Л.В.)"), 1, true))
local manifest = io.open(out3 .. "/manifest.csv"):read("a")
P.check("unsure dative: warnings.txt is in the manifest", manifest:find("order/warnings.txt", 1, true))

os.execute("rm -rf " .. P.quote(tmp))
os.exit(P.summary() and 0 or 1)
