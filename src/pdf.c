/* pdf — PDF writer on libharu; see pdf.h. libharu keeps the document: catalog, pages,
 * outlines, metadata, objects and saving. The page contents (pdfops) and the font objects are
 * ours: libharu's Type0 fonts cost milliseconds per face per document and its subsets are
 * three times larger than they need be (see font.c). Page drawing converts our top-left
 * coordinates to PDF's bottom-left ones here and nowhere else. */
#include "pdf.h"

#include <hpdf_doc.h>
#include <hpdf_objects.h>
#include <hpdf_pages.h>
#include <hpdf_streams.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "pdfops.h"

/* Pages of one document: libharu keeps them in one node of the page tree, which holds 32,767
 * (HPDF_LIMIT_MAX_ARRAY; past it, its error 0x1001). The order for 40,000 schools has 9,438;
 * a country's school sheets are combined in volumes (lua/reports.lua, VOLUME_SCHOOLS). */
#define PDF_MAXPAGES HPDF_LIMIT_MAX_ARRAY
#define PDF_MAXLEVEL 4
/* zlib level of page contents: 2 (zlib's fast matcher) deflates a school sheet's pages in 3/4
 * of level 4's instructions for 3 % more bytes, and a third of libharu's 6; a two-page sheet
 * stays near 26 kB (measured on the benchmark's and the sample's sheets). Fonts use 9: they
 * are cached. */
#define PDF_CONTENT_LEVEL 2

/* Bytes a stream of the document reads while it is saved (see stream_from). */
typedef struct pdf_source {
    const unsigned char *data;
    size_t len, pos;
} pdf_source;

struct pdf_ctx {
    font_set *fonts;                 /* owned; owns the libharu handle */
    HPDF_Doc h;
    HPDF_Dict font[FONT_NFACES];     /* Type0 fonts of the current document, made on first use */
    HPDF_Dict cidfont[FONT_NFACES];  /* their descendants */
    HPDF_Dict sysinfo;               /* their CIDSystemInfo, one object for all */
    font_usage used;                 /* codes the current document drew */
    int space_code;                  /* code of U+0020 */
    HPDF_Page *pages;                /* owned array; the pages belong to h */
    unsigned char *page_fonts;       /* owned: faces in each page's resources, a bit per face */
    buf *content;                    /* owned: each page's operators, deflated at the end */
    unsigned char *packed;           /* owned: per page, content[] is already deflated */
    int keep;                        /* keep deflated pages and bookmarks after finishing */
    int keep_next;                   /* pdf_keep was called: keep the next document begun */
    pdf_mark *marks;                 /* owned (titles too): bookmarks, when keeping */
    int nmarks, capmarks;
    int npages, cappages;
    int cur;                         /* current page, -1 none */
    float pw, ph;                    /* its size */
    pdfops ops;                      /* its operators not yet handed to libharu */
    HPDF_Outline parent[PDF_MAXLEVEL + 1];
    int has_outlines;
    buf enc;                         /* scratch: encoded text */
    pdf_source *sources;             /* owned: what the streams of the document being saved read */
    z_stream deflater;               /* pages' deflater, reused (see pack_page) */
    int deflater_ready;
    int nsources, capsources;
    int failed;
    char err[PDF_ERRLEN];
};

void pdf_seterr(pdf_ctx *p, const char *fmt, ...)
{
    if (p->failed)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->err, sizeof p->err, fmt, ap);
    va_end(ap);
    p->failed = 1;
}

int pdf_failed(const pdf_ctx *p)
{
    return p->failed;
}

const char *pdf_error(const pdf_ctx *p)
{
    return p->failed ? p->err : "";
}

static void forget_marks(pdf_ctx *p)
{
    for (int i = 0; i < p->nmarks; i++)
        free(p->marks[i].title);
    p->nmarks = 0;
}

/* libharu's error callback: record, never jump. */
static void on_error(void *user, unsigned long code, unsigned long detail)
{
    pdf_seterr(user, "libharu: ошибка 0x%04lX (подробность %lu)", code, detail);
}

pdf_ctx *pdf_open(const char *fontdir, char err[PDF_ERRLEN])
{
    pdf_ctx *p = calloc(1, sizeof *p);
    char ferr[FONT_ERRLEN];
    if (!p) {
        snprintf(err, PDF_ERRLEN, "нет памяти");
        return NULL;
    }
    p->fonts = font_open(fontdir, on_error, p, ferr);
    if (!p->fonts) {
        snprintf(err, PDF_ERRLEN, "шрифты: %.250s", ferr);
        free(p);
        return NULL;
    }
    p->h = font_handle(p->fonts);
    HPDF_UseUTFEncodings(p->h);      /* once per handle: metadata and outlines are UTF-8 */
    pdfops_init(&p->ops);
    p->cur = -1;
    p->space_code = font_code_of(p->fonts, ' ');
    if (p->space_code == 0) {
        snprintf(err, PDF_ERRLEN, "шрифты: нет пробела");
        pdf_close(p);
        return NULL;
    }
    return p;
}

