/* font — fonts loaded once per process, coverage, widths, codes, embedded subsets; see font.h.
 *
 * Codes: every code point some face covers gets a code index k >= 1 (see build_codes),
 * written as two bytes big-endian; the same k is the CID and, in the subset we embed, the glyph
 * id (Identity-H, CIDToGIDMap /Identity). So a document needs no encoding CMap, no 128 KiB
 * CIDToGIDMap, widths only for the glyphs drawn, and one ToUnicode map for all its faces.
 * libharu is used here only to read the faces' cmap and metrics once, at load. */
#include "font.h"

#include <hpdf_conf.h>
#include <hpdf_doc.h>
#include <hpdf_fontdef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "pool.h"
#include "text.h"
#include "ttf.h"

#define FONT_CACHE 16        /* compressed subsets (and ToUnicode maps) remembered per face: at 1,000
                                * sheets 4 missed one face in five, 16 misses 30 of 2,002 */

typedef struct subset_entry {
    uint8_t bits[FONT_MAXCODES / 8];     /* the glyph set it was made for */
    font_blob blob;                      /* data owned */
    unsigned long age;                   /* last use, for replacement */
} subset_entry;

struct font_set {
    HPDF_Doc h;                          /* owned */
    font_errfn on_error;
    void *user;
    ttf_font *ttf[FONT_NFACES];          /* owned */
    font_metrics metrics[FONT_NFACES];
    uint16_t code_of_cp[65536];          /* code index of a BMP code point, 0 = none */
    uint16_t cp_of_code[FONT_MAXCODES];
    int ncodes;                          /* indices 1..ncodes are used */
    int16_t width[FONT_NFACES][FONT_MAXCODES];   /* -1: the face has no glyph */
    uint16_t gid[FONT_NFACES][FONT_MAXCODES];    /* glyph id of code k in the face's file */
    subset_entry cache[FONT_NFACES][FONT_CACHE];
    subset_entry cmaps[FONT_CACHE];      /* deflated ToUnicode maps, by the codes of all faces */
    unsigned long clock;
    uint32_t fingerprint;                /* font_fingerprint */
    int pooled;                          /* counted among the users of hpdf_pool */
};

static const char *const face_file[FONT_NFACES] = {
    "OtchetSerif-Regular", "OtchetSerif-Bold", "OtchetSerif-Italic", "OtchetSerif-BoldItalic",
    "OtchetSans-Regular", "OtchetSans-Bold",
};

const char *font_face_label(font_face f)
{
    return (unsigned)f < FONT_NFACES ? face_file[f] : "?";
}

/* libharu's objects (a dictionary, a name, a number: some 1,400 allocations and frees per
 * school sheet) come from a pool instead of malloc. libharu's free gives no size, so each
 * block starts with a header holding it. Its allocator takes no user pointer either: the
 * pool is the process's, made with the first font set and freed with the last. Under
 * AddressSanitizer there is no pool, so that libharu's blocks stay checked. */
#define HPDF_HEAD 16   /* the header, keeping blocks aligned as malloc's are */

static pool *hpdf_pool;
static int hpdf_pool_users;

static void *HPDF_STDCALL hpdf_alloc(HPDF_UINT size)
{
    size_t n = (size_t)size + HPDF_HEAD;
    char *b = hpdf_pool && n <= POOL_MAX ? pool_alloc(hpdf_pool, n) : malloc(n);
    if (!b)
        return NULL;
    memcpy(b, &n, sizeof n);
    return b + HPDF_HEAD;
}

static void HPDF_STDCALL hpdf_free(void *p)
{
    if (!p)
        return;
    char *b = (char *)p - HPDF_HEAD;
    size_t n;
    memcpy(&n, b, sizeof n);
    if (hpdf_pool && n <= POOL_MAX)
        pool_release(hpdf_pool, b, n);
    else
        free(b);
}

static void hpdf_pool_open(void)
{
    if (hpdf_pool_users++ > 0)
        return;
#ifndef __SANITIZE_ADDRESS__
    hpdf_pool = pool_new();   /* NULL (no memory): malloc serves every block */
#endif
}

static void hpdf_pool_close(void)
{
    if (--hpdf_pool_users == 0) {
        pool_free_all(hpdf_pool);
        hpdf_pool = NULL;
    }
}

static void on_hpdf_error(HPDF_STATUS code, HPDF_STATUS detail, void *user)
{
    font_set *fs = user;
    if (fs && fs->on_error)
        fs->on_error(fs->user, (unsigned long)code, (unsigned long)detail);
}

