-- A per-school test report for the batch runner: writes a text file per school, fails on
-- the school named by the test (ОО 2405), and combines the ids of its slice into one file.
return {
  title = "Тестовый отчёт по школам",
  needs = { "schools" },
  per_school = true,
  build = function(ds, ctx, id)
    if id == "2405" then error("сбой на школе 2405") end
    return { { file = "fake/" .. id .. ".txt", data = "школа " .. id .. "\n", pages = 1 } }
  end,
  combine = function(ds, ctx, ids)
    local name = "fake_all" .. (ctx.shard and ("." .. ctx.shard) or "") .. ".txt"
    return { { file = name, data = table.concat(ids, "\n") .. "\n", pages = #ids } }
  end,
}
