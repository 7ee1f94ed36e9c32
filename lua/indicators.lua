-- indicators — the shares of DESIGN.md "Indicators" over a counts record: one results.csv row
-- or a sum of rows (district totals are sums of counts, then shares; never averages of
-- percentages). Shares are fractions 0…1, unrounded; nil where the total is 0 or the counts are
-- absent (printed "—" by lua/ru.lua). Pure Lua, no dataset access; lua/results.lua feeds it.
local M = {}

-- Count columns of results.csv, summed as they are.
M.COUNT_FIELDS = { "participants", "m2", "m3", "m4", "m5", "below_min", "high_score",
  "lowered", "confirmed", "raised" }

-- A counts record from a results row (any table with the results.csv column names). Besides the
-- counts it records how many participants each group of columns covers, so a sum over rows
-- where some lack marks still divides by the right total:
--   marked   participants of rows with marks «2»…«5»
--   scored   participants of rows with below_min (ЕГЭ and other tests without marks)
--   high_n   participants of rows with high_score
--   checked  participants of rows with lowered/confirmed/raised (ВПР objectivity)
--   mean_n   participants of rows with mean_score (mean_score is then participant-weighted)
function M.counts(row)
  local c = { mean_score = row.mean_score }
  for _, f in ipairs(M.COUNT_FIELDS) do c[f] = row[f] end
  return M.complete(c)
end

-- Makes a row a counts record in place (adds rows, marked, scored, high_n, checked, mean_n as
-- counts() describes them) and returns it: a row read from results.csv needs no copy. The row
-- has none of the added fields yet (a results row or a fresh table): absent ones stay absent.
function M.complete(row)
  local n = row.participants or 0
  row.participants, row.rows = n, 1
  if row.m2 ~= nil then row.marked = n end
  if row.below_min ~= nil then row.scored = n end
  if row.high_score ~= nil then row.high_n = n end
  if row.lowered or row.confirmed or row.raised then row.checked = n end
  if row.mean_score ~= nil then row.mean_n = n end
  return row
end

local SUMMED = { "participants", "rows", "m2", "m3", "m4", "m5", "below_min", "high_score",
  "lowered", "confirmed", "raised", "marked", "scored", "high_n", "checked", "mean_n" }

-- Adds counts record c into acc (a fresh table when nil); fields absent in every added record
-- stay nil. Returns acc.
function M.add(acc, c)
  acc = acc or { participants = 0, rows = 0 }
  for i = 1, #SUMMED do   -- a numeric loop: sums of district totals add up every results row
    local f = SUMMED[i]
    local v = c[f]
    if v ~= nil then acc[f] = (acc[f] or 0) + v end
  end
  if c.mean_score ~= nil and (c.mean_n or 0) > 0 then
    acc.mean_sum = (acc.mean_sum or 0) + c.mean_score * c.mean_n
    acc.mean_score = acc.mean_sum / acc.mean_n
  end
  return acc
end

-- The columns of results.csv that add_columns reads.
M.COLUMNS = { "participants", "m2", "m3", "m4", "m5", "mean_score", "below_min", "high_score",
  "lowered", "confirmed", "raised" }

-- Adds row k of results columns into acc (a fresh table when nil) exactly as add(acc,
-- counts(row)) would, without a table per row: cols[name] is an array of the column's cells
-- (nil = empty) for every name of M.COLUMNS. Returns acc. Written out column by column, not
-- as a loop over names: district totals call it for every results row, and the loop took half
-- its instructions.
function M.add_columns(acc, cols, k)
  acc = acc or { participants = 0, rows = 0 }
  local n = cols.participants[k] or 0
  acc.participants, acc.rows = acc.participants + n, acc.rows + 1
  -- fields are first set in the order add() sets them (counts, then what they cover), so a sum
  -- is the same table whichever way it was made
  local m2, below, high = cols.m2[k], cols.below_min[k], cols.high_score[k]
  local lowered, confirmed, raised = cols.lowered[k], cols.confirmed[k], cols.raised[k]
  if m2 ~= nil then acc.m2 = (acc.m2 or 0) + m2 end
  local v = cols.m3[k]
  if v ~= nil then acc.m3 = (acc.m3 or 0) + v end
  v = cols.m4[k]
  if v ~= nil then acc.m4 = (acc.m4 or 0) + v end
  v = cols.m5[k]
  if v ~= nil then acc.m5 = (acc.m5 or 0) + v end
  if below ~= nil then acc.below_min = (acc.below_min or 0) + below end
  if high ~= nil then acc.high_score = (acc.high_score or 0) + high end
  if lowered ~= nil then acc.lowered = (acc.lowered or 0) + lowered end
  if confirmed ~= nil then acc.confirmed = (acc.confirmed or 0) + confirmed end
  if raised ~= nil then acc.raised = (acc.raised or 0) + raised end
  if m2 ~= nil then acc.marked = (acc.marked or 0) + n end
  if below ~= nil then acc.scored = (acc.scored or 0) + n end
  if high ~= nil then acc.high_n = (acc.high_n or 0) + n end
  if lowered or confirmed or raised then acc.checked = (acc.checked or 0) + n end
  local mean = cols.mean_score[k]
  if mean ~= nil then
    acc.mean_n = (acc.mean_n or 0) + n
    if n > 0 then
      acc.mean_sum = (acc.mean_sum or 0) + mean * n
      acc.mean_score = acc.mean_sum / acc.mean_n
    end
  end
  return acc
