/* grid — tables: columns of absolute, relative or content-fitted width; header rows repeated
 * on every page; column and row spans; a row-spanning cell cut by a page break goes on under
 * the repeated header with the rest of its text, or with its text again marked «(продолжение)»;
 * rows taller than a page split by lines; padding, alignment, vertical alignment, borders,
 * shading of header and total rows, numbers aligned on the decimal comma. Cell text wraps and
 * hyphenates inside its cell and never leaves it. Uses para, flow, pdf, font. */
#ifndef OTCHET_GRID_H
#define OTCHET_GRID_H
#include "flow.h"
#include "para.h"

typedef enum { GRID_AUTO, GRID_MM, GRID_REL } grid_width;
typedef enum { GRID_TOP, GRID_MIDDLE, GRID_BOTTOM } grid_valign;
typedef enum { GRID_ROW_BODY, GRID_ROW_TOTAL } grid_rowkind;

typedef struct grid_col {
    grid_width kind;          /* GRID_AUTO: fitted to content */
    float value;              /* millimetres (GRID_MM) or a weight (GRID_REL) */
    para_align align;         /* of body cells */
    int numeric;              /* body cells aligned on the decimal comma */
} grid_col;

typedef struct grid_cellopt {
    int colspan, rowspan;     /* 0 means 1 */
    int align;                /* -1: the column's (header cells: centre) */
    grid_valign valign;
    int bold, italic;
    float shade;              /* 0: the row's default; else gray level 0 < shade < 1 */
} grid_cellopt;

typedef struct grid grid;

/* A table of `ncols` columns (cols copied) whose first `header_rows` rows repeat on every
 * page, text at `size` points. Free with grid_free. NULL when out of memory. */
grid *grid_new(int ncols, const grid_col *cols, int header_rows, float size);
void grid_free(grid *g);

/* Adds a cell to the current row at the next free column (skipping slots covered by row spans
 * from above). opt may be NULL. grid_cell_begin/run/end build a cell of several styled runs. */
void grid_cell(grid *g, const char *text, const grid_cellopt *opt);
void grid_cell_begin(grid *g, const grid_cellopt *opt);
void grid_cell_run(grid *g, int bold, int italic, const char *text, size_t n);
void grid_cell_end(grid *g);
/* Keeps the row being built on the page of the next row (a heading row inside the table, e.g.
 * «Фактор риска: …» spanning all columns): call before grid_row_end. Chains: a kept row followed
 * by another kept row keeps all three together. The table's last row is kept so with what
 * follows the table when lay_flow.tail says so (the signature). */
void grid_row_keep_next(grid *g);
/* Ends the current row. */
void grid_row_end(grid *g, grid_rowkind kind);

/* Sticky builder error ("" = none), e.g. a row with more cells than columns. */
const char *grid_error(const grid *g);

/* Height of the header plus the first body row (and the rows it keeps with) at the flow's
 * width: what must fit under a heading kept with this table. */
float grid_lead_height(grid *g, lay_flow *f);

/* Lays the table out from f->y, starting new pages through f as needed; draws when f->draw.
 * Returns 0, or -1 with f->err set. */
int grid_place(grid *g, lay_flow *f);

#endif
