/* floor_haru — the school-sheet floor as issue 6 first measured it: the display lists of
 * otchet's own sheets (bench/pdf_ops.py) replayed through libharu's own API, with its UTF-8
 * encoder and TrueType fonts (loaded once, embedded per document by libharu) and its text and
 * path operators. No layout and no Lua, like bench/floor.c; but where floor.c writes through
 * otchet's PDF writer (its own font subsets and content operators), this is what a plain
 * libharu program pays for the same content, for comparison with the peer and the floor.
 * A combined file is drawn a second time into one document: libharu cannot reuse pages.
 * Usage: floor_haru OPS_FILE OUT_DIR [COMBINED_NAME]
 * prints "sheets=N seconds=S cpu=C pages=P bytes=B", as floor does. */
#include <hpdf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "floorkit.h"
#include "font.h"

#define MAX_PAGES 64     /* of one sheet; the combined file keeps only the current sheet's */
#define MAX_LEVELS 8

typedef struct replay {
    HPDF_Doc pdf;
    const char *font_name[FONT_NFACES];  /* as libharu registered each face's file */
    HPDF_Font font[FONT_NFACES];         /* of the current document; NULL until first used */
    HPDF_Page page[MAX_PAGES];           /* the current sheet's pages */
    int npages;
    HPDF_Font cur_font;                  /* set in the current text object */
    float cur_size;
    int in_text;
    HPDF_Outline parent[MAX_LEVELS + 1]; /* the last outline item of each level */
    dl_meta meta;
} replay;

static void die(const char *msg)
{
    dl_die("floor_haru", msg);
}

static void on_error(HPDF_STATUS code, HPDF_STATUS detail, void *data)
{
    (void)data;
    fprintf(stderr, "floor_haru: libharu error 0x%04X (detail %u)\n", (unsigned)code,
            (unsigned)detail);
    exit(1);
}

static void begin_doc(replay *r)
{
    HPDF_NewDoc(r->pdf);   /* keeps the loaded font files */
    HPDF_SetCompressionMode(r->pdf, HPDF_COMP_ALL);
    HPDF_SetCurrentEncoder(r->pdf, "UTF-8");
    HPDF_SetInfoAttr(r->pdf, HPDF_INFO_TITLE, r->meta.title);
    HPDF_SetInfoAttr(r->pdf, HPDF_INFO_AUTHOR, r->meta.author);
    HPDF_SetInfoAttr(r->pdf, HPDF_INFO_SUBJECT, r->meta.subject);
    HPDF_SetInfoAttr(r->pdf, HPDF_INFO_CREATOR, "otchet floor (libharu API)");
    memset(r->font, 0, sizeof r->font);
    memset(r->parent, 0, sizeof r->parent);
}

static HPDF_Page cur_page(replay *r)
{
    if (r->npages == 0)
        die("an operator before the first page");
    return r->page[r->npages - 1];
}

static void end_text(replay *r)
{
    if (r->in_text)
        HPDF_Page_EndText(cur_page(r));
    r->in_text = 0;
}

static void add_page(replay *r, float w, float h)
{
    end_text(r);
    if (r->npages == MAX_PAGES)
        die("a sheet of more than 64 pages");
    HPDF_Page p = HPDF_AddPage(r->pdf);
    HPDF_Page_SetWidth(p, w);
    HPDF_Page_SetHeight(p, h);
    r->page[r->npages++] = p;
}

static HPDF_Font face_font(replay *r, int face)
{
    if (!r->font[face])
        r->font[face] = HPDF_GetFont(r->pdf, r->font_name[face], "UTF-8");
    return r->font[face];
}

/* A run of text at x, y (PDF coordinates, baseline); runs share one text object until a path
 * or a turned run comes, as a careful libharu program would write them. */
static void text(replay *r, const op *o)
{
    HPDF_Page p = cur_page(r);
    HPDF_Font f = face_font(r, o->face);
    if (!r->in_text) {
        HPDF_Page_BeginText(p);
        r->in_text = 1;
        r->cur_font = NULL;
    }
    if (f != r->cur_font || o->a[0] != r->cur_size) {
        HPDF_Page_SetFontAndSize(p, f, o->a[0]);
        r->cur_font = f;
        r->cur_size = o->a[0];
    }
    HPDF_Page_TextOut(p, o->a[1], o->a[2], o->text);
}

/* A run turned a quarter left (a table's upright header): its own text object. */
static void text_up(replay *r, const op *o)
{
    HPDF_Page p = cur_page(r);
    end_text(r);
    HPDF_Page_BeginText(p);
    HPDF_Page_SetFontAndSize(p, face_font(r, o->face), o->a[0]);
    HPDF_Page_SetTextMatrix(p, 0, 1, -1, 0, o->a[1], o->a[2]);
    HPDF_Page_ShowText(p, o->text);
    HPDF_Page_EndText(p);
}

static void dash(HPDF_Page p, const op *o)
{
    HPDF_UINT16 pattern[5];
    for (int i = 0; i < o->nd; i++)
        pattern[i] = (HPDF_UINT16)(o->a[i] + 0.5f);
    HPDF_Page_SetDash(p, o->nd ? pattern : NULL, (HPDF_UINT)o->nd, (HPDF_UINT)o->a[5]);
}

