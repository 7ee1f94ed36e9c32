/* layout_lua — the "layout" C module: renders a document given as a Lua list of blocks to PDF
 * bytes (lua/doc.lua is the friendly builder on top). Uses layout and Lua. */
#ifndef OTCHET_LAYOUT_LUA_H
#define OTCHET_LAYOUT_LUA_H
#include <lua.h>

int layout_lua_open(lua_State *L);

#endif
