-- A per-school test report that takes its time (~0.1–0.2 s of Lua per school), in volumes of four
-- schools, so that a run of it can be stopped by a signal half-way: the schools in progress
-- are finished and listed, no temporary or parts file stays, no volume is made.
local function busy()
  local x = 0
  for i = 1, 8000000 do x = x + i % 7 end
  return x
end
return {
  title = "Тестовый отчёт: долгие школы",
  needs = { "schools" },
  per_school = true,
  volume_schools = 4,
  build = function(ds, ctx, id)
    busy()
    return { { file = "slow/" .. id .. ".txt", data = "школа " .. id .. "\n", pages = 1,
      part = ctx.keep_part and id or nil } }
  end,
  combine = function(ds, ctx, ids, parts)
    local got = {}
    for _, id in ipairs(ids) do got[#got + 1] = parts[id] or "?" end
    return { { file = string.format("slow_all.vol%d.txt", ctx.volume.k), data = table.concat(got, "\n") .. "\n",
      pages = #ids } }
  end,
}
