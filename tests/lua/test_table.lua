-- Tests of table:row (src/table_lua.c) on tests/data/lua_indicators/small/results.csv: a row
-- holds every column that has a value in that row, and its file line; an empty cell is an
-- absent field; a column added later (add_namekey) is in the rows made after it.
local T = require("testing")
local dataset = require("dataset")

local function results_table()
  local ds, problems = dataset.load("tests/data/lua_indicators/small")
  T.eq(problems.errors, 0, "the test dataset loads")
  return ds.files.results.table
end

-- The fields of a row, sorted "name=value".
local function fields(row)
  local out = {}
  for k, v in pairs(row) do out[#out + 1] = k .. "=" .. tostring(v) end
  table.sort(out)
  return table.concat(out, " ")
end

return {
  row_holds_the_cells_with_values = function()
    local t = results_table()
    for i = 1, t:nrows() do
      local row, want = t:row(i), { _line = t:line(i) }
      for _, name in ipairs(t:columns()) do want[name] = t:get(name, i) end
      T.eq(row, want, "row " .. i)
    end
    -- the first row, read off the file ("2022,ВПР,Математика,5,01,10,1,5,3,1,,,,,,"): its six
    -- empty cells are absent; the name keys are the dataset's derived columns
    T.eq(fields(t:row(1)), "_line=2 grade=5 m2=1 m3=5 m4=3 m5=1 participants=10 procedure=ВПР " ..
      "procedure_key=впр school_id=01 subject=Математика subject_key=математика year=2022")
  end,

  a_column_added_later_is_in_later_rows = function()
    local t = results_table()
    T.eq(t:row(1).school_id_key, nil)
    local key = t:add_namekey("school_id")
    T.eq(key, "school_id_key")
    T.eq(t:row(1)[key], "01")
    T.eq(t:row(3)[key], t:get("school_id", 3))
  end,
}
