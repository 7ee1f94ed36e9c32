/* ttf — reads the tables of a TrueType font (glyf outlines) and writes subsets of it for
 * embedding in PDF as FontFile2: only the tables a CIDFontType2 needs (glyf, head, hhea, hmtx,
 * loca, maxp, and cvt/fpgm/prep when the font has hinting), with the glyphs renumbered.
 * Pure: bytes in, bytes out, no libharu. Uses buf. */
#ifndef OTCHET_TTF_H
#define OTCHET_TTF_H
#include <stddef.h>
#include <stdint.h>
#include "buf.h"

#define TTF_ERRLEN 160
#define TTF_NONE 0xFFFFu         /* in a glyph map: the new glyph is empty */

typedef struct ttf_font ttf_font;

/* Parses `data` (len bytes; the font keeps its own copy). Composite glyphs are refused: the
 * subset would have to follow their components. Returns NULL with `err` on a malformed font. */
ttf_font *ttf_open(const unsigned char *data, size_t len, char err[TTF_ERRLEN]);
void ttf_close(ttf_font *t);

unsigned ttf_num_glyphs(const ttf_font *t);

/* Appends to out a TrueType font of n glyphs where glyph i is the source glyph map[i]
 * (TTF_NONE: an empty glyph), with its advance and side bearing. Loca is long, tables are
 * 4-byte aligned and checksummed, head.checkSumAdjustment is set. Returns 0, or -1 when a
 * glyph id is out of range. */
int ttf_subset(const ttf_font *t, const uint16_t *map, unsigned n, buf *out);

#endif
