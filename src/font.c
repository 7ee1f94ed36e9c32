/* font — fonts loaded once per process, coverage, widths, the OTCHET-H encoding; see font.h.
 *
 * Why our own encoding: with libharu's UTF-8 encoder every HPDF_GetFont walks all 65,536 BMP
 * code points and writes a 128 KiB CIDToGIDMap per font per document (~3.4 ms per face). A
 * two-byte CMap encoding holding only the ~800 code points the fonts cover costs ~0.2 ms, keeps
 * full Unicode (every covered code point has a code) and lets us write a correct ToUnicode map.
 * Codes: lead byte 0x81 + k/128, trail byte 0x80 + k%128 for code index k >= 1 (never NUL). */
#include "font.h"

#include <hpdf_conf.h>
#include <hpdf_doc.h>
#include <hpdf_encoder.h>
#include <hpdf_fontdef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

struct font_set {
    HPDF_Doc h;                          /* owned */
    font_errfn on_error;
    void *user;
    const char *names[FONT_NFACES];      /* owned by h */
    HPDF_FontDef defs[FONT_NFACES];      /* owned by h */
    uint32_t subset_fixed[FONT_NFACES];  /* subset bytes besides glyf, see subset_fixed_size */
    int subset_tail_empty[FONT_NFACES];  /* the subset ends with an empty table */
    uint16_t code_of_cp[65536];          /* code index of a BMP code point, 0 = none */
    uint16_t cp_of_code[FONT_MAXCODES];
    int ncodes;                          /* indices 1..ncodes are used */
    int16_t width[FONT_NFACES][FONT_MAXCODES];   /* -1: the face has no glyph */
};

static const char *const face_file[FONT_NFACES] = {
    "OtchetSerif-Regular", "OtchetSerif-Bold", "OtchetSerif-Italic", "OtchetSerif-BoldItalic",
    "OtchetSans-Regular", "OtchetSans-Bold",
};

const char *font_face_label(font_face f)
{
    return (unsigned)f < FONT_NFACES ? face_file[f] : "?";
}

static uint16_t code_of_index(int k)
{
    return (uint16_t)(((0x81 + (k >> 7)) << 8) | (0x80 | (k & 0x7F)));
}

static void on_hpdf_error(HPDF_STATUS code, HPDF_STATUS detail, void *user)
{
    font_set *fs = user;
    if (fs && fs->on_error)
        fs->on_error(fs->user, (unsigned long)code, (unsigned long)detail);
}

static HPDF_BOOL is_lead(HPDF_Encoder e, HPDF_BYTE b)
{
    (void)e;
    return b >= 0x81 && b <= 0xFE;
}

static HPDF_BOOL is_trail(HPDF_Encoder e, HPDF_BYTE b)
{
    (void)e;
    return b >= 0x80;
}

/* libharu calls this for every document that uses the encoding (it re-creates the encoder's
 * tables after HPDF_NewDoc). The font set comes back through the handle's error user data. */
static HPDF_STATUS encoder_init(HPDF_Encoder enc)
{
    font_set *fs = enc->error->user_data;
    HPDF_STATUS rc = HPDF_CMapEncoder_InitAttr(enc);
    if (rc != HPDF_OK)
        return rc;
    HPDF_CMapEncoderAttr a = enc->attr;
    HPDF_UnicodeMap_Rec map[FONT_MAXCODES + 1];
    HPDF_CidRange_Rec ranges[FONT_MAXCODES / 128 + 2];
    int nr = 0;
    for (int k = 1; k <= fs->ncodes; k++) {
        map[k - 1].code = code_of_index(k);
        map[k - 1].unicode = fs->cp_of_code[k];
    }
    map[fs->ncodes].code = 0xFFFF;
    map[fs->ncodes].unicode = 0xFFFF;
    HPDF_CMapEncoder_SetUnicodeArray(enc, map);
    for (int k = 1; k <= fs->ncodes; nr++) {
        int last = (k | 127) < fs->ncodes ? (k | 127) : fs->ncodes;   /* same lead byte */
        ranges[nr] = (HPDF_CidRange_Rec){code_of_index(k), code_of_index(last), (HPDF_UINT16)k};
        k = last + 1;
    }
    ranges[nr] = (HPDF_CidRange_Rec){0xFFFF, 0xFFFF, 0};
    if (HPDF_CMapEncoder_AddCMap(enc, ranges) != HPDF_OK ||
        HPDF_CMapEncoder_AddCodeSpaceRange(enc, (HPDF_CidRange_Rec){0x8180, 0xFEFF, 0}) != HPDF_OK ||
        HPDF_CMapEncoder_AddNotDefRange(enc, (HPDF_CidRange_Rec){0x8180, 0x8180, 0}) != HPDF_OK)
        return enc->error->error_no;
    a->is_lead_byte_fn = is_lead;
    a->is_trial_byte_fn = is_trail;
    strcpy(a->registry, "Adobe");
    strcpy(a->ordering, "Identity");
    a->suppliment = 0;
    a->uid_offset = -1;
    a->writing_mode = HPDF_WMODE_HORIZONTAL;
    enc->type = HPDF_ENCODER_TYPE_DOUBLE_BYTE;
    return HPDF_OK;
}

