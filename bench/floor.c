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

#include "fsx.h"
#include "pdf.h"
#include "pdfpart.h"
#include "pdfops.h"

typedef enum {
    OP_TEXT, OP_TEXT_UP, OP_G_FILL, OP_G_STROKE, OP_W, OP_DASH, OP_RE, OP_M,
    OP_L, OP_C, OP_H, OP_F, OP_S, OP_B, OP_N, OP_CLIP, OP_Q_SAVE, OP_Q_RESTORE, OP_PAGE,
    OP_OUTLINE
} op_kind;

typedef struct op {
    op_kind kind;
    int face;        /* TEXT: font face; OUTLINE: level; PAGE: unused */
    float a[6];      /* operands; TEXT: size, x, y (PDF coordinates) */
    int nd;          /* DASH: number of entries in a[0..] (a[5] = phase) */
    char *text;      /* TEXT: UTF-8 text; OUTLINE: title (owned) */
} op;

typedef struct sheet {
    char *id;        /* school id (file name) */
    op *ops;
    size_t n, cap;
    int pages;
} sheet;

typedef struct replay {
    pdf_ctx *pdf;
    int first_page;            /* of the sheet being drawn, in the current document */
    char title[512], author[512], subject[512];
} replay;

static double clock_s(clockid_t which)
{
    struct timespec t;
    clock_gettime(which, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static double now_s(void)
{
    return clock_s(CLOCK_MONOTONIC);
}

static void die(const char *msg)
{
    fprintf(stderr, "floor: %s\n", msg);
    exit(1);
}

static op *push(sheet *s, op_kind k)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 256;
        s->ops = realloc(s->ops, s->cap * sizeof *s->ops);
        if (!s->ops)
            die("out of memory");
    }
    op *o = &s->ops[s->n++];
    memset(o, 0, sizeof *o);
    o->kind = k;
    return o;
}

static int face_of(const char *label)
{
    for (int f = 0; f < FONT_NFACES; f++)
        if (strcmp(font_face_label((font_face)f), label) == 0)
            return f;
    return -1;
}

/* The text after the n-th space-separated token of line (the rest of the line, verbatim). */
static char *rest_after(char *line, int n)
{
    char *p = line;
    for (int i = 0; i < n && p; i++) {
        p = strchr(p, ' ');
        if (p)
            p++;
    }
    return p ? p : line + strlen(line);
}

