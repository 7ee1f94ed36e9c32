#!/usr/bin/python3
# fontprep — second step of the fonts/ build (after pyftsubset): gives a subset Liberation font
# the renamed family the OFL Reserved Font Name requires, and flattens composite glyphs
# (libharu 2.3.0 embeds only one level of components, so й, ё could lose a part).
# Usage: fonts/fontprep.py IN.ttf OUT.ttf FAMILY STYLE     e.g. OtchetSerif "Bold Italic"
import sys
from fontTools.ttLib import TTFont
from fontTools.pens.recordingPen import DecomposingRecordingPen
from fontTools.pens.ttGlyphPen import TTGlyphPen


def flatten(font):
    glyf = font["glyf"]
    gs = font.getGlyphSet()
    for name in font.getGlyphOrder():
        if glyf[name].isComposite():
            rec = DecomposingRecordingPen(gs)
            gs[name].draw(rec)
            pen = TTGlyphPen(None)
            rec.replay(pen)
            glyf[name] = pen.glyph()


def rename(font, family, style):
    ps = family + "-" + style.replace(" ", "")
    full = family + (" " + style if style != "Regular" else "")
    note = ("Subset of Liberation 2.1.5 renamed by otchet (SIL OFL 1.1, Reserved Font Name "
            "Liberation not used). See LICENSE-Liberation.txt.")
    names = {1: family, 2: style, 3: ps + ";otchet", 4: full, 6: ps, 16: family, 17: style,
             5: "Version 2.1.5; otchet subset", 10: note}
    table = font["name"]
    keep = {0, 7, 8, 9, 11, 12, 13, 14}   # copyright, trademark, vendor, urls, license
    table.names = [n for n in table.names if n.nameID in keep]
    for nid, text in names.items():
        table.setName(text, nid, 3, 1, 0x409)
        table.setName(text, nid, 1, 0, 0)
    if "CFF " in font:
        sys.exit("fontprep: CFF outlines, libharu needs glyf")


def main():
    src, dst, family, style = sys.argv[1:5]
    style = {"BoldItalic": "Bold Italic"}.get(style, style)
    # Keep the upstream timestamps: fontTools would stamp "now" into the head table, and
    # every build would then embed different font bytes in otherwise identical PDFs.
    font = TTFont(src, recalcTimestamp=False)
    font["head"].modified = font["head"].created
    flatten(font)
    rename(font, family, style)
    font.save(dst)


if __name__ == "__main__":
    main()