/* Scans the BMP of every face once: assigns code indices to the union of covered code points
 * (in code point order) and fills the width table. Returns 0 or -1 (too many code points). */
static int build_codes(font_set *fs, HPDF_FontDef defs[FONT_NFACES], char err[FONT_ERRLEN])
{
    for (uint32_t cp = 0x20; cp < 0xFFFF; cp++) {
        int any = 0;
        for (int f = 0; f < FONT_NFACES && !any; f++)
            any = HPDF_TTFontDef_GetGlyphid(defs[f], (HPDF_UINT16)cp) != 0;
        if (!any)
            continue;
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
        }
    }
    return 0;
}

/* ---- embedded subsets ----------------------------------------------------------------------
 * libharu 2.3.0 embeds a face as a TrueType subset (HPDF_TTFontDef_SaveFontData): it writes the
 * 13 tables below, in this order, to a temporary memory stream made of 4096-byte blocks (a table
 * the font lacks as an empty one: ours lack cvt, fpgm and prep, their hinting is stripped), then
 * seeks to each table to checksum it. The seek to an empty last table lands on the very end of
 * the stream, and when the stream is an exact multiple of 4096 bytes HPDF_MemStream_SeekFunc
 * looks up a block that does not exist and fails with HPDF_INVALID_OBJECT (libharu issue #305,
 * fixed after 2.4.4). The size depends on which glyphs a document drew (each an even number
 * of bytes), so in the three faces whose other tables add up to an even size about one document
 * in 2048 could not be saved at all. We compute the size beforehand and, in that case only, add
 * one small glyph the document did not use. */

#define SUBSET_NTABLES 13
#define SUBSET_DIR (12 + 16 * SUBSET_NTABLES)    /* sfnt header and table directory */

static const char subset_tags[SUBSET_NTABLES][5] = {
    "OS/2", "cmap", "cvt ", "fpgm", "glyf", "head", "hhea", "hmtx", "loca", "maxp", "name",
    "post", "prep",
};

static const HPDF_TTFTable *find_table(HPDF_TTFontDefAttr a, const char *tag)
{
    for (unsigned i = 0; i < a->offset_tbl.num_tables; i++)
        if (memcmp(a->offset_tbl.table[i].tag, tag, 4) == 0)
            return &a->offset_tbl.table[i];
    return NULL;
}

/* Bytes of the subset's tables other than glyf, as libharu writes them: head rewritten (54
 * bytes), loca rebuilt for every glyph, name rebuilt with the subset tag ("HPDFAA+") put
 * before names 1 and 4, the others copied whole. */
