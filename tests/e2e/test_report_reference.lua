-- End-to-end tests of the аналитическая справка (reports/analytical_reference.lua): runs otchet
-- on the sample and on small datasets with gaps, checks the PDF with qpdf and pdffonts, and
-- checks the numbers it prints — every results table of the report year, the summary, ВПР
-- objectivity, results at or above the threshold, identification with its triggers, clusters,
-- per-participant indicators and the generated conclusions — against values computed here from
-- the dataset's CSV files with plain integer arithmetic (never with the library under test).
-- Also the CSV exports (BOM, ";", CRLF, decimal comma, values) and that no participant code
-- appears in any output.
-- Usage: lua5.4 tests/e2e/test_report_reference.lua OTCHET SAMPLE_DIR EXTRA_DATASETS_DIR
package.path = "tests/e2e/?.lua;" .. package.path
local P = require("pdfcheck")
local otchet, sample, extra = arg[1], arg[2], arg[3]

local MINUS, DASH = "\u{2212}", "—"
local THRESHOLD, MIN_N, TOL, SMALL = 30, 5, 1, 100
local COUNTED = { { "ВПР", "Математика", 5 }, { "ВПР", "Математика", 6 }, { "ВПР", "Русский язык", 5 },
  { "ВПР", "Русский язык", 6 }, { "ОГЭ", "Математика", 9 }, { "ОГЭ", "Русский язык", 9 },
  { "ЕГЭ", "Математика (базовая)", 11 }, { "ЕГЭ", "Математика (профильная)", 11 } }
local EXAM = { ["ОГЭ"] = true, ["ЕГЭ"] = true, ["ГВЭ"] = true }
local DATIVE = { ["Русский язык"] = "русскому языку", ["Математика"] = "математике",
  ["Окружающий мир"] = "окружающему миру", ["История"] = "истории",
  ["Читательская грамотность"] = "читательской грамотности", ["Биология"] = "биологии",
  ["География"] = "географии", ["Информатика"] = "информатике", ["Обществознание"] = "обществознанию",
  ["Физика"] = "физике", ["Химия"] = "химии", ["Математика (базовая)"] = "математике (базовой)",
  ["Математика (профильная)"] = "математике (профильной)" }
local DEFAULT_MIN = { ["Русский язык"] = 24, ["Математика (профильная)"] = 27, ["Обществознание"] = 42,
  ["Информатика"] = 40, ["География"] = 37, ["Физика"] = 36, ["Химия"] = 36, ["Биология"] = 36,
  ["История"] = 32, ["Литература"] = 32 }

-- ---- numbers, by hand ----

local POW = { [0] = 1, 10, 100 }

local function group(int)
  if #int < 5 then return int end
  return (int:reverse():gsub("(%d%d%d)", "%1 "):reverse():gsub("^ ", ""))
end

