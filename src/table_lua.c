/* table_lua — the "otchet.table" userdata; see table_lua.h.
 * Rows are 1-based in Lua. Values: INT → integer, NUM → float, DATE → "yyyy-mm-dd",
 * STR → string, empty cell → nil. */
#include "table_lua.h"

#include <lauxlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

#define TABLE_MT "otchet.table"

typedef struct tbl_box {
    tbl *t;     /* owned */
} tbl_box;

static tbl *check_tbl(lua_State *L, int idx)
{
    tbl_box *b = luaL_checkudata(L, idx, TABLE_MT);
    luaL_argcheck(L, b->t != NULL, idx, "таблица уже освобождена");
    return b->t;
}

static int check_col(lua_State *L, const tbl *t, int idx)
{
    const char *name = luaL_checkstring(L, idx);
    int c = tbl_col_index(t, name);
    if (c < 0)
        luaL_error(L, "в таблице нет столбца '%s'", name);
    return c;
}

static size_t check_row(lua_State *L, const tbl *t, int idx)
{
    lua_Integer i = luaL_checkinteger(L, idx);
    luaL_argcheck(L, i >= 1 && (size_t)i <= t->nrows, idx, "номер строки вне таблицы");
    return (size_t)(i - 1);
}

void tbl_lua_push_date(lua_State *L, int64_t yyyymmdd)
{
    char s[16];
    snprintf(s, sizeof s, "%04d-%02d-%02d", (int)(yyyymmdd / 10000) % 10000,
             (int)(yyyymmdd / 100) % 100, (int)(yyyymmdd % 100));
    lua_pushstring(L, s);
}

/* Pushes cell value v (nil when absent). */
static void push_cell(lua_State *L, tbl_value v)
{
    if (!v.present) {
        lua_pushnil(L);
        return;
    }
    switch (v.type) {
    case TBL_STR: lua_pushlstring(L, v.s, v.len); break;
    case TBL_INT: lua_pushinteger(L, (lua_Integer)v.i); break;
    case TBL_NUM: lua_pushnumber(L, v.d); break;
    case TBL_DATE: tbl_lua_push_date(L, v.i); break;
    }
}

static void push_value(lua_State *L, const tbl *t, size_t row, int col)
{
    push_cell(L, tbl_get(t, row, col));
}

static int tbl_nrows(lua_State *L)
{
    lua_pushinteger(L, (lua_Integer)check_tbl(L, 1)->nrows);
    return 1;
}

static int tbl_columns(lua_State *L)
{
    tbl *t = check_tbl(L, 1);
    lua_createtable(L, t->ncols, 0);
    for (int c = 0; c < t->ncols; c++) {
        lua_pushstring(L, t->cols[c].name);
        lua_rawseti(L, -2, c + 1);
    }
    return 1;
}

static int tbl_has(lua_State *L)
{
    tbl *t = check_tbl(L, 1);
    lua_pushboolean(L, tbl_col_index(t, luaL_checkstring(L, 2)) >= 0);
    return 1;
}

static int tbl_get_(lua_State *L)
{
    tbl *t = check_tbl(L, 1);
    int c = check_col(L, t, 2);
    push_value(L, t, check_row(L, t, 3), c);
    return 1;
}

static int tbl_line(lua_State *L)
{
    tbl *t = check_tbl(L, 1);
    lua_pushinteger(L, t->lines[check_row(L, t, 2)]);
    return 1;
}

/* Pushes the names of t's columns as a list of Lua strings, kept in the user value of its
 * userdata at ud and made again when a column was added (add_namekey); returns its index. A
 * row then takes its keys from here instead of making each from a C string again. */
static int push_names(lua_State *L, int ud, const tbl *t)
{
    if (lua_getiuservalue(L, ud, 1) == LUA_TTABLE && lua_rawlen(L, -1) == (lua_Unsigned)t->ncols)
        return lua_gettop(L);
    lua_pop(L, 1);
    lua_createtable(L, t->ncols, 0);                  /* ... names */
    for (int c = 0; c < t->ncols; c++) {
        lua_pushstring(L, t->cols[c].name);
        lua_rawseti(L, -2, c + 1);
    }
    lua_pushvalue(L, -1);                             /* ... names names */
    lua_setiuservalue(L, ud, 1);                      /* ... names */
    return lua_gettop(L);
}

