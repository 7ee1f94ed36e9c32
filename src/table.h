/* table — an in-memory columnar table: typed columns (string, integer, number, date) with a
 * presence flag per cell, the physical source line of every row, dictionary-encoded strings,
 * and the bulk operations reports need (group-and-sum, distinct values, duplicate keys).
 * Memory is proportional to the data: ~13 bytes per cell plus each distinct string once.
 * No Lua, no CSV. */
#ifndef OTCHET_TABLE_H
#define OTCHET_TABLE_H
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

typedef enum { TBL_STR, TBL_INT, TBL_NUM, TBL_DATE } tbl_type;

typedef struct tbl_dict tbl_dict;

typedef struct tbl_col {
    char *name;            /* owned, canonical name */
    tbl_type type;
    void *data;            /* int32 codes (STR), int64 (INT), double (NUM), int32 yyyymmdd (DATE) */
    uint8_t *present;      /* 1 when the cell has a value, 0 when it was empty */
    tbl_dict *dict;        /* STR only: distinct strings */
} tbl_col;

typedef struct tbl {
    size_t nrows, cap;
    int ncols;
    tbl_col *cols;
    int32_t *lines;        /* physical line of each row in its file */
    int oom;               /* sticky allocation failure */
} tbl;

/* A cell value as read: type of its column; s/len point into the table (valid while it lives). */
typedef struct tbl_value {
    int present;
    tbl_type type;
    int64_t i;             /* INT, DATE (yyyymmdd) */
    double d;              /* NUM */
    const char *s;         /* STR */
    size_t len;
} tbl_value;

/* Creates an empty table with no columns; free with tbl_free. NULL when out of memory. */
tbl *tbl_new(void);
void tbl_free(tbl *t);

/* Adds a column; returns its index or -1 (out of memory). Columns are added before rows. */
int tbl_add_col(tbl *t, const char *name, tbl_type type);
int tbl_col_index(const tbl *t, const char *name);

/* Appends a row of empty cells from source line `line`; returns its index or -1. */
long tbl_add_row(tbl *t, int line);
void tbl_set_str(tbl *t, size_t row, int col, const char *s, size_t len);
void tbl_set_int(tbl *t, size_t row, int col, int64_t v);
void tbl_set_num(tbl *t, size_t row, int col, double v);

tbl_value tbl_get(const tbl *t, size_t row, int col);
/* STR: the dictionary code of a cell (-1 when empty); strings equal ⇔ codes equal. */
int32_t tbl_code(const tbl *t, size_t row, int col);
/* STR: code of string s in column col, or -1 when no cell holds it. */
int32_t tbl_find_code(const tbl *t, int col, const char *s, size_t len);
/* STR: number of distinct strings and the string of a code. */
int32_t tbl_ncodes(const tbl *t, int col);
const char *tbl_code_str(const tbl *t, int col, int32_t code, size_t *len);

/* Adds STR column `name` whose every cell is fn(cell of STR column src): fn runs once per
 * distinct string, not per row (e.g. the name keys of a million participant rows' subjects).
 * fn appends its result to out. Returns the new column's index, or -1 (memory). */
typedef void (*tbl_str_fn)(const char *s, size_t n, buf *out);
int tbl_derive_str(tbl *t, int src, const char *name, tbl_str_fn fn);

/* ---- bulk operations ---- */

/* An equality filter: rows whose cell in `col` equals the value (by code for STR). */
typedef struct tbl_where {
    int col;
    int64_t i;      /* INT/DATE value or STR code */
    double d;       /* NUM value */
} tbl_where;

/* What tbl_group_sum gives: groups in order of first appearance; for group g its first row
 * first_row[g] and number of rows rows[g]; for g and value column v (at g*nval + v) the sum of
 * the present cells sums[], how many were present counts[] and, with a weight column, the
 * weighted sum Σ cell·w wsums[] and the weight of the present cells Σ w weights[] (a row
 * whose weight cell is empty weighs 0). wsums and weights are NULL without a weight column. */
typedef struct tbl_sums {
    size_t ngroups;
    size_t *first_row, *rows;
    double *sums;
    size_t *counts;
    double *wsums, *weights;
} tbl_sums;

