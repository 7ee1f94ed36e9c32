/* floor — the libharu floor of the school-sheet benchmark: replays display lists (the glyph
 * runs, rectangles and paths of otchet's own sheets, extracted by bench/pdf_ops.py) into PDFs
 * with no layout at all. Fonts are the project's subsets loaded once through src/font.c, text
 * is re-encoded per run in the same compact OTCHET-H encoding with the same ToUnicode map,
 * streams compressed, metadata and bookmarks written: what is left is the cost libharu itself
 * puts on this content. Parsing the display lists happens before the clock starts.
 * Usage: floor OPS_FILE OUT_DIR [COMBINED_NAME]   prints "sheets=N seconds=S pages=P bytes=B".
 * Uses font, buf, text, libharu (incl. internal headers, for the ToUnicode stream). */
#include <hpdf.h>
#include <hpdf_doc.h>
#include <hpdf_objects.h>
#include <hpdf_streams.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "font.h"

typedef enum {
    OP_BT, OP_ET, OP_TF, OP_TD, OP_TJ, OP_G_FILL, OP_G_STROKE, OP_W, OP_DASH, OP_RE, OP_M,
    OP_L, OP_C, OP_H, OP_F, OP_S, OP_B, OP_N, OP_CLIP, OP_Q_SAVE, OP_Q_RESTORE, OP_PAGE,
    OP_OUTLINE
} op_kind;

typedef struct op {
    op_kind kind;
    int face;        /* TF: font face; OUTLINE: level; PAGE: unused */
    float a[6];      /* operands */
    int nd;          /* DASH: number of entries in a[0..] (a[5] = phase) */
    char *text;      /* TJ: UTF-8 text; OUTLINE: title (owned) */
} op;

typedef struct sheet {
    char *id;        /* school id (file name) */
    op *ops;
    size_t n, cap;
    int pages;
} sheet;

