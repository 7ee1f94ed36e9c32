/* grid — table building, measuring and pagination; see grid.h.
 * Pagination walks body rows; a row that does not fit goes to a new page under the repeated
 * header, a row taller than a whole page is split by lines. A row-spanning cell is drawn as
 * segments: one per page it touches, closed when its last row is placed or the page ends. */
#include "grid.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PADX 3.0f
#define PADY 2.0f
#define LEADING 1.18f
#define BORDER 0.5f
#define SHADE_HEAD 0.88f
#define SHADE_TOTAL 0.94f
#define CONT_MARK " (продолжение)"

typedef struct gcell {
    int row, col, colspan, rowspan;
    para p, pcont;            /* text; text + continuation mark (spans only) */
    para_layout L, Lcont;
    int align, numeric;
    grid_valign valign;
    float shade, h, int_w;
    int next_line, cont;      /* span pagination: first line not yet drawn; drawn before */
    float seg_top;
} gcell;

typedef struct grow {
    int c0, nc;               /* its cells: cells[c0 .. c0+nc) */
    grid_rowkind kind;
    int keep;                 /* kept on the page of the next row */
    float h;
} grow;

struct grid {
    int ncols, header_rows;
    grid_col *cols;
    float size;
    gcell *cells;
    int ncells, capcells;
    grow *rows;
    int nrows, caprows;
    int *span_until;          /* per column: first row not covered by a span from above */
    int cur_col, row_c0, open;
    int keep_pending;         /* grid_row_keep_next was called for the row being built */
    float *colx, *colw, *frac_w;
    /* what prepare measured: cells are broken again only for another width or position
     * (a table is prepared for its lead height and its placement, in both layout passes) */
    int prepared;
    float prep_x, prep_w;
    /* body row spans (header spans never continue over pages): `spans` in cell order, as
     * pages close and reopen them; `by_end` grouped by last row, those ending at row r being
     * by_end[end_at[r] .. end_at[r + 1]), each group in cell order. Rows then look only at
     * their own spans, not at every cell of the table. */
    int *spans, *by_end, *end_at, nspans;
    char err[256];
};

grid *grid_new(int ncols, const grid_col *cols, int header_rows, float size)
{
    grid *g = calloc(1, sizeof *g);
    if (!g || ncols <= 0)
        goto fail;
    g->ncols = ncols;
    g->header_rows = header_rows;
    g->size = size > 0 ? size : 11;
    g->cols = malloc((size_t)ncols * sizeof *g->cols);
    g->span_until = calloc((size_t)ncols, sizeof *g->span_until);
    g->colx = calloc((size_t)ncols + 1, sizeof *g->colx);
    g->colw = calloc((size_t)ncols, sizeof *g->colw);
    g->frac_w = calloc((size_t)ncols, sizeof *g->frac_w);
    if (!g->cols || !g->span_until || !g->colx || !g->colw || !g->frac_w)
        goto fail;
    memcpy(g->cols, cols, (size_t)ncols * sizeof *cols);
    return g;
fail:
    grid_free(g);
    return NULL;
}

void grid_free(grid *g)
{
    if (!g)
        return;
    for (int i = 0; i < g->ncells; i++) {
        para_free(&g->cells[i].p);
        para_free(&g->cells[i].pcont);
        para_layout_free(&g->cells[i].L);
        para_layout_free(&g->cells[i].Lcont);
    }
    free(g->cells);
    free(g->rows);
    free(g->cols);
    free(g->span_until);
    free(g->colx);
    free(g->colw);
    free(g->frac_w);
    free(g->spans);
    free(g->by_end);
    free(g->end_at);
    free(g);
}

const char *grid_error(const grid *g)
{
    return g->err;
}

static void seterr(grid *g, const char *msg)
{
    if (!g->err[0])
        snprintf(g->err, sizeof g->err, "%s", msg);
}

