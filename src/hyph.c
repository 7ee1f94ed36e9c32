/* hyph — Russian hyphenation; see hyph.h. The cache is a hash table of every word asked for
 * (open addressing, the words' bytes in one arena): the documents of a run repeat the same
 * words (школа, обучающихся, …) on every page and every sheet, so nearly every call is a hit.
 * When it reaches HYPH_CACHE_MAX words it is emptied and refilled. */
#include "hyph.h"

#include <hyphen.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "text.h"

#define HYPH_MAXWORD 64             /* letters; longer words are not hyphenated */
#define HYPH_CACHE_MIN 1024         /* slots at first; a power of two */
#define HYPH_CACHE_MAX (1 << 16)    /* slots at most (~3 MB with the words) */

typedef struct hyph_entry {
    uint32_t hash;                  /* 0 = empty slot */
    uint32_t word;                  /* offset of the word's UTF-8 bytes in `words` */
    uint8_t len;                    /* bytes of the word (at most HYPH_MAXWORD * 2) */
    uint8_t n;                      /* break points */
    uint8_t at[HYPH_MAXPOINTS];     /* UTF-8 offsets, ascending */
} hyph_entry;

struct hyph {
    HyphenDict *dict;               /* owned */
    hyph_entry *slots;              /* owned, cap entries */
    int cap, used;
    buf words;                      /* owned: the cached words' bytes, back to back */
};

hyph *hyph_open(const char *dic_path, char err[HYPH_ERRLEN])
{
    const char *path = dic_path ? dic_path : HYPH_DEFAULT_DIC;
    hyph *h = calloc(1, sizeof *h);
    if (!h) {
        snprintf(err, HYPH_ERRLEN, "нет памяти");
        return NULL;
    }
    h->dict = hnj_hyphen_load(path);
    if (!h->dict) {
        snprintf(err, HYPH_ERRLEN, "не удалось загрузить словарь переносов %.180s", path);
        goto fail;
    }
    h->cap = HYPH_CACHE_MIN;
    h->slots = calloc((size_t)h->cap, sizeof *h->slots);
    if (!h->slots) {
        snprintf(err, HYPH_ERRLEN, "нет памяти");
        goto fail;
    }
    return h;
fail:
    hyph_close(h);
    return NULL;
}

void hyph_close(hyph *h)
{
    if (!h)
        return;
    if (h->dict)
        hnj_hyphen_free(h->dict);
    free(h->slots);
    buf_free(&h->words);
    free(h);
}

/* KOI8-R code of a lower-case Russian letter а–я (U+0430–U+044F, by cp - 0x430); ё is 0xA3. */
static const unsigned char KOI8_RU[32] = {
    0xC1, 0xC2, 0xD7, 0xC7, 0xC4, 0xC5, 0xD6, 0xDA, 0xC9, 0xCA, 0xCB, 0xCC, 0xCD, 0xCE, 0xCF, 0xD0,
    0xD2, 0xD3, 0xD4, 0xD5, 0xC6, 0xC8, 0xC3, 0xDE, 0xDB, 0xDD, 0xDF, 0xD9, 0xD8, 0xDC, 0xC0, 0xD1};

/* KOI8-R code of the lower case of Russian letter cp (either case, ё included), or 0 when cp
 * is not one. */
static unsigned char koi8_lower(uint32_t cp)
{
    if (cp >= 0x0410 && cp <= 0x042F)
        cp += 0x20;
    if (cp >= 0x0430 && cp <= 0x044F)
        return KOI8_RU[cp - 0x0430];
    return cp == 0x0401 || cp == 0x0451 ? 0xA3 : 0;
}

/* Converts w to lower-case KOI8-R in k (one byte per letter, NUL-terminated) and records the
 * UTF-8 offset of every letter in off. Returns the number of letters, or -1 if w is not a
 * plain Russian word. */
static int to_koi8(const char *w, size_t n, char *k, int *off)
{
    int letters = 0;
    size_t i = 0;
    while (i < n) {
        uint32_t cp;
        int len = txt_utf8_next((const unsigned char *)w + i, n - i, &cp);
        unsigned char c = len ? koi8_lower(cp) : 0;
        if (!c || letters >= HYPH_MAXWORD)
            return -1;
        off[letters] = (int)i;
        k[letters++] = (char)c;
        i += (size_t)len;
    }
    k[letters] = '\0';
    return letters;
}