static int tbl_row(lua_State *L)
{
    tbl *t = check_tbl(L, 1);
    size_t r = check_row(L, t, 2);
    int names = push_names(L, 1, t);
    lua_createtable(L, 0, t->ncols + 1);              /* ... names row */
    for (int c = 0; c < t->ncols; c++) {
        tbl_value v = tbl_get(t, r, c);
        if (!v.present)                               /* an empty cell is an absent field */
            continue;
        lua_rawgeti(L, names, c + 1);                 /* ... names row name */
        push_cell(L, v);                              /* ... names row name value */
        lua_rawset(L, -3);                            /* ... names row */
    }
    lua_pushinteger(L, t->lines[r]);
    lua_setfield(L, -2, "_line");
    return 1;
}

/* t:column(name[, first, last]) → the column, or rows first..last of it, as a Lua array (nil
 * holes for empty cells; element k is row first + k - 1); length in field n. A slice lets a
 * script walk millions of rows without holding whole columns. */
static int tbl_column(lua_State *L)
{
    tbl *t = check_tbl(L, 1);
    int c = check_col(L, t, 2);
    lua_Integer first = luaL_optinteger(L, 3, 1);
    lua_Integer last = luaL_optinteger(L, 4, (lua_Integer)t->nrows);
    luaL_argcheck(L, first >= 1, 3, "номер строки вне таблицы");
    luaL_argcheck(L, last <= (lua_Integer)t->nrows, 4, "номер строки вне таблицы");
    lua_Integer n = last >= first ? last - first + 1 : 0;
    lua_createtable(L, (int)n, 1);
    for (lua_Integer k = 0; k < n; k++) {
        push_value(L, t, (size_t)(first - 1 + k), c);
        lua_rawseti(L, -2, k + 1);
    }
    lua_pushinteger(L, n);
    lua_setfield(L, -2, "n");
    return 1;
}

/* t:cells(name, rows) → the cells of column `name` at the listed rows (1-based), as an array
 * (nil holes for empty cells); length in field n. Sums over scattered rows (a group's) read a
 * few columns this way instead of a table per row. */
static int tbl_cells(lua_State *L)
{
    tbl *t = check_tbl(L, 1);
    int c = check_col(L, t, 2);
    luaL_checktype(L, 3, LUA_TTABLE);
    lua_Integer n = luaL_len(L, 3);
    lua_createtable(L, (int)n, 1);                    /* ... out */
    for (lua_Integer k = 1; k <= n; k++) {
        lua_rawgeti(L, 3, k);                         /* ... out row */
        lua_Integer r = lua_tointeger(L, -1);
        luaL_argcheck(L, r >= 1 && (size_t)r <= t->nrows, 3, "номер строки вне таблицы");
        lua_pop(L, 1);                                /* ... out */
        push_value(L, t, (size_t)(r - 1), c);
        lua_rawseti(L, -2, k);
    }
    lua_pushinteger(L, n);
    lua_setfield(L, -2, "n");
    return 1;
}

/* Reads a list of column names at table index idx into cols (at most max); returns count. */
static int read_cols(lua_State *L, const tbl *t, int idx, int *cols, int max)
{
    if (lua_isnoneornil(L, idx))
        return 0;
    luaL_checktype(L, idx, LUA_TTABLE);
    int n = (int)luaL_len(L, idx);
    luaL_argcheck(L, n <= max, idx, "слишком много столбцов");
    for (int i = 0; i < n; i++) {
        lua_rawgeti(L, idx, i + 1);
        cols[i] = check_col(L, t, -1);
        lua_pop(L, 1);
    }
    return n;
}

/* Turns {col = value, ...} into equality filters. A string value absent from the column
 * matches nothing: *impossible is set. */
