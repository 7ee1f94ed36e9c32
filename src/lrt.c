/* lrt — sandboxed Lua runtime: allocator cap (small blocks from a pool), instruction budget,
 * allow-listed environments, a text-only `require` over lua/, and a protected call with
 * traceback; see lrt.h. */
#include "lrt.h"

#include <lauxlib.h>
#include <lualib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "fsx.h"
#include "pool.h"

#define CMODS_KEY "otchet.cmods"      /* registry: name -> luaopen function */
#define LOADED_KEY "otchet.loaded"    /* registry: name -> module value */
#define STDLIB_KEY "otchet.stdlib"    /* registry: the pristine allowed globals */
#define HOOK_EVERY 1000

struct lrt {
    lua_State *L;
    char *home;
    pool *pool;         /* Lua's small blocks (owned; NULL: all from malloc) */
    size_t mem_used, mem_limit;
    long long instr, instr_limit;
    int tripped;        /* the budget ran out or an interrupt came: every later hook call fails too */
    const char *tripped_by;           /* the interrupt's message; NULL: the budget */
    int limited;        /* depth of lrt_pcall_limited calls in progress */
    const char *(*interrupt)(void);   /* lrt_set_interrupt; NULL: none */
};

lrt *lrt_of(lua_State *L) { return *(lrt **)lua_getextraspace(L); }
lua_State *lrt_state(lrt *r) { return r->L; }
const char *lrt_home(lrt *r) { return r->home; }

/* Small blocks (most of Lua's objects) come from the pool, bigger ones from malloc; a block's
 * size says where it lives, so a resize across POOL_MAX moves it. Under AddressSanitizer there
 * is no pool, so that every Lua block stays checked. */
static int pooled(const lrt *r, size_t n)
{
    return r->pool && n > 0 && n <= POOL_MAX;
}

static void release(lrt *r, void *ptr, size_t n)
{
    if (pooled(r, n))
        pool_release(r->pool, ptr, n);
    else
        free(ptr);
}

static void *resize(lrt *r, void *ptr, size_t old, size_t n)
{
    int was = pooled(r, old), will = pooled(r, n);
    if (!was && !will)
        return realloc(ptr, n);
    if (was && will && pool_class_size(old) == pool_class_size(n))
        return ptr;
    void *p = will ? pool_alloc(r->pool, n) : malloc(n);
    if (p && ptr) {
        memcpy(p, ptr, old < n ? old : n);
        release(r, ptr, old);
    }
    return p;
}

/* Allocator with a cap: refusing makes Lua raise a memory error the script cannot ignore. */
static void *capped_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    lrt *r = ud;
    size_t old = ptr ? osize : 0;
    if (nsize == 0) {
        if (ptr)
            release(r, ptr, old);
        r->mem_used -= old;
        return NULL;
    }
    if (nsize > old && r->mem_used + (nsize - old) > r->mem_limit)
        return NULL;
    void *p = resize(r, ptr, old, nsize);
    if (p)
        r->mem_used = r->mem_used - old + nsize;
    return p;
}

static void count_hook(lua_State *L, lua_Debug *ar)
{
    lrt *r = lrt_of(L);
    r->instr += HOOK_EVERY;
    if (!r->tripped) {
        const char *why = r->limited && r->interrupt ? r->interrupt() : NULL;
        if (why || r->instr > r->instr_limit) {
            r->tripped = 1;
            r->tripped_by = why;
            /* a pcall in the script must not be able to swallow this: fire at every instruction */
            lua_sethook(L, count_hook, LUA_MASKCOUNT, 1);
        }
    }
    if (r->tripped) {
        /* luaL_error cannot locate the script from inside a hook: say where it was ourselves */
        lua_getinfo(L, "Sl", ar);
        if (r->tripped_by)
            lua_pushfstring(L, "%s:%d: %s", ar->short_src, ar->currentline, r->tripped_by);
        else
            lua_pushfstring(L, "%s:%d: превышен лимит вычислений (%I млн инструкций, OTCHET_LUA_BUDGET): скрипт зациклился?",
                            ar->short_src, ar->currentline, (lua_Integer)(r->instr_limit / 1000000));
        lua_error(L);
    }
}

/* ---- environments ---- */

static const char *const allowed_globals[] = {
    "assert", "error", "getmetatable", "ipairs", "next", "pairs", "pcall", "rawequal",
    "rawget", "rawlen", "rawset", "select", "setmetatable", "tonumber", "tostring", "type",
    "xpcall", "_VERSION", "string", "table", "math", "utf8", NULL
};

