-- schema — the data contract of a dataset folder (DESIGN.md, "Data contract"): every file,
-- its columns with Russian aliases, types and ranges. Pure data; dataset.lua applies it and
-- validate.lua holds the rules that span rows and files.
local M = {}

local function col(name, type_, aliases, opts)
  local c = { name = name, type = type_, aliases = aliases or {} }
  for k, v in pairs(opts or {}) do c[k] = v end
  return c
end

local YEAR = { min = 2000, max = 2100, required = true, nonempty = true }
local COUNT = { min = 0 }

-- Files in load order: references point backwards (results → schools).
M.files = {
  {
    name = "district", file = "district.csv", required = true, keyvalue = true,
    columns = {
      col("key", "str", { "параметр" }, { required = true, nonempty = true }),
      col("value", "str", { "значение" }, { required = true }),
    },
  },
  {
    name = "schools", file = "schools.csv", required = true,
    columns = {
      col("school_id", "str", { "код ОО" }, { required = true, nonempty = true }),
      col("name", "str", { "полное наименование" }, { required = true, nonempty = true }),
      col("short_name", "str", { "краткое наименование" }),
      col("kind", "str", { "тип ОО" }),
      col("locality", "str", { "местность" }),
      col("director", "str", { "директор" }),
      col("director_dative", "str", { "директор (дательный падеж)" }),
      col("students", "int", { "число обучающихся" }, COUNT),
      col("teachers", "int", { "число педагогов" }, COUNT),
      col("students_ovz", "int", { "обучающихся с ОВЗ" }, COUNT),
      col("partner_id", "str", { "школа-лидер" }),
      col("status", "list", { "статус" }),
    },
  },
  {
    name = "results", file = "results.csv", required = true,
    columns = {
      col("year", "int", { "год" }, YEAR),
      col("procedure", "str", { "процедура" }, { required = true, nonempty = true }),
      col("subject", "str", { "предмет" }, { required = true, nonempty = true }),
      col("grade", "int", { "класс" }, { required = true, nonempty = true, min = 1, max = 11 }),
      col("school_id", "str", { "код ОО" }, { required = true, nonempty = true }),
      col("participants", "int", { "участников" }, { required = true, nonempty = true, min = 0 }),
      col("m2", "int", { "«2»", "2" }, COUNT),
      col("m3", "int", { "«3»", "3" }, COUNT),
      col("m4", "int", { "«4»", "4" }, COUNT),
      col("m5", "int", { "«5»", "5" }, COUNT),
      col("mean_score", "num", { "средний балл" }, { min = 0, max = 100 }),
      col("below_min", "int", { "не преодолели минимальный порог" }, COUNT),
      col("high_score", "int", { "81-100 баллов" }, COUNT),
      col("lowered", "int", { "понизили" }, COUNT),
      col("confirmed", "int", { "подтвердили" }, COUNT),
      col("raised", "int", { "повысили" }, COUNT),
    },
  },
  {
    name = "participants", file = "participants.csv",
    columns = {
      col("year", "int", { "год" }, YEAR),
      col("procedure", "str", { "процедура" }, { required = true, nonempty = true }),
      col("subject", "str", { "предмет" }, { required = true, nonempty = true }),
      col("school_id", "str", { "код ОО" }, { required = true, nonempty = true }),
      col("participant", "str", { "код участника" }, { required = true, nonempty = true, personal = true }),
      col("score", "num", { "балл" }, { min = 0, max = 100 }),
      col("mark", "int", { "отметка" }, { min = 2, max = 5 }),
    },
  },
  {
    name = "risks", file = "risks.csv",
    columns = {
      col("year", "int", { "год" }, YEAR),
      col("school_id", "str", { "код ОО" }, { required = true, nonempty = true }),
      col("factor", "str", { "фактор риска" }, { required = true, nonempty = true }),
      col("level", "str", { "уровень риска" }, { required = true, nonempty = true }),
    },
  },
  {
    name = "measures", file = "measures.csv",
    columns = {
      col("year", "int", { "год" }, YEAR),
      col("school_id", "str", { "код ОО" }, { required = true }),
      col("indicator", "str", { "показатель" }, { required = true, nonempty = true }),
      col("numerator", "num", { "числитель" }, COUNT),
      col("denominator", "num", { "знаменатель" }, COUNT),
      col("value", "num", { "значение" }),
    },
  },
  {
    name = "targets", file = "targets.csv",
    -- target_<year> columns: Russian «целевое значение <year>»; a number or да/нет
    pattern = { prefix = "target_", alias = "целевое значение ", type = "str" },
    columns = {
      col("code", "str", { "код показателя" }, { required = true, nonempty = true }),
      col("section", "str", { "раздел" }),
      col("name", "str", { "наименование показателя" }, { required = true, nonempty = true }),
      col("unit", "str", { "единица измерения" }, { required = true, nonempty = true }),
      col("source", "str", { "источник" }, { required = true, nonempty = true }),
    },
  },
  {
    name = "thresholds", file = "thresholds.csv",
    columns = {
      col("procedure", "str", { "процедура" }, { required = true, nonempty = true }),
      col("subject", "str", { "предмет" }, { required = true, nonempty = true }),
      col("min_score", "num", { "минимальный балл" }, { required = true, nonempty = true, min = 0, max = 100 }),
    },
  },
  {
    name = "risk_factors", file = "risk_factors.csv",
    columns = {
      col("factor", "str", { "фактор риска" }, { required = true, nonempty = true }),
    },
  },
  {
    name = "roadmap", file = "roadmap.csv",
    columns = {
      col("factor", "str", { "фактор риска" }),
      col("goal", "str", { "цель" }),
      col("task", "str", { "задача" }),
      col("result", "str", { "планируемый результат" }),
      col("measure", "str", { "мера, мероприятие" }, { required = true, nonempty = true }),
      col("deadline", "str", { "сроки" }),
      col("indicator", "str", { "показатель реализации" }),
      col("responsible", "str", { "ответственные" }),
    },
  },
}

