/* ttf — TrueType tables in, subset out; see ttf.h.
 *
 * Why our own subsetter: libharu 2.3.0 writes every table of the face for each document (cmap,
 * name, post, OS/2 … and loca/hmtx of all glyphs), fails on some subset sizes (issue #305) and
 * deflates it each time. A subset with only the drawn glyphs, renumbered to the document's
 * codes, is a third of the size and, being a pure function of the glyph set, can be cached. */
#include "ttf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { T_CVT, T_FPGM, T_GLYF, T_HEAD, T_HHEA, T_HMTX, T_LOCA, T_MAXP, T_PREP, T_COUNT };

/* In the order the table directory must list them (sorted by tag). */
static const char table_tag[T_COUNT][5] = {
    "cvt ", "fpgm", "glyf", "head", "hhea", "hmtx", "loca", "maxp", "prep",
};

struct ttf_font {
    unsigned char *data;               /* owned copy of the file */
    size_t len;
    const unsigned char *table[T_COUNT];   /* into data; NULL = absent */
    uint32_t table_len[T_COUNT];
    unsigned num_glyphs;
    unsigned num_hmetrics;
    uint32_t *loca;                    /* owned, num_glyphs + 1 offsets into glyf */
};

static unsigned get16(const unsigned char *p)
{
    return (unsigned)p[0] << 8 | p[1];
}

static uint32_t get32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put16(unsigned char *p, unsigned v)
{
    p[0] = (unsigned char)(v >> 8);
    p[1] = (unsigned char)v;
}

static void put32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

/* Finds the tables we copy; the six a CIDFontType2 needs must be there and inside the file. */
static int read_directory(ttf_font *t, char err[TTF_ERRLEN])
{
    if (t->len < 12) {
        snprintf(err, TTF_ERRLEN, "файл короче заголовка TrueType");
        return -1;
    }
    unsigned n = get16(t->data + 4);
    if (get32(t->data) != 0x00010000u || 12 + 16 * (size_t)n > t->len) {
        snprintf(err, TTF_ERRLEN, "не шрифт TrueType с контурами glyf");
        return -1;
    }
    for (unsigned i = 0; i < n; i++) {
        const unsigned char *rec = t->data + 12 + 16 * i;
        uint32_t off = get32(rec + 8), len = get32(rec + 12);
        for (int k = 0; k < T_COUNT; k++) {
            if (memcmp(rec, table_tag[k], 4) != 0)
                continue;
            if (off > t->len || len > t->len - off) {
                snprintf(err, TTF_ERRLEN, "таблица %s выходит за конец файла", table_tag[k]);
                return -1;
            }
            t->table[k] = t->data + off;
            t->table_len[k] = len;
        }
    }
    static const int required[] = {T_GLYF, T_HEAD, T_HHEA, T_HMTX, T_LOCA, T_MAXP};
    static const uint32_t min_len[] = {0, 54, 36, 4, 4, 6};
    for (size_t i = 0; i < sizeof required / sizeof *required; i++)
        if (!t->table[required[i]] || t->table_len[required[i]] < min_len[i]) {
            snprintf(err, TTF_ERRLEN, "нет таблицы %s", table_tag[required[i]]);
            return -1;
        }
    return 0;
}

/* Reads loca into offsets and checks every glyph: inside glyf, not composite. */
static int read_glyphs(ttf_font *t, char err[TTF_ERRLEN])
{
    int long_loca = get16(t->table[T_HEAD] + 50) != 0;
    t->num_glyphs = get16(t->table[T_MAXP] + 4);
    t->num_hmetrics = get16(t->table[T_HHEA] + 34);
    size_t need = (size_t)(t->num_glyphs + 1) * (long_loca ? 4 : 2);
    if (t->num_glyphs == 0 || t->table_len[T_LOCA] < need || t->num_hmetrics == 0 ||
        t->num_hmetrics > t->num_glyphs ||
        t->table_len[T_HMTX] < 4 * t->num_hmetrics + 2 * (t->num_glyphs - t->num_hmetrics)) {
        snprintf(err, TTF_ERRLEN, "таблицы loca/hmtx короче числа глифов");
        return -1;
    }
    t->loca = malloc((t->num_glyphs + 1) * sizeof *t->loca);
    if (!t->loca) {
        snprintf(err, TTF_ERRLEN, "нет памяти");
        return -1;
    }
    const unsigned char *l = t->table[T_LOCA];
    for (unsigned g = 0; g <= t->num_glyphs; g++)
        t->loca[g] = long_loca ? get32(l + 4 * g) : 2 * (uint32_t)get16(l + 2 * g);
    for (unsigned g = 0; g < t->num_glyphs; g++) {
        uint32_t a = t->loca[g], b = t->loca[g + 1];
        if (a > b || b > t->table_len[T_GLYF] || (b > a && b - a < 10)) {
            snprintf(err, TTF_ERRLEN, "глиф %u за пределами таблицы glyf", g);
            return -1;
        }
        if (b > a && (int16_t)get16(t->table[T_GLYF] + a) < 0) {
            snprintf(err, TTF_ERRLEN, "глиф %u составной (разберите его при сборке шрифта)", g);
            return -1;
        }
    }
    return 0;
}