void pdf_close(pdf_ctx *p)
{
    if (!p)
        return;
    font_close(p->fonts);
    free(p->pages);
    free(p->page_fonts);
    for (int i = 0; i < p->cappages; i++)
        buf_free(&p->content[i]);
    free(p->content);
    free(p->packed);
    forget_marks(p);
    free(p->marks);
    buf_free(&p->enc);
    free(p->sources);
    if (p->deflater_ready)
        deflateEnd(&p->deflater);
    pdfops_free(&p->ops);
    free(p);
}

const font_set *pdf_fonts(const pdf_ctx *p)
{
    return p->fonts;
}

static void set_info(pdf_ctx *p, HPDF_InfoType type, const char *value)
{
    if (value && *value)
        HPDF_SetInfoAttr(p->h, type, value);
}

/* Metadata go through the UTF-8 encoder, which must be current before HPDF_SetInfoAttr. */
static void write_meta(pdf_ctx *p, const pdf_meta *m)
{
    if (!m)
        return;
    HPDF_SetCurrentEncoder(p->h, "UTF-8");
    set_info(p, HPDF_INFO_TITLE, m->title);
    set_info(p, HPDF_INFO_AUTHOR, m->author);
    set_info(p, HPDF_INFO_SUBJECT, m->subject);
    set_info(p, HPDF_INFO_KEYWORDS, m->keywords);
    set_info(p, HPDF_INFO_CREATOR, m->creator);
    if (m->year > 0) {
        HPDF_Date d = {m->year, m->month, m->day, 0, 0, 0, 'Z', 0, 0};
        HPDF_SetInfoDateAttr(p->h, HPDF_INFO_CREATION_DATE, d);
    }
}

int pdf_begin(pdf_ctx *p, const pdf_meta *meta)
{
    p->failed = 0;
    p->err[0] = '\0';
    HPDF_ResetError(p->h);
    if (HPDF_NewDoc(p->h) != HPDF_OK) {
        pdf_seterr(p, "libharu: не удалось начать документ");
        return -1;
    }
    memset(p->font, 0, sizeof p->font);
    memset(p->cidfont, 0, sizeof p->cidfont);
    p->sysinfo = NULL;
    memset(&p->used, 0, sizeof p->used);
    memset(p->parent, 0, sizeof p->parent);
    p->npages = 0;
    p->cur = -1;
    pdfops_reset(&p->ops);
    p->has_outlines = 0;
    p->keep = p->keep_next;
    p->keep_next = 0;
    forget_marks(p);
    write_meta(p, meta);
    return p->failed ? -1 : 0;
}

/* Moves the current page's operators to the page's content (written when finishing). */
static void flush_page(pdf_ctx *p)
{
    if (p->cur < 0)
        return;
    const buf *ops = pdfops_finish(&p->ops);
    buf *content = &p->content[p->cur];
    if (p->packed[p->cur] && ops->len > 0)
        pdf_seterr(p, "на готовую страницу %d ничего не добавить", p->cur + 1);
    else
        buf_append(content, ops->data, ops->len);
    if (ops->oom || content->oom)
        pdf_seterr(p, "нет памяти");
    pdfops_reset(&p->ops);
}

static void make_current(pdf_ctx *p, int index)
{
    flush_page(p);
    p->cur = index;
    p->pw = HPDF_Page_GetWidth(p->pages[index]);
    p->ph = HPDF_Page_GetHeight(p->pages[index]);
}

static int grow_pages(pdf_ctx *p)
{
    if (p->cappages >= PDF_MAXPAGES) {
        pdf_seterr(p, "в документе больше %d страниц: столько в одном файле PDF не записать; "
                      "разделите документ (листы школ — частями, --shard)", PDF_MAXPAGES);
        return -1;
    }
    int cap = p->cappages ? p->cappages * 2 : 16;
    if (cap > PDF_MAXPAGES)
        cap = PDF_MAXPAGES;
    HPDF_Page *np = realloc(p->pages, (size_t)cap * sizeof *np);
    if (np)
        p->pages = np;
    unsigned char *nf = np ? realloc(p->page_fonts, (size_t)cap) : NULL;
    if (nf)
        p->page_fonts = nf;
    buf *nc = nf ? realloc(p->content, (size_t)cap * sizeof *nc) : NULL;
    if (nc)
        p->content = nc;
    unsigned char *npk = nc ? realloc(p->packed, (size_t)cap) : NULL;
    if (!npk) {
        pdf_seterr(p, "нет памяти для страниц документа");
        return -1;
    }
    for (int i = p->cappages; i < cap; i++)
        nc[i] = (buf)BUF_INIT;
    p->packed = npk;
    p->cappages = cap;
    return 0;
}

