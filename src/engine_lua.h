/* engine_lua — the "engine" C module for trusted library code (lua/): CSV files, text folding,
 * loading report scripts and expressions into sandboxes, atomic file writes, terminal output.
 * Uses csvfile, load, table_lua, text, fsx, lrt. */
#ifndef OTCHET_ENGINE_LUA_H
#define OTCHET_ENGINE_LUA_H
#include <lua.h>

int engine_lua_open(lua_State *L);

#endif