/* Code points our documents print most, which get the smallest codes: a subset's loca and
 * hmtx run up to its highest code, so a Russian text then needs ~200 entries, not ~800. */
static const uint32_t common_ranges[][2] = {
    {0x20, 0x7E}, {0xA0, 0xBB}, {0x401, 0x401}, {0x410, 0x44F}, {0x451, 0x451},
    {0x2013, 0x2014}, {0x2018, 0x201E}, {0x2022, 0x2026}, {0x2116, 0x2116}, {0x2212, 0x2212},
};

/* Gives code point cp the next code if some face covers it and it has none yet. Returns 0, or
 * -1 when the codes are exhausted. */
static int assign_code(font_set *fs, HPDF_FontDef defs[FONT_NFACES], uint32_t cp,
                       char err[FONT_ERRLEN])
{
    int any = 0;
    for (int f = 0; f < FONT_NFACES && !any; f++)
        any = HPDF_TTFontDef_GetGlyphid(defs[f], (HPDF_UINT16)cp) != 0;
    if (!any || fs->code_of_cp[cp] != 0)
        return 0;
    if (fs->ncodes + 1 >= FONT_MAXCODES) {
        snprintf(err, FONT_ERRLEN, "в шрифтах больше %d символов", FONT_MAXCODES - 1);
        return -1;
    }
    int k = ++fs->ncodes;
    fs->code_of_cp[cp] = (uint16_t)k;
    fs->cp_of_code[k] = (uint16_t)cp;
    for (int f = 0; f < FONT_NFACES; f++) {
        HPDF_UINT16 gid = HPDF_TTFontDef_GetGlyphid(defs[f], (HPDF_UINT16)cp);
        fs->width[f][k] = gid ? HPDF_TTFontDef_GetGidWidth(defs[f], gid) : -1;
        fs->gid[f][k] = gid;
    }
    return 0;
}

/* Marks in `maybe` (a bit per BMP code point) the code points inside some segment of a face's
 * cmap: only those can have a glyph, and looking up all 65,536 in six faces was most of
 * opening the fonts (done by every process). */
static void mark_segments(HPDF_FontDef defs[FONT_NFACES], uint8_t maybe[0x10000 / 8])
{
    memset(maybe, 0, 0x10000 / 8);
    for (int f = 0; f < FONT_NFACES; f++) {
        const HPDF_TTF_CmapRange *cmap = &((HPDF_TTFontDefAttr)defs[f]->attr)->cmap;
        for (unsigned i = 0; i < cmap->seg_count_x2 / 2u; i++)
            for (uint32_t cp = cmap->start_count[i]; cp <= cmap->end_count[i] && cp < 0xFFFF; cp++)
                maybe[cp >> 3] |= (uint8_t)(1u << (cp & 7));
    }
}

/* Scans the BMP of every face once: codes for the common code points first, then for every
 * other one any face covers, in code point order; fills the width and glyph tables. Returns 0
 * or -1 (too many code points). */
static int build_codes(font_set *fs, HPDF_FontDef defs[FONT_NFACES], char err[FONT_ERRLEN])
{
    for (size_t r = 0; r < sizeof common_ranges / sizeof *common_ranges; r++)
        for (uint32_t cp = common_ranges[r][0]; cp <= common_ranges[r][1]; cp++)
            if (assign_code(fs, defs, cp, err) != 0)
                return -1;
    uint8_t maybe[0x10000 / 8];
    mark_segments(defs, maybe);
    for (uint32_t cp = 0x20; cp < 0xFFFF; cp++)
        if ((maybe[cp >> 3] >> (cp & 7) & 1) && assign_code(fs, defs, cp, err) != 0)
            return -1;
    return 0;
}

/* ---- embedded subsets ------------------------------------------------------------------ */

/* Six capital letters naming a subset, from its face and glyph set: the same subset always has
 * the same tag (reproducible files), different subsets of a face almost never do. */
static void subset_tag(font_face f, const uint8_t *bits, char tag[7])
{
    uint64_t h = 1469598103934665603u ^ (uint64_t)f;
    for (size_t i = 0; i < FONT_MAXCODES / 8; i++)
        h = (h ^ bits[i]) * 1099511628211u;
    for (int i = 0; i < 6; i++, h /= 26)
        tag[i] = (char)('A' + h % 26);
    tag[6] = '\0';
}