int pdf_add_page(pdf_ctx *p, int landscape)
{
    if (p->failed || (p->npages == p->cappages && grow_pages(p) != 0))
        return -1;
    HPDF_Page pg = HPDF_AddPage(p->h);
    if (!pg)
        return -1;
    HPDF_Page_SetSize(pg, HPDF_PAGE_SIZE_A4, landscape ? HPDF_PAGE_LANDSCAPE : HPDF_PAGE_PORTRAIT);
    HPDF_Dict res = HPDF_Dict_GetItem(pg, "Resources", HPDF_OCLASS_DICT);
    if (res)                         /* obsolete since PDF 1.4: 50 bytes a page for nothing */
        HPDF_Dict_RemoveElement(res, "ProcSet");
    p->pages[p->npages] = pg;
    p->page_fonts[p->npages] = 0;
    p->packed[p->npages] = 0;
    buf_reset(&p->content[p->npages]);
    make_current(p, p->npages);
    return p->npages++;
}

int pdf_page_count(const pdf_ctx *p)
{
    return p->npages;
}

void pdf_goto_page(pdf_ctx *p, int index)
{
    if (p->failed || index < 0 || index >= p->npages)
        return;
    make_current(p, index);
}

float pdf_page_width(const pdf_ctx *p)
{
    return p->pw;
}

float pdf_page_height(const pdf_ctx *p)
{
    return p->ph;
}

/* The document's CIDSystemInfo (Adobe-Identity-0), one object the fonts share. */
static HPDF_Dict system_info(pdf_ctx *p)
{
    if (p->sysinfo)
        return p->sysinfo;
    HPDF_MMgr mm = p->h->mmgr;
    HPDF_Dict info = HPDF_Dict_New(mm);
    if (!info || HPDF_Xref_Add(p->h->xref, info) != HPDF_OK)   /* frees info on failure */
        return NULL;
    HPDF_STATUS rc = HPDF_Dict_Add(info, "Registry", HPDF_String_New(mm, "Adobe", NULL));
    rc += HPDF_Dict_Add(info, "Ordering", HPDF_String_New(mm, "Identity", NULL));
    rc += HPDF_Dict_AddNumber(info, "Supplement", 0);
    return rc == HPDF_OK ? (p->sysinfo = info) : NULL;
}

/* The Type0 font of face f in this document, made on first use; its glyphs, widths and names
 * are filled in when the document is finished (attach_font), once we know what was drawn. */
static HPDF_Dict get_font(pdf_ctx *p, font_face f)
{
    if (p->font[f])
        return p->font[f];
    HPDF_MMgr mm = p->h->mmgr;
    HPDF_Dict font = HPDF_Dict_New(mm), cid = font ? HPDF_Dict_New(mm) : NULL;
    if (!font || HPDF_Xref_Add(p->h->xref, font) != HPDF_OK || !cid ||   /* frees on failure */
        HPDF_Xref_Add(p->h->xref, cid) != HPDF_OK)
        return NULL;
    HPDF_Array kids = HPDF_Array_New(mm);
    HPDF_Dict info = system_info(p);
    HPDF_STATUS rc = info ? HPDF_OK : HPDF_FAILD_TO_ALLOC_MEM;
    rc += HPDF_Dict_AddName(font, "Type", "Font");
    rc += HPDF_Dict_AddName(font, "Subtype", "Type0");
    rc += HPDF_Dict_AddName(font, "Encoding", "Identity-H");
    rc += HPDF_Dict_Add(font, "DescendantFonts", kids);
    rc += HPDF_Array_Add(kids, cid);
    rc += HPDF_Dict_AddName(cid, "Type", "Font");
    rc += HPDF_Dict_AddName(cid, "Subtype", "CIDFontType2");
    rc += HPDF_Dict_Add(cid, "CIDSystemInfo", info);
    rc += HPDF_Dict_AddName(cid, "CIDToGIDMap", "Identity");
    if (rc != HPDF_OK)
        return NULL;
    p->cidfont[f] = cid;
    return p->font[f] = font;
}

/* Lists face f in the current page's /Resources /Font as /F<f+1>. */
static int use_font(pdf_ctx *p, font_face f)
{
    HPDF_Dict font = get_font(p, f);
    if (!font)
        return -1;
    if (p->page_fonts[p->cur] & (1u << f))
        return 0;
    HPDF_Page pg = p->pages[p->cur];
    HPDF_Dict res = HPDF_Dict_GetItem(pg, "Resources", HPDF_OCLASS_DICT);
    HPDF_Dict fonts = res ? HPDF_Dict_GetItem(res, "Font", HPDF_OCLASS_DICT) : NULL;
    if (res && !fonts) {
        fonts = HPDF_Dict_New(p->h->mmgr);
        if (!fonts || HPDF_Dict_Add(res, "Font", fonts) != HPDF_OK)
            return -1;
    }
    char name[16];
    snprintf(name, sizeof name, "F%d", (int)f + 1);
    if (!fonts || HPDF_Dict_Add(fonts, name, font) != HPDF_OK)
        return -1;
    p->page_fonts[p->cur] |= (unsigned char)(1u << f);
    return 0;
}

/* Encodes s[0..n) for face f into p->enc and lists the face on the page. Returns the text's
 * advance in 1/1000 em, or -1 (nothing to draw, or a sticky error set: a character the face
 * lacks, no font). */