static int read_where(lua_State *L, const tbl *t, int idx, tbl_where *w, int max, int *impossible)
{
    int n = 0;
    *impossible = 0;
    if (lua_isnoneornil(L, idx))
        return 0;
    luaL_checktype(L, idx, LUA_TTABLE);
    lua_pushnil(L);
    while (lua_next(L, idx)) {                        /* key value */
        luaL_argcheck(L, n < max, idx, "слишком много условий");
        int c = check_col(L, t, -2);
        w[n].col = c;
        tbl_type type = t->cols[c].type;
        if (type == TBL_STR) {
            size_t len;
            const char *s = luaL_checklstring(L, -1, &len);
            w[n].i = tbl_find_code(t, c, s, len);
            if (w[n].i < 0)
                *impossible = 1;
        } else if (type == TBL_NUM) {
            w[n].d = luaL_checknumber(L, -1);
        } else {
            w[n].i = luaL_checkinteger(L, -1);
        }
        n++;
        lua_pop(L, 1);                                /* key */
    }
    return n;
}

#define MAXCOLS 32
#define BOX_MT "otchet.ptrbox"

/* Pushes a userdata of n pointer slots whose __gc frees each slot: C arrays stored there are
 * freed by Lua even when pushing results raises a memory error (Lua's own UBox idea). */
static void **push_ptrbox(lua_State *L, int n)
{
    void **slots = lua_newuserdatauv(L, sizeof(void *) * (size_t)n, 0);
    memset(slots, 0, sizeof(void *) * (size_t)n);
    luaL_setmetatable(L, BOX_MT);
    return slots;
}

static int ptrbox_gc(lua_State *L)
{
    void **slots = lua_touserdata(L, 1);
    int n = (int)(lua_rawlen(L, 1) / sizeof(void *));
    for (int i = 0; i < n; i++) {
        free(slots[i]);
        slots[i] = NULL;
    }
    return 0;
}

/* Pushes a sum as the column's type gives it: an integer when every term was an integer. */
static void push_sum(lua_State *L, double v, int integer)
{
    if (integer)
        lua_pushinteger(L, (lua_Integer)v);
    else
        lua_pushnumber(L, v);
}

/* Sets, in the table on top, col = value for each value column present in group g, values
 * from arr (sums, wsums or weights); `integer` says which columns' values are integers. */
static void set_sums(lua_State *L, const tbl *t, const tbl_sums *s, const double *arr, size_t g,
                     const int *vals, int nv, const int *integer)
{
    for (int v = 0; v < nv; v++) {
        size_t at = g * (size_t)nv + (size_t)v;
        if (s->counts[at] == 0)
            continue;
        push_sum(L, arr[at], integer[v]);
        lua_setfield(L, -2, t->cols[vals[v]].name);
    }
}

/* Sets field `name` of the table on top to a table of set_sums. */
static void set_weighted(lua_State *L, const tbl *t, const tbl_sums *s, const double *arr, size_t g,
                         const int *vals, int nv, const int *integer, const char *name)
{
    lua_createtable(L, 0, nv);                        /* group sub */
    set_sums(L, t, s, arr, g, vals, nv, integer);
    lua_setfield(L, -2, name);                        /* group */
}

/* Pushes group g of s as a table: key cells, sums, _rows, _first and, with a weight column,
 * _weighted and _weight. */
static void push_group(lua_State *L, const tbl *t, const tbl_sums *s, size_t g, const int *keys, int nk,
                       const int *vals, int nv, int weight)
{
    lua_createtable(L, 0, nk + nv + 4);
    for (int k = 0; k < nk; k++) {
        push_value(L, t, s->first_row[g], keys[k]);
        lua_setfield(L, -2, t->cols[keys[k]].name);
    }
    int is_int[MAXCOLS];
    for (int v = 0; v < nv; v++)
        is_int[v] = t->cols[vals[v]].type == TBL_INT;
    set_sums(L, t, s, s->sums, g, vals, nv, is_int);
    if (weight >= 0) {
        int wint = t->cols[weight].type == TBL_INT, prod_int[MAXCOLS], w_int[MAXCOLS];
        for (int v = 0; v < nv; v++)
            prod_int[v] = wint && is_int[v], w_int[v] = wint;
        set_weighted(L, t, s, s->wsums, g, vals, nv, prod_int, "_weighted");
        set_weighted(L, t, s, s->weights, g, vals, nv, w_int, "_weight");
    }
    lua_pushinteger(L, (lua_Integer)s->rows[g]);
    lua_setfield(L, -2, "_rows");
    lua_pushinteger(L, (lua_Integer)s->first_row[g] + 1);
    lua_setfield(L, -2, "_first");
}