static int env_index(lua_State *L)
{
    const char *k = lua_tostring(L, 2);
    return luaL_error(L, "обращение к необъявленной переменной '%s'", k ? k : "?");
}

static int env_newindex(lua_State *L)
{
    const char *k = lua_tostring(L, 2);
    return luaL_error(L, "присваивание глобальной переменной '%s' запрещено: объявите её local",
                      k ? k : "?");
}

/* print goes to stderr: stdout belongs to the command's own output. */
static int sandbox_print(lua_State *L)
{
    int n = lua_gettop(L);
    buf b = BUF_INIT;
    for (int i = 1; i <= n; i++) {
        size_t len;
        const char *s = luaL_tolstring(L, i, &len);
        if (i > 1)
            buf_putc(&b, '\t');
        buf_append(&b, s, len);
        lua_pop(L, 1); /* the tolstring result */
    }
    fprintf(stderr, "%s\n", b.data ? b.data : "");
    buf_free(&b);
    return 0;
}

static int sandbox_require(lua_State *L);

void lrt_push_env(lua_State *L, int trusted)
{
    lua_newtable(L);                                  /* env */
    lua_getfield(L, LUA_REGISTRYINDEX, STDLIB_KEY);   /* env stdlib */
    lua_pushnil(L);
    while (lua_next(L, -2)) {                         /* env stdlib k v */
        lua_pushvalue(L, -2);                         /* env stdlib k v k */
        lua_insert(L, -2);                            /* env stdlib k k v */
        lua_rawset(L, -5);                            /* env stdlib k */
    }
    lua_pop(L, 1);                                    /* env */
    lua_pushcfunction(L, sandbox_print);
    lua_setfield(L, -2, "print");
    lua_pushboolean(L, trusted);
    lua_pushcclosure(L, sandbox_require, 1);
    lua_setfield(L, -2, "require");
    lua_pushvalue(L, -1);
    lua_setfield(L, -2, "_G");
    lua_newtable(L);                                  /* env mt */
    lua_pushcfunction(L, env_index);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, env_newindex);
    lua_setfield(L, -2, "__newindex");
    lua_setmetatable(L, -2);                          /* env */
}

int lrt_load_text(lua_State *L, const char *src, size_t len, const char *chunk, int env)
{
    env = lua_absindex(L, env);
    int st = luaL_loadbufferx(L, src, len, chunk, "t");
    if (st != LUA_OK) {
        lua_pushnil(L);
        lua_insert(L, -2);                            /* nil msg */
        return st;
    }
    lua_pushvalue(L, env);
    lua_setupvalue(L, -2, 1);                         /* the chunk's _ENV */
    return LUA_OK;
}

/* ---- require ---- */

