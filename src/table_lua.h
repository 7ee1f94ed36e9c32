/* table_lua — Lua binding of table: a loaded table as userdata "otchet.table" with row access
 * and the bulk operations (group_sum, groups, duplicates, first_rows, row tests). Uses table
 * and Lua. */
#ifndef OTCHET_TABLE_LUA_H
#define OTCHET_TABLE_LUA_H
#include <lua.h>
#include "table.h"

/* Pushes a userdata that owns t (freed by __gc). */
void tbl_lua_push(lua_State *L, tbl *t);

/* Pushes a date kept as yyyymmdd as the string "yyyy-mm-dd". */
void tbl_lua_push_date(lua_State *L, int64_t yyyymmdd);

#endif
