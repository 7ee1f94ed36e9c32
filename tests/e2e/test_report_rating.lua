-- End-to-end tests of reports/school_rating.lua: runs otchet on the sample dataset and on a
-- small dataset, reads the rating tables back with pdftotext and checks them against ranks
-- recomputed here from results.csv by plain arithmetic: every school once, in the right group,
-- values and ranks of ВПР математика 5–6 (качество), ОГЭ математика (средняя отметка) and ЕГЭ
-- русский язык (средний балл), sums of ranks, places by the sum (1, 2, 2, 4), order by place.
-- Usage: lua5.4 tests/e2e/test_report_rating.lua OTCHET SAMPLE_DIR TARGETS_DATA_DIR
package.path = "tests/e2e/?.lua;" .. package.path
local P = require("pdfcheck")
local otchet, sample, data = arg[1], arg[2], arg[3]
local NB = "\u{00A0}"
local DASH = "—"

local tmp = os.tmpname()
os.remove(tmp)

local function plain(s) return (s:gsub(NB, " ")) end
local function squeeze(s) return (plain(s):gsub("%-\n", ""):gsub("[%s%-]", "")) end
local function has(hay, needle) return squeeze(hay):find(squeeze(needle), 1, true) ~= nil end

-- Rounded half away from zero to k decimals, decimal comma.
local function fmt(x, k)
  local m = 10 ^ k
  return (string.format("%." .. k .. "f", math.floor(x * m + 0.5 + 1e-9) / m):gsub("%.", ","))
end

-- ---- reading the tables back ----