/* Deflates raw into b (data, len, raw_len). Returns 0 or -1 (no memory). */
static int deflate_blob(const buf *raw, font_blob *b)
{
    uLongf len = compressBound(raw->len);
    unsigned char *z = raw->oom ? NULL : malloc(len);
    if (!z || compress2(z, &len, (const Bytef *)raw->data, raw->len, Z_BEST_COMPRESSION) != Z_OK) {
        free(z);
        return -1;
    }
    b->data = z;
    b->len = len;
    b->raw_len = raw->len;
    return 0;
}

/* Deflates the TrueType subset of face f whose glyph k is code k's glyph, for the codes in
 * `bits`, into *b. Returns 0 or -1 with err. */
static int make_subset(const font_set *fs, font_face f, const uint8_t *bits, font_blob *b,
                       char err[FONT_ERRLEN])
{
    unsigned n = 1;
    for (int k = 1; k <= fs->ncodes; k++)
        if (bits[k >> 3] >> (k & 7) & 1)
            n = (unsigned)k + 1;
    uint16_t map[FONT_MAXCODES];
    map[0] = TTF_NONE;
    for (unsigned k = 1; k < n; k++)
        map[k] = bits[k >> 3] >> (k & 7) & 1 ? fs->gid[f][k] : TTF_NONE;
    buf raw = BUF_INIT;
    int rc = ttf_subset(fs->ttf[f], map, n, &raw);
    if (rc != 0 || deflate_blob(&raw, b) != 0) {
        snprintf(err, FONT_ERRLEN, "не удалось записать подмножество шрифта %s", face_file[f]);
        buf_free(&raw);
        return -1;
    }
    subset_tag(f, bits, b->tag);
    buf_free(&raw);
    return 0;
}

/* The entry of cache[0..FONT_CACHE) made for `bits` (marked as just used), or NULL with *lru
 * set to the least recently used entry, emptied for the caller to fill. */
static subset_entry *cache_find(font_set *fs, subset_entry *cache, const uint8_t *bits,
                                subset_entry **lru)
{
    *lru = &cache[0];
    for (int i = 0; i < FONT_CACHE; i++) {
        subset_entry *e = &cache[i];
        if (e->blob.data && memcmp(e->bits, bits, sizeof e->bits) == 0) {
            e->age = ++fs->clock;
            return e;
        }
        if (e->age < (*lru)->age)
            *lru = e;
    }
    free((*lru)->blob.data);
    (*lru)->blob.data = NULL;
    return NULL;
}

/* Records that *slot now holds the blob for `bits`. */
static const font_blob *cache_fill(font_set *fs, subset_entry *slot, const uint8_t *bits)
{
    memcpy(slot->bits, bits, sizeof slot->bits);
    slot->age = ++fs->clock;
    return &slot->blob;
}

const font_blob *font_embed(font_set *fs, font_face f, const font_usage *u,
                            char err[FONT_ERRLEN])
{
    const uint8_t *bits = u->bits[f];
    subset_entry *slot, *hit = cache_find(fs, fs->cache[f], bits, &slot);
    if (hit)
        return &hit->blob;
    if (make_subset(fs, f, bits, &slot->blob, err) != 0)
        return NULL;
    return cache_fill(fs, slot, bits);
}

const font_metrics *font_face_metrics(const font_set *fs, font_face f)
{
    return &fs->metrics[f];
}

/* The fingerprint of the codes and widths, made once when the fonts are opened. */
static uint32_t fingerprint(const font_set *fs)
{
    uint32_t h = 2166136261u;
    for (int k = 1; k <= fs->ncodes; k++)
        for (int f = 0; f < FONT_NFACES; f++)
            h = (h ^ (uint32_t)(fs->cp_of_code[k] * 31u + (uint16_t)fs->width[f][k])) * 16777619u;
    return h;
}

uint32_t font_fingerprint(const font_set *fs)
{
    return fs->fingerprint;   /* every part a sheet hands over carries it */
}

int font_ncodes(const font_set *fs)
{
    return fs->ncodes;
}

int font_code_width(const font_set *fs, font_face f, int k)
{
    return k >= 1 && k <= fs->ncodes ? fs->width[f][k] : -1;
}

