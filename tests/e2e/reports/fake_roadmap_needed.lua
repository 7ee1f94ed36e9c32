-- A test report needing a file the dataset lacks: skipped by `all`, an error for `run`.
return { title = "Нужен файл, которого нет", needs = { "nonexistent" }, build = function() return {} end }
