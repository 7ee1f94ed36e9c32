-- Tests of lua/csvout.lua: the bytes of CSV files for Russian Excel (BOM, ";", CRLF, decimal
-- comma, quoting, formula neutralisation). Expected texts are written out by hand.
local T = require("testing")
local csvout = require("csvout")

local BOM = "\239\187\191"

return {
  bom_semicolons_crlf = function()
    T.eq(csvout.encode({ { "a", "b" }, { "c", "d" } }), BOM .. "a;b\r\nc;d\r\n")
  end,

  empty_file_is_just_the_bom = function()
    T.eq(csvout.encode({}), BOM)
  end,

  numbers_with_decimal_comma = function()
    T.eq(csvout.cell(csvout.num(3.368, 2)), "3,37", "two decimals")
    T.eq(csvout.cell(csvout.num(12, 1)), "12,0", "decimals are kept")
    T.eq(csvout.cell(csvout.num(2.675, 2)), "2,68", "half away from zero on the written value")
    T.eq(csvout.cell(csvout.num(-4.25, 1)), "-4,3", "negative half away from zero")
    T.eq(csvout.cell(csvout.num(-0.04, 1)), "0,0", "no negative zero")
    T.eq(csvout.cell(csvout.num(12345.5, 1)), "12345,5", "no thousands separator")
    T.eq(csvout.cell(csvout.num(7)), "7", "default: whole number")
  end,

  percents_without_sign = function()
    T.eq(csvout.cell(csvout.pct(44 / 296)), "14,9", "44 of 296")
    T.eq(csvout.cell(csvout.pct(1 / 8)), "12,5", "1 of 8")
    T.eq(csvout.cell(csvout.pct(749 / 2500)), "30,0", "29,96 % prints 30,0")
    T.eq(csvout.cell(csvout.pct(1 / 3, 2)), "33,33", "two decimals")
    T.eq(csvout.cell(csvout.pct(nil)), "", "no share → empty cell")
  end,

  plain_lua_numbers = function()
    T.eq(csvout.cell(296), "296")
    T.eq(csvout.cell(2.5), "2,5")
    T.eq(csvout.cell(-1.5), "-1,5", "a number is never neutralised")
    T.eq(csvout.cell(4.0), "4", "whole float")
    T.eq(csvout.cell(0 / 0), "", "NaN")
  end,

  -- number texts past the integers: 2^53 is the first float printed with 15 digits
  number_edges = function()
    T.eq(csvout.cell(2.0 ^ 53), "9,00719925474099e+15", "2^53")
    T.eq(csvout.cell(2.0 ^ 53 - 1), "9007199254740991", "just below 2^53")
    T.eq(csvout.cell(-0.0), "0", "no negative zero")
    T.eq(csvout.cell(math.mininteger), "-9223372036854775808", "integer")
    T.eq(csvout.cell(1 / 0), "", "infinity")
    T.eq(csvout.cell(1 / 3), "0,333333333333333", "15 significant digits")
  end,

  -- a number cell is one shared marker per value and number of decimals
  shared_number_cells = function()
    T.eq(rawequal(csvout.num(2.675, 2), csvout.num(2.675, 2)), true, "same marker")
    T.eq(rawequal(csvout.num(2.675, 2), csvout.num(2.675, 1)), false, "decimals differ")
    T.eq(csvout.cell(csvout.num(2.675, 1)), "2,7")
  end,

  -- the widest row sets the width of every row, wherever its last cell is
  widest_row = function()
    local wide = {}
    wide[5] = "e"
    T.eq(csvout.encode({ { "a" }, wide, { "b", "c" } }), BOM .. "a;;;;\r\n;;;;e\r\nb;c;;;\r\n")
    T.eq(csvout.encode({ {}, {} }), BOM .. "\r\n\r\n", "rows without cells")
  end,

  empty_cells = function()
    T.eq(csvout.cell(nil), "")
    T.eq(csvout.cell(false), "")
    T.eq(csvout.cell(csvout.num(nil, 1)), "")
    -- holes anywhere in a row keep the columns in place
    T.eq(csvout.encode({ { "a", "b", "c" }, { nil, "y" }, { "x" } }), BOM .. "a;b;c\r\n;y;\r\nx;;\r\n")
  end,

  -- encode keeps the text of each string for one file: a repeated cell, a repeated formula-like
  -- cell and a repeated cell that needs quotes come out the same every time
  repeated_cells = function()
    T.eq(csvout.encode({ { "да", "-1", "а;б", csvout.pct(1 / 8) }, { "да", "-1", "а;б", csvout.pct(1 / 8) },
      { "да", -1, true } }),
      BOM .. "да;'-1;\"а;б\";12,5\r\nда;'-1;\"а;б\";12,5\r\nда;-1;true;\r\n")
  end,

  formulas_neutralised = function()
    T.eq(csvout.cell("=1+1"), "'=1+1")
    T.eq(csvout.cell("+79001234567"), "'+79001234567")
    T.eq(csvout.cell("-2+3+cmd|' /C calc'!A0"), "'-2+3+cmd|' /C calc'!A0")
    T.eq(csvout.cell("@SUM(A1:A2)"), "'@SUM(A1:A2)")
    T.eq(csvout.cell("\t=1"), "'\t=1", "a leading tab is neutralised too")
    T.eq(csvout.cell("a=b"), "a=b", "only the first character matters")
    T.eq(csvout.cell("—"), "—", "an em dash is not a minus")
  end,

  quoting = function()
    T.eq(csvout.cell("МБОУ «СОШ № 1»"), "МБОУ «СОШ № 1»", "guillemets need no quotes")
    T.eq(csvout.cell('Школа "Лидер"'), '"Школа ""Лидер"""', "quotes doubled")
    T.eq(csvout.cell("а;б"), '"а;б"', "delimiter inside")
    T.eq(csvout.cell("строка 1\nстрока 2"), '"строка 1\nстрока 2"', "line break inside")
    T.eq(csvout.cell("a,b"), "a,b", "a comma is not the delimiter")
    T.eq(csvout.cell(" отступ"), '" отступ"', "leading space kept")
    T.eq(csvout.cell("=a;b"), "\"'=a;b\"", "neutralised, then quoted")
    T.eq(csvout.cell("\0=a"), "\0=a", "a NUL byte is not a formula start")
    T.eq(csvout.cell("a "), '"a "', "trailing space kept")
    T.eq(csvout.cell(""), "", "empty text")
  end,

  file_record = function()
    local out = csvout.file("dir/t.csv", { "ОО", "Доля «2», %" },
      { { "МБОУ «Еловская СОШ»", csvout.pct(6 / 17) }, { "Итого", csvout.pct(nil) } })
    T.eq(out.file, "dir/t.csv")
    T.eq(out.data, BOM .. "ОО;Доля «2», %\r\nМБОУ «Еловская СОШ»;35,3\r\nИтого;\r\n")
  end,
}
