-- progress: on a terminal the bar is drawn at the first item, then once per thousandth of the
-- work at most, and always ends at the total; in a log a line per tenth.
local T = require("testing")
local progress = require("progress")

-- A sink that keeps what the bar writes.
local function sink(tty)
  local s = { tty = tty, lines = {} }
  s.write = function(text) s.lines[#s.lines + 1] = text end
  return s
end

return {
  a_country_on_a_terminal_is_not_redrawn_at_every_sheet = function()
    local s = sink(true)
    local bar = progress.new(40000, s)
    for done = 1, 40000 do bar:update(done) end
    bar:finish()
    T.eq(#s.lines, 1 + 1000 + 1)   -- the first sheet, each thousandth, and the final newline
    T.eq(s.lines[1], "\r[..............................] 1/40000")
    T.eq(s.lines[2], "\r[..............................] 40/40000")
    T.eq(s.lines[1001], "\r[##############################] 40000/40000")
    T.eq(s.lines[1002], "\n")
  end,
  a_few_items_are_each_drawn = function()
    local s = sink(true)
    local bar = progress.new(21, s)
    for done = 1, 21 do bar:update(done) end
    T.eq(#s.lines, 21)
    T.eq(s.lines[10], "\r[##############................] 10/21")
  end,
  a_log_gets_a_line_per_tenth = function()
    local s = sink(false)
    local bar = progress.new(1001, s)
    for done = 1, 1001 do bar:update(done) end
    bar:finish()
    T.eq(#s.lines, 10)
    T.eq({ s.lines[1], s.lines[10] }, { "готово 101 из 1001 (10 %)\n", "готово 1001 из 1001 (100 %)\n" })
  end,
  one_item_draws_nothing = function()
    local s = sink(true)
    local bar = progress.new(1, s)
    bar:update(1)
    bar:finish()
    T.eq(#s.lines, 0)
  end,
}
