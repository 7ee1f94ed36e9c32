/* bytes_lua — bytes that C made (a PDF, a part of one) handed to Lua without copying them into
 * a Lua string: a userdata owning the malloc'd block, with # and tostring. Lua's collector
 * paces itself by what is allocated in its own heap, and 60 kB of strings per school sheet made
 * it mark and sweep the whole heap far more often than the sheet's objects needed. C functions
 * that take bytes accept such a value or a string alike. Uses Lua. */
#ifndef OTCHET_BYTES_LUA_H
#define OTCHET_BYTES_LUA_H
#include <lua.h>
#include <stddef.h>

typedef struct bytes_slot {
    void *p;        /* malloc'd, owned by the value (freed when it is collected) */
    size_t len;
} bytes_slot;

/* Pushes an empty bytes value and returns its slot: the caller then hands it a block by
 * setting p and len. Made before the bytes are, so that a memory error raised here cannot
 * leak them. */
bytes_slot *bytes_lua_new(lua_State *L);

/* The bytes at stack index idx — a bytes value or a string — and their length; raises an
 * argument error otherwise. The pointer lives as long as the value does. */
const char *bytes_lua_check(lua_State *L, int idx, size_t *len);

/* Whether the value at idx is a bytes value. */
int bytes_lua_is(lua_State *L, int idx);

#endif
