/* load — turns the records of a CSV file into a typed table following a column spec, checking
 * every cell (type, emptiness, range, field count) and collecting Russian diagnostics.
 * The spec is data: which field goes to which column with which type. Matching headers to
 * columns is the caller's business (lua/schema.lua). Uses csvfile, table, diag. No Lua. */
#ifndef OTCHET_LOAD_H
#define OTCHET_LOAD_H
#include <stdint.h>
#include "csvfile.h"
#include "diag.h"
#include "table.h"

typedef struct load_colspec {
    int field;            /* 0-based index of the field in each record */
    const char *name;     /* canonical column name in the table */
    const char *label;    /* the header as written in the file, for messages */
    tbl_type type;
    int nonempty;         /* an empty cell is an error */
    int has_min, has_max;
    double min, max;      /* inclusive range for INT and NUM */
} load_colspec;

/* Reads the header record: *fields (malloc'd array of malloc'd strings, free with
 * load_free_header) and their count. Returns 0, or -1 with f->err (no header: empty file). */
int load_header(cf_file *f, char ***fields, int *nfields);
void load_free_header(char **fields, int nfields);

/* Loads every record after the header into a new table (*out, caller frees with tbl_free),
 * one column per spec entry. Cell problems go to `diags` and leave the cell empty; the row
 * is kept. Returns 0, or -1 when the file could not be parsed (message in diags). */
int load_table(cf_file *f, const load_colspec *spec, int nspec, int header_fields, tbl **out,
               diag_list *diags);

/* Cell parsers: return NULL and the value, or a Russian reason. s is not NUL-terminated. */
const char *load_parse_int(const char *s, size_t n, int64_t *out);
const char *load_parse_num(const char *s, size_t n, double *out);
const char *load_parse_date(const char *s, size_t n, int32_t *yyyymmdd);

#endif
