-- A whole-dataset test report for the batch runner: one file with the number of schools.
return {
  title = "Тестовый сводный отчёт",
  needs = { "schools" },
  build = function(ds, ctx)
    return { { file = "whole.txt", data = tostring(ds.files.schools.table:nrows()) .. "\n", pages = 1 } }
  end,
}
