#!/usr/bin/python3
"""pdf_ops — extracts the display lists of otchet's per-school PDFs for bench/floor.c: per page
the glyph runs (font face, size, Td moves, the text as Unicode through the ToUnicode map) and
the rectangles and paths, exactly as the content streams hold them; the bookmarks and metadata
of the first sheet. Uses qpdf (merge, then one JSON dump with decoded streams).

Usage: pdf_ops.py OUT_DIR REPORT OPS_FILE
  OUT_DIR   an `otchet run REPORT` output directory (manifest.csv lists the files)
  OPS_FILE  written: "D id", "M key value", "P w h", one operator a line, "O level page y title".
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
SIMPLE = {b"BT", b"ET", b"h", b"f", b"S", b"B", b"n", b"W", b"q", b"Q"}
NUMERIC = {b"g": 1, b"G": 1, b"w": 1, b"Td": 2, b"re": 4, b"m": 2, b"l": 2, b"c": 6}


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
        """(face label, code → text map, code width in bytes) of a font object."""
        if ref not in self.fonts:
            d = self.value(ref)
            label = d["/BaseFont"][1:].split("+")[-1].split(",")[0]
            cmap = parse_cmap(self.stream(d["/ToUnicode"])) if "/ToUnicode" in d else {}
            self.fonts[ref] = (label, cmap)
        return self.fonts[ref]


def fmt(x):
    return ("%.4f" % float(x)).rstrip("0").rstrip(".")


def page_ops(doc, page, out):
    d = doc.value(page)
    box = d["/MediaBox"]
    out.append("P %s %s" % (fmt(box[2]), fmt(box[3])))
    fonts = d.get("/Resources", {}).get("/Font", {})
    contents = d["/Contents"]
    data = b"\n".join(doc.stream(r) for r in (contents if isinstance(contents, list) else [contents]))
    stack, array, cmap = [], None, {}
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
            if op in SIMPLE:
                out.append(op.decode())
            elif op in NUMERIC:
                n = NUMERIC[op]
                out.append(op.decode() + " " + " ".join(fmt(v) for v in stack[-n:]))
            elif op == b"Tf":
                label, cmap = doc.font(fonts[stack[-2].decode()])
                out.append("Tf %s %s" % (label, fmt(stack[-1])))
            elif op == b"Tj":
                s = stack[-1]
                if not s.startswith(b"<"):
                    raise SystemExit("pdf_ops: literal string in Tj: floor.c replays only hex CID text")
                h = re.sub(rb"\s", b"", s[1:-1])
                codes = [int(h[i:i + 4], 16) for i in range(0, len(h), 4)]
                out.append("Tj " + "".join(cmap.get(c, "?") for c in codes))
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
