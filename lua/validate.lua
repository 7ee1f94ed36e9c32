-- validate — the consistency rules of a dataset that span rows and files (DESIGN.md, "Internal
-- consistency rules" and "Decided conventions"): references, sums of marks, duplicates,
-- catalogue names, target years. Each rule reports through problems; none stops the others.
local engine = require("engine")
local namekey = require("names").key
local schema = require("schema")

local M = {}

local function at(file, row) return { file = file.path, line = file.table:line(row) } end

-- Lines of `file` that already have an error in one of its cells (wrong type, range, empty):
-- the rules over whole rows skip them, so one bad cell gives one message, not a second one
-- about the sum or the set of cells it no longer takes part in.
local function cell_error_lines(file, problems)
  local lines = {}
  for _, p in ipairs(problems.items) do
    if p.level == "error" and p.file == file.path and p.column and p.line then lines[p.line] = true end
  end
  return lines
end

-- Columns by name; an optional column the file does not have reads as all empty.
-- The named columns of t (rows first..last, all by default) as arrays; an absent column is
-- all empty.
local function cols(t, names, first, last)
  local out = {}
  first, last = first or 1, last or t:nrows()
  for _, n in ipairs(names) do
    out[n] = t:has(n) and t:column(n, first, last) or { n = math.max(0, last - first + 1) }
  end
  return out
end

-- Rows whose key equals an earlier row's; `names` lists the key columns holding names of
-- procedures, subjects or risk factors, which match as DESIGN.md says (case, ё, spaces,
-- punctuation ignored): they are compared through their name-key columns, derived in C once
-- per distinct name. A row with a bad cell (reported already, the cell left empty) is not
-- compared: two rows with different invalid grades are no duplicates.
local function check_duplicates(file, keys, what, problems, names)
  if not file then return end
  local t, bad = file.table, cell_error_lines(file, problems)
  local is_name, by = {}, {}
  for _, k in ipairs(names or {}) do is_name[k] = true end
  for i, k in ipairs(keys) do
    if not t:has(k) then return end
    by[i] = is_name[k] and t:add_namekey(k) or k
  end
  for _, d in ipairs(t:duplicates(by)) do
    if not bad[t:line(d.row)] and not bad[t:line(d.first)] then
      problems:error(at(file, d.row), what .. " повторяется: уже есть в строке " .. t:line(d.first))
    end
  end
end

-- The set of school ids of schools.csv.
local function school_ids(ds)
  local ids, col = {}, ds.files.schools and ds.files.schools.table:column("school_id") or { n = 0 }
  for i = 1, col.n do if col[i] then ids[col[i]] = true end end
  return ids
end

-- Set of school ids; reports unknown kinds and statuses as warnings.
local function check_schools(ds, problems)
  local f = ds.files.schools
  if not f then return {} end
  check_duplicates(f, { "school_id" }, "код ОО", problems)
  local c = cols(f.table, { "school_id", "partner_id", "kind", "status" })
  local kinds, statuses = {}, {}
  for _, k in ipairs(schema.school_kinds) do kinds[namekey(k)] = true end
  for _, s in ipairs(schema.school_statuses) do statuses[namekey(s)] = true end
  local ids = school_ids(ds)
  for i = 1, c.school_id.n do
    local p = c.partner_id[i]
    if p and not ids[p] then
      problems:error({ file = f.path, line = f.table:line(i), column = "partner_id" },
        "школа-лидер с кодом '" .. p .. "' отсутствует в schools.csv")
    end
    if c.kind[i] and not kinds[namekey(c.kind[i])] then
      problems:warning({ file = f.path, line = f.table:line(i), column = "kind" },
        "необычный тип ОО «" .. c.kind[i] .. "»")
    end
    for s in (c.status[i] or ""):gmatch("[^|]+") do
      local v = s:match("^%s*(.-)%s*$")
      if v ~= "" and not statuses[namekey(v)] then
        problems:warning({ file = f.path, line = f.table:line(i), column = "status" },
          "неизвестный статус «" .. v .. "»")
      end
    end
  end
  return ids
end

-- Rows of `file` whose school_id is not in schools.csv (empty allowed when allow_empty).
local function check_school_refs(file, ids, problems, allow_empty)
  if not file or not next(ids) then return end
  local t = file.table
  for _, g in ipairs(t:group_sum({ by = { "school_id" } })) do
    local id = g.school_id
    if (id or not allow_empty) and not ids[id or ""] then
      problems:error({ file = file.path, line = t:line(g._first), column = "school_id" },
        "код ОО '" .. tostring(id) .. "' отсутствует в schools.csv"
        .. (g._rows > 1 and (" (строк с этим кодом: " .. g._rows .. ")") or ""))
    end
  end
end

-- Per row: the marks 2–5 all or none, their sum, below_min/high_score within the participants,
-- lowered + confirmed + raised. C finds the rows that may break one of these (suspect_rows):
-- the rules below then look at those rows alone, a slice of rows at a time (no table per row,
-- no whole columns: at 40,000 schools results.csv has 2 M rows).
local SLICE = 65536
local COUNT_COLUMNS = { "participants", "m2", "m3", "m4", "m5", "below_min", "high_score",
  "lowered", "confirmed", "raised" }

-- The messages of check_result_rows, one function each: the row loop stays short, and a
-- valid row (the usual one) costs only the tests.
local function marks_partly(f, problems, i)
  problems:error(at(f, i), "отметки «2»–«5» заполнены не полностью: укажите все четыре или ни одной")
end

local function marks_sum(f, problems, i, sum, n)
  problems:error(at(f, i), string.format("сумма отметок «2»–«5» (%d) не равна числу участников (%d)", sum, n))
end

local function over_participants(f, problems, i, column, v, n)
  problems:error({ file = f.path, line = f.table:line(i), column = column },
    string.format("значение %d больше числа участников (%d)", v, n))
end

local function objectivity_sum(f, problems, i, sum, n)
  problems:warning(at(f, i), string.format(
    "понизили + подтвердили + повысили (%d) не равно числу участников (%d)", sum, n))
end

-- The rules over the listed rows (ascending), in row order.
local function check_result_rows(f, problems, bad, rows)
  local t, any_bad = f.table, next(bad) ~= nil
  local c = {}
  for _, name in ipairs(COUNT_COLUMNS) do c[name] = t:has(name) and t:cells(name, rows) or {} end
  local part, m2c, m3c, m4c, m5c = c.participants, c.m2, c.m3, c.m4, c.m5
  local below, high, low, conf, rais = c.below_min, c.high_score, c.lowered, c.confirmed, c.raised
  for k = 1, #rows do
    local i, n = rows[k], part[k]
    if n and any_bad and bad[t:line(i)] then n = nil end
    if n then
      local m2, m3, m4, m5 = m2c[k], m3c[k], m4c[k], m5c[k]
      if m2 and m3 and m4 and m5 then
        local sum = m2 + m3 + m4 + m5
        if sum ~= n then marks_sum(f, problems, i, sum, n) end
      elseif m2 or m3 or m4 or m5 then
        marks_partly(f, problems, i)
      end
      local v = below[k]
      if v and v > n then over_participants(f, problems, i, "below_min", v, n) end
      v = high[k]
      if v and v > n then over_participants(f, problems, i, "high_score", v, n) end
      local l, cf, r = low[k], conf[k], rais[k]
      if l and cf and r then
        if l + cf + r ~= n then objectivity_sum(f, problems, i, l + cf + r, n) end
      elseif l or cf or r then
        local sum = (l or 0) + (cf or 0) + (r or 0)
        if sum ~= n then objectivity_sum(f, problems, i, sum, n) end
      end
    end
  end
end

-- The rows check_result_rows may have something to say about, ascending: those whose marks or
-- objectivity counts are not either all empty or all given and adding up to the participants,
-- and those with below_min or high_score above them (table:rows_unbalanced, rows_greater: a
-- test in C per row). nil when results.csv lacks a count column: then every row is looked at.
local function suspect_rows(t)
  for _, name in ipairs(COUNT_COLUMNS) do
    if not t:has(name) then return nil end
  end
  local seen, out = {}, {}
  for _, rows in ipairs({ t:rows_unbalanced({ "m2", "m3", "m4", "m5" }, "participants"),
      t:rows_unbalanced({ "lowered", "confirmed", "raised" }, "participants"),
      t:rows_greater("below_min", "participants"), t:rows_greater("high_score", "participants") }) do
    for _, i in ipairs(rows) do
      if not seen[i] then seen[i] = true; out[#out + 1] = i end
    end
  end
  table.sort(out)
  return out
end

local function check_results(ds, problems)
  local f = ds.files.results
  if not f then return end
  check_duplicates(f, { "year", "procedure", "subject", "grade", "school_id" },
    "строка с тем же годом, процедурой, предметом, классом и ОО", problems, { "procedure", "subject" })
  local bad, suspects = cell_error_lines(f, problems), suspect_rows(f.table)
  local n = suspects and #suspects or f.table:nrows()
  for first = 1, n, SLICE do
    local rows = {}
    for k = first, math.min(n, first + SLICE - 1) do rows[#rows + 1] = suspects and suspects[k] or k end
    check_result_rows(f, problems, bad, rows)
  end
end

-- The group index of t by exam and school — year, procedure and subject by their name-key
-- columns (derived in C once per distinct name), so raw spellings ("Русский язык", "русский
-- язык") of one exam fall into one group — and the two key columns; nil when the file lacks a
-- key column. An index, not group_sum: at 40,000 schools there are ~1.5 M groups, too many
-- for a Lua table each.
local function exam_groups(t)
  for _, n in ipairs({ "year", "procedure", "subject", "school_id" }) do
    if not t:has(n) then return nil end
  end
  local pk, sk = t:add_namekey("procedure"), t:add_namekey("subject")
  return t:groups({ "year", pk, sk, "school_id" }), pk, sk
end

-- participants.csv against results.csv: the number of participants per exam and school. The
-- exam groups of both files are joined in C (g:match) and results.csv's participants summed
-- per group (g:sums): the loop below only compares numbers.
local function check_participant_counts(ds, problems)
  local p, r = rawget(ds.files, "participants"), ds.files.results   -- nil while deferred
  if not p or not r then return end
  check_duplicates(p, { "year", "procedure", "subject", "participant" },
    "участник с тем же кодом на том же экзамене", problems, { "procedure", "subject" })
  -- a participant row with a bad cell would make every count of its exam look wrong
  if next(cell_error_lines(p, problems)) then return end
  local rt, pt = r.table, p.table
  local rgroups = exam_groups(rt)
  local pgroups = exam_groups(pt)
  if not rgroups or not pgroups or not rt:has("participants") then return end
  -- groups come in order of first row; a message names the spelling of that row; groups with
  -- an empty or invalid (already reported) key cell match no results group and are not compared
  local match, sizes, sums = pgroups:match(rgroups), pgroups:sizes(), rgroups:sums("participants")
  for k = 1, #sizes do
    local j = match[k]
    if j then
      local want, got = sums[j] or 0, sizes[k]
      if want ~= got then
        local first = pgroups:first(k)
        problems:warning(at(p, first), string.format(
          "%s, %s, %d г., ОО %s: участников в participants.csv — %d, в results.csv — %d",
          pt:get("procedure", first), pt:get("subject", first), pt:get("year", first), pt:get("school_id", first),
          got, want))
      end
    end
  end
end

-- The catalogue of risk factors: risk_factors.csv when given, else the default. namekey → name.
local function risk_catalogue(ds, problems)
  local f = ds.files.risk_factors
  local list = {}
  if f then
    check_duplicates(f, { "factor" }, "фактор риска", problems, { "factor" })
    list = f.table:column("factor")
  else
    list = schema.default_risk_factors
  end
  local cat = {}
  for i = 1, (list.n or #list) do if list[i] then cat[namekey(list[i])] = list[i] end end
  return cat
end

-- Whether the name key of every distinct string of column `name` of t is in `known` (yes for
-- an absent column): then no row of the column needs a look.
local function all_known(t, name, known)
  if not t:has(name) then return true end
  for _, v in ipairs(t:distinct(name)) do
    if not known[namekey(v)] then return false end
  end
  return true
end

local function check_risks(ds, catalogue, problems)
  local f = ds.files.risks
  if not f then return end
  check_duplicates(f, { "year", "school_id", "factor" }, "фактор риска этой ОО за этот год", problems, { "factor" })
  local levels = {}
  for _, l in ipairs(schema.risk_levels) do levels[namekey(l)] = true end
  if all_known(f.table, "factor", catalogue) and all_known(f.table, "level", levels) then return end
  local c = cols(f.table, { "factor", "level" })
  for i = 1, c.factor.n do
    if c.factor[i] and not catalogue[namekey(c.factor[i])] then
      problems:error({ file = f.path, line = f.table:line(i), column = "factor" },
        "фактор риска «" .. c.factor[i] .. "» отсутствует в перечне факторов")
    end
    if c.level[i] and not levels[namekey(c.level[i])] then
      problems:error({ file = f.path, line = f.table:line(i), column = "level" },
        "уровень риска «" .. c.level[i] .. "»: допустимы высокий, средний, низкий")
    end
  end
end

-- A target value: number, or да/нет; nil + reason otherwise.
function M.target_value(text)
  local k = namekey(text)
  if k == "да" then return true elseif k == "нет" then return false end
  local v = engine.parse_num((text:gsub("%%%s*$", "")))
  if v then return v end
  return nil, "ожидается число или да/нет"
end

local function check_targets(ds, problems)
  local f = ds.files.targets
  if not f then return {} end
  local t = f.table
  check_duplicates(f, { "code" }, "код показателя", problems)
  local units = {}
  for _, u in ipairs(schema.units) do units[engine.fold(u)] = true end
  local codes, years = {}, ds.settings.program_years
  for i = 1, t:nrows() do
    local row = t:row(i)
    if row.code then codes[row.code] = true end
    if row.unit and not units[engine.fold(row.unit)] then
      problems:error({ file = f.path, line = row._line, column = "unit" },
        "единица измерения «" .. row.unit .. "»: допустимы %, да-нет, шт.")
    end
    if row.source and row.source ~= "measure" then
      local fn, err = engine.compile("return " .. row.source, "=targets.csv:" .. row._line, engine.new_env())
      if not fn then
        problems:error({ file = f.path, line = row._line, column = "source" },
          "выражение не разбирается: " .. tostring(err):match("^[^\n]*"):gsub("^targets%.csv:%d+:%d+: ", ""))
      end
    end
    for _, y in ipairs(f.years) do
      local v = row["target_" .. y]
      local ok, why = true, nil
      if v then ok, why = M.target_value(v) end
      if ok == nil then
        problems:error({ file = f.path, line = row._line, column = "target_" .. y }, why .. ": «" .. v .. "»")
      end
    end
  end
  for _, y in ipairs(f.years) do
    if years and (y < years.first or y > years.last) then
      problems:warning({ file = f.path, line = 1, column = "target_" .. y },
        "год " .. y .. " вне срока программы " .. years.first .. "–" .. years.last)
    end
  end
  return codes
end

local function check_measures(ds, ids, codes, problems)
  local f = ds.files.measures
  if not f then return end
  check_school_refs(f, ids, problems, true)
  check_duplicates(f, { "year", "school_id", "indicator" }, "значение показателя для этой ОО за этот год", problems)
  local c = cols(f.table, { "indicator", "numerator", "denominator", "value" })
  local bad = cell_error_lines(f, problems)
  for i = 1, c.indicator.n do
    if ds.files.targets and c.indicator[i] and not codes[c.indicator[i]] then
      problems:error({ file = f.path, line = f.table:line(i), column = "indicator" },
        "показатель '" .. c.indicator[i] .. "' отсутствует в targets.csv")
    end
    local has_ratio = c.numerator[i] ~= nil and c.denominator[i] ~= nil
    if bad[f.table:line(i)] then
      -- a cell of this row is reported already; its ratio or value is unknown
    elseif not has_ratio and c.value[i] == nil then
      problems:error(at(f, i), "укажите числитель и знаменатель или значение")
    elseif has_ratio and c.numerator[i] > c.denominator[i] then
      problems:warning(at(f, i), "числитель больше знаменателя")
    end
  end
end

local function check_settings(ds, problems)
  -- a setting given with a bad value is reported where it is given, not as missing
  local s, given = ds.settings, ds.setting_where or {}
  if s.report_year == nil and ds.files.district and not given.report_year then
    problems:error({ file = ds.files.district.path }, "не задан параметр report_year (отчётный год)")
  end
  if ds.files.targets and not s.program_years and ds.files.district and not given.program_years then
    problems:error({ file = ds.files.district.path }, "не задан параметр program_years (срок программы, например 2022-2024)")
  end
end

-- Runs every rule over ds.files and ds.settings. A file not loaded yet (participants.csv
-- deferred by dataset.load) is skipped; M.run_participants checks it once it is loaded.
function M.run(ds, problems)
  check_settings(ds, problems)
  local ids = check_schools(ds, problems)
  for _, name in ipairs({ "results", "participants", "risks" }) do
    check_school_refs(rawget(ds.files, name), ids, problems, false)   -- nil while deferred
  end
  check_results(ds, problems)
  check_participant_counts(ds, problems)
  local catalogue = risk_catalogue(ds, problems)
  check_risks(ds, catalogue, problems)
  check_duplicates(ds.files.thresholds, { "procedure", "subject" }, "порог для этой процедуры и предмета", problems,
    { "procedure", "subject" })
  local codes = check_targets(ds, problems)
  check_measures(ds, ids, codes, problems)
  ds.risk_catalogue = catalogue
end

-- The rules of participants.csv that M.run skipped because it was not loaded yet.
function M.run_participants(ds, problems)
  check_school_refs(ds.files.participants, school_ids(ds), problems, false)
  check_participant_counts(ds, problems)
end

return M
