-- progress — how a batch shows its progress: a redrawn bar on a terminal, and on a pipe or in
-- a log (cron) a plain line at every tenth of the work, so logs stay short and readable.
local engine = require("engine")

local M = {}
M.__index = M

function M.new(total)
  return setmetatable({ total = total, done = 0, tty = engine.isatty(2), last_tenth = 0 }, M)
end

function M:update(done)
  self.done = done
  if self.total < 2 then return end
  if self.tty then
    local width = 30
    local filled = math.floor(width * done / self.total)
    engine.stderr(string.format("\r[%s%s] %d/%d", string.rep("#", filled), string.rep(".", width - filled),
      done, self.total))
  else
    local tenth = math.floor(10 * done / self.total)
    if tenth > self.last_tenth then
      self.last_tenth = tenth
      engine.stderr(string.format("готово %d из %d (%d %%)\n", done, self.total, done * 100 // self.total))
    end
  end
end

function M:finish()
  if self.tty and self.total >= 2 then engine.stderr("\n") end
end

return M