static int grow_arr(void **arr, int *cap, int need, size_t size)
{
    if (need <= *cap)
        return 0;
    int c = *cap ? *cap * 2 : 16;
    while (c < need)
        c *= 2;
    void *n = realloc(*arr, (size_t)c * size);
    if (!n)
        return -1;
    *arr = n;
    *cap = c;
    return 0;
}

static font_face face_of(int bold, int italic)
{
    return (font_face)(FONT_SERIF + (bold ? 1 : 0) + (italic ? 2 : 0));
}

void grid_cell_begin(grid *g, const grid_cellopt *opt)
{
    grid_cellopt o = opt ? *opt : (grid_cellopt){1, 1, -1, GRID_TOP, 0, 0, 0};
    int row = g->nrows;
    if (g->err[0])
        return;
    while (g->cur_col < g->ncols && g->span_until[g->cur_col] > row)
        g->cur_col++;
    int cs = o.colspan > 0 ? o.colspan : 1, rs = o.rowspan > 0 ? o.rowspan : 1;
    if (g->cur_col + cs > g->ncols) {
        seterr(g, "в строке таблицы больше ячеек, чем столбцов");
        return;
    }
    if (grow_arr((void **)&g->cells, &g->capcells, g->ncells + 1, sizeof *g->cells) != 0) {
        seterr(g, "нет памяти");
        return;
    }
    gcell *c = &g->cells[g->ncells++];
    g->prepared = 0;
    memset(c, 0, sizeof *c);
    int head = row < g->header_rows;
    *c = (gcell){.row = row, .col = g->cur_col, .colspan = cs, .rowspan = rs};
    c->align = o.align >= 0 ? o.align : head ? PARA_CENTER : (int)g->cols[c->col].align;
    c->numeric = !head && cs == 1 && o.align < 0 && g->cols[c->col].numeric;
    c->valign = head && !opt ? GRID_MIDDLE : o.valign;
    c->shade = o.shade > 0 ? o.shade : head ? SHADE_HEAD : 0;
    for (int k = 0; k < cs; k++)
        g->span_until[c->col + k] = row + rs;
    g->cur_col += cs;
    g->open = 1;
}

void grid_cell_run(grid *g, int bold, int italic, const char *text, size_t n)
{
    if (g->err[0] || !g->open)
        return;
    gcell *c = &g->cells[g->ncells - 1];
    para_add(&c->p, face_of(bold || c->row < g->header_rows, italic), g->size, text, n);
}

void grid_cell_end(grid *g)
{
    g->open = 0;
}

void grid_cell(grid *g, const char *text, const grid_cellopt *opt)
{
    grid_cell_begin(g, opt);
    grid_cell_run(g, opt && opt->bold, opt && opt->italic, text ? text : "", text ? strlen(text) : 0);
    grid_cell_end(g);
}

void grid_row_end(grid *g, grid_rowkind kind)
{
    if (g->err[0])
        return;
    if (grow_arr((void **)&g->rows, &g->caprows, g->nrows + 1, sizeof *g->rows) != 0) {
        seterr(g, "нет памяти");
        return;
    }
    grow *r = &g->rows[g->nrows];
    *r = (grow){g->row_c0, g->ncells - g->row_c0, kind, g->keep_pending, 0};
    g->keep_pending = 0;
    g->prepared = 0;
    for (int i = r->c0; i < r->c0 + r->nc && kind == GRID_ROW_TOTAL; i++) {
        gcell *c = &g->cells[i];
        if (c->shade == 0)
            c->shade = SHADE_TOTAL;
        for (int k = 0; k < c->p.nruns; k++)     /* total rows are bold */
            if (c->p.runs[k].face == FONT_SERIF || c->p.runs[k].face == FONT_SERIF_ITALIC)
                c->p.runs[k].face = (font_face)(c->p.runs[k].face + 1);
    }
    g->nrows++;
    g->row_c0 = g->ncells;
    g->cur_col = 0;
}

void grid_row_keep_next(grid *g)
{
    g->keep_pending = 1;
}

/* ---- measuring ---------------------------------------------------------------------------- */

static float span_width(const grid *g, const gcell *c)
{
    return g->colx[c->col + c->colspan] - g->colx[c->col];
}

