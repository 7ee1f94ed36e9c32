-- A per-school test report that reads participants.csv without saying so in `reads`: under
-- --jobs the file is not loaded yet when it runs, and must be loaded for it all the same.
return {
  title = "Тестовый отчёт: участники без объявления",
  needs = { "schools" },
  per_school = true,
  build = function(ds, ctx, id)
    local n = ds.files.participants and ds.files.participants.table:nrows() or 0
    return { { file = "sneaky/" .. id .. ".txt", data = id .. " " .. n .. "\n", pages = 1 } }
  end,
}
