/* table — columnar storage and bulk operations; see table.h. */
#include "table.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"

/* ---- string dictionary: each distinct string stored once, identified by a dense code ---- */

struct tbl_dict {
    buf arena;            /* strings, each NUL-terminated */
    size_t *off;          /* per code: offset in arena */
    size_t *len;          /* per code: length */
    int32_t n, cap;
    uint64_t *slots;      /* open addressing: (32-bit hash << 32) | (code + 1), 0 = free; the
                           * hash in the slot spares most string compares and growing rehashes
                           * nothing */
    size_t nslots;        /* power of two */
    int32_t last;         /* code + 1 of the last string found or added: a column repeats its
                           * previous value very often (sorted exports), 0 = none */
};

/* 64-bit hash of s, a word at a time (the dictionary hashes every string cell of a file). */
static uint64_t hash_bytes(const char *s, size_t n)
{
    uint64_t h = 0x9e3779b97f4a7c15ull ^ (n * 0xff51afd7ed558ccdull), w;
    for (; n >= 8; s += 8, n -= 8) {
        memcpy(&w, s, 8);
        h = (h ^ w) * 0xbf58476d1ce4e5b9ull;
        h ^= h >> 31;
    }
    w = 0;
    memcpy(&w, s, n);
    h = (h ^ w) * 0x94d049bb133111ebull;
    h ^= h >> 29;
    h *= 0xbf58476d1ce4e5b9ull;
    return h ^ (h >> 32);
}

static uint64_t mix64(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    return x;
}

static void dict_free(tbl_dict *d)
{
    if (!d)
        return;
    buf_free(&d->arena);
    free(d->off);
    free(d->len);
    free(d->slots);
    free(d);
}

static int dict_grow_slots(tbl_dict *d)
{
    size_t ns = d->nslots ? d->nslots * 2 : 64;
    uint64_t *slots = calloc(ns, sizeof *slots);
    if (!slots)
        return -1;
    for (size_t k = 0; k < d->nslots; k++) {
        if (!d->slots[k])
            continue;
        size_t i = (d->slots[k] >> 32) & (ns - 1);
        while (slots[i])
            i = (i + 1) & (ns - 1);
        slots[i] = d->slots[k];
    }
    free(d->slots);
    d->slots = slots;
    d->nslots = ns;
    return 0;
}

static int dict_is(const tbl_dict *d, int32_t c, const char *s, size_t n)
{
    return d->len[c] == n && memcmp(d->arena.data + d->off[c], s, n) == 0;
}

/* Returns the code of s, adding it when `add`; -1 when absent (or out of memory). */
static int32_t dict_code(tbl_dict *d, const char *s, size_t n, int add)
{
    if (d->last && dict_is(d, d->last - 1, s, n))
        return d->last - 1;
    if (d->nslots == 0 && (!add || dict_grow_slots(d) != 0))
        return -1;
    uint32_t h = (uint32_t)hash_bytes(s, n);
    size_t i = h & (d->nslots - 1);
    for (; d->slots[i]; i = (i + 1) & (d->nslots - 1)) {
        int32_t c = (int32_t)(d->slots[i] & 0xffffffffu) - 1;
        if ((uint32_t)(d->slots[i] >> 32) == h && dict_is(d, c, s, n)) {
            d->last = c + 1;
            return c;
        }
    }
    if (!add)
        return -1;
    if (d->n == d->cap) {
        int32_t cap = d->cap ? d->cap * 2 : 16;
        size_t *off = realloc(d->off, (size_t)cap * sizeof *off);
        if (!off)
            return -1;
        d->off = off;
        size_t *len = realloc(d->len, (size_t)cap * sizeof *len);
        if (!len)
            return -1;
        d->len = len;
        d->cap = cap;
    }
    size_t at = d->arena.len;
    buf_append(&d->arena, s, n);
    buf_putc(&d->arena, '\0');
    if (d->arena.oom)
        return -1;
    int32_t c = d->n++;
    d->off[c] = at;
    d->len[c] = n;
    d->slots[i] = (uint64_t)h << 32 | (uint32_t)(c + 1);
    d->last = c + 1;
    if ((size_t)d->n * 2 > d->nslots && dict_grow_slots(d) != 0)
        return -1;
    return c;
}

