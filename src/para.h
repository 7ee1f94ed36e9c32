/* para — paragraphs: styled runs of UTF-8 text broken into lines of a given width, and drawn.
 * Breaks at spaces, after hyphens and dashes inside words, at soft hyphens and at Russian
 * hyphenation points (hyph); a space before a dash "—"/"–" never breaks (the dash stays with the
 * previous word). Words that start with a capital letter (names, abbreviations) and every word
 * of a paragraph marked no_hyph (headings, titles) are hyphenated only when they fit no line
 * whole. A word wider than the line is broken at its dictionary points, else at a syllable
 * boundary (a vowel on each side), else cut by characters — with a hyphen whenever the cut falls
 * between two letters and the hyphen fits. An e-mail address or a URL is never broken inside
 * (but cut bare when it fits no line). Alignment left, centre, right or justify (by placing
 * words; the last line and lines ended by '\n' stay left).
 * Widths come from font (1/1000 em). Repeated breaks can go through a memo (para_memo).
 * Uses font, hyph, pdf, text, buf. */
#ifndef OTCHET_PARA_H
#define OTCHET_PARA_H
#include <stddef.h>
#include <stdint.h>
#include "font.h"
#include "hyph.h"
#include "pdf.h"

#define PARA_ERRLEN 320

typedef enum { PARA_LEFT, PARA_CENTER, PARA_RIGHT, PARA_JUSTIFY } para_align;

typedef struct para_run {
    size_t off, len;          /* bytes of para.text */
    font_face face;
    float size;               /* points */
} para_run;

/* A paragraph's content. Fields are read-only for users; build with para_add. */
typedef struct para {
    buf text;                 /* all runs, concatenated */
    para_run *runs;
    int nruns, caprun;
    int oom;
    int no_hyph;              /* 1: hyphenate a word only when it fits no line (headings) */
} para;

/* A piece of a line drawn with one call: bytes of para.text in one face and size. */
typedef struct para_frag {
    uint32_t off, len;
    float x, w;               /* from the line's start, natural spacing */
    uint16_t gaps;            /* stretchable word gaps before it on its line (justify) */
    uint8_t face, hyphen;     /* hyphen: draw '-' right after it */
    float size;
} para_frag;

typedef struct para_line {
    int frag, nfrags;         /* range in para_layout.frags */
    float width;              /* natural width, including a trailing hyphen */
    float avail;              /* width the line was broken for (indent taken off) */
    float indent;             /* left offset of this line (first-line indent) */
    float size;               /* largest font size on the line */
    float height;             /* leading × size */
    uint16_t ngaps;
    uint8_t justify;          /* stretch gaps to fill `avail` when aligned PARA_JUSTIFY */
} para_line;

typedef struct para_layout {
    para_line *lines;         /* owned */
    para_frag *frags;         /* owned */
    int nlines, nfrags, caplines, capfrags;
    float height;             /* sum of line heights */
    para_align align;
} para_layout;

#define PARA_INIT {BUF_INIT, NULL, 0, 0, 0, 0}
#define PARA_LAYOUT_INIT {NULL, NULL, 0, 0, 0, 0, 0, PARA_LEFT}

/* Appends a run of text s[0..n) in face f at `size` points. */
void para_add(para *p, font_face f, float size, const char *s, size_t n);
void para_clear(para *p);
void para_free(para *p);

/* Breaks p into lines `width` points wide, the first indented by `indent`. Line heights are
 * `leading` × the largest size on the line. hy may be NULL (no hyphenation). Fills *out
 * (reusing its arrays). Returns 0, or -1 with `err` naming a character the font lacks. */
int para_break(const para *p, const font_set *fs, hyph *hy, float width, float indent,
               para_align align, float leading, para_layout *out, char err[PARA_ERRLEN]);
void para_layout_free(para_layout *l);

/* Baseline of a line whose box starts at y (top): centred glyph box (ascent .891, descent .216). */
float para_baseline(const para_line *ln);

/* Draws lines [from, to) of a layout into the box starting at (x, y_top), `width` wide. */
void para_draw(const para *p, const para_layout *l, pdf_ctx *pdf, float x, float y_top,
               float width, int from, int to);

/* The narrowest width p can be broken to without cutting a word, and its width unbroken
 * (widest line between forced breaks). For fitting table columns to content. */
void para_measure(const para *p, const font_set *fs, float *minw, float *maxw);

/* A memo of line breaks: para_break's results by everything they depend on (the runs' text,
 * faces and sizes, no_hyph, the font set and dictionary, width, indent, alignment, leading).
 * The documents of a run repeat the same paragraphs on every sheet (titles, legends,
 * recommendations, table headings) and a document breaks some paragraphs several times (to
 * keep a heading with them, to balance a title); a repeat is then a copy. Bounded: emptied when
 * it holds PARA_MEMO_BYTES. Owned by whoever made it; one per process is the intended use. */
#define PARA_MEMO_BYTES (8u << 20)
typedef struct para_memo para_memo;
para_memo *para_memo_new(void);
void para_memo_free(para_memo *m);
/* para_break through memo m (NULL: plain para_break). Same result, same errors. */
int para_break_memo(para_memo *m, const para *p, const font_set *fs, hyph *hy, float width,
                    float indent, para_align align, float leading, para_layout *out,
                    char err[PARA_ERRLEN]);

/* para_measure through memo m (may be NULL): the same widths, remembered by the paragraph's
 * fonts, runs and text, since tables measure the same cells (row names, headers) on every
 * document of a run. */
void para_measure_memo(para_memo *m, const para *p, const font_set *fs, float *minw, float *maxw);

#endif
