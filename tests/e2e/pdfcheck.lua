-- pdfcheck — helpers for end-to-end tests of generated PDFs, run with the plain lua5.4
-- interpreter: text (pdftotext), structure (qpdf --check), fonts (pdffonts), page counts, and
-- a small CSV reader for the sample data the expected values come from.
local M = {}

local function sh(cmd)
  local p = assert(io.popen(cmd .. " 2>&1"))
  local out = p:read("a")
  local ok, _, code = p:close()
  return out, ok and 0 or code
end
M.sh = sh

local function q(s) return "'" .. s:gsub("'", "'\\''") .. "'" end
M.quote = q

-- Text in the order it was drawn (-raw): a table cell's lines stay together.
function M.text(pdf, mode) return (sh("pdftotext -" .. (mode or "raw") .. " " .. q(pdf) .. " -")) end

-- Text of each page: pdftotext separates pages by form feeds.
function M.pages(pdf)
  local t, pages = M.text(pdf), {}
  for page in (t .. "\f"):gmatch("(.-)\f") do pages[#pages + 1] = page end
  if pages[#pages] == "" then pages[#pages] = nil end
  return pages
end

-- Text with hyphenation at line ends undone and all white space and hyphens removed, for
-- searching phrases regardless of how lines were broken.
function M.squeeze(s)
  -- multi-byte characters one by one: a Lua character class works on bytes
  return (s:gsub("%-\n", ""):gsub("\u{2011}", ""):gsub("\u{00A0}", ""):gsub("[%s%-]", ""))
end

-- nil when qpdf finds nothing, else its complaint.
function M.qpdf_problem(pdf)
  local out, code = sh("qpdf --check " .. q(pdf))
  if code ~= 0 or out:find("WARNING") then return out end
  return nil
end

-- nil when every font is embedded and has a Unicode map, else the pdffonts table.
function M.fonts_problem(pdf)
  local out = sh("pdffonts " .. q(pdf))
  local n = 0
  for line in out:gmatch("[^\n]+") do
    if not line:find("^name") and not line:find("^%-%-%-") and line:find("%S") then
      n = n + 1
      local emb, sub, uni = line:match("(%a+)%s+(%a+)%s+(%a+)%s+%d+%s+%d+%s*$")
      if emb ~= "yes" or uni ~= "yes" then return out end
    end
  end
  if n == 0 then return out end
  return nil
end

function M.page_count(pdf)
  return tonumber((sh("pdfinfo " .. q(pdf))):match("Pages:%s+(%d+)"))
end

-- Rows of a UTF-8 comma CSV with a header, as tables keyed by header names.
function M.read_csv(path)
  local f = assert(io.open(path, "rb"))
  local s = f:read("a"):gsub("^\239\187\191", "")
  f:close()
  local rows, fields, field, i, inq = {}, {}, {}, 1, false
  local records = {}
  while i <= #s do
    local c = s:sub(i, i)
    if inq then
      if c == '"' and s:sub(i + 1, i + 1) == '"' then field[#field + 1] = '"'; i = i + 1
      elseif c == '"' then inq = false
      else field[#field + 1] = c end
    elseif c == '"' then inq = true
    elseif c == "," then fields[#fields + 1] = table.concat(field); field = {}
    elseif c == "\n" then
      fields[#fields + 1] = table.concat(field):gsub("\r$", ""); field = {}
      records[#records + 1] = fields; fields = {}
    else field[#field + 1] = c end
    i = i + 1
  end
  if #field > 0 or #fields > 0 then fields[#fields + 1] = table.concat(field); records[#records + 1] = fields end
  local header = table.remove(records, 1)
  for _, r in ipairs(records) do
    local row = {}
    for k, name in ipairs(header) do row[name] = r[k] ~= "" and r[k] or nil end
    rows[#rows + 1] = row
  end
  return rows
end

-- A tiny test registry: M.check(name, ok, detail) and M.summary() → exit status.
local passed, failed = 0, 0
function M.check(name, ok, detail)
  if ok then passed = passed + 1; print("ok   " .. name)
  else failed = failed + 1; print("FAIL " .. name .. (detail and (": " .. tostring(detail)) or "")) end
end

function M.summary()
  print(passed .. " passed, " .. failed .. " failed")
  return failed == 0
end

return M
