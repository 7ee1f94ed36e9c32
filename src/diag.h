/* diag — a list of diagnostics about input data: line, column label, Russian reason, severity.
 * Keeps the first DIAG_KEEP in full and only counts the rest, so a file with a million bad
 * rows costs no memory. No other dependencies than buf. */
#ifndef OTCHET_DIAG_H
#define OTCHET_DIAG_H
#include <stddef.h>

#define DIAG_KEEP 500

typedef enum { DIAG_ERROR, DIAG_WARNING } diag_level;

typedef struct diag_item {
    diag_level level;
    int line;          /* physical line, 0 = the whole file */
    int col;           /* character column in the line, 0 = unknown */
    char *column;      /* owned: the column's header as written in the file, or NULL */
    char *msg;         /* owned: Russian reason */
} diag_item;

typedef struct diag_list {
    diag_item *items;
    size_t n, cap;
    size_t dropped_errors, dropped_warnings;   /* counted beyond DIAG_KEEP */
    size_t errors;                             /* all errors, kept or dropped */
} diag_list;

void diag_add(diag_list *d, diag_level level, int line, int col, const char *column,
              const char *fmt, ...) __attribute__((format(printf, 6, 7)));
void diag_free(diag_list *d);

#endif
