/* pdfpart — pages of finished documents, combined; see pdfpart.h.
 *
 * Layout (all numbers little-endian): "OTPART1\n", u32 font fingerprint, u32 page count, per
 * page f32 width, f32 height, u32 faces, u32 length, the deflated operators; per face the
 * FONT_MAXCODES/8 bytes of codes drawn; u32 bookmark count, per bookmark u32 level, u32 page,
 * f32 y, u32 length, the title. */
#include "pdfpart.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const char magic[8] = {'O', 'T', 'P', 'A', 'R', 'T', '1', '\n'};

static void put_u32(buf *b, uint32_t v)
{
    unsigned char e[4] = {(unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16),
                          (unsigned char)(v >> 24)};
    buf_append(b, e, 4);
}

static void put_f32(buf *b, float f)
{
    uint32_t v;
    memcpy(&v, &f, 4);
    put_u32(b, v);
}

int pdfpart_take(const pdf_ctx *p, buf *out)
{
    pdf_page_info pg;
    int n = pdf_page_count(p), nmarks;
    if (n == 0 || pdf_kept_page(p, 0, &pg) != 0)
        return -1;
    buf_append(out, magic, sizeof magic);
    put_u32(out, font_fingerprint(pdf_fonts(p)));
    put_u32(out, (uint32_t)n);
    for (int i = 0; i < n; i++) {
        if (pdf_kept_page(p, i, &pg) != 0)
            return -1;
        put_f32(out, pg.width);
        put_f32(out, pg.height);
        put_u32(out, pg.faces);
        put_u32(out, (uint32_t)pg.len);
        buf_append(out, pg.data, pg.len);
    }
    buf_append(out, pdf_used(p)->bits, sizeof pdf_used(p)->bits);
    const pdf_mark *m = pdf_kept_marks(p, &nmarks);
    put_u32(out, (uint32_t)nmarks);
    for (int i = 0; i < nmarks; i++) {
        put_u32(out, (uint32_t)m[i].level);
        put_u32(out, (uint32_t)m[i].page);
        put_f32(out, m[i].y);
        put_u32(out, (uint32_t)strlen(m[i].title));
        buf_puts(out, m[i].title);
    }
    return out->oom ? -1 : 0;
}

/* A cursor over one part; every read checks the bounds and a short read fails the part. */
typedef struct reader {
    const unsigned char *p, *end;
    int bad;
} reader;

static const unsigned char *take(reader *r, size_t n)
{
    if (r->bad || (size_t)(r->end - r->p) < n) {
        r->bad = 1;
        return NULL;
    }
    const unsigned char *at = r->p;
    r->p += n;
    return at;
}

static uint32_t get_u32(reader *r)
{
    const unsigned char *e = take(r, 4);
    return e ? (uint32_t)e[0] | (uint32_t)e[1] << 8 | (uint32_t)e[2] << 16 | (uint32_t)e[3] << 24
             : 0;
}

static float get_f32(reader *r)
{
    uint32_t v = get_u32(r);
    float f;
    memcpy(&f, &v, 4);
    return f;
}

/* Adds the part's pages, codes and bookmarks to the document p is writing. */
static int add_part(pdf_ctx *p, reader *r)
{
    int first = pdf_page_count(p);
    uint32_t npages = get_u32(r);
    for (uint32_t i = 0; i < npages && !r->bad && !pdf_failed(p); i++) {
        pdf_page_info pg;
        pg.width = get_f32(r);
        pg.height = get_f32(r);
        pg.faces = get_u32(r);
        pg.len = get_u32(r);
        pg.data = take(r, pg.len);
        if (!r->bad)
            pdf_add_packed_page(p, &pg);
    }
    font_usage used;
    const unsigned char *bits = take(r, sizeof used.bits);
    if (bits) {
        memcpy(used.bits, bits, sizeof used.bits);
        pdf_use_codes(p, &used);
    }
    uint32_t nmarks = get_u32(r);
    for (uint32_t i = 0; i < nmarks && !r->bad; i++) {
        int level = (int)get_u32(r), page = (int)get_u32(r);
        float y = get_f32(r);
        uint32_t tlen = get_u32(r);
        const unsigned char *t = take(r, tlen);
        char *title = t ? strndup((const char *)t, tlen) : NULL;
        if (title && page >= 0 && (uint32_t)page < npages)
            pdf_bookmark(p, level, title, first + page, y);
        free(title);
    }
    return r->bad || r->p != r->end ? -1 : 0;
}

int pdfpart_combine(pdf_ctx *p, const pdf_meta *meta, const pdfpart_in *parts, int n, int odd,
                    unsigned char **out, size_t *len, int *pages)
{
    *out = NULL;
    *len = 0;
    if (pdf_begin(p, meta) != 0)
        return -1;
    uint32_t fingerprint = font_fingerprint(pdf_fonts(p));
    for (int i = 0; i < n && !pdf_failed(p); i++) {
        reader r = {parts[i].data, parts[i].data + parts[i].len, 0};
        const unsigned char *m = take(&r, sizeof magic);
        if (!m || memcmp(m, magic, sizeof magic) != 0) {
            pdf_seterr(p, "часть %d объединяемого файла повреждена", i + 1);
            break;
        }
        if (get_u32(&r) != fingerprint) {
            pdf_seterr(p, "часть %d сделана с другими шрифтами", i + 1);
            break;
        }
        if (odd && pdf_page_count(p) % 2 == 1)
            pdf_add_page(p, 0);
        if (add_part(p, &r) != 0)
            pdf_seterr(p, "часть %d объединяемого файла повреждена", i + 1);
    }
    if (pdf_failed(p))
        return -1;
    *pages = pdf_page_count(p);
    return pdf_finish(p, out, len);
}
