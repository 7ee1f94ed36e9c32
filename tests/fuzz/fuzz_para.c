/* libFuzzer target: the paragraph line breaker with hyphenation. Input: byte 0 = width in
 * points (20–275), byte 1 = alignment and flags, the rest = UTF-8 text (invalid input is the
 * caller's problem, so it is skipped). No line may be wider than the box. */
#include <stdint.h>
#include <stdlib.h>

#include "hyph.h"
#include "para.h"
#include "pdf.h"
#include "text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static pdf_ctx *pdf;
static hyph *hy;

/* Code points on line i: one glyph wider than the box is the only overflow allowed. */
static int letters(const para *p, const para_layout *L, int i)
{
    int n = 0;
    const para_line *ln = &L->lines[i];
    for (int f = ln->frag; f < ln->frag + ln->nfrags; f++)
        for (uint32_t b = 0; b < L->frags[f].len; b++)
            n += ((unsigned char)p->text.data[L->frags[f].off + b] & 0xC0) != 0x80;
    return n + (ln->nfrags && L->frags[ln->frag + ln->nfrags - 1].hyphen);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[PDF_ERRLEN], herr[HYPH_ERRLEN];
    if (!pdf) {
        const char *dir = getenv("OTCHET_FONTS");
        pdf = pdf_open(dir ? dir : "fonts", err);
        hy = hyph_open(NULL, herr);
        if (!pdf)
            abort();
    }
    if (size < 2)
        return 0;
    int mb;
    const char *s = (const char *)data + 2;
    size_t n = size - 2;
    if (txt_utf8_check(s, n, &mb) != n)
        return 0;
    float width = 20 + data[0];
    para p = PARA_INIT;
    size_t half = n / 2;
    while (half < n && ((unsigned char)s[half] & 0xC0) == 0x80)
        half++;
    para_add(&p, FONT_SERIF, 12, s, half);
    para_add(&p, (data[1] & 4) ? FONT_SERIF_BOLD : FONT_SERIF_ITALIC, 10 + (data[1] & 3), s + half, n - half);
    para_layout L = PARA_LAYOUT_INIT;
    char perr[PARA_ERRLEN];
    /* a first-line indent is never more than half the box (1.25 cm in a text column) */
    float indent = (data[1] & 8) ? (width / 2 < 35 ? width / 2 : 35) : 0;
    if (para_break(&p, pdf_fonts(pdf), hy, width, indent,
                   (para_align)((data[1] >> 4) % 4), 1.15f, &L, perr) == 0) {
        for (int i = 0; i < L.nlines; i++)
            if (L.lines[i].width > L.lines[i].avail + 0.01f && letters(&p, &L, i) > 1)
                abort(); /* a line wider than its box that could have been broken */
    }
    para_layout_free(&L);
    para_free(&p);
    return 0;
}
