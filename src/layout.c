/* layout — block list, pagination and drawing of documents; see layout.h.
 * Building appends blocks; lay_render walks them with a page cursor (flow). With a table of
 * contents the walk runs twice: a dry pass finds the headings' pages, the second one draws. */
#include "layout.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define INDENT PDF_MM(12.5)
#define COL_RIGHT 0.55f              /* right-column blocks start at 55 % of the width */
#define EXEC_SIZE 10.0f

typedef enum { B_PARA, B_SPLIT, B_SPACER, B_BREAK, B_SECTION, B_TABLE, B_CHART, B_TOC, B_PART,
               B_EXEC } bkind;

typedef struct block {
    bkind kind;
    para p, p2;              /* B_SPLIT: p at the left, p2 at the right */
    para_align align;
    float indent, col;       /* first-line indent; left offset as a share of the width */
    float before, after;     /* spacing, points */
    float size;              /* default size of runs */
    int level;               /* heading level, 0 = not a heading */
    int keep_next;           /* kept with the start of the next block (headings, captions) */
    int keep_prev;           /* kept with the end of the previous block (signature, executor) */
    char *title;             /* heading text on one line (bookmarks, contents); owned */
    int page;                /* heading: page it landed on (set by each pass) */
    grid *g;                 /* owned */
    chart *ch;               /* owned */
    float height;            /* chart / spacer, points */
    int landscape;
    lay_margins m;
} block;

struct lay_doc {
    pdf_ctx *pdf;
    hyph *hy;
    para_memo *memo;         /* borrowed, may be NULL */
    const font_set *fs;
    block *b;
    int nb, capb, open;
    float size, leading;
    int has_toc;
    int landscape0;
    lay_margins m0;
    char err[PDF_ERRLEN];
    /* render state */
    lay_flow f;
    int landscape, need_page;
    lay_margins m;
    para_layout L, L2;       /* scratch layouts */
    int part_pending;        /* the next page starts a part: on an odd page, numbered from 1 */
    int part_first;          /* index of the first page of the current part */
    int *pageno;             /* number printed on each page, 0 = none (blank or first page) */
    int npageno;
};

static const lay_margins GOST = {30, 15, 20, 20};