#define SUMS_MT "otchet.sums"

static int sums_gc(lua_State *L)
{
    tbl_sums_free(lua_touserdata(L, 1));
    return 0;
}

/* t:group_sum{by = {cols}, sum = {cols}, where = {col = value}, weight = col} → list of groups;
 * each group has the key columns' values, the sums (nil where no cell was present), _rows,
 * _first; with a (numeric) weight column also _weighted = {col = Σ cell·weight} and _weight =
 * {col = Σ weight over the rows where col is present}, an empty weight cell counting as 0. */
static int tbl_group_sum_(lua_State *L)
{
    tbl *t = check_tbl(L, 1);
    luaL_checktype(L, 2, LUA_TTABLE);
    int keys[MAXCOLS], vals[MAXCOLS], impossible, weight = -1;
    tbl_where where[MAXCOLS];
    lua_getfield(L, 2, "by");
    lua_getfield(L, 2, "sum");
    lua_getfield(L, 2, "where");
    lua_getfield(L, 2, "weight");                     /* spec by sum where weight */
    int nk = read_cols(L, t, 3, keys, MAXCOLS);
    int nv = read_cols(L, t, 4, vals, MAXCOLS);
    int nw = read_where(L, t, 5, where, MAXCOLS, &impossible);
    if (!lua_isnil(L, 6)) {
        weight = check_col(L, t, 6);
        luaL_argcheck(L, t->cols[weight].type == TBL_INT || t->cols[weight].type == TBL_NUM, 2,
                      "вес — числовой столбец");
    }
    tbl_sums *s = lua_newuserdatauv(L, sizeof *s, 0); /* spec by sum where weight sums */
    memset(s, 0, sizeof *s);
    if (luaL_newmetatable(L, SUMS_MT)) {              /* ... sums mt */
        lua_pushcfunction(L, sums_gc);
        lua_setfield(L, -2, "__gc");
    }
    lua_setmetatable(L, -2);                          /* ... sums: frees the arrays when collected */
    if (!impossible && tbl_group_sum(t, keys, nk, vals, nv, weight, where, nw, s) != 0)
        return luaL_error(L, "недостаточно памяти");
    lua_createtable(L, (int)s->ngroups, 0);           /* ... sums result */
    for (size_t g = 0; g < s->ngroups; g++) {
        push_group(L, t, s, g, keys, nk, vals, nv, weight);
        lua_rawseti(L, -2, (lua_Integer)g + 1);
    }
    return 1;
}

/* t:duplicates{cols} → list of {row = r, first = r0}: rows repeating an earlier row's key. */
static int tbl_duplicates_(lua_State *L)
{
    tbl *t = check_tbl(L, 1);
    int keys[MAXCOLS];
    int nk = read_cols(L, t, 2, keys, MAXCOLS);
    size_t *dup, *orig;
    void **box = push_ptrbox(L, 2);
    long n = tbl_duplicates(t, keys, nk, &dup, &orig);
    if (n < 0)
        return luaL_error(L, "недостаточно памяти");
    box[0] = dup, box[1] = orig;
    lua_createtable(L, (int)n, 0);
    for (long i = 0; i < n; i++) {
        lua_createtable(L, 0, 2);
        lua_pushinteger(L, (lua_Integer)dup[i] + 1);
        lua_setfield(L, -2, "row");
        lua_pushinteger(L, (lua_Integer)orig[i] + 1);
        lua_setfield(L, -2, "first");
        lua_rawseti(L, -2, i + 1);
    }
    return 1;
}

