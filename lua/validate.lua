-- validate — the consistency rules of a dataset that span rows and files (DESIGN.md, "Internal
-- consistency rules" and "Decided conventions"): references, sums of marks, duplicates,
-- catalogue names, target years. Each rule reports through problems; none stops the others.
local engine = require("engine")
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
local function cols(t, names)
  local out = {}
  for _, n in ipairs(names) do out[n] = t:has(n) and t:column(n) or { n = t:nrows() } end
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

-- Set of school ids; reports unknown kinds and statuses as warnings.
local function check_schools(ds, problems)
  local f = ds.files.schools
  local ids = {}
  if not f then return ids end
  check_duplicates(f, { "school_id" }, "код ОО", problems)
  local c = cols(f.table, { "school_id", "partner_id", "kind", "status" })
  local kinds, statuses = {}, {}
  for _, k in ipairs(schema.school_kinds) do kinds[engine.namekey(k)] = true end
  for _, s in ipairs(schema.school_statuses) do statuses[engine.namekey(s)] = true end
  for i = 1, c.school_id.n do if c.school_id[i] then ids[c.school_id[i]] = true end end
  for i = 1, c.school_id.n do
    local p = c.partner_id[i]
    if p and not ids[p] then
      problems:error({ file = f.path, line = f.table:line(i), column = "partner_id" },
        "школа-лидер с кодом '" .. p .. "' отсутствует в schools.csv")
    end
    if c.kind[i] and not kinds[engine.namekey(c.kind[i])] then
      problems:warning({ file = f.path, line = f.table:line(i), column = "kind" },
        "необычный тип ОО «" .. c.kind[i] .. "»")
    end
    for s in (c.status[i] or ""):gmatch("[^|]+") do
      local v = s:match("^%s*(.-)%s*$")
      if v ~= "" and not statuses[engine.namekey(v)] then
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

local function check_results(ds, problems)
  local f = ds.files.results
  if not f then return end
  check_duplicates(f, { "year", "procedure", "subject", "grade", "school_id" },
    "строка с тем же годом, процедурой, предметом, классом и ОО", problems, { "procedure", "subject" })
  local c = cols(f.table, { "participants", "m2", "m3", "m4", "m5", "below_min", "high_score",
    "lowered", "confirmed", "raised" })
  local bad = cell_error_lines(f, problems)
  for i = 1, c.participants.n do
    local n = not bad[f.table:line(i)] and c.participants[i] or nil
    local marks = { c.m2[i], c.m3[i], c.m4[i], c.m5[i] }
    local given = (marks[1] and 1 or 0) + (marks[2] and 1 or 0) + (marks[3] and 1 or 0) + (marks[4] and 1 or 0)
    if n and given > 0 and given < 4 then
      problems:error(at(f, i), "отметки «2»–«5» заполнены не полностью: укажите все четыре или ни одной")
    elseif n and given == 4 and marks[1] + marks[2] + marks[3] + marks[4] ~= n then
      problems:error(at(f, i), string.format("сумма отметок «2»–«5» (%d) не равна числу участников (%d)",
        marks[1] + marks[2] + marks[3] + marks[4], n))
    end
    for _, name in ipairs({ "below_min", "high_score" }) do
      if n and c[name][i] and c[name][i] > n then
        problems:error({ file = f.path, line = f.table:line(i), column = name },
          string.format("значение %d больше числа участников (%d)", c[name][i], n))
      end
    end
    local l, cf, r = c.lowered[i], c.confirmed[i], c.raised[i]
    if n and (l or cf or r) and (l or 0) + (cf or 0) + (r or 0) ~= n then
      problems:warning(at(f, i), string.format(
        "понизили + подтвердили + повысили (%d) не равно числу участников (%d)", (l or 0) + (cf or 0) + (r or 0), n))
    end
  end
end

-- participants.csv against results.csv: the number of participants per exam and school.
local function check_participant_counts(ds, problems)
  local p, r = ds.files.participants, ds.files.results
  if not p or not r then return end
  check_duplicates(p, { "year", "procedure", "subject", "participant" },
    "участник с тем же кодом на том же экзамене", problems, { "procedure", "subject" })
  -- nil when a key cell is empty or invalid (already reported): such rows are not compared
  local key = function(g)
    if not (g.year and g.procedure and g.subject and g.school_id) then return nil end
    return table.concat({ g.year, engine.namekey(g.procedure), engine.namekey(g.subject), g.school_id }, "\1")
  end
  -- a participant row with a bad cell would make every count of its exam look wrong
  if next(cell_error_lines(p, problems)) then return end
  local expected = {}
  for _, g in ipairs(r.table:group_sum({ by = { "year", "procedure", "subject", "school_id" }, sum = { "participants" } })) do
    local k = key(g)
    if k then expected[k] = (expected[k] or 0) + (g.participants or 0) end
  end
  -- groups of raw spellings ("Русский язык", "русский язык") of one exam are counted together
  local actual, order = {}, {}
  for _, g in ipairs(p.table:group_sum({ by = { "year", "procedure", "subject", "school_id" } })) do
    local k = key(g)
    if k and not actual[k] then
      actual[k] = { g = g, rows = 0 }
      order[#order + 1] = k
    end
    if k then actual[k].rows = actual[k].rows + g._rows end
  end
  for _, k in ipairs(order) do
    local a, want = actual[k], expected[k]
    if want and want ~= a.rows then
      problems:warning(at(p, a.g._first), string.format(
        "%s, %s, %d г., ОО %s: участников в participants.csv — %d, в results.csv — %d",
        a.g.procedure, a.g.subject, a.g.year, a.g.school_id, a.rows, want))
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
  for i = 1, (list.n or #list) do if list[i] then cat[engine.namekey(list[i])] = list[i] end end
  return cat
end

local function check_risks(ds, catalogue, problems)
  local f = ds.files.risks
  if not f then return end
  check_duplicates(f, { "year", "school_id", "factor" }, "фактор риска этой ОО за этот год", problems, { "factor" })
  local levels = {}
  for _, l in ipairs(schema.risk_levels) do levels[engine.namekey(l)] = true end
  local c = cols(f.table, { "factor", "level" })
  for i = 1, c.factor.n do
    if c.factor[i] and not catalogue[engine.namekey(c.factor[i])] then
      problems:error({ file = f.path, line = f.table:line(i), column = "factor" },
        "фактор риска «" .. c.factor[i] .. "» отсутствует в перечне факторов")
    end
    if c.level[i] and not levels[engine.namekey(c.level[i])] then
      problems:error({ file = f.path, line = f.table:line(i), column = "level" },
        "уровень риска «" .. c.level[i] .. "»: допустимы высокий, средний, низкий")
    end
  end
end

-- A target value: number, or да/нет; nil + reason otherwise.
function M.target_value(text)
  local k = engine.namekey(text)
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

-- Runs every rule over ds.files and ds.settings.
function M.run(ds, problems)
  check_settings(ds, problems)
  local ids = check_schools(ds, problems)
  for _, name in ipairs({ "results", "participants", "risks" }) do
    check_school_refs(ds.files[name], ids, problems, false)
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

return M
