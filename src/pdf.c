/* pdf — PDF writer on libharu; see pdf.h. Page drawing converts our top-left coordinates to
 * PDF's bottom-left ones here and nowhere else. */
#include "pdf.h"

#include <hpdf_doc.h>
#include <hpdf_objects.h>
#include <hpdf_streams.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PDF_MAXPAGES 4096
#define PDF_MAXLEVEL 4

struct pdf_ctx {
    font_set *fonts;                 /* owned; owns the libharu handle */
    HPDF_Doc h;
    HPDF_Font font[FONT_NFACES];     /* of the current document, fetched on first use */
    font_face font_order[FONT_NFACES];   /* the faces fetched, in that order */
    int nfonts;
    font_usage used;                 /* codes the current document drew */
    HPDF_Page *pages;                /* owned array; the pages belong to h */
    int npages, cappages;
    HPDF_Page page;                  /* current page */
    float pw, ph;                    /* its size */
    HPDF_Outline parent[PDF_MAXLEVEL + 1];
    int has_outlines;
    buf enc;                         /* scratch: encoded text */
    int in_text;                     /* inside BT … ET on the current page */
    int text_face;                   /* font and size set in that text object, -1 = none */
    float text_size;
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
    return p;
}

void pdf_close(pdf_ctx *p)
{
    if (!p)
        return;
    font_close(p->fonts);
    free(p->pages);
    buf_free(&p->enc);
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
    p->nfonts = 0;
    memset(&p->used, 0, sizeof p->used);
    memset(p->parent, 0, sizeof p->parent);
    p->npages = 0;
    p->page = NULL;
    p->in_text = 0;
    p->has_outlines = 0;
    HPDF_SetCompressionMode(p->h, HPDF_COMP_ALL);
    write_meta(p, meta);
    return p->failed ? -1 : 0;
}

/* Closes the open text object: graphics operators are not allowed inside BT … ET. */
static void end_text(pdf_ctx *p)
{
    if (p->in_text && p->page)
        HPDF_Page_EndText(p->page);
    p->in_text = 0;
}

int pdf_add_page(pdf_ctx *p, int landscape)
{
    if (p->failed)
        return -1;
    if (p->npages == p->cappages) {
        int cap = p->cappages ? p->cappages * 2 : 16;
        HPDF_Page *np = cap <= PDF_MAXPAGES ? realloc(p->pages, (size_t)cap * sizeof *np) : NULL;
        if (!np) {
            pdf_seterr(p, "слишком много страниц (больше %d) или нет памяти", PDF_MAXPAGES);
            return -1;
        }
        p->pages = np;
        p->cappages = cap;
    }
    end_text(p);
    HPDF_Page pg = HPDF_AddPage(p->h);
    if (!pg)
        return -1;
    HPDF_Page_SetSize(pg, HPDF_PAGE_SIZE_A4, landscape ? HPDF_PAGE_LANDSCAPE : HPDF_PAGE_PORTRAIT);
    p->pages[p->npages] = pg;
    p->page = pg;
    p->pw = HPDF_Page_GetWidth(pg);
    p->ph = HPDF_Page_GetHeight(pg);
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
    end_text(p);
    p->page = p->pages[index];
    p->pw = HPDF_Page_GetWidth(p->page);
    p->ph = HPDF_Page_GetHeight(p->page);
}

float pdf_page_width(const pdf_ctx *p)
{
    return p->pw;
}

float pdf_page_height(const pdf_ctx *p)
{
    return p->ph;
}

static HPDF_Font get_font(pdf_ctx *p, font_face f)
{
    if (!p->font[f]) {
        p->font[f] = HPDF_GetFont(p->h, font_name(p->fonts, f), FONT_ENCODING);
        if (p->font[f])
            p->font_order[p->nfonts++] = f;
    }
    return p->font[f];
}

/* Encodes s[0..n) for face f into p->enc and returns the face's font in this document, or
 * NULL (nothing to draw, or a sticky error set: a character the face lacks, no font). */
static HPDF_Font encode_text(pdf_ctx *p, font_face f, const char *s, size_t n)
{
    char ferr[FONT_ERRLEN];
    if (p->failed || !p->page || n == 0)
        return NULL;
    p->enc.len = 0;
    if (font_encode(p->fonts, f, s, n, &p->enc, &p->used, ferr) != 0) {
        pdf_seterr(p, "%s", ferr);
        return NULL;
    }
    HPDF_Font font = get_font(p, f);
    if (!font || p->enc.oom) {
        pdf_seterr(p, "libharu: нет шрифта %s", font_face_label(f));
        return NULL;
    }
    return font;
}