end

-- Count columns a group's sums give as they are.
local PLAIN = { "m2", "m3", "m4", "m5", "below_min", "high_score", "lowered", "confirmed", "raised" }

-- The counts record of a group of rows from its sums (a group of table:group_sum over
-- M.COLUMNS weighted by participants: g[col] = Σ cell, g._weight[col] = Σ participants of the
-- rows with the cell, g._weighted[col] = Σ cell·participants, g._rows), equal to add_columns
-- over the rows one by one. nil when the sums do not tell `checked` (participants of the rows
-- with any of lowered, confirmed, raised): some rows but not all have them and no one column
-- covers every participant — the caller then adds the rows up itself.
function M.from_group_sums(g)
  local w, n = g._weight, g.participants or 0
  local c = { participants = n, rows = g._rows }
  for i = 1, #PLAIN do c[PLAIN[i]] = g[PLAIN[i]] end
  c.marked, c.scored, c.high_n, c.mean_n = w.m2, w.below_min, w.high_score, w.mean_score
  if (c.mean_n or 0) > 0 then
    c.mean_sum = g._weighted.mean_score
    c.mean_score = c.mean_sum / c.mean_n
  end
  local l, cf, r = w.lowered, w.confirmed, w.raised
  if l or cf or r then
    -- checked lies between the largest of them and n: it is n when one of them is n
    if l ~= n and cf ~= n and r ~= n then return nil end
    c.checked = n
  end
  return c
end

-- The sum of a list of counts records (rows or totals); `rows` counts the results rows.
function M.sum(list)
  local acc = { participants = 0, rows = 0 }
  for _, c in ipairs(list) do M.add(acc, c) end
  return acc
end

-- count / total, or nil when either is missing or total is 0.
function M.share(count, total)
  if count == nil or total == nil or total == 0 then return nil end
  return count / total
end

-- Share of mark k (2…5) among the participants with marks.
function M.mark_share(c, k) return M.share(c["m" .. k], c.marked) end

-- доля «2» = m2 / participants.
function M.fail(c) return M.share(c.m2, c.marked) end

-- успеваемость = (m3 + m4 + m5) / participants.
function M.success(c)
  if c.m3 == nil then return nil end
  return M.share(c.m3 + c.m4 + c.m5, c.marked)
end

-- качество знаний = (m4 + m5) / participants.
function M.quality(c)   -- share() written out: every sheet asks for it of every result it shows
  local m4 = c.m4
  if m4 == nil then return nil end
  local good, marked = m4 + c.m5, c.marked
  if marked == nil or marked == 0 then return nil end
  return good / marked
end

-- средняя отметка = (2·m2 + 3·m3 + 4·m4 + 5·m5) / participants.
function M.mean_mark(c)
  if c.m2 == nil then return nil end
  return M.share(2 * c.m2 + 3 * c.m3 + 4 * c.m4 + 5 * c.m5, c.marked)
end

-- СОУ (степень обученности) = (m5 + 0.64·m4 + 0.36·m3 + 0.16·m2) / participants, a fraction
-- printed like a share.
function M.sou(c)
  if c.m2 == nil then return nil end
  return M.share(c.m5 + 0.64 * c.m4 + 0.36 * c.m3 + 0.16 * c.m2, c.marked)
end

-- Share of participants below the minimum score, and of those with 81–100.
function M.below_min_share(c) return M.share(c.below_min, c.scored) end
function M.high_score_share(c) return M.share(c.high_score, c.high_n) end

-- The failing share of identification and dynamics: m2 / participants where marks are given,
-- otherwise below_min / participants (ЕГЭ профильная математика has no marks). Returns share,
-- failing count, total, basis ("m2" or "below_min"); nil when neither is given or total is 0.
local function failing_of(m2, marked, below, scored)
  if m2 ~= nil and marked and marked > 0 then return m2 / marked, m2, marked, "m2" end
  if below ~= nil and scored and scored > 0 then return below / scored, below, scored, "below_min" end
  return nil
end

function M.failing(c) return failing_of(c.m2, c.marked, c.below_min, c.scored) end

-- failing() from the counts as numbers: m2 of `marked` participants, below_min of `scored`.
-- For rules that read a results row's cells without making its record: the marks and
-- below_min of a row cover all its participants (complete()), so failing_of(m2, n, below, n).
M.failing_of = failing_of

-- ВПР objectivity: shares of participants whose ВПР mark was lower than / equal to / higher
-- than their journal mark (понизили / подтвердили / повысили).
function M.objectivity(c)
  return {
    lowered = M.share(c.lowered, c.checked),
    confirmed = M.share(c.confirmed, c.checked),
    raised = M.share(c.raised, c.checked),
  }
end

-- Every indicator of a counts record at once (nil entries where not defined).
function M.shares(c)
  local obj = M.objectivity(c)
  return {
    participants = c.participants,
    m2 = M.mark_share(c, 2), m3 = M.mark_share(c, 3), m4 = M.mark_share(c, 4), m5 = M.mark_share(c, 5),
    fail = M.fail(c), success = M.success(c), quality = M.quality(c),
    mean_mark = M.mean_mark(c), sou = M.sou(c), mean_score = c.mean_score,
    below_min = M.below_min_share(c), high_score = M.high_score_share(c),
    failing = (M.failing(c)),
    lowered = obj.lowered, confirmed = obj.confirmed, raised = obj.raised,
  }
end

return M
