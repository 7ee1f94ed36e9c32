#!/usr/bin/python3
"""pdf_ops — extracts the display lists of otchet's per-school PDFs for bench/floor.c: per page
every piece of text at its absolute position (font face, size, x, y, the text as Unicode
through the ToUnicode map; TJ arrays split at their kerning, positions from the fonts' /W) and
the graphics operators exactly as the content streams hold them; the bookmarks and metadata of
the first sheet. Uses qpdf (merge, then one JSON dump with decoded streams).

Usage: pdf_ops.py OUT_DIR REPORT OPS_FILE
  OUT_DIR   an `otchet run REPORT` output directory (manifest.csv lists the files)
  OPS_FILE  written: "D id", "M key value", "P w h", "T face size x y text" (text; "U" turned
            a quarter left), one graphics operator a line, "O level page y title".
Exit 0, or 1 with a message on stderr (e.g. an operator floor.c does not replay)."""
import base64
import csv
import json
import os
import re
import subprocess
import sys
import tempfile

TOKEN = re.compile(rb"<[0-9A-Fa-f\s]*>|\((?:\\.|[^\\)])*\)|/[^\s/\[\]<>()]+|\[|\]|"
                   rb"[-+]?(?:\d+\.?\d*|\.\d+)|[A-Za-z'\"*]+")
SIMPLE = {b"h", b"f", b"S", b"B", b"n", b"W", b"q", b"Q"}
NUMERIC = {b"g": 1, b"G": 1, b"w": 1, b"re": 4, b"m": 2, b"l": 2, b"c": 6}


def qpdf_json(pdf, keys=()):
    args = ["qpdf", "--json=2", "--json-stream-data=inline", "--decode-level=generalized"]
    for k in keys:
        args.append("--json-key=" + k)
    out = subprocess.run(args + [pdf, "-"], check=True, capture_output=True).stdout
    return json.loads(out)


def pdf_text(v):
    """A qpdf JSON string value ("u:…" Unicode, "b:…" hex bytes) as text."""
    if isinstance(v, str) and v.startswith("u:"):
        return v[2:]
    if isinstance(v, str) and v.startswith("b:"):
        return bytes.fromhex(v[2:]).decode("latin1")
    return str(v)


def parse_cmap(data):
    """ToUnicode CMap → {code: text} (bfchar and bfrange with a start value)."""
    m = {}
    text = data.decode("latin1")
    for block in re.findall(r"beginbfchar(.*?)endbfchar", text, re.S):
        for src, dst in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            m[int(src, 16)] = bytes.fromhex(dst).decode("utf-16-be")
    for block in re.findall(r"beginbfrange(.*?)endbfrange", text, re.S):
        for a, b, dst in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            base = int(dst, 16)
            for k, code in enumerate(range(int(a, 16), int(b, 16) + 1)):
                m[code] = chr(base + k)
    return m


class Doc:
    """Objects of one qpdf JSON dump, with decoded stream data and cached font lookups."""

    def __init__(self, j):
        self.objs = j["qpdf"][1]
        self.fonts = {}

    def obj(self, ref):
        return self.objs["obj:" + ref]

    def value(self, ref):
        return self.obj(ref)["value"]

    def stream(self, ref):
        return base64.b64decode(self.obj(ref)["stream"]["data"])

    def font(self, ref):
        """(face label, code → text map, code → width in 1/1000 em) of a Type0 font object."""
        if ref not in self.fonts:
            d = self.value(ref)
            label = d["/BaseFont"][1:].split("+")[-1].split(",")[0]
            cmap = parse_cmap(self.stream(d["/ToUnicode"])) if "/ToUnicode" in d else {}
            cid = self.value(d["/DescendantFonts"][0])
            widths, w = {}, cid.get("/W", [])
            for i in range(0, len(w), 2):
                for k, v in enumerate(w[i + 1]):
                    widths[w[i] + k] = v
            self.fonts[ref] = (label, cmap, widths, cid.get("/DW", 1000))
        return self.fonts[ref]


def fmt(x):
    return ("%.4f" % float(x)).rstrip("0").rstrip(".")


ESCAPES = {ord("n"): 10, ord("r"): 13, ord("t"): 9, ord("b"): 8, ord("f"): 12}


def string_bytes(tok):
    """The bytes of a hex <…> or literal (…) string token (escapes as otchet writes them)."""
    if tok.startswith(b"<"):
        return bytes.fromhex(re.sub(rb"\s", b"", tok[1:-1]).decode())
    out, i, body = bytearray(), 0, tok[1:-1]
    while i < len(body):
        c = body[i]
        if c == 0x5C:
            i += 1
            c = ESCAPES.get(body[i], body[i])
        out.append(c)
        i += 1
    return bytes(out)


def codes_of(tok):
    b = string_bytes(tok)
    return [b[i] << 8 | b[i + 1] for i in range(0, len(b) - 1, 2)]


