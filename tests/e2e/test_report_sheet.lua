-- End-to-end tests of reports/school_sheet.lua: one PDF per school and the combined file on the
-- sample dataset (qpdf, pdffonts, every school, each school starting on an odd page of the
-- combined file with its page numbers restarting, a school's numbers against values computed
-- here from results.csv, the signature never alone on a page); --jobs 2 writes the same bytes;
-- --shard halves cover every school once; with more schools than one printer's file takes, the
-- combined file comes in volumes (run from the working tree: the report is copied with a small
-- volume_schools); a dataset where one school's sheet cannot be laid out
-- (tests/data/sheets/bad_glyph: «₽» in a short name) yields the other sheets and exit code 3.
-- Usage: lua5.4 tests/e2e/test_report_sheet.lua OTCHET SAMPLE_DIR BAD_DATA_DIR
package.path = "tests/e2e/?.lua;" .. package.path
local P = require("pdfcheck")
local otchet, sample, bad = arg[1], arg[2], arg[3]
local tmp = os.tmpname()
os.remove(tmp)
os.execute("mkdir -p " .. P.quote(tmp))

-- home: a data directory to run with (OTCHET_HOME) instead of the working tree's.
local function run(data, out, extra, home)
  return P.sh((home and "OTCHET_HOME=" .. P.quote(home) .. " " or "") .. P.quote(otchet) ..
    " run school_sheet --data " .. P.quote(data) .. " --out " .. P.quote(out) .. " " .. (extra or "") .. " </dev/null")
end

local function exists(path)
  local f = io.open(path, "rb")
  if f then f:close() end
  return f ~= nil
end

local function read(path)
  local f = io.open(path, "rb")
  if not f then return nil end
  local s = f:read("a")
  f:close()
  return s
end

local function page_text(pdf, n) return (P.sh("pdftotext -raw -f " .. n .. " -l " .. n .. " " .. P.quote(pdf) .. " -")) end

local TITLE = P.squeeze("О результатах оценочных процедур 2024 года и адресных рекомендациях")

-- The school named on a title page: the line after «и адресных рекомендациях» (no-break
-- spaces as plain ones), or nil on any other page.
local function titled_school(text)
  local name = text:match("и адресных рекомендациях\n([^\n]+)")
  return name and (name:gsub("\u{A0}", " "))
end