static uint32_t subset_fixed_size(HPDF_FontDef def)
{
    HPDF_TTFontDefAttr a = def->attr;
    uint32_t n = 54 + (a->num_glyphs + 1u) * (a->header.index_to_loc_format ? 4u : 2u);
    n += 6 + 12u * a->name_tbl.count;
    for (unsigned i = 0; i < a->name_tbl.count; i++) {
        const HPDF_TTF_NameRecord *r = &a->name_tbl.name_records[i];
        n += r->length;
        if (r->name_id == 1 || r->name_id == 4)
            n += (r->platform_id == 0 || r->platform_id == 3) ? sizeof a->tag_name2
                                                                : sizeof a->tag_name;
    }
    for (int t = 0; t < SUBSET_NTABLES; t++) {
        const char *tag = subset_tags[t];
        const HPDF_TTFTable *tb = find_table(a, tag);
        if (tb && strcmp(tag, "head") != 0 && strcmp(tag, "glyf") != 0 &&
            strcmp(tag, "loca") != 0 && strcmp(tag, "name") != 0)
            n += tb->length;
    }
    return n;
}

static uint32_t glyph_bytes(HPDF_TTFontDefAttr a, unsigned g)
{
    uint32_t len = a->glyph_tbl.offsets[g + 1] - a->glyph_tbl.offsets[g];
    return a->header.index_to_loc_format ? len : 2 * len;
}

/* Records what libharu's subset of face f will look like (called once, at load). */
static void subset_init(font_set *fs, font_face f, HPDF_FontDef def)
{
    const HPDF_TTFTable *last = find_table(def->attr, subset_tags[SUBSET_NTABLES - 1]);
    fs->defs[f] = def;
    fs->subset_fixed[f] = subset_fixed_size(def);
    fs->subset_tail_empty[f] = !last || last->length == 0;
}

unsigned long font_subset_size(const font_set *fs, font_face f)
{
    HPDF_TTFontDefAttr a = fs->defs[f]->attr;
    unsigned long n = SUBSET_DIR + fs->subset_fixed[f];
    for (unsigned g = 0; g < a->num_glyphs; g++)
        if (a->glyph_tbl.flgs[g] == 1)   /* drawn in this document (libharu marks them) */
            n += glyph_bytes(a, g);
    return n;
}

void font_subset_prepare(const font_set *fs, font_face f)
{
    if (!fs->subset_tail_empty[f] ||
        (font_subset_size(fs, f) - SUBSET_DIR) % HPDF_STREAM_BUF_SIZ != 0)
        return;
    HPDF_TTFontDefAttr a = fs->defs[f]->attr;
    unsigned pad = 0;
    for (unsigned g = 1; g < a->num_glyphs; g++) {
        uint32_t len = glyph_bytes(a, g);
        if (a->glyph_tbl.flgs[g] != 1 && len % HPDF_STREAM_BUF_SIZ != 0 &&
            (pad == 0 || len < glyph_bytes(a, pad)))
            pad = g;
    }
    if (pad)
        a->glyph_tbl.flgs[pad] = 1;   /* never drawn; libharu clears the marks per document */
}

HPDF_FontDef font_def(const font_set *fs, font_face f)
{
    return fs->defs[f];
}

font_set *font_open(const char *dir, font_errfn on_error, void *user, char err[FONT_ERRLEN])
{
    HPDF_FontDef defs[FONT_NFACES];
    font_set *fs = calloc(1, sizeof *fs);
    if (!fs) {
        snprintf(err, FONT_ERRLEN, "нет памяти");
        return NULL;
    }
    fs->h = HPDF_New(on_hpdf_error, fs);
    if (!fs->h) {
        snprintf(err, FONT_ERRLEN, "libharu: не удалось создать документ");
        goto fail;
    }
    for (int f = 0; f < FONT_NFACES; f++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s.ttf", dir, face_file[f]);
        FILE *probe = fopen(path, "rb");     /* libharu's own message would not name the file */
        if (!probe) {
            snprintf(err, FONT_ERRLEN, "нет файла шрифта %.160s (соберите: make fonts)", path);
            goto fail;
        }
        fclose(probe);
        fs->names[f] = HPDF_LoadTTFontFromFile(fs->h, path, HPDF_TRUE);
        defs[f] = fs->names[f] ? HPDF_GetFontDef(fs->h, fs->names[f]) : NULL;
        if (!defs[f]) {
            snprintf(err, FONT_ERRLEN, "libharu не загрузил шрифт %.160s", path);
            goto fail;
        }
        subset_init(fs, (font_face)f, defs[f]);
    }
    if (build_codes(fs, defs, err) != 0)
        goto fail;
    HPDF_Encoder enc = HPDF_CMapEncoder_New(fs->h->mmgr, (char *)FONT_ENCODING, encoder_init);
    if (!enc || HPDF_Doc_RegisterEncoder(fs->h, enc) != HPDF_OK) {
        snprintf(err, FONT_ERRLEN, "libharu: не удалось зарегистрировать кодировку");
        goto fail;
    }
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
    free(fs);
}