/* Content-fitted limits of each column from its single-column cells (measured through the
 * flow's memo). Columns of a width in millimetres need none: their cells are not measured. */
static void content_limits(grid *g, const lay_flow *f, float *mn, float *mx)
{
    for (int i = 0; i < g->ncols; i++)
        mn[i] = mx[i] = 2 * PADX + 4;
    for (int i = 0; i < g->ncells; i++) {
        gcell *c = &g->cells[i];
        float a, b;
        if (c->colspan != 1 || g->cols[c->col].kind == GRID_MM)
            continue;
        para_measure_memo(f->memo, &c->p, f->fs, &a, &b);
        if (c->row < g->header_rows)       /* headers wrap: they never widen a column */
            b = a;
        if (a + 2 * PADX > mn[c->col])
            mn[c->col] = a + 2 * PADX;
        if (b + 2 * PADX + 1 > mx[c->col])
            mx[c->col] = b + 2 * PADX + 1;
    }
}

/* Column widths: millimetres as given; content-fitted columns between their narrowest and
 * unbroken widths; relative columns share what is left. Fills colw and colx. */
static void column_widths(grid *g, lay_flow *f)
{
    int n = g->ncols;
    float *mn = calloc((size_t)n * 2, sizeof *mn), *mx;
    if (!mn)
        return;
    mx = mn + n;
    content_limits(g, f, mn, mx);
    float fixed = 0, amin = 0, amax = 0, wsum = 0, relmin = 0;
    for (int i = 0; i < n; i++) {
        const grid_col *c = &g->cols[i];
        if (c->kind == GRID_MM)
            fixed += g->colw[i] = PDF_MM(c->value);
        else if (c->kind == GRID_AUTO)
            amin += mn[i], amax += mx[i];
        else
            wsum += c->value > 0 ? c->value : 1, relmin += mn[i];
    }
    float rem = f->width - fixed;
    float room = rem - relmin;            /* for content-fitted columns */
    for (int i = 0; i < n; i++) {
        if (g->cols[i].kind != GRID_AUTO)
            continue;
        if (amax <= room || amax <= amin)
            g->colw[i] = mx[i];
        else if (amin <= room)
            g->colw[i] = mn[i] + (mx[i] - mn[i]) * (room - amin) / (amax - amin);
        else
            g->colw[i] = mn[i] * (room > 0 ? room : 0) / amin;
    }
    float used = fixed;
    for (int i = 0; i < n; i++)
        if (g->cols[i].kind == GRID_AUTO)
            used += g->colw[i];
    for (int i = 0; i < n; i++)
        if (g->cols[i].kind == GRID_REL)
            g->colw[i] = (f->width - used) * (g->cols[i].value > 0 ? g->cols[i].value : 1) / wsum;
    if (wsum == 0 && used < f->width && amax > 0)   /* stretch fitted columns to full width */
        for (int i = 0; i < n; i++)
            if (g->cols[i].kind == GRID_AUTO)
                g->colw[i] += (f->width - used) * mx[i] / amax;
    g->colx[0] = f->x;
    for (int i = 0; i < n; i++)
        g->colx[i + 1] = g->colx[i] + g->colw[i];
    free(mn);
}

/* Text before the decimal comma (or all of it): its width aligns the column. */
static float integer_width(const font_set *fs, const gcell *c)
{
    const para_run *r = &c->p.runs[0];
    const char *s = c->p.text.data + r->off;
    const char *comma = memchr(s, ',', r->len);
    size_t n = comma ? (size_t)(comma - s) : r->len;
    return font_text_width(fs, r->face, r->size, s, n);
}

/* ---- layouts shared by equal cells ----
 * The cells of a long table repeat (the same share, count or «—» in a thousand rows): a cell
 * whose text, styles, width and alignment equal those of a cell broken before it gets a copy of
 * that layout instead of being broken again. para_break depends on nothing else here (the
 * font set, hyphenation and leading are the table's), so the copy is what it would make. */

