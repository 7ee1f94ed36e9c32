/* lrt — the Lua runtime: one sandboxed Lua 5.4 state per run. Scripts see an allow-list of
 * the standard library (base without file/bytecode loaders, string, table, math, utf8), a
 * `require` that loads only lua/<name>.lua in text mode, and the engine's C modules when they
 * are trusted library code. A memory cap and an instruction budget stop runaway scripts.
 * Uses Lua 5.4 only; the C modules register themselves through lrt_add_module. */
#ifndef OTCHET_LRT_H
#define OTCHET_LRT_H
#include <stddef.h>
#include <lua.h>

#define LRT_ERRLEN 4096
#define LRT_DEFAULT_BUDGET 5000000000LL   /* VM instructions: ~10 s of pure Lua */

typedef struct lrt_config {
    const char *home;          /* directory holding lua/ and reports/ (not owned) */
    size_t mem_limit;          /* bytes of Lua heap; 0 = default (1 GiB) */
    long long instr_limit;     /* VM instructions; 0 = LRT_DEFAULT_BUDGET */
} lrt_config;

typedef struct lrt lrt;

/* Creates a state; NULL when out of memory. Free with lrt_free. */
lrt *lrt_new(const lrt_config *cfg);
void lrt_free(lrt *r);
lua_State *lrt_state(lrt *r);
const char *lrt_home(lrt *r);

/* Starts a fresh instruction budget (0 keeps the current limit): the runner gives each
 * report or school its own, so a batch of a thousand sheets is not one budget. */
void lrt_set_budget(lrt *r, long long instructions);

/* While a limited call runs (lrt_pcall_limited), the count hook asks interrupt() every thousand
 * VM instructions; a message it returns ends the call with that error, which the script cannot
 * catch, as with the budget. The runner's own code, outside limited calls, is never
 * interrupted. NULL: no interrupt (the default). */
void lrt_set_interrupt(lrt *r, const char *(*interrupt)(void));

/* Registers a C module `name` that trusted code (lua/) may require. */
void lrt_add_module(lrt *r, const char *name, lua_CFunction open);

/* Pushes a fresh sandbox environment table. Trusted environments (lua/ library code) may
 * require the C modules; untrusted ones (reports, targets.csv expressions) may not. */
void lrt_push_env(lua_State *L, int trusted);

/* Loads Lua source `src` as text only (never bytecode) with chunk name `chunk`, setting the
 * table at stack index `env` as its _ENV. Pushes the function, or nil + message; returns the
 * lua_load status. */
int lrt_load_text(lua_State *L, const char *src, size_t len, const char *chunk, int env);

/* Calls function `fn` of trusted module `module` with argv as a list of strings, protected,
 * with a traceback on error. Returns the function's integer result (an exit code), or -1
 * with the message in err. */
int lrt_call(lrt *r, const char *module, const char *fn, int argc, char **argv, char err[LRT_ERRLEN]);

/* Calls the function below nargs arguments with a fresh instruction budget (0 = the configured
 * one), protected, with a traceback. Leaves one result on the stack and returns LUA_OK, or
 * returns the error status with the message (Russian for memory) in err and nothing pushed. */
int lrt_pcall_limited(lua_State *L, int nargs, long long budget, char *err, size_t errlen);

/* Message handler that appends a traceback (for lua_pcall). */
int lrt_msghandler(lua_State *L);

/* The lrt of a state (kept in the state's extra space). */
lrt *lrt_of(lua_State *L);

#endif