/* ---- table ---- */

tbl *tbl_new(void) { return calloc(1, sizeof(tbl)); }

void tbl_free(tbl *t)
{
    if (!t)
        return;
    for (int c = 0; c < t->ncols; c++) {
        free(t->cols[c].name);
        free(t->cols[c].data);
        free(t->cols[c].present);
        dict_free(t->cols[c].dict);
    }
    free(t->cols);
    free(t->lines);
    free(t);
}

static size_t cell_size(tbl_type type)
{
    return type == TBL_INT ? sizeof(int64_t) : type == TBL_NUM ? sizeof(double) : sizeof(int32_t);
}

int tbl_add_col(tbl *t, const char *name, tbl_type type)
{
    tbl_col *cols = realloc(t->cols, (size_t)(t->ncols + 1) * sizeof *cols);
    if (!cols) {
        t->oom = 1;
        return -1;
    }
    t->cols = cols;
    tbl_col *c = &cols[t->ncols];
    memset(c, 0, sizeof *c);
    c->name = strdup(name);
    c->type = type;
    if (type == TBL_STR)
        c->dict = calloc(1, sizeof *c->dict);
    if (!c->name || (type == TBL_STR && !c->dict)) {
        free(c->name);
        free(c->dict);
        t->oom = 1;
        return -1;
    }
    return t->ncols++;
}

int tbl_col_index(const tbl *t, const char *name)
{
    for (int c = 0; c < t->ncols; c++)
        if (strcmp(t->cols[c].name, name) == 0)
            return c;
    return -1;
}

static int grow_rows(tbl *t)
{
    size_t cap = t->cap ? t->cap * 2 : 256;
    int32_t *lines = realloc(t->lines, cap * sizeof *lines);
    if (!lines)
        return -1;
    t->lines = lines;
    for (int c = 0; c < t->ncols; c++) {
        tbl_col *col = &t->cols[c];
        void *d = realloc(col->data, cap * cell_size(col->type));
        if (!d)
            return -1;
        col->data = d;
        uint8_t *p = realloc(col->present, cap);
        if (!p)
            return -1;
        col->present = p;
    }
    t->cap = cap;
    return 0;
}

long tbl_add_row(tbl *t, int line)
{
    if (t->oom || (t->nrows == t->cap && grow_rows(t) != 0)) {
        t->oom = 1;
        return -1;
    }
    size_t r = t->nrows++;
    t->lines[r] = line;
    for (int c = 0; c < t->ncols; c++)
        t->cols[c].present[r] = 0;
    return (long)r;
}

void tbl_set_str(tbl *t, size_t row, int col, const char *s, size_t len)
{
    tbl_col *c = &t->cols[col];
    int32_t code = dict_code(c->dict, s, len, 1);
    if (code < 0) {
        t->oom = 1;
        return;
    }
    ((int32_t *)c->data)[row] = code;
    c->present[row] = 1;
}

void tbl_set_int(tbl *t, size_t row, int col, int64_t v)
{
    tbl_col *c = &t->cols[col];
    if (c->type == TBL_DATE)
        ((int32_t *)c->data)[row] = (int32_t)v;
    else
        ((int64_t *)c->data)[row] = v;
    c->present[row] = 1;
}

void tbl_set_num(tbl *t, size_t row, int col, double v)
{
    tbl_col *c = &t->cols[col];
    ((double *)c->data)[row] = v;
    c->present[row] = 1;
}

tbl_value tbl_get(const tbl *t, size_t row, int col)
{
    const tbl_col *c = &t->cols[col];
    tbl_value v = {0};
    v.type = c->type;
    if (!c->present[row])
        return v;
    v.present = 1;
    switch (c->type) {
    case TBL_STR: {
        int32_t code = ((int32_t *)c->data)[row];
        v.s = c->dict->arena.data + c->dict->off[code];
        v.len = c->dict->len[code];
        break;
    }
    case TBL_INT: v.i = ((int64_t *)c->data)[row]; break;
    case TBL_DATE: v.i = ((int32_t *)c->data)[row]; break;
    case TBL_NUM: v.d = ((double *)c->data)[row]; break;
    }
    return v;
}

int32_t tbl_code(const tbl *t, size_t row, int col)
{
    const tbl_col *c = &t->cols[col];
    return c->present[row] ? ((int32_t *)c->data)[row] : -1;
}

