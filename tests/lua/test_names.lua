-- names: the DESIGN.md matching rules, by example.
local T = require("testing")
local names = require("names")

return {
  case_yo_brackets_and_spaces = function()
    T.eq(names.key("Математика (базовая)"), "математикабазовая")
    T.eq(names.same("Математика (базовая)", "математика  базовая"), true)
    T.eq(names.same("Низкий уровень вовлечённости родителей", "низкий уровень вовлеченности родителей."), true)
  end,
  different_names_differ = function()
    T.eq(names.same("Математика (базовая)", "Математика (профильная)"), false)
    T.eq(names.same(nil, "x"), false)
    T.eq(names.key(nil), "")
  end,
  -- keys are remembered per name, and the memory starts over past its bound: the same keys
  -- before, across and after that, numbers keyed as their text
  remembered_keys_stay_the_same = function()
    T.eq(names.key("Русский язык"), "русскийязык")
    for i = 1, 5000 do T.eq(names.key("Предмет " .. i), "предмет" .. i) end
    T.eq(names.key("Русский язык"), "русскийязык")
    T.eq(names.key("РУССКИЙ  язык"), "русскийязык")
    T.eq(names.key(11), "11")
    T.eq(names.key(11), names.key("11"))
  end,
}
