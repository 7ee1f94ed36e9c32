-- Sandbox test: a report script may not reach the engine's C module directly.
return { title = "engine", build = function() return require("engine").write_file("/tmp/otchet-pwned", "x") end }
