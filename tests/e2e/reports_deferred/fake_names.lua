-- A per-school test report that does not read participants.csv, so --jobs runs it while the
-- file is still being loaded and checked: writes each school's name.
return {
  title = "Тестовый отчёт: названия школ",
  needs = { "schools" },
  per_school = true,
  build = function(ds, ctx, id)
    local t = ds.files.schools.table
    for i = 1, t:nrows() do
      if t:get("school_id", i) == id then
        return { { file = "names/" .. id .. ".txt", data = t:get("name", i) .. "\n", pages = 1 } }
      end
    end
  end,
}
