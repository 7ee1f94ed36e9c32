/* bytes_lua — C-owned bytes as a Lua value; see bytes_lua.h. */
#include "bytes_lua.h"

#include <lauxlib.h>
#include <stdlib.h>

#define BYTES_MT "otchet.bytes"

static int bytes_gc(lua_State *L)
{
    bytes_slot *b = luaL_checkudata(L, 1, BYTES_MT);
    free(b->p);
    b->p = NULL;
    return 0;
}

static int bytes_len(lua_State *L)
{
    lua_pushinteger(L, (lua_Integer)((bytes_slot *)luaL_checkudata(L, 1, BYTES_MT))->len);
    return 1;
}

/* tostring(bytes) → the bytes as a Lua string (a copy: for a worker's text, and for tests). */
static int bytes_tostring(lua_State *L)
{
    bytes_slot *b = luaL_checkudata(L, 1, BYTES_MT);
    lua_pushlstring(L, b->p ? b->p : "", b->len);
    return 1;
}

bytes_slot *bytes_lua_new(lua_State *L)
{
    bytes_slot *b = lua_newuserdatauv(L, sizeof *b, 0);  /* ud */
    b->p = NULL;
    b->len = 0;
    if (luaL_newmetatable(L, BYTES_MT)) {                 /* ud mt */
        lua_pushcfunction(L, bytes_gc);
        lua_setfield(L, -2, "__gc");
        lua_pushcfunction(L, bytes_len);
        lua_setfield(L, -2, "__len");
        lua_pushcfunction(L, bytes_tostring);
        lua_setfield(L, -2, "__tostring");
        lua_pushliteral(L, "bytes");
        lua_setfield(L, -2, "__name");
    }
    lua_setmetatable(L, -2);                              /* ud */
    return b;
}

int bytes_lua_is(lua_State *L, int idx)
{
    return luaL_testudata(L, idx, BYTES_MT) != NULL;
}

const char *bytes_lua_check(lua_State *L, int idx, size_t *len)
{
    bytes_slot *b = luaL_testudata(L, idx, BYTES_MT);
    if (b) {
        *len = b->len;
        return b->p ? b->p : "";
    }
    return luaL_checklstring(L, idx, len);
}