-- A Lua pattern matching `name` with any white space between its words.
local function name_pattern(name)
  local parts = {}
  for w in name:gmatch("%S+") do parts[#parts + 1] = (w:gsub("[%^%$%(%)%%%.%[%]%*%+%-%?]", "%%%0")) end
  return table.concat(parts, "%s+")
end

-- Rows of the rating tables: { [school_id] = { table = t, pos, values = {k}, ranks = {k}, sum,
-- place } } plus, per table, its k (indicator count) and the ids in print order. A table starts
-- at its «знач. ранг …» header line.
local function read_tables(text, schools)
  local heads = {}
  for s, line, e in text:gmatch("()([^\n]*)\n()") do
    local rest, k = line:gsub("знач%. ранг", "")
    if k > 0 and not rest:find("%S") then heads[#heads + 1] = { pos = e, k = k } end
  end
  local rows, count = {}, {}
  for _, sc in ipairs(schools) do
    local pat = name_pattern(sc.short_name)
    local n, first = 0, nil
    for s, e in text:gmatch("\n()" .. pat .. "()") do   -- a row starts a line
      n = n + 1
      first = first or { s, e }
    end
    count[sc.school_id] = n
    if first then
      local head
      for _, h in ipairs(heads) do if h.pos <= first[1] then head = h end end
      local tokens = {}
      for tok in text:sub(first[2]):gmatch("%S+") do
        tokens[#tokens + 1] = tok
        if head and #tokens == 2 * head.k + 2 then break end
      end
      if head then
        local r = { pos = first[1], k = head.k, values = {}, ranks = {}, head = head }
        for i = 1, head.k do r.values[i], r.ranks[i] = tokens[2 * i - 1], tokens[2 * i] end
        r.sum, r.place = tokens[2 * head.k + 1], tokens[2 * head.k + 2]
        rows[sc.school_id] = r
      end
    end
  end
  return rows, count, heads
end

-- The tables as lists of ids in print order, split where k changes or a group heading starts.
local function tables_of(rows, text)
  local list = {}
  for id, r in pairs(rows) do list[#list + 1] = { id = id, r = r } end
  table.sort(list, function(a, b) return a.r.pos < b.r.pos end)
  local tables, cur, last_k = {}, nil, nil
  local group2 = text:find("Общеобразовательные организации без выпускников", 1, true)
  for _, x in ipairs(list) do
    local in2 = group2 and x.r.pos > group2
    if not cur or x.r.k ~= last_k or (in2 and not cur.second) then
      cur = { ids = {}, k = x.r.k, second = in2 }
      tables[#tables + 1] = cur
    end
    cur.ids[#cur.ids + 1] = x.id
    last_k = x.r.k
  end
  return tables
end

-- ---- independent values from results.csv ----

-- { [school_id] = { value, n } } for one indicator of `year`: f(counts) over the rows of the
-- procedure, the subjects and grades (nil = any grade).
local function values_of(results, year, procedure, subjects, grades, f)
  local acc = {}
  local subj, gr = {}, {}
  for _, s in ipairs(subjects) do subj[s] = true end
  for _, g in ipairs(grades or {}) do gr[g] = true end
  for _, r in ipairs(results) do
    if tonumber(r.year) == year and r.procedure == procedure and subj[r.subject]
       and (not grades or gr[tonumber(r.grade)]) then
      local a = acc[r.school_id] or { n = 0, m2 = 0, m3 = 0, m4 = 0, m5 = 0, score = 0 }
      local n = tonumber(r.participants)
      a.n = a.n + n
      for _, m in ipairs({ "m2", "m3", "m4", "m5" }) do a[m] = a[m] + (tonumber(r[m]) or 0) end
      a.score = a.score + (tonumber(r.mean_score) or 0) * n
      acc[r.school_id] = a
    end
  end
  local out = {}
  for id, a in pairs(acc) do
    if a.n > 0 then out[id] = { value = f(a), n = a.n } end
  end
  return out
end

local function quality(a) return (a.m4 + a.m5) * 100 / a.n end
local function mean_mark(a) return (2 * a.m2 + 3 * a.m3 + 4 * a.m4 + 5 * a.m5) / a.n end
local function mean_score(a) return a.score / a.n end

-- Competition ranks (1, 2, 2, 4) of the counted values among ids, higher is better; an id
-- without a counted value gets the number ranked + 1.
local function ranks_of(ids, values, min_n)
  local have = {}
  for _, id in ipairs(ids) do
    local v = values[id]
    if v and v.n >= min_n then have[#have + 1] = v.value end
  end
  local ranks = {}
  for _, id in ipairs(ids) do
    local v = values[id]
    if v and v.n >= min_n then
      local better = 0
      for _, x in ipairs(have) do if x > v.value + 1e-12 then better = better + 1 end end
      ranks[id] = better + 1
    else
      ranks[id] = #have + 1
    end
  end
  return ranks
end

-- ---- checks shared by both datasets ----

local function landscape_pages(pdf)
  local info = P.sh("pdfinfo -f 1 -l 999 " .. P.quote(pdf))
  local n, all = 0, true
  for w, h in info:gmatch("Page%s+%d+%s+size:%s+([%d.]+) x ([%d.]+)") do
    n = n + 1
    if tonumber(w) <= tonumber(h) then all = false end
  end
  return n > 0 and all
end

-- Sums of ranks, places by the sums, order by place, unrated rows last.
local function check_places(name, t, rows)
  local sums_ok, order_ok, unrated_last, rated = true, true, true, {}
  local seen_unrated, last_place = false, 0
  for _, id in ipairs(t.ids) do
    local r = rows[id]
    if r.place == DASH then
      seen_unrated = true
      for i = 1, r.k do if r.ranks[i] ~= DASH then unrated_last = false end end
    else
      if seen_unrated then unrated_last = false end
      local s = 0
      for i = 1, r.k do s = s + (tonumber(r.ranks[i]) or 1e9) end
      if s ~= tonumber(r.sum) then sums_ok = false; print("  " .. id .. ": ranks add up to " .. s .. ", printed " .. r.sum) end
      if tonumber(r.place) < last_place then order_ok = false end
      last_place = tonumber(r.place)
      rated[#rated + 1] = id
    end
  end
  local places_ok = true
  for _, id in ipairs(rated) do
    local better = 0
    for _, other in ipairs(rated) do
      if tonumber(rows[other].sum) < tonumber(rows[id].sum) then better = better + 1 end
    end
    if better + 1 ~= tonumber(rows[id].place) then
      places_ok = false
      print("  " .. id .. ": place " .. rows[id].place .. ", expected " .. (better + 1))
    end
  end
  P.check(name .. ": each sum of ranks is the sum of the printed ranks", sums_ok)
  P.check(name .. ": places are the competition ranks of the sums", places_ok)
  P.check(name .. ": rows sorted by place", order_ok)
  P.check(name .. ": schools without a counted result last, without ranks or place", unrated_last)
  return rated
end

-- Values and ranks of indicator column `col` recomputed from results.csv.
local function check_indicator(name, t, rows, rated, col, values, decimals, min_n)
  local ranks = ranks_of(rated, values, min_n)
  local ok, why = true, {}
  for _, id in ipairs(t.ids) do
    local r, v = rows[id], values[id]
    local want = v and (fmt(v.value, decimals) .. (v.n < min_n and "*" or "")) or DASH
    if r.values[col] ~= want then ok = false; why[#why + 1] = id .. " value " .. tostring(r.values[col]) .. " ≠ " .. want end
    if r.place ~= DASH and tonumber(r.ranks[col]) ~= ranks[id] then
      ok = false
      why[#why + 1] = id .. " rank " .. tostring(r.ranks[col]) .. " ≠ " .. ranks[id]
    end
  end
  P.check(name, ok, table.concat(why, "; "))
end

-- ---- the sample ----
do
  local out = tmp .. "/sample"
  local log, code = P.sh(P.quote(otchet) .. " run school_rating --data " .. P.quote(sample) .. " --out " .. P.quote(out))
  P.check("sample: school_rating exits 0", code == 0, log)
  local pdf = out .. "/school_rating.pdf"
  P.check("sample: qpdf finds nothing", P.qpdf_problem(pdf) == nil, P.qpdf_problem(pdf))
  P.check("sample: fonts embedded with Unicode maps", P.fonts_problem(pdf) == nil, P.fonts_problem(pdf))
  P.check("sample: landscape pages", landscape_pages(pdf))
  local pages = P.page_count(pdf)
  P.check("sample: 1 to 3 pages (" .. tostring(pages) .. ")", pages and pages >= 1 and pages <= 3)
  local text = plain(P.text(pdf))
  P.check("sample: title «О рейтинге общеобразовательных организаций …»",
    has(text, "О рейтинге общеобразовательных организаций по результатам оценочных процедур 2024 года"))
  P.check("sample: how the rating is computed", has(text, "Порядок составления рейтинга")
    and has(text, "ранг 1 получает лучшее значение") and has(text, "(1, 2, 2, 4)"))
  local last = P.pages(pdf)
  last = plain(last[#last] or "")
  P.check("sample: signature and executor on the last page", has(last, "Н.В. Голубева")
    and has(last, "Исполнитель: Тарасюк Елена Андреевна, тел. 8 (39164) 2-17-48"))

  local schools = P.read_csv(sample .. "/schools.csv")
  local results = P.read_csv(sample .. "/results.csv")
  local rows, count = read_tables(text, schools)
  local once = true
  for _, s in ipairs(schools) do
    if count[s.school_id] ~= 1 or not rows[s.school_id] then
      once = false
      print("  " .. s.school_id .. " " .. s.short_name .. " printed " .. tostring(count[s.school_id]) .. " times")
    end
  end
  P.check("sample: every one of the " .. #schools .. " schools appears exactly once, in a table", once)

  local tables = tables_of(rows, text)
  P.check("sample: two groups (with ЕГЭ graduates: 8 indicators; without: 6)",
    #tables == 2 and tables[1].k == 8 and tables[2].k == 6, #tables)
  local ege = {}
  for _, r in ipairs(results) do
    if tonumber(r.year) == 2024 and r.procedure == "ЕГЭ" and tonumber(r.participants) > 0 then ege[r.school_id] = true end
  end
  local groups_ok = true
  for _, s in ipairs(schools) do
    local r = rows[s.school_id]
    if r and (r.k == 8) ~= (ege[s.school_id] == true) then groups_ok = false; print("  " .. s.school_id .. " in the wrong group") end
  end
  P.check("sample: the first group is exactly the schools with ЕГЭ results in 2024", groups_ok)

  local min_n = 5
  local vpr_math = values_of(results, 2024, "ВПР", { "Математика" }, { 5, 6 }, quality)
  local oge_math = values_of(results, 2024, "ОГЭ", { "Математика" }, nil, mean_mark)
  local ege_rus = values_of(results, 2024, "ЕГЭ", { "Русский язык" }, nil, mean_score)
  for g, t in ipairs(tables) do
    local name = "sample, group " .. g
    local rated = check_places(name, t, rows)
    check_indicator(name .. ": ВПР математика 5–6, качество знаний — values and ranks from results.csv",
      t, rows, rated, 1, vpr_math, 1, min_n)
    check_indicator(name .. ": ОГЭ математика, средняя отметка — values and ranks from results.csv",
      t, rows, rated, 5, oge_math, 2, min_n)
    if t.k == 8 then
      check_indicator(name .. ": ЕГЭ русский язык, средний балл — values and ranks from results.csv",
        t, rows, rated, 7, ege_rus, 1, min_n)
    end
  end
  -- the sample's known cases: 2413 (НОШ) has no result of the rating → unrated; the branch 2414
  -- has 3 ОГЭ participants → its ОГЭ value is shown with «*» and not counted
  P.check("sample: 2413 (НОШ) listed without a place", rows["2413"] and rows["2413"].place == DASH)
  P.check("sample: 2414 ОГЭ математика 3,00* (3 participants, not counted)",
    rows["2414"] and rows["2414"].values[5] == "3,00*")
  P.check("sample: the note on results of fewer than 5 participants",
    has(text, "* Результат с числом участников менее 5: приводится, в рейтинге не учитывается."))
end

-- ---- a small dataset: one group, a tie for the second place ----
do
  local dir = data .. "/no_targets"
  local out = tmp .. "/small"
  local log, code = P.sh(P.quote(otchet) .. " run school_rating --data " .. P.quote(dir) .. " --out " .. P.quote(out))
  P.check("small: school_rating exits 0", code == 0, log)
  local pdf = out .. "/school_rating.pdf"
  P.check("small: qpdf finds nothing", P.qpdf_problem(pdf) == nil, P.qpdf_problem(pdf))
  local text = plain(P.text(pdf))
  local rows = read_tables(text, P.read_csv(dir .. "/schools.csv"))
  local tables = tables_of(rows, text)
  P.check("small: one table with 2 indicators (no ОГЭ/ЕГЭ in the data)", #tables == 1 and tables[1].k == 2)
  -- ВПР математика 5–6 качество: 01 13/25 = 52,0 → 1; 02 12/28 = 42,9 → 2; 03 5/12 = 41,7 → 3
  -- ВПР доля «2»: 01 2/25 = 8,0 → 1; 03 1/12 = 8,3 → 2; 02 6/28 = 21,4 → 3 (lower is better)
  -- sums 2, 5, 5 → places 1, 2, 2
  local function row(id) local r = rows[id] or { values = {}, ranks = {} }
    return table.concat({ r.values[1] or "", r.ranks[1] or "", r.values[2] or "", r.ranks[2] or "", r.sum or "", r.place or "" }, " ") end
  P.check("small: 01 52,0 1 8,0 1 → sum 2, place 1", row("01") == "52,0 1 8,0 1 2 1", row("01"))
  P.check("small: 02 42,9 2 21,4 3 → sum 5, place 2", row("02") == "42,9 2 21,4 3 5 2", row("02"))
  P.check("small: 03 41,7 3 8,3 2 → sum 5, place 2 (shared)", row("03") == "41,7 3 8,3 2 5 2", row("03"))
  check_places("small", tables[1], rows)
end

os.execute("rm -rf " .. P.quote(tmp))
os.exit(P.summary() and 0 or 1)
