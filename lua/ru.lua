-- ru — Russian text helpers for printed documents: numbers with a decimal comma rounded half
-- away from zero, percents and signed п.п., plural agreement, dates, lists joined with «и»,
-- cases of subject names and directors' names, generated sentences about changes.
-- Pure Lua; numbers arrive unrounded (shares as fractions 0…1) and are rounded only here.
local M = {}

M.NBSP = "\u{00A0}"   -- between a number and its unit: "12,5 %", "5 школ", "2022 г."
M.MINUS = "\u{2212}"  -- typographic minus of signed differences
M.DASH = "—"          -- printed for a value that does not exist (0 participants, no data)

-- ---- numbers ----

-- Rounds x half away from zero to k decimals and returns it as text with a decimal point
-- ("2.68", "-4.2", "0.0"), or nil for nil/NaN/inf. The decision is taken on the 15-significant-
-- digit decimal form of x, so values typed or computed as 2.675, 29.95, 0.05 or 0.125 round as a
-- person expects (2.68, 30.0, 0.1, 0.13) although their binary form lies just below the half.
-- Ratios of counts below 10^7 are never that close to a half unless they are exactly on it.
-- The exact way: rounds the 15-digit decimal form digit by digit. Returns sign, integer part
-- and fraction (k digits, "" when k is 0) as strings.
local function round_slow(x, k)
  local d1, rest, e = string.format("%.14e", math.abs(x)):match("^(%d)%.(%d+)e([-+]%d+)$")
  local digits = d1 .. rest
  local keep = tonumber(e) + 1 + k   -- how many of the digits lie before the rounding point
  local units                        -- |x| * 10^k, rounded, as a string of digits
  if keep < 0 then
    units = "0"
  elseif keep >= #digits then
    units = digits .. string.rep("0", keep - #digits)
  else
    local head = keep > 0 and math.tointeger(tonumber(digits:sub(1, keep))) or 0
    units = tostring(head + (digits:sub(keep + 1, keep + 1) >= "5" and 1 or 0))
  end
  units = units:gsub("^0+(%d)", "%1")
  if #units <= k then units = string.rep("0", k - #units + 1) .. units end
  local neg = x < 0 and units:find("[1-9]") ~= nil   -- never "-0.0"
  return neg and "-" or "", units:sub(1, #units - k), units:sub(#units - k + 1)
end

local POW10, FRAC_FMT = {}, {}
for i = 0, 15 do POW10[i] = math.tointeger(10 ^ i); FRAC_FMT[i] = "%0" .. i .. "d" end

-- Sign, integer part and fraction of x rounded half away from zero to k decimals; nil for
-- nil/NaN/inf. The fast way: y = |x|·10^k differs from the 15-digit decimal form (times 10^k)
-- by under 5e-15·y, so unless y's fraction lies within 1e-13·y of a half both round alike and
-- floor(y + 0.5) is the answer; near a half (2.675, 0.125, …) the exact way decides.
local function round_parts(x, k)
  if type(x) ~= "number" or x ~= x or x == math.huge or x == -math.huge then return nil end
  local p = POW10[k]
  if p then
    local y = (x < 0 and -x or x) * p
    if y < 1e15 then
      local f = y - math.floor(y)
      local d = f - 0.5
      if d < 0 then d = -d end
      if d > y * 1e-13 + 1e-13 then
        local u = math.floor(y + 0.5)   -- an integer (math.floor of a float below 2^63)
        local sign = (x < 0 and u ~= 0) and "-" or ""
        if k == 0 then return sign, tostring(u), "" end
        return sign, tostring(u // p), string.format(FRAC_FMT[k], u % p)
      end
    end
  end
  return round_slow(x, k)
end

-- Printed numbers repeat a great deal (shares of small counts, the same totals in several
-- tables and in the CSV copies), and rounding one costs many times a table lookup:
-- ru.memoised(f) is f(x, k) (k defaults to 0) remembering the text of each number x per k. A cache that reaches CACHE_MAX
-- texts starts over, so a long batch does not grow it without end. Only numbers are kept (nil
-- and NaN cannot be keys); a float and an integer of equal value share a key and a text.
local CACHE_MAX = 1 << 16

function M.memoised(f)
  local by_k, n = {}, 0
  return function(x, k)
    k = k or 0
    local texts = by_k[k]
    if not texts then texts = {}; by_k[k] = texts end
    local s = texts[x]
    if s then return s end
    s = f(x, k)
    if type(x) == "number" and x == x then
      if n >= CACHE_MAX then by_k, n = {}, 0; texts = {}; by_k[k] = texts end
      texts[x], n = s, n + 1
    end
    return s
  end
end

local function round_text(x, k)
  local sign, int, frac = round_parts(x, k)
  if not sign then return nil end
  return sign .. int .. (k > 0 and ("." .. frac) or "")
end

M.round = M.memoised(round_text)

-- Groups the digits of a non-negative integer part by three with no-break spaces, from five
-- digits on (Russian typography leaves four-digit numbers whole: 2024, 5068, 12 345).
local function group(int)
  if #int < 5 then return int end
  return (int:reverse():gsub("(%d%d%d)", "%1" .. M.NBSP:reverse()):reverse():gsub("^" .. M.NBSP, ""))
end

local function num_text(x, k)
  local sign, int, frac = round_parts(x, k)
  if not sign then return M.DASH end
  return (sign == "-" and M.MINUS or "") .. group(int) .. (k > 0 and ("," .. frac) or "")
end

-- Number with k decimals (default 0) and a decimal comma: 3.368 → "3,37"; nil → "—".
M.num = M.memoised(num_text)

-- A share given as a fraction 0…1, printed in percent with k decimals (default 1):
-- 0.125 → "12,5 %" (no-break space before %); nil → "—".
local pct_text = M.memoised(function(share, k) return M.num(share * 100, k) .. M.NBSP .. "%" end)
function M.pct(share, k)
  if type(share) ~= "number" then return M.DASH end
  return pct_text(share, k or 1)
end

-- A value already in percent (targets.csv works in percent): 30 → "30,0 %".
function M.pct_value(v, k)
  if type(v) ~= "number" then return M.DASH end
  return M.num(v, k or 1) .. M.NBSP .. "%"
end

local function signed_text(x, k)
  local sign, int, frac = round_parts(x, k)
  if not sign then return M.DASH end
  local s = group(int) .. (k > 0 and ("," .. frac) or "")
  if sign == "-" then return M.MINUS .. s end
  if int == "0" and (k == 0 or not frac:find("[1-9]")) then return s end   -- zero: no sign
  return "+" .. s
end

-- A signed number: "+0,06", "−0,06", "0,00" (zero after rounding carries no sign). Memoised
-- like num: differences fill whole table columns.
M.signed = M.memoised(signed_text)

-- Difference of two shares given as a fraction, in percentage points with one decimal:
-- 0.042 → "+4,2 п.п.", -0.042 → "−4,2 п.п.", 0.0004 → "0,0 п.п."; nil → "—".
function M.pp(diff, k)
  if type(diff) ~= "number" then return M.DASH end
  return M.signed(diff * 100, k or 1) .. M.NBSP .. "п.п."
end

-- ---- plural agreement ----

-- The form agreeing with n: one (1, 21, 101), few (2–4, 22–24), many (0, 5–20, 25…).
-- A fractional n takes the genitive singular, which is the `few` form ("2,5 процента").
function M.plural(n, one, few, many)
  if math.type(n) ~= "integer" and n ~= math.floor(n) then return few end
  n = math.abs(math.tointeger(n) or n) % 100
  if n >= 11 and n <= 14 then return many end
  local last = n % 10
  if last == 1 then return one end
  if last >= 2 and last <= 4 then return few end
  return many
end

-- Forms of the nouns reports count, keyed by the nominative singular.
M.words = {
  ["школа"] = { "школа", "школы", "школ" },
  ["организация"] = { "организация", "организации", "организаций" },
  ["участник"] = { "участник", "участника", "участников" },
  ["обучающийся"] = { "обучающийся", "обучающихся", "обучающихся" },
  ["выпускник"] = { "выпускник", "выпускника", "выпускников" },
  ["педагог"] = { "педагог", "педагога", "педагогов" },
  ["человек"] = { "человек", "человека", "человек" },
  ["процедура"] = { "процедура", "процедуры", "процедур" },
  ["предмет"] = { "предмет", "предмета", "предметов" },
  ["класс"] = { "класс", "класса", "классов" },
  ["показатель"] = { "показатель", "показателя", "показателей" },
  ["балл"] = { "балл", "балла", "баллов" },
  ["год"] = { "год", "года", "лет" },
  ["процент"] = { "процент", "процента", "процентов" },
  ["отметка"] = { "отметка", "отметки", "отметок" },
}

-- "5 школ": n, a no-break space and the agreeing form. forms is a key of M.words or a list
-- {one, few, many}.
function M.count(n, forms)
  local f = type(forms) == "table" and forms or M.words[forms]
  if not f then error("ru.count: неизвестное слово «" .. tostring(forms) .. "»", 2) end
  return M.num(n, n == math.floor(n) and 0 or 1) .. M.NBSP .. M.plural(n, f[1], f[2], f[3])
end

-- ---- dates ----

local MONTHS_GEN = { "января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа",
  "сентября", "октября", "ноября", "декабря" }

-- Year, month, day of "yyyy-mm-dd" (what the loader gives) or "dd.mm.yyyy"; nil + message.
function M.parse_date(s)
  if type(s) ~= "string" then return nil, "дата не задана" end
  local y, m, d = s:match("^(%d%d%d%d)%-(%d%d)%-(%d%d)$")
  if not y then d, m, y = s:match("^(%d%d?)%.(%d%d?)%.(%d%d%d%d)$") end
  y, m, d = tonumber(y), tonumber(m), tonumber(d)
  if not y or m < 1 or m > 12 or d < 1 or d > 31 then
    return nil, "дата «" .. s .. "» не в формате ГГГГ-ММ-ДД или ДД.ММ.ГГГГ"
  end
  return y, m, d
end

-- "14.06.2022" (ГОСТ Р 7.0.97 numeric form); nil + message for a malformed date.
function M.date_numeric(s)
  local y, m, d = M.parse_date(s)
  if not y then return nil, m end
  return string.format("%02d.%02d.%04d", d, m, y)
end

-- "14 июня 2022 г." (word form, day without a leading zero).
function M.date_words(s)
  local y, m, d = M.parse_date(s)
  if not y then return nil, m end
  return string.format("%d %s %d%sг.", d, MONTHS_GEN[m], y, M.NBSP)
end

-- "«14» июня 2022 г." as in approval blocks and order headers; the quoted day has two digits
-- («05» июня), the way these blanks are filled in.
function M.date_quoted(s)
  local y, m, d = M.parse_date(s)
  if not y then return nil, m end
  return string.format("«%02d» %s %d%sг.", d, MONTHS_GEN[m], y, M.NBSP)
end

-- ---- lists ----

-- {"А", "Б", "В"} → "А, Б и В"; conj replaces «и» (e.g. "или"); empty list → "".
function M.join(list, conj)
  local n = #list
  if n == 0 then return "" end
  if n == 1 then return tostring(list[1]) end
  local head = {}
  for i = 1, n - 1 do head[i] = tostring(list[i]) end
  return table.concat(head, ", ") .. " " .. (conj or "и") .. " " .. tostring(list[n])
end

-- ---- cases of subject names ----

-- Lower case of Cyrillic and Latin capitals (the string library only knows ASCII).
local function lower(w)
  return (w:gsub(utf8.charpattern, function(ch)
    local c = utf8.codepoint(ch)
    if c >= 0x410 and c <= 0x42F then return utf8.char(c + 0x20) end
    if c == 0x401 then return "ё" end
    return ch:lower()
  end))
end

-- Does w end with suffix e (byte-wise; endings are plain UTF-8 strings)?
local function ends(w, e) return #w >= #e and w:sub(-#e) == e end

local function replace_end(w, rules)
  for _, r in ipairs(rules) do
    if ends(w, r[1]) then return w:sub(1, #w - #r[1]) .. r[2] end
  end
  return nil
end

-- Adjective endings (singular) → dative, genitive. Longest and most specific first.
local ADJ = {
  dat = { { "кий", "кому" }, { "гий", "гому" }, { "хий", "хому" }, { "ший", "шему" }, { "щий", "щему" },
    { "жий", "жему" }, { "чий", "чему" }, { "ний", "нему" }, { "ый", "ому" }, { "ой", "ому" },
    { "жая", "жей" }, { "шая", "шей" }, { "щая", "щей" }, { "чая", "чей" }, { "яя", "ей" }, { "ая", "ой" },
    { "ое", "ому" }, { "ее", "ему" } },
  gen = { { "кий", "кого" }, { "гий", "гого" }, { "хий", "хого" }, { "ший", "шего" }, { "щий", "щего" },
    { "жий", "жего" }, { "чий", "чего" }, { "ний", "него" }, { "ый", "ого" }, { "ой", "ого" },
    { "жая", "жей" }, { "шая", "шей" }, { "щая", "щей" }, { "чая", "чей" }, { "яя", "ей" }, { "ая", "ой" },
    { "ое", "ого" }, { "ее", "его" } },
}
-- Noun endings → dative, genitive; nil = ends in a consonant (+у, +а). Nouns in -ь are taken
-- as feminine (грамотность), the only kind among subject names.
local NOUN = {
  dat = { { "ия", "ии" }, { "ие", "ию" }, { "ь", "и" }, { "а", "е" }, { "я", "е" }, { "о", "у" }, { "й", "ю" } },
  gen = { { "ия", "ии" }, { "ие", "ия" }, { "ь", "и" }, { "ка", "ки" }, { "га", "ги" }, { "ха", "хи" },
    { "жа", "жи" }, { "ша", "ши" }, { "ща", "щи" }, { "ча", "чи" }, { "а", "ы" }, { "я", "и" },
    { "о", "а" }, { "й", "я" } },
}
local CONSONANT_END = { dat = "у", gen = "а" }

-- Subject names whose head is plural or otherwise beyond the rules: namekey-free lower case.
local SUBJECT_EXCEPTIONS = {
  ["основы безопасности жизнедеятельности"] = { dat = "основам безопасности жизнедеятельности",
    gen = "основ безопасности жизнедеятельности" },
  ["основы безопасности и защиты родины"] = { dat = "основам безопасности и защиты Родины",
    gen = "основ безопасности и защиты Родины" },
}

local function is_adjective(w)
  for _, r in ipairs(ADJ.dat) do if ends(w, r[1]) then return true end end
  return false
end

-- Has w a lower-case letter? Words without one are acronyms (ОБЖ, КДР) and do not decline.
local function has_lower(w)
  for _, c in utf8.codes(w) do
    if (c >= 0x430 and c <= 0x44F) or c == 0x451 or (c >= 97 and c <= 122) then return true end
  end
  return false
end

local function decline_noun(w, case)
  if not has_lower(w) or not w:find("[\208\209]") then return w end   -- acronym or Latin
  return replace_end(w, NOUN[case]) or (w .. CONSONANT_END[case])
end

-- Declines a subject name (nominative, as in results.csv) into `case` ("dat" or "gen"): the
-- leading adjectives and the head noun agree, adjectives in brackets after it agree too
-- ("Математика (базовая)" → "математике (базовой)"), anything after that stays as is
-- ("… безопасности жизнедеятельности"). The first letter is lowered unless the word is an acronym.
local function decline_subject(name, case)
  local low = lower(name)
  local ex = SUBJECT_EXCEPTIONS[low:gsub("%s+", " ")]
  if ex then return ex[case] end
  local out, head_done, stopped = {}, false, false
  for tok in name:gmatch("%S+") do
    local open, core, close = tok:match("^(%(?)(.-)([%),.;:]*)$")
    local word = (#out == 0 and has_lower(core)) and lower(core) or core
    if not stopped and not head_done and is_adjective(lower(word)) then
      word = replace_end(word, ADJ[case]) or word
    elseif not stopped and not head_done then
      word, head_done = decline_noun(word, case), true
    elseif not stopped and open == "(" and is_adjective(word) then
      word = replace_end(word, ADJ[case]) or word
    else
      stopped = true
    end
    out[#out + 1] = open .. word .. close
  end
  return table.concat(out, " ")
end

-- Declined names by case: a report declines the same few subjects for every result it
-- mentions (thousands of times for a large district), each time walking their letters.
local declined = { dat = {}, gen = {} }

local function declined_subject(name, case)
  local s = declined[case][name]
  if not s then s = decline_subject(name, case); declined[case][name] = s end
  return s
end

-- "Математика" → "математике", "Русский язык" → "русскому языку" (for «по …»).
function M.subject_dative(name) return declined_subject(name, "dat") end
-- "Математика" → "математики", "Русский язык" → "русского языка" (учителей …).
function M.subject_genitive(name) return declined_subject(name, "gen") end

-- Procedures whose grade goes without saying (ОГЭ is 9th grade, ЕГЭ 11th).
local EXAM = { ["ОГЭ"] = true, ["ЕГЭ"] = true, ["ГВЭ"] = true }

-- "в 5 классах" (results of a grade across schools are about several classes).
function M.in_grades(grade) return "в " .. tostring(grade) .. M.NBSP .. "классах" end

-- The circumstance of a sentence about one result: "по математике в 5 классах",
-- "на ВПР по математике в 5 классах", "на ОГЭ по русскому языку".
function M.about(subject, grade, procedure)
  local parts = {}
  if procedure then parts[#parts + 1] = "на " .. procedure end
  parts[#parts + 1] = "по " .. M.subject_dative(subject)
  if grade and not EXAM[procedure or ""] then parts[#parts + 1] = M.in_grades(grade) end
  return table.concat(parts, " ")
end

-- ---- generated sentences ----

local VERBS = {
  f = { up = "выросла", down = "снизилась", same = "не изменилась", be = "составила" },
  n = { up = "выросло", down = "снизилось", same = "не изменилось", be = "составило" },
  m = { up = "вырос", down = "снизился", same = "не изменился", be = "составил" },
  pl = { up = "выросли", down = "снизились", same = "не изменились", be = "составили" },
}

-- A sentence about the change of an indicator from one year to the next:
--   t.subject  "Доля отметок «2»" (grammatical subject), t.gender "f" | "n" | "m" | "pl"
--   t.about    "по математике в 5 классах" (optional), t.from, t.to (unrounded)
--   t.kind     "share" (fractions, printed in % with a п.п. difference) or "mean" (two
--              decimals, plain difference), t.short: "… снизилось на 4,2 п.п." only.
-- "Unchanged" when the printed values or the printed difference are equal, so a sentence never
-- says "выросла с 12,5 % до 12,5 %". Returns nil when t.to is nil.
function M.change_sentence(t)
  if type(t.to) ~= "number" then return nil end
  local verbs, mean = VERBS[t.gender or "f"], t.kind == "mean"
  local head = t.subject .. (t.about and (" " .. t.about) or "")
  local to = mean and M.num(t.to, 2) or M.pct(t.to)
  if type(t.from) ~= "number" then return head .. " " .. verbs.be .. " " .. to .. "." end
  local d = t.to - t.from
  local from = mean and M.num(t.from, 2) or M.pct(t.from)
  local by = mean and M.num(math.abs(d), 2) or (M.num(math.abs(d) * 100, 1) .. M.NBSP .. "п.п.")
  if from == to or not by:find("[1-9]") then
    if t.short then return head .. " " .. verbs.same .. "." end
    return head .. " " .. verbs.same .. " и " .. verbs.be .. " " .. to .. "."
  end
  local verb = d > 0 and verbs.up or verbs.down
  if t.short then   -- "п.п." already ends with the full stop
    local short = head .. " " .. verb .. " на " .. by
    return short:sub(-1) == "." and short or (short .. ".")
  end
  return string.format("%s %s с %s до %s (на %s).", head, verb, from, to, by)
end

-- ---- names in the dative case ----

local NAME_RULES = {   -- surname endings, feminine before masculine so -ова wins over -ов
  { "ская", "ской" }, { "цкая", "цкой" }, { "ова", "овой" }, { "ева", "евой" }, { "ёва", "ёвой" },
  { "ина", "иной" }, { "ына", "ыной" },
  { "ский", "скому" }, { "цкий", "цкому" }, { "ов", "ову" }, { "ев", "еву" }, { "ёв", "ёву" },
  { "ин", "ину" }, { "ын", "ыну" },
}
local NAME_FIXED = { "ко", "их", "ых", "аго", "яго", "ово" }   -- never declined

-- One surname (or one part of a double one) → dative, sure.
local function surname_dative(s)
  for _, e in ipairs(NAME_FIXED) do if ends(s, e) then return s, true end end
  local d = replace_end(s, NAME_RULES)
  if d then return d, true end
  return s, false
end

-- "Иванов И.И." → "Иванову И.И.", true; "Петрова А.С." → "Петровой А.С.", true; also
-- "И.И. Иванов". Only the surname changes, by its ending (-ов/-ев/-ин/-ын, -ова/-ева/-ина/-ына,
-- -ский/-цкий/-ская/-цкая; -ко/-их/-ых/-аго/-ово stay). Gender cannot be told from initials, so
-- any other surname (Мельничук: Мельничуку or Мельничук?) and any full name come back in the
-- nominative with sure = false: the caller warns and the dataset gives director_dative.
function M.name_dative(name)
  if type(name) ~= "string" or not name:find("%S") then return nil, false end
  local tokens, surname_at = {}, nil
  for tok in name:gmatch("%S+") do
    tokens[#tokens + 1] = tok
    if not tok:find("%.") then
      if surname_at then return name, false end   -- two words without dots: a full name
      surname_at = #tokens
    end
  end
  if not surname_at then return name, false end
  local parts, sure = {}, true
  for part in tokens[surname_at]:gmatch("[^-]+") do
    local d, ok = surname_dative(part)
    parts[#parts + 1], sure = d, sure and ok
  end
  if not sure then return name, false end
  tokens[surname_at] = table.concat(parts, "-")
  return table.concat(tokens, " "), true
end

-- The director of a schools.csv row in the dative case: director_dative when given, else
-- derived by name_dative. Returns name (nil when no director), sure.
function M.director_dative(school)
  if school.director_dative and school.director_dative:find("%S") then return school.director_dative, true end
  return M.name_dative(school.director)
end

return M
