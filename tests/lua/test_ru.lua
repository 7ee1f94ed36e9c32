-- Tests of lua/ru.lua: rounding, numbers, percents, п.п., plurals, dates, lists, cases,
-- generated sentences and names in the dative case. Expected strings are written by hand.
local T = require("testing")
local ru = require("ru")

local NB, MINUS = "\u{00A0}", "\u{2212}"

return {
  round_half_away_from_zero = function()
    T.eq(ru.round(2.5, 0), "3", "2.5")
    T.eq(ru.round(-2.5, 0), "-3", "-2.5 away from zero")
    T.eq(ru.round(-4.25, 1), "-4.3", "-4.25")
    T.eq(ru.round(12.44, 1), "12.4", "12.44 down")
  end,

  round_binary_edge_cases = function()
    -- 2.675 is stored as 2.67499999999999982…; a person rounds the written 2.675 to 2.68
    T.eq(ru.round(2.675, 2), "2.68", "2.675")
    T.eq(ru.round(1.005, 2), "1.01", "1.005")
    T.eq(ru.round(29.95, 1), "30.0", "29.95")
    T.eq(ru.round(0.05, 1), "0.1", "0.05")
    T.eq(ru.round(0.125, 2), "0.13", "0.125")
    T.eq(ru.round(9.995, 2), "10.00", "9.995 carries into a new digit")
    T.eq(ru.round(0.1 + 0.2, 1), "0.3", "0.1 + 0.2")
    T.eq(ru.round(0.004, 1), "0.0", "far below the half")
  end,

  round_computed_shares = function()
    -- 749 / 2500 = 0.2996 → 29.96 % → "30,0" (printed) although it is below 30
    T.eq(ru.pct(749 / 2500), "30,0" .. NB .. "%", "749/2500")
    -- 1 / 8 = 0.125 → 12.5 %
    T.eq(ru.pct(1 / 8), "12,5" .. NB .. "%", "1/8")
    -- 2 / 3 = 66.666… % → 66.7 %
    T.eq(ru.pct(2 / 3), "66,7" .. NB .. "%", "2/3")
    -- 997 / 296 = 3.3682… → 3,37 (средняя отметка, two decimals)
    T.eq(ru.num(997 / 296, 2), "3,37", "997/296")
  end,

  no_negative_zero = function()
    T.eq(ru.num(-0.04, 1), "0,0", "-0.04")
    T.eq(ru.num(-0.0, 0), "0", "-0.0")
  end,

  -- ru.num and ru.round keep the text of every number they print: asked again, by an integer
  -- or a float of the same value, or after the cache started over, they answer the same.
  remembered_numbers = function()
    T.eq(ru.num(2.675, 2), "2,68", "first time")
    T.eq(ru.num(2.675, 2), "2,68", "remembered")
    T.eq(ru.num(2.675, 1), "2,7", "another number of decimals")
    T.eq(ru.num(12345), "12" .. NB .. "345", "integer")
    T.eq(ru.num(12345.0), "12" .. NB .. "345", "float of the same value")
    T.eq(ru.round(12345.0, 1), "12345.0", "round keeps its own texts")
    T.eq(ru.num(0 / 0, 1), "—", "NaN is not kept")
    T.eq(ru.num(nil, 1), "—", "nil is not kept")
    for i = 1, 70000 do ru.num(i / 8, 3) end   -- past CACHE_MAX: the cache starts over
    T.eq(ru.num(1 / 8, 3), "0,125", "after the start over")
    T.eq(ru.num(70000 / 8, 3), "8750,000", "the last one")
  end,

  memoised_texts = function()
    local calls = 0
    local f = ru.memoised(function(x, k) calls = calls + 1; return x .. "/" .. k end)
    T.eq(f(3, 1), "3/1")
    T.eq(f(3.0, 1), "3/1", "3.0 is the key 3")
    T.eq(f(3), "3/0", "k defaults to 0")
    T.eq(calls, 2, "computed once per number and k")
  end,

  numbers_with_comma_and_groups = function()
    T.eq(ru.num(12.5, 1), "12,5")
    T.eq(ru.num(5068), "5068", "four digits stay whole")
    T.eq(ru.num(12345), "12" .. NB .. "345", "five digits grouped")
    T.eq(ru.num(1234567.891, 1), "1" .. NB .. "234" .. NB .. "567,9")
    T.eq(ru.num(-4.2, 1), MINUS .. "4,2", "typographic minus")
    T.eq(ru.num(nil), "—", "nil")
    T.eq(ru.num(0 / 0, 1), "—", "NaN")
  end,

  percents_and_points = function()
    T.eq(ru.pct(0.125), "12,5" .. NB .. "%")
    T.eq(ru.pct(nil), "—")
    T.eq(ru.pct(1), "100,0" .. NB .. "%")
    T.eq(ru.pct_value(85.71428), "85,7" .. NB .. "%")
    T.eq(ru.pp(0.042), "+4,2" .. NB .. "п.п.")
    T.eq(ru.pp(-0.042), MINUS .. "4,2" .. NB .. "п.п.")
    T.eq(ru.pp(0.0004), "0,0" .. NB .. "п.п.", "rounds to zero: no sign")
    T.eq(ru.pp(-0.0004), "0,0" .. NB .. "п.п.", "negative rounding to zero: no sign")
    T.eq(ru.pp(nil), "—")
    T.eq(ru.signed(0.06, 2), "+0,06")
  end,

  plurals = function()
    T.eq(ru.count(1, "школа"), "1" .. NB .. "школа")
    T.eq(ru.count(2, "школа"), "2" .. NB .. "школы")
    T.eq(ru.count(5, "школа"), "5" .. NB .. "школ")
    T.eq(ru.count(11, "школа"), "11" .. NB .. "школ")
    T.eq(ru.count(12, "школа"), "12" .. NB .. "школ")
    T.eq(ru.count(14, "школа"), "14" .. NB .. "школ")
    T.eq(ru.count(21, "участник"), "21" .. NB .. "участник")
    T.eq(ru.count(22, "участник"), "22" .. NB .. "участника")
    T.eq(ru.count(25, "участник"), "25" .. NB .. "участников")
    T.eq(ru.count(111, "участник"), "111" .. NB .. "участников")
    T.eq(ru.count(101, "год"), "101" .. NB .. "год")
    T.eq(ru.count(0, "год"), "0" .. NB .. "лет")
    T.eq(ru.plural(3, "балл", "балла", "баллов"), "балла")
    T.eq(ru.plural(2.5, "процент", "процента", "процентов"), "процента", "fraction: genitive singular")
  end,

  dates = function()
    T.eq(ru.date_quoted("2022-06-14"), "«14» июня 2022" .. NB .. "г.")
    T.eq(ru.date_quoted("2023-06-05"), "«05» июня 2023" .. NB .. "г.")
    T.eq(ru.date_words("2023-06-05"), "5 июня 2023" .. NB .. "г.")
    T.eq(ru.date_numeric("2022-06-14"), "14.06.2022")
    T.eq(ru.date_numeric("2.9.2024"), "02.09.2024", "dd.mm.yyyy input")
    T.eq(ru.date_words("2024-12-31"), "31 декабря 2024" .. NB .. "г.")
    local v, err = ru.date_numeric("2024-13-01")
    T.eq(v, nil)
    T.eq(err, "дата «2024-13-01» не в формате ГГГГ-ММ-ДД или ДД.ММ.ГГГГ")
  end,

  lists = function()
    T.eq(ru.join({ "А", "Б", "В" }), "А, Б и В")
    T.eq(ru.join({ "А", "Б" }), "А и Б")
    T.eq(ru.join({ "А" }), "А")
    T.eq(ru.join({}), "")
    T.eq(ru.join({ "А", "Б", "В" }, "или"), "А, Б или В")
  end,

  subject_cases = function()
    T.eq(ru.subject_dative("Математика"), "математике")
    T.eq(ru.subject_dative("Русский язык"), "русскому языку")
    T.eq(ru.subject_dative("Математика (базовая)"), "математике (базовой)")
    T.eq(ru.subject_dative("Окружающий мир"), "окружающему миру")
    T.eq(ru.subject_dative("История"), "истории")
    T.eq(ru.subject_dative("Обществознание"), "обществознанию")
    T.eq(ru.subject_dative("Читательская грамотность"), "читательской грамотности")
    T.eq(ru.subject_dative("Иностранный язык (английский)"), "иностранному языку (английскому)")
    T.eq(ru.subject_dative("Основы безопасности жизнедеятельности"), "основам безопасности жизнедеятельности")
    T.eq(ru.subject_dative("ОБЖ"), "ОБЖ", "acronym")
    T.eq(ru.subject_genitive("Математика"), "математики")
    T.eq(ru.subject_genitive("Русский язык"), "русского языка")
    T.eq(ru.subject_genitive("Литература"), "литературы")
    T.eq(ru.subject_genitive("Обществознание"), "обществознания")
    -- declined names are remembered per case: the second answer is the same, and a name
    -- declined in one case is declined afresh in the other
    T.eq(ru.subject_dative("Литература"), "литературе")
    T.eq(ru.subject_dative("Литература"), "литературе", "remembered")
    T.eq(ru.subject_genitive("Литература"), "литературы", "the other case")
  end,

  about_phrases = function()
    T.eq(ru.about("Математика", 5), "по математике в 5" .. NB .. "классах")
    T.eq(ru.about("Русский язык", 6, "ВПР"), "на ВПР по русскому языку в 6" .. NB .. "классах")
    T.eq(ru.about("Математика", 9, "ОГЭ"), "на ОГЭ по математике", "ОГЭ needs no grade")
  end,

  change_sentences = function()
    local about = ru.about("Математика", 5)
    -- 0.182 → 0.125: fell by 5.7 п.п.
    T.eq(ru.change_sentence({ subject = "Доля отметок «2»", about = about, from = 0.182, to = 0.125 }),
      "Доля отметок «2» по математике в 5" .. NB .. "классах снизилась с 18,2" .. NB .. "% до 12,5" .. NB
      .. "% (на 5,7" .. NB .. "п.п.).")
    T.eq(ru.change_sentence({ subject = "Доля отметок «2»", about = about, from = 0.125, to = 0.182 }),
      "Доля отметок «2» по математике в 5" .. NB .. "классах выросла с 12,5" .. NB .. "% до 18,2" .. NB
      .. "% (на 5,7" .. NB .. "п.п.).")
    -- 0.1246 and 0.1254 both print 12,5 %: unchanged, never "выросла с 12,5 % до 12,5 %"
    T.eq(ru.change_sentence({ subject = "Доля отметок «2»", from = 0.1246, to = 0.1254 }),
      "Доля отметок «2» не изменилась и составила 12,5" .. NB .. "%.")
    T.eq(ru.change_sentence({ subject = "Качество знаний", gender = "n", about = about, from = 0.4, to = 0.358, short = true }),
      "Качество знаний по математике в 5" .. NB .. "классах снизилось на 4,2" .. NB .. "п.п.")
    -- средняя отметка 3.37 → 3.43: +0.06
    T.eq(ru.change_sentence({ subject = "Средняя отметка", kind = "mean", from = 3.37, to = 3.43 }),
      "Средняя отметка выросла с 3,37 до 3,43 (на 0,06).")
    T.eq(ru.change_sentence({ subject = "Успеваемость", to = 0.9 }), "Успеваемость составила 90,0" .. NB .. "%.")
    T.eq(ru.change_sentence({ subject = "Успеваемость", from = 0.9 }), nil, "no current value")
  end,

  names_in_dative = function()
    local function d(n) return { ru.name_dative(n) } end
    T.eq(d("Иванов И.И."), { "Иванову И.И.", true })
    T.eq(d("Петрова А.С."), { "Петровой А.С.", true })
    T.eq(d("Кузнецова О.П."), { "Кузнецовой О.П.", true }, "-ова is feminine")
    T.eq(d("Бурдин А.Г."), { "Бурдину А.Г.", true })
    T.eq(d("Ильина А.В."), { "Ильиной А.В.", true })
    T.eq(d("Голицын А.А."), { "Голицыну А.А.", true })
    T.eq(d("Добровольский П.Е."), { "Добровольскому П.Е.", true })
    T.eq(d("Завадская И.М."), { "Завадской И.М.", true })
    T.eq(d("Высоцкий В.С."), { "Высоцкому В.С.", true })
    T.eq(d("Литвиненко О.С."), { "Литвиненко О.С.", true }, "-ко indeclinable")
    T.eq(d("Седых Н.А."), { "Седых Н.А.", true }, "-ых indeclinable")
    T.eq(d("Н.В. Голубева"), { "Н.В. Голубевой", true }, "initials first")
    T.eq(d("Петров-Водкин К.С."), { "Петрову-Водкину К.С.", true }, "double surname")
    T.eq(d("Мельничук Л.В."), { "Мельничук Л.В.", false }, "gender unknown: nominative, unsure")
    T.eq(d("Тарасюк Елена Андреевна"), { "Тарасюк Елена Андреевна", false }, "full name: unsure")
  end,

  director_dative_prefers_the_dataset = function()
    T.eq({ ru.director_dative({ director = "Полищук Р.Н.", director_dative = "Полищуку Р.Н." }) },
      { "Полищуку Р.Н.", true })
    T.eq({ ru.director_dative({ director = "Абрамов Д.И." }) }, { "Абрамову Д.И.", true })
    T.eq({ ru.director_dative({ director = "Мельничук Л.В." }) }, { "Мельничук Л.В.", false })
  end,
}
