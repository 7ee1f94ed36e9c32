-- Tests of lua/participants.lua (seed 002 per-participant indicators) on
-- tests/data/lua_indicators/small/participants.csv, 2024. By hand:
-- ОГЭ  P1 (01) 3+3+3+3 = 12 → yes (equal counts); P2 (01) 2+3+3+3 = 11 → no;
--      P3 (02) 5+5+2, only three marks → no; P4 (02) 5,4,4,3,2: best four 5+4+4+3 = 16 → yes.
-- ЕГЭ  minimums: defaults, Обществознание overridden to 45 by thresholds.csv.
--      E1 (01) Рус 24 (= min 24), проф 100, Физика 96 → all ≥ min; 24+100+96 = 220 → yes, yes
--      E2 (01) Рус 80, базовая mark 2 (fails), Общ 50 → no; two test scores only → no
--      E3 (02) Рус 90, проф 80, Общ 44 (< 45, though ≥ default 42), История 70 → no; 240 but not
--              all above the minimum → no
--      E4 (02) Рус 70, базовая mark 5, История 75, Литература 80 → yes; 70+75+80 = 225 → yes
--      E5 (02) Рус 60, Астрономия 50 (no minimum known), проф 30 (≥ 27) → yes; 140 → no
local T = require("testing")
local dataset = require("dataset")
local participants = require("participants")
local engine = require("engine")

local function load()
  local ds, problems = dataset.load("tests/data/lua_indicators/small")
  T.eq(problems.errors, 0, "the test dataset loads")
  return ds
end

local function counts(r)
  local by = {}
  for id, s in pairs(r.by_school) do by[id] = s.num .. "/" .. s.den end
  return { r.num, r.den, by }
end

return {
  oge_four_marks_sum = function()
    local r = participants.oge_marks_sum(load(), 2024, 12)
    T.eq(counts(r), { 2, 4, { ["01"] = "1/2", ["02"] = "1/2" } }, "P1 and P4 of four")
    T.near(r.share, 0.5)
    T.eq(participants.oge_marks_sum(load(), 2024, 17).num, 0, "P4's best four make 16")
  end,

  ege_all_above_minimum = function()
    local r = participants.ege_all_above_min(load(), 2024)
    T.eq(counts(r), { 3, 5, { ["01"] = "1/2", ["02"] = "2/3" } }, "E1, E4, E5 of five")
    T.near(r.share, 0.6)
    T.eq(r.unknown, { "Астрономия" }, "a subject without a minimum is named")
  end,

  ege_three_best_scores = function()
    local r = participants.ege_top3_sum(load(), 2024, 220)
    T.eq(counts(r), { 2, 5, { ["01"] = "1/2", ["02"] = "1/3" } }, "E1 and E4 of five")
    T.near(r.share, 0.4)
    -- with 225 only E4 (225) is left
    T.eq(participants.ege_top3_sum(load(), 2024, 225).num, 1)
  end,

  thresholds_merge_defaults_and_dataset = function()
    local thr = participants.thresholds(load())
    local function min(s) return thr[engine.namekey("ЕГЭ") .. "\1" .. engine.namekey(s)] end
    T.eq(min("Обществознание"), 45, "thresholds.csv wins")
    T.eq(min("Русский язык"), 24, "default kept")
    T.eq(min("математика профильная"), 27, "by namekey")
    T.eq(min("Математика (базовая)"), nil, "базовая is graded by mark")
  end,

  years_without_data = function()
    local r = participants.oge_marks_sum(load(), 2023, 12)
    T.eq({ r.num, r.den, r.share }, { 0, 0, nil })
  end,

  no_participants_file = function()
    local ds = load()
    ds.files.participants = nil
    T.eq(participants.ege_all_above_min(ds, 2024), nil)
  end,
}
