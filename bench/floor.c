/* floor — the floor of the school-sheet benchmark: replays display lists (the glyph runs,
 * rectangles and paths of otchet's own sheets, extracted by bench/pdf_ops.py) into PDFs with no
 * layout and no Lua at all, through the same writer otchet uses (src/pdf.c: libharu for the
 * document, our font subsets and content operators): what is left is the cost of writing this
 * content as a PDF. Parsing the display lists happens before the clock starts.
 * Usage: floor OPS_FILE OUT_DIR [COMBINED_NAME]   prints "sheets=N seconds=S cpu=C pages=P bytes=B"
 * (C: CPU seconds of the process for the same work).
 * Uses pdf, pdfops, font. */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "floorkit.h"
#include "pdf.h"
#include "pdfpart.h"
#include "pdfops.h"

typedef struct replay {
    pdf_ctx *pdf;
    int first_page;            /* of the sheet being drawn, in the current document */
    dl_meta meta;
} replay;

static void die(const char *msg)
{
    dl_die("floor", msg);
}

static void begin_doc(replay *r)
{
    pdf_meta m = {r->meta.title, r->meta.author, r->meta.subject, NULL, "otchet floor", 0, 0, 0};
    if (pdf_begin(r->pdf, &m) != 0)
        die(pdf_error(r->pdf));
    r->first_page = 0;
}

/* Graphics operators go straight to the page's operator writer. */
static void draw_op(pdfops *o, const op *d)
{
    switch (d->kind) {
    case OP_G_FILL: pdfops_fill_gray(o, d->a[0]); break;
    case OP_G_STROKE: pdfops_stroke_gray(o, d->a[0]); break;
    case OP_W: pdfops_line_width(o, d->a[0]); break;
    case OP_DASH: pdfops_dash(o, d->nd > 0); break;
    case OP_RE: pdfops_rect(o, d->a[0], d->a[1], d->a[2], d->a[3]); break;
    case OP_M: pdfops_move(o, d->a[0], d->a[1]); break;
    case OP_L: pdfops_line(o, d->a[0], d->a[1]); break;
    case OP_C: pdfops_curve(o, d->a[0], d->a[1], d->a[2], d->a[3], d->a[4], d->a[5]); break;
    case OP_H: pdfops_close(o); break;
    case OP_F: pdfops_paint(o, "f"); break;
    case OP_S: pdfops_paint(o, "S"); break;
    case OP_B: pdfops_paint(o, "B"); break;
    case OP_N: pdfops_paint(o, "n"); break;
    case OP_CLIP: pdfops_paint(o, "W"); break;
    case OP_Q_SAVE: pdfops_save(o); break;
    case OP_Q_RESTORE: pdfops_restore(o); break;
    default: break;
    }
}

/* Draws one sheet's ops into the current document (appending its pages). */
static void draw(replay *r, const sheet *s)
{
    pdf_ctx *p = r->pdf;
    r->first_page = pdf_page_count(p);
    for (size_t i = 0; i < s->n; i++) {
        const op *o = &s->ops[i];
        float h = pdf_page_height(p);
        switch (o->kind) {
        case OP_PAGE: pdf_add_page(p, o->a[0] > o->a[1]); break;
        case OP_TEXT:
            pdf_text(p, (font_face)o->face, o->a[0], o->a[1], h - o->a[2], o->text,
                     strlen(o->text));
            break;
        case OP_TEXT_UP:
            pdf_text_up(p, (font_face)o->face, o->a[0], o->a[1], h - o->a[2], o->text,
                        strlen(o->text));
            break;
        case OP_OUTLINE:
            pdf_bookmark(p, o->face, o->text, r->first_page + (int)o->a[0], h - o->a[1]);
            break;
        default: draw_op(pdf_page_ops(p), o);
        }
    }
}

/* Finishes the document and writes it to path. Returns its size. */
static size_t finish(replay *r, const char *path)
{
    unsigned char *data;
    size_t got;
    if (pdf_finish(r->pdf, &data, &got) != 0)
        die(pdf_error(r->pdf));
    dl_write_file(path, data, got);
    free(data);
    return got;
}

int main(int argc, char **argv)
{
    if (argc < 3)
        die("usage: floor OPS_FILE OUT_DIR [COMBINED_NAME]");
    replay r = {0};
    char err[PDF_ERRLEN];
    mallopt(M_TRIM_THRESHOLD, 64 << 20);   /* keep zlib's per-stream buffers: no page churn */
    mallopt(M_MMAP_THRESHOLD, 64 << 20);
    size_t n;
    sheet *sh = dl_read(argv[1], &n, &r.meta);
    r.pdf = pdf_open("fonts", err);
    if (!r.pdf)
        die(err);
    double t0 = dl_clock(CLOCK_MONOTONIC), c0 = dl_clock(CLOCK_PROCESS_CPUTIME_ID);
    size_t bytes = 0;
    int pages = 0;
    char path[4096];
    /* with a combined file, each sheet's pages are kept as a part and the combined file is
     * assembled from the parts, as otchet does: the floor draws nothing twice either */
    buf *parts = argc > 3 ? calloc(n ? n : 1, sizeof *parts) : NULL;
    for (size_t i = 0; i < n; i++) {
        if (parts)
            pdf_keep(r.pdf);
        begin_doc(&r);
        draw(&r, &sh[i]);
        snprintf(path, sizeof path, "%s/%s.pdf", argv[2], sh[i].id);
        bytes += finish(&r, path);
        if (parts && pdfpart_take(r.pdf, &parts[i]) != 0)
            die("no part kept");
        pages += sh[i].pages;
    }
    if (parts) {   /* the combined file: every sheet, each starting on an odd page */
        pdfpart_in *in = calloc(n ? n : 1, sizeof *in);
        for (size_t i = 0; i < n; i++)
            in[i] = (pdfpart_in){(const unsigned char *)parts[i].data, parts[i].len};
        pdf_meta m = {r.meta.title, r.meta.author, r.meta.subject, NULL, "otchet floor", 0, 0, 0};
        unsigned char *data;
        size_t len;
        int cpages;
        if (pdfpart_combine(r.pdf, &m, in, (int)n, 1, &data, &len, &cpages) != 0)
            die(pdf_error(r.pdf));
        snprintf(path, sizeof path, "%s/%s", argv[2], argv[3]);
        dl_write_file(path, data, len);
        free(data);
        for (size_t i = 0; i < n; i++)
            buf_free(&parts[i]);
        free(parts);
        free(in);
    }
    dl_commit();
    double t = dl_clock(CLOCK_MONOTONIC) - t0, cpu = dl_clock(CLOCK_PROCESS_CPUTIME_ID) - c0;
    printf("sheets=%zu seconds=%.6f cpu=%.6f pages=%d bytes=%zu\n", n, t, cpu, pages, bytes);
    pdf_close(r.pdf);
    return 0;
}