/* Group rows by the key columns and sum the value columns (empty cells add nothing); with
 * weight >= 0 (a column) also the weighted sums, e.g. a participant-weighted mean's numerator
 * and denominator. Rows failing any filter are skipped. Fills *out (arrays malloc'd, free
 * with tbl_sums_free, also after a failure). Returns 0 or -1 (memory). */
int tbl_group_sum(const tbl *t, const int *keys, int nkeys, const int *vals, int nval, int weight,
                  const tbl_where *where, int nwhere, tbl_sums *out);
void tbl_sums_free(tbl_sums *s);

/* Rows whose key (all `keys` columns, empty cells included) repeats an earlier row: for each,
 * dup[k] = the row and orig[k] = the earlier row. Arrays malloc'd; returns count or -1. */
long tbl_duplicates(const tbl *t, const int *keys, int nkeys, size_t **dup, size_t **orig);

/* Of rows[0..n) (0-based), flags the first with each distinct value of column col: keep[i] = 1
 * for those, 0 for the rest and for rows whose cell is empty (strings by code, as groups
 * compare them). E.g. one row per school among a group's rows, or a column's distinct values
 * over some rows. Returns how many are kept, or -1 (memory). */
long tbl_first_rows(const tbl *t, const size_t *rows, size_t n, int col, uint8_t *keep);

/* ---- row tests over integer columns: a check every row needs, without a Lua call per row;
 * what a flagged row means is the caller's business ---- */

/* Is row `row` unbalanced: INT column `whole` has a value, some of the INT columns parts[]
 * have one, and not all of them do or their sum differs from the whole (the sum wraps around
 * as Lua's integers do)? E.g. counts that must add up to a total, all given or none. */
int tbl_row_unbalanced(const tbl *t, size_t row, const int *parts, int nparts, int whole);
/* Do INT columns a and b both have a value in row `row`, a's the greater? */
int tbl_row_greater(const tbl *t, size_t row, int a, int b);

/* ---- groups: the rows of every key, for many lookups (an index) ---- */

#define TBL_GROUP_MAXKEYS 8
/* Cell keys for tbl_groups_find: an empty cell, and a string no cell of the column holds. */
#define TBL_KEY_EMPTY INT64_MIN
#define TBL_KEY_NONE ((int64_t)-2)

typedef struct tbl_groups tbl_groups;

/* Groups the rows of t by the key columns (1 to TBL_GROUP_MAXKEYS; empty cells are a value
 * too). Memory: ~16 bytes per row. NULL when out of memory or the key count is out of range.
 * The caller frees with tbl_groups_free and keeps t alive (and unchanged) meanwhile. */
tbl_groups *tbl_groups_new(const tbl *t, const int *keys, int nkeys);
void tbl_groups_free(tbl_groups *g);
size_t tbl_groups_count(const tbl_groups *g);
/* The key columns, *n of them. */
const int *tbl_groups_keys(const tbl_groups *g, int *n);
/* Group whose key cells equal key[0..nkeys) (as tbl_key_* give them), or -1. */
long tbl_groups_find(const tbl_groups *g, const tbl *t, const int64_t *key);
/* The rows of group `group` (0-based), ascending; *n of them; points into g. */
const uint32_t *tbl_groups_rows(const tbl_groups *g, size_t group, size_t *n);
/* Per group of g (over t): the sum of the present cells of numeric column col in sums[group]
 * and their number in counts[group]; both arrays hold tbl_groups_count(g) entries. */
void tbl_groups_sum(const tbl_groups *g, const tbl *t, int col, double *sums, size_t *counts);
/* Joins two indexes: for each group of g (over t), the group of h (over u) whose key cells
 * equal its own (strings by text, e.g. two files' name-key columns) in match[group], or -1;
 * a group with an empty key cell matches nothing. match holds tbl_groups_count(g) entries.
 * Returns 0, or -1 when the key columns differ in number or type. */
int tbl_groups_match(const tbl_groups *g, const tbl *t, const tbl_groups *h, const tbl *u, long *match);
/* Cell keys of values: a string of STR column col (TBL_KEY_NONE when no cell holds it), a
 * number of a NUM column. INT and DATE cells are their value, an empty cell TBL_KEY_EMPTY. */
int64_t tbl_key_str(const tbl *t, int col, const char *s, size_t len);
int64_t tbl_key_num(double d);

#endif
