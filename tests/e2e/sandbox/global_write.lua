-- Sandbox test: globals cannot be created (typos become errors, not silent nils).
return { title = "global", build = function() counter = 1 end }
