/* flow — the page cursor a layout hands to the blocks it paginates (tables, charts): the content
 * box of the current page, where the next block starts, and how to get a fresh page.
 * Types only; the owner is layout.c. Uses pdf, font, hyph (and para's memo, by name). */
#ifndef OTCHET_FLOW_H
#define OTCHET_FLOW_H
#include "font.h"
#include "hyph.h"
#include "pdf.h"

struct para_memo;
typedef struct lay_flow lay_flow;
struct lay_flow {
    pdf_ctx *pdf;
    const font_set *fs;
    hyph *hy;                 /* may be NULL */
    struct para_memo *memo;   /* borrowed, may be NULL: line breaks through it (para.h) */
    int draw;                 /* 0: dry run — paginate and measure, draw nothing */
    float x, width;           /* content box of the current page */
    float top, bottom;        /* its vertical limits (points from the page top) */
    float y;                  /* where the next thing goes */
    float tail;               /* height the blocks after this one need on the page where it
                               * ends (a signature kept with a table's last row); 0 = none */
    int page;                 /* index of the current page */
    void *owner;
    void (*new_page)(lay_flow *f);   /* ends the page; y = top of a fresh one */
    char err[PDF_ERRLEN];     /* first error of a block ("" = none) */
};

#endif