/* t:first_rows(name, rows) → of the listed rows (1-based, any order), the first with each
 * distinct value of column `name`, in list order; rows with an empty cell are left out
 * (tbl_first_rows). One row per school among a group's rows, or the distinct values of a
 * column over some rows (t:cells of the result), without a Lua step per row. */
static int tbl_first_rows_(lua_State *L)
{
    tbl *t = check_tbl(L, 1);
    int c = check_col(L, t, 2);
    luaL_checktype(L, 3, LUA_TTABLE);
    size_t n = (size_t)luaL_len(L, 3);
    /* the 0-based rows, then a keep flag per row, in memory Lua owns */
    size_t *rows = lua_newuserdatauv(L, n * (sizeof *rows + 1) + 1, 0);   /* ... ud */
    uint8_t *keep = (uint8_t *)(rows + n);
    for (size_t i = 0; i < n; i++) {
        lua_rawgeti(L, 3, (lua_Integer)i + 1);        /* ... ud row */
        lua_Integer r = lua_tointeger(L, -1);
        luaL_argcheck(L, r >= 1 && (size_t)r <= t->nrows, 3, "номер строки вне таблицы");
        lua_pop(L, 1);                                /* ... ud */
        rows[i] = (size_t)(r - 1);
    }
    long kept = tbl_first_rows(t, rows, n, c, keep);
    if (kept < 0)
        return luaL_error(L, "недостаточно памяти");
    lua_createtable(L, (int)kept, 0);                 /* ... ud out */
    lua_Integer k = 0;
    for (size_t i = 0; i < n; i++)
        if (keep[i]) {
            lua_pushinteger(L, (lua_Integer)rows[i] + 1);
            lua_rawseti(L, -2, ++k);
        }
    return 1;
}

/* An INT column of t named at stack index idx (a misuse raises). */
static int check_int_col(lua_State *L, const tbl *t, int idx)
{
    int c = check_col(L, t, idx);
    luaL_argcheck(L, t->cols[c].type == TBL_INT, idx, "ожидается целочисленный столбец");
    return c;
}

/* t:rows_unbalanced({parts…}, whole) → the rows (ascending) whose integer columns `parts` do
 * not add up to integer column `whole`: the whole given, some parts given, and not all of them
 * or with another sum (tbl_row_unbalanced). A check of every row costs no Lua per row. */
static int tbl_rows_unbalanced(lua_State *L)
{
    tbl *t = check_tbl(L, 1);
    int parts[MAXCOLS];
    int np = read_cols(L, t, 2, parts, MAXCOLS);
    luaL_argcheck(L, np >= 1, 2, "нужен хотя бы один столбец");
    for (int p = 0; p < np; p++)
        luaL_argcheck(L, t->cols[parts[p]].type == TBL_INT, 2, "ожидаются целочисленные столбцы");
    int whole = check_int_col(L, t, 3);
    lua_newtable(L);                                  /* ... out */
    lua_Integer n = 0;
    for (size_t r = 0; r < t->nrows; r++)
        if (tbl_row_unbalanced(t, r, parts, np, whole)) {
            lua_pushinteger(L, (lua_Integer)r + 1);
            lua_rawseti(L, -2, ++n);
        }
    return 1;
}

/* t:rows_greater(a, b) → the rows (ascending) where integer columns a and b are both given
 * and a's cell is greater (tbl_row_greater). */
static int tbl_rows_greater(lua_State *L)
{
    tbl *t = check_tbl(L, 1);
    int a = check_int_col(L, t, 2), b = check_int_col(L, t, 3);
    lua_newtable(L);                                  /* out */
    lua_Integer n = 0;
    for (size_t r = 0; r < t->nrows; r++)
        if (tbl_row_greater(t, r, a, b)) {
            lua_pushinteger(L, (lua_Integer)r + 1);
            lua_rawseti(L, -2, ++n);
        }
    return 1;
}

