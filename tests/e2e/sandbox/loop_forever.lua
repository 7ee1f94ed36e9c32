-- Sandbox test: an endless loop, even one that swallows errors with pcall, is stopped.
return { title = "loop", build = function()
  while true do pcall(function() while true do end end) end
end }
