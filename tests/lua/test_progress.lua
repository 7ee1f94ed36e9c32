-- progress: on a terminal the bar is drawn at the first item, then once per thousandth of the
-- work at most, and always ends at the total; in a log a line per tenth.
local T = require("testing")
local progress = require("progress")

-- What a bar over `total` items writes, on a terminal (tty) or in a log, as each item is done
-- and the batch finishes.
local function drawn(tty, total)
  local lines = {}
  local bar = progress.new(total, { tty = tty, write = function(text) lines[#lines + 1] = text end })
  for done = 1, total do bar:update(done) end
  bar:finish()
  return lines
end

return {
  a_country_on_a_terminal_is_not_redrawn_at_every_sheet = function()
    local lines = drawn(true, 40000)
    T.eq(#lines, 1 + 1000 + 1)   -- the first sheet, each thousandth, and the final newline
    T.eq(lines[1], "\r[..............................] 1/40000")
    T.eq(lines[2], "\r[..............................] 40/40000")
    T.eq(lines[1001], "\r[##############################] 40000/40000")
    T.eq(lines[1002], "\n")
  end,
  a_few_items_are_each_drawn = function()
    local lines = drawn(true, 21)
    T.eq(#lines, 21 + 1)
    T.eq(lines[10], "\r[##############................] 10/21")
  end,
  a_log_gets_a_line_per_tenth = function()
    local lines = drawn(false, 1001)
    T.eq(#lines, 10)
    T.eq({ lines[1], lines[10] }, { "готово 101 из 1001 (10 %)\n", "готово 1001 из 1001 (100 %)\n" })
  end,
  one_item_draws_nothing = function()
    T.eq(#drawn(true, 1), 0)
  end,
}