class Text:
    """Text state of a content stream: the line start Td moves, the pen, the font."""

    def __init__(self, out):
        self.out, self.font, self.size = out, None, 0
        self.x = self.y = self.pen = 0.0
        self.up = False

    def show(self, tok):
        label, cmap, widths, dw = self.font
        codes = codes_of(tok)
        self.out.append("%s %s %s %s %s %s" % ("U" if self.up else "T", label, fmt(self.size),
                                               fmt(self.pen if not self.up else self.x), fmt(self.y),
                                               "".join(cmap.get(c, "?") for c in codes)))
        self.pen += sum(widths.get(c, dw) for c in codes) * self.size / 1000

    def show_array(self, items):
        for it in items:
            if it[:1] in b"<(":
                self.show(it)
            else:
                self.pen -= float(it) * self.size / 1000


def page_ops(doc, page, out):
    d = doc.value(page)
    box = d["/MediaBox"]
    out.append("P %s %s" % (fmt(box[2]), fmt(box[3])))
    fonts = d.get("/Resources", {}).get("/Font", {})
    contents = d["/Contents"]
    data = b"\n".join(doc.stream(r) for r in (contents if isinstance(contents, list) else [contents]))
    stack, array, text = [], None, Text(out)
    for tok in TOKEN.findall(data):
        if tok == b"[":
            array = []
        elif tok == b"]":
            stack.append(array)
            array = None
        elif array is not None:
            array.append(tok)
        elif tok[:1] in b"<(/" or tok[:1] in b"-+.0123456789":
            stack.append(tok)
        else:
            op = tok
            if op == b"BT":
                text.x = text.y = text.pen = 0.0
                text.up = False
            elif op == b"ET":
                pass
            elif op in SIMPLE:
                out.append(op.decode())
            elif op in NUMERIC:
                n = NUMERIC[op]
                out.append(op.decode() + " " + " ".join(fmt(v) for v in stack[-n:]))
            elif op == b"Tf":
                text.font, text.size = doc.font(fonts[stack[-2].decode()]), float(stack[-1])
            elif op == b"Td":
                text.x += float(stack[-2])
                text.y += float(stack[-1])
                text.pen = text.x
            elif op == b"Tm":
                m = [float(v) for v in stack[-6:]]
                text.up = m[1] > 0
                text.x, text.y = m[4], m[5]
                text.pen = text.x
            elif op == b"Tj":
                text.show(stack[-1])
            elif op == b"TJ":
                text.show_array(stack[-1])
            elif op == b"d":
                arr = stack[-2] or []
                out.append("d %s %d %s" % (fmt(stack[-1]), len(arr), " ".join(fmt(v) for v in arr)))
            else:
                raise SystemExit("pdf_ops: operator %r is not replayed by bench/floor.c" % op.decode())
            stack = []


def outline_ops(j):
    """Bookmarks of the first sheet as "O level page y title" (page 0-based)."""
    out = []

    def walk(items, level):
        for it in items:
            dest = it.get("dest") or []
            y = dest[2] if len(dest) > 2 and isinstance(dest[2], (int, float)) else 0
            out.append("O %d %d %s %s" % (level, (it.get("destpageposfrom1") or 1) - 1, fmt(y),
                                          it.get("title", "")))
            walk(it.get("kids", []), level + 1)

    walk(j.get("outlines", []), 1)
    return out


def main():
    if len(sys.argv) != 4:
        raise SystemExit(__doc__)
    outdir, report, opsfile = sys.argv[1:]
    sheets = []
    with open(os.path.join(outdir, "manifest.csv"), newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["report"] == report and row["school"]:
                sheets.append((row["school"], os.path.join(outdir, row["file"]), int(row["pages"])))
    if not sheets:
        raise SystemExit("pdf_ops: no per-school files of %s in %s" % (report, outdir))
    first = qpdf_json(sheets[0][1])
    info = first["qpdf"][1].get("obj:" + first["qpdf"][1]["trailer"]["value"].get("/Info", "none"))
    lines = []
    if info:
        for key in ("title", "author", "subject"):
            v = info["value"].get("/" + key.capitalize())
            if v:
                lines.append("M %s %s" % (key, pdf_text(v)))
    outlines = outline_ops(first)
    with tempfile.TemporaryDirectory() as tmp:
        argfile, merged = os.path.join(tmp, "args"), os.path.join(tmp, "all.pdf")
        with open(argfile, "w") as f:
            f.write("\n".join(["--empty", "--pages"] + [p for _, p, _ in sheets] + ["--", merged]))
        subprocess.run(["qpdf", "@" + argfile], check=True)
        doc_json = qpdf_json(merged, ("pages", "qpdf"))
    doc = Doc(doc_json)
    pages = [p["object"] for p in doc_json["pages"]]
    at = 0
    for school, _, npages in sheets:
        lines.append("D " + school)
        for p in pages[at:at + npages]:
            page_ops(doc, p, lines)
        at += npages
        lines.extend(outlines)
    with open(opsfile + ".tmp", "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    os.replace(opsfile + ".tmp", opsfile)


if __name__ == "__main__":
    main()