/* Consecutive pieces of text share one text object and set the font only when it changes:
 * a justified line is one BT … ET with a Td + Tj per word. */
void pdf_text(pdf_ctx *p, font_face f, float size, float x, float y, const char *s, size_t n)
{
    HPDF_Font font = encode_text(p, f, s, n);
    if (!font)
        return;
    if (!p->in_text) {
        HPDF_Page_BeginText(p->page);
        p->in_text = 1;
        p->text_face = -1;
    }
    if (p->text_face != (int)f || p->text_size != size) {
        HPDF_Page_SetFontAndSize(p->page, font, size);
        p->text_face = (int)f;
        p->text_size = size;
    }
    HPDF_Page_TextOut(p->page, x, p->ph - y, p->enc.data);
}

void pdf_text_up(pdf_ctx *p, font_face f, float size, float x, float y, const char *s, size_t n)
{
    HPDF_Font font = encode_text(p, f, s, n);
    if (!font)
        return;
    end_text(p);                     /* a text object of its own: its matrix is rotated */
    HPDF_Page_BeginText(p->page);
    HPDF_Page_SetFontAndSize(p->page, font, size);
    HPDF_Page_SetTextMatrix(p->page, 0, 1, -1, 0, x, p->ph - y);
    HPDF_Page_ShowText(p->page, p->enc.data);
    HPDF_Page_EndText(p->page);
}

void pdf_fill_rect(pdf_ctx *p, float x, float y, float w, float h, float gray)
{
    if (p->failed || !p->page)
        return;
    end_text(p);
    HPDF_Page_SetGrayFill(p->page, gray);
    HPDF_Page_Rectangle(p->page, x, p->ph - y - h, w, h);
    HPDF_Page_Fill(p->page);
    HPDF_Page_SetGrayFill(p->page, 0);
}

void pdf_stroke_rect(pdf_ctx *p, float x, float y, float w, float h, float width)
{
    if (p->failed || !p->page)
        return;
    end_text(p);
    HPDF_Page_SetLineWidth(p->page, width);
    HPDF_Page_Rectangle(p->page, x, p->ph - y - h, w, h);
    HPDF_Page_Stroke(p->page);
}

void pdf_line(pdf_ctx *p, float x1, float y1, float x2, float y2, float width, float gray,
              int dashed)
{
    static const HPDF_UINT16 dash[] = {3, 2};
    if (p->failed || !p->page)
        return;
    end_text(p);
    HPDF_Page_SetLineWidth(p->page, width);
    HPDF_Page_SetGrayStroke(p->page, gray);
    if (dashed)
        HPDF_Page_SetDash(p->page, dash, 2, 0);
    HPDF_Page_MoveTo(p->page, x1, p->ph - y1);
    HPDF_Page_LineTo(p->page, x2, p->ph - y2);
    HPDF_Page_Stroke(p->page);
    if (dashed)
        HPDF_Page_SetDash(p->page, NULL, 0, 0);
    HPDF_Page_SetGrayStroke(p->page, 0);
}

/* Strokes parallel lines of direction (dx, dy), `step` apart, across the box (bottom-left
 * coordinates; the caller clips): only the offsets whose line meets the box. */
static void hatch_lines(HPDF_Page pg, float x, float y, float w, float h, float dx, float dy,
                        float step)
{
    float nx = -dy, ny = dx, cx = x + w / 2, cy = y + h / 2;
    float reach = (fabsf(nx) * w + fabsf(ny) * h) / 2;   /* half the box's extent along n */
    float len = (w + h) / 2 + step;
    int n = (int)(reach / step);
    for (int i = -n; i <= n; i++) {
        float ox = cx + nx * step * (float)i, oy = cy + ny * step * (float)i;
        HPDF_Page_MoveTo(pg, ox - dx * len, oy - dy * len);
        HPDF_Page_LineTo(pg, ox + dx * len, oy + dy * len);
    }
    HPDF_Page_Stroke(pg);
}

