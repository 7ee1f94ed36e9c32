-- progress — how a batch shows its progress: a redrawn bar on a terminal, and on a pipe or in
-- a log (cron) a plain line at every tenth of the work, so logs stay short and readable. The bar
-- is redrawn when a thousandth more is done, not at every item: a country's 40,000 sheets
-- would send a terminal over ssh 40,000 redraws.
local engine = require("engine")

local M = {}
M.__index = M

-- sink (tests): { tty = whether it is a terminal, write = function(text) }; stderr by default.
function M.new(total, sink)
  sink = sink or { tty = engine.isatty(2), write = engine.stderr }
  return setmetatable({ total = total, done = 0, tty = sink.tty, write = sink.write, last_tenth = 0,
    last_mille = -1 }, M)
end

function M:update(done)
  self.done = done
  if self.total < 2 then return end
  if self.tty then
    local mille = 1000 * done // self.total
    if mille == self.last_mille then return end
    self.last_mille = mille
    local width = 30
    local filled = math.floor(width * done / self.total)
    self.write(string.format("\r[%s%s] %d/%d", string.rep("#", filled), string.rep(".", width - filled),
      done, self.total))
  else
    local tenth = math.floor(10 * done / self.total)
    if tenth > self.last_tenth then
      self.last_tenth = tenth
      self.write(string.format("готово %d из %d (%d %%)\n", done, self.total, done * 100 // self.total))
    end
  end
end

function M:finish()
  if self.tty and self.total >= 2 then self.write("\n") end
end

return M
