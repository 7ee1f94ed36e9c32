-- rating — schools ranked per indicator and by the sum of their ranks (seeds 001, 002: рейтинг
-- общеобразовательных организаций). Competition ranking: equal values share a rank and the next
-- rank skips (1, 2, 2, 4). A school without a value for an indicator is ranked after every school
-- with one (rank = number ranked + 1), so missing data never helps a school. Uses results,
-- indicators, identify.
local ind = require("indicators")
local results = require("results")
local identify = require("identify")

local M = {}

-- Equal for ranking: shares computed differently (0.64·m4 …) may differ in the last bits.
local function same(a, b) return math.abs(a - b) <= 1e-12 * math.max(1, math.abs(a), math.abs(b)) end

-- Puts have[i..j] (positions) back in the order of ids.
local function by_position(have, i, j)
  local run = table.move(have, i, j, 1, {})
  table.sort(run)
  table.move(run, 1, #run, i, have)
end

-- Competition ranks of values[id] over the ids (higher is better unless lower_is_better):
-- { [id] = rank }, ids without a value (or NaN) get #ranked + 1. Returns ranks, number ranked.
-- The sort compares values exactly, so its order is a strict one (a comparison that took
-- nearly equal values as equal would not be transitive, and table.sort's result would then
-- depend on the order it happened to compare in); values equal up to rounding end up next to
-- each other, and each run of them shares one rank and keeps the order of ids.
function M.rank(ids, values, lower_is_better)
  local have, v = {}, {}
  for i, id in ipairs(ids) do
    local x = values[id]
    if type(x) == "number" and x == x then have[#have + 1] = i; v[i] = x end
  end
  table.sort(have, function(a, b)
    local va, vb = v[a], v[b]
    if va ~= vb then
      if lower_is_better then return va < vb end
      return va > vb
    end
    return a < b
  end)
  local ranks, i = {}, 1
  while i <= #have do
    local j = i
    while j < #have and same(v[have[j]], v[have[j + 1]]) do j = j + 1 end
    if j > i then by_position(have, i, j) end
    for k = i, j do ranks[ids[have[k]]] = i end
    i = j + 1
  end
  for _, id in ipairs(ids) do ranks[id] = ranks[id] or (#have + 1) end
  return ranks, #have
end

-- Rating over several indicators: ids (print order for ties), indicators = list of { name,
-- values = { [id] = number | nil }, lower_is_better }. Returns { order = ids by place,
-- by_school = { [id] = { ranks = { [name] = rank }, sum, place } } }; place is the competition
-- rank of the sum of ranks (smaller sum is better).
function M.rate(ids, indicators)
  local by_school, sums = {}, {}
  for _, id in ipairs(ids) do by_school[id] = { ranks = {}, sum = 0 } end
  for _, indicator in ipairs(indicators) do
    local ranks = M.rank(ids, indicator.values, indicator.lower_is_better)
    for _, id in ipairs(ids) do
      by_school[id].ranks[indicator.name] = ranks[id]
      by_school[id].sum = by_school[id].sum + ranks[id]
    end
  end
  for _, id in ipairs(ids) do sums[id] = by_school[id].sum end
  local places = M.rank(ids, sums, true)
  local position = {}
  for i, id in ipairs(ids) do position[id] = i end
  local order = { table.unpack(ids) }
  table.sort(order, function(a, b)
    if places[a] ~= places[b] then return places[a] < places[b] end
    return position[a] < position[b]
  end)
  for _, id in ipairs(ids) do by_school[id].place = places[id] end
  return { order = order, by_school = by_school }
end

-- Indicators a results rating can use: counts record → value; lower_is_better by default.
M.MEASURES = {
  quality = { fn = ind.quality }, success = { fn = ind.success }, mean_mark = { fn = ind.mean_mark },
  sou = { fn = ind.sou }, mean_score = { fn = function(c) return c.mean_score end },
  fail = { fn = ind.fail, lower_is_better = true },
  failing = { fn = function(c) return (ind.failing(c)) end, lower_is_better = true },
}

-- A rating of the schools of schools.csv on results of `year`: specs = list of { procedure,
-- subject, grade (optional: all grades summed), measure = key of M.MEASURES, name (optional) }.
-- Returns rate()'s table plus indicators (with the values, for printing).
function M.results_rating(ds, year, specs)
  local R, ids, indicators = results.index(ds), {}, {}
  for _, s in ipairs(identify.schools(ds)) do ids[#ids + 1] = s.school_id end
  for _, spec in ipairs(specs) do
    local m = M.MEASURES[spec.measure]
    if not m then error("rating: неизвестный показатель «" .. tostring(spec.measure) .. "»", 2) end
    local values = {}
    for _, id in ipairs(ids) do
      local rows = R:rows({ year = year, procedure = spec.procedure, subject = spec.subject, grade = spec.grade, school_id = id })
      if #rows > 0 then values[id] = m.fn(ind.sum(rows)) end
    end
    indicators[#indicators + 1] = { name = spec.name or (spec.procedure .. "/" .. spec.subject .. "/"
      .. tostring(spec.grade or "") .. "/" .. spec.measure), values = values, lower_is_better = m.lower_is_better }
  end
  local out = M.rate(ids, indicators)
  out.indicators = indicators
  return out
end

return M