int32_t tbl_find_code(const tbl *t, int col, const char *s, size_t len)
{
    return dict_code(t->cols[col].dict, s, len, 0);
}

int32_t tbl_ncodes(const tbl *t, int col) { return t->cols[col].dict->n; }

const char *tbl_code_str(const tbl *t, int col, int32_t code, size_t *len)
{
    const tbl_dict *d = t->cols[col].dict;
    *len = d->len[code];
    return d->arena.data + d->off[code];
}

int tbl_derive_str(tbl *t, int src, const char *name, tbl_str_fn fn)
{
    int col = tbl_add_col(t, name, TBL_STR);
    if (col < 0)
        return -1;
    if (t->nrows && (!(t->cols[col].data = malloc(t->cap * sizeof(int32_t))) ||
                     !(t->cols[col].present = malloc(t->cap)))) {
        t->oom = 1;
        return -1;
    }
    tbl_dict *from = t->cols[src].dict;
    int32_t *map = malloc(((size_t)from->n + 1) * sizeof *map);
    buf b = BUF_INIT;
    for (int32_t c = 0; map && c < from->n; c++) {
        buf_reset(&b);
        fn(from->arena.data + from->off[c], from->len[c], &b);
        map[c] = dict_code(t->cols[col].dict, b.data ? b.data : "", b.len, 1);
        if (map[c] < 0 || b.oom)
            t->oom = 1;
    }
    buf_free(&b);
    if (!map || t->oom) {
        free(map);
        t->oom = 1;
        return -1;
    }
    const int32_t *codes = t->cols[src].data;
    int32_t *out = t->cols[col].data;
    for (size_t r = 0; r < t->nrows; r++) {
        t->cols[col].present[r] = t->cols[src].present[r];
        out[r] = t->cols[src].present[r] ? map[codes[r]] : 0;
    }
    free(map);
    return col;
}

/* ---- keys of rows, for grouping and duplicates ---- */

#define KEY_EMPTY TBL_KEY_EMPTY

/* The cell as a 64-bit key: code, integer, date or the bits of a double; KEY_EMPTY if empty. */
static int64_t cell_key(const tbl *t, size_t row, int col)
{
    const tbl_col *c = &t->cols[col];
    if (!c->present[row])
        return KEY_EMPTY;
    switch (c->type) {
    case TBL_INT: return ((int64_t *)c->data)[row];
    case TBL_NUM: {
        double d = ((double *)c->data)[row];
        int64_t k;
        if (d == 0)
            d = 0; /* -0 and +0 are one key */
        memcpy(&k, &d, sizeof k);
        return k;
    }
    default: return ((int32_t *)c->data)[row];
    }
}

static uint64_t row_hash(const tbl *t, size_t row, const int *keys, int nkeys)
{
    uint64_t h = 0x9e3779b97f4a7c15ull;
    for (int k = 0; k < nkeys; k++)
        h = mix64(h ^ (uint64_t)cell_key(t, row, keys[k])) + (uint64_t)k;
    return h;
}

static int rows_equal(const tbl *t, size_t a, size_t b, const int *keys, int nkeys)
{
    for (int k = 0; k < nkeys; k++)
        if (cell_key(t, a, keys[k]) != cell_key(t, b, keys[k]))
            return 0;
    return 1;
}

/* Open-addressing index from a row's key to a dense group number. A slot holds the upper half
 * of the key's hash beside the group, so probing reads one array and touches a row only when
 * the hashes agree (the index outgrows the caches on big files: each probe is a miss). */
typedef struct key_index {
    uint64_t *slots;      /* (hash >> 32) << 32 | (group + 1), 0 = free */
    size_t nslots;
    size_t *group_row;    /* representative row of each group */
    uint64_t *group_hash; /* its key's hash, for rehashing */
    size_t ngroups, cap;
} key_index;

static void index_free(key_index *ix)
{
    free(ix->slots);
    free(ix->group_row);
    free(ix->group_hash);
}

static uint64_t slot_of(uint64_t h, size_t g)
{
    return (h >> 32) << 32 | (uint64_t)(g + 1);
}