static long encode_text(pdf_ctx *p, font_face f, const char *s, size_t n)
{
    char ferr[FONT_ERRLEN];
    long units;
    if (p->failed || p->cur < 0 || n == 0)
        return -1;
    p->enc.len = 0;
    if (font_encode(p->fonts, f, s, n, &p->enc, &p->used, &units, ferr) != 0) {
        pdf_seterr(p, "%s", ferr);
        return -1;
    }
    if (use_font(p, f) != 0 || p->enc.oom) {
        pdf_seterr(p, "libharu: нет шрифта %s", font_face_label(f));
        return -1;
    }
    return units;
}

void pdf_text(pdf_ctx *p, font_face f, float size, float x, float y, const char *s, size_t n)
{
    long units = encode_text(p, f, s, n);
    if (units < 0)
        return;
    float space = (float)font_code_width(p->fonts, f, p->space_code) * size / 1000;
    pdfops_fill_gray(&p->ops, 0);            /* text is black, whatever filled a cell before */
    pdfops_text(&p->ops, (int)f + 1, size, x, p->ph - y, (const unsigned char *)p->enc.data,
                p->enc.len, (float)units * size / 1000, (unsigned)p->space_code, space);
}

void pdf_text_up(pdf_ctx *p, font_face f, float size, float x, float y, const char *s, size_t n)
{
    if (encode_text(p, f, s, n) < 0)
        return;
    pdfops_fill_gray(&p->ops, 0);
    pdfops_text_up(&p->ops, (int)f + 1, size, x, p->ph - y, (const unsigned char *)p->enc.data,
                   p->enc.len);
}

static int can_draw(const pdf_ctx *p)
{
    return !p->failed && p->cur >= 0;
}

void pdf_fill_rect(pdf_ctx *p, float x, float y, float w, float h, float gray)
{
    if (!can_draw(p))
        return;
    pdfops_fill_gray(&p->ops, gray);
    pdfops_rect(&p->ops, x, p->ph - y - h, w, h);
    pdfops_paint(&p->ops, "f");
}

void pdf_stroke_rect(pdf_ctx *p, float x, float y, float w, float h, float width)
{
    if (!can_draw(p))
        return;
    pdfops_line_width(&p->ops, width);
    pdfops_stroke_gray(&p->ops, 0);
    pdfops_dash(&p->ops, 0);
    pdfops_rect(&p->ops, x, p->ph - y - h, w, h);
    pdfops_paint(&p->ops, "S");
}

void pdf_line(pdf_ctx *p, float x1, float y1, float x2, float y2, float width, float gray,
              int dashed)
{
    if (!can_draw(p))
        return;
    pdfops_line_width(&p->ops, width);
    pdfops_stroke_gray(&p->ops, gray);
    pdfops_dash(&p->ops, dashed);
    pdfops_move(&p->ops, x1, p->ph - y1);
    pdfops_line(&p->ops, x2, p->ph - y2);
    pdfops_paint(&p->ops, "S");
}

/* Strokes parallel lines of direction (dx, dy), `step` apart, across the box (bottom-left
 * coordinates; the caller clips): only the offsets whose line meets the box. */
static void hatch_lines(pdfops *o, float x, float y, float w, float h, float dx, float dy,
                        float step)
{
    float nx = -dy, ny = dx, cx = x + w / 2, cy = y + h / 2;
    float reach = (fabsf(nx) * w + fabsf(ny) * h) / 2;   /* half the box's extent along n */
    float len = (w + h) / 2 + step;
    int n = (int)(reach / step);
    for (int i = -n; i <= n; i++) {
        float ox = cx + nx * step * (float)i, oy = cy + ny * step * (float)i;
        pdfops_move(o, ox - dx * len, oy - dy * len);
        pdfops_line(o, ox + dx * len, oy + dy * len);
    }
    pdfops_paint(o, "S");
}

void pdf_hatch_rect(pdf_ctx *p, float x, float y, float w, float h, pdf_hatch kind, float step)
{
    if (!can_draw(p) || kind == PDF_HATCH_NONE || w <= 0 || h <= 0)
        return;
    pdfops *o = &p->ops;
    float by = p->ph - y - h;
    const float r = 0.70710678f;
    pdfops_save(o);
    pdfops_rect(o, x, by, w, h);
    pdfops_paint(o, "W n");
    pdfops_line_width(o, 0.5f);
    pdfops_stroke_gray(o, 0);
    pdfops_dash(o, 0);
    if (kind == PDF_HATCH_DIAG || kind == PDF_HATCH_CROSS)
        hatch_lines(o, x, by, w, h, r, r, step);
    if (kind == PDF_HATCH_BACKDIAG || kind == PDF_HATCH_CROSS)
        hatch_lines(o, x, by, w, h, r, -r, step);
    if (kind == PDF_HATCH_HORIZ)
        hatch_lines(o, x, by, w, h, 1, 0, step);
    if (kind == PDF_HATCH_VERT)
        hatch_lines(o, x, by, w, h, 0, 1, step);
    if (kind == PDF_HATCH_DOTS) {
        pdfops_fill_gray(o, 0);
        for (float yy = by + step / 2; yy < by + h; yy += step)   /* tiny squares: 1 op each */
            for (float xx = x + step / 2; xx < x + w; xx += step)
                pdfops_rect(o, xx - 0.5f, yy - 0.5f, 1.1f, 1.1f);
        pdfops_paint(o, "f");
    }
    pdfops_restore(o);
}

