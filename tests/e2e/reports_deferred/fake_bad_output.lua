-- A per-school test report whose outputs are wrong for five schools, the way a report author's
-- slip makes them: no data, a path out of --out, a string instead of a list, a tab in the
-- name, data that is not bytes. Each of them fails alone; the other ten files are written.
local BAD = {
  ["2401"] = function() return { { file = "bad/2401.txt" } } end,
  ["2402"] = function() return { { file = "../escape.txt", data = "вне --out" } } end,
  ["2403"] = function() return "bad/2403.txt" end,
  ["2404"] = function() return { { file = "bad/24\t04.txt", data = "x" } } end,
  ["2405"] = function(ds) return { { file = "bad/2405.txt", data = ds.files.schools.table } } end,
}
return {
  title = "Тестовый отчёт с ошибками в выводе",
  needs = { "schools" },
  per_school = true,
  build = function(ds, ctx, id)
    if BAD[id] then return BAD[id](ds) end
    return { { file = "bad/" .. id .. ".txt", data = "школа " .. id .. "\n", pages = 1 } }
  end,
}
