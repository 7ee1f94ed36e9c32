-- Sandbox test: neither load nor string.dump exists, so no bytecode can be made or run.
return { title = "bytecode", build = function() return load(string.dump(function() end)) end }
