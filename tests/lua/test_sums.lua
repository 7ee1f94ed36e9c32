-- Tests of lua/sums.lua (results.csv sums by group through table:group_sum weighted by
-- participants) and of the whole-index group primitives g:sizes, g:sums, g:match, on
-- tests/data/lua_indicators/small. Expected values are read off its results.csv (27 rows) and
-- participants.csv by hand; sums.by must also give exactly what results.Index:sum gives.
local T = require("testing")
local dataset = require("dataset")
local results = require("results")
local sums = require("sums")

local DIR = "tests/data/lua_indicators/small"

local function load()
  local ds, problems = dataset.load(DIR)
  T.eq(problems.errors, 0, "the test dataset loads")
  return ds
end

-- Every field of two counts records, floats compared exactly.
local function same(a, b, what)
  for k, v in pairs(a) do T.eq(v, b[k], what .. ": " .. k) end
  for k, v in pairs(b) do T.eq(a[k], v, what .. ": " .. k) end
end

return {
  profile_mathematics_summed_by_hand = function()
    local ds = load()
    -- ЕГЭ/Математика (профильная)/11, all years: 04 6 (40.5), 04 5 (45.2), 06 10 (55.0),
    -- 04 6 (50.5), 06 4 (60.0); below_min 3+2+1+0+0, high_score 0+0+1+1+1
    local c = sums.by(ds, { procedure = "ЕГЭ", subject = "математика профильная", grade = 11 }, {})[true]
    T.eq({ c.participants, c.rows, c.below_min, c.scored, c.high_score, c.high_n, c.mean_n, c.marked, c.checked },
      { 31, 5, 6, 31, 3, 31, 31, nil, nil })
    -- 6·40.5 + 5·45.2 + 10·55 + 6·50.5 + 4·60 = 243 + 226 + 550 + 303 + 240 = 1562
    T.near(c.mean_sum, 1562)
    T.near(c.mean_score, 1562 / 31)
  end,

  checked_of_a_mixed_group_is_summed_row_by_row = function()
    local ds = load()
    -- 2024 ВПР of school 01: Математика 10 (no objectivity columns), Русский язык 10 (2/7/1):
    -- only the second row's participants are checked
    local c = sums.by(ds, { year = 2024, procedure = "ВПР" }, { "school_id" })["01"]
    T.eq({ c.participants, c.rows, c.m2, c.marked, c.lowered, c.confirmed, c.raised, c.checked },
      { 20, 2, 3, 20, 2, 7, 1, 10 })
  end,

  same_records_as_results_sum = function()
    local ds = load()
    local R = results.index(ds)
    local cases = {
      { {}, {} },
      { { year = 2024 }, { "procedure", "subject", "grade" } },
      { { year = 2023 }, { "school_id" } },
      { { year = 2024, procedure = "ВПР" }, { "school_id" } },
      { { procedure = "егэ" }, { "year" } },
      { { year = 2024, subject = "Нет такого" }, { "school_id" } },
    }
    for _, case in ipairs(cases) do
      local f, fields = case[1], case[2]
      local n = 0
      for key, c in pairs(sums.by(ds, f, fields)) do
        n = n + 1
        local ff = {}
        for k, v in pairs(f) do ff[k] = v end
        local parts = {}
        if key ~= true then for part in key:gmatch("[^|]+") do parts[#parts + 1] = part end end
        for i, field in ipairs(fields) do
          ff[field] = (field == "year" or field == "grade") and math.tointeger(tonumber(parts[i])) or parts[i]
        end
        same(c, R:sum(ff), tostring(key))
      end
      T.eq(n > 0, f.subject ~= "Нет такого", "groups found")
    end
  end,

  whole_index_sizes_sums_and_match = function()
    local ds = load()
    local rt, st, pt = ds.files.results.table, ds.files.schools.table, ds.files.participants.table
    -- results by school, in order of first row: 01, 02, 04, 03, 05, 06
    local g = rt:groups({ "school_id" })
    T.eq(g:sizes(), { 6, 6, 3, 3, 2, 7 })
    -- 01: 10+10+20+10+20+10; 02: 20+2500+20+2500+20+30; 04: 6+5+6; 03: 4+4+0; 05: 10+10;
    -- 06: 20+12+10+20+12+4+5
    T.eq(g:sums("participants"), { 80, 5090, 17, 8, 20, 83 })
    T.eq(g:sums("m2")[3], nil, "school 04 has no marks")
    T.eq(g:match(st:groups({ "school_id" })), { 1, 2, 4, 3, 5, 6 })
    -- subjects of participants.csv against results.csv by name key (two files' key columns):
    -- русский язык, математика, биология, география, информатика, математика профильная, физика,
    -- математика базовая, обществознание, история, литература, астрономия; results.csv has
    -- математика (1), математика профильная (2), русский язык (3), обществознание (4)
    local m = pt:groups({ pt:add_namekey("subject") }):match(rt:groups({ rt:add_namekey("subject") }))
    T.eq({ m[1], m[2], m[3], m[6], m[8], m[9], m[12] }, { 3, 1, nil, 2, nil, 4, nil })
    T.eq(#pt:groups({ "school_id" }):match(rt:groups({ "school_id" })), 2)
    T.eq(pcall(g.match, g, rt:groups({ "year" })), false, "key columns of different types")
  end,
}