/* Reads the file of face f: its tables for subsets and, through libharu, cmap and metrics. */
static int load_face(font_set *fs, font_face f, const char *dir, HPDF_FontDef *def,
                     char err[FONT_ERRLEN])
{
    char path[4096], terr[TTF_ERRLEN];
    snprintf(path, sizeof path, "%s/%s.ttf", dir, face_file[f]);
    buf data = BUF_INIT;
    FILE *in = fopen(path, "rb");     /* libharu's own message would not name the file */
    if (!in) {
        snprintf(err, FONT_ERRLEN, "нет файла шрифта %.160s (соберите: make fonts)", path);
        return -1;
    }
    char chunk[65536];
    size_t got;
    while ((got = fread(chunk, 1, sizeof chunk, in)) > 0)
        buf_append(&data, chunk, got);
    fclose(in);
    fs->ttf[f] = data.oom ? NULL : ttf_open((unsigned char *)data.data, data.len, terr);
    buf_free(&data);
    if (!fs->ttf[f]) {
        snprintf(err, FONT_ERRLEN, "шрифт %.120s: %.100s", path, data.oom ? "нет памяти" : terr);
        return -1;
    }
    const char *name = HPDF_LoadTTFontFromFile(fs->h, path, HPDF_FALSE);
    *def = name ? HPDF_GetFontDef(fs->h, name) : NULL;
    if (!*def) {
        snprintf(err, FONT_ERRLEN, "libharu не загрузил шрифт %.160s", path);
        return -1;
    }
    HPDF_FontDef d = *def;
    fs->metrics[f] = (font_metrics){d->ascent, d->descent, d->flags,
        {(int)d->font_bbox.left, (int)d->font_bbox.bottom, (int)d->font_bbox.right,
         (int)d->font_bbox.top}, d->italic_angle, d->stemv, d->x_height, d->cap_height};
    return 0;
}

font_set *font_open(const char *dir, font_errfn on_error, void *user, char err[FONT_ERRLEN])
{
    HPDF_FontDef defs[FONT_NFACES];
    font_set *fs = calloc(1, sizeof *fs);
    if (!fs) {
        snprintf(err, FONT_ERRLEN, "нет памяти");
        return NULL;
    }
    hpdf_pool_open();
    fs->pooled = 1;
    fs->h = HPDF_NewEx(on_hpdf_error, hpdf_alloc, hpdf_free, 0, fs);
    if (!fs->h) {
        snprintf(err, FONT_ERRLEN, "libharu: не удалось создать документ");
        goto fail;
    }
    for (int f = 0; f < FONT_NFACES; f++)
        if (load_face(fs, (font_face)f, dir, &defs[f], err) != 0)
            goto fail;
    if (build_codes(fs, defs, err) != 0)
        goto fail;
    fs->fingerprint = fingerprint(fs);
    fs->on_error = on_error;   /* only now: errors while loading are reported through err */
    fs->user = user;
    return fs;
fail:
    font_close(fs);
    return NULL;
}

void font_close(font_set *fs)
{
    if (!fs)
        return;
    if (fs->h)
        HPDF_Free(fs->h);
    if (fs->pooled)
        hpdf_pool_close();   /* after HPDF_Free: every block of the handle is back */
    for (int f = 0; f < FONT_NFACES; f++) {
        ttf_close(fs->ttf[f]);
        for (int i = 0; i < FONT_CACHE; i++)
            free(fs->cache[f][i].blob.data);
    }
    for (int i = 0; i < FONT_CACHE; i++)
        free(fs->cmaps[i].blob.data);
    free(fs);
}

HPDF_Doc font_handle(const font_set *fs)
{
    return fs->h;
}

int font_code_of(const font_set *fs, uint32_t cp)
{
    return cp <= 0xFFFF ? fs->code_of_cp[cp] : 0;
}

int font_width(const font_set *fs, font_face f, uint32_t cp)
{
    int k = (unsigned)f < FONT_NFACES ? font_code_of(fs, cp) : 0;
    return k ? fs->width[f][k] : -1;
}

float font_text_width(const font_set *fs, font_face f, float size, const char *s, size_t n)
{
    long units = 0;
    size_t i = 0;
    while (i < n) {
        uint32_t cp;
        int len = txt_utf8_decode((const unsigned char *)s + i, n - i, &cp);
        if (len == 0)
            len = 1;
        else {
            int w = font_width(fs, f, cp);
            units += w > 0 ? w : 0;
        }
        i += (size_t)len;
    }
    return (float)units * size / 1000.0f;
}

static void missing_char(font_face f, uint32_t cp, char err[FONT_ERRLEN])
{
    buf b = BUF_INIT;
    if (cp >= 0x20 && cp != 0x7F)
        txt_utf8_put(&b, cp);
    snprintf(err, FONT_ERRLEN, "символа «%s» (U+%04X) нет в шрифте %s", b.data ? b.data : "",
             (unsigned)cp, font_face_label(f));
    buf_free(&b);
}