/* A circle of four Bézier quarters (k: the control point distance of a quarter circle). */
static void circle(pdfops *o, float cx, float cy, float r)
{
    const float k = 0.5523f * r;
    pdfops_move(o, cx - r, cy);
    pdfops_curve(o, cx - r, cy + k, cx - k, cy + r, cx, cy + r);
    pdfops_curve(o, cx + k, cy + r, cx + r, cy + k, cx + r, cy);
    pdfops_curve(o, cx + r, cy - k, cx + k, cy - r, cx, cy - r);
    pdfops_curve(o, cx - k, cy - r, cx - r, cy - k, cx - r, cy);
}

void pdf_marker(pdf_ctx *p, int shape, float cx, float cy, float r, int solid)
{
    if (!can_draw(p))
        return;
    pdfops *o = &p->ops;
    float y = p->ph - cy;
    pdfops_line_width(o, 0.8f);
    pdfops_stroke_gray(o, 0);
    pdfops_dash(o, 0);
    pdfops_fill_gray(o, solid ? 0 : 1);
    switch (shape & 3) {
    case 0: circle(o, cx, y, r); break;
    case 1: pdfops_rect(o, cx - r, y - r, 2 * r, 2 * r); break;
    case 2:
        pdfops_move(o, cx, y + r);
        pdfops_line(o, cx + r, y - r);
        pdfops_line(o, cx - r, y - r);
        pdfops_close(o);
        break;
    default:
        pdfops_move(o, cx, y + r * 1.2f);
        pdfops_line(o, cx + r, y);
        pdfops_line(o, cx, y - r * 1.2f);
        pdfops_line(o, cx - r, y);
        pdfops_close(o);
    }
    pdfops_paint(o, "B");
}

struct pdfops *pdf_page_ops(pdf_ctx *p)
{
    return can_draw(p) ? &p->ops : NULL;
}

static void keep_mark(pdf_ctx *p, int level, const char *title, int page, float y)
{
    if (p->nmarks == p->capmarks) {
        int cap = p->capmarks ? 2 * p->capmarks : 16;
        pdf_mark *m = realloc(p->marks, (size_t)cap * sizeof *m);
        if (!m) {
            pdf_seterr(p, "нет памяти");
            return;
        }
        p->marks = m;
        p->capmarks = cap;
    }
    char *t = strdup(title);
    if (!t) {
        pdf_seterr(p, "нет памяти");
        return;
    }
    p->marks[p->nmarks++] = (pdf_mark){level, page, y, t};
}

void pdf_bookmark(pdf_ctx *p, int level, const char *title, int page, float y)
{
    if (p->failed || page < 0 || page >= p->npages)
        return;
    if (level < 1)
        level = 1;
    if (level > PDF_MAXLEVEL)
        level = PDF_MAXLEVEL;
    if (p->keep)
        keep_mark(p, level, title, page, y);
    HPDF_Outline parent = NULL;
    for (int l = level - 1; l >= 1 && !parent; l--)
        parent = p->parent[l];
    HPDF_Outline ol = HPDF_CreateOutline(p->h, parent, title, HPDF_GetEncoder(p->h, "UTF-8"));
    if (!ol)
        return;
    HPDF_Outline_SetOpened(ol, level == 1 ? HPDF_TRUE : HPDF_FALSE);
    HPDF_Page pg = p->pages[page];
    HPDF_Destination dst = HPDF_Page_CreateDestination(pg);
    HPDF_Destination_SetFitH(dst, HPDF_Page_GetHeight(pg) - y);   /* XYZ refuses zoom 0 */
    HPDF_Outline_SetDestination(ol, dst);
    p->parent[level] = ol;
    for (int l = level + 1; l <= PDF_MAXLEVEL; l++)
        p->parent[l] = NULL;
    p->has_outlines = 1;
}

/* ---- streams and saving: libharu writes the objects, the bytes stay ours ----------------
 *
 * libharu copies what it saves a byte at a time (HPDF_MemCpy), three times over: our deflated
 * pages, subsets and maps into its memory streams, those into the document's memory stream,
 * and that out to us — 15 % of writing a school sheet. So each stream reads straight from our
 * buffer (a pdf_source), and the document is saved into a buf of ours; libharu still writes
 * every object, the cross-reference table and the trailer. */

/* libharu writes /Filter only for data it compresses itself; ours comes deflated. */
static HPDF_STATUS write_flate_filter(HPDF_Dict dict, HPDF_Stream out)
{
    (void)dict;
    return HPDF_Stream_WriteStr(out, "/Filter /FlateDecode\012");
}

