/* libFuzzer target: the text layer — UTF-8 validation and decoding, Windows-1251 and UTF-16
 * conversion, folding and name keys. Every output must itself be valid UTF-8. */
#include <stdint.h>
#include <stdlib.h>

#include "text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void must_be_utf8(const buf *b)
{
    int mb;
    if (b->len && txt_utf8_check(b->data, b->len, &mb) != b->len)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    int mb;
    size_t ok = txt_utf8_check(s, size, &mb);
    buf b = BUF_INIT;
    size_t bad;
    if (ok == size) {
        txt_fold(s, size, &b);
        must_be_utf8(&b);
        buf_reset(&b);
        txt_namekey(s, size, &b);
        must_be_utf8(&b);
        buf_reset(&b);
    }
    if (txt_to_utf8("CP1251", s, size, &b, &bad) == 0)
        must_be_utf8(&b);
    buf_reset(&b);
    if (txt_to_utf8("UTF-16LE", s, size, &b, &bad) == 0)
        must_be_utf8(&b);
    buf_free(&b);
    return 0;
}