/* Doubles the slot table (or creates it with at least `want` slots). */
static int index_rehash(key_index *ix, size_t want)
{
    size_t ns = ix->nslots ? ix->nslots * 2 : 1024;
    while (ns < want)
        ns *= 2;
    uint64_t *slots = calloc(ns, sizeof *slots);
    if (!slots)
        return -1;
    for (size_t g = 0; g < ix->ngroups; g++) {
        size_t i = ix->group_hash[g] & (ns - 1);
        while (slots[i])
            i = (i + 1) & (ns - 1);
        slots[i] = slot_of(ix->group_hash[g], g);
    }
    free(ix->slots);
    ix->slots = slots;
    ix->nslots = ns;
    return 0;
}

/* Group of `row`; *is_new says whether the row opened it. Returns (size_t)-1 on no memory.
 * Groups are limited to 2^32 - 1 (rows are, by their int32 line numbers, anyway). */
static size_t index_lookup_hashed(key_index *ix, const tbl *t, size_t row, const int *keys,
                                  int nkeys, uint64_t h, int *is_new)
{
    if ((ix->ngroups + 1) * 2 > ix->nslots && index_rehash(ix, 0) != 0)
        return (size_t)-1;
    size_t i = h & (ix->nslots - 1);
    for (; ix->slots[i]; i = (i + 1) & (ix->nslots - 1)) {
        if (ix->slots[i] >> 32 != h >> 32)
            continue;
        size_t g = (size_t)(ix->slots[i] & 0xffffffffu) - 1;
        if (ix->group_hash[g] == h && rows_equal(t, ix->group_row[g], row, keys, nkeys)) {
            *is_new = 0;
            return g;
        }
    }
    if (ix->ngroups >= 0xffffffffu)
        return (size_t)-1;
    if (ix->ngroups == ix->cap) {
        size_t cap = ix->cap ? ix->cap * 2 : 256;
        size_t *gr = realloc(ix->group_row, cap * sizeof *gr);
        if (gr)
            ix->group_row = gr;
        uint64_t *gh = realloc(ix->group_hash, cap * sizeof *gh);
        if (gh)
            ix->group_hash = gh;
        if (!gr || !gh)
            return (size_t)-1;
        ix->cap = cap;
    }
    size_t g = ix->ngroups++;
    ix->group_row[g] = row;
    ix->group_hash[g] = h;
    ix->slots[i] = slot_of(h, g);
    *is_new = 1;
    return g;
}

static size_t index_lookup(key_index *ix, const tbl *t, size_t row, const int *keys, int nkeys,
                           int *is_new)
{
    return index_lookup_hashed(ix, t, row, keys, nkeys, row_hash(t, row, keys, nkeys), is_new);
}

static int row_passes(const tbl *t, size_t row, const tbl_where *where, int nwhere)
{
    for (int w = 0; w < nwhere; w++) {
        const tbl_col *c = &t->cols[where[w].col];
        if (!c->present[row])
            return 0;
        if (c->type == TBL_NUM ? ((double *)c->data)[row] != where[w].d
                               : cell_key(t, row, where[w].col) != where[w].i)
            return 0;
    }
    return 1;
}

static double cell_number(const tbl *t, size_t row, int col)
{
    const tbl_col *c = &t->cols[col];
    switch (c->type) {
    case TBL_INT: return (double)((int64_t *)c->data)[row];
    case TBL_NUM: return ((double *)c->data)[row];
    default: return 0;
    }
}

/* Grows the per-group result arrays of s to hold `cap` groups. */
static int grow_sums(tbl_sums *s, size_t cap, int nval, int weighted)
{
    size_t nv = cap * (size_t)(nval ? nval : 1);
    size_t *f = realloc(s->first_row, cap * sizeof *f);
    if (f) s->first_row = f;
    size_t *r = realloc(s->rows, cap * sizeof *r);
    if (r) s->rows = r;
    double *sm = realloc(s->sums, nv * sizeof *sm);
    if (sm) s->sums = sm;
    size_t *c = realloc(s->counts, nv * sizeof *c);
    if (c) s->counts = c;
    if (!f || !r || !sm || !c)
        return -1;
    if (!weighted)
        return 0;
    double *ws = realloc(s->wsums, nv * sizeof *ws);
    if (ws) s->wsums = ws;
    double *w = realloc(s->weights, nv * sizeof *w);
    if (w) s->weights = w;
    return ws && w ? 0 : -1;
}

