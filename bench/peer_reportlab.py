#!/usr/bin/python3
"""peer_reportlab — the peer baseline of the school-sheet benchmark: ReportLab (Debian's
python3-reportlab, run with /usr/bin/python3) writing the two-page адресные рекомендации for
every school of a dataset the way a ReportLab user would: platypus with a passport table, the
school's results table for the report year (participants, «2»…«5» %, успеваемость, качество,
средняя отметка), a 100 % stacked bar chart of ВПР marks over three years, the risk factors
with the roadmap measures that answer them, justified paragraphs, signature and executor, page
numbers from page 2, bookmarks, metadata — in Liberation Serif (the TTFs otchet's fonts are cut
from), fonts registered once per process. One PDF per school and, with --combined, one file
with every sheet.

Reading the CSVs and computing the figures happens before the clock starts (otchet's load and
validation are likewise subtracted from its own figure); the clock covers building the
documents and writing the files.

Usage: peer_reportlab.py --data DIR --out DIR [--combined NAME] [--limit N]
Prints: sheets=N seconds=S cpu=C pages=P bytes=B (C: CPU seconds of the process for the same work)"""
import argparse
import csv
import io
import os
import time

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (KeepTogether, PageBreak, Paragraph, SimpleDocTemplate, Spacer,
                                Table, TableStyle)

FONTS = "/usr/share/fonts/truetype/liberation2"
REPORT_YEAR = 2024
YEARS = (2022, 2023, 2024)
NBSP = "\u00a0"
RECOMMENDATION = ("По итогам оценочных процедур {y} года школе рекомендовано продолжить работу по "
                  "формированию функциональной грамотности — в первую очередь читательской и "
                  "математической — и обеспечить объективность оценивания результатов; "
                  "руководителю школы-лидера организовать консультации для учителей.")


def register_fonts():
    for name, file in (("Serif", "LiberationSerif-Regular.ttf"), ("Serif-Bold", "LiberationSerif-Bold.ttf"),
                       ("Serif-Italic", "LiberationSerif-Italic.ttf")):
        pdfmetrics.registerFont(TTFont(name, os.path.join(FONTS, file)))
    pdfmetrics.registerFontFamily("Serif", normal="Serif", bold="Serif-Bold", italic="Serif-Italic",
                                  boldItalic="Serif-Bold")


def styles():
    s = {}
    s["h1"] = ParagraphStyle("h1", fontName="Serif-Bold", fontSize=12, leading=14, alignment=TA_CENTER,
                             spaceAfter=4)
    s["h2"] = ParagraphStyle("h2", fontName="Serif-Bold", fontSize=12, leading=14, spaceBefore=8,
                             spaceAfter=4, firstLineIndent=12.5 * mm)
    s["center"] = ParagraphStyle("c", fontName="Serif", fontSize=12, leading=14, alignment=TA_CENTER,
                                 spaceAfter=6)
    s["body"] = ParagraphStyle("b", fontName="Serif", fontSize=12, leading=13.8, alignment=TA_JUSTIFY,
                               firstLineIndent=12.5 * mm)
    s["cell10"] = ParagraphStyle("t10", fontName="Serif", fontSize=10, leading=11.5)
    s["cell9"] = ParagraphStyle("t9", fontName="Serif", fontSize=9, leading=10.3)
    s["cell8"] = ParagraphStyle("t8", fontName="Serif", fontSize=8, leading=9.2)
    s["head8"] = ParagraphStyle("h8", fontName="Serif-Bold", fontSize=8, leading=9.2, alignment=TA_CENTER)
    s["head9"] = ParagraphStyle("h9", fontName="Serif-Bold", fontSize=9, leading=10.3, alignment=TA_CENTER)
    s["small"] = ParagraphStyle("s", fontName="Serif", fontSize=10, leading=11.5)
    return s


def num(x, k=1):
    if x is None:
        return "—"
    return ("%.*f" % (k, x)).replace(".", ",")


def pct(count, total):
    return num(100.0 * count / total) + NBSP + "%" if count is not None and total else "—"


def read_csv(path):
    if not os.path.exists(path):
        return []
    with open(path, newline="", encoding="utf-8-sig") as f:
        return list(csv.DictReader(f))


def integer(v):
    return int(v) if v not in (None, "") else None