/* Reads the display lists: "D id" starts a sheet, "M key text" metadata, then one op a line. */
static sheet *read_ops(const char *path, size_t *nsheets, replay *r)
{
    FILE *fp = fopen(path, "r");
    if (!fp)
        die("cannot open the display lists");
    sheet *sh = NULL;
    size_t n = 0, cap = 0;
    char *line = NULL;
    size_t lcap = 0;
    ssize_t len;
    while ((len = getline(&line, &lcap, fp)) > 0) {
        if (line[len - 1] == '\n')
            line[--len] = '\0';
        char k[8] = "";
        sscanf(line, "%7s", k);
        if (strcmp(k, "D") == 0) {
            if (n == cap) {
                cap = cap ? cap * 2 : 64;
                sh = realloc(sh, cap * sizeof *sh);
            }
            memset(&sh[n], 0, sizeof sh[n]);
            sh[n++].id = strdup(rest_after(line, 1));
            continue;
        }
        if (strcmp(k, "M") == 0) {
            char key[16] = "";
            sscanf(line, "M %15s", key);
            char *v = rest_after(line, 2);
            snprintf(strcmp(key, "title") == 0 ? r->title : strcmp(key, "author") == 0 ? r->author
                                                                                   : r->subject,
                     sizeof r->title, "%s", v);
            continue;
        }
        if (n == 0)
            die("display list without a D line");
        sheet *s = &sh[n - 1];
        op *o;
        if (strcmp(k, "P") == 0) {
            o = push(s, OP_PAGE);
            sscanf(line, "P %f %f", &o->a[0], &o->a[1]);
            s->pages++;
        } else if (strcmp(k, "T") == 0 || strcmp(k, "U") == 0) {  /* T face size x y text */
            char label[64];
            o = push(s, k[0] == 'T' ? OP_TEXT : OP_TEXT_UP);
            if (sscanf(line + 2, "%63s %f %f %f", label, &o->a[0], &o->a[1], &o->a[2]) != 4 ||
                (o->face = face_of(label)) < 0)
                die("unknown font face in display list");
            o->text = strdup(rest_after(line, 5));
        } else if (strcmp(k, "g") == 0 || strcmp(k, "G") == 0 || strcmp(k, "w") == 0) {
            o = push(s, k[0] == 'g' ? OP_G_FILL : k[0] == 'G' ? OP_G_STROKE : OP_W);
            sscanf(line + 2, "%f", &o->a[0]);
        } else if (strcmp(k, "d") == 0) {  /* d phase n v1 … vn */
            o = push(s, OP_DASH);
            int off = 0, used = 0;
            sscanf(line + 2, "%f %d%n", &o->a[5], &o->nd, &off);
            if (o->nd > 5)
                o->nd = 5;
            for (int i = 0; i < o->nd; i++, off += used)
                sscanf(line + 2 + off, "%f%n", &o->a[i], &used);
        } else if (strcmp(k, "re") == 0) {
            o = push(s, OP_RE);
            sscanf(line, "re %f %f %f %f", &o->a[0], &o->a[1], &o->a[2], &o->a[3]);
        } else if (strcmp(k, "m") == 0 || strcmp(k, "l") == 0) {
            o = push(s, k[0] == 'm' ? OP_M : OP_L);
            sscanf(line + 2, "%f %f", &o->a[0], &o->a[1]);
        } else if (strcmp(k, "c") == 0) {
            o = push(s, OP_C);
            sscanf(line, "c %f %f %f %f %f %f", &o->a[0], &o->a[1], &o->a[2], &o->a[3], &o->a[4],
                   &o->a[5]);
        } else if (strcmp(k, "h") == 0 || strcmp(k, "f") == 0 || strcmp(k, "S") == 0 ||
                   strcmp(k, "B") == 0 || strcmp(k, "n") == 0 || strcmp(k, "W") == 0 ||
                   strcmp(k, "q") == 0 || strcmp(k, "Q") == 0) {
            static const char names[] = "hfSBnWqQ";
            static const op_kind kinds[] = {OP_H, OP_F, OP_S, OP_B, OP_N, OP_CLIP, OP_Q_SAVE,
                                            OP_Q_RESTORE};
            push(s, kinds[strchr(names, k[0]) - names]);
        } else if (strcmp(k, "O") == 0) {  /* O level page y title */
            o = push(s, OP_OUTLINE);
            int page;
            sscanf(line, "O %d %d %f", &o->face, &page, &o->a[1]);
            o->a[0] = (float)page;
            o->text = strdup(rest_after(line, 4));
        } else {
            fprintf(stderr, "floor: unknown op '%s'\n", k);
            exit(1);
        }
    }
    free(line);
    fclose(fp);
    *nsheets = n;
    return sh;
}

static void begin_doc(replay *r)
{
    pdf_meta m = {r->title, r->author, r->subject, NULL, "otchet floor", 0, 0, 0};
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

/* Files are written as otchet writes them: staged, and committed (one sync, then the
 * renames) every 32 files and at the end. */
static fsx_batch staged;

static void commit_files(void)
{
    char err[FSX_ERRLEN];
    if (fsx_commit(&staged, err) != 0)
        die(err);
    fsx_batch_clear(&staged);
}

static void write_file(const char *path, const unsigned char *data, size_t len)
{
    char err[FSX_ERRLEN];
    if (fsx_stage(&staged, path, data, len, err) != 0)
        die(err);
    if (staged.n == 32)
        commit_files();
}

/* Finishes the document and writes it to path. Returns its size. */
static size_t finish(replay *r, const char *path)
{
    unsigned char *data;
    size_t got;
    if (pdf_finish(r->pdf, &data, &got) != 0)
        die(pdf_error(r->pdf));
    write_file(path, data, got);
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
    sheet *sh = read_ops(argv[1], &n, &r);
    r.pdf = pdf_open("fonts", err);
    if (!r.pdf)
        die(err);
    double t0 = now_s(), c0 = clock_s(CLOCK_PROCESS_CPUTIME_ID);
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
        pdf_meta m = {r.title, r.author, r.subject, NULL, "otchet floor", 0, 0, 0};
        unsigned char *data;
        size_t len;
        int cpages;
        if (pdfpart_combine(r.pdf, &m, in, (int)n, 1, &data, &len, &cpages) != 0)
            die(pdf_error(r.pdf));
        snprintf(path, sizeof path, "%s/%s", argv[2], argv[3]);
        write_file(path, data, len);
        free(data);
        for (size_t i = 0; i < n; i++)
            buf_free(&parts[i]);
        free(parts);
        free(in);
    }
    commit_files();
    double t = now_s() - t0, cpu = clock_s(CLOCK_PROCESS_CPUTIME_ID) - c0;
    printf("sheets=%zu seconds=%.6f cpu=%.6f pages=%d bytes=%zu\n", n, t, cpu, pages, bytes);
    pdf_close(r.pdf);
    return 0;
}
