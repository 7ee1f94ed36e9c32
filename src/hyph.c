/* hyph — Russian hyphenation; see hyph.h. The cache is direct-mapped by a hash of the word:
 * a report repeats the same words (школа, обучающихся, …) thousands of times. */
#include "hyph.h"

#include <hyphen.h>
#include <iconv.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

#define HYPH_CACHE 2048
#define HYPH_MAXWORD 64             /* letters; longer words are not hyphenated */

typedef struct hyph_entry {
    char word[HYPH_MAXWORD * 2 + 1];  /* UTF-8, NUL-terminated; "" = empty slot */
    uint8_t n;
    uint8_t at[HYPH_MAXPOINTS];
} hyph_entry;

struct hyph {
    HyphenDict *dict;                 /* owned */
    iconv_t cd;                       /* UTF-8 → KOI8-R, owned */
    hyph_entry *cache;                /* owned, HYPH_CACHE entries */
};

hyph *hyph_open(const char *dic_path, char err[HYPH_ERRLEN])
{
    const char *path = dic_path ? dic_path : HYPH_DEFAULT_DIC;
    hyph *h = calloc(1, sizeof *h);
    if (!h) {
        snprintf(err, HYPH_ERRLEN, "нет памяти");
        return NULL;
    }
    h->cd = (iconv_t)-1;
    h->dict = hnj_hyphen_load(path);
    if (!h->dict) {
        snprintf(err, HYPH_ERRLEN, "не удалось загрузить словарь переносов %.180s", path);
        goto fail;
    }
    h->cd = iconv_open("KOI8-R", "UTF-8");
    h->cache = calloc(HYPH_CACHE, sizeof *h->cache);
    if (h->cd == (iconv_t)-1 || !h->cache) {
        snprintf(err, HYPH_ERRLEN, "iconv UTF-8 → KOI8-R недоступен или нет памяти");
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
    if (h->cd != (iconv_t)-1)
        iconv_close(h->cd);
    free(h->cache);
    free(h);
}

/* Lower-case Russian letter for cp, or 0 when cp is not one (ё counts). */
static uint32_t ru_lower(uint32_t cp)
{
    if (cp >= 0x0410 && cp <= 0x042F)
        return cp + 0x20;
    if (cp >= 0x0430 && cp <= 0x044F)
        return cp;
    if (cp == 0x0401 || cp == 0x0451)
        return 0x0451;
    return 0;
}

/* Converts w to lower-case KOI8-R in k (one byte per letter) and records the UTF-8 offset of
 * every letter in off. Returns the number of letters, or -1 if w is not a plain Russian word. */
static int to_koi8(hyph *h, const char *w, size_t n, char *k, int *off)
{
    buf low = BUF_INIT;
    int letters = 0;
    size_t i = 0;
    while (i < n) {
        uint32_t cp;
        int len = txt_utf8_decode((const unsigned char *)w + i, n - i, &cp);
        uint32_t lc = len ? ru_lower(cp) : 0;
        if (!lc || letters >= HYPH_MAXWORD) {
            buf_free(&low);
            return -1;
        }
        off[letters++] = (int)i;
        txt_utf8_put(&low, lc);
        i += (size_t)len;
    }
    char *in = low.data, *out = k;
    size_t inleft = low.len, outleft = HYPH_MAXWORD;
    iconv(h->cd, NULL, NULL, NULL, NULL);
    size_t rc = in ? iconv(h->cd, &in, &inleft, &out, &outleft) : (size_t)-1;
    buf_free(&low);
    if (rc == (size_t)-1 || (int)(out - k) != letters)
        return -1;
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

static unsigned hash(const char *w, size_t n)
{
    unsigned x = 2166136261u;
    for (size_t i = 0; i < n; i++)
        x = (x ^ (unsigned char)w[i]) * 16777619u;
    return x % HYPH_CACHE;
}

int hyph_points(hyph *h, const char *w, size_t n, int *at, int max)
{
    if (!h || n == 0 || n > HYPH_MAXWORD * 2 || max <= 0)
        return 0;
    if (max > HYPH_MAXPOINTS)
        max = HYPH_MAXPOINTS;
    hyph_entry *e = &h->cache[hash(w, n)];
    if (strlen(e->word) == n && memcmp(e->word, w, n) == 0) {
        int m = e->n < max ? e->n : max;
        for (int i = 0; i < m; i++)
            at[i] = e->at[i];
        return m;
    }
    char k[HYPH_MAXWORD + 1];          /* KOI8-R, NUL-terminated: libhyphen calls strstr on it */
    int off[HYPH_MAXWORD], idx[HYPH_MAXPOINTS];
    int len = to_koi8(h, w, n, k, off), np = 0;
    if (len >= 2 * HYPH_MIN)
        np = dict_points(h, k, len, idx, HYPH_MAXPOINTS);
    memcpy(e->word, w, n);
    e->word[n] = '\0';
    e->n = (uint8_t)np;
    for (int i = 0; i < np; i++)
        e->at[i] = (uint8_t)off[idx[i]];
    return hyph_points(h, w, n, at, max);
}
