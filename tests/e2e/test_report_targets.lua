-- End-to-end tests of reports/target_monitoring.lua: runs otchet on the sample dataset and on
-- tests/data/targets/*, and checks the PDF with qpdf, pdffonts and pdftotext against values
-- computed here by plain arithmetic from the sample's CSV files (measures.csv sums, shares of
-- participants.csv) and, for the dynamics indicators 8.x, the README's hand-computed figures.
-- Usage: lua5.4 tests/e2e/test_report_targets.lua OTCHET SAMPLE_DIR TARGETS_DATA_DIR
package.path = "tests/e2e/?.lua;" .. package.path
local P = require("pdfcheck")
local otchet, sample, data = arg[1], arg[2], arg[3]
local NB, MINUS = "\u{00A0}", "\u{2212}"

local tmp = os.tmpname()
os.remove(tmp)
local function run(args)
  return P.sh(P.quote(otchet) .. " " .. args)
end

-- ---- text helpers (UTF-8 safe: only ASCII white space, hyphens and the NBSP go) ----

local function plain(s) return (s:gsub(NB, " "):gsub("\u{2011}", "-")) end
local function squeeze(s) return (plain(s):gsub("%-\n", ""):gsub("[%s%-]", "")) end
local function has(hay, needle) return squeeze(hay):find(squeeze(needle), 1, true) ~= nil end

-- Rounded half away from zero to k decimals, decimal comma, no sign.
local function fmt(x, k)
  local m = 10 ^ k
  local r = math.floor(math.abs(x) * m + 0.5 + 1e-9) / m
  return (string.format("%." .. k .. "f", r):gsub("%.", ","))
end
local function signed(x, k)
  local s = fmt(x, k)
  if not s:find("[1-9]") then return s end
  return (x < 0 and MINUS or "+") .. s
end

-- ---- expected values, computed from the CSV files ----

-- measure indicators: value of `code` in `year` in its unit (boolean for да-нет, percent for %).
local function measure(rows, code, unit, year)
  local dist, num, den, sum, any = nil, 0, 0, 0, false
  for _, r in ipairs(rows) do
    if r.indicator == code and tonumber(r.year) == year then
      if not r.school_id then dist = r
      else
        any = true
        num, den = num + (tonumber(r.numerator) or 0), den + (tonumber(r.denominator) or 0)
        sum = sum + (tonumber(r.value) or tonumber(r.numerator) or 0)
      end
    end
  end
  if dist then
    if dist.value then
      if unit == "да-нет" then return tonumber(dist.value) ~= 0 end
      return tonumber(dist.value)
    end
    if unit == "%" then return tonumber(dist.numerator) * 100 / tonumber(dist.denominator) end
    return tonumber(dist.numerator)
  end
  if not any then return nil end
  if unit == "шт." then return sum end
  return num * 100 / den
end

-- Per-participant indicators of seed 002 from participants.csv: { num, den } each.
local function participant_shares(people_rows, thresholds, year)
  local oge, ege = {}, {}
  for _, r in ipairs(people_rows) do
    if tonumber(r.year) == year then
      local bucket = r.procedure == "ОГЭ" and oge or ege
      local key = r.school_id .. "/" .. r.participant
      bucket[key] = bucket[key] or {}
      table.insert(bucket[key], r)
    end
  end
  local out = { oge12 = { 0, 0 }, ege_min = { 0, 0 }, ege220 = { 0, 0 } }
  for _, exams in pairs(oge) do
    local marks = {}
    for _, e in ipairs(exams) do marks[#marks + 1] = tonumber(e.mark) or 0 end
    table.sort(marks, function(a, b) return a > b end)
    local s = (marks[1] or 0) + (marks[2] or 0) + (marks[3] or 0) + (marks[4] or 0)
    out.oge12[2] = out.oge12[2] + 1
    if #marks >= 4 and s >= 12 then out.oge12[1] = out.oge12[1] + 1 end
  end
  for _, exams in pairs(ege) do
    local all_min, scores = true, {}
    for _, e in ipairs(exams) do
      if e.score then
        scores[#scores + 1] = tonumber(e.score)
        if tonumber(e.score) < assert(thresholds[e.subject], e.subject) then all_min = false end
      elseif tonumber(e.mark) < 3 then all_min = false end
    end
    table.sort(scores, function(a, b) return a > b end)
    out.ege_min[2], out.ege220[2] = out.ege_min[2] + 1, out.ege220[2] + 1
    if all_min then out.ege_min[1] = out.ege_min[1] + 1 end
    if all_min and #scores >= 3 and scores[1] + scores[2] + scores[3] >= 220 then out.ege220[1] = out.ege220[1] + 1 end
  end
  return out
end

-- README «Target indicators»: the dynamics shares (schools with positive dynamics of the
-- comparable cluster-1 schools), 2024 and 2023.
local README_8X = {
  ["8.1"] = { { 4, 5 }, { 1, 2 } }, ["8.2"] = { { 3, 5 }, { 0, 2 } },
  ["8.3"] = { { 3, 5 }, { 1, 2 } }, ["8.4"] = { { 5, 5 }, { 1, 2 } },
}

local function expected_values(dir, year)
  local targets = P.read_csv(dir .. "/targets.csv")
  local measures = P.read_csv(dir .. "/measures.csv")
  local thresholds = {}
  for _, r in ipairs(P.read_csv(dir .. "/thresholds.csv")) do thresholds[r.subject] = tonumber(r.min_score) end
  local people = P.read_csv(dir .. "/participants.csv")
  local per = { [year] = participant_shares(people, thresholds, year),
                [year - 1] = participant_shares(people, thresholds, year - 1) }
  local by_source = { ["oge_marks_sum_share(12)"] = "oge12", ["ege_all_above_min_share()"] = "ege_min",
                      ["ege_top3_sum_share(220)"] = "ege220" }
  local out = {}
  for _, t in ipairs(targets) do
    local e = { code = t.code, unit = t.unit, name = t.name, t = t }
    local function value_of(y)
      if t.source == "measure" then return measure(measures, t.code, t.unit, y) end
      if README_8X[t.code] then
        local f = README_8X[t.code][y == year and 1 or 2]
        return f[1] * 100 / f[2]
      end
      local key = assert(by_source[t.source], "no independent value for " .. t.source)
      return per[y][key][1] * 100 / per[y][key][2]
    end
    e.actual, e.prev = value_of(year), value_of(year - 1)
    local tt = t["target_" .. year]
    if tt == "да" or tt == "нет" then e.target = tt == "да" else e.target = tonumber((tt:gsub(",", "."))) end
    if type(e.target) == "boolean" then e.achieved = e.actual == e.target
    else e.achieved = e.actual >= e.target - 1e-9 end
    out[#out + 1] = e
  end
  return out, per
end

-- How the row prints: unit, target, actual, achieved, prev, change, in table order.
local function value_text(unit, v, is_target)
  if type(v) == "boolean" then return v and "да" or "нет" end
  if unit == "%" and not is_target then return fmt(v, 1) end
  return v == math.floor(v) and string.format("%d", v) or fmt(v, 1)
end

local function row_text(e)
  local change = "—"
  if type(e.actual) == "number" and type(e.prev) == "number" then
    change = e.unit == "%" and (signed(e.actual - e.prev, 1) .. " п.п.") or signed(e.actual - e.prev, 0)
  end
  return table.concat({ e.unit, value_text(e.unit, e.target, true), value_text(e.unit, e.actual),
    e.achieved and "достигнут" or "не достигнут", value_text(e.unit, e.prev), change }, " ")
end

-- The text of each table row: from the line that starts with the code to the next row's code
-- (within the part of the document before the conclusions).
local function row_chunks(text, codes, stop)
  local body = text:sub(1, (text:find(stop, 1, true) or #text + 1) - 1)
  local starts = {}
  for i, code in ipairs(codes) do
    local pat = "\n" .. code:gsub("%.", "%%.") .. " "
    starts[i] = body:find(pat)
  end
  local chunks = {}
  for i, code in ipairs(codes) do
    if starts[i] then
      local stop_at = #body
      for j = i + 1, #codes do if starts[j] then stop_at = starts[j]; break end end
      chunks[code] = body:sub(starts[i], stop_at)
    end
  end
  return chunks
end

local function landscape_pages(pdf)
  local info = P.sh("pdfinfo -f 1 -l 999 " .. P.quote(pdf))
  local n, all = 0, true
  for w, h in info:gmatch("Page%s+%d+%s+size:%s+([%d.]+) x ([%d.]+)") do
    n = n + 1
    if tonumber(w) <= tonumber(h) then all = false end
  end
  return n > 0 and all
end

local function pdf_basics(name, pdf)
  P.check(name .. ": qpdf finds nothing", P.qpdf_problem(pdf) == nil, P.qpdf_problem(pdf))
  P.check(name .. ": fonts embedded with Unicode maps", P.fonts_problem(pdf) == nil, P.fonts_problem(pdf))
  P.check(name .. ": landscape pages (the table is wide)", landscape_pages(pdf))
end

-- ---- the sample ----
do
  local out = tmp .. "/sample"
  local log, code = run("run target_monitoring --data " .. P.quote(sample) .. " --out " .. P.quote(out))
  P.check("sample: target_monitoring exits 0", code == 0, log)
  local pdf = out .. "/target_monitoring.pdf"
  pdf_basics("sample", pdf)
  local pages = P.page_count(pdf)
  P.check("sample: 2 to 5 pages (" .. tostring(pages) .. ")", pages and pages >= 2 and pages <= 5)
  local text = plain(P.text(pdf))
  local flat = squeeze(text)
  local year = 2024
  local exp, per = expected_values(sample, year)

  -- the independent per-participant figures agree with the README's hand-computed ones
  P.check("README: 9.1 = 260/312, 9.2 = 108/130, 9.3 = 14/130 in 2024",
    per[2024].oge12[1] == 260 and per[2024].oge12[2] == 312 and per[2024].ege_min[1] == 108
    and per[2024].ege_min[2] == 130 and per[2024].ege220[1] == 14 and per[2024].ege220[2] == 130)
  P.check("README: 9.1 = 235/296, 9.2 = 113/134, 9.3 = 17/134 in 2023",
    per[2023].oge12[1] == 235 and per[2023].oge12[2] == 296 and per[2023].ege_min[1] == 113
    and per[2023].ege_min[2] == 134 and per[2023].ege220[1] == 17 and per[2023].ege220[2] == 134)

  P.check("sample: title «О результатах мониторинга целевых показателей за 2024 год»",
    has(text, "О результатах мониторинга целевых показателей за 2024 год"))
  local codes = {}
  for i, e in ipairs(exp) do codes[i] = e.code end
  local chunks = row_chunks(text, codes, "2. Итоги мониторинга")
  local met, sections = 0, {}
  for _, e in ipairs(exp) do
    local chunk = chunks[e.code] and squeeze(chunks[e.code]) or ""
    P.check("sample: " .. e.code .. " row: " .. row_text(e), has(chunk, row_text(e)), chunks[e.code])
    P.check("sample: " .. e.code .. " name printed", has(chunk, e.name))
    local years = {}
    for _, y in ipairs({ 2023, 2024, 2025 }) do
      local v = e.t["target_" .. y]
      years[#years + 1] = y .. " – " .. v .. (e.unit == "%" and " %" or "")
    end
    local all_years = true
    for _, line in ipairs(years) do all_years = all_years and has(chunk, line) end
    P.check("sample: " .. e.code .. " targets of every program year (" .. table.concat(years, ", ") .. ")", all_years)
    if e.achieved then met = met + 1 end
    local section = e.t.section
    if not sections[section] then
      sections[section] = true
      P.check("sample: section heading row «" .. section .. "»", has(text, section))
    end
  end
  P.check("sample: 9 of 13 met by the independent computation (README)", met == 9 and #exp == 13, met)
  P.check("sample: summary «Достигнуто " .. met .. " из " .. #exp .. " целевых показателей»",
    has(text, "Достигнуто " .. met .. " из " .. #exp .. " целевых показателей"))
  local summary = flat:sub((flat:find(squeeze("2. Итоги мониторинга"), 1, true) or #flat))
  for _, e in ipairs(exp) do
    if not e.achieved then
      P.check("sample: summary lists not achieved " .. e.code, has(summary, e.code .. " «"))
    end
  end
  P.check("sample: chart of plan and fact", has(text, "Плановые и фактические значения показателей"))
  P.check("sample: no notes (every value computed)", not has(text, "Примечания:"))
  local last = P.pages(pdf)
  last = plain(last[#last] or "")
  P.check("sample: signature and executor on the last page",
    has(last, "Начальник Управления образования") and has(last, "Н.В. Голубева")
    and has(last, "Исполнитель: Тарасюк Елена Андреевна, тел. 8 (39164) 2-17-48"))
end

-- ---- a targets.csv whose expressions fail: the document renders with notes ----
do
  local dir = data .. "/failing_expression"
  local out = tmp .. "/failing"
  local log, code = run("run target_monitoring --data " .. P.quote(dir) .. " --out " .. P.quote(out))
  P.check("failing expressions: target_monitoring still exits 0", code == 0, log)
  local pdf = out .. "/target_monitoring.pdf"
  pdf_basics("failing expressions", pdf)
  local text = plain(P.text(pdf))
  local chunks = row_chunks(text, { "1.1", "2.1", "2.2", "2.3", "3.1", "5.1" }, "Примечания:")
  local notes = text:sub(text:find("Примечания:", 1, true) or #text)
  local function note_for(code, target, n, words)
    P.check("failing expressions: " .. code .. " has no value and refers to note " .. n,
      has(chunks[code] or "", "% " .. target .. " — (прим. " .. n .. ") нет данных"), chunks[code])
    local ok = has(notes, n .. ". Показатель " .. code .. ":")
    for _, w in ipairs(words) do ok = ok and has(notes, w) end
    P.check("failing expressions: note " .. n .. " on " .. code .. " says " .. table.concat(words, ", "), ok, notes)
  end
  note_for("2.1", 60, 1, { "значение не рассчитано", "targets.csv (строка 3)", "«no_such_function»" })
  note_for("2.2", 60, 2, { "targets.csv (строка 4)", "ожидается сумма отметок" })
  note_for("2.3", 85, 3, { "нужен файл participants.csv" })
  note_for("5.1", 40, 4, { "в measures.csv нет значения показателя за 2024 г." })
  -- 3.1 fail_share is lower-is-better: 2024 (2+6+1)/(25+28+12) = 13,8 % ≤ 14 → met;
  -- 2023 (4+3+2)/(20+30+10) = 15,0 %; change −1,2 п.п.
  local fail24, fail23 = 9 * 100 / 65, 9 * 100 / 60
  P.check("failing expressions: 3.1 row " .. fmt(fail24, 1) .. " against 14, marked *",
    has(chunks["3.1"] or "", "(ВПР) * % 14 " .. fmt(fail24, 1) .. " достигнут " .. fmt(fail23, 1) .. " "
      .. signed(fail24 - fail23, 1) .. " п.п."), chunks["3.1"])
  P.check("failing expressions: the lower-is-better note", has(notes, "* Для показателя лучше меньшее значение"))
  P.check("failing expressions: 1.1 (да-нет) row", has(chunks["1.1"] or "", "да-нет да да достигнут нет —"))
  P.check("failing expressions: summary «Достигнуто 2 из 6 целевых показателей» and 4 not assessed",
    has(text, "Достигнуто 2 из 6 целевых показателей") and has(text, "Не оценено достижение 4 показателей (2.1, 2.2, 2.3 и 5.1)"))
end

-- ---- no targets.csv: `all` skips the report and writes the others ----
do
  local out = tmp .. "/no_targets"
  local log, code = run("all --data " .. P.quote(data .. "/no_targets") .. " --out " .. P.quote(out))
  P.check("no targets.csv: `all` does not fail on target_monitoring",
    (code == 0 or code == 3) and not log:find("target_monitoring не построен", 1, true), log)
  P.check("no targets.csv: target_monitoring skipped with a message",
    log:find("отчёт target_monitoring пропущен: нет targets.csv", 1, true) ~= nil, log)
  local f = io.open(out .. "/target_monitoring.pdf", "rb")
  P.check("no targets.csv: no target_monitoring.pdf", f == nil)
  if f then f:close() end
  local mf = io.open(out .. "/manifest.csv", "rb")
  local manifest = mf and mf:read("a") or ""
  if mf then mf:close() end
  P.check("no targets.csv: manifest lists school_rating, not target_monitoring",
    manifest:find("school_rating.pdf", 1, true) and not manifest:find("target_monitoring", 1, true), manifest)
end

os.execute("rm -rf " .. P.quote(tmp))
os.exit(P.summary() and 0 or 1)