/* Runs libhyphen on a KOI8-R word of `len` letters; fills at[] with letter indices. */
static int dict_points(hyph *h, const char *k, int len, int *at, int max)
{
    char hy[HYPH_MAXWORD + 5];
    char **rep = NULL;
    int *pos = NULL, *cut = NULL, n = 0;
    if (hnj_hyphen_hyphenate3(h->dict, k, len, hy, NULL, &rep, &pos, &cut,
                              HYPH_MIN, HYPH_MIN, HYPH_MIN, HYPH_MIN) == 0) {
        for (int i = HYPH_MIN - 1; i < len - HYPH_MIN && n < max; i++)
            if (hy[i] & 1)
                at[n++] = i + 1;           /* break after letter i = before letter i+1 */
    }
    if (rep) {
        for (int i = 0; i < len; i++)
            free(rep[i]);
        free(rep);
    }
    free(pos);
    free(cut);
    return n;
}

/* FNV-1a of the word, never 0 (0 marks an empty slot). */
static uint32_t hash(const char *w, size_t n)
{
    uint32_t x = 2166136261u;
    for (size_t i = 0; i < n; i++)
        x = (x ^ (unsigned char)w[i]) * 16777619u;
    return x ? x : 1;
}

/* The slot holding word w (hash x), or the empty slot where it would go. */
static hyph_entry *slot_of(const hyph *h, uint32_t x, const char *w, size_t n)
{
    unsigned mask = (unsigned)h->cap - 1;
    for (unsigned i = x & mask;; i = (i + 1) & mask) {
        hyph_entry *e = &h->slots[i];
        if (e->hash == 0 ||
            (e->hash == x && e->len == n && memcmp(h->words.data + e->word, w, n) == 0))
            return e;
    }
}

/* Makes room for one more word: doubles the table below HYPH_CACHE_MAX, else empties it.
 * Returns 0, or -1 (no memory: the word is then not cached). */
static int make_room(hyph *h)
{
    if ((h->used + 1) * 4 <= h->cap * 3)
        return 0;
    if (h->cap >= HYPH_CACHE_MAX) {
        memset(h->slots, 0, (size_t)h->cap * sizeof *h->slots);
        buf_reset(&h->words);
        h->used = 0;
        return 0;
    }
    hyph_entry *old = h->slots;
    int oldcap = h->cap;
    h->slots = calloc((size_t)oldcap * 2, sizeof *h->slots);
    if (!h->slots) {
        h->slots = old;
        return -1;
    }
    h->cap = oldcap * 2;
    unsigned mask = (unsigned)h->cap - 1;
    for (int i = 0; i < oldcap; i++) {
        if (!old[i].hash)
            continue;
        unsigned k = old[i].hash & mask;
        while (h->slots[k].hash)
            k = (k + 1) & mask;
        h->slots[k] = old[i];
    }
    free(old);
    return 0;
}

/* Computes the points of w into e (the byte offsets, at most HYPH_MAXPOINTS). */
static void compute(hyph *h, const char *w, size_t n, hyph_entry *e)
{
    char k[HYPH_MAXWORD + 1];          /* KOI8-R, NUL-terminated: libhyphen calls strstr on it */
    int off[HYPH_MAXWORD], idx[HYPH_MAXPOINTS];
    int len = to_koi8(w, n, k, off), np = 0;
    if (len >= 2 * HYPH_MIN)
        np = dict_points(h, k, len, idx, HYPH_MAXPOINTS);
    e->n = (uint8_t)np;
    for (int i = 0; i < np; i++)
        e->at[i] = (uint8_t)off[idx[i]];
}

int hyph_points(hyph *h, const char *w, size_t n, int *at, int max)
{
    if (!h || n == 0 || n > HYPH_MAXWORD * 2 || max <= 0)
        return 0;
    if (max > HYPH_MAXPOINTS)
        max = HYPH_MAXPOINTS;
    uint32_t x = hash(w, n);
    hyph_entry *e = slot_of(h, x, w, n), fresh;
    if (e->hash == 0) {                /* a new word: compute, then keep it if there is room */
        compute(h, w, n, &fresh);
        e = &fresh;
        if (make_room(h) == 0 && buf_reserve(&h->words, n) == 0) {
            hyph_entry *slot = slot_of(h, x, w, n);   /* the table may have changed */
            *slot = fresh;
            slot->hash = x;
            slot->word = (uint32_t)h->words.len;
            slot->len = (uint8_t)n;
            buf_append(&h->words, w, n);
            h->used++;
        }
    }
    int m = e->n < max ? e->n : max;
    for (int i = 0; i < m; i++)
        at[i] = e->at[i];
    return m;
}