typedef struct layout_memo {
    int *slot;                /* cell index + 1 of each layout kept, 0 = free */
    size_t mask;
} layout_memo;

static int memo_open(layout_memo *m, int ncells)
{
    size_t n = 16;
    while (n < 2 * (size_t)ncells)
        n *= 2;
    m->slot = calloc(n, sizeof *m->slot);
    m->mask = n - 1;
    return m->slot ? 0 : -1;
}

/* FNV-1a over what para_break reads of a single-row cell broken `w` wide. */
static uint64_t cell_hash(const gcell *c, float w)
{
    uint64_t h = 1469598103934665603u;
#define MIX(x) (h = (h ^ (uint64_t)(x)) * 1099511628211u)
    for (size_t i = 0; i < c->p.text.len; i++)
        MIX((unsigned char)c->p.text.data[i]);
    for (int k = 0; k < c->p.nruns; k++) {
        uint32_t size;
        memcpy(&size, &c->p.runs[k].size, sizeof size);
        MIX(c->p.runs[k].len), MIX(c->p.runs[k].face), MIX(size);
    }
    uint32_t wb;
    memcpy(&wb, &w, sizeof wb);
    MIX(wb), MIX(c->align), MIX(c->p.no_hyph);
#undef MIX
    return h;
}

static int same_cell(const gcell *a, float wa, const gcell *b, float wb)
{
    if (wa != wb || a->align != b->align || a->p.no_hyph != b->p.no_hyph || a->p.oom || b->p.oom ||
        a->p.nruns != b->p.nruns || a->p.text.len != b->p.text.len)
        return 0;
    for (int k = 0; k < a->p.nruns; k++) {
        const para_run *x = &a->p.runs[k], *y = &b->p.runs[k];
        if (x->off != y->off || x->len != y->len || x->face != y->face || x->size != y->size)
            return 0;
    }
    return a->p.text.len == 0 || memcmp(a->p.text.data, b->p.text.data, a->p.text.len) == 0;
}

/* Copies layout src into dst (reusing dst's arrays). Returns 0, or -1 out of memory. */
static int copy_layout(para_layout *dst, const para_layout *src)
{
    if (src->nlines > dst->caplines) {
        para_line *l = realloc(dst->lines, (size_t)src->nlines * sizeof *l);
        if (!l)
            return -1;
        dst->lines = l, dst->caplines = src->nlines;
    }
    if (src->nfrags > dst->capfrags) {
        para_frag *fr = realloc(dst->frags, (size_t)src->nfrags * sizeof *fr);
        if (!fr)
            return -1;
        dst->frags = fr, dst->capfrags = src->nfrags;
    }
    if (src->nlines > 0)
        memcpy(dst->lines, src->lines, (size_t)src->nlines * sizeof *dst->lines);
    if (src->nfrags > 0)
        memcpy(dst->frags, src->frags, (size_t)src->nfrags * sizeof *dst->frags);
    dst->nlines = src->nlines, dst->nfrags = src->nfrags;
    dst->height = src->height;
    dst->align = src->align;
    return 0;
}

/* Gives cell i of a single row its layout L `w` wide: a copy of an equal cell's met before
 * (memo m), else para_break. Returns 0, or -1 with err set. */
static int layout_cell(grid *g, lay_flow *f, layout_memo *m, int i, float w, char err[PARA_ERRLEN])
{
    gcell *c = &g->cells[i];
    size_t at = (size_t)cell_hash(c, w) & m->mask;
    for (; m->slot[at]; at = (at + 1) & m->mask) {
        const gcell *o = &g->cells[m->slot[at] - 1];
        if (same_cell(c, w, o, span_width(g, o) - 2 * PADX)) {
            if (copy_layout(&c->L, &o->L) == 0)
                return 0;
            snprintf(err, PARA_ERRLEN, "нет памяти");
            return -1;
        }
    }
    /* the process's memo: the same cells (headings, names, numbers) recur on every sheet */
    if (para_break_memo(f->memo, &c->p, f->fs, f->hy, w, 0, (para_align)c->align, LEADING, &c->L,
                        err) != 0)
        return -1;
    m->slot[at] = i + 1;
    return 0;
}