static void outline(replay *r, const op *o)
{
    int level = o->face < 0 ? 0 : o->face > MAX_LEVELS - 1 ? MAX_LEVELS - 1 : o->face;
    int page = (int)o->a[0];
    if (page < 0 || page >= r->npages)
        die("a bookmark to a page the sheet does not have");
    HPDF_Outline item = HPDF_CreateOutline(r->pdf, level ? r->parent[level - 1] : NULL, o->text,
                                           HPDF_GetEncoder(r->pdf, "UTF-8"));
    HPDF_Destination d = HPDF_Page_CreateDestination(r->page[page]);
    HPDF_Destination_SetXYZ(d, 0, o->a[1], 1);   /* 0 ("keep the zoom") is refused by 2.3.0 */
    HPDF_Outline_SetDestination(item, d);
    r->parent[level] = item;
}

/* Graphics operators; the gray of the fill and stroke may change inside a text object. */
static void graphics(replay *r, const op *o)
{
    HPDF_Page p = cur_page(r);
    if (o->kind == OP_G_FILL || o->kind == OP_G_STROKE) {
        (o->kind == OP_G_FILL ? HPDF_Page_SetGrayFill : HPDF_Page_SetGrayStroke)(p, o->a[0]);
        return;
    }
    end_text(r);
    switch (o->kind) {
    case OP_W: HPDF_Page_SetLineWidth(p, o->a[0]); break;
    case OP_DASH: dash(p, o); break;
    case OP_RE: HPDF_Page_Rectangle(p, o->a[0], o->a[1], o->a[2], o->a[3]); break;
    case OP_M: HPDF_Page_MoveTo(p, o->a[0], o->a[1]); break;
    case OP_L: HPDF_Page_LineTo(p, o->a[0], o->a[1]); break;
    case OP_C: HPDF_Page_CurveTo(p, o->a[0], o->a[1], o->a[2], o->a[3], o->a[4], o->a[5]); break;
    case OP_H: HPDF_Page_ClosePath(p); break;
    case OP_F: HPDF_Page_Fill(p); break;
    case OP_S: HPDF_Page_Stroke(p); break;
    case OP_B: HPDF_Page_FillStroke(p); break;
    case OP_N: HPDF_Page_EndPath(p); break;
    case OP_CLIP: HPDF_Page_Clip(p); break;
    case OP_Q_SAVE: HPDF_Page_GSave(p); break;
    case OP_Q_RESTORE: HPDF_Page_GRestore(p); break;
    default: break;
    }
}

/* Draws one sheet into the current document, appending its pages. */
static void draw(replay *r, const sheet *s)
{
    r->npages = 0;
    for (size_t i = 0; i < s->n; i++) {
        const op *o = &s->ops[i];
        switch (o->kind) {
        case OP_PAGE: add_page(r, o->a[0], o->a[1]); break;
        case OP_TEXT: text(r, o); break;
        case OP_TEXT_UP: text_up(r, o); break;
        case OP_OUTLINE: outline(r, o); break;
        default: graphics(r, o);
        }
    }
    end_text(r);
}

/* Saves the current document and writes it to path. Returns its size. */
static size_t finish(replay *r, const char *path)
{
    HPDF_SaveToStream(r->pdf);
    HPDF_UINT32 size = HPDF_GetStreamSize(r->pdf), got = size;
    unsigned char *data = malloc(size ? size : 1);
    if (!data)
        die("out of memory");
    HPDF_ResetStream(r->pdf);
    HPDF_ReadFromStream(r->pdf, data, &got);
    if (got != size)
        die("the saved document is shorter than libharu said");
    dl_write_file(path, data, size);
    free(data);
    return size;
}

/* Every face's file, loaded once for the process (before the clock, as floor.c opens its
 * fonts): libharu keeps them across HPDF_NewDoc and embeds what each document uses. */
static void load_fonts(replay *r)
{
    char path[4096];
    for (int f = 0; f < FONT_NFACES; f++) {
        snprintf(path, sizeof path, "fonts/%s.ttf", dl_face_file(f));
        r->font_name[f] = HPDF_LoadTTFontFromFile(r->pdf, path, HPDF_TRUE);
        if (!r->font_name[f])
            die("cannot load a font");
    }
}

int main(int argc, char **argv)
{
    if (argc < 3)
        die("usage: floor_haru OPS_FILE OUT_DIR [COMBINED_NAME]");
    replay r = {0};
    size_t n;
    sheet *sh = dl_read(argv[1], &n, &r.meta);
    r.pdf = HPDF_New(on_error, NULL);
    if (!r.pdf)
        die("cannot start libharu");
    HPDF_UseUTFEncodings(r.pdf);
    load_fonts(&r);
    double t0 = dl_clock(CLOCK_MONOTONIC), c0 = dl_clock(CLOCK_PROCESS_CPUTIME_ID);
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
    if (argc > 3) {   /* the combined file: every sheet again, each starting on an odd page */
        begin_doc(&r);
        int total = 0;
        for (size_t i = 0; i < n; i++) {
            draw(&r, &sh[i]);
            total += r.npages;
            if (total % 2 && i + 1 < n) {   /* a blank back, the size of the page before */
                HPDF_Page last = cur_page(&r);
                add_page(&r, HPDF_Page_GetWidth(last), HPDF_Page_GetHeight(last));
                total++;
            }
        }
        snprintf(path, sizeof path, "%s/%s", argv[2], argv[3]);
        finish(&r, path);
    }
    dl_commit();
    double t = dl_clock(CLOCK_MONOTONIC) - t0, cpu = dl_clock(CLOCK_PROCESS_CPUTIME_ID) - c0;
    printf("sheets=%zu seconds=%.6f cpu=%.6f pages=%d bytes=%zu\n", n, t, cpu, pages, bytes);
    HPDF_Free(r.pdf);
    return 0;
}
