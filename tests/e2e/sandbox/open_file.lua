-- Sandbox test: no io in a report script.
return { title = "io", build = function() return io.open("/etc/passwd"):read("a") end }