/* Breaks cell i at its width (a single-row cell through memo m) and measures it. */
static int break_cell(grid *g, lay_flow *f, layout_memo *m, int i)
{
    char err[PARA_ERRLEN];
    gcell *c = &g->cells[i];
    float w = span_width(g, c) - 2 * PADX;
    if ((c->rowspan == 1 ? layout_cell(g, f, m, i, w, err)
                         : para_break(&c->p, f->fs, f->hy, w, 0, (para_align)c->align, LEADING,
                                      &c->L, err)) != 0 ||
        (c->rowspan > 1 &&
         para_break(&c->pcont, f->fs, f->hy, w, 0, (para_align)c->align, LEADING, &c->Lcont,
                    err) != 0)) {
        snprintf(f->err, sizeof f->err, "таблица: %.290s", err);
        return -1;
    }
    c->h = c->L.height + 2 * PADY;
    c->numeric = c->numeric && c->p.nruns == 1 && c->L.nlines == 1;
    if (c->numeric) {
        float iw = integer_width(f->fs, c), fw = c->L.lines[0].width - iw;
        c->int_w = iw;
        if (fw > g->frac_w[c->col])
            g->frac_w[c->col] = fw;
    }
    return 0;
}

static void make_cont(gcell *c)
{
    para_clear(&c->pcont);
    for (int k = 0; k < c->p.nruns; k++)
        para_add(&c->pcont, c->p.runs[k].face, c->p.runs[k].size, c->p.text.data + c->p.runs[k].off,
                 c->p.runs[k].len);
    float size = c->p.nruns ? c->p.runs[0].size : 10;
    para_add(&c->pcont, FONT_SERIF_ITALIC, size * 0.9f, CONT_MARK, strlen(CONT_MARK));
}

/* Lists the body row spans (see struct grid): in cell order, and grouped by last row. */
static int index_spans(grid *g)
{
    free(g->spans);
    free(g->by_end);
    free(g->end_at);
    g->nspans = 0;
    g->spans = malloc(((size_t)g->ncells + 1) * sizeof *g->spans);
    g->by_end = malloc(((size_t)g->ncells + 1) * sizeof *g->by_end);
    g->end_at = calloc((size_t)g->nrows + 1, sizeof *g->end_at);
    if (!g->spans || !g->by_end || !g->end_at)
        return -1;
    for (int i = 0; i < g->ncells; i++) {
        const gcell *c = &g->cells[i];
        if (c->rowspan > 1 && c->row >= g->header_rows) {
            g->spans[g->nspans++] = i;
            g->end_at[c->row + c->rowspan]++;    /* counted at end row + 1: prefix sums */
        }
    }
    for (int r = 0; r < g->nrows; r++)
        g->end_at[r + 1] += g->end_at[r];
    int *next = calloc((size_t)g->nrows + 1, sizeof *next);
    if (!next)
        return -1;
    memcpy(next, g->end_at, ((size_t)g->nrows + 1) * sizeof *next);
    for (int k = 0; k < g->nspans; k++) {
        const gcell *c = &g->cells[g->spans[k]];
        g->by_end[next[c->row + c->rowspan - 1]++] = g->spans[k];
    }
    free(next);
    return 0;
}

/* Breaks every cell at the column widths of the flow's width and sets row heights; a span's
 * extra height goes to its last row. Done once per width and position: later calls only reset
 * what placing a table changes (how far each span has been drawn). */
