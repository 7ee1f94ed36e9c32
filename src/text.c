/* text — UTF-8, legacy encodings and folding; see text.h. */
#include "text.h"

#include <errno.h>
#include <iconv.h>
#include <string.h>

int txt_utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
    if (n == 0)
        return 0;
    unsigned c = s[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    int len;
    uint32_t v, min;
    if ((c & 0xE0) == 0xC0) { len = 2; v = c & 0x1F; min = 0x80; }
    else if ((c & 0xF0) == 0xE0) { len = 3; v = c & 0x0F; min = 0x800; }
    else if ((c & 0xF8) == 0xF0) { len = 4; v = c & 0x07; min = 0x10000; }
    else return 0;
    if ((size_t)len > n)
        return 0;
    for (int i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        v = (v << 6) | (s[i] & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        return 0;
    *cp = v;
    return len;
}

void txt_utf8_put(buf *b, uint32_t cp)
{
    char t[4];
    if (cp < 0x80) {
        t[0] = (char)cp;
        buf_append(b, t, 1);
    } else if (cp < 0x800) {
        t[0] = (char)(0xC0 | (cp >> 6));
        t[1] = (char)(0x80 | (cp & 0x3F));
        buf_append(b, t, 2);
    } else if (cp < 0x10000) {
        t[0] = (char)(0xE0 | (cp >> 12));
        t[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        t[2] = (char)(0x80 | (cp & 0x3F));
        buf_append(b, t, 3);
    } else {
        t[0] = (char)(0xF0 | (cp >> 18));
        t[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        t[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        t[3] = (char)(0x80 | (cp & 0x3F));
        buf_append(b, t, 4);
    }
}

/* Runs of ASCII are skipped eight bytes at a time and two-byte sequences (Cyrillic) are checked
 * inline: whole files go through here before parsing. C2–DF followed by a continuation byte is
 * always a valid two-byte sequence (C0 and C1 would be overlong). */
size_t txt_utf8_check(const char *s, size_t n, int *multibyte)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    int multi = 0;
    while (i < n) {
        uint64_t w;
        while (i + 8 <= n && (memcpy(&w, u + i, 8), (w & 0x8080808080808080ull) == 0))
            i += 8;
        if (i >= n)
            break;
        unsigned c = u[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0xC2 && c <= 0xDF && i + 1 < n && (u[i + 1] & 0xC0) == 0x80) {
            multi = 1;
            i += 2;
            continue;
        }
        uint32_t cp;
        int len = txt_utf8_decode(u + i, n - i, &cp);
        if (len == 0) {
            *multibyte = multi;
            return i;
        }
        multi = 1;
        i += (size_t)len;
    }
    *multibyte = multi;
    return n;
}

int txt_to_utf8(const char *from, const char *s, size_t n, buf *out, size_t *bad)
{
    iconv_t cd = iconv_open("UTF-8", from);
    if (cd == (iconv_t)-1) {
        *bad = 0;
        return -1;
    }
    char *in = (char *)s;
    size_t inleft = n;
    int rc = 0;
    while (inleft > 0) {
        if (buf_reserve(out, inleft * 2 + 16) != 0) {
            rc = -1;
            *bad = n - inleft;
            break;
        }
        char *o = out->data + out->len;
        size_t oleft = out->cap - out->len - 1;
        size_t r = iconv(cd, &in, &inleft, &o, &oleft);
        out->len = (size_t)(o - out->data);
        out->data[out->len] = '\0';
        if (r == (size_t)-1 && errno != E2BIG) {
            rc = -1;
            *bad = n - inleft;
            break;
        }
    }
    iconv_close(cd);
    return rc;
}

/* Lower case of one code point, for the scripts our data uses; ё folds to е. */
static uint32_t fold_cp(uint32_t c)
{
    if (c >= 'A' && c <= 'Z')
        return c + 32;
    if (c >= 0x0410 && c <= 0x042F)
        return c + 0x20;
    if (c >= 0x0400 && c <= 0x040F)
        c += 0x50;
    if (c == 0x0451)
        return 0x0435;
    if ((c >= 0x0460 && c <= 0x0481) || (c >= 0x048A && c <= 0x04BF) ||
        (c >= 0x04D0 && c <= 0x04FF) || (c >= 0x0500 && c <= 0x052F))
        return c | 1; /* pairs: even = capital, odd = small */
    if (c >= 0x04C1 && c <= 0x04CE)
        return (c & 1) ? c + 1 : c;
    if (c == 0x04C0)
        return 0x04CF;
    return c;
}

static int is_space_cp(uint32_t c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == 0xA0 || c == 0x202F ||
           c == 0x2007 || c == 0x2009 || c == 0xFEFF;
}

static int is_dash_cp(uint32_t c) { return c == 0x2010 || c == 0x2011 || c == 0x2012 || c == 0x2013 || c == 0x2014 || c == 0x2212; }

/* Shared walk of txt_fold and txt_namekey: `keep_only_alnum` drops everything but letters and
 * digits (any code point ≥ 0x80 that is not space, dash or quote counts as a letter). */
static void fold_walk(const char *s, size_t n, buf *out, int keep_only_alnum)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    int pending_space = 0;
    size_t start = out->len;
    while (i < n) {
        uint32_t c;
        int len = txt_utf8_decode(u + i, n - i, &c);
        if (len == 0) {
            c = 0xFFFD;
            len = 1;
        }
        i += (size_t)len;
        if (is_space_cp(c)) {
            pending_space = 1;
            continue;
        }
        if (is_dash_cp(c))
            c = '-';
        c = fold_cp(c);
        if (keep_only_alnum) {
            int alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
                        (c >= 0x80 && c != 0xAB && c != 0xBB && c != 0x201C && c != 0x201D &&
                         c != 0x201E && c != 0x2116 && c != 0xFFFD);
            if (!alnum)
                continue;
        } else if (pending_space && out->len > start) {
            buf_putc(out, ' ');
        }
        pending_space = 0;
        txt_utf8_put(out, c);
    }
}

void txt_fold(const char *s, size_t n, buf *out) { fold_walk(s, n, out, 0); }

void txt_namekey(const char *s, size_t n, buf *out) { fold_walk(s, n, out, 1); }
