-- A per-school test report whose school 2405 never finishes: under a CPU limit its worker is
-- killed, and the temporaries of the files it staged must not stay behind.
return {
  title = "Тестовый отчёт: зависающая школа",
  needs = { "schools" },
  per_school = true,
  build = function(ds, ctx, id)
    if id == "2405" then while true do end end
    return { { file = "spin/" .. id .. ".txt", data = "школа " .. id .. "\n", pages = 1 } }
  end,
}