def load(data):
    """Per school: passport, its results rows of the report year, ВПР mark sums per year, risks."""
    schools = {r["school_id"]: r for r in read_csv(os.path.join(data, "schools.csv"))}
    results, vpr = {}, {}
    for r in read_csv(os.path.join(data, "results.csv")):
        y, sid = int(r["year"]), r["school_id"]
        m = [integer(r.get("m%d" % k)) for k in range(2, 6)]
        if y == REPORT_YEAR:
            results.setdefault(sid, []).append((r["procedure"], r["subject"], r["grade"],
                                                int(r["participants"]), m))
        if r["procedure"] == "ВПР" and m[0] is not None:
            acc = vpr.setdefault((sid, y), [0, 0, 0, 0])
            for k in range(4):
                acc[k] += m[k]
    roadmap = {}
    for r in read_csv(os.path.join(data, "roadmap.csv")):
        roadmap.setdefault(r["factor"].lower(), []).append(r["measure"])
    risks = {}
    for r in read_csv(os.path.join(data, "risks.csv")):
        if int(r["year"]) == REPORT_YEAR:
            risks.setdefault(r["school_id"], []).append((r["factor"], r["level"]))
    district = read_csv(os.path.join(data, "district.csv"))
    settings = {r["key"]: r["value"] for r in district}
    return schools, results, vpr, roadmap, risks, settings


def chart(vpr, sid):
    d = Drawing(165 * mm, 55 * mm)
    c = VerticalBarChart()
    c.x, c.y, c.width, c.height = 40, 30, 165 * mm - 60, 55 * mm - 55
    data = []
    for k in range(4):
        row = []
        for y in YEARS:
            m = vpr.get((sid, y), [0, 0, 0, 0])
            total = sum(m)
            row.append(100.0 * m[k] / total if total else 0)
        data.append(row)
    c.data = data
    c.categoryAxis.categoryNames = [str(y) for y in YEARS]
    c.categoryAxis.style = "stacked"
    c.categoryAxis.labels.fontName = "Serif"
    c.valueAxis.valueMin, c.valueAxis.valueMax, c.valueAxis.valueStep = 0, 100, 20
    c.valueAxis.labels.fontName = "Serif"
    c.valueAxis.labelTextFormat = "%d %%"
    c.barLabelFormat = lambda v: num(v)
    c.barLabels.fontName = "Serif"
    c.barLabels.fontSize = 7
    c.barLabels.boxTarget = "mid"
    for k, g in enumerate((0.2, 0.45, 0.7, 0.92)):
        c.bars[k].fillColor = colors.Color(g, g, g)
    d.add(c)
    legend = Legend()
    legend.x, legend.y = 40, 12
    legend.alignment = "right"
    legend.columnMaximum = 1
    legend.fontName = "Serif"
    legend.colorNamePairs = [(c.bars[k].fillColor, "«%d»" % (k + 2)) for k in range(4)]
    d.add(legend)
    d.add(String(82.5 * mm, 55 * mm - 10, "Распределение отметок ВПР, %", fontName="Serif-Bold",
                 fontSize=10, textAnchor="middle"))
    return d