/* t:distinct(col) → list of the distinct strings of a string column, in order of first use. */
static int tbl_distinct(lua_State *L)
{
    tbl *t = check_tbl(L, 1);
    int c = check_col(L, t, 2);
    luaL_argcheck(L, t->cols[c].type == TBL_STR, 2, "ожидается строковый столбец");
    int32_t n = tbl_ncodes(t, c);
    lua_createtable(L, n, 0);
    for (int32_t i = 0; i < n; i++) {
        size_t len;
        const char *s = tbl_code_str(t, c, i, &len);
        lua_pushlstring(L, s, len);
        lua_rawseti(L, -2, i + 1);
    }
    return 1;
}

/* t:add_namekey(col) → name of a derived string column, col .. "_key", holding the name key
 * of each cell (DESIGN.md name matching: case, ё, spaces, punctuation ignored). Idempotent. */
static int tbl_add_namekey(lua_State *L)
{
    tbl *t = check_tbl(L, 1);
    int c = check_col(L, t, 2);
    luaL_argcheck(L, t->cols[c].type == TBL_STR, 2, "ожидается строковый столбец");
    lua_pushfstring(L, "%s_key", t->cols[c].name);
    if (tbl_col_index(t, lua_tostring(L, -1)) < 0 &&
        tbl_derive_str(t, c, lua_tostring(L, -1), txt_namekey) < 0)
        return luaL_error(L, "недостаточно памяти");
    return 1;
}

/* ---- groups (t:groups) ---- */

#define GROUPS_MT "otchet.groups"

typedef struct groups_box {
    tbl_groups *g;    /* owned */
    tbl *t;           /* the grouped table, kept alive by the box's user value */
} groups_box;

static groups_box *check_groups(lua_State *L, int idx)
{
    groups_box *b = luaL_checkudata(L, idx, GROUPS_MT);
    luaL_argcheck(L, b->g != NULL, idx, "группы уже освобождены");
    return b;
}

/* The cell key of the Lua value at idx for column col in *key; 0 when no cell can equal it (a
 * string the column does not hold, a fraction for an integer column). */
static int lua_key(lua_State *L, const tbl *t, int col, int idx, int64_t *key)
{
    if (lua_isnil(L, idx)) {
        *key = TBL_KEY_EMPTY;
        return 1;
    }
    switch (t->cols[col].type) {
    case TBL_STR: {
        size_t len;
        const char *s = luaL_checklstring(L, idx, &len);
        *key = tbl_key_str(t, col, s, len);
        return *key != TBL_KEY_NONE;
    }
    case TBL_NUM: *key = tbl_key_num(luaL_checknumber(L, idx)); return 1;
    default: {
        int isint;
        lua_Integer v = lua_tointegerx(L, idx, &isint);
        luaL_argcheck(L, isint || lua_type(L, idx) == LUA_TNUMBER, idx, "ожидается число");
        *key = (int64_t)v;
        return isint;
    }
    }
}

/* g:find(v1, …, vn) → number of the group with these key values (1-based), or nil. */
static int groups_find(lua_State *L)
{
    groups_box *b = check_groups(L, 1);
    int64_t key[TBL_GROUP_MAXKEYS];
    int nkeys = 0;
    const int *cols = tbl_groups_keys(b->g, &nkeys);
    for (int k = 0; k < nkeys; k++) {
        if (!lua_key(L, b->t, cols[k], k + 2, &key[k])) {
            lua_pushnil(L);                           /* no row can hold this value */
            return 1;
        }
    }
    long g = tbl_groups_find(b->g, b->t, key);
    if (g < 0)
        lua_pushnil(L);
    else
        lua_pushinteger(L, (lua_Integer)g + 1);
    return 1;
}

static size_t check_group(lua_State *L, groups_box *b, int idx)
{
    lua_Integer g = luaL_checkinteger(L, idx);
    luaL_argcheck(L, g >= 1 && (size_t)g <= tbl_groups_count(b->g), idx, "номер группы вне списка");
    return (size_t)(g - 1);
}

