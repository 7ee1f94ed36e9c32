/* pdf — the PDF writer: document lifecycle on the process's libharu handle (fonts loaded once,
 * reused by every document), A4 pages, text in the fonts' two-byte codes, rectangles, lines,
 * hatch patterns, bookmarks, metadata, the embedded font subsets with their widths and
 * ToUnicode map, and saving to memory.
 * Coordinates are in points from the TOP-LEFT corner of the page (y grows downwards).
 * Errors are sticky: the first failure is kept, later calls do nothing, pdf_finish reports it.
 * Uses font, pdfops, buf, libharu. */
#ifndef OTCHET_PDF_H
#define OTCHET_PDF_H
#include <stddef.h>
#include "font.h"

#define PDF_ERRLEN 320
#define PDF_MM(x) ((float)(x) * 72.0f / 25.4f)

typedef struct pdf_ctx pdf_ctx;

typedef struct pdf_meta {
    const char *title, *author, *subject, *keywords, *creator;   /* UTF-8, any may be NULL */
    int year, month, day;       /* creation date written as given (reproducible); 0 = none */
} pdf_meta;

typedef enum { PDF_HATCH_NONE, PDF_HATCH_DIAG, PDF_HATCH_BACKDIAG, PDF_HATCH_CROSS,
               PDF_HATCH_HORIZ, PDF_HATCH_VERT, PDF_HATCH_DOTS } pdf_hatch;

/* Opens the process-wide writer: libharu handle plus the fonts from `fontdir`.
 * Returns NULL with `err` filled. Free with pdf_close. */
pdf_ctx *pdf_open(const char *fontdir, char err[PDF_ERRLEN]);
void pdf_close(pdf_ctx *p);
const font_set *pdf_fonts(const pdf_ctx *p);

/* Starts a new document (discarding any unfinished one). Returns 0 or -1. */
int pdf_begin(pdf_ctx *p, const pdf_meta *meta);
/* Adds an A4 page (landscape when `landscape`) and makes it current. Returns its index. */
int pdf_add_page(pdf_ctx *p, int landscape);
int pdf_page_count(const pdf_ctx *p);
/* Makes an earlier page current again (to draw running page numbers after layout). */
void pdf_goto_page(pdf_ctx *p, int index);
float pdf_page_width(const pdf_ctx *p);
float pdf_page_height(const pdf_ctx *p);

/* Draws UTF-8 text with its baseline at (x, y). Missing glyphs are a sticky error. */
void pdf_text(pdf_ctx *p, font_face f, float size, float x, float y, const char *s, size_t n);
/* Draws UTF-8 text turned a quarter left (read from the bottom up), its baseline starting at
 * (x, y): value labels on narrow bars. */
void pdf_text_up(pdf_ctx *p, font_face f, float size, float x, float y, const char *s, size_t n);
/* Rectangle (x, y) top-left, w × h: filled with `gray` (0 black … 1 white) and/or stroked. */
void pdf_fill_rect(pdf_ctx *p, float x, float y, float w, float h, float gray);
void pdf_stroke_rect(pdf_ctx *p, float x, float y, float w, float h, float width);
void pdf_line(pdf_ctx *p, float x1, float y1, float x2, float y2, float width, float gray,
              int dashed);
/* Fills the rectangle with a black hatch pattern, lines `step` points apart. */
void pdf_hatch_rect(pdf_ctx *p, float x, float y, float w, float h, pdf_hatch kind, float step);
/* A small marker (chart series): 0 circle, 1 square, 2 triangle, 3 diamond; filled if `solid`. */
void pdf_marker(pdf_ctx *p, int shape, float cx, float cy, float r, int solid);

/* The operator writer of the current page (pdfops.h; PDF coordinates), for drawing what the
 * calls above do not: bench/floor.c replays display lists through it. NULL without a page. */
struct pdfops *pdf_page_ops(pdf_ctx *p);

/* Adds a bookmark at `level` (1 = top) pointing at page `page`, y from the top. */
void pdf_bookmark(pdf_ctx *p, int level, const char *title, int page, float y);

/* Finishes the document: writes ToUnicode maps, saves into memory. On success *out (malloc'd,
 * caller frees) and *len hold the PDF and 0 is returned; else -1 and pdf_error() says why. */
int pdf_finish(pdf_ctx *p, unsigned char **out, size_t *len);

/* Keeping a finished document's pages, to copy them into another (pdfpart): pdf_keep before
 * pdf_begin makes that document keep, when finished, each page's deflated operators, the faces
 * it uses and its bookmarks, readable until the next pdf_begin. */
typedef struct pdf_page_info {
    float width, height;
    unsigned faces;                  /* bit f: face f is in the page's resources */
    const unsigned char *data;       /* deflated operators */
    size_t len;
} pdf_page_info;

typedef struct pdf_mark {
    int level, page;
    float y;                         /* from the top */
    char *title;
} pdf_mark;

void pdf_keep(pdf_ctx *p);
int pdf_kept_page(const pdf_ctx *p, int index, pdf_page_info *info);   /* 0, or -1 */
const pdf_mark *pdf_kept_marks(const pdf_ctx *p, int *n);
const font_usage *pdf_used(const pdf_ctx *p);

/* Adds a page made elsewhere (its operators deflated, drawing nothing more on it) and marks
 * the codes its text uses: the pages of a kept document go into another unchanged. Returns the
 * page's index or -1. */
int pdf_add_packed_page(pdf_ctx *p, const pdf_page_info *info);
void pdf_use_codes(pdf_ctx *p, const font_usage *u);

/* Sticky error state of the current document. */
int pdf_failed(const pdf_ctx *p);
const char *pdf_error(const pdf_ctx *p);
void pdf_seterr(pdf_ctx *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