static HPDF_STATUS source_read(HPDF_Stream s, HPDF_BYTE *ptr, HPDF_UINT *size)
{
    pdf_source *src = s->attr;
    size_t n = src->len - src->pos;
    if (n > *size)
        n = *size;
    memcpy(ptr, src->data + src->pos, n);
    src->pos += n;
    *size = (HPDF_UINT)n;
    return src->pos == src->len ? HPDF_STREAM_EOF : HPDF_OK;
}

/* libharu only rewinds (HPDF_Stream_WriteToStream seeks to 0 before reading). */
static HPDF_STATUS source_seek(HPDF_Stream s, HPDF_INT pos, HPDF_WhenceMode mode)
{
    pdf_source *src = s->attr;
    if (mode != HPDF_SEEK_SET || pos < 0 || (size_t)pos > src->len)
        return HPDF_SetError(s->error, HPDF_INVALID_PARAMETER, 0);
    src->pos = (size_t)pos;
    return HPDF_OK;
}

static HPDF_INT32 source_tell(HPDF_Stream s)
{
    return (HPDF_INT32)((pdf_source *)s->attr)->pos;
}

static HPDF_UINT32 source_size(HPDF_Stream s)
{
    return (HPDF_UINT32)((pdf_source *)s->attr)->len;
}

/* Makes the stream of dict (a DictStream) read data[0..len) when the document is saved, instead
 * of a copy: data must stay unchanged until pdf_finish has saved. Returns 0 or -1. */
static int stream_from(pdf_ctx *p, HPDF_Dict dict, const void *data, size_t len)
{
    if (p->nsources == p->capsources)    /* reserve_sources made room for every stream */
        return -1;
    pdf_source *src = &p->sources[p->nsources];
    *src = (pdf_source){data, len, 0};
    HPDF_Stream s = HPDF_CallbackReader_New(p->h->mmgr, source_read, source_seek, source_tell,
                                            source_size, src);
    if (!s)
        return -1;
    p->nsources++;
    HPDF_Stream_Free(dict->stream);
    dict->stream = s;
    return 0;
}

/* Room for n sources, made before the first stream_from of a document: the streams point into
 * the array, which must not move while they exist. Returns 0 or -1. */
static int reserve_sources(pdf_ctx *p, int n)
{
    p->nsources = 0;
    if (n <= p->capsources)
        return 0;
    pdf_source *more = realloc(p->sources, (size_t)n * sizeof *more);
    if (!more)
        return -1;
    p->sources = more;
    p->capsources = n;
    return 0;
}

static HPDF_STATUS sink_write(HPDF_Stream s, const HPDF_BYTE *ptr, HPDF_UINT size)
{
    buf *out = s->attr;
    buf_append(out, ptr, size);
    return out->oom ? HPDF_FAILD_TO_ALLOC_MEM : HPDF_OK;
}

/* Saves the document into *out: libharu's save with its output stream swapped for one that
 * appends to out. Returns 0 or -1. */
static int save_into(pdf_ctx *p, buf *out)
{
    HPDF_Stream sink = HPDF_CallbackWriter_New(p->h->mmgr, sink_write, out), own = p->h->stream;
    if (!sink)
        return -1;
    p->h->stream = sink;
    HPDF_STATUS rc = HPDF_SaveToStream(p->h);
    p->h->stream = own;
    HPDF_Stream_Free(sink);
    return rc == HPDF_OK && !out->oom ? 0 : -1;
}

/* One ToUnicode stream for the document, shared by every font (they share the codes); the
 * deflated map comes from the font set's cache. */
static HPDF_Dict tounicode(pdf_ctx *p)
{
    char ferr[FONT_ERRLEN];
    const font_blob *map = font_tounicode_embed(p->fonts, &p->used, ferr);
    HPDF_Dict cmap = map ? HPDF_DictStream_New(p->h->mmgr, p->h->xref) : NULL;
    if (!cmap || stream_from(p, cmap, map->data, map->len) != 0)
        return NULL;
    cmap->write_fn = write_flate_filter;
    return cmap;
}

/* The most frequent width among the codes face f drew: the /DW, left out of /W. */
static int common_width(pdf_ctx *p, font_face f)
{
    enum { NW = 64 };
    int width[NW], count[NW], n = 0, best = 0;
    const uint8_t *bits = p->used.bits[f];
    for (int k = 1, nc = font_ncodes(p->fonts); k <= nc; k++) {
        if (!(bits[k >> 3] >> (k & 7) & 1))
            continue;
        int w = font_code_width(p->fonts, f, k), i = 0;
        while (i < n && width[i] != w)
            i++;
        if (i == n) {
            if (n == NW)
                continue;
            width[n] = w;
            count[n++] = 0;
        }
        if (++count[i] > count[best])
            best = i;
    }
    return n ? width[best] : 1000;
}

