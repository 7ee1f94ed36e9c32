-- The indicator library against the hand-computed expectations of samples/kedrovsky/README.md
-- (report year 2024, default settings): identification and its near misses, clusters and the
-- dynamics tallies behind them, district totals, target indicators. Printed values are compared
-- as the README prints them (one decimal, decimal comma).
local T = require("testing")
local dataset = require("dataset")
local identify = require("identify")
local dynamics = require("dynamics")
local results = require("results")
local ind = require("indicators")
local targets = require("targets")
local participants = require("participants")
local ru = require("ru")

local DIR = "samples/kedrovsky"

local function load(overrides)
  local ds, problems = dataset.load(DIR, overrides)
  T.eq(problems.errors, 0, "the sample loads")
  return ds
end

local function set(key, value) return { { key = key, value = value } } end

local function contains(list, x)
  for _, v in ipairs(list) do if v == x then return true end end
  return false
end

-- "35,3" for a share (README prints without the %)
local function p(share) return ru.num(share * 100, 1) end

return {
  identified_schools_2024 = function()
    local id = identify.identify(load())
    T.eq(id.low, { "2406", "2407", "2408", "2411", "2412" })
    local rules = {}
    for _, s in ipairs(id.low) do rules[s] = id.by_school[s].rule_met end
    T.eq(rules, { ["2406"] = "two_last_year", ["2407"] = "last_two_years", ["2408"] = "two_last_year",
      ["2411"] = "two_last_year", ["2412"] = "last_two_years" })
  end,

  triggering_results = function()
    local id = identify.identify(load())
    local function triggers(s)
      local out = {}
      for _, r in ipairs(id.by_school[s].triggers) do
        out[#out + 1] = string.format("%s/%s/%d %d: %d из %d = %s", r.procedure, r.subject, r.grade, r.year,
          r.count, r.participants, p(r.share))
      end
      return out
    end
    T.eq(triggers("2406"), { "ВПР/Математика/5 2023: 6 из 17 = 35,3", "ОГЭ/Математика/9 2023: 5 из 14 = 35,7",
      "ВПР/Русский язык/6 2022: 5 из 16 = 31,3", "ОГЭ/Математика/9 2022: 4 из 13 = 30,8" })
    T.eq(triggers("2407"), { "ВПР/Русский язык/6 2023: 5 из 15 = 33,3", "ВПР/Математика/5 2022: 5 из 15 = 33,3",
      "ВПР/Математика/6 2022: 6 из 16 = 37,5" })
    T.eq(triggers("2408"), { "ВПР/Математика/6 2023: 4 из 13 = 30,8",
      "ЕГЭ/Математика (профильная)/11 2023: 2 из 5 = 40,0" })
    T.eq(id.by_school["2408"].triggers[2].basis, "below_min")
    T.eq(triggers("2411"), { "ВПР/Математика/5 2023: 3 из 10 = 30,0", "ВПР/Русский язык/6 2023: 4 из 12 = 33,3" })
    T.eq(triggers("2412"), { "ОГЭ/Математика/9 2023: 3 из 8 = 37,5", "ВПР/Русский язык/5 2022: 3 из 9 = 33,3" })
  end,

  other_rules_and_years = function()
    T.eq(identify.identify(load(set("low_rule", "same_procedure"))).low, { "2406" })
    T.eq(identify.identify(load(), 2023).low, { "2406", "2407" })
    T.eq(contains(identify.identify(load(), 2025).low, "2415"), true, "2415's 2024 lows identify it in 2025")
  end,

  near_misses = function()
    local id = identify.identify(load())
    for _, s in ipairs({ "2405", "2414", "2402", "2415", "2410", "2413" }) do
      T.eq(id.by_school[s].low, false, s)
    end
    -- 2405: ВПР/Русский язык/5 2023 = 7 of 24 = 29,17 % prints 29,2 and is not low
    local c = results.index(load()):get("ВПР", "Русский язык", 5, "2405", 2023)
    T.eq(p(ind.fail(c)), "29,2")
    T.eq(contains(identify.identify(load(set("low_share_threshold", "29"))).low, "2405"), true, "threshold 29")
    T.eq(contains(identify.identify(load(set("min_participants", "3"))).low, "2414"), true, "min 3")
  end,

  clusters_2024 = function()
    local c = identify.clusters(load())
    T.eq(c.members, { [1] = { "2406", "2407", "2408", "2411", "2412" }, [2] = { "2409", "2410", "2413", "2414" },
      [3] = { "2402", "2404", "2405" }, stable = { "2401", "2403", "2415" } })
    T.eq(c.by_school["2409"].risks, { "дефицит педагогических кадров" })
    T.eq(c.by_school["2415"].risks, {}, "оснащение высокий only in 2023")
  end,

  dynamics_tallies_2024 = function()
    local ds = load()
    local function tally(s)
      local d = dynamics.school_dynamics(ds, s, 2024)
      return string.format("+%d -%d =%d of %d", d.positive, d.negative, d.stable, d.comparable)
    end
    T.eq(tally("2401"), "+4 -4 =0 of 8", "exactly half")
    T.eq(tally("2402"), "+8 -0 =0 of 8")
    T.eq(tally("2403"), "+4 -3 =1 of 8")
    T.eq(tally("2404"), "+6 -2 =0 of 8")
    T.eq(tally("2405"), "+7 -0 =0 of 7", "профильная has 3 participants in 2024")
    T.eq(tally("2415"), "+1 -5 =0 of 6")
    -- 2023 vs 2022
    local function pos(s) local d = dynamics.school_dynamics(ds, s, 2023); return d.positive .. "/" .. d.comparable end
    T.eq({ pos("2402"), pos("2404"), pos("2405"), pos("2401"), pos("2403"), pos("2415") },
      { "5/8", "5/8", "4/7", "4/8", "2/8", "1/7" })
  end,

  clusters_2023 = function()
    local c = identify.clusters(load(), 2023)
    T.eq(c.members, { [1] = { "2406", "2407" }, [2] = { "2408", "2410", "2412", "2413", "2414", "2415" },
      [3] = { "2402", "2404", "2405" }, stable = { "2401", "2403", "2409", "2411" } })
  end,

  district_totals_2024 = function()
    local R = results.index(load())
    local function row(pr, subj, grade)
      local c = R:sum({ year = 2024, procedure = pr, subject = subj, grade = grade })
      return string.format("%d %d %d %d %d %d %s %s %s %s", c.rows, c.participants, c.m2, c.m3, c.m4, c.m5,
        p(ind.fail(c)), p(ind.success(c)), p(ind.quality(c)), ru.num(ind.mean_mark(c), 2))
    end
    T.eq(row("ВПР", "Математика", 5), "14 296 44 126 99 27 14,9 85,1 42,6 3,37")
    T.eq(row("ВПР", "Русский язык", 5), "14 295 33 128 108 26 11,2 88,8 45,4 3,43")
    T.eq(row("ВПР", "Математика", 6), "14 289 39 125 93 32 13,5 86,5 43,3 3,41")
    T.eq(row("ВПР", "Русский язык", 6), "14 292 32 126 102 32 11,0 89,0 45,9 3,46")
    T.eq(row("ОГЭ", "Математика", 9), "14 312 46 136 102 28 14,7 85,3 41,7 3,36")
    T.eq(row("ОГЭ", "Русский язык", 9), "14 312 14 123 134 41 4,5 95,5 56,1 3,65")
    T.eq(row("ЕГЭ", "Математика (базовая)", 11), "10 69 1 22 28 18 1,4 98,6 66,7 3,91")
  end,

  changes_from_2023 = function()
    local R = results.index(load())
    local function change(pr, subj, grade)
      local a = R:sum({ year = 2023, procedure = pr, subject = subj, grade = grade })
      local b = R:sum({ year = 2024, procedure = pr, subject = subj, grade = grade })
      local ch = dynamics.change(a, b)
      return ru.pp(ch.fail) .. " " .. ru.pp(ch.quality)
    end
    local NB, MINUS = "\u{00A0}", "\u{2212}"
    T.eq(change("ВПР", "Математика", 5), MINUS .. "3,0" .. NB .. "п.п. +2,7" .. NB .. "п.п.")
    T.eq(change("ВПР", "Русский язык", 5), MINUS .. "3,6" .. NB .. "п.п. +3,5" .. NB .. "п.п.")
    T.eq(change("ОГЭ", "Математика", 9), MINUS .. "3,8" .. NB .. "п.п. +1,8" .. NB .. "п.п.")
    local m23 = R:sum({ year = 2023, procedure = "ВПР", subject = "Математика", grade = 5 })
    T.eq({ m23.participants, m23.m2, m23.m3, m23.m4, m23.m5 }, { 296, 53, 125, 94, 24 })
  end,

  ege_2024_and_one_school_row = function()
    local R = results.index(load())
    local function ege(subj)
      local c = R:sum({ year = 2024, procedure = "ЕГЭ", subject = subj })
      return string.format("%d %d %d %s", c.participants, c.below_min, c.high_score, p(ind.below_min_share(c)))
    end
    T.eq(ege("Русский язык"), "130 0 17 0,0")
    T.eq(ege("Математика (профильная)"), "61 2 3 3,3")
    T.eq(ege("Обществознание"):match("^(%d+ %d+) %d+ (.*)$"), "60 10")
    T.eq(p(ind.below_min_share(R:sum({ year = 2024, procedure = "ЕГЭ", subject = "Обществознание" }))), "16,7")
    local c = R:get("ВПР", "Математика", 5, "2401", 2024)
    T.eq({ c.participants, c.m2, c.m3, c.m4, c.m5, p(ind.fail(c)), p(ind.success(c)), p(ind.quality(c)) },
      { 52, 5, 20, 20, 7, "9,6", "90,4", "51,9" })
  end,

  target_indicators = function()
    local ds = load()
    local function table_of(year)
      local out = {}
      for _, e in ipairs(targets.evaluate(ds, year)) do
        out[e.code] = targets.format(e.unit, e.actual):gsub("\u{00A0}", " ") .. " " .. tostring(e.achieved)
      end
      return out
    end
    T.eq(table_of(2023), {
      ["1.1"] = "да true", ["3.3"] = "85,7 % false", ["4.1"] = "нет false", ["5.10"] = "53,8 % false",
      ["6.5"] = "37,6 % false", ["6.7"] = "5 true", ["8.1"] = "50,0 % true", ["8.2"] = "0,0 % false",
      ["8.3"] = "50,0 % true", ["8.4"] = "50,0 % true", ["9.1"] = "79,4 % false", ["9.2"] = "84,3 % true",
      ["9.3"] = "12,7 % true" })
    T.eq(table_of(2024), {
      ["1.1"] = "да true", ["3.3"] = "100,0 % true", ["4.1"] = "да true", ["5.10"] = "92,3 % true",
      ["6.5"] = "41,2 % true", ["6.7"] = "7 true", ["8.1"] = "80,0 % true", ["8.2"] = "60,0 % false",
      ["8.3"] = "60,0 % false", ["8.4"] = "100,0 % true", ["9.1"] = "83,3 % true", ["9.2"] = "83,1 % false",
      ["9.3"] = "10,8 % false" })
  end,

  positive_dynamics_schools = function()
    local d = targets.positive_dynamics(load(), 2024, "ОГЭ", "Математика")
    T.eq({ d.num, d.den }, { 4, 5 })
    T.eq(d.schools, { ["2406"] = true, ["2407"] = false, ["2408"] = true, ["2411"] = true, ["2412"] = true })
    local k = targets.positive_dynamics(load(), 2023, "КДР", "Читательская грамотность", 6)
    T.eq({ k.num, k.den, k.schools["2406"] }, { 1, 2, true })
  end,

  per_participant_2022 = function()
    local ds = load()
    local a, b, c = participants.oge_marks_sum(ds, 2022, 12), participants.ege_all_above_min(ds, 2022),
      participants.ege_top3_sum(ds, 2022, 220)
    T.eq({ a.num, a.den, b.num, b.den, c.num, c.den }, { 251, 314, 107, 131, 14, 131 })
    T.eq({ p(a.share), p(b.share), p(c.share) }, { "79,9", "81,7", "10,7" })
  end,
}