-- q / d rounded half away from zero (integers, d > 0).
local function rdiv(q, d)
  if q >= 0 then return (2 * q + d) // (2 * d) end
  return -((-2 * q + d) // (2 * d))
end

-- An integer count of 10^-k units as printed: "14,9", "3,37", "−3,0", "+2,7".
local function fixed(units, k, signed)
  local a = math.abs(units)
  local s = group(tostring(a // POW[k]))
  if k > 0 then s = s .. "," .. string.format("%0" .. k .. "d", a % POW[k]) end
  if units < 0 then return MINUS .. s end
  if signed and units > 0 then return "+" .. s end
  return s
end

local function pct(a, b)
  if not a or not b or b == 0 then return DASH end
  return fixed(rdiv(1000 * a, b), 1)
end
local function pctp(a, b) local s = pct(a, b) return s == DASH and s or (s .. " %") end
local function mean2(sum, n) if n == 0 then return DASH end return fixed(rdiv(100 * sum, n), 2) end
local function int(n) return n and group(tostring(n)) or DASH end
-- a1/n1 − a0/n0 in п.п., one decimal, signed.
local function diff_pp(a0, n0, a1, n1)
  if not (a0 and a1) or n0 == 0 or n1 == 0 then return DASH end
  return fixed(rdiv(1000 * (a1 * n0 - a0 * n1), n0 * n1), 1, true)
end
local function tenths(s) local i, f = s:match("^(%d+)%.?(%d?)") return tonumber(i) * 10 + tonumber(f ~= "" and f or "0") end
local function plural(n, one, few, many)
  n = n % 100
  if n >= 11 and n <= 14 then return many end
  n = n % 10
  return n == 1 and one or (n >= 2 and n <= 4) and few or many
end
local function schools_word(n) return n .. " " .. plural(n, "школа", "школы", "школ") end

-- ---- the dataset ----

local NUMS = { "year", "grade", "participants", "m2", "m3", "m4", "m5", "below_min", "high_score", "lowered",
  "confirmed", "raised" }

local function load(dir)
  local D = { dir = dir, results = {}, schools = P.read_csv(dir .. "/schools.csv"), settings = {} }
  for _, r in ipairs(P.read_csv(dir .. "/district.csv")) do D.settings[r.key] = r.value end
  for _, r in ipairs(P.read_csv(dir .. "/results.csv")) do
    for _, k in ipairs(NUMS) do r[k] = r[k] and tonumber(r[k]) end
    D.results[#D.results + 1] = r
  end
  D.by_id = {}
  for _, s in ipairs(D.schools) do
    D.by_id[s.school_id] = s
    s.students = s.students and tonumber(s.students)
  end
  local years, seen = {}, {}
  for _, r in ipairs(D.results) do if not seen[r.year] then seen[r.year] = true; years[#years + 1] = r.year end end
  table.sort(years)
  D.years = years
  D.Y = tonumber(D.settings.report_year) or years[#years]
  local function try(name) local f = io.open(dir .. "/" .. name) if f then f:close() return P.read_csv(dir .. "/" .. name) end end
  D.participants, D.risks, D.thresholds = try("participants.csv"), try("risks.csv"), try("thresholds.csv")
  return D
end

local function name_of(s) return s.short_name or s.name end

local function get(D, proc, subj, grade, id, year)
  for _, r in ipairs(D.results) do
    if r.procedure == proc and r.subject == subj and r.grade == grade and r.school_id == id and r.year == year then return r end
  end
end

local function rows_of(D, proc, subj, grade, year)
  local out = {}
  for _, r in ipairs(D.results) do
    if r.procedure == proc and r.subject == subj and r.grade == grade and (not year or r.year == year) then out[#out + 1] = r end
  end
  return out
end

-- Sums of the counts of rows; ms/mn: participant-weighted mean score in tenths.
local function sum(rows)
  local t = { participants = 0, rows = #rows, ms = 0, mn = 0 }
  for _, r in ipairs(rows) do
    t.participants = t.participants + r.participants
    for _, k in ipairs({ "m2", "m3", "m4", "m5", "below_min", "high_score", "lowered", "confirmed", "raised" }) do
      if r[k] then t[k] = (t[k] or 0) + r[k] end
    end
    if r.mean_score then t.ms, t.mn = t.ms + tenths(r.mean_score) * r.participants, t.mn + r.participants end
  end
  return t
end

local function combos_of(D, year)
  local out, seen = {}, {}
  for _, r in ipairs(D.results) do
    local k = r.procedure .. "|" .. r.subject .. "|" .. r.grade
    if r.year == year and not seen[k] then
      seen[k] = true
      local c = { procedure = r.procedure, subject = r.subject, grade = r.grade }
      for _, x in ipairs(rows_of(D, c.procedure, c.subject, c.grade)) do
        if x.m2 then c.marks = true end
        if x.mean_score then c.score = true end
      end
      c.levels = c.procedure == "КДР" and c.marks
      c.exam = EXAM[c.procedure]
      for _, p in ipairs(COUNTED) do
        if p[1] == c.procedure and p[2] == c.subject and p[3] == c.grade then c.counted = true end
      end
      out[#out + 1] = c
    end
  end
  return out
end

local function about(c, with_proc)
  return (with_proc and ("на " .. c.procedure .. " ") or "") .. "по " .. DATIVE[c.subject]
    .. (c.exam and "" or (" в " .. c.grade .. " классах"))
end

-- The printed cells of one counts record (a results row or a sum) in a results table.
local function cells(c, t)
  local p = t.participants
  if c.marks then
    local out = { int(p), pct(t.m2, p), pct(t.m3, p), pct(t.m4, p), pct(t.m5, p),
      pct(t.m3 and (t.m3 + t.m4 + t.m5), p), pct(t.m4 and (t.m4 + t.m5), p) }
    if not c.levels then out[#out + 1] = t.m2 and mean2(2 * t.m2 + 3 * t.m3 + 4 * t.m4 + 5 * t.m5, p) or DASH end
    if c.score then out[#out + 1] = t.mn > 0 and fixed(rdiv(t.ms, t.mn), 1) or DASH end
    return out
  end
  return { int(p), t.mn > 0 and fixed(rdiv(t.ms, t.mn), 1) or DASH, int(t.below_min), pct(t.below_min, p),
    int(t.high_score), pct(t.high_score, p) }
end

local function prev_year(D, c)
  for i = #D.years, 1, -1 do
    local y = D.years[i]
    if y < D.Y and #rows_of(D, c.procedure, c.subject, c.grade, y) > 0 then return y end
  end
end

-- Failing count and total of a row or sum: «2» where marks are given, else below_min.
local function failing(t)
  if t.m2 and t.participants > 0 then return t.m2, t.participants end
  if t.below_min and t.participants > 0 then return t.below_min, t.participants end
end

-- ---- the printed text ----

local function norm(s)
  return (s:gsub("\u{00AD}", ""):gsub("%-\n", ""):gsub("\u{00A0}", " "):gsub("%s+", " "))
end

-- The part of text t from the first occurrence of `from` (after position `at`) to `to` (or the end).
local function region(t, from, to, at)
  local i = t:find(from, at or 1, true)
  if not i then return nil end
  local j = to and t:find(to, i + #from, true)
  return t:sub(i, j and (j - 1) or #t)
end

-- The text after the last occurrence of a section heading (the first is in the contents).
local function section(t, heading_pattern, next_pattern)
  local last, last_end, pos = nil, nil, 1
  while true do
    local i, e = t:find(heading_pattern, pos)
    if not i then break end
    last, last_end, pos = i, e, e + 1
  end
  if not last then return "" end
  local j = next_pattern and t:find(next_pattern, last_end + 1)
  return t:sub(last, j and (j - 1) or #t)
end

local function has(hay, needle) return hay ~= nil and hay:find(needle, 1, true) ~= nil end

-- Is `name` the organisation cell of a numbered row ("7 МБОУ «…» …") somewhere in hay?
local function row_has(hay, name)
  local pos = 1
  while hay do
    local i, e = hay:find(name, pos, true)
    if not i then return false end
    if hay:sub(1, i - 1):find("%d+ $") then return true end
    pos = e + 1
  end
  return false
end

-- ---- checks ----

local function run(dir, out, more)
  local log, code = P.sh(P.quote(otchet) .. " run analytical_reference --data " .. P.quote(dir) .. " --out "
    .. P.quote(out) .. (more or ""))
  return code, log
end

local function pdf_basics(name, pdf)
  P.check(name .. ": qpdf finds nothing", P.qpdf_problem(pdf) == nil, P.qpdf_problem(pdf))
  P.check(name .. ": fonts embedded with Unicode maps", P.fonts_problem(pdf) == nil, P.fonts_problem(pdf))
end

-- Every results table of the report year: school rows and district rows, in order, contiguous.
local function check_result_tables(name, D, text)
  local bad, n = {}, 0
  for _, c in ipairs(combos_of(D, D.Y)) do
    n = n + 1
    local cap = " — Результаты " .. c.procedure .. " по " .. DATIVE[c.subject]
      .. (c.exam and "" or (", " .. c.grade .. " класс")) .. ", " .. D.Y .. " г., по ОО"
    local reg = region(text, cap, "Таблица ")
    local body, i, small, zero = {}, 0, false, false
    for _, s in ipairs(D.schools) do
      local r = get(D, c.procedure, c.subject, c.grade, s.school_id, D.Y)
      if r then
        i = i + 1
        local mark = (r.participants > 0 and r.participants < MIN_N) and "*" or ""
        small, zero = small or mark == "*", zero or r.participants == 0
        body[#body + 1] = i .. " " .. name_of(s) .. mark .. " " .. table.concat(cells(c, sum({ r })), " ")
      end
    end
    local missing = false
    for k = #D.years, 1, -1 do
      local y = D.years[k]
      if y <= D.Y then
        local rows = rows_of(D, c.procedure, c.subject, c.grade, y)
        local label = (y == D.Y and "Итого по округу, " or "По округу, ") .. y .. " г."
        if #rows == 0 then missing = true; body[#body + 1] = label .. " нет данных"
        else body[#body + 1] = label .. " " .. table.concat(cells(c, sum(rows)), " ") end
      end
    end
    local want = table.concat(body, " ")
    if not has(reg, want) then bad[#bad + 1] = cap .. "\n  want: " .. want .. "\n  got:  " .. tostring(reg):sub(1, 1500) end
    if small and not has(reg, "* Менее 5 участников: результат приведён для сведения") then bad[#bad + 1] = cap .. ": no * note" end
    if zero and not has(reg, "«—» — показатель не рассчитывается: нет участников.") then bad[#bad + 1] = cap .. ": no — note" end
    if missing and not has(reg, "«нет данных» — результаты процедуры за этот год в данных отсутствуют.") then
      bad[#bad + 1] = cap .. ": no «нет данных» note"
    end
  end
  P.check(name .. ": every number of the " .. n .. " results tables of " .. D.Y, #bad == 0 and n > 0, table.concat(bad, "\n"))
end

-- Section 1: the schools table with its totals and participation per procedure and year.
local function check_overview(name, D, text)
  local reg = section(text, "1%. Общие сведения", "2%. Сводные результаты")
  local bad, tot = {}, {}
  for i, s in ipairs(D.schools) do
    local cells = { i, name_of(s), s.kind or "", s.locality or "" }
    for _, k in ipairs({ "students", "teachers", "students_ovz" }) do
      local v = s[k] and tonumber(s[k])
      cells[#cells + 1] = int(v)
      if v then tot[k] = (tot[k] or 0) + v end
    end
    cells[#cells + 1] = (s.status or ""):gsub("|", ", ")
    local w = (table.concat(cells, " "):gsub("%s+", " "):gsub(" $", ""))
    if not has(reg, w) then bad[#bad + 1] = w end
  end
  local w = "Итого " .. int(tot.students) .. " " .. int(tot.teachers) .. " " .. int(tot.students_ovz)
  if not has(reg, w) then bad[#bad + 1] = w end
  local procs, seen = {}, {}
  for _, r in ipairs(D.results) do if not seen[r.procedure] then seen[r.procedure] = true; procs[#procs + 1] = r.procedure end end
  for _, p in ipairs(procs) do
    local combos, schools, cells = {}, {}, {}
    for _, r in ipairs(D.results) do
      if r.procedure == p and r.year == D.Y then combos[r.subject .. r.grade] = true; schools[r.school_id] = true end
    end
    local function count(t) local k = 0 for _ in pairs(t) do k = k + 1 end return k end
    cells = { p, count(combos), count(schools) }
    for _, y in ipairs(D.years) do
      local n, any = 0, false
      for _, r in ipairs(D.results) do if r.procedure == p and r.year == y then n, any = n + r.participants, true end end
      cells[#cells + 1] = any and int(n) or DASH
    end
    local wp = table.concat(cells, " ")
    if not has(reg, " " .. wp .. " ") then bad[#bad + 1] = wp end
  end
  P.check(name .. ": overview — every school row, totals and participation per procedure and year", #bad == 0,
    table.concat(bad, "\n"))
end

-- The summary tables of section 2: one row per procedure × subject × grade.
local function check_summary(name, D, text)
  local reg = section(text, "2%. Сводные результаты по округу", "3%. ")
  local bad = {}
  for _, c in ipairs(combos_of(D, D.Y)) do
    local t = sum(rows_of(D, c.procedure, c.subject, c.grade, D.Y))
    local py = prev_year(D, c)
    local p0 = py and sum(rows_of(D, c.procedure, c.subject, c.grade, py))
    local row
    if c.marks then
      local q1 = t.m4 + t.m5
      row = { c.subject .. (c.exam and "" or (", " .. c.grade .. " кл.")) .. (c.counted and "*" or ""), t.rows,
        int(t.participants), pct(t.m2, t.participants), pct(t.m3 + t.m4 + t.m5, t.participants), pct(q1, t.participants),
        c.levels and DASH or mean2(2 * t.m2 + 3 * t.m3 + 4 * t.m4 + 5 * t.m5, t.participants),
        p0 and diff_pp(p0.m2, p0.participants, t.m2, t.participants) or DASH,
        p0 and diff_pp(p0.m4 + p0.m5, p0.participants, q1, t.participants) or DASH }
    else
      row = { c.procedure .. ", " .. c.subject .. (c.counted and "*" or ""), t.rows, int(t.participants),
        t.mn > 0 and fixed(rdiv(t.ms, t.mn), 1) or DASH, pct(t.below_min, t.participants),
        pct(t.high_score, t.participants),
        p0 and diff_pp(p0.below_min, p0.participants, t.below_min, t.participants) or DASH }
    end
    local want = table.concat(row, " ")
    if not has(reg, " " .. want .. " ") then bad[#bad + 1] = want end
  end
  P.check(name .. ": summary rows of " .. D.Y, #bad == 0, table.concat(bad, "\n"))
end

-- ВПР objectivity: per school and per subject × grade.
local function check_objectivity(name, D, text)
  local reg = section(text, "%d+%. Объективность результатов ВПР", "%d+%. Результаты с долей")
  local bad, i, all = {}, 0, {}
  for _, s in ipairs(D.schools) do
    local rows = {}
    for _, r in ipairs(D.results) do
      if r.year == D.Y and r.procedure == "ВПР" and r.school_id == s.school_id and r.lowered then
        rows[#rows + 1] = r; all[#all + 1] = r
      end
    end
    local t = sum(rows)
    if t.participants > 0 then
      i = i + 1
      local want = i .. " " .. name_of(s) .. " " .. int(t.participants) .. " " .. pct(t.lowered, t.participants) .. " "
        .. pct(t.confirmed, t.participants) .. " " .. pct(t.raised, t.participants)
      if not has(reg, want) then bad[#bad + 1] = want end
    end
  end
  local t = sum(all)
  local want = "Итого по округу " .. int(t.participants) .. " " .. pct(t.lowered, t.participants) .. " "
    .. pct(t.confirmed, t.participants) .. " " .. pct(t.raised, t.participants)
  if not has(reg, want) then bad[#bad + 1] = want end
  for _, c in ipairs(combos_of(D, D.Y)) do
    if c.procedure == "ВПР" then
      local ct = sum(rows_of(D, c.procedure, c.subject, c.grade, D.Y))
      local w = c.subject .. ", " .. c.grade .. " класс " .. int(ct.participants) .. " " .. pct(ct.lowered, ct.participants)
        .. " " .. pct(ct.confirmed, ct.participants) .. " " .. pct(ct.raised, ct.participants)
      if not has(reg, w) then bad[#bad + 1] = w end
    end
  end
  P.check(name .. ": ВПР objectivity, " .. i .. " schools, district and subjects", #bad == 0 and i > 0, table.concat(bad, "\n"))
end

-- Results of the report year with a failing share at or above the threshold.
local function low_expected(D)
  local out = {}
  for _, c in ipairs(combos_of(D, D.Y)) do
    for _, s in ipairs(D.schools) do
      local r = get(D, c.procedure, c.subject, c.grade, s.school_id, D.Y)
      local a, n = nil, nil
      if r then a, n = failing(r) end
      if a and a * 100 >= THRESHOLD * n then out[#out + 1] = { c = c, s = s, a = a, n = n } end
    end
  end
  return out
end

local function check_low(name, D, text, csv)
  local reg = section(text, "%d+%. Результаты с долей отметок «2» не ниже", "%d+%. Идентификация")
  local bad, want_csv = {}, {}
  local list = low_expected(D)
  for _, l in ipairs(list) do
    local mark = (l.c.counted and l.n < MIN_N) and "*" or ""
    local w = name_of(l.s) .. mark .. " " .. int(l.n) .. " " .. int(l.a) .. " " .. pct(l.a, l.n)
    if not has(reg, w) then bad[#bad + 1] = w end
    want_csv[#want_csv + 1] = table.concat({ l.c.procedure, l.c.subject, l.c.grade, l.s.school_id, name_of(l.s), l.n, l.a,
      pct(l.a, l.n), (l.c.counted and l.n >= MIN_N) and "да" or "нет" }, ";")
  end
  P.check(name .. ": " .. #list .. " results with «2» ≥ 30 % in the PDF", #bad == 0, table.concat(bad, "\n"))
  if csv then
    local got = {}
    for i = 2, #csv do got[#got + 1] = table.concat(csv[i], ";") end
    table.sort(got); table.sort(want_csv)
    P.check(name .. ": low_results.csv", table.concat(got, "\n") == table.concat(want_csv, "\n"),
      "got:\n" .. table.concat(got, "\n") .. "\nwant:\n" .. table.concat(want_csv, "\n"))
  end
end

-- ---- identification, dynamics, clusters (by hand) ----

local function low_results(D, id, year)
  local out = {}
  for _, p in ipairs(COUNTED) do
    local r = get(D, p[1], p[2], p[3], id, year)
    if r and r.participants >= MIN_N then
      local a, n = failing(r)
      if a and a * 100 >= THRESHOLD * n then
        out[#out + 1] = { proc = p[1], subj = p[2], grade = p[3], year = year, a = a, n = n, below = r.m2 == nil }
      end
    end
  end
  return out
end

-- School ids identified for year y (fioko or same_procedure), with their triggers.
local function identify(D, y, rule)
  local low, triggers = {}, {}
  for _, s in ipairs(D.schools) do
    local y1, y2 = low_results(D, s.school_id, y - 1), low_results(D, s.school_id, y - 2)
    local hit, list = false, {}
    if rule == "same_procedure" then
      for _, a in ipairs(y1) do
        for _, b in ipairs(y2) do
          if a.proc == b.proc and a.subj == b.subj and a.grade == b.grade then hit = true; list[#list + 1] = a; list[#list + 1] = b end
        end
      end
    else
      hit = #y1 >= 2 or (#y1 >= 1 and #y2 >= 1)
      for _, r in ipairs(y1) do list[#list + 1] = r end
      for _, r in ipairs(y2) do list[#list + 1] = r end
    end
    if hit then low[#low + 1] = s.school_id; triggers[s.school_id] = list end
  end
  return low, triggers
end

local function trigger_text(r)
  local noun = (r.n % 10 == 1 and r.n % 100 ~= 11) and "участника" or "участников"
  return r.proc .. " по " .. DATIVE[r.subj] .. ", " .. r.grade .. " класс, " .. r.year .. " г.: "
    .. (r.below and "ниже минимального порога" or "«2»") .. " у " .. r.a .. " из " .. r.n .. " " .. noun
    .. " (" .. pctp(r.a, r.n) .. ")"
end

local function sign(num, lim) if num > lim then return 1 elseif num < -lim then return -1 end return 0 end

-- Dynamics of a school, year vs year − 1, over the counted procedures: positive, comparable.
local function dynamics(D, id, year)
  local pos, comp = 0, 0
  for _, p in ipairs(COUNTED) do
    local r0, r1 = get(D, p[1], p[2], p[3], id, year - 1), get(D, p[1], p[2], p[3], id, year)
    if r0 and r1 and r0.participants >= MIN_N and r1.participants >= MIN_N and (r0.m2 == nil) == (r1.m2 == nil) then
      local a0, n0 = failing(r0)
      local a1, n1 = failing(r1)
      if a0 and a1 then
        comp = comp + 1
        local fm = sign((a1 * n0 - a0 * n1) * 100, TOL * n0 * n1)
        local qm = 0
        if r0.m4 and r1.m4 then qm = sign(((r1.m4 + r1.m5) * n0 - (r0.m4 + r0.m5) * n1) * 100, TOL * n0 * n1) end
        if fm < 0 or (fm == 0 and qm > 0) then pos = pos + 1 end
      end
    end
  end
  return pos, comp
end

local function clusters(D, low)
  local is_low, out = {}, { [1] = {}, [2] = {}, [3] = {}, stable = {} }
  for _, id in ipairs(low) do is_low[id] = true end
  local why = {}
  for _, s in ipairs(D.schools) do
    local id = s.school_id
    local risk = {}
    for _, r in ipairs(D.risks or {}) do
      if r.school_id == id and tonumber(r.year) == D.Y and r.level == "высокий"
        and (r.factor == "низкий уровень оснащения школы" or r.factor == "дефицит педагогических кадров") then
        risk[#risk + 1] = r.factor
      end
    end
    local small = (s.status or ""):find("малочисленная", 1, true) or (s.students and s.students < SMALL)
    local pos, comp = dynamics(D, id, D.Y)
    local k = is_low[id] and 1 or ((#risk > 0 or small) and 2) or (pos * 2 > comp and comp > 0 and 3) or "stable"
    table.insert(out[k], id)
    why[id] = { risk = risk, pos = pos, comp = comp, status = (s.status or ""):find("малочисленная", 1, true) }
  end
  return out, why
end

local function check_identification(name, D, text, csv)
  local low, triggers = identify(D, D.Y, D.settings.low_rule)
  local reg = section(text, "%d+%. Идентификация школ с низкими результатами обучения", "%d+%. Кластеризация")
  local tab = region(reg, "Школы с низкими результатами обучения, выявленные в", "Низкие результаты по одной")
  local bad, want_csv = {}, {}
  for i, id in ipairs(low) do
    if not has(tab, i .. " " .. name_of(D.by_id[id])) then bad[#bad + 1] = "row " .. i .. " " .. id end
    for _, r in ipairs(triggers[id]) do
      if not has(tab, trigger_text(r)) then bad[#bad + 1] = id .. ": " .. trigger_text(r) end
      want_csv[#want_csv + 1] = table.concat({ id, r.year, r.proc, r.subj, r.grade, r.n, r.a, pct(r.a, r.n) }, ";")
    end
  end
  for _, s in ipairs(D.schools) do
    if not triggers[s.school_id] and row_has(tab, name_of(s)) then bad[#bad + 1] = "not identified but listed: " .. name_of(s) end
  end
  if #low > 0 and not has(reg, " " .. plural(#low, "отнесена", "отнесены", "отнесены") .. " " .. schools_word(#low) .. " из " .. #D.schools) then
    bad[#bad + 1] = "count sentence"
  end
  if #low == 0 and not has(reg, "школ с низкими результатами обучения не выявлено") then bad[#bad + 1] = "none sentence" end
  P.check(name .. ": identification " .. D.Y .. " — " .. #low .. " schools with every trigger", #bad == 0, table.concat(bad, "\n"))
  if csv then
    local got = {}
    for i = 2, #csv do
      local r = csv[i]
      got[#got + 1] = table.concat({ r[1], r[4], r[5], r[6], r[7], r[8], r[9], r[10] }, ";")
    end
    table.sort(got); table.sort(want_csv)
    P.check(name .. ": identification.csv", table.concat(got, "\n") == table.concat(want_csv, "\n"),
      "got:\n" .. table.concat(got, "\n") .. "\nwant:\n" .. table.concat(want_csv, "\n"))
  end
  return low
end

local CLUSTER_HEAD = { [1] = "1 кластер «Школы с низкими результатами обучения» — ",
  [2] = "2 кластер «Школы — зоны риска» — ", [3] = "3 кластер «Школы с положительной динамикой результатов» — ",
  stable = "Школы со стабильными результатами — " }

local function check_clusters(name, D, text, low, csv)
  local cl, why = clusters(D, low)
  local reg = section(text, "%d+%. Кластеризация общеобразовательных организаций", "%d+%. ")
  local bad = {}
  local keys = { 1, 2, 3, "stable" }
  for ki, k in ipairs(keys) do
    if #cl[k] > 0 then
      local head = CLUSTER_HEAD[k] .. schools_word(#cl[k])
      local part = region(reg, head)
      if not part then bad[#bad + 1] = "no heading " .. head
      else
        for kj = ki + 1, #keys do
          local nxt = #cl[keys[kj]] > 0 and part:find(CLUSTER_HEAD[keys[kj]], 1, true)
          if nxt then part = part:sub(1, nxt - 1) break end
        end
        for _, id in ipairs(cl[k]) do
          local w = why[id]
          if not row_has(part, name_of(D.by_id[id])) then bad[#bad + 1] = k .. ": missing " .. id end
          if (k == 3 or k == "stable") and w.comp > 0 and not has(part, "положительная динамика по " .. w.pos .. " из "
            .. w.comp .. " сопоставимых процедур (" .. D.Y .. " г. к " .. (D.Y - 1) .. " г.)") then
            bad[#bad + 1] = id .. ": dynamics " .. w.pos .. "/" .. w.comp
          end
          if k == 2 then
            for _, f in ipairs(w.risk) do
              if not has(part, "фактор риска «" .. f .. "» высокого уровня в " .. D.Y .. " г.") then bad[#bad + 1] = id .. ": " .. f end
            end
            if w.status and not has(part, "статус «малочисленная»") then bad[#bad + 1] = id .. ": small" end
          end
        end
        for _, s in ipairs(D.schools) do
          local inside = false
          for _, id in ipairs(cl[k]) do inside = inside or id == s.school_id end
          if not inside and row_has(part, name_of(s)) then bad[#bad + 1] = k .. ": extra " .. s.school_id end
        end
      end
    end
  end
  P.check(name .. ": clusters " .. #cl[1] .. "/" .. #cl[2] .. "/" .. #cl[3] .. "/" .. #cl.stable .. " with reasons",
    #bad == 0, table.concat(bad, "\n"))
  if csv then
    local got, want = {}, {}
    for i = 2, #csv do got[#got + 1] = csv[i][1] .. ";" .. csv[i][2] end
    for _, k in ipairs(keys) do
      for _, id in ipairs(cl[k]) do want[#want + 1] = (k == "stable" and "стабильные" or tostring(k)) .. ";" .. id end
    end
    table.sort(got); table.sort(want)
    P.check(name .. ": clusters.csv", table.concat(got, "\n") == table.concat(want, "\n"), table.concat(got, " "))
  end
  return cl
end

-- ---- per-participant indicators (seed 002), by hand ----

local function minimums(D)
  local m = {}
  for k, v in pairs(DEFAULT_MIN) do m[k] = v end
  for _, r in ipairs(D.thresholds or {}) do if r.procedure == "ЕГЭ" then m[r.subject] = tonumber(r.min_score) end end
  return m
end

-- { oge = {num, den, by = {[id] = {num, den}}}, all_min = …, top3 = … } for a year.
local function participant_indicators(D, year)
  local people = { ["ОГЭ"] = {}, ["ЕГЭ"] = {} }
  for _, r in ipairs(D.participants) do
    if tonumber(r.year) == year and people[r.procedure] then
      local k = r.school_id .. "|" .. r.participant
      local p = people[r.procedure][k] or { id = r.school_id, exams = {} }
      people[r.procedure][k] = p
      p.exams[#p.exams + 1] = { subject = r.subject, score = r.score and tonumber(r.score), mark = r.mark and tonumber(r.mark) }
    end
  end
  local mins = minimums(D)
  local function all_min(p)
    for _, e in ipairs(p.exams) do
      if e.score and mins[e.subject] then if e.score < mins[e.subject] then return false end
      elseif e.mark and e.mark < 3 then return false end
    end
    return true
  end
  local tests = {
    oge = { "ОГЭ", function(p)
      local marks = {}
      for _, e in ipairs(p.exams) do if e.mark then marks[#marks + 1] = e.mark end end
      table.sort(marks, function(a, b) return a > b end)
      return #marks >= 4 and marks[1] + marks[2] + marks[3] + marks[4] >= 12
    end },
    all_min = { "ЕГЭ", all_min },
    top3 = { "ЕГЭ", function(p)
      local s = {}
      for _, e in ipairs(p.exams) do if e.score then s[#s + 1] = e.score end end
      table.sort(s, function(a, b) return a > b end)
      return #s >= 3 and s[1] + s[2] + s[3] >= 220 and all_min(p)
    end },
  }
  local out = {}
  for key, t in pairs(tests) do
    local r = { num = 0, den = 0, by = {} }
    for _, p in pairs(people[t[1]]) do
      local b = r.by[p.id] or { num = 0, den = 0 }
      r.by[p.id] = b
      local ok = t[2](p)
      r.den, b.den = r.den + 1, b.den + 1
      if ok then r.num, b.num = r.num + 1, b.num + 1 end
    end
    out[key] = r
  end
  return out
end

local function share_text(r) if not r or r.den == 0 then return DASH end return pctp(r.num, r.den) .. " (" .. r.num .. " из " .. r.den .. ")" end

local function check_participants(name, D, text)
  local reg = section(text, "%d+%. Показатели по результатам участников ОГЭ и ЕГЭ", "%d+%. Выводы")
  local bad = {}
  local names = { oge = "Доля участников ОГЭ, сумма отметок которых по четырём экзаменам — 12 и более",
    all_min = "Доля участников ЕГЭ, преодолевших минимальный порог по всем сдаваемым предметам",
    top3 = "Доля участников ЕГЭ, набравших по трём предметам 220 баллов и более" }
  local cur
  local by_year = {}
  for _, y in ipairs(D.years) do by_year[y] = participant_indicators(D, y) end
  for _, key in ipairs({ "oge", "all_min", "top3" }) do
    local parts = { names[key] }
    for _, y in ipairs(D.years) do parts[#parts + 1] = share_text(by_year[y][key]) end
    local w = table.concat(parts, " ")
    if not has(reg, w) then bad[#bad + 1] = w end
  end
  cur = by_year[D.Y]
  local i = 0
  for _, s in ipairs(D.schools) do
    local v = { cur.oge.by[s.school_id], cur.all_min.by[s.school_id], cur.top3.by[s.school_id] }
    if v[1] or v[2] or v[3] then
      i = i + 1
      local w = i .. " " .. name_of(s) .. " " .. share_text(v[1]) .. " " .. share_text(v[2]) .. " " .. share_text(v[3])
      if not has(reg, w) then bad[#bad + 1] = w end
    end
  end
  local w = "Итого по округу " .. share_text(cur.oge) .. " " .. share_text(cur.all_min) .. " " .. share_text(cur.top3)
  if not has(reg, w) then bad[#bad + 1] = w end
  P.check(name .. ": per-participant indicators by year and by school", #bad == 0 and i > 0, table.concat(bad, "\n"))
  return by_year
end

-- ---- conclusions ----

-- ru.change_sentence, by hand: "Качество знаний на ВПР по математике в 5 классах выросло с … до … (на … п.п.)."
local VERBS = { f = { "выросла", "снизилась", "не изменилась", "составила" }, n = { "выросло", "снизилось", "не изменилось", "составило" } }
local function change(subject, gender, ab, a0, n0, a1, n1)
  local from, to = pctp(a0, n0), pctp(a1, n1)
  local units = rdiv(1000 * (a1 * n0 - a0 * n1), n0 * n1)
  local v = VERBS[gender]
  if from == to or units == 0 then return subject .. " " .. ab .. " " .. v[3] .. " и " .. v[4] .. " " .. to .. "." end
  local verb = (a1 * n0 - a0 * n1) > 0 and v[1] or v[2]
  return subject .. " " .. ab .. " " .. verb .. " с " .. from .. " до " .. to .. " (на " .. fixed(math.abs(units), 1) .. " п.п.)."
end

local function check_conclusions(name, D, text, next_low)
  local reg = section(text, "%d+%. Выводы", "%d+%. Рекомендации")
  local bad, down, comp = {}, 0, 0
  for _, c in ipairs(combos_of(D, D.Y)) do
    local py = prev_year(D, c)
    if c.counted and py then
      local t0, t1 = sum(rows_of(D, c.procedure, c.subject, c.grade, py)), sum(rows_of(D, c.procedure, c.subject, c.grade, D.Y))
      local ab = about(c, true)
      local want = {}
      if c.marks then
        want[1] = change("Доля отметок «2»", "f", ab, t0.m2, t0.participants, t1.m2, t1.participants)
        want[2] = change("Качество знаний", "n", ab, t0.m4 + t0.m5, t0.participants, t1.m4 + t1.m5, t1.participants)
      else
        want[1] = change("Доля участников, не преодолевших минимальный порог,", "f", ab, t0.below_min, t0.participants,
          t1.below_min, t1.participants)
      end
      for _, w in ipairs(want) do if not has(reg, w) then bad[#bad + 1] = w end end
      local a0, n0 = failing(t0)
      local a1, n1 = failing(t1)
      comp = comp + 1
      if a1 * n0 - a0 * n1 < 0 then down = down + 1 end
    end
  end
  if comp > 0 then
    local w = "снизилась по " .. down .. " из " .. comp .. " " .. plural(comp, "процедуры", "процедур", "процедур")
    if not has(reg, w) then bad[#bad + 1] = w end
  end
  if #next_low > 0 then
    local names = {}
    for _, id in ipairs(next_low) do names[#names + 1] = name_of(D.by_id[id]) end
    local w = "в " .. (D.Y + 1) .. " г. соответствуют: " .. table.concat(names, ", ") .. "."
    if not has(reg, w) then bad[#bad + 1] = w end
  end
  P.check(name .. ": generated conclusions for the counted procedures", #bad == 0 and comp > 0, table.concat(bad, "\n"))
end

-- ---- CSV exports ----

local function read_bytes(path)
  local f = io.open(path, "rb")
  if not f then return nil end
  local s = f:read("a")
  f:close()
  return s
end

-- Rows of a ";" CSV with CRLF line ends (quotes honoured); nil + reason when not in that shape.
local function parse_csv(s)
  if s:sub(1, 3) ~= "\239\187\191" then return nil, "no BOM" end
  s = s:sub(4)
  if s:find("[^\r]\n") or s:sub(1, 1) == "\n" then return nil, "a line ends without CR" end
  local rows, row, field, i, inq = {}, {}, {}, 1, false
  while i <= #s do
    local c = s:sub(i, i)
    if inq then
      if c == '"' and s:sub(i + 1, i + 1) == '"' then field[#field + 1] = '"'; i = i + 1
      elseif c == '"' then inq = false else field[#field + 1] = c end
    elseif c == '"' then inq = true
    elseif c == ";" then row[#row + 1] = table.concat(field); field = {}
    elseif c == "\r" and s:sub(i + 1, i + 1) == "\n" then
      row[#row + 1] = table.concat(field); field = {}
      rows[#rows + 1] = row; row = {}
      i = i + 1
    else field[#field + 1] = c end
    i = i + 1
  end
  return rows
end

local function pct_csv(a, b) if not a or not b or b == 0 then return "" end return (fixed(rdiv(1000 * a, b), 1):gsub(MINUS, "-")) end

local function check_csv(name, D, out)
  local files = { "schools", "participation", "summary", "results", "objectivity", "low_results", "identification",
    "clusters", "participant_indicators" }
  local parsed, bad = {}, {}
  for _, f in ipairs(files) do
    local s = read_bytes(out .. "/analytical_reference/" .. f .. ".csv")
    local rows, why = s and parse_csv(s)
    if not rows then bad[#bad + 1] = f .. ": " .. tostring(why or "missing")
    else
      parsed[f] = rows
      local width = #rows[1]
      for i, r in ipairs(rows) do if #r ~= width then bad[#bad + 1] = f .. ": row " .. i .. " has " .. #r .. " cells" end end
    end
  end
  P.check(name .. ": CSV exports have a BOM, CRLF, ';' and equal row widths", #bad == 0, table.concat(bad, "\n"))
  -- every school row of the report year in results.csv, counts and shares with a decimal comma
  local rows, wrong, n = parsed.results or {}, {}, 0
  local index = {}
  for i = 2, #rows do
    local r = rows[i]
    if r[5] ~= "" then index[table.concat({ r[1], r[2], r[3], r[4], r[5] }, "|")] = r end
  end
  for _, r in ipairs(D.results) do
    if r.year == D.Y then
      n = n + 1
      local got = index[table.concat({ r.year, r.procedure, r.subject, r.grade, r.school_id }, "|")]
      local p = r.participants
      local want = { tostring(p), r.m2 and tostring(r.m2) or "", r.m3 and tostring(r.m3) or "", r.m4 and tostring(r.m4) or "",
        r.m5 and tostring(r.m5) or "", pct_csv(r.m2, p), pct_csv(r.m3, p), pct_csv(r.m4, p), pct_csv(r.m5, p),
        pct_csv(r.m3 and r.m3 + r.m4 + r.m5, p), pct_csv(r.m4 and r.m4 + r.m5, p),
        (r.m2 and p > 0 and r.procedure ~= "КДР") and fixed(rdiv(100 * (2 * r.m2 + 3 * r.m3 + 4 * r.m4 + 5 * r.m5), p), 2) or "",
        r.mean_score and fixed(tenths(r.mean_score), 1) or "", r.below_min and tostring(r.below_min) or "",
        pct_csv(r.below_min, p), r.high_score and tostring(r.high_score) or "", pct_csv(r.high_score, p) }
      local line = got and table.concat({ table.unpack(got, 8, 24) }, ";")
      if line ~= table.concat(want, ";") then
        wrong[#wrong + 1] = r.procedure .. "/" .. r.subject .. "/" .. r.grade .. "/" .. r.school_id .. ": " .. tostring(line)
          .. " ≠ " .. table.concat(want, ";")
      end
    end
  end
  P.check(name .. ": results.csv — all " .. n .. " school rows of " .. D.Y .. " (counts, decimal-comma shares)",
    #wrong == 0 and n > 0, table.concat(wrong, "\n"))
  return parsed
end

local function check_no_codes(name, out)
  local p = io.popen("find " .. P.quote(out) .. " -type f")
  local leaks = {}
  for path in p:lines() do
    local s = path:match("%.pdf$") and P.text(path) or read_bytes(path)
    if s:find("P%d%d%d%d%-%d") then leaks[#leaks + 1] = path end
  end
  p:close()
  P.check(name .. ": no participant code in any output", #leaks == 0, table.concat(leaks, " "))
end

-- ---- the sample ----

local function tmpdir() local t = os.tmpname() os.remove(t) return t end

do
  local out = tmpdir()
  local code, log = run(sample, out)
  P.check("sample: otchet run analytical_reference exits 0", code == 0, log)
  local pdf = out .. "/analytical_reference.pdf"
  pdf_basics("sample", pdf)
  local pages = P.page_count(pdf) or 0
  P.check("sample: " .. pages .. " pages", pages >= 30 and pages <= 70)
  local info = P.sh("pdfinfo " .. P.quote(pdf))
  P.check("sample: PDF title metadata", info:find("Аналитическая справка об итогах оценочных процедур в 2024 году", 1, true) ~= nil, info)
  local D = load(sample)
  local text = norm(P.text(pdf))
  P.check("sample: title «Об итогах оценочных процедур в 2024 году» and the organisation",
    has(text, "АНАЛИТИЧЕСКАЯ СПРАВКА Об итогах оценочных процедур в 2024 году") and has(text, D.settings.org_name))
  P.check("sample: table of contents", has(text, "Содержание 1. Общие сведения"))
  P.check("sample: signature and executor", has(text, D.settings.head_position .. " " .. D.settings.head_name)
    and has(text, "Исп. " .. D.settings.executor_name .. ", тел. " .. D.settings.executor_phone))
  local csv = check_csv("sample", D, out)
  check_overview("sample", D, text)
  check_result_tables("sample", D, text)
  check_summary("sample", D, text)
  check_objectivity("sample", D, text)
  check_low("sample", D, text, csv.low_results)
  local low = check_identification("sample", D, text, csv.identification)
  P.check("sample: identification is README's 2406 2407 2408 2411 2412", table.concat(low, " ") == "2406 2407 2408 2411 2412")
  local cl = check_clusters("sample", D, text, low, csv.clusters)
  P.check("sample: clusters are README's", table.concat(cl[1], " ") .. "|" .. table.concat(cl[2], " ") .. "|"
    .. table.concat(cl[3], " ") .. "|" .. table.concat(cl.stable, " ")
    == "2406 2407 2408 2411 2412|2409 2410 2413 2414|2402 2404 2405|2401 2403 2415")
  check_participants("sample", D, text)
  local next_low = identify(D, D.Y + 1)
  check_conclusions("sample", D, text, next_low)
  check_no_codes("sample", out)
  os.execute("rm -rf " .. P.quote(out))
end

-- The other identification rule and a report year without results of its own.
do
  local out = tmpdir()
  local code, log = run(sample, out, " --set low_rule=same_procedure")
  P.check("same_procedure: exits 0", code == 0, log)
  local D = load(sample)
  D.settings.low_rule = "same_procedure"
  local low = check_identification("same_procedure", D, norm(P.text(out .. "/analytical_reference.pdf")))
  P.check("same_procedure: only 2406", table.concat(low, " ") == "2406")
  os.execute("rm -rf " .. P.quote(out))
  out = tmpdir()
  code, log = run(sample, out, " --year 2025")
  P.check("year 2025 (no results yet): exits 0", code == 0, log)
  D = load(sample)
  D.Y = 2025
  local text = norm(P.text(out .. "/analytical_reference.pdf"))
  P.check("year 2025: says there are no results of 2025", has(text, "Результатов оценочных процедур 2025 г. в данных нет."))
  low = check_identification("year 2025", D, text)
  P.check("year 2025: 2415 is identified from 2023–2024", table.concat(low, " ") == "2415")
  os.execute("rm -rf " .. P.quote(out))
end

-- ---- small datasets with gaps ----

do
  local out = tmpdir()
  local dir = extra .. "/gaps"
  local code, log = run(dir, out)
  P.check("gaps: exits 0", code == 0, log)
  local pdf = out .. "/analytical_reference.pdf"
  pdf_basics("gaps", pdf)
  local D = load(dir)
  local text = norm(P.text(pdf))
  check_overview("gaps", D, text)
  check_result_tables("gaps", D, text)
  check_summary("gaps", D, text)
  check_low("gaps", D, text)
  check_identification("gaps", D, text)
  P.check("gaps: a missing year is said", has(text, "Результатов 2023 г. в данных нет: идентификация проведена по результатам 2022 г.")
    and has(text, "Сравнение с 2022 г.: за 2023 г. данных нет."))
  P.check("gaps: a result without earlier years says so", has(text, "Результатов предыдущих лет для сравнения в данных нет."))
  P.check("gaps: no section needs an optional file", not has(text, "Объективность результатов ВПР")
    and not has(text, "Показатели по результатам участников"))
  os.execute("rm -rf " .. P.quote(out))
end

do
  local out = tmpdir()
  local dir = extra .. "/minimal"
  local code, log = run(dir, out)
  P.check("minimal: exits 0", code == 0, log)
  pdf_basics("minimal", out .. "/analytical_reference.pdf")
  local D = load(dir)
  local text = norm(P.text(out .. "/analytical_reference.pdf"))
  check_result_tables("minimal", D, text)
  P.check("minimal: no earlier years for identification",
    has(text, "Результатов 2022 и 2023 гг. в данных нет, поэтому школы с низкими результатами обучения"))
  os.execute("rm -rf " .. P.quote(out))
end

os.exit(P.summary() and 0 or 1)
