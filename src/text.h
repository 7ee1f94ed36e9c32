/* text — UTF-8 validation and decoding, conversion from Windows-1251 and UTF-16LE (iconv),
 * and the folding used to match headers and names ("Математика (базовая)" = "математика базовая").
 * Uses iconv from libc and buf. */
#ifndef OTCHET_TEXT_H
#define OTCHET_TEXT_H
#include <stddef.h>
#include <stdint.h>
#include "buf.h"

/* Decodes one UTF-8 sequence at s[0..n). Returns its length (1–4) and the code point in *cp,
 * or 0 when the bytes are not well-formed UTF-8 (overlong, surrogate, truncated, > U+10FFFF). */
int txt_utf8_decode(const unsigned char *s, size_t n, uint32_t *cp);

/* txt_utf8_decode with ASCII and two-byte sequences (Cyrillic) decoded inline, for loops over
 * every character of a text. C2–DF followed by a continuation byte is always well-formed. */
static inline int txt_utf8_next(const unsigned char *s, size_t n, uint32_t *cp)
{
    if (n > 0 && s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    if (n > 1 && s[0] >= 0xC2 && s[0] <= 0xDF && (s[1] & 0xC0) == 0x80) {
        *cp = ((uint32_t)(s[0] & 0x1F) << 6) | (s[1] & 0x3F);
        return 2;
    }
    return txt_utf8_decode(s, n, cp);
}

/* Appends code point cp as UTF-8. */
void txt_utf8_put(buf *b, uint32_t cp);

/* Returns the offset of the first byte that is not well-formed UTF-8, or n when all is valid.
 * *multibyte is set to 1 when at least one valid sequence of 2+ bytes was seen. */
size_t txt_utf8_check(const char *s, size_t n, int *multibyte);

/* Converts s[0..n) from encoding `from` (an iconv name) to UTF-8, appended to out.
 * Returns 0, or -1 when the input has a byte the encoding does not define; then *bad is its offset. */
int txt_to_utf8(const char *from, const char *s, size_t n, buf *out, size_t *bad);

/* Folds text for matching headers: lower case (Latin, Cyrillic incl. extended), ё→е,
 * runs of white space (incl. no-break) → one space, trimmed, dashes → '-'. Appends to out. */
void txt_fold(const char *s, size_t n, buf *out);

/* Folds like txt_fold, then keeps only letters and digits: the key for names of procedures,
 * subjects and risk factors ("Математика (базовая)" → "математикабазовая"). */
void txt_namekey(const char *s, size_t n, buf *out);

#endif
