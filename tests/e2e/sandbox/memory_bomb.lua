-- Sandbox test: a script that eats memory is stopped by the allocator cap.
return { title = "memory", build = function()
  local t = {}
  for i = 1, 1e9 do t[i] = string.rep("x", 1000) .. i end
end }