static int prepare(grid *g, lay_flow *f)
{
    if (g->prepared && g->prep_w == f->width && g->prep_x == f->x) {
        for (int i = 0; i < g->ncells; i++)
            g->cells[i].next_line = g->cells[i].cont = 0;
        return 0;
    }
    g->prepared = 0;
    column_widths(g, f);
    memset(g->frac_w, 0, (size_t)g->ncols * sizeof *g->frac_w);
    layout_memo memo;
    if (memo_open(&memo, g->ncells) != 0) {
        snprintf(f->err, sizeof f->err, "таблица: нет памяти");
        return -1;
    }
    for (int i = 0; i < g->ncells; i++) {
        gcell *c = &g->cells[i];
        if (c->row + c->rowspan > g->nrows)
            c->rowspan = g->nrows - c->row;
        if (c->row < g->header_rows && c->row + c->rowspan > g->header_rows)
            c->rowspan = g->header_rows - c->row;
        if (c->rowspan > 1)
            make_cont(c);
        if (break_cell(g, f, &memo, i) != 0) {
            free(memo.slot);
            return -1;
        }
        c->next_line = c->cont = 0;
    }
    free(memo.slot);
    for (int r = 0; r < g->nrows; r++) {
        g->rows[r].h = 0;
        for (int i = g->rows[r].c0; i < g->rows[r].c0 + g->rows[r].nc; i++)
            if (g->cells[i].rowspan == 1 && g->cells[i].h > g->rows[r].h)
                g->rows[r].h = g->cells[i].h;
        if (g->rows[r].h == 0)
            g->rows[r].h = g->size * LEADING + 2 * PADY;
    }
    for (int i = 0; i < g->ncells; i++) {
        gcell *c = &g->cells[i];
        float sum = 0;
        for (int r = c->row; r < c->row + c->rowspan; r++)
            sum += g->rows[r].h;
        if (c->rowspan > 1 && sum < c->h)
            g->rows[c->row + c->rowspan - 1].h += c->h - sum;
    }
    if (index_spans(g) != 0) {
        snprintf(f->err, sizeof f->err, "таблица: нет памяти");
        return -1;
    }
    g->prepared = 1;
    g->prep_w = f->width;
    g->prep_x = f->x;
    return 0;
}

/* ---- drawing ------------------------------------------------------------------------------ */

static float lines_height(const para_layout *L, int from, int to)
{
    float h = 0;
    for (int i = from; i < to; i++)
        h += L->lines[i].height;
    return h;
}

/* How many lines from `from` fit in height `room`. */
static int lines_fitting(const para_layout *L, int from, float room)
{
    int k = from;
    float h = 0;
    while (k < L->nlines && h + L->lines[k].height <= room + 0.01f)
        h += L->lines[k++].height;
    return k;
}

/* Draws a cell's box (x, y, w, h) with lines [from, to) of layout L of paragraph p. */
static void draw_box(grid *g, lay_flow *f, const gcell *c, const para *p, const para_layout *L,
                     float y, float h, int from, int to)
{
    float x = g->colx[c->col], w = span_width(g, c);
    if (!f->draw)
        return;
    if (c->shade > 0)
        pdf_fill_rect(f->pdf, x, y, w, h, c->shade);
    float th = lines_height(L, from, to), ty = y + PADY;
    if (c->valign == GRID_MIDDLE)
        ty = y + (h - th) / 2;
    else if (c->valign == GRID_BOTTOM)
        ty = y + h - PADY - th;
    if (c->numeric && p == &c->p) {        /* one line: integer part ends at a common x */
        float tx = x + w - PADX - g->frac_w[c->col] - c->int_w;
        const para_line *ln = &L->lines[0];
        for (int k = ln->frag; k < ln->frag + ln->nfrags; k++) {
            const para_frag *fr = &L->frags[k];
            pdf_text(f->pdf, (font_face)fr->face, fr->size, tx + fr->x, ty + para_baseline(ln),
                     p->text.data + fr->off, fr->len);
        }
    } else {
        para_draw(p, L, f->pdf, x + PADX, ty, w - 2 * PADX, from, to);
    }
    pdf_stroke_rect(f->pdf, x, y, w, h, BORDER);
}