typedef struct replay {
    font_set *fs;
    HPDF_Doc h;
    HPDF_Font font[FONT_NFACES];
    font_usage used;
    buf enc;
    HPDF_Page *pages;          /* of the current document, for bookmarks */
    int npages, cappages;
    HPDF_Outline parent[5];
    int failed;
    char title[512], author[512], subject[512];
} replay;

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void on_error(void *user, unsigned long code, unsigned long detail)
{
    replay *r = user;
    if (!r->failed)
        fprintf(stderr, "floor: libharu error 0x%04lX (%lu)\n", code, detail);
    r->failed = 1;
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
        } else if (strcmp(k, "BT") == 0) {
            push(s, OP_BT);
        } else if (strcmp(k, "ET") == 0) {
            push(s, OP_ET);
        } else if (strcmp(k, "Tf") == 0) {
            char label[64];
            o = push(s, OP_TF);
            if (sscanf(line, "Tf %63s %f", label, &o->a[0]) != 2 || (o->face = face_of(label)) < 0)
                die("unknown font face in display list");
        } else if (strcmp(k, "Td") == 0) {
            o = push(s, OP_TD);
            sscanf(line, "Td %f %f", &o->a[0], &o->a[1]);
        } else if (strcmp(k, "Tj") == 0) {
            o = push(s, OP_TJ);
            o->text = strdup(rest_after(line, 1));
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

/* One ToUnicode stream shared by every font of the document, as src/pdf.c writes it. */
static void attach_tounicode(replay *r)
{
    HPDF_Dict cmap = NULL;
    buf text = BUF_INIT;
    for (int f = 0; f < FONT_NFACES; f++) {
        if (!r->font[f])
            continue;
        if (!cmap) {
            font_tounicode(r->fs, &r->used, &text);
            cmap = HPDF_DictStream_New(r->h->mmgr, r->h->xref);
            cmap->filter = HPDF_STREAM_FILTER_FLATE_DECODE;
            HPDF_Stream_Write(cmap->stream, (const HPDF_BYTE *)text.data, (HPDF_UINT)text.len);
        }
        HPDF_Dict_Add(r->font[f], "ToUnicode", cmap);
    }
    buf_free(&text);
}

static void begin_doc(replay *r)
{
    if (HPDF_NewDoc(r->h) != HPDF_OK)
        die("HPDF_NewDoc failed");
    memset(r->font, 0, sizeof r->font);
    memset(&r->used, 0, sizeof r->used);
    memset(r->parent, 0, sizeof r->parent);
    r->npages = 0;
    HPDF_SetCompressionMode(r->h, HPDF_COMP_ALL);
    HPDF_SetCurrentEncoder(r->h, "UTF-8");
    if (r->title[0])
        HPDF_SetInfoAttr(r->h, HPDF_INFO_TITLE, r->title);
    if (r->author[0])
        HPDF_SetInfoAttr(r->h, HPDF_INFO_AUTHOR, r->author);
    if (r->subject[0])
        HPDF_SetInfoAttr(r->h, HPDF_INFO_SUBJECT, r->subject);
    HPDF_SetInfoAttr(r->h, HPDF_INFO_CREATOR, "otchet floor");
}

static void outline(replay *r, const op *o, int first_page)
{
    int level = o->face < 1 ? 1 : o->face > 4 ? 4 : o->face, page = first_page + (int)o->a[0];
    if (page < 0 || page >= r->npages)
        return;
    HPDF_Outline parent = NULL;
    for (int l = level - 1; l >= 1 && !parent; l--)
        parent = r->parent[l];
    HPDF_Outline ol = HPDF_CreateOutline(r->h, parent, o->text, HPDF_GetEncoder(r->h, "UTF-8"));
    HPDF_Outline_SetOpened(ol, level == 1);
    HPDF_Destination d = HPDF_Page_CreateDestination(r->pages[page]);
    HPDF_Destination_SetFitH(d, o->a[1]);
    HPDF_Outline_SetDestination(ol, d);
    r->parent[level] = ol;
    for (int l = level + 1; l <= 4; l++)
        r->parent[l] = NULL;
    HPDF_SetPageMode(r->h, HPDF_PAGE_MODE_USE_OUTLINE);
}

/* Draws one sheet's ops into the current document (appending its pages). */
static void draw(replay *r, const sheet *s)
{
    char ferr[FONT_ERRLEN];
    HPDF_Page pg = NULL;
    int first = r->npages, face = 0;
    for (size_t i = 0; i < s->n; i++) {
        const op *o = &s->ops[i];
        switch (o->kind) {
        case OP_PAGE:
            pg = HPDF_AddPage(r->h);
            HPDF_Page_SetWidth(pg, o->a[0]);
            HPDF_Page_SetHeight(pg, o->a[1]);
            if (r->npages == r->cappages) {
                r->cappages = r->cappages ? r->cappages * 2 : 64;
                r->pages = realloc(r->pages, (size_t)r->cappages * sizeof *r->pages);
                if (!r->pages)
                    die("out of memory");
            }
            r->pages[r->npages++] = pg;
            break;
        case OP_BT: HPDF_Page_BeginText(pg); break;
        case OP_ET: HPDF_Page_EndText(pg); break;
        case OP_TF:
            face = o->face;
            if (!r->font[o->face])
                r->font[o->face] = HPDF_GetFont(r->h, font_name(r->fs, (font_face)o->face),
                                                FONT_ENCODING);
            HPDF_Page_SetFontAndSize(pg, r->font[o->face], o->a[0]);
            break;
        case OP_TD: HPDF_Page_MoveTextPos(pg, o->a[0], o->a[1]); break;
        case OP_TJ: {
            r->enc.len = 0;
            if (font_encode(r->fs, (font_face)face, o->text, strlen(o->text), &r->enc,
                            &r->used, ferr) != 0)
                die(ferr);
            buf_putc(&r->enc, '\0');
            HPDF_Page_ShowText(pg, r->enc.data);
            break;
        }
        case OP_G_FILL: HPDF_Page_SetGrayFill(pg, o->a[0]); break;
        case OP_G_STROKE: HPDF_Page_SetGrayStroke(pg, o->a[0]); break;
        case OP_W: HPDF_Page_SetLineWidth(pg, o->a[0]); break;
        case OP_DASH: {
            HPDF_UINT16 pat[5];
            for (int k = 0; k < o->nd; k++)
                pat[k] = (HPDF_UINT16)o->a[k];
            HPDF_Page_SetDash(pg, o->nd ? pat : NULL, (HPDF_UINT)o->nd, (HPDF_UINT)o->a[5]);
            break;
        }
        case OP_RE: HPDF_Page_Rectangle(pg, o->a[0], o->a[1], o->a[2], o->a[3]); break;
        case OP_M: HPDF_Page_MoveTo(pg, o->a[0], o->a[1]); break;
        case OP_L: HPDF_Page_LineTo(pg, o->a[0], o->a[1]); break;
        case OP_C: HPDF_Page_CurveTo(pg, o->a[0], o->a[1], o->a[2], o->a[3], o->a[4], o->a[5]); break;
        case OP_H: HPDF_Page_ClosePath(pg); break;
        case OP_F: HPDF_Page_Fill(pg); break;
        case OP_S: HPDF_Page_Stroke(pg); break;
        case OP_B: HPDF_Page_FillStroke(pg); break;
        case OP_N: HPDF_Page_EndPath(pg); break;
        case OP_CLIP: HPDF_Page_Clip(pg); break;
        case OP_Q_SAVE: HPDF_Page_GSave(pg); break;
        case OP_Q_RESTORE: HPDF_Page_GRestore(pg); break;
        case OP_OUTLINE: outline(r, o, first); break;
        }
    }
}

/* Finishes the document and writes it to path (temporary file, then rename, as otchet does).
 * Returns its size. */
static size_t finish(replay *r, const char *path)
{
    attach_tounicode(r);
    for (int f = 0; f < FONT_NFACES; f++)   /* the glyph sets libharu 2.3.0 cannot write */
        if (r->font[f])
            font_subset_prepare(r->fs, (font_face)f);
    if (HPDF_SaveToStream(r->h) != HPDF_OK)
        die("HPDF_SaveToStream failed");
    HPDF_UINT32 size = HPDF_GetStreamSize(r->h), got = 0;
    unsigned char *data = malloc(size ? size : 1);
    while (got < size) {
        HPDF_UINT32 n = size - got;
        HPDF_ReadFromStream(r->h, data + got, &n);
        if (n == 0)
            break;
        got += n;
    }
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *fp = fopen(tmp, "wb");
    if (!fp || fwrite(data, 1, got, fp) != got || fclose(fp) != 0 || rename(tmp, path) != 0)
        die("cannot write output");
    free(data);
    HPDF_ResetStream(r->h);
    return got;
}

int main(int argc, char **argv)
{
    if (argc < 3)
        die("usage: floor OPS_FILE OUT_DIR [COMBINED_NAME]");
    replay r = {0};
    char err[FONT_ERRLEN];
    mallopt(M_TRIM_THRESHOLD, 64 << 20);   /* keep zlib's per-stream buffers: no page churn */
    mallopt(M_MMAP_THRESHOLD, 64 << 20);
    size_t n;
    sheet *sh = read_ops(argv[1], &n, &r);
    r.fs = font_open("fonts", on_error, &r, err);
    if (!r.fs)
        die(err);
    r.h = font_handle(r.fs);
    HPDF_UseUTFEncodings(r.h);
    double t0 = now_s();
    size_t bytes = 0;
    int pages = 0;
    char path[4096];
    for (size_t i = 0; i < n; i++) {
        begin_doc(&r);
        draw(&r, &sh[i]);
        snprintf(path, sizeof path, "%s/%s.pdf", argv[2], sh[i].id);
        bytes += finish(&r, path);
        pages += sh[i].pages;
    }
    if (argc > 3) {   /* the combined file: every sheet, each starting on an odd page */
        begin_doc(&r);
        for (size_t i = 0; i < n; i++) {
            draw(&r, &sh[i]);
            if (sh[i].pages % 2 && i + 1 < n) {
                sheet blank = {.n = 1, .ops = &(op){.kind = OP_PAGE, .a = {595.276f, 841.89f}}};
                draw(&r, &blank);
            }
        }
        snprintf(path, sizeof path, "%s/%s", argv[2], argv[3]);
        finish(&r, path);
    }
    double t = now_s() - t0;
    if (r.failed)
        die("libharu reported an error");
    printf("sheets=%zu seconds=%.6f pages=%d bytes=%zu\n", n, t, pages, bytes);
    font_close(r.fs);
    return 0;
}