GRID = [("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2)]


def sheet(st, data, sid):
    schools, results, vpr, roadmap, risks, settings = data
    s = schools[sid]
    partner = schools.get(s.get("partner_id") or "")
    story = [Paragraph("Адресные рекомендации " + s["short_name"], st["h1"]),
             Paragraph("по итогам оценочных процедур %d года" % REPORT_YEAR, st["center"])]
    passport = [("Полное наименование", s["name"]), ("Директор", s["director"]),
                ("Обучающихся", "%s, из них с ОВЗ — %s" % (s["students"], s["students_ovz"] or 0)),
                ("Педагогов", s["teachers"]), ("Местность", s["locality"]),
                ("Статус", s["status"] or "—"), ("Школа-лидер", partner["short_name"] if partner else "—")]
    t = Table([[Paragraph(a, st["cell10"]), Paragraph(b, st["cell10"])] for a, b in passport],
              colWidths=[55 * mm, 110 * mm])
    t.setStyle(TableStyle(GRID))
    story += [t, Paragraph("1. Результаты оценочных процедур %d года" % REPORT_YEAR, st["h2"])]
    head = ["№", "Процедура, предмет, класс", "Участ-ников", "«2»", "«3»", "«4»", "«5»", "Успеваемость",
            "Качество", "Средняя отметка"]
    rows = [[Paragraph(h, st["head8"]) for h in head]]
    for i, (proc, subj, grade, n, m) in enumerate(results.get(sid, []), 1):
        marked = m[0] is not None
        succ = pct(m[1] + m[2] + m[3], n) if marked else "—"
        qual = pct(m[2] + m[3], n) if marked else "—"
        mean = num((2 * m[0] + 3 * m[1] + 4 * m[2] + 5 * m[3]) / n, 2) if marked and n else "—"
        rows.append([str(i), Paragraph("%s, %s, %s кл." % (proc, subj, grade), st["cell8"]), str(n)] +
                    [pct(m[k], n) if marked else "—" for k in range(4)] + [succ, qual, mean])
    t = Table(rows, colWidths=[7 * mm, 45 * mm, 13 * mm] + [12 * mm] * 4 + [19 * mm, 15 * mm, 14 * mm],
              repeatRows=1)
    t.setStyle(TableStyle(GRID + [("FONT", (0, 1), (-1, -1), "Serif", 8),
                                  ("ALIGN", (2, 1), (-1, -1), "RIGHT")]))
    story += [t, Spacer(1, 4 * mm), chart(vpr, sid),
              Paragraph("2. Факторы риска и меры дорожной карты", st["h2"])]
    rr = [[Paragraph(h, st["head9"]) for h in ("Фактор риска", "Уровень", "Меры")]]
    for factor, level in risks.get(sid, []):
        rr.append([Paragraph(factor, st["cell9"]), Paragraph(level, st["cell9"]),
                   Paragraph("; ".join(roadmap.get(factor.lower(), [])), st["cell9"])])
    t = Table(rr, colWidths=[55 * mm, 20 * mm, 90 * mm], repeatRows=1)
    t.setStyle(TableStyle(GRID))
    story += [t, Paragraph("3. Рекомендации", st["h2"])]
    story += [Paragraph(RECOMMENDATION.format(y=REPORT_YEAR), st["body"]) for _ in range(4)]
    sign = Table([[Paragraph(settings.get("head_position", ""), st["cell10"]), settings.get("head_name", "")]],
                 colWidths=[110 * mm, 55 * mm])
    sign.setStyle(TableStyle([("FONT", (1, 0), (1, 0), "Serif", 12), ("ALIGN", (1, 0), (1, 0), "RIGHT"),
                              ("VALIGN", (0, 0), (-1, -1), "BOTTOM")]))
    story += [Spacer(1, 10 * mm), KeepTogether([sign]), Spacer(1, 20 * mm),
              Paragraph("Исполнитель: %s, тел. %s" % (settings.get("executor_name", ""),
                                                       settings.get("executor_phone", "")), st["small"])]
    return story


def page_number(canvas, doc):
    canvas.saveState()
    canvas.setFont("Serif", 12)
    canvas.drawCentredString(A4[0] / 2, A4[1] - 12 * mm, str(doc.page))
    canvas.restoreState()


def render(story, title):
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=30 * mm, rightMargin=15 * mm, topMargin=20 * mm,
                            bottomMargin=20 * mm, title=title, author="Управление образования",
                            subject="Адресные рекомендации", creator="peer_reportlab")
    doc.build(story, onLaterPages=page_number)
    return out.getvalue(), doc.page


def write(path, data):
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, path)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--combined")
    ap.add_argument("--limit", type=int, default=0)
    a = ap.parse_args()
    register_fonts()
    st = styles()
    data = load(a.data)
    ids = sorted(data[0])
    if a.limit:
        ids = ids[:a.limit]
    os.makedirs(a.out, exist_ok=True)
    t0, c0 = time.perf_counter(), time.process_time()
    pages = size = 0
    for sid in ids:
        pdf, n = render(sheet(st, data, sid), "Адресные рекомендации")
        write(os.path.join(a.out, sid + ".pdf"), pdf)
        pages += n
        size += len(pdf)
    if a.combined:
        story = []
        for i, sid in enumerate(ids):
            if i:
                story.append(PageBreak())
            story += sheet(st, data, sid)
        pdf, _ = render(story, "Адресные рекомендации")
        write(os.path.join(a.out, a.combined), pdf)
    print("sheets=%d seconds=%.6f cpu=%.6f pages=%d bytes=%d"
          % (len(ids), time.perf_counter() - t0, time.process_time() - c0, pages, size))


if __name__ == "__main__":
    main()