static void draw_header(grid *g, lay_flow *f)
{
    for (int r = 0; r < g->header_rows && r < g->nrows; r++) {
        for (int i = g->rows[r].c0; i < g->rows[r].c0 + g->rows[r].nc; i++) {
            gcell *c = &g->cells[i];
            float h = 0;
            for (int k = r; k < r + c->rowspan; k++)
                h += g->rows[k].h;
            draw_box(g, f, c, &c->p, &c->L, f->y, h, 0, c->L.nlines);
        }
        f->y += g->rows[r].h;
    }
}

static float header_height(const grid *g)
{
    float h = 0;
    for (int r = 0; r < g->header_rows && r < g->nrows; r++)
        h += g->rows[r].h;
    return h;
}

/* Closes a span's segment at y: draws the lines that fit (or its text again with the
 * continuation mark when everything was shown on an earlier page). */
static void close_segment(grid *g, lay_flow *f, gcell *c, float y)
{
    float room = y - c->seg_top - 2 * PADY;
    if (c->next_line < c->L.nlines || !c->cont) {
        int k = lines_fitting(&c->L, c->next_line, room);
        draw_box(g, f, c, &c->p, &c->L, c->seg_top, y - c->seg_top, c->next_line, k);
        c->next_line = k;
    } else {
        int k = lines_fitting(&c->Lcont, 0, room);
        draw_box(g, f, c, &c->pcont, &c->Lcont, c->seg_top, y - c->seg_top, 0, k);
    }
    c->cont = 1;
}

/* Height still needed by the spans that end at row r, beyond what they already have. */
static float span_need(const grid *g, int r, float y)
{
    float need = 0;
    for (int k = g->end_at[r]; k < g->end_at[r + 1]; k++) {
        const gcell *c = &g->cells[g->by_end[k]];
        float rest = c->next_line < c->L.nlines
                         ? lines_height(&c->L, c->next_line, c->L.nlines) + 2 * PADY : 0;
        if (rest - (y - c->seg_top) > need)
            need = rest - (y - c->seg_top);
    }
    return need;
}

static int span_open(const grid *g, const gcell *c, int r, int started)
{
    return c->rowspan > 1 && c->row >= g->header_rows && c->row + c->rowspan > r &&
           (c->row < r || (started && c->row == r));
}

/* Ends the page before row r (inside it when `inside`): closes the open span segments and
 * starts a new page with the header. */
static void break_page(grid *g, lay_flow *f, int r, int inside)
{
    for (int k = 0; k < g->nspans; k++)
        if (span_open(g, &g->cells[g->spans[k]], r, inside))
            close_segment(g, f, &g->cells[g->spans[k]], f->y);
    f->new_page(f);
    draw_header(g, f);
    for (int k = 0; k < g->nspans; k++)
        if (span_open(g, &g->cells[g->spans[k]], r, inside))
            g->cells[g->spans[k]].seg_top = f->y;
}

/* Draws row r's own cells at f->y, h high; opens the spans that start here; closes those
 * that end here. */
static void draw_row(grid *g, lay_flow *f, int r, float h)
{
    const grow *row = &g->rows[r];
    for (int i = row->c0; i < row->c0 + row->nc; i++) {
        gcell *c = &g->cells[i];
        if (c->rowspan == 1)
            draw_box(g, f, c, &c->p, &c->L, f->y, h, 0, c->L.nlines);
        else
            c->seg_top = f->y;
    }
    f->y += h;
    for (int k = g->end_at[r]; k < g->end_at[r + 1]; k++)
        close_segment(g, f, &g->cells[g->by_end[k]], f->y);
}