ttf_font *ttf_open(const unsigned char *data, size_t len, char err[TTF_ERRLEN])
{
    ttf_font *t = calloc(1, sizeof *t);
    if (!t || !(t->data = malloc(len ? len : 1))) {
        snprintf(err, TTF_ERRLEN, "нет памяти");
        free(t);
        return NULL;
    }
    memcpy(t->data, data, len);
    t->len = len;
    if (read_directory(t, err) != 0 || read_glyphs(t, err) != 0) {
        ttf_close(t);
        return NULL;
    }
    return t;
}

void ttf_close(ttf_font *t)
{
    if (!t)
        return;
    free(t->loca);
    free(t->data);
    free(t);
}

unsigned ttf_num_glyphs(const ttf_font *t)
{
    return t->num_glyphs;
}

static uint32_t checksum(const unsigned char *p, size_t len)
{
    uint32_t sum = 0;
    size_t i = 0;
    for (; i + 4 <= len; i += 4)
        sum += get32(p + i);
    if (i < len) {
        unsigned char last[4] = {0};
        memcpy(last, p + i, len - i);
        sum += get32(last);
    }
    return sum;
}

/* Advance width and left side bearing of source glyph g. */
static void metrics(const ttf_font *t, unsigned g, unsigned char out[4])
{
    const unsigned char *h = t->table[T_HMTX];
    unsigned last = t->num_hmetrics - 1;
    memcpy(out, h + 4 * (g < last ? g : last), 2);
    if (g < t->num_hmetrics)
        memcpy(out + 2, h + 4 * g + 2, 2);
    else
        memcpy(out + 2, h + 4 * t->num_hmetrics + 2 * (g - t->num_hmetrics), 2);
}

/* Appends glyph map[i]'s outline (4-byte aligned) to glyf and its metrics to hmtx, for each i,
 * noting where each starts in off[0..n]. Returns 0 or -1 (a glyph id out of range). */
static int copy_glyphs(const ttf_font *t, const uint16_t *map, unsigned n, buf parts[T_COUNT],
                       uint32_t *off)
{
    static const unsigned char zero[3];
    for (unsigned i = 0; i < n; i++) {
        unsigned char m[4] = {0};
        off[i] = (uint32_t)parts[T_GLYF].len;
        if (map[i] != TTF_NONE) {
            if (map[i] >= t->num_glyphs)
                return -1;
            uint32_t a = t->loca[map[i]], b = t->loca[map[i] + 1];
            buf_append(&parts[T_GLYF], t->table[T_GLYF] + a, b - a);
            if ((b - a) % 4)
                buf_append(&parts[T_GLYF], zero, 4 - (b - a) % 4);
            metrics(t, map[i], m);
        }
        buf_append(&parts[T_HMTX], m, 4);
    }
    off[n] = (uint32_t)parts[T_GLYF].len;
    return 0;
}

/* Writes loca from off[0..n]: short (offset / 2, half the bytes) when it reaches, which the
 * 4-byte alignment allows. Returns 1 when it had to be long. */
static int write_loca(buf *loca, const uint32_t *off, unsigned n)
{
    int long_loca = off[n] / 2 > 0xFFFF;
    for (unsigned i = 0; i <= n; i++) {
        unsigned char e[4];
        if (long_loca)
            put32(e, off[i]);
        else
            put16(e, off[i] / 2);
        buf_append(loca, e, long_loca ? 4 : 2);
    }
    return long_loca;
}