M.by_name = {}
for _, f in ipairs(M.files) do M.by_name[f.name] = f end

-- Settings of district.csv: type and default (nil = no default). Keys are always English.
M.settings = {
  org_name = { type = "str" }, org_short = { type = "str" }, region = { type = "str" },
  municipality = { type = "str" }, place = { type = "str" }, org_requisites = { type = "str" },
  head_position = { type = "str" }, head_name = { type = "str" },
  executor_name = { type = "str" }, executor_phone = { type = "str" },
  program_name = { type = "str" }, program_years = { type = "years" },
  report_year = { type = "int", min = 2000, max = 2100 },
  order_date = { type = "date" }, order_number = { type = "str" },
  kind = { type = "str", default = "prikaz", values = { prikaz = true, postanovlenie = true } },
  low_share_threshold = { type = "num", default = 30, min = 0, max = 100 },
  low_procedures = { type = "str", default = "ВПР/Математика/5 | ВПР/Математика/6 | "
    .. "ВПР/Русский язык/5 | ВПР/Русский язык/6 | ОГЭ/Математика/9 | ОГЭ/Русский язык/9 | "
    .. "ЕГЭ/Математика (базовая)/11 | ЕГЭ/Математика (профильная)/11" },
  min_participants = { type = "int", default = 5, min = 1, max = 1000 },
  low_rule = { type = "str", default = "fioko", values = { fioko = true, same_procedure = true } },
  dynamics_tolerance = { type = "num", default = 1, min = 0, max = 100 },
  small_school_students = { type = "int", default = 100, min = 0, max = 100000 },
  -- school_rating: "ПРОЦЕДУРА/Предметы/классы/мера | …" (reports/school_rating.lua); empty = defaults
  rating_indicators = { type = "str" },
}

M.risk_levels = { "высокий", "средний", "низкий" }
M.units = { "%", "да-нет", "шт." }
M.school_kinds = { "СОШ", "ООШ", "НОШ", "лицей", "гимназия", "филиал" }
M.school_statuses = { "500+", "ШНОР", "ШНСУ", "малочисленная" }

-- Default reference data (DESIGN.md), replaceable by thresholds.csv and risk_factors.csv.
M.default_thresholds = {
  { "ЕГЭ", "Русский язык", 24 }, { "ЕГЭ", "Математика (профильная)", 27 },
  { "ЕГЭ", "Обществознание", 42 }, { "ЕГЭ", "Информатика", 40 }, { "ЕГЭ", "География", 37 },
  { "ЕГЭ", "Физика", 36 }, { "ЕГЭ", "Химия", 36 }, { "ЕГЭ", "Биология", 36 },
  { "ЕГЭ", "История", 32 }, { "ЕГЭ", "Литература", 32 }, { "ЕГЭ", "Английский язык", 22 },
  { "ЕГЭ", "Немецкий язык", 22 }, { "ЕГЭ", "Французский язык", 22 },
  { "ЕГЭ", "Испанский язык", 22 }, { "ЕГЭ", "Китайский язык", 22 },
}

M.default_risk_factors = {
  "низкий уровень оснащения школы",
  "дефицит педагогических кадров",
  "недостаточная предметная и методическая компетентность педагогических работников",
  "риски низкой адаптивности учебного процесса",
  "несформированность внутришкольной системы повышения квалификации",
  "низкое качество преодоления языковых и культурных барьеров",
  "несформированность внутришкольной системы оценки качества образования",
  "высокая доля обучающихся с рисками учебной неуспешности",
  "низкий уровень вовлечённости родителей",
  "пониженный уровень качества школьной образовательной и воспитательной среды",
  "высокая доля обучающихся с ОВЗ",
  "низкая учебная мотивация обучающихся",
}

return M
