/* buf — a growable byte buffer (NUL-terminated) and printf into it.
 * Used for decoded file contents, messages and CSV rows. No other dependencies. */
#ifndef OTCHET_BUF_H
#define OTCHET_BUF_H
#include <stdarg.h>
#include <stddef.h>

typedef struct buf {
    char *data;   /* owned; always NUL-terminated when cap > 0 */
    size_t len;
    size_t cap;
    int oom;      /* sticky: set when an allocation failed; later appends are no-ops */
} buf;

#define BUF_INIT {NULL, 0, 0, 0}

int buf_reserve(buf *b, size_t extra);
void buf_append(buf *b, const void *p, size_t n);
void buf_puts(buf *b, const char *s);
void buf_putc(buf *b, char c);
void buf_printf(buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vprintf(buf *b, const char *fmt, va_list ap);
void buf_reset(buf *b);
/* Hands the data to the caller (who frees it) and leaves b empty. */
char *buf_take(buf *b);
void buf_free(buf *b);

#endif
