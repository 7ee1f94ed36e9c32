/* diag — bounded list of data diagnostics; see diag.h. */
#include "diag.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

void diag_add(diag_list *d, diag_level level, int line, int col, const char *column,
              const char *fmt, ...)
{
    if (level == DIAG_ERROR)
        d->errors++;
    if (d->n >= DIAG_KEEP) {
        *(level == DIAG_ERROR ? &d->dropped_errors : &d->dropped_warnings) += 1;
        return;
    }
    if (d->n == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 16;
        diag_item *it = realloc(d->items, cap * sizeof *it);
        if (!it) {
            *(level == DIAG_ERROR ? &d->dropped_errors : &d->dropped_warnings) += 1;
            return;
        }
        d->items = it;
        d->cap = cap;
    }
    buf m = BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(&m, fmt, ap);
    va_end(ap);
    diag_item *it = &d->items[d->n++];
    it->level = level;
    it->line = line;
    it->col = col;
    it->column = column ? strdup(column) : NULL;
    it->msg = buf_take(&m);
}

void diag_free(diag_list *d)
{
    for (size_t i = 0; i < d->n; i++) {
        free(d->items[i].column);
        free(d->items[i].msg);
    }
    free(d->items);
    memset(d, 0, sizeof *d);
}