/* Starts group g at row r: no rows, nothing summed. */
static void start_group(tbl_sums *s, size_t g, size_t r, int nval)
{
    s->first_row[g] = r;
    s->rows[g] = 0;
    for (size_t at = g * (size_t)nval; at < (g + 1) * (size_t)nval; at++) {
        s->sums[at] = 0, s->counts[at] = 0;
        if (s->wsums)
            s->wsums[at] = 0, s->weights[at] = 0;
    }
}

/* Adds row r's value cells into group g. */
static void add_to_group(tbl_sums *s, const tbl *t, size_t g, size_t r, const int *vals, int nval,
                         int weight)
{
    double w = 0;
    if (weight >= 0 && t->cols[weight].present[r])
        w = cell_number(t, r, weight);
    s->rows[g]++;
    for (int v = 0; v < nval; v++) {
        if (!t->cols[vals[v]].present[r])
            continue;
        size_t at = g * (size_t)nval + (size_t)v;
        double x = cell_number(t, r, vals[v]);
        s->sums[at] += x;
        s->counts[at]++;
        if (weight >= 0) {
            s->wsums[at] += x * w;
            s->weights[at] += w;
        }
    }
}

void tbl_sums_free(tbl_sums *s)
{
    free(s->first_row), free(s->rows), free(s->sums), free(s->counts), free(s->wsums), free(s->weights);
    memset(s, 0, sizeof *s);
}

int tbl_group_sum(const tbl *t, const int *keys, int nkeys, const int *vals, int nval, int weight,
                  const tbl_where *where, int nwhere, tbl_sums *out)
{
    key_index ix = {0};
    size_t cap = 0;
    int rc = -1;
    memset(out, 0, sizeof *out);
    for (size_t r = 0; r < t->nrows; r++) {
        if (!row_passes(t, r, where, nwhere))
            continue;
        int is_new;
        size_t g = index_lookup(&ix, t, r, keys, nkeys, &is_new);
        if (g == (size_t)-1)
            goto done;
        if (is_new) {
            if (g == cap && grow_sums(out, cap = cap ? cap * 2 : 64, nval, weight >= 0) != 0)
                goto done;
            start_group(out, g, r, nval);
        }
        add_to_group(out, t, g, r, vals, nval, weight);
    }
    out->ngroups = ix.ngroups;
    rc = 0;
done:
    index_free(&ix);
    if (rc != 0)
        tbl_sums_free(out);
    return rc;
}

long tbl_first_rows(const tbl *t, const size_t *rows, size_t n, int col, uint8_t *keep)
{
    /* an open-addressing set of the cell keys seen, at most half full */
    size_t cap = 16;
    while (cap < 2 * n)
        cap *= 2;
    int64_t *seen = malloc(cap * sizeof *seen);
    uint8_t *used = calloc(cap, 1);
    long kept = -1;
    if (!seen || !used)
        goto done;
    kept = 0;
    for (size_t i = 0; i < n; i++) {
        keep[i] = 0;
        if (!t->cols[col].present[rows[i]])
            continue;
        int64_t k = cell_key(t, rows[i], col);
        size_t s = (size_t)mix64((uint64_t)k) & (cap - 1);
        while (used[s] && seen[s] != k)
            s = (s + 1) & (cap - 1);
        if (used[s])
            continue;
        used[s] = 1, seen[s] = k;
        keep[i] = 1;
        kept++;
    }
done:
    free(seen);
    free(used);
    return kept;
}

int tbl_row_unbalanced(const tbl *t, size_t row, const int *parts, int nparts, int whole)
{
    if (!t->cols[whole].present[row])
        return 0;
    int given = 0;
    uint64_t sum = 0;   /* unsigned: wraps as a Lua integer sum does, and overflow is defined */
    for (int p = 0; p < nparts; p++) {
        const tbl_col *c = &t->cols[parts[p]];
        if (c->present[row]) {
            given++;
            sum += (uint64_t)((int64_t *)c->data)[row];
        }
    }
    if (given == 0)
        return 0;
    return given < nparts || sum != (uint64_t)((int64_t *)t->cols[whole].data)[row];
}