/* A row taller than a page: each of its cells continues by lines over as many pages as needed. */
static void split_row(grid *g, lay_flow *f, int r)
{
    const grow *row = &g->rows[r];
    int start[256] = {0};
    int n = row->nc < 256 ? row->nc : 256;
    for (;;) {
        float room = f->bottom - f->y, need = 0;
        for (int k = 0; k < n; k++) {
            const gcell *c = &g->cells[row->c0 + k];
            float h = lines_height(&c->L, start[k], c->L.nlines) + 2 * PADY;
            if (c->rowspan == 1 && h > need)
                need = h;
        }
        if (need <= room) {
            for (int k = 0; k < n; k++) {
                gcell *c = &g->cells[row->c0 + k];
                if (c->rowspan == 1)
                    draw_box(g, f, c, &c->p, &c->L, f->y, need, start[k], c->L.nlines);
            }
            f->y += need;
            return;
        }
        int progress = 0;
        for (int k = 0; k < n; k++) {
            gcell *c = &g->cells[row->c0 + k];
            if (c->rowspan != 1)
                continue;
            int e = lines_fitting(&c->L, start[k], room - 2 * PADY);
            draw_box(g, f, c, &c->p, &c->L, f->y, room, start[k], e);
            progress |= e > start[k];
            start[k] = e;
        }
        f->y = f->bottom;
        if (!progress)           /* a line taller than the page: give up on the rest */
            return;
        break_page(g, f, r, 1);
    }
}

/* Height that must fit on the page for row r (h high, spans included) to be placed there: r and
 * the rows it keeps with (grid_row_keep_next) up to the first row that is not kept — of which a
 * row taller than a fresh page needs only three lines, being split anyway — plus f->tail when
 * that reaches the last row. `fresh`: body height of a fresh page. */
static float keep_need(const grid *g, const lay_flow *f, int r, float h, float fresh)
{
    int k = r;
    while (g->rows[k].keep && k + 1 < g->nrows) {
        float rh = g->rows[++k].h;
        h += rh <= fresh ? rh : 3 * g->size * LEADING + 2 * PADY;
    }
    return k == g->nrows - 1 ? h + f->tail : h;
}

/* What the first body row needs under the header on the page where the table starts: all of
 * it (and what it keeps with), or a third of a page of a row that splits anyway. */
static float first_need(const grid *g, const lay_flow *f, float fresh)
{
    if (g->nrows <= g->header_rows)
        return 0;
    float first = keep_need(g, f, g->header_rows, g->rows[g->header_rows].h, fresh);
    return first < fresh ? first : fresh / 3;
}

float grid_lead_height(grid *g, lay_flow *f)
{
    if (prepare(g, f) != 0)
        return 0;
    float head = header_height(g);
    return head + first_need(g, f, f->bottom - f->top - head);
}

int grid_place(grid *g, lay_flow *f)
{
    if (g->err[0]) {
        snprintf(f->err, sizeof f->err, "таблица: %.250s", g->err);
        return -1;
    }
    if (g->open || g->row_c0 != g->ncells)
        grid_row_end(g, GRID_ROW_BODY);
    if (prepare(g, f) != 0)
        return -1;
    float head = header_height(g), fresh = f->bottom - f->top - head;
    if (f->y + head + first_need(g, f, fresh) > f->bottom && f->y > f->top + 0.01f)
        f->new_page(f);
    draw_header(g, f);
    for (int r = g->header_rows; r < g->nrows; r++) {
        float need = span_need(g, r, f->y), h = g->rows[r].h > need ? g->rows[r].h : need;
        float body_top = f->top + head, kept = keep_need(g, f, r, h, fresh);
        if (kept > h && f->y + kept > f->bottom + 0.01f && f->y > body_top + 0.01f &&
            kept <= fresh) {
            /* a heading row goes on with the row it introduces; the last row with the
             * signature that follows the table */
            break_page(g, f, r, 0);
            need = span_need(g, r, f->y);
            h = g->rows[r].h > need ? g->rows[r].h : need;
        }
        if (f->y + h > f->bottom + 0.01f) {
            int fits_fresh = g->rows[r].h <= f->bottom - body_top;
            if (fits_fresh || f->bottom - f->y < 3 * g->size * LEADING) {
                if (f->y > body_top + 0.01f)
                    break_page(g, f, r, 0);
                need = span_need(g, r, f->y);
                h = g->rows[r].h > need ? g->rows[r].h : need;
            }
            if (!fits_fresh || f->y + h > f->bottom + 0.01f) {
                split_row(g, f, r);
                continue;
            }
        }
        draw_row(g, f, r, h);
    }
    return f->err[0] ? -1 : 0;
}
