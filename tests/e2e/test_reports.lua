-- End-to-end tests of the documents: runs otchet on the sample dataset and checks every PDF
-- with qpdf, pdffonts and pdftotext against values read from the sample's CSV files.
-- Usage: lua5.4 tests/e2e/test_reports.lua OTCHET SAMPLE_DIR
package.path = "tests/e2e/?.lua;" .. package.path
local P = require("pdfcheck")
local otchet, sample = arg[1], arg[2]
local out = os.tmpname()
os.remove(out)

local log, code = P.sh(P.quote(otchet) .. " all --data " .. P.quote(sample) .. " --out " .. P.quote(out))
P.check("otchet all on the sample exits 0", code == 0, log)

local function pdf_basics(name, pdf)
  P.check(name .. ": qpdf finds nothing", P.qpdf_problem(pdf) == nil, P.qpdf_problem(pdf))
  P.check(name .. ": fonts embedded with Unicode maps", P.fonts_problem(pdf) == nil, P.fonts_problem(pdf))
end

-- ---- roadmap ----
do
  local pdf = out .. "/roadmap.pdf"
  pdf_basics("roadmap", pdf)
  local pages = P.pages(pdf)
  local all = true
  for i, p in ipairs(pages) do
    if not (p:find("Задачи", 1, true) and p:find("Ответственные", 1, true)) then all = false; print("  no header on page " .. i) end
  end
  P.check("roadmap: the header is on each of its " .. #pages .. " pages", all and #pages > 1)
  local text = P.squeeze(table.concat(pages, "\n"))
  local rows, missing = P.read_csv(sample .. "/roadmap.csv"), {}
  for _, r in ipairs(rows) do
    for _, key in ipairs({ "measure", "deadline", "responsible" }) do
      if r[key] and not text:find(P.squeeze(r[key]), 1, true) then missing[#missing + 1] = r[key] end
    end
  end
  P.check("roadmap: every measure, deadline and responsible of roadmap.csv is printed", #missing == 0,
    table.concat(missing, " | "))
  local factors, seen = 0, {}
  for _, r in ipairs(rows) do
    if not seen[r.factor] then
      seen[r.factor] = true
      factors = factors + 1
      P.check("roadmap: heading row for factor «" .. r.factor .. "»",
        text:find(P.squeeze("Фактор риска: " .. r.factor), 1, true) ~= nil)
    end
  end
  local plain = P.text(pdf)
  P.check("roadmap: УТВЕРЖДАЮ block with the head's name", plain:find("УТВЕРЖДАЮ", 1, true) and plain:find("Н.В. Голубева", 1, true))
end

os.execute("rm -rf " .. P.quote(out))
os.exit(P.summary() and 0 or 1)