int tbl_row_greater(const tbl *t, size_t row, int a, int b)
{
    const tbl_col *ca = &t->cols[a], *cb = &t->cols[b];
    return ca->present[row] && cb->present[row] && ((int64_t *)ca->data)[row] > ((int64_t *)cb->data)[row];
}

long tbl_duplicates(const tbl *t, const int *keys, int nkeys, size_t **dup, size_t **orig)
{
    key_index ix = {0};
    size_t n = 0, cap = 0;
    long rc = -1;
    *dup = NULL, *orig = NULL;
    /* keys are mostly unique here: size the index for every row at once instead of doubling */
    if (index_rehash(&ix, t->nrows * 2) != 0)
        goto done;
    /* Rows go in batches: hash a batch and prefetch its slots, then look them up, so the cache
     * misses of a big index overlap instead of queueing (the order of lookups is unchanged). */
    enum { BATCH = 16 };
    uint64_t hs[BATCH];
    for (size_t r = 0; r < t->nrows; r++) {
        if (r % BATCH == 0) {
            for (size_t k = 0; k < BATCH && r + k < t->nrows; k++) {
                hs[k] = row_hash(t, r + k, keys, nkeys);
                __builtin_prefetch(&ix.slots[hs[k] & (ix.nslots - 1)]);
            }
        }
        int is_new;
        size_t g = index_lookup_hashed(&ix, t, r, keys, nkeys, hs[r % BATCH], &is_new);
        if (g == (size_t)-1)
            goto done;
        if (is_new)
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            size_t *d = realloc(*dup, cap * sizeof *d);
            if (d) *dup = d;
            size_t *o = realloc(*orig, cap * sizeof *o);
            if (o) *orig = o;
            if (!d || !o)
                goto done;
        }
        (*dup)[n] = r;
        (*orig)[n] = ix.group_row[g];
        n++;
    }
    rc = (long)n;
done:
    index_free(&ix);
    if (rc < 0) {
        free(*dup), free(*orig);
        *dup = NULL, *orig = NULL;
    }
    return rc;
}

/* ---- groups: rows listed by key, for many lookups ---- */

struct tbl_groups {
    int keys[TBL_GROUP_MAXKEYS];
    int nkeys;
    key_index ix;         /* key → group, representative row = group's first row */
    uint32_t *start;      /* ngroups + 1 offsets into rows */
    uint32_t *rows;       /* the rows of group g: rows[start[g] .. start[g+1]), ascending */
};

void tbl_groups_free(tbl_groups *g)
{
    if (!g)
        return;
    index_free(&g->ix);
    free(g->start);
    free(g->rows);
    free(g);
}

/* Counting sort of the rows by group: two passes over a group-per-row array. */
static int groups_fill(tbl_groups *g, const tbl *t, const uint32_t *group_of)
{
    size_t ng = g->ix.ngroups;
    g->start = calloc(ng + 1, sizeof *g->start);
    g->rows = malloc((t->nrows ? t->nrows : 1) * sizeof *g->rows);
    if (!g->start || !g->rows)
        return -1;
    for (size_t r = 0; r < t->nrows; r++)
        g->start[group_of[r] + 1]++;
    for (size_t k = 0; k < ng; k++)
        g->start[k + 1] += g->start[k];
    for (size_t r = 0; r < t->nrows; r++)      /* start[k] walks to the end of group k... */
        g->rows[g->start[group_of[r]]++] = (uint32_t)r;
    for (size_t k = ng; k > 0; k--)           /* ...so shift the offsets back by one group */
        g->start[k] = g->start[k - 1];
    g->start[0] = 0;
    return 0;
}

tbl_groups *tbl_groups_new(const tbl *t, const int *keys, int nkeys)
{
    if (nkeys < 1 || nkeys > TBL_GROUP_MAXKEYS || t->nrows >= 0xffffffffu)
        return NULL;
    tbl_groups *g = calloc(1, sizeof *g);
    uint32_t *group_of = malloc((t->nrows ? t->nrows : 1) * sizeof *group_of);
    if (!g || !group_of)
        goto fail;
    memcpy(g->keys, keys, (size_t)nkeys * sizeof *keys);
    g->nkeys = nkeys;
    for (size_t r = 0; r < t->nrows; r++) {
        int is_new;
        size_t k = index_lookup(&g->ix, t, r, keys, nkeys, &is_new);
        if (k == (size_t)-1)
            goto fail;
        group_of[r] = (uint32_t)k;
    }
    if (groups_fill(g, t, group_of) != 0)
        goto fail;
    free(group_of);
    return g;
fail:
    free(group_of);
    tbl_groups_free(g);
    return NULL;
}