/* g:rows(k) → list of the rows of group k (1-based row numbers, ascending). */
static int groups_rows(lua_State *L)
{
    groups_box *b = check_groups(L, 1);
    size_t n;
    const uint32_t *rows = tbl_groups_rows(b->g, check_group(L, b, 2), &n);
    lua_createtable(L, (int)n, 0);
    for (size_t i = 0; i < n; i++) {
        lua_pushinteger(L, (lua_Integer)rows[i] + 1);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    return 1;
}

/* g:first(k) → the first row of group k (1-based); an index of unique keys needs no list. */
static int groups_first(lua_State *L)
{
    groups_box *b = check_groups(L, 1);
    size_t n;
    const uint32_t *rows = tbl_groups_rows(b->g, check_group(L, b, 2), &n);
    lua_pushinteger(L, (lua_Integer)rows[0] + 1);
    return 1;
}

/* g:size(k) → the number of rows of group k. */
static int groups_size(lua_State *L)
{
    groups_box *b = check_groups(L, 1);
    size_t n;
    tbl_groups_rows(b->g, check_group(L, b, 2), &n);
    lua_pushinteger(L, (lua_Integer)n);
    return 1;
}

/* g:sizes() → list of the number of rows of every group. */
static int groups_sizes(lua_State *L)
{
    groups_box *b = check_groups(L, 1);
    size_t n = tbl_groups_count(b->g);
    lua_createtable(L, (int)n, 0);
    for (size_t k = 0; k < n; k++) {
        size_t rows;
        tbl_groups_rows(b->g, k, &rows);
        lua_pushinteger(L, (lua_Integer)rows);
        lua_rawseti(L, -2, (lua_Integer)k + 1);
    }
    return 1;
}

/* g:sums(col) → list of the sum of numeric column col over the rows of every group (nil where
 * no cell of the group is present; an integer for an integer column). */
static int groups_sums(lua_State *L)
{
    groups_box *b = check_groups(L, 1);
    int c = check_col(L, b->t, 2);
    luaL_argcheck(L, b->t->cols[c].type == TBL_INT || b->t->cols[c].type == TBL_NUM, 2, "ожидается числовой столбец");
    size_t n = tbl_groups_count(b->g);
    void **box = push_ptrbox(L, 2);                   /* g col box */
    double *sums = box[0] = malloc((n ? n : 1) * sizeof *sums);
    size_t *counts = box[1] = malloc((n ? n : 1) * sizeof *counts);
    if (!sums || !counts)
        return luaL_error(L, "недостаточно памяти");
    tbl_groups_sum(b->g, b->t, c, sums, counts);
    lua_createtable(L, (int)n, 0);                    /* g col box list */
    for (size_t k = 0; k < n; k++) {
        if (counts[k] == 0)
            continue;
        push_sum(L, sums[k], b->t->cols[c].type == TBL_INT);
        lua_rawseti(L, -2, (lua_Integer)k + 1);
    }
    return 1;
}

/* g:match(h) → list: for every group of g, the number of the group of h (another index, of
 * any table, with key columns of the same types) holding the same key values, strings compared
 * by text; nil where there is none or a key cell of g's group is empty. */
static int groups_match(lua_State *L)
{
    groups_box *b = check_groups(L, 1);
    groups_box *h = check_groups(L, 2);
    size_t n = tbl_groups_count(b->g);
    void **box = push_ptrbox(L, 1);                   /* g h box */
    long *match = box[0] = malloc((n ? n : 1) * sizeof *match);
    if (!match)
        return luaL_error(L, "недостаточно памяти");
    luaL_argcheck(L, tbl_groups_match(b->g, b->t, h->g, h->t, match) == 0, 2,
                  "ключевые столбцы групп не совпадают по числу или типу");
    lua_createtable(L, (int)n, 0);                    /* g h box list */
    for (size_t k = 0; k < n; k++) {
        if (match[k] < 0)
            continue;
        lua_pushinteger(L, (lua_Integer)match[k] + 1);
        lua_rawseti(L, -2, (lua_Integer)k + 1);
    }
    return 1;
}

static int groups_count(lua_State *L)
{
    lua_pushinteger(L, (lua_Integer)tbl_groups_count(check_groups(L, 1)->g));
    return 1;
}

static int groups_gc(lua_State *L)
{
    groups_box *b = luaL_checkudata(L, 1, GROUPS_MT);
    tbl_groups_free(b->g);
    b->g = NULL;
    return 0;
}

static const luaL_Reg groups_methods[] = {
    {"count", groups_count},
    {"find", groups_find},
    {"first", groups_first},
    {"match", groups_match},
    {"rows", groups_rows},
    {"size", groups_size},
    {"sizes", groups_sizes},
    {"sums", groups_sums},
    {NULL, NULL}
};

/* t:groups{cols} → an index of the rows by the key columns: g:find(values…) → group (groups
 * are numbered in order of their first row), g:rows(group) → row numbers, g:first(group),
 * g:size(group), g:count(); for every group at once g:sizes(), g:sums(col), g:match(h).
 * Lookups cost a hash probe, not a scan. */
static int tbl_groups_(lua_State *L)
{
    tbl *t = check_tbl(L, 1);
    int keys[TBL_GROUP_MAXKEYS];
    int nk = read_cols(L, t, 2, keys, TBL_GROUP_MAXKEYS);
    luaL_argcheck(L, nk >= 1, 2, "нужен хотя бы один столбец");
    groups_box *b = lua_newuserdatauv(L, sizeof *b, 1);   /* ud */
    b->g = NULL, b->t = t;
    if (luaL_newmetatable(L, GROUPS_MT)) {                 /* ud mt */
        luaL_newlib(L, groups_methods);
        lua_setfield(L, -2, "__index");
        lua_pushcfunction(L, groups_gc);
        lua_setfield(L, -2, "__gc");
    }
    lua_setmetatable(L, -2);                               /* ud */
    lua_pushvalue(L, 1);
    lua_setiuservalue(L, -2, 1);                           /* ud (the table lives as long) */
    b->g = tbl_groups_new(t, keys, nk);
    if (!b->g)
        return luaL_error(L, "недостаточно памяти");
    return 1;
}

static int tbl_gc(lua_State *L)
{
    tbl_box *b = luaL_checkudata(L, 1, TABLE_MT);
    tbl_free(b->t);
    b->t = NULL;
    return 0;
}

static const luaL_Reg tbl_methods[] = {
    {"add_namekey", tbl_add_namekey},
    {"cells", tbl_cells},
    {"column", tbl_column},
    {"columns", tbl_columns},
    {"distinct", tbl_distinct},
    {"duplicates", tbl_duplicates_},
    {"first_rows", tbl_first_rows_},
    {"get", tbl_get_},
    {"group_sum", tbl_group_sum_},
    {"groups", tbl_groups_},
    {"has", tbl_has},
    {"line", tbl_line},
    {"nrows", tbl_nrows},
    {"row", tbl_row},
    {"rows_greater", tbl_rows_greater},
    {"rows_unbalanced", tbl_rows_unbalanced},
    {NULL, NULL}
};

void tbl_lua_push(lua_State *L, tbl *t)
{
    if (luaL_newmetatable(L, BOX_MT)) {
        lua_pushcfunction(L, ptrbox_gc);
        lua_setfield(L, -2, "__gc");
    }
    lua_pop(L, 1);
    tbl_box *b = lua_newuserdatauv(L, sizeof *b, 1); /* user value: column names (tbl_row) */
    b->t = t;
    if (luaL_newmetatable(L, TABLE_MT)) {             /* ud mt */
        luaL_newlib(L, tbl_methods);
        lua_setfield(L, -2, "__index");
        lua_pushcfunction(L, tbl_gc);
        lua_setfield(L, -2, "__gc");
        lua_pushliteral(L, "otchet.table");
        lua_setfield(L, -2, "__name");
    }
    lua_setmetatable(L, -2);                          /* ud */
}
