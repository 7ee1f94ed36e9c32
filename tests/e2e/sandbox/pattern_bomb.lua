-- Sandbox test: a pattern that backtracks exponentially runs inside one C call, out of reach
-- of the instruction budget; the process CPU limit stops it.
return { title = "pattern", build = function()
  return string.find(string.rep("a", 40), string.rep("a?", 40) .. string.rep("a", 40) .. "b")
end }