static int valid_module_name(const char *s)
{
    if (!(*s >= 'a' && *s <= 'z'))
        return 0;
    for (; *s; s++) {
        int ok = (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_' ||
                 (*s == '.' && s[1] && s[1] != '.');
        if (!ok)
            return 0;
    }
    return 1;
}

/* Loads lua/<name>.lua into a trusted environment, runs it, leaves its value on the stack. */
static void load_lua_module(lua_State *L, const char *name)
{
    lrt *r = lrt_of(L);
    buf path = BUF_INIT, chunk = BUF_INIT;
    buf_printf(&path, "%s/lua/", r->home);
    for (const char *s = name; *s; s++)
        buf_putc(&path, *s == '.' ? '/' : *s);
    buf_puts(&path, ".lua");
    buf_printf(&chunk, "@lua/%s.lua", name);
    char *src = NULL, ferr[FSX_ERRLEN];
    size_t len = 0;
    int ok = fsx_read_all(path.data, 64u << 20, &src, &len, ferr) == 0;
    buf_free(&path);
    if (!ok) {
        buf_free(&chunk);
        luaL_error(L, "модуль '%s' не найден в lua/", name);
        return;
    }
    lrt_push_env(L, 1);
    int st = lrt_load_text(L, src, len, chunk.data, -1);
    free(src);
    buf_free(&chunk);
    if (st != LUA_OK)
        lua_error(L);                                 /* message is on top */
    lua_remove(L, -2);                                /* drop env: fn */
    lua_pushstring(L, name);
    lua_call(L, 1, 1);                                /* module value */
}

static int sandbox_require(lua_State *L)
{
    const char *name = luaL_checkstring(L, 1);
    int trusted = lua_toboolean(L, lua_upvalueindex(1));
    luaL_argcheck(L, valid_module_name(name), 1, "недопустимое имя модуля");
    lua_getfield(L, LUA_REGISTRYINDEX, CMODS_KEY);
    lua_getfield(L, -1, name);                        /* cmods open|nil */
    int is_c = !lua_isnil(L, -1);
    lua_pop(L, 2);
    if (is_c && !trusted)
        return luaL_error(L, "модуль '%s' доступен только библиотеке lua/", name);
    lua_getfield(L, LUA_REGISTRYINDEX, LOADED_KEY);
    if (lua_getfield(L, -1, name) != LUA_TNIL)        /* loaded value */
        return 1;
    lua_pop(L, 1);                                    /* loaded */
    if (is_c) {
        lua_getfield(L, LUA_REGISTRYINDEX, CMODS_KEY);
        lua_getfield(L, -1, name);
        lua_remove(L, -2);                            /* loaded open */
        lua_call(L, 0, 1);                            /* loaded value */
    } else {
        load_lua_module(L, name);                     /* loaded value */
    }
    if (lua_isnil(L, -1)) {
        lua_pop(L, 1);
        lua_pushboolean(L, 1);
    }
    lua_pushvalue(L, -1);
    lua_setfield(L, -3, name);                        /* loaded value */
    return 1;
}

/* ---- state ---- */

/* Opens the allowed standard libraries and keeps a copy of the allowed globals. */
static void open_stdlib(lua_State *L)
{
    static const luaL_Reg libs[] = {
        {LUA_GNAME, luaopen_base}, {LUA_STRLIBNAME, luaopen_string},
        {LUA_TABLIBNAME, luaopen_table}, {LUA_MATHLIBNAME, luaopen_math},
        {LUA_UTF8LIBNAME, luaopen_utf8}, {NULL, NULL}};
    for (const luaL_Reg *l = libs; l->func; l++) {
        luaL_requiref(L, l->name, l->func, 1);
        lua_pop(L, 1);
    }
    lua_getglobal(L, "string");
    lua_pushnil(L);
    lua_setfield(L, -2, "dump");                      /* bytecode out is no use without bytecode in */
    lua_pop(L, 1);
    lua_getglobal(L, "math");                         /* deterministic output: fixed seed */
    lua_getfield(L, -1, "randomseed");
    lua_pushinteger(L, 20240901);
    lua_call(L, 1, 0);
    lua_pop(L, 1);
    lua_newtable(L);                                  /* stdlib */
    for (const char *const *g = allowed_globals; *g; g++) {
        lua_getglobal(L, *g);
        lua_setfield(L, -2, *g);
    }
    lua_setfield(L, LUA_REGISTRYINDEX, STDLIB_KEY);
}

lrt *lrt_new(const lrt_config *cfg)
{
    lrt *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->home = strdup(cfg->home);
    r->mem_limit = cfg->mem_limit ? cfg->mem_limit : (size_t)1 << 30;
    r->instr_limit = cfg->instr_limit ? cfg->instr_limit : LRT_DEFAULT_BUDGET;
#ifndef __SANITIZE_ADDRESS__
    r->pool = pool_new();
#endif
    r->L = r->home ? lua_newstate(capped_alloc, r) : NULL;
    if (!r->L) {
        pool_free_all(r->pool);
        free(r->home);
        free(r);
        return NULL;
    }
    *(lrt **)lua_getextraspace(r->L) = r;
    open_stdlib(r->L);
    lua_newtable(r->L);
    lua_setfield(r->L, LUA_REGISTRYINDEX, CMODS_KEY);
    lua_newtable(r->L);
    lua_setfield(r->L, LUA_REGISTRYINDEX, LOADED_KEY);
    lua_sethook(r->L, count_hook, LUA_MASKCOUNT, HOOK_EVERY);
    return r;
}

void lrt_free(lrt *r)
{
    if (!r)
        return;
    if (r->L)
        lua_close(r->L);
    pool_free_all(r->pool); /* after lua_close: it gives every block back first */
    free(r->home);
    free(r);
}

void lrt_set_budget(lrt *r, long long instructions)
{
    r->instr = 0;
    r->instr_limit = instructions > 0 ? instructions : r->instr_limit;
    if (r->tripped) {
        r->tripped = 0;
        r->tripped_by = NULL;
        lua_sethook(r->L, count_hook, LUA_MASKCOUNT, HOOK_EVERY);
    }
}

void lrt_set_interrupt(lrt *r, const char *(*interrupt)(void))
{
    r->interrupt = interrupt;
}

void lrt_add_module(lrt *r, const char *name, lua_CFunction open)
{
    lua_getfield(r->L, LUA_REGISTRYINDEX, CMODS_KEY);
    lua_pushcfunction(r->L, open);
    lua_setfield(r->L, -2, name);
    lua_pop(r->L, 1);
}

int lrt_msghandler(lua_State *L)
{
    const char *msg = lua_tostring(L, 1);
    if (!msg) {
        if (luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING)
            return 1;
        msg = lua_pushfstring(L, "(ошибка типа %s)", luaL_typename(L, 1));
    }
    luaL_traceback(L, L, msg, 1);
    return 1;
}

/* Runs require(module)[fn](argv) in a trusted environment. */
static int call_entry(lua_State *L)
{
    const char *module = lua_tostring(L, 1);
    const char *fn = lua_tostring(L, 2);
    lrt_push_env(L, 1);
    lua_getfield(L, -1, "require");
    lua_pushstring(L, module);
    lua_call(L, 1, 1);                                /* ... env mod */
    if (lua_getfield(L, -1, fn) != LUA_TFUNCTION)
        return luaL_error(L, "в модуле %s нет функции %s", module, fn);
    lua_pushvalue(L, 3);                              /* the argv table */
    lua_call(L, 1, 1);
    return 1;
}

int lrt_pcall_limited(lua_State *L, int nargs, long long budget, char *err, size_t errlen)
{
    lrt *r = lrt_of(L);
    int fn = lua_gettop(L) - nargs;
    lua_pushcfunction(L, lrt_msghandler);
    lua_insert(L, fn);                                /* handler fn args */
    long long saved_limit = r->instr_limit, saved_count = r->instr;
    lrt_set_budget(r, budget);
    r->limited++;
    int st = lua_pcall(L, nargs, 1, fn);
    r->limited--;
    /* Disarm before any more Lua runs: a tripped budget fails every instruction, and the
     * caller's own code must go on. Inside a limited call (a report evaluating a targets.csv
     * expression) what the inner call used still counts against the outer budget, so nesting
     * cannot hand a script a fresh one; the trusted runner's own count is left as it was. */
    long long used = r->instr;
    lrt_set_budget(r, saved_limit);
    r->instr = r->limited ? saved_count + used : saved_count;
    lua_remove(L, fn);                                /* result|message */
    if (st == LUA_ERRMEM)
        snprintf(err, errlen, "недостаточно памяти: скрипт превысил лимит %zu МБ (OTCHET_LUA_MEMORY_MB)", r->mem_limit >> 20);
    else if (st != LUA_OK)
        snprintf(err, errlen, "%s", lua_tostring(L, -1) ? lua_tostring(L, -1) : "ошибка без сообщения");
    if (st != LUA_OK)
        lua_pop(L, 1);
    return st;
}

int lrt_call(lrt *r, const char *module, const char *fn, int argc, char **argv, char err[LRT_ERRLEN])
{
    lua_State *L = r->L;
    int base = lua_gettop(L), code = -1;
    lua_pushcfunction(L, lrt_msghandler);
    lua_pushcfunction(L, call_entry);
    lua_pushstring(L, module);
    lua_pushstring(L, fn);
    lua_createtable(L, argc, 0);
    for (int i = 0; i < argc; i++) {
        lua_pushstring(L, argv[i]);
        lua_rawseti(L, -2, i + 1);
    }
    int st = lua_pcall(L, 3, 1, base + 1);
    if (st == LUA_OK) {
        code = lua_isinteger(L, -1) ? (int)lua_tointeger(L, -1) : 0;
    } else if (st == LUA_ERRMEM) {
        /* the message handler does not run for memory errors */
        snprintf(err, LRT_ERRLEN, "недостаточно памяти для скрипта (лимит %zu МБ, OTCHET_LUA_MEMORY_MB)", r->mem_limit >> 20);
    } else {
        snprintf(err, LRT_ERRLEN, "%s", lua_tostring(L, -1) ? lua_tostring(L, -1) : "ошибка");
    }
    lua_settop(L, base);
    return code;
}