size_t tbl_groups_count(const tbl_groups *g) { return g->ix.ngroups; }

const int *tbl_groups_keys(const tbl_groups *g, int *n)
{
    *n = g->nkeys;
    return g->keys;
}

long tbl_groups_find(const tbl_groups *g, const tbl *t, const int64_t *key)
{
    const key_index *ix = &g->ix;
    if (ix->nslots == 0)
        return -1;
    uint64_t h = 0x9e3779b97f4a7c15ull;       /* as row_hash, over the given cells */
    for (int k = 0; k < g->nkeys; k++)
        h = mix64(h ^ (uint64_t)key[k]) + (uint64_t)k;
    for (size_t i = h & (ix->nslots - 1); ix->slots[i]; i = (i + 1) & (ix->nslots - 1)) {
        if (ix->slots[i] >> 32 != h >> 32)
            continue;
        size_t grp = (size_t)(ix->slots[i] & 0xffffffffu) - 1;
        int same = ix->group_hash[grp] == h;
        for (int k = 0; same && k < g->nkeys; k++)
            same = cell_key(t, ix->group_row[grp], g->keys[k]) == key[k];
        if (same)
            return (long)grp;
    }
    return -1;
}

const uint32_t *tbl_groups_rows(const tbl_groups *g, size_t group, size_t *n)
{
    *n = g->start[group + 1] - g->start[group];
    return g->rows + g->start[group];
}

void tbl_groups_sum(const tbl_groups *g, const tbl *t, int col, double *sums, size_t *counts)
{
    const tbl_col *c = &t->cols[col];
    for (size_t grp = 0; grp < g->ix.ngroups; grp++) {
        double sum = 0;
        size_t n = 0;
        for (uint32_t i = g->start[grp]; i < g->start[grp + 1]; i++) {
            if (c->present[g->rows[i]])
                sum += cell_number(t, g->rows[i], col), n++;
        }
        sums[grp] = sum, counts[grp] = n;
    }
}

/* The key of row r's cell in column col of t as a cell key of column ucol of u: strings by
 * their text (TBL_KEY_NONE when u's column holds no such string), other types as they are. */
static int64_t key_in(const tbl *t, size_t r, int col, const tbl *u, int ucol)
{
    if (t->cols[col].type != TBL_STR)
        return cell_key(t, r, col);
    size_t len;
    const char *s = tbl_code_str(t, col, tbl_code(t, r, col), &len);
    return tbl_key_str(u, ucol, s, len);
}

int tbl_groups_match(const tbl_groups *g, const tbl *t, const tbl_groups *h, const tbl *u, long *match)
{
    if (g->nkeys != h->nkeys)
        return -1;
    for (int k = 0; k < g->nkeys; k++)
        if (t->cols[g->keys[k]].type != u->cols[h->keys[k]].type)
            return -1;
    for (size_t grp = 0; grp < g->ix.ngroups; grp++) {
        size_t r = g->ix.group_row[grp];
        int64_t key[TBL_GROUP_MAXKEYS];
        match[grp] = -1;
        int k = 0;
        for (; k < g->nkeys; k++) {
            if (!t->cols[g->keys[k]].present[r])
                break;
            key[k] = key_in(t, r, g->keys[k], u, h->keys[k]);
            if (key[k] == TBL_KEY_NONE)
                break;
        }
        if (k == g->nkeys)
            match[grp] = tbl_groups_find(h, u, key);
    }
    return 0;
}

int64_t tbl_key_str(const tbl *t, int col, const char *s, size_t len)
{
    int32_t code = tbl_find_code(t, col, s, len);
    return code < 0 ? TBL_KEY_NONE : code;
}

int64_t tbl_key_num(double d)
{
    int64_t k;
    if (d == 0)
        d = 0; /* -0 and +0 are one key, as in cell_key */
    memcpy(&k, &d, sizeof k);
    return k;
}
