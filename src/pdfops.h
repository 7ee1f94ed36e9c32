/* pdfops — the operators of one page's content stream, written compactly: numbers with at most
 * two decimals, graphics state (line width, grays, dash, font) set only when it changes,
 * consecutive pieces of text on one baseline in one font joined into a single TJ, a word gap
 * written as the space glyph plus a kerning number (so a justified line is one operator and
 * copied text keeps its spaces), and stroked paths (table borders) gathered and stroked
 * together once something else must be drawn over them, so a table's text stays in one text
 * object. Coordinates are PDF's: points from the bottom-left corner.
 * Pure: no libharu, no fonts; text comes as two-byte codes with its advance. Uses buf. */
#ifndef OTCHET_PDFOPS_H
#define OTCHET_PDFOPS_H
#include <stddef.h>
#include "buf.h"

#define PDFOPS_DEPTH 4               /* nesting of q … Q */

typedef struct pdfops_state {
    float line_width, fill_gray, stroke_gray;   /* < 0: not known, written on first use */
    int dashed;                                 /* -1 not known, 0 solid, 1 dashed */
    int font;                                   /* Tf in effect: font number, -1 none */
    float font_size;
} pdfops_state;

typedef struct pdfops {
    buf out;                         /* the operators so far (owned) */
    pdfops_state st, saved[PDFOPS_DEPTH];
    int depth;
    int in_text;                     /* inside BT … ET */
    double line_x, line_y;           /* start of the current text line (what Td moves) */
    buf run;                         /* the text run being joined, TJ array body (owned) */
    buf path;                        /* the path being built, not yet painted (owned) */
    buf strokes;                     /* stroked paths not yet written, one S for all (owned) */
    int run_open, run_kerned;
    float run_y, pen_x;              /* its baseline and where its next glyph would go */
} pdfops;

void pdfops_init(pdfops *o);
void pdfops_free(pdfops *o);
/* Forgets the operators and the state: a new page, or one drawn on again later (its earlier
 * operators may have left any state). */
void pdfops_reset(pdfops *o);
/* Ends an open text object; returns the page's operators (owned by o, until the next call). */
const buf *pdfops_finish(pdfops *o);

/* Text: n bytes of codes (two per glyph) in font `font` (written /F<font>) at `size`, the first
 * glyph's origin at (x, y), advancing `adv` points. `space` is the code of the space glyph and
 * `space_adv` its advance at this size (0: never join with a space). */
void pdfops_text(pdfops *o, int font, float size, float x, float y, const unsigned char *codes,
                 size_t n, float adv, unsigned space, float space_adv);
/* Text turned a quarter left, read from the bottom up, its baseline starting at (x, y). */
void pdfops_text_up(pdfops *o, int font, float size, float x, float y,
                    const unsigned char *codes, size_t n);

/* Graphics state: set only when different from what is in effect. */
void pdfops_line_width(pdfops *o, float w);
void pdfops_fill_gray(pdfops *o, float g);
void pdfops_stroke_gray(pdfops *o, float g);
void pdfops_dash(pdfops *o, int dashed);          /* 3 on, 2 off */
void pdfops_save(pdfops *o);                      /* q; at most PDFOPS_DEPTH deep */
void pdfops_restore(pdfops *o);                   /* Q */

/* Paths, and painting them: `op` is "f", "S", "B" (fill and stroke), "W n" (clip) … */
void pdfops_rect(pdfops *o, float x, float y, float w, float h);
void pdfops_move(pdfops *o, float x, float y);
void pdfops_line(pdfops *o, float x, float y);
void pdfops_curve(pdfops *o, float x1, float y1, float x2, float y2, float x3, float y3);
void pdfops_close(pdfops *o);
void pdfops_paint(pdfops *o, const char *op);

#endif