/* Face f's /W: runs of consecutive codes drawn whose width is not `dw`, each "k [w w …]". */
static HPDF_Array widths(pdf_ctx *p, font_face f, int dw)
{
    HPDF_MMgr mm = p->h->mmgr;
    HPDF_Array w = HPDF_Array_New(mm), run = NULL;
    const uint8_t *bits = p->used.bits[f];
    HPDF_STATUS rc = w ? HPDF_OK : HPDF_FAILD_TO_ALLOC_MEM;
    for (int k = 1, n = font_ncodes(p->fonts); k <= n && rc == HPDF_OK; k++) {
        int width = font_code_width(p->fonts, f, k);
        if (!(bits[k >> 3] >> (k & 7) & 1) || width == dw) {
            run = NULL;
            continue;
        }
        if (!run) {
            run = HPDF_Array_New(mm);
            rc += HPDF_Array_AddNumber(w, k);
            rc += HPDF_Array_Add(w, run);
        }
        rc += HPDF_Array_AddNumber(run, width);
    }
    return rc == HPDF_OK ? w : NULL;
}

/* The FontDescriptor of face f with its FontFile2, the subset of the glyphs drawn. */
static HPDF_Dict descriptor(pdf_ctx *p, font_face f, const font_blob *sub, const char *name)
{
    HPDF_MMgr mm = p->h->mmgr;
    const font_metrics *m = font_face_metrics(p->fonts, f);
    HPDF_Dict data = HPDF_DictStream_New(mm, p->h->xref), desc = HPDF_Dict_New(mm);
    if (!data || !desc || HPDF_Xref_Add(p->h->xref, desc) != HPDF_OK)   /* frees desc */
        return NULL;
    /* the subset stays in the font set's cache while this document is saved */
    HPDF_STATUS rc = stream_from(p, data, sub->data, sub->len) == 0 ? HPDF_OK : HPDF_FAILD_TO_ALLOC_MEM;
    data->write_fn = write_flate_filter;
    HPDF_Box box = {(HPDF_REAL)m->bbox[0], (HPDF_REAL)m->bbox[1], (HPDF_REAL)m->bbox[2],
                    (HPDF_REAL)m->bbox[3]};
    rc += HPDF_Dict_AddNumber(data, "Length1", (HPDF_INT32)sub->raw_len);
    rc += HPDF_Dict_AddName(desc, "Type", "FontDescriptor");
    rc += HPDF_Dict_AddName(desc, "FontName", name);
    rc += HPDF_Dict_AddNumber(desc, "Flags", (HPDF_INT32)m->flags);
    rc += HPDF_Dict_Add(desc, "FontBBox", HPDF_Box_Array_New(mm, box));
    rc += HPDF_Dict_AddNumber(desc, "ItalicAngle", m->italic_angle);
    rc += HPDF_Dict_AddNumber(desc, "Ascent", m->ascent);
    rc += HPDF_Dict_AddNumber(desc, "Descent", m->descent);
    rc += HPDF_Dict_AddNumber(desc, "CapHeight", m->cap_height);
    rc += HPDF_Dict_AddNumber(desc, "StemV", m->stemv);
    rc += HPDF_Dict_AddNumber(desc, "XHeight", m->x_height);
    rc += HPDF_Dict_Add(desc, "FontFile2", data);
    return rc == HPDF_OK ? desc : NULL;
}

/* Completes face f's font: names with the subset tag, widths, descriptor, ToUnicode. */
static void attach_font(pdf_ctx *p, font_face f, HPDF_Dict cmap)
{
    char ferr[FONT_ERRLEN], name[64];
    int sp = p->space_code;
    p->used.bits[f][sp >> 3] |= (uint8_t)(1u << (sp & 7));   /* joined runs draw it (pdfops) */
    const font_blob *sub = font_embed(p->fonts, f, &p->used, ferr);
    if (!sub) {
        pdf_seterr(p, "%s", ferr);
        return;
    }
    snprintf(name, sizeof name, "%s+%s", sub->tag, font_face_label(f));
    HPDF_Dict desc = descriptor(p, f, sub, name);
    int dw = common_width(p, f);
    HPDF_Array w = desc ? widths(p, f, dw) : NULL;
    HPDF_STATUS rc = HPDF_FAILD_TO_ALLOC_MEM;
    if (w) {
        rc = HPDF_Dict_AddName(p->font[f], "BaseFont", name);
        rc += HPDF_Dict_Add(p->font[f], "ToUnicode", cmap);
        rc += HPDF_Dict_AddName(p->cidfont[f], "BaseFont", name);
        rc += HPDF_Dict_Add(p->cidfont[f], "FontDescriptor", desc);
        rc += HPDF_Dict_AddNumber(p->cidfont[f], "DW", dw);
        rc += HPDF_Dict_Add(p->cidfont[f], "W", w);
    }
    if (rc != HPDF_OK)
        pdf_seterr(p, "libharu: не удалось записать шрифт %s", font_face_label(f));
}

static void attach_fonts(pdf_ctx *p)
{
    HPDF_Dict cmap = NULL;
    for (int f = 0; f < FONT_NFACES && !p->failed; f++) {
        if (!p->font[f])
            continue;
        if (!cmap && !(cmap = tounicode(p))) {
            pdf_seterr(p, "нет памяти");
            break;
        }
        attach_font(p, (font_face)f, cmap);
    }
}