static void seterr(lay_doc *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void seterr(lay_doc *d, const char *fmt, ...)
{
    if (d->err[0])
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(d->err, sizeof d->err, fmt, ap);
    va_end(ap);
}

const char *lay_error(const lay_doc *d)
{
    return d->err;
}

lay_doc *lay_new(pdf_ctx *pdf, hyph *hy)
{
    lay_doc *d = calloc(1, sizeof *d);
    if (!d)
        return NULL;
    d->pdf = pdf;
    d->hy = hy;
    d->fs = pdf_fonts(pdf);
    d->size = 14;
    d->leading = 1.15f;
    d->m0 = GOST;
    return d;
}

void lay_set_memo(lay_doc *d, para_memo *m)
{
    d->memo = m;
}

static void block_free(block *b)
{
    para_free(&b->p);
    para_free(&b->p2);
    free(b->title);
    grid_free(b->g);
    chart_free(b->ch);
}

void lay_free(lay_doc *d)
{
    if (!d)
        return;
    for (int i = 0; i < d->nb; i++)
        block_free(&d->b[i]);
    free(d->b);
    free(d->pageno);
    para_layout_free(&d->L);
    para_layout_free(&d->L2);
    free(d);
}

static char *dupstr(const char *s)
{
    size_t n = strlen(s ? s : "") + 1;
    char *c = malloc(n);
    if (c)
        memcpy(c, s ? s : "", n);
    return c;
}

/* Appends a zeroed block of `kind`; NULL after an error. */
static block *add(lay_doc *d, bkind kind)
{
    if (d->err[0])
        return NULL;
    d->open = 0;
    if (d->nb == d->capb) {
        int cap = d->capb ? d->capb * 2 : 32;
        block *nb = realloc(d->b, (size_t)cap * sizeof *nb);
        if (!nb) {
            seterr(d, "нет памяти");
            return NULL;
        }
        d->b = nb;
        d->capb = cap;
    }
    block *b = &d->b[d->nb++];
    memset(b, 0, sizeof *b);
    b->kind = kind;
    b->size = d->size;
    return b;
}

void lay_set_size(lay_doc *d, float size, float leading)
{
    if (size > 0)
        d->size = size;
    if (leading > 0)
        d->leading = leading;
}

void lay_section(lay_doc *d, int landscape, const lay_margins *m)
{
    block *b = add(d, B_SECTION);
    if (!b)
        return;
    b->landscape = landscape;
    b->m = m ? *m : GOST;
    if (d->nb == 1) {              /* before any content: it sets up the first page */
        d->landscape0 = landscape;
        d->m0 = b->m;
    }
}

static font_face face_of(int bold, int italic)
{
    return (font_face)(FONT_SERIF + (bold ? 1 : 0) + (italic ? 2 : 0));
}

/* A paragraph block of one run; the building calls below use it for fixed pieces. Centred
 * lines (titles, the organisation) are not hyphenated. */
static block *text_block(lay_doc *d, para_align al, int bold, float size, const char *s)
{
    block *b = add(d, B_PARA);
    if (!b)
        return NULL;
    b->align = al;
    b->size = size;
    b->p.no_hyph = al == PARA_CENTER;
    para_add(&b->p, face_of(bold, 0), size, s, strlen(s));
    return b;
}

/* A copy of s on one line: line breaks and tabs become spaces (bookmarks, contents). */
static char *one_line(const char *s)
{
    char *c = dupstr(s);
    for (char *q = c; q && *q; q++)
        if (*q == '\n' || *q == '\r' || *q == '\t')
            *q = ' ';
    return c;
}

void lay_heading(lay_doc *d, int level, const char *text)
{
    level = level < 1 ? 1 : level > 3 ? 3 : level;
    block *b = text_block(d, level == 1 ? PARA_CENTER : PARA_LEFT, 1, d->size, text);
    if (!b)
        return;
    b->level = level;
    b->keep_next = 1;
    b->p.no_hyph = 1;                   /* headings are never hyphenated */
    b->title = one_line(text);
    b->indent = level == 1 ? 0 : INDENT;
    b->before = level == 1 ? d->size : d->size * 0.7f;
    b->after = d->size * 0.5f;
    if (level == 3) {
        b->p.runs[0].face = FONT_SERIF_BOLD_ITALIC;
    }
    if (!b->title)
        seterr(d, "нет памяти");
}

void lay_para_begin(lay_doc *d, para_align align, int indent)
{
    block *b = add(d, B_PARA);
    if (!b)
        return;
    b->align = align;
    b->indent = indent ? INDENT : 0;
    b->p.no_hyph = align == PARA_CENTER;
    d->open = 1;
}

void lay_keep_with_next(lay_doc *d)
{
    if (!d->err[0] && d->nb > 0)
        d->b[d->nb - 1].keep_next = 1;
}

void lay_run_sized(lay_doc *d, int bold, int italic, float size, const char *text)
{
    if (d->err[0])
        return;
    if (!d->open) {
        seterr(d, "lay_run вне абзаца");
        return;
    }
    block *b = &d->b[d->nb - 1];
    para_add(&b->p, face_of(bold, italic), size > 0 ? size : b->size, text, strlen(text));
}

void lay_run(lay_doc *d, int bold, int italic, const char *text)
{
    lay_run_sized(d, bold, italic, 0, text);
}

void lay_para_end(lay_doc *d)
{
    d->open = 0;
}

void lay_text(lay_doc *d, const char *text)
{
    lay_para_begin(d, PARA_JUSTIFY, 1);
    lay_run(d, 0, 0, text);
    lay_para_end(d);
}

void lay_item_begin(lay_doc *d, const int *numbers, int depth)
{
    char label[64] = "–";
    if (numbers && depth > 0) {
        size_t n = 0;
        for (int i = 0; i < depth && n < sizeof label - 12; i++)
            n += (size_t)snprintf(label + n, sizeof label - n, "%d.", numbers[i]);
    }
    lay_para_begin(d, PARA_JUSTIFY, 1);
    lay_run(d, 0, 0, label);
    lay_run(d, 0, 0, " ");
}

void lay_spacer(lay_doc *d, float mm)
{
    block *b = add(d, B_SPACER);
    if (b)
        b->height = PDF_MM(mm);
}

void lay_page_break(lay_doc *d)
{
    add(d, B_BREAK);
}

void lay_approval(lay_doc *d, const char *position, const char *name, const char *date)
{
    char line[512];
    block *b = text_block(d, PARA_LEFT, 0, d->size, "УТВЕРЖДАЮ\n");
    if (!b)
        return;
    b->col = COL_RIGHT;
    b->p.no_hyph = 1;
    b->after = d->size;
    para_add(&b->p, FONT_SERIF, d->size, position, strlen(position));
    snprintf(line, sizeof line, "\n_______________ %s\n%s", name, date ? date : "");
    para_add(&b->p, FONT_SERIF, d->size, line, strlen(line));
}

void lay_appendix_mark(lay_doc *d, const char *text)
{
    block *b = text_block(d, PARA_LEFT, 0, d->size - 2 > 10 ? d->size - 2 : 10, text);
    if (!b)
        return;
    b->col = COL_RIGHT;                 /* the right 45 % of the text width, wrapped there */
    b->p.no_hyph = 1;
    b->after = d->size;
}

static block *split_block(lay_doc *d, const char *left, const char *right, float size)
{
    block *b = add(d, B_SPLIT);
    if (!b)
        return NULL;
    b->size = size;
    para_add(&b->p, FONT_SERIF, size, left, strlen(left));
    para_add(&b->p2, FONT_SERIF, size, right, strlen(right));
    return b;
}

void lay_requisites(lay_doc *d, const char *org, const char *details, const char *kind,
                    const char *date, const char *number, const char *place)
{
    char num[128];
    block *b = text_block(d, PARA_CENTER, 1, d->size, org);
    if (b && details && *details) {
        b = text_block(d, PARA_CENTER, 0, 10, details);
        if (b)
            b->before = 4;
    }
    b = text_block(d, PARA_CENTER, 1, d->size + 2, kind ? kind : "ПРИКАЗ");
    if (b)
        b->before = b->after = d->size;
    snprintf(num, sizeof num, "№ %s", number ? number : "");
    split_block(d, date ? date : "", num, d->size);
    if (place && *place) {
        b = text_block(d, PARA_CENTER, 0, d->size - 2, place);
        if (b)
            b->before = 4;
    }
    lay_spacer(d, 6);
}

void lay_signature(lay_doc *d, const char *position, const char *name)
{
    block *b = split_block(d, position, name, d->size);
    if (!b)
        return;
    b->before = d->size * 2;
    b->keep_prev = 1;
}

void lay_executor(lay_doc *d, const char *text)
{
    block *b = add(d, B_EXEC);
    if (!b)
        return;
    b->keep_prev = 1;
    para_add(&b->p, FONT_SERIF, EXEC_SIZE, text, strlen(text));
}

void lay_part(lay_doc *d)
{
    add(d, B_PART);
}

void lay_toc(lay_doc *d, const char *title)
{
    block *b = add(d, B_TOC);
    if (!b)
        return;
    b->title = dupstr(title ? title : "Содержание");
    d->has_toc = 1;
}

void lay_table(lay_doc *d, grid *g)
{
    block *b = add(d, B_TABLE);
    if (!b) {
        grid_free(g);
        return;
    }
    b->g = g;
    b->before = b->after = d->size * 0.5f;
}

void lay_chart(lay_doc *d, const chart_spec *spec, float height_mm)
{
    block *b = add(d, B_CHART);
    if (!b)
        return;
    b->ch = chart_new(spec);
    b->height = PDF_MM(height_mm > 0 ? height_mm : 80);
    b->before = b->after = d->size * 0.5f;
    if (!b->ch)
        seterr(d, "диаграмма: неверное описание (категории, ряды, значения) или нет памяти");
}

/* ---- rendering ---------------------------------------------------------------------------- */

/* Remembers the number page `page` prints (0 = none). */
static void set_pageno(lay_doc *d, int page, int number)
{
    if (page >= d->npageno) {
        int n = d->npageno ? d->npageno * 2 : 64;
        while (n <= page)
            n *= 2;
        int *p = realloc(d->pageno, (size_t)n * sizeof *p);
        if (!p) {
            seterr(d, "нет памяти");
            return;
        }
        memset(p + d->npageno, 0, (size_t)(n - d->npageno) * sizeof *p);
        d->pageno = p;
        d->npageno = n;
    }
    d->pageno[page] = number;
}

static void start_page(lay_doc *d)
{
    lay_flow *f = &d->f;
    float pw = d->landscape ? 841.89f : 595.276f, ph = d->landscape ? 595.276f : 841.89f;
    if (d->part_pending) {
        /* a part starts on a right-hand (odd) page: duplex printing never puts two parts on
         * one sheet of paper; the blank back side carries no number */
        if ((f->page + 1) % 2 == 1) {
            f->page++;
            if (f->draw)
                pdf_add_page(d->pdf, d->landscape);
            set_pageno(d, f->page, 0);
        }
        d->part_first = f->page + 1;
        d->part_pending = 0;
    }
    f->page++;
    if (f->draw)
        pdf_add_page(d->pdf, d->landscape);
    int number = f->page - d->part_first + 1;
    set_pageno(d, f->page, number >= 2 ? number : 0);
    f->x = PDF_MM(d->m.left);
    f->width = pw - PDF_MM(d->m.left) - PDF_MM(d->m.right);
    f->top = PDF_MM(d->m.top);
    f->bottom = ph - PDF_MM(d->m.bottom);
    f->y = f->top;
    d->need_page = 0;
}

static void flow_new_page(lay_flow *f)
{
    start_page(f->owner);
}

static void ensure_page(lay_doc *d)
{
    if (d->need_page || d->f.page < 0)
        start_page(d);
}

static int at_top(const lay_doc *d)
{
    return d->f.y <= d->f.top + 0.01f;
}

static int brk(lay_doc *d, const para *p, float width, float indent, para_align al,
               para_layout *L)
{
    char err[PARA_ERRLEN];
    if (para_break_memo(d->memo, p, d->fs, d->hy, width, indent, al, d->leading, L, err) != 0) {
        seterr(d, "%s", err);
        return -1;
    }
    return 0;
}

/* Sum of the heights of lines [from, to) of L. */
static float lines_height(const para_layout *L, int from, int to)
{
    float h = 0;
    for (int i = from; i < to && i < L->nlines; i++)
        h += L->lines[i].height;
    return h;
}

/* Height of the start of block i that must share a page with what keeps it (a heading, a
 * caption): a paragraph's first two lines as place_lines will place them (all of it when it
 * has at most four), a table's header and first rows, a whole chart; through spacers, and
 * through headings and captions to what they keep in turn. `depth` bounds the chain. */
static float lead_height(lay_doc *d, int i, int depth)
{
    if (i >= d->nb || depth > 8)
        return 0;
    block *b = &d->b[i];
    float w = d->f.width * (1 - b->col), h;
    switch (b->kind) {
    case B_PARA:
        if (brk(d, &b->p, w, b->indent, b->align, &d->L2) != 0)
            return 0;
        if (b->keep_next || d->L2.nlines <= 4)
            h = d->L2.height;
        else
            h = lines_height(&d->L2, 0, 2);
        if (b->keep_next)
            h += b->after + lead_height(d, i + 1, depth + 1);
        return b->before + h;
    case B_SPACER:
        return b->height + lead_height(d, i + 1, depth + 1);
    case B_TABLE:
        return b->before + grid_lead_height(b->g, &d->f);
    case B_CHART:
        return b->before + b->height;
    default:
        return 0;
    }
}

/* Height of a block kept with the end of the one before it (signature, executor note). */
static float kept_height(lay_doc *d, block *b)
{
    if (b->kind == B_EXEC)
        return brk(d, &b->p, d->f.width * 0.6f, 0, PARA_LEFT, &d->L2) == 0
                   ? d->L2.height + EXEC_SIZE : 0;
    if (brk(d, &b->p, d->f.width * 0.6f, 0, PARA_LEFT, &d->L2) != 0)
        return 0;
    float h = d->L2.height;
    if (brk(d, &b->p2, d->f.width * 0.4f, 0, PARA_RIGHT, &d->L2) != 0)
        return 0;
    return b->before + (d->L2.height > h ? d->L2.height : h);
}

/* Height the blocks after block i need on the page where block i ends: the start of the next
 * block when i keeps with it (heading, caption), or the signature and the executor note (and
 * the spacers between) that keep with the end of i. 0 = none. */
static float tail_height(lay_doc *d, int i)
{
    block *b = &d->b[i];
    if (b->keep_next)
        return b->after + lead_height(d, i + 1, 0);
    float t = 0, gap = 0;
    for (int k = i + 1; k < d->nb; k++) {
        block *n = &d->b[k];
        if (n->kind == B_SPACER) {
            gap += n->height;
            continue;
        }
        if (!n->keep_prev)
            break;
        t += gap + kept_height(d, n);
        gap = 0;
    }
    return t > 0 ? b->after + t : 0;
}

/* Places lines of L (paragraph p) at x, w; splits over pages keeping >= 2 lines on each side.
 * `tail`: height that must follow the last line on its page (tail_height); the last two lines
 * go on to the next page with it when it does not fit, or the whole paragraph when it is
 * short or `whole` (a heading). A tail that no page could hold with them is ignored. */
static void place_lines(lay_doc *d, const para *p, const para_layout *L, float x, float w,
                        float tail, int whole)
{
    lay_flow *f = &d->f;
    int i = 0, n = L->nlines;
    ensure_page(d);
    if (tail > 0 && tail + lines_height(L, whole || n < 2 ? 0 : n - 2, n) > f->bottom - f->top)
        tail = 0;
    while (i < n && !d->err[0]) {
        ensure_page(d);
        float room = f->bottom - f->y, h = 0;
        int k = i;
        while (k < n && h + L->lines[k].height <= room + 0.01f)
            h += L->lines[k++].height;
        if (k == n && tail > 0 && h + tail > room + 0.01f) {
            if (!whole && n - 2 - i >= 2) {
                k = n - 2;                     /* the last two lines go on with the tail */
            } else if (!at_top(d) && lines_height(L, i, n) + tail <= f->bottom - f->top) {
                start_page(d);                 /* all of it goes on with the tail */
                continue;
            }
        }
        if (k < n) {
            if (n - k < 2)
                k = n - 2;                     /* no widow: pull a line over */
            if (k - i < 2 && !at_top(d)) {     /* no orphan: all of it to the next page */
                start_page(d);
                continue;
            }
            if (k <= i)
                k = i + 1;
        }
        if (f->draw)
            para_draw(p, L, d->pdf, x, f->y, w, i, k);
        f->y += lines_height(L, i, k);
        if (k < n)
            start_page(d);
        i = k;
    }
}

/* How many lines of L end with a hyphen. */
static int hyphens(const para_layout *L)
{
    int n = 0;
    for (int i = 0; i < L->nfrags; i++)
        n += L->frags[i].hyphen;
    return n;
}

/* Breaks a centred paragraph of several lines (a title, a heading) into lines of even length:
 * the narrowest width that gives as many lines as `w` does, found by bisection (the lines are
 * still centred in w). «…образовательными / результатами и плана мероприятий по повышению /
 * качества образования в них», not a last line of two words. Leaves d->L broken. */
static int brk_balanced(lay_doc *d, const block *b, float w)
{
    if (brk(d, &b->p, w, b->indent, b->align, &d->L) != 0)
        return -1;
    if (b->align != PARA_CENTER || d->L.nlines < 2 || d->L.nlines > 6)
        return 0;
    int n = d->L.nlines, hy = hyphens(&d->L);
    float lo = w / 2, hi = w;                 /* hi always gives n lines, no more hyphens */
    for (int k = 0; k < 8 && hi - lo > 2; k++) {
        float mid = (lo + hi) / 2;
        if (brk(d, &b->p, mid, b->indent, b->align, &d->L) != 0)
            return -1;
        if (d->L.nlines == n && hyphens(&d->L) <= hy)
            hi = mid;
        else
            lo = mid;
    }
    return brk(d, &b->p, hi, b->indent, b->align, &d->L);
}

static void place_para(lay_doc *d, int i)
{
    block *b = &d->b[i];
    lay_flow *f = &d->f;
    ensure_page(d);
    float x = f->x + f->width * b->col, w = f->width * (1 - b->col);
    float tail = tail_height(d, i);
    if (brk_balanced(d, b, w) != 0)
        return;
    if (!at_top(d))
        f->y += b->before;
    if (b->level > 0 && !at_top(d) && f->y + d->L.height + tail > f->bottom &&
        d->L.height + tail <= f->bottom - f->top)
        start_page(d);                         /* the heading goes on with what follows */
    if (b->level > 0) {
        b->page = f->page;
        if (f->draw)
            pdf_bookmark(d->pdf, b->level, b->title, f->page, f->y);
    }
    place_lines(d, &b->p, &d->L, x, w, tail, b->level > 0);
    f->y += b->after;
}

/* Left text wrapped in 60 % of the width; right text on the baseline of its last line. A
 * signature goes to a new page with the executor note when they do not fit together (the
 * block before has kept room for both, unless it could not). */
static void place_split(lay_doc *d, int i)
{
    block *b = &d->b[i];
    lay_flow *f = &d->f;
    ensure_page(d);
    float tail = tail_height(d, i);
    if (brk(d, &b->p, f->width * 0.6f, 0, PARA_LEFT, &d->L) != 0 ||
        brk(d, &b->p2, f->width * 0.4f, 0, PARA_RIGHT, &d->L2) != 0)
        return;
    float h = d->L.height > d->L2.height ? d->L.height : d->L2.height;
    if (!at_top(d))
        f->y += b->before;
    if (f->y + h + tail > f->bottom && !at_top(d))
        start_page(d);
    if (f->draw) {
        para_draw(&b->p, &d->L, d->pdf, f->x, f->y, f->width * 0.6f, 0, d->L.nlines);
        float y2 = f->y + d->L.height - d->L2.height;
        para_draw(&b->p2, &d->L2, d->pdf, f->x + f->width * 0.6f, y2, f->width * 0.4f, 0,
                  d->L2.nlines);
    }
    f->y += h + b->after;
}

/* A chart never splits: it goes to the next page when it (and what keeps with it) does not
 * fit; a chart taller than a page is cut to the page. */
static void place_chart(lay_doc *d, int i)
{
    block *b = &d->b[i];
    lay_flow *f = &d->f;
    char err[PDF_ERRLEN];
    ensure_page(d);
    float tail = tail_height(d, i);
    if (b->height + tail > f->bottom - f->top)
        tail = 0;
    if (!at_top(d))
        f->y += b->before;
    if (f->y + b->height + tail > f->bottom && !at_top(d))
        start_page(d);
    float h = b->height < f->bottom - f->y ? b->height : f->bottom - f->y;
    if (f->draw && chart_draw(b->ch, d->pdf, d->fs, d->hy, f->x, f->y, f->width, h, err) != 0)
        seterr(d, "%s", err);
    f->y += h + b->after;
}

static void place_table(lay_doc *d, int i)
{
    block *b = &d->b[i];
    lay_flow *f = &d->f;
    ensure_page(d);
    f->tail = tail_height(d, i);
    if (!at_top(d))
        f->y += b->before;
    if (grid_place(b->g, f) != 0)
        seterr(d, "%s", f->err);
    f->tail = 0;
    f->y += b->after;
}

/* One contents line: entry text, dot leaders, page number at the right margin. */
static void toc_entry(lay_doc *d, const block *h)
{
    lay_flow *f = &d->f;
    char num[16];
    float numw = 28, left = h->level > 1 ? INDENT : 0, w = f->width - numw - left;
    para p = PARA_INIT;
    para_add(&p, FONT_SERIF, d->size, h->title, strlen(h->title));
    if (brk(d, &p, w, 0, PARA_LEFT, &d->L2) == 0) {
        place_lines(d, &p, &d->L2, f->x + left, w, 0, 0);
        const para_line *last = &d->L2.lines[d->L2.nlines - 1];
        float base = f->y - last->height + para_baseline(last);
        snprintf(num, sizeof num, "%d", d->f.draw ? h->page + 1 : 0);
        float nw = font_text_width(d->fs, FONT_SERIF, d->size, num, strlen(num));
        float dw = font_text_width(d->fs, FONT_SERIF, d->size, ".", 1);
        float x0 = f->x + left + last->width + 4, x1 = f->x + f->width - nw - 4;
        char dots[400];
        int n = dw > 0 ? (int)((x1 - x0) / dw) : 0;
        n = n < 0 ? 0 : n > 399 ? 399 : n;
        memset(dots, '.', (size_t)n);
        if (f->draw) {
            pdf_text(d->pdf, FONT_SERIF, d->size, x1 - (float)n * dw, base, dots, (size_t)n);
            pdf_text(d->pdf, FONT_SERIF, d->size, f->x + f->width - nw, base, num, strlen(num));
        }
    }
    para_free(&p);
}

static void place_toc(lay_doc *d, block *b)
{
    para p = PARA_INIT;
    ensure_page(d);
    para_add(&p, FONT_SERIF_BOLD, d->size, b->title, strlen(b->title));
    if (brk(d, &p, d->f.width, 0, PARA_CENTER, &d->L) == 0) {
        place_lines(d, &p, &d->L, d->f.x, d->f.width, 0, 0);
        d->f.y += d->size * 0.5f;
    }
    para_free(&p);
    for (int i = 0; i < d->nb && !d->err[0]; i++)
        if (d->b[i].level > 0 && d->b[i].level <= 2)
            toc_entry(d, &d->b[i]);
    d->f.y += d->size;
}

/* The executor note sits at the bottom of the page it ends (the last page of its document). */
static void place_executor(lay_doc *d, block *b)
{
    lay_flow *f = &d->f;
    ensure_page(d);
    if (brk(d, &b->p, f->width * 0.6f, 0, PARA_LEFT, &d->L) == 0) {
        if (f->y + d->L.height + EXEC_SIZE > f->bottom)
            start_page(d);
        if (f->draw)
            para_draw(&b->p, &d->L, d->pdf, f->x, f->bottom - d->L.height, f->width, 0,
                      d->L.nlines);
        f->y = f->bottom;
    }
}

static void place_block(lay_doc *d, int i)
{
    block *b = &d->b[i];
    lay_flow *f = &d->f;
    switch (b->kind) {
    case B_SECTION:
        d->landscape = b->landscape;
        d->m = b->m;
        d->need_page = 1;
        break;
    case B_BREAK:
        d->need_page = 1;
        break;
    case B_SPACER:
        if (f->page >= 0 && !d->need_page && !at_top(d))
            f->y += b->height;
        break;
    case B_PARA:
        place_para(d, i);
        break;
    case B_SPLIT:
        place_split(d, i);
        break;
    case B_TABLE:
        place_table(d, i);
        break;
    case B_CHART:
        place_chart(d, i);
        break;
    case B_TOC:
        place_toc(d, b);
        break;
    case B_PART:
        d->need_page = 1;
        d->part_pending = f->page >= 0;
        break;
    case B_EXEC:
        place_executor(d, b);
        break;
    }
}

static void run_pass(lay_doc *d, int draw)
{
    memset(&d->f, 0, sizeof d->f);
    d->f.pdf = d->pdf;
    d->f.fs = d->fs;
    d->f.hy = d->hy;
    d->f.memo = d->memo;
    d->f.draw = draw;
    d->f.page = -1;
    d->f.owner = d;
    d->f.new_page = flow_new_page;
    d->landscape = d->landscape0;
    d->m = d->m0;
    d->need_page = 1;
    d->part_pending = 0;
    d->part_first = 0;
    for (int i = 0; i < d->nb && !d->err[0]; i++)
        place_block(d, i);
    if (d->f.page < 0)
        start_page(d);
}

/* Page numbers centred in the top margin from the second page (of each part) on. */
static void page_numbers(lay_doc *d)
{
    int n = pdf_page_count(d->pdf);
    for (int i = 1; i < n && i < d->npageno; i++) {
        if (d->pageno[i] < 2)
            continue;
        char num[16];
        snprintf(num, sizeof num, "%d", d->pageno[i]);
        pdf_goto_page(d->pdf, i);
        float w = font_text_width(d->fs, FONT_SERIF, 12, num, strlen(num));
        pdf_text(d->pdf, FONT_SERIF, 12, (pdf_page_width(d->pdf) - w) / 2, PDF_MM(11), num,
                 strlen(num));
    }
}

int lay_render(lay_doc *d, const pdf_meta *meta, unsigned char **out, size_t *len, int *pages)
{
    *out = NULL;
    *len = 0;
    if (pages)
        *pages = 0;
    if (d->has_toc && !d->err[0])
        run_pass(d, 0);
    if (d->err[0])
        return -1;
    if (pdf_begin(d->pdf, meta) != 0) {
        seterr(d, "%s", pdf_error(d->pdf));
        return -1;
    }
    run_pass(d, 1);
    if (!d->err[0])
        page_numbers(d);
    if (d->err[0] || pdf_failed(d->pdf)) {
        seterr(d, "%s", pdf_error(d->pdf));
        return -1;
    }
    if (pages)
        *pages = pdf_page_count(d->pdf);
    if (pdf_finish(d->pdf, out, len) != 0) {
        seterr(d, "%s", pdf_error(d->pdf));
        return -1;
    }
    return 0;
}