void pdf_hatch_rect(pdf_ctx *p, float x, float y, float w, float h, pdf_hatch kind, float step)
{
    if (p->failed || !p->page || kind == PDF_HATCH_NONE || w <= 0 || h <= 0)
        return;
    end_text(p);
    HPDF_Page pg = p->page;
    float by = p->ph - y - h;
    const float r = 0.70710678f;
    HPDF_Page_GSave(pg);
    HPDF_Page_Rectangle(pg, x, by, w, h);
    HPDF_Page_Clip(pg);
    HPDF_Page_EndPath(pg);
    HPDF_Page_SetLineWidth(pg, 0.5f);
    HPDF_Page_SetGrayStroke(pg, 0);
    if (kind == PDF_HATCH_DIAG || kind == PDF_HATCH_CROSS)
        hatch_lines(pg, x, by, w, h, r, r, step);
    if (kind == PDF_HATCH_BACKDIAG || kind == PDF_HATCH_CROSS)
        hatch_lines(pg, x, by, w, h, r, -r, step);
    if (kind == PDF_HATCH_HORIZ)
        hatch_lines(pg, x, by, w, h, 1, 0, step);
    if (kind == PDF_HATCH_VERT)
        hatch_lines(pg, x, by, w, h, 0, 1, step);
    if (kind == PDF_HATCH_DOTS) {
        HPDF_Page_SetGrayFill(pg, 0);
        for (float yy = by + step / 2; yy < by + h; yy += step)   /* tiny squares: 1 op each */
            for (float xx = x + step / 2; xx < x + w; xx += step)
                HPDF_Page_Rectangle(pg, xx - 0.5f, yy - 0.5f, 1.1f, 1.1f);
        HPDF_Page_Fill(pg);
    }
    HPDF_Page_GRestore(pg);
}

void pdf_marker(pdf_ctx *p, int shape, float cx, float cy, float r, int solid)
{
    if (p->failed || !p->page)
        return;
    end_text(p);
    HPDF_Page pg = p->page;
    float y = p->ph - cy;
    HPDF_Page_SetLineWidth(pg, 0.8f);
    HPDF_Page_SetGrayFill(pg, solid ? 0 : 1);
    switch (shape & 3) {
    case 0: HPDF_Page_Circle(pg, cx, y, r); break;
    case 1: HPDF_Page_Rectangle(pg, cx - r, y - r, 2 * r, 2 * r); break;
    case 2:
        HPDF_Page_MoveTo(pg, cx, y + r);
        HPDF_Page_LineTo(pg, cx + r, y - r);
        HPDF_Page_LineTo(pg, cx - r, y - r);
        HPDF_Page_ClosePath(pg);
        break;
    default:
        HPDF_Page_MoveTo(pg, cx, y + r * 1.2f);
        HPDF_Page_LineTo(pg, cx + r, y);
        HPDF_Page_LineTo(pg, cx, y - r * 1.2f);
        HPDF_Page_LineTo(pg, cx - r, y);
        HPDF_Page_ClosePath(pg);
    }
    HPDF_Page_FillStroke(pg);
    HPDF_Page_SetGrayFill(pg, 0);
}

