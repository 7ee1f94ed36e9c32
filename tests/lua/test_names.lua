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
}