/* Deflates page i's operators in place (content[i] then holds the deflated bytes). One
 * deflater serves every page of the process: compress2 would allocate and free its 270 KB of
 * state per page. The output is compress2's (same level, window and memory level). */
static int pack_page(pdf_ctx *p, int i, buf *z)
{
    buf *c = &p->content[i];
    z_stream *zs = &p->deflater;
    if (!p->deflater_ready) {
        if (deflateInit(zs, PDF_CONTENT_LEVEL) != Z_OK)
            return -1;
        p->deflater_ready = 1;
    } else if (deflateReset(zs) != Z_OK) {
        return -1;
    }
    uLong bound = deflateBound(zs, c->len);
    buf_reset(z);
    if (buf_reserve(z, bound) != 0)
        return -1;
    zs->next_in = (Bytef *)c->data;
    zs->avail_in = (uInt)c->len;
    zs->next_out = (Bytef *)z->data;
    zs->avail_out = (uInt)bound;
    if (deflate(zs, Z_FINISH) != Z_STREAM_END)
        return -1;
    z->len = zs->total_out;
    buf tmp = *c;
    *c = *z;
    *z = tmp;
    p->packed[i] = 1;
    return 0;
}

/* Points each page's content stream at its deflated operators (libharu would deflate at
 * level 6 itself). */
static void write_contents(pdf_ctx *p)
{
    buf z = BUF_INIT;
    for (int i = 0; i < p->npages && !p->failed; i++) {
        HPDF_PageAttr attr = p->pages[i]->attr;
        buf *c = &p->content[i];
        if ((!p->packed[i] && pack_page(p, i, &z) != 0) ||
            stream_from(p, attr->contents, c->data, c->len) != 0)
            pdf_seterr(p, "не удалось сжать страницу %d", i + 1);
        attr->stream = attr->contents->stream;   /* libharu's alias of the contents stream */
        attr->contents->filter = HPDF_STREAM_FILTER_NONE;
        attr->contents->write_fn = write_flate_filter;
    }
    buf_free(&z);
}

/* After saving: unless the document is kept (pdf_keep), the pages' operators are freed. */
static void drop_contents(pdf_ctx *p)
{
    if (p->keep)
        return;
    for (int i = 0; i < p->npages; i++)
        buf_free(&p->content[i]);
}

int pdf_finish(pdf_ctx *p, unsigned char **out, size_t *len)
{
    *out = NULL;
    *len = 0;
    if (p->npages == 0)
        pdf_add_page(p, 0);
    flush_page(p);
    if (p->has_outlines)
        HPDF_SetPageMode(p->h, HPDF_PAGE_MODE_USE_OUTLINE);
    if (reserve_sources(p, p->npages + FONT_NFACES + 1) != 0)
        pdf_seterr(p, "нет памяти");
    attach_fonts(p);
    write_contents(p);
    buf doc = BUF_INIT;
    if (!p->failed && save_into(p, &doc) != 0)
        pdf_seterr(p, doc.oom ? "нет памяти для PDF" : "libharu: не удалось сохранить PDF");
    drop_contents(p);
    if (p->failed) {
        buf_free(&doc);
        return -1;
    }
    *len = doc.len;
    *out = (unsigned char *)buf_take(&doc);
    return 0;
}

void pdf_keep(pdf_ctx *p)
{
    p->keep_next = 1;
}

int pdf_kept_page(const pdf_ctx *p, int i, pdf_page_info *info)
{
    if (!p->keep || i < 0 || i >= p->npages || !p->packed[i])
        return -1;
    *info = (pdf_page_info){HPDF_Page_GetWidth(p->pages[i]), HPDF_Page_GetHeight(p->pages[i]),
                            p->page_fonts[i], (const unsigned char *)p->content[i].data,
                            p->content[i].len};
    return 0;
}

const font_usage *pdf_used(const pdf_ctx *p)
{
    return &p->used;
}

const pdf_mark *pdf_kept_marks(const pdf_ctx *p, int *n)
{
    *n = p->nmarks;
    return p->marks;
}

int pdf_add_packed_page(pdf_ctx *p, const pdf_page_info *info)
{
    int i = pdf_add_page(p, info->width > info->height);
    if (i < 0)
        return -1;
    buf *c = &p->content[i];
    buf_append(c, info->data, info->len);
    p->packed[i] = 1;
    for (int f = 0; f < FONT_NFACES; f++)
        if (info->faces & (1u << f) && use_font(p, (font_face)f) != 0)
            pdf_seterr(p, "libharu: нет шрифта %s", font_face_label((font_face)f));
    if (c->oom)
        pdf_seterr(p, "нет памяти");
    return p->failed ? -1 : i;
}

void pdf_use_codes(pdf_ctx *p, const font_usage *u)
{
    for (int f = 0; f < FONT_NFACES; f++)
        for (size_t b = 0; b < sizeof u->bits[f]; b++)
            p->used.bits[f][b] |= u->bits[f][b];
}
