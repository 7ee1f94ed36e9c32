-- Sandbox test: require takes module names, not paths.
return { title = "path", build = function() return require("../../etc/passwd") end }
