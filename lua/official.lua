-- official — pieces shared by the department's official documents (reports/order.lua,
-- reports/school_sheet.lua): the kind of act (приказ / постановление) and its phrases, the
-- organisation header, appendix marks, signature and executor, names in the dative with a
-- warning list when the case cannot be told, short labels of results. Uses ru and engine.
local engine = require("engine")
local ru = require("ru")

local M = {}

M.namekey = require("names").key

-- Upper case of Cyrillic and Latin letters (the string library only knows ASCII).
local function upper_char(ch)
  local c = utf8.codepoint(ch)
  if c >= 0x430 and c <= 0x44F then return utf8.char(c - 0x20) end
  if c == 0x451 then return "Ё" end
  return ch:upper()
end

-- Memo of upper(): every school sheet puts the same organisation name in capitals.
local uppers, nuppers = {}, 0

function M.upper(s)
  s = tostring(s)
  local u = uppers[s]
  if u then return u end
  u = s:gsub(utf8.charpattern, upper_char)
  if nuppers >= 1024 then uppers, nuppers = {}, 0 end
  uppers[s], nuppers = u, nuppers + 1
  return u
end

-- The first letter of s in upper / lower case.
function M.capital(s)
  local first = s:match("^" .. utf8.charpattern)
  if not first then return s end
  return M.upper(first) .. s:sub(#first + 1)
end

function M.uncapital(s)
  local first = s:match("^" .. utf8.charpattern)
  if not first then return s end
  local c = utf8.codepoint(first)
  local low = (c >= 0x410 and c <= 0x42F) and utf8.char(c + 0x20) or (c == 0x401 and "ё" or first:lower())
  return low .. s:sub(#first + 1)
end

-- A name with initials in one piece ("Мельничук Л.В.", "Н.В. Голубева"): no-break spaces.
function M.nb_name(name)
  if type(name) ~= "string" or not name:find("%.") then return name end
  return (name:gsub(" ", ru.NBSP))
end

-- Text from a CSV cell with numbers kept with their signs: "100 %", "№ 5", "2024 г." and
-- "2023–2025 гг." get no-break spaces.
function M.tidy(text)
  if type(text) ~= "string" then return text end
  text = text:gsub("(%d) %%", "%1" .. ru.NBSP .. "%%"):gsub("№ (%d)", "№" .. ru.NBSP .. "%1")
  -- "г" is two bytes: "гг?" in a pattern would make only its last byte optional
  return (text:gsub("(%d) (г%.)", "%1" .. ru.NBSP .. "%2"):gsub("(%d) (гг%.)", "%1" .. ru.NBSP .. "%2"))
end

-- A school's name with "№" kept with its number.
function M.nb_school(name)
  if type(name) ~= "string" then return name end
  return (name:gsub("№ ", "№" .. ru.NBSP))
end

-- ---- the kind of act ----

local KINDS = {
  prikaz = { title = "ПРИКАЗ", verb = "ПРИКАЗЫВАЮ:", to = "к приказу", this = "настоящего приказа",
    this_acc = "настоящий приказ", word = "приказ" },
  postanovlenie = { title = "ПОСТАНОВЛЕНИЕ", verb = "ПОСТАНОВЛЯЕТ:", to = "к постановлению",
    this = "настоящего постановления", this_acc = "настоящее постановление", word = "постановление" },
}

-- The phrases of settings.kind (prikaz by default): title, verb, to («к приказу»), this
-- («настоящего приказа»), this_acc, word; inline = the verb follows the issuer in the preamble.
function M.kind(s)
  local k = KINDS[s.kind or "prikaz"] or KINDS.prikaz
  return { title = k.title, verb = k.verb, to = k.to, this = k.this, this_acc = k.this_acc,
    word = k.word, inline = (s.kind == "postanovlenie") }
end

-- ---- the organisation in other cases ----

-- The head word of an issuing body's name → genitive, accusative. The rest of such names is
-- already in the genitive («Управление образования администрации …»), so only it changes.
local HEAD_WORDS = {
  ["управление"] = { "Управления", "Управление" }, ["отдел"] = { "Отдела", "Отдел" },
  ["администрация"] = { "Администрации", "Администрацию" }, ["комитет"] = { "Комитета", "Комитет" },
  ["департамент"] = { "Департамента", "Департамент" }, ["министерство"] = { "Министерства", "Министерство" },
}

local function org_case(name, idx)
  if type(name) ~= "string" then return nil end
  local head, rest = name:match("^(%S+)(.*)$")
  if not head then return nil end
  local forms = HEAD_WORDS[M.namekey(head)]
  if not forms then return nil end
  return forms[idx] .. rest
end

-- «Управление образования …» → «Управления образования …»; nil when the head word is unknown.
function M.org_genitive(name) return org_case(name, 1) end
-- «Администрация …» → «Администрацию …»; nil when the head word is unknown.
function M.org_accusative(name) return org_case(name, 2) end

-- ---- people ----

-- A collector of warnings for the person running the report (written to a text file, since
-- a report has no warning channel of its own).
function M.warnings()
  local w = { list = {}, seen = {} }
  function w.add(text)
    if not w.seen[text] then w.seen[text] = true; w.list[#w.list + 1] = text end
  end
  function w.output(file)
    if #w.list == 0 then return nil end
    return { file = file, data = table.concat(w.list, "\n") .. "\n" }
  end
  return w
end

-- The director of a schools.csv row in the dative (director_dative, or derived when sure);
-- when the case cannot be told, the nominative, with a warning added to `warn`.
function M.director_dative(school, warn)
  local name, sure = ru.director_dative(school)
  if not name then return "" end
  if not sure and warn then
    warn.add(string.format("%s (%s): дательный падеж ФИО руководителя «%s» не определён — " ..
      "оставлен именительный; укажите director_dative в schools.csv", school.short_name or "",
      school.school_id, school.director))
  end
  return M.nb_name(name)
end

-- ---- blocks ----

-- The date of the act as "02.09.2024" and its number, or blanks to fill in by hand.
function M.act_date(s) return s.order_date and ru.date_numeric(s.order_date) or "«___» ________ 20__ г." end
function M.act_number(s) return s.order_number or "____" end

-- «Приложение № n\nк приказу Управления образования …\nот 02.09.2024 № 214»: whole lines; the
-- engine wraps the mark in its column without hyphenation.
function M.appendix_text(s, n)
  local k = M.kind(s)
  local org = M.org_genitive(s.org_short or s.org_name)
  return "Приложение № " .. n .. "\n" .. k.to .. (org and (" " .. org) or "") .. "\n" ..
    "от " .. M.act_date(s) .. " № " .. M.act_number(s)
end

-- The organisation's name in capitals (a centred title: the engine neither hyphenates it nor
-- leaves a short last line).
function M.org_caps(s)
  return M.upper(s.org_name or "")
end

-- The header of a document that is not an act: the organisation in capitals, bold, centred.
function M.org_header(d, s)
  d:para({ text = M.org_caps(s), bold = true }, { align = "center", indent = false })
  d:spacer(4)
end

-- Signature of the head and, at the bottom of the page, the executor (full name and phone).
function M.sign(d, s)
  d:signature(s.head_position or "", M.nb_name(s.head_name or ""))
  if s.executor_name or s.executor_phone then
    local lines = { "Исполнитель: " .. (s.executor_name or "") }
    if s.executor_phone then lines[#lines + 1] = "тел. " .. s.executor_phone end
    d:executor(table.concat(lines, "\n"))
  end
end

-- ---- results ----

-- A short label for a chart category: "ВПР мат. 5", "ОГЭ рус.", "ЕГЭ мат. (проф.)".
function M.result_label(procedure, subject, grade)
  local k = M.namekey(subject)
  local short = ({ [M.namekey("Математика")] = "мат.", [M.namekey("Русский язык")] = "рус.",
    [M.namekey("Математика (базовая)")] = "мат. баз.", [M.namekey("Математика (профильная)")] = "мат. проф." })[k]
  short = short or M.uncapital(subject)
  local exam = ({ ["ОГЭ"] = true, ["ЕГЭ"] = true, ["ГВЭ"] = true })[procedure]
  return procedure .. " " .. short .. ((grade and not exam) and (" " .. grade .. " кл.") or "")
end

local EXAMS = { ["ОГЭ"] = true, ["ЕГЭ"] = true, ["ГВЭ"] = true }

-- "(5 и 6 классы)" / "(5 класс)".
local function grades_text(list)
  local g = {}
  for i, v in ipairs(list) do g[i] = tostring(v) end
  return "(" .. ru.join(g) .. ru.NBSP .. (#g == 1 and "класс" or "классы") .. ")"
end

-- A list of procedures {procedure, subject, grade} in words, grouped: "ВПР по математике и
-- русскому языку (5 и 6 классы), ОГЭ по математике и русскому языку, ЕГЭ по математике (базовой)".
function M.procedures_text(list)
  local order, by_proc = {}, {}
  for _, p in ipairs(list) do
    local e = by_proc[p.procedure]
    if not e then e = { subjects = {}, grades = {} }; by_proc[p.procedure] = e; order[#order + 1] = p.procedure end
    if not e.grades[p.subject] then e.grades[p.subject] = {}; e.subjects[#e.subjects + 1] = p.subject end
    if p.grade then table.insert(e.grades[p.subject], p.grade) end
  end
  local parts = {}
  for _, proc in ipairs(order) do
    local e, same = by_proc[proc], true
    local first = table.concat(e.grades[e.subjects[1]], ",")
    for _, subj in ipairs(e.subjects) do same = same and table.concat(e.grades[subj], ",") == first end
    local subj_words = {}
    for i, subj in ipairs(e.subjects) do
      subj_words[i] = ru.subject_dative(subj)
      if not EXAMS[proc] and not same and #e.grades[subj] > 0 then
        subj_words[i] = subj_words[i] .. " " .. grades_text(e.grades[subj])
      end
    end
    local text = proc .. " по " .. ru.join(subj_words)
    if not EXAMS[proc] and same and first ~= "" then text = text .. " " .. grades_text(e.grades[e.subjects[1]]) end
    parts[#parts + 1] = text
  end
  return table.concat(parts, ", ")
end

-- What makes a result low under settings s: "доля отметок «2» (…) составила 30 % и более".
function M.low_text(s)
  local t = s.low_share_threshold or 30
  return "доля отметок «2» (при отсутствии отметок — доля участников, не преодолевших минимальный порог) " ..
    "составила " .. ru.num(t, t % 1 == 0 and 0 or 1) .. ru.NBSP .. "% и более"
end

-- The identification rule of settings s for report year `year`, after "у которых …".
function M.rule_text(s, year)
  if s.low_rule == "same_procedure" then
    return string.format("низкие результаты по одной и той же оценочной процедуре в %d и %d%sгг.",
      year - 2, year - 1, ru.NBSP)
  end
  return string.format("низкие результаты не менее чем по двум оценочным процедурам в %d%sг. или хотя бы " ..
    "по одной оценочной процедуре в каждом из %d и %d%sгг.", year - 1, ru.NBSP, year - 2, year - 1, ru.NBSP)
end

return M
