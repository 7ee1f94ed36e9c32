-- Tests of lua/rating.lua: competition ranking (1, 2, 2, 4), missing values ranked last, the
-- rating by the sum of ranks; on hand-made values and on tests/data/lua_indicators/small.
local T = require("testing")
local dataset = require("dataset")
local rating = require("rating")

return {
  competition_ranking = function()
    local ids = { "a", "b", "c", "d", "e" }
    local values = { a = 10, b = 20, c = 20, d = 5 }   -- e has no value
    local ranks, ranked = rating.rank(ids, values)
    T.eq(ranks, { b = 1, c = 1, a = 3, d = 4, e = 5 }, "higher is better; e after all ranked")
    T.eq(ranked, 4)
    T.eq((rating.rank(ids, values, true)), { d = 1, a = 2, b = 3, c = 3, e = 5 }, "lower is better")
  end,

  float_ties = function()
    -- 0.1 + 0.2 = 0.30000000000000004 and 0.3 are one value for a rating
    T.eq((rating.rank({ "x", "y", "z" }, { x = 0.1 + 0.2, y = 0.3, z = 0.2 })), { x = 1, y = 1, z = 3 })
  end,

  near_ties_chain = function()
    -- 60 values 0.6e-12 apart in a scrambled order: neighbours are equal up to rounding, so all
    -- share rank 1, whatever order the sort compares them in
    local ids, values = {}, {}
    for i = 1, 60 do
      ids[i] = "s" .. i
      values[ids[i]] = 50 * (1 + 0.6e-12 * ((i * 7) % 41))
    end
    values.s61, ids[61] = 49, "s61"
    local ranks, ranked = rating.rank(ids, values)
    for i = 1, 60 do T.eq(ranks[ids[i]], 1, ids[i]) end
    T.eq({ ranks.s61, ranked }, { 61, 61 })
  end,

  nan_is_no_value = function()
    local ranks, ranked = rating.rank({ "a", "b", "c" }, { a = 0 / 0, b = 2, c = 1 })
    T.eq(ranks, { b = 1, c = 2, a = 3 })
    T.eq(ranked, 2)
  end,

  sum_of_ranks = function()
    local r = rating.rate({ "a", "b", "c" }, {
      { name = "q", values = { a = 0.5, b = 0.4, c = 0.4 } },            -- a 1, b 2, c 2
      { name = "f", values = { a = 0.3, b = 0.1, c = 0.2 }, lower_is_better = true },  -- b 1, c 2, a 3
    })
    -- sums: a 1+3 = 4, b 2+1 = 3, c 2+2 = 4 → b first, a and c share place 2
    T.eq(r.order, { "b", "a", "c" })
    T.eq({ r.by_school.a.sum, r.by_school.b.sum, r.by_school.c.sum }, { 4, 3, 4 })
    T.eq({ r.by_school.a.place, r.by_school.b.place, r.by_school.c.place }, { 2, 1, 2 })
    T.eq(r.by_school.a.ranks, { q = 1, f = 3 })
  end,

  results_rating = function()
    local ds = dataset.load("tests/data/lua_indicators/small")
    local r = rating.results_rating(ds, 2024, {
      { procedure = "ВПР", subject = "Математика", grade = 5, measure = "quality", name = "ВПР качество" },
      { procedure = "ОГЭ", subject = "Математика", grade = 9, measure = "fail", name = "ОГЭ «2»" },
    })
    -- ВПР качество: 06 10/20 = .5 → 1; 02 1025/2500 = .41 → 2; 01 4/10 = .4 → 3; 05 2/10 → 4;
    --   03 (0 participants) and 04 (no row) → 5
    -- ОГЭ «2» (lower better): 02 1/20 → 1; 06 3/12 → 2; 01 6/20 → 3; 03, 04, 05 → 4
    -- sums: 01 6, 02 3, 03 9, 04 9, 05 8, 06 3 → places 02 1, 06 1, 01 3, 05 4, 03 5, 04 5
    T.eq(r.order, { "02", "06", "01", "05", "03", "04" })
    local places = {}
    for id, s in pairs(r.by_school) do places[id] = s.place end
    T.eq(places, { ["01"] = 3, ["02"] = 1, ["03"] = 5, ["04"] = 5, ["05"] = 4, ["06"] = 1 })
    T.eq(r.by_school["01"].ranks, { ["ВПР качество"] = 3, ["ОГЭ «2»"] = 3 })
    T.near(r.indicators[1].values["02"], 0.41, "1025/2500")
  end,

  unknown_measure_is_misuse = function()
    local ds = dataset.load("tests/data/lua_indicators/small")
    local ok, err = pcall(rating.results_rating, ds, 2024, { { procedure = "ВПР", subject = "Математика", measure = "рейтинг" } })
    T.eq(ok, false)
    T.eq(tostring(err):match("rating: .*$"), "rating: неизвестный показатель «рейтинг»")
  end,
}