-- "18,8": a percentage of count/total with one decimal, rounded half away from zero.
local function pct(count, total)
  local v = math.floor(count * 1000 / total + 0.5)   -- tenths of a percent
  return string.format("%d,%d", v // 10, v % 10)
end

-- ---- the batch on the sample ----

local schools = P.read_csv(sample .. "/schools.csv")
local out = tmp .. "/o"
local log, code = run(sample, out)
P.check("sheets: exit 0", code == 0, log)

local pages_of, bad_files, no_title, lonely = {}, {}, {}, {}
for _, s in ipairs(schools) do
  local pdf = out .. "/school_sheet/" .. s.school_id .. ".pdf"
  if not exists(pdf) or P.qpdf_problem(pdf) or P.fonts_problem(pdf) then
    bad_files[#bad_files + 1] = s.school_id
  else
    pages_of[s.school_id] = P.page_count(pdf)
    local first = P.squeeze(page_text(pdf, 1))
    if not (first:find(TITLE, 1, true) and first:find(P.squeeze(s.short_name), 1, true)) then
      no_title[#no_title + 1] = s.school_id
    end
    local last = P.squeeze(page_text(pdf, pages_of[s.school_id]))
    if not (last:find(P.squeeze("Информацию о выполнении рекомендаций"), 1, true) and last:find("Исполнитель:", 1, true)) then
      lonely[#lonely + 1] = s.school_id
    end
  end
end
P.check("sheets: one PDF per school (" .. #schools .. "), each passing qpdf and pdffonts", #bad_files == 0,
  table.concat(bad_files, ", "))
P.check("sheets: each starts with the title and the school's name", #no_title == 0, table.concat(no_title, ", "))
P.check("sheets: signature and executor share the last page with the recommendations", #lonely == 0,
  table.concat(lonely, ", "))
local long = {}
for id, n in pairs(pages_of) do if n < 2 or n > 3 then long[#long + 1] = id .. ":" .. n end end
P.check("sheets: two or three pages each", #long == 0, table.concat(long, ", "))

-- A school's numbers against results.csv: participants, «2» share and quality of the school,
-- and the district's «2» share and quality (sums of counts over every school).
local function expected_row(rows, id, proc, subj, grade, label)
  local s, d = nil, { n = 0, m2 = 0, q = 0 }
  for _, r in ipairs(rows) do
    if r.year == "2024" and r.procedure == proc and r.subject == subj and r.grade == grade then
      local n, m2, q = tonumber(r.participants), tonumber(r.m2), tonumber(r.m4) + tonumber(r.m5)
      d.n, d.m2, d.q = d.n + n, d.m2 + m2, d.q + q
      if r.school_id == id then s = { n = n, m2 = m2, q = q } end
    end
  end
  return string.format("%s %d %s %s %s %s", label, s.n, pct(s.m2, s.n), pct(s.q, s.n), pct(d.m2, d.n), pct(d.q, d.n))
end
local rows = P.read_csv(sample .. "/results.csv")
for _, case in ipairs({
  { "2406", "ВПР", "Математика", "5", "ВПР, математика, 5 кл." },
  { "2406", "ОГЭ", "Математика", "9", "ОГЭ, математика" },
  { "2401", "ВПР", "Математика", "5", "ВПР, математика, 5 кл." },
}) do
  local want = expected_row(rows, table.unpack(case))
  local text = P.squeeze(page_text(out .. "/school_sheet/" .. case[1] .. ".pdf", 1))
  P.check("sheet " .. case[1] .. ": row «" .. want .. "» (participants, «2» %, качество %, district «2» %, качество %)",
    text:find(P.squeeze(want), 1, true) ~= nil)
end

-- ---- the combined file ----

local all = out .. "/school_sheet.pdf"
P.check("combined: exists, qpdf and pdffonts find nothing", exists(all) and not P.qpdf_problem(all) and not P.fonts_problem(all))
local cpages = P.pages(all)
local start, starts = 1, {}
for i, s in ipairs(schools) do
  starts[s.school_id] = start
  local n = pages_of[s.school_id] or 0
  start = start + n + ((i < #schools and n % 2 == 1) and 1 or 0)
end
P.check("combined: " .. (start - 1) .. " pages = every sheet, each padded to an even count but the last",
  P.page_count(all) == start - 1, P.page_count(all))
local misplaced, titles = {}, 0
for _, p in ipairs(cpages) do if P.squeeze(p):find(TITLE, 1, true) then titles = titles + 1 end end
for _, s in ipairs(schools) do
  local n = starts[s.school_id]
  local ok = n % 2 == 1 and titled_school(page_text(all, n)) == s.short_name
  if ok and (pages_of[s.school_id] or 0) >= 2 then
    ok = (cpages[n + 1] or ""):match("(%d+)%s*$") == "2"   -- the part's own page numbers
  end
  if not ok then misplaced[#misplaced + 1] = s.school_id .. "@" .. n end
end
P.check("combined: every school's title on an odd page (pdftotext -f N -l N), its next page numbered 2",
  #misplaced == 0, table.concat(misplaced, ", "))
P.check("combined: each school's title appears exactly once (" .. #schools .. ")", titles == #schools, titles)
local outline = P.sh("qpdf --json --json-key=outlines " .. P.quote(all))
local marked = {}
for _, s in ipairs(schools) do
  local esc = s.short_name:gsub("[\"\\]", "\\%0")
  if not outline:gsub("\u{A0}", " "):find('"title": "' .. esc .. '"', 1, true) then marked[#marked + 1] = s.school_id end
end
P.check("combined: a bookmark per school named by its short name", #marked == 0, table.concat(marked, ", "))

-- ---- --jobs 2 and --shard ----

local out2 = tmp .. "/j"
log, code = run(sample, out2, "--jobs 2")
local differ = {}
for _, s in ipairs(schools) do
  local f = "/school_sheet/" .. s.school_id .. ".pdf"
  if read(out .. f) ~= read(out2 .. f) then differ[#differ + 1] = s.school_id end
end
if read(all) ~= read(out2 .. "/school_sheet.pdf") then differ[#differ + 1] = "combined" end
P.check("--jobs 2: exit 0 and the same bytes in every file", code == 0 and #differ == 0, table.concat(differ, ", ") .. log)

local out3 = tmp .. "/s"
local c1 = select(2, run(sample, out3, "--shard 1/2"))
local c2 = select(2, run(sample, out3, "--shard 2/2"))
local seen, twice = {}, {}
for _, k in ipairs({ "1-2", "2-2" }) do
  local f = out3 .. "/school_sheet." .. k .. ".pdf"
  for _, p in ipairs(exists(f) and P.pages(f) or {}) do
    local name = titled_school(p)
    for _, s in ipairs(schools) do
      if name == s.short_name then
        if seen[s.school_id] then twice[#twice + 1] = s.school_id end
        seen[s.school_id] = true
      end
    end
  end
end
local covered = 0
for _ in pairs(seen) do covered = covered + 1 end
P.check("--shard 1/2 and 2/2: combined files school_sheet.1-2.pdf and .2-2.pdf hold every school once",
  c1 == 0 and c2 == 0 and covered == #schools and #twice == 0, covered .. " " .. table.concat(twice, ","))

-- A run about a few schools (--school, a --shard of 4 or more) looks each school up instead of
-- passing over every school (ctx.few_schools): the same bytes as the run over all of them.
local out4, few_differ, few_codes = tmp .. "/few", {}, {}
few_codes[1] = select(2, run(sample, out4, "--shard 3/8"))
few_codes[2] = select(2, run(sample, out4, "--school " .. schools[#schools].school_id))
local few_files = 0
for _, s in ipairs(schools) do
  local f = "/school_sheet/" .. s.school_id .. ".pdf"
  if exists(out4 .. f) then
    few_files = few_files + 1
    if read(out .. f) ~= read(out4 .. f) then few_differ[#few_differ + 1] = s.school_id end
  end
end
P.check("--shard 3/8 and --school: the same bytes as the sheets of the whole run",
  few_codes[1] == 0 and few_codes[2] == 0 and few_files >= 2 and #few_differ == 0,
  few_files .. " files; differ: " .. table.concat(few_differ, ", "))

-- ---- volumes: more schools than one printer's file takes ----
-- The same report with volume_schools = 4 (a country has 40,000 schools; the sample 15): the
-- printer gets volumes of 3, 4, 4 and 4 consecutive schools instead of one file, and their
-- pages, blank backs aside, are the pages of the one combined file, in order.

local root, home = P.sh("pwd"):match("[^\n]+"), tmp .. "/home"
os.execute("mkdir -p " .. P.quote(home .. "/reports"))
for _, d in ipairs({ "lua", "fonts" }) do
  os.execute("ln -s " .. P.quote(root .. "/" .. d) .. " " .. P.quote(home .. "/" .. d))
end
local script = read("reports/school_sheet.lua")
local patched, hits = script:gsub("\n  combine = combine,\n", "\n  combine = combine,\n  volume_schools = 4,\n")
local f = io.open(home .. "/reports/school_sheet.lua", "wb")
f:write(patched)
f:close()
local function printed(pages)   -- the pages with text, blank backs left out
  local list = {}
  for _, p in ipairs(pages) do if p:find("%S") then list[#list + 1] = p end end
  return list
end
local out5, out6 = tmp .. "/v", tmp .. "/v2"
local vlog, vcode = run(sample, out5, nil, home)
local vpages, vorder, vtitles, vbad = {}, {}, {}, {}
for k = 1, 4 do
  local vf = out5 .. "/school_sheet.vol" .. k .. ".pdf"
  if not exists(vf) or P.qpdf_problem(vf) then vbad[#vbad + 1] = vf end
  for _, p in ipairs(exists(vf) and printed(P.pages(vf)) or {}) do
    vpages[#vpages + 1] = p
    local name = titled_school(p)
    if name then vorder[#vorder + 1] = k .. ":" .. name end
  end
  vtitles[k] = P.sh("pdfinfo " .. P.quote(vf) .. " 2>/dev/null"):match("Title:%s*([^\n]*)")
end
local want_order = {}
for i, s in ipairs(schools) do
  want_order[i] = (i <= 3 and 1 or (i - 4) // 4 + 2) .. ":" .. s.short_name
end
P.check("volumes: exit 0, school_sheet.vol1–vol4.pdf and no school_sheet.pdf",
  hits == 1 and vcode == 0 and #vbad == 0 and not exists(out5 .. "/school_sheet.pdf"), table.concat(vbad, " ") .. vlog)
P.check("volumes: 3, 4, 4, 4 schools in the order of the one file",
  table.concat(vorder, "|") == table.concat(want_order, "|"), table.concat(vorder, "|"))
P.check("volumes: their pages are the one combined file's, blank backs aside",
  table.concat(vpages, "\f") == table.concat(printed(cpages), "\f"), #vpages .. " vs " .. #printed(cpages))
P.check("volumes: titled «…, том K из 4»",
  vtitles[1] and vtitles[1]:find("организациям, том 1 из 4", 1, true) and vtitles[4]:find("том 4 из 4", 1, true),
  tostring(vtitles[1]))
local vmanifest = read(out5 .. "/manifest.csv") or ""
P.check("volumes: the manifest lists the four, with their pages",
  select(2, vmanifest:gsub("\nschool_sheet%.vol%d%.pdf,school_sheet,,%d+,", "")) == 4, vmanifest)
run(sample, out6, "--jobs 2", home)
local vdiffer = {}
for k = 1, 4 do
  local name = "/school_sheet.vol" .. k .. ".pdf"
  if read(out5 .. name) ~= read(out6 .. name) then vdiffer[#vdiffer + 1] = name end
end
P.check("volumes: --jobs 2 writes the same bytes", #vdiffer == 0, table.concat(vdiffer, " "))
-- the schools' parts wait for their volume on disk (.otchet-parts.<host>.<pid>), and are gone after
local left = P.sh("ls -A " .. P.quote(out5) .. " " .. P.quote(out6) .. " | grep -F .otchet-parts || true")
P.check("volumes: no parts left on disk after one job or two", left == "", left)

-- ---- one school that cannot be laid out ----

local out4 = tmp .. "/b"
log, code = run(bad, out4)
P.check("bad glyph: exit code 3", code == 3, code)
P.check("bad glyph: the failing school is named with the reason",
  log:find("ОО 02 не построен", 1, true) and log:find("U+20BD", 1, true), log)
P.check("bad glyph: the other sheets are written, the failing one is not",
  exists(out4 .. "/school_sheet/01.pdf") and exists(out4 .. "/school_sheet/03.pdf") and not exists(out4 .. "/school_sheet/02.pdf"))
local ball = out4 .. "/school_sheet.pdf"
local btext = exists(ball) and P.squeeze(P.text(ball)) or ""
P.check("bad glyph: the combined file holds the other schools and a page naming the missing one",
  btext:find(P.squeeze("МБОУ «Первая СОШ»"), 1, true) and btext:find(P.squeeze("МБОУ «Третья СОШ»"), 1, true)
  and btext:find(P.squeeze("ОО с кодом 02"), 1, true) and not P.qpdf_problem(ball))
local manifest = read(out4 .. "/manifest.csv") or ""
P.check("bad glyph: the manifest lists 01, 03 and the combined file",
  manifest:find("school_sheet/01.pdf", 1, true) and manifest:find("school_sheet/03.pdf", 1, true)
  and manifest:find("\nschool_sheet.pdf,", 1, true) and not manifest:find("02.pdf", 1, true), manifest)

os.execute("rm -rf " .. P.quote(tmp))
os.exit(P.summary() and 0 or 1)