HPDF_Doc font_handle(const font_set *fs)
{
    return fs->h;
}

const char *font_name(const font_set *fs, font_face f)
{
    return fs->names[f];
}

int font_width(const font_set *fs, font_face f, uint32_t cp)
{
    if (cp > 0xFFFF || (unsigned)f >= FONT_NFACES)
        return -1;
    int k = fs->code_of_cp[cp];
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
    int len = txt_utf8_decode(s + *i, n - *i, &cp);
    if (len == 0) {
        snprintf(err, FONT_ERRLEN, "испорченный UTF-8 (байт 0x%02X)", s[*i]);
        return -1;
    }
    *i += (size_t)len;
    *k = cp <= 0xFFFF ? fs->code_of_cp[cp] : 0;
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
                font_usage *used, char err[FONT_ERRLEN])
{
    size_t i = 0, start = out->len;
    int k;
    while (i < n) {
        if (next_code(fs, f, (const unsigned char *)s, n, &i, &k, err) != 0) {
            out->len = start;
            if (out->data)
                out->data[start] = '\0';
            return -1;
        }
        uint16_t c = code_of_index(k);
        char two[2] = {(char)(c >> 8), (char)(c & 0xFF)};
        buf_append(out, two, 2);
        used->bits[k >> 3] |= (uint8_t)(1u << (k & 7));
    }
    return 0;
}

static int is_used(const font_usage *u, int k)
{
    return (u->bits[k >> 3] >> (k & 7)) & 1;
}

/* Length of the bfrange run starting at code index k: consecutive used codes with the same
 * lead byte whose code points are consecutive and stay within one low byte. */
static int run_length(const font_set *fs, const font_usage *u, int k)
{
    int n = 1;
    while (k + n <= fs->ncodes && is_used(u, k + n) && ((k + n) >> 7) == (k >> 7) &&
           fs->cp_of_code[k + n] == fs->cp_of_code[k] + n &&
           (fs->cp_of_code[k + n] >> 8) == (fs->cp_of_code[k] >> 8))
        n++;
    return n;
}

/* Writes one kind of block ("bfrange" when ranges, else "bfchar") in groups of <= 100. */
static void write_blocks(const font_set *fs, const font_usage *u, int ranges, buf *out)
{
    int group[100][2], ng = 0;
    for (int k = 1; k <= fs->ncodes + 1; k++) {
        int len = 0;
        if (k <= fs->ncodes && is_used(u, k)) {
            len = run_length(fs, u, k);
            if ((len > 1) == (ranges != 0)) {
                group[ng][0] = k;
                group[ng][1] = len;
                ng++;
            }
        }
        if (ng == 100 || (k > fs->ncodes && ng > 0)) {
            buf_printf(out, "%d begin%s\n", ng, ranges ? "bfrange" : "bfchar");
            for (int g = 0; g < ng; g++) {
                int a = group[g][0], b = a + group[g][1] - 1;
                if (ranges)
                    buf_printf(out, "<%04X> <%04X> <%04X>\n", code_of_index(a), code_of_index(b),
                               fs->cp_of_code[a]);
                else
                    buf_printf(out, "<%04X> <%04X>\n", code_of_index(a), fs->cp_of_code[a]);
            }
            buf_printf(out, "end%s\n", ranges ? "bfrange" : "bfchar");
            ng = 0;
        }
        if (len > 1)
            k += len - 1;
    }
}

void font_tounicode(const font_set *fs, const font_usage *used, buf *out)
{
    buf_puts(out, "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
                  "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
                  "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
                  "1 begincodespacerange\n<8180> <FEFF>\nendcodespacerange\n");
    write_blocks(fs, used, 0, out);
    write_blocks(fs, used, 1, out);
    buf_puts(out, "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
}