/* Walks s[0..n): for each character, its code index in face f, or an error. */
static int next_code(const font_set *fs, font_face f, const unsigned char *s, size_t n,
                     size_t *i, int *k, char err[FONT_ERRLEN])
{
    uint32_t cp;
    int len = txt_utf8_next(s + *i, n - *i, &cp);
    if (len == 0) {
        snprintf(err, FONT_ERRLEN, "испорченный UTF-8 (байт 0x%02X)", s[*i]);
        return -1;
    }
    *i += (size_t)len;
    *k = font_code_of(fs, cp);
    if (*k == 0 || fs->width[f][*k] < 0) {
        missing_char(f, cp, err);
        return -1;
    }
    return 0;
}

int font_check(const font_set *fs, font_face f, const char *s, size_t n, char err[FONT_ERRLEN])
{
    size_t i = 0;
    int k;
    while (i < n)
        if (next_code(fs, f, (const unsigned char *)s, n, &i, &k, err) != 0)
            return -1;
    return 0;
}

int font_encode(const font_set *fs, font_face f, const char *s, size_t n, buf *out,
                font_usage *used, long *units, char err[FONT_ERRLEN])
{
    size_t i = 0, start = out->len;
    long sum = 0;
    int k;
    uint8_t *bits = used->bits[f];
    if (buf_reserve(out, 2 * n) != 0) {      /* at most two bytes per byte of UTF-8 */
        snprintf(err, FONT_ERRLEN, "нет памяти");
        return -1;
    }
    unsigned char *w = (unsigned char *)out->data + start;
    while (i < n) {
        if (next_code(fs, f, (const unsigned char *)s, n, &i, &k, err) != 0) {
            out->data[start] = '\0';
            return -1;
        }
        *w++ = (unsigned char)(k >> 8);
        *w++ = (unsigned char)(k & 0xFF);
        bits[k >> 3] |= (uint8_t)(1u << (k & 7));
        sum += fs->width[f][k];
    }
    out->len = (size_t)(w - (unsigned char *)out->data);
    out->data[out->len] = '\0';
    if (units)
        *units = sum;
    return 0;
}

/* Code k was drawn in some face (the ToUnicode map is shared by all faces). */
static int is_used(const font_usage *u, int k)
{
    for (int f = 0; f < FONT_NFACES; f++)
        if ((u->bits[f][k >> 3] >> (k & 7)) & 1)
            return 1;
    return 0;
}

/* Writes the used codes as bfchar entries, in blocks of at most 100. Not bfrange: Ghostscript
 * 10.0 keeps only the low byte of a bfrange's destination (its text of «р» came out "@"). */
static void write_blocks(const font_set *fs, const font_usage *u, buf *out)
{
    int group[100], ng = 0;
    for (int k = 1; k <= fs->ncodes + 1; k++) {
        if (k <= fs->ncodes && is_used(u, k))
            group[ng++] = k;
        if (ng == 100 || (k > fs->ncodes && ng > 0)) {
            buf_printf(out, "%d beginbfchar\n", ng);
            for (int g = 0; g < ng; g++)
                buf_printf(out, "<%04X> <%04X>\n", group[g], fs->cp_of_code[group[g]]);
            buf_puts(out, "endbfchar\n");
            ng = 0;
        }
    }
}

void font_tounicode(const font_set *fs, const font_usage *used, buf *out)
{
    buf_puts(out, "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
                  "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
                  "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
                  "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n");
    write_blocks(fs, used, out);
    buf_puts(out, "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
}

const font_blob *font_tounicode_embed(font_set *fs, const font_usage *used, char err[FONT_ERRLEN])
{
    uint8_t any[FONT_MAXCODES / 8];
    for (size_t b = 0; b < sizeof any; b++) {
        uint8_t v = 0;
        for (int f = 0; f < FONT_NFACES; f++)
            v |= used->bits[f][b];
        any[b] = v;
    }
    subset_entry *slot, *hit = cache_find(fs, fs->cmaps, any, &slot);
    if (hit)
        return &hit->blob;
    buf text = BUF_INIT;
    font_tounicode(fs, used, &text);
    int rc = deflate_blob(&text, &slot->blob);
    buf_free(&text);
    if (rc != 0) {
        snprintf(err, FONT_ERRLEN, "нет памяти для ToUnicode");
        return NULL;
    }
    return cache_fill(fs, slot, any);
}
