/* csvfile — reads a CSV file as Russian Excel writes it: detects the encoding (UTF-8 with or
 * without BOM, Windows-1251, UTF-16 "Текст в Юникоде"), sniffs the delimiter (; tab ,), and
 * parses records with libcsv in strict mode, counting physical lines itself.
 * Uses libcsv, text (iconv), fsx. No Lua. */
#ifndef OTCHET_CSVFILE_H
#define OTCHET_CSVFILE_H
#include <stddef.h>

#define CF_ERRLEN 512
#define CF_MAX_FIELDS 2000          /* more columns than this is not a table we made */
#define CF_MAX_FIELD (1u << 20)     /* one field of more than 1 MiB is refused */

typedef struct cf_file {
    char *path;            /* owned copy, used in messages */
    char *text;            /* owned: the whole file decoded to UTF-8, BOM removed */
    size_t len;
    const char *encoding;  /* static string: "UTF-8", "UTF-8 BOM", "Windows-1251", "UTF-16LE" … */
    char delim;            /* ';', '\t' or ',' (or what an Excel "sep=" first line names) */
    int skip_lines;        /* 1 when that "sep=" line is there: counted, not a record */
    int err_line;          /* position of the error in err, 0 when it concerns the whole file */
    int err_col;
    char err[CF_ERRLEN];   /* Russian message without the file:line: prefix */
} cf_file;

/* One record: `nfields` NUL-terminated fields valid only during the call, and the physical line
 * the record starts on (1-based). Return 0 to go on, non-zero to stop parsing. */
typedef int (*cf_record_fn)(void *ud, int line, int nfields, char **fields, size_t *lens);

/* Reads and decodes `path` (refusing files over max_bytes). Returns 0, or -1 with f->err set.
 * Call cf_close in either case. */
int cf_open(cf_file *f, const char *path, size_t max_bytes);

/* Parses every non-blank record of an opened file (rows whose fields are all empty are
 * skipped), calling fn for each. Returns 0, 1 when fn stopped it, or -1 on a CSV syntax
 * error with f->err, f->err_line and f->err_col set. */
int cf_parse(cf_file *f, cf_record_fn fn, void *ud);

/* Frees what f owns; f may then be opened again. */
void cf_close(cf_file *f);

#endif