void pdf_bookmark(pdf_ctx *p, int level, const char *title, int page, float y)
{
    if (p->failed || page < 0 || page >= p->npages)
        return;
    if (level < 1)
        level = 1;
    if (level > PDF_MAXLEVEL)
        level = PDF_MAXLEVEL;
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

/* One ToUnicode stream for the document, shared by every font (they share the encoding). */
static void attach_tounicode(pdf_ctx *p)
{
    HPDF_Dict cmap = NULL;
    buf text = BUF_INIT;
    for (int f = 0; f < FONT_NFACES && !p->failed; f++) {
        if (!p->font[f])
            continue;
        if (!cmap) {
            font_tounicode(p->fonts, &p->used, &text);
            cmap = HPDF_DictStream_New(p->h->mmgr, p->h->xref);
            if (!cmap || text.oom)
                break;
            cmap->filter = HPDF_STREAM_FILTER_FLATE_DECODE;
            HPDF_Stream_Write(cmap->stream, (const HPDF_BYTE *)text.data, (HPDF_UINT)text.len);
        }
        HPDF_Dict_Add(p->font[f], "ToUnicode", cmap);
    }
    if (text.oom)
        pdf_seterr(p, "нет памяти");
    buf_free(&text);
}

/* Records a failure of libharu's internal functions, which (unlike its API) do not call the
 * error handler. */
static void internal_error(pdf_ctx *p, const char *what, font_face f)
{
    pdf_seterr(p, "libharu: ошибка 0x%04lX при записи %s шрифта %s",
               (unsigned long)HPDF_GetError(p->h), what, font_face_label(f));
}

/* Writes face f's FontDescriptor and FontFile2 (the TrueType subset) as libharu 2.3.0's
 * CIDFontType2 before-write hook would (same objects, keys, order and numbering), with two
 * differences: the subset is first made writable (font_subset_prepare: libharu fails on some
 * glyph sets), and every object belongs to the document's xref from birth (libharu's hook
 * leaks its half-built descriptor when writing the subset fails). Finding the descriptor set,
 * the hook then only links it to the font. */
static void attach_descriptor(pdf_ctx *p, font_face f)
{
    HPDF_FontDef def = font_def(p->fonts, f);
    HPDF_TTFontDefAttr a = def->attr;
    HPDF_MMgr mm = p->h->mmgr;
    if (p->failed || def->descriptor)
        return;
    font_subset_prepare(p->fonts, f);
    HPDF_Dict data = HPDF_DictStream_New(mm, p->h->xref);      /* owned by the xref */
    if (!data || HPDF_TTFontDef_SaveFontData(def, data->stream) != HPDF_OK) {
        internal_error(p, "подмножества", f);
        return;
    }
    data->filter = p->font[f]->filter;
    HPDF_Dict desc = HPDF_Dict_New(mm);
    if (!desc || HPDF_Xref_Add(p->h->xref, desc) != HPDF_OK) {  /* frees desc on failure */
        internal_error(p, "описания", f);
        return;
    }
    HPDF_STATUS rc = HPDF_Dict_AddNumber(data, "Length1", (HPDF_INT32)a->length1);
    rc += HPDF_Dict_AddNumber(data, "Length2", 0);
    rc += HPDF_Dict_AddNumber(data, "Length3", 0);
    rc += HPDF_Dict_Add(desc, "FontFile2", data);
    rc += HPDF_Dict_AddName(desc, "Type", "FontDescriptor");
    rc += HPDF_Dict_AddNumber(desc, "Ascent", def->ascent);
    rc += HPDF_Dict_AddNumber(desc, "Descent", def->descent);
    rc += HPDF_Dict_AddNumber(desc, "Flags", (HPDF_INT32)def->flags);
    rc += HPDF_Dict_Add(desc, "FontBBox", HPDF_Box_Array_New(mm, def->font_bbox));
    rc += HPDF_Dict_AddName(desc, "FontName", a->base_font);
    rc += HPDF_Dict_AddNumber(desc, "ItalicAngle", def->italic_angle);
    rc += HPDF_Dict_AddNumber(desc, "StemV", def->stemv);
    rc += HPDF_Dict_AddNumber(desc, "XHeight", def->x_height);
    if (rc != HPDF_OK) {
        internal_error(p, "описания", f);
        return;
    }
    def->descriptor = desc;
}

int pdf_finish(pdf_ctx *p, unsigned char **out, size_t *len)
{
    *out = NULL;
    *len = 0;
    if (p->npages == 0)
        pdf_add_page(p, 0);
    end_text(p);
    if (p->has_outlines)
        HPDF_SetPageMode(p->h, HPDF_PAGE_MODE_USE_OUTLINE);
    attach_tounicode(p);
    for (int i = 0; i < p->nfonts; i++)
        attach_descriptor(p, p->font_order[i]);
    if (p->failed || HPDF_SaveToStream(p->h) != HPDF_OK)
        goto fail;
    HPDF_UINT32 size = HPDF_GetStreamSize(p->h), got = 0;
    unsigned char *data = malloc(size ? size : 1);
    if (!data) {
        pdf_seterr(p, "нет памяти для PDF (%u байт)", (unsigned)size);
        goto fail;
    }
    while (got < size) {
        HPDF_UINT32 n = size - got;
        HPDF_STATUS rc = HPDF_ReadFromStream(p->h, data + got, &n);
        got += n;
        if (n == 0 || (rc != HPDF_OK && rc != HPDF_STREAM_EOF))
            break;
    }
    if (got != size) {
        free(data);
        pdf_seterr(p, "libharu: PDF прочитан не полностью (%u из %u байт)", (unsigned)got,
                   (unsigned)size);
        goto fail;
    }
    *out = data;
    *len = size;
    HPDF_ResetStream(p->h);
    return 0;
fail:
    if (!p->failed)
        pdf_seterr(p, "libharu: не удалось сохранить PDF");
    return -1;
}