/* Builds the tables that change with the glyph set into `parts` (glyf, loca, hmtx) and the
 * patched copies of head, hhea, maxp. Returns 0 or -1 (a glyph id out of range, no memory). */
static int build_tables(const ttf_font *t, const uint16_t *map, unsigned n, buf parts[T_COUNT])
{
    uint32_t *off = malloc((n + 1) * sizeof *off);
    if (!off || copy_glyphs(t, map, n, parts, off) != 0) {
        free(off);
        return -1;
    }
    int long_loca = write_loca(&parts[T_LOCA], off, n);
    free(off);
    buf_append(&parts[T_HEAD], t->table[T_HEAD], 54);
    buf_append(&parts[T_HHEA], t->table[T_HHEA], 36);
    buf_append(&parts[T_MAXP], t->table[T_MAXP], t->table_len[T_MAXP]);
    static const int hinting[] = {T_CVT, T_FPGM, T_PREP};    /* copied as they are */
    for (size_t i = 0; i < sizeof hinting / sizeof *hinting; i++)
        if (t->table[hinting[i]])
            buf_append(&parts[hinting[i]], t->table[hinting[i]], t->table_len[hinting[i]]);
    for (int k = 0; k < T_COUNT; k++)
        if (parts[k].oom)
            return -1;
    unsigned char *head = (unsigned char *)parts[T_HEAD].data;
    put32(head + 8, 0);          /* checkSumAdjustment, set once the file is complete */
    put16(head + 50, (unsigned)long_loca);
    put16((unsigned char *)parts[T_HHEA].data + 34, n);
    put16((unsigned char *)parts[T_MAXP].data + 4, n);
    return 0;
}

/* Writes the offset table, the directory and the tables (each padded to 4 bytes). */
static void assemble(buf parts[T_COUNT], buf *out)
{
    unsigned ntables = 0, pow2 = 1, log2 = 0;
    for (int k = 0; k < T_COUNT; k++)
        ntables += parts[k].len > 0 || k == T_GLYF;
    while (pow2 * 2 <= ntables) {
        pow2 *= 2;
        log2++;
    }
    size_t start = out->len, dir = 12 + 16 * (size_t)ntables, at = dir;
    unsigned char hdr[12];
    put32(hdr, 0x00010000u);
    put16(hdr + 4, ntables);
    put16(hdr + 6, pow2 * 16);
    put16(hdr + 8, log2);
    put16(hdr + 10, ntables * 16 - pow2 * 16);
    buf_append(out, hdr, 12);
    for (int k = 0; k < T_COUNT; k++) {
        if (parts[k].len == 0 && k != T_GLYF)
            continue;
        unsigned char rec[16];
        memcpy(rec, table_tag[k], 4);
        put32(rec + 4, checksum((unsigned char *)parts[k].data, parts[k].len));
        put32(rec + 8, (uint32_t)at);
        put32(rec + 12, (uint32_t)parts[k].len);
        buf_append(out, rec, 16);
        at += (parts[k].len + 3) & ~(size_t)3;
    }
    size_t head_at = 0;
    for (int k = 0; k < T_COUNT; k++) {
        static const unsigned char zero[3];
        if (k == T_HEAD)
            head_at = out->len;
        if (parts[k].len > 0) {
            buf_append(out, parts[k].data, parts[k].len);
            buf_append(out, zero, (4 - parts[k].len % 4) % 4);
        }
    }
    if (!out->oom)
        put32((unsigned char *)out->data + head_at + 8,
              0xB1B0AFBAu - checksum((unsigned char *)out->data + start, out->len - start));
}

int ttf_subset(const ttf_font *t, const uint16_t *map, unsigned n, buf *out)
{
    buf parts[T_COUNT];
    for (int k = 0; k < T_COUNT; k++)
        parts[k] = (buf)BUF_INIT;
    int rc = n == 0 || n > 0xFFFF ? -1 : build_tables(t, map, n, parts);
    if (rc == 0)
        assemble(parts, out);
    for (int k = 0; k < T_COUNT; k++)
        buf_free(&parts[k]);
    return rc == 0 && !out->oom ? 0 : -1;
}
