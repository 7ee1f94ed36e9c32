/* engine_lua — the "engine" module; see engine_lua.h. Expected failures (a file that cannot be
 * read) return nil + message; misuse raises. */
#include "engine_lua.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <lauxlib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "bytes_lua.h"
#include "csvfile.h"
#include "fsx.h"
#include "load.h"
#include "proc.h"
#include "sha256.h"
#include "stop.h"
#include "lrt.h"
#include "phase.h"
#include "table_lua.h"
#include "text.h"

#define CSV_MT "otchet.csvfile"
#define CSV_MAX_BYTES ((size_t)4 << 30)

/* ---- text ---- */

static int engine_fold(lua_State *L)
{
    size_t n;
    const char *s = luaL_checklstring(L, 1, &n);
    buf b = BUF_INIT;
    txt_fold(s, n, &b);
    lua_pushlstring(L, b.data ? b.data : "", b.len);
    buf_free(&b);
    return 1;
}

static int engine_namekey(lua_State *L)
{
    size_t n;
    const char *s = luaL_checklstring(L, 1, &n);
    buf b = BUF_INIT;
    txt_namekey(s, n, &b);
    lua_pushlstring(L, b.data ? b.data : "", b.len);
    buf_free(&b);
    return 1;
}

/* engine.parse_num(s) / parse_int(s) / parse_date(s) → value, or nil + Russian reason.
 * The same parsers as the CSV loader, for values that arrive as text (settings, --set).
 * parsed() finishes each: the value is already pushed when there is no reason. */
static int parsed(lua_State *L, const char *why)
{
    if (!why)
        return 1;
    lua_pushnil(L);
    lua_pushstring(L, why);
    return 2;
}

static int engine_parse_num(lua_State *L)
{
    size_t n;
    const char *s = luaL_checklstring(L, 1, &n);
    double v;
    const char *why = load_parse_num(s, n, &v);
    if (!why)
        lua_pushnumber(L, v);
    return parsed(L, why);
}

static int engine_parse_int(lua_State *L)
{
    size_t n;
    const char *s = luaL_checklstring(L, 1, &n);
    int64_t v;
    const char *why = load_parse_int(s, n, &v);
    if (!why)
        lua_pushinteger(L, (lua_Integer)v);
    return parsed(L, why);
}

static int engine_parse_date(lua_State *L)
{
    size_t n;
    const char *s = luaL_checklstring(L, 1, &n);
    int32_t v;
    const char *why = load_parse_date(s, n, &v);
    if (!why)
        tbl_lua_push_date(L, v);
    return parsed(L, why);
}

/* engine.call_limited(fn, ...) → true, result | false, message: runs untrusted report code
 * with its own instruction budget and a traceback; the budget is disarmed before returning. */
static int engine_call_limited(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TFUNCTION);
    char err[LRT_ERRLEN];
    int st = lrt_pcall_limited(L, lua_gettop(L) - 1, 0, err, sizeof err);
    if (st == LUA_OK) {
        lua_pushboolean(L, 1);
        lua_insert(L, -2);
        return 2;
    }
    lua_pushboolean(L, 0);
    lua_pushstring(L, err);
    return 2;
}

/* engine.sha256(s) → 64 hex digits. */
static int engine_sha256(lua_State *L)
{
    size_t n;
    const char *s = bytes_lua_check(L, 1, &n);
    char hex[65];
    phase_id was = phase_enter(PHASE_FILES);
    sha256_hex(s, n, hex);
    phase_enter(was);
    lua_pushstring(L, hex);
    return 1;
}

/* ---- CSV files ---- */

static cf_file *check_csv(lua_State *L)
{
    cf_file *f = luaL_checkudata(L, 1, CSV_MT);
    luaL_argcheck(L, f->text != NULL, 1, "файл уже закрыт");
    return f;
}

/* engine.csv_open(path) → handle, or nil + message, line, column. */
static int engine_csv_open(lua_State *L)
{
    const char *path = luaL_checkstring(L, 1);
    cf_file *f = lua_newuserdatauv(L, sizeof *f, 0);
    memset(f, 0, sizeof *f);
    luaL_setmetatable(L, CSV_MT);
    phase_id was = phase_enter(PHASE_LOAD);
    int rc = cf_open(f, path, CSV_MAX_BYTES);
    phase_enter(was);
    if (rc != 0) {
        lua_pushnil(L);
        lua_pushstring(L, f->err);
        lua_pushinteger(L, f->err_line);
        lua_pushinteger(L, f->err_col);
        cf_close(f);
        return 4;
    }
    return 1;
}

/* h:header() → list of header fields, or nil + message, line, column. */
static int csv_header(lua_State *L)
{
    cf_file *f = check_csv(L);
    char **fields = NULL;
    int n = 0;
    if (load_header(f, &fields, &n) != 0) {
        load_free_header(fields, n);
        lua_pushnil(L);
        lua_pushstring(L, f->err);
        lua_pushinteger(L, f->err_line);
        lua_pushinteger(L, f->err_col);
        return 4;
    }
    /* copy into Lua before anything can raise, then free */
    lua_createtable(L, n, 0);
    for (int i = 0; i < n; i++) {
        lua_pushstring(L, fields[i]);
        lua_rawseti(L, -2, i + 1);
    }
    load_free_header(fields, n);
    return 1;
}

static int csv_info(lua_State *L)
{
    cf_file *f = check_csv(L);
    lua_createtable(L, 0, 2);
    lua_pushstring(L, f->encoding);
    lua_setfield(L, -2, "encoding");
    lua_pushlstring(L, &f->delim, 1);
    lua_setfield(L, -2, "delimiter");
    return 1;
}

static tbl_type parse_type(lua_State *L, const char *s)
{
    if (strcmp(s, "str") == 0 || strcmp(s, "list") == 0) return TBL_STR;
    if (strcmp(s, "int") == 0) return TBL_INT;
    if (strcmp(s, "num") == 0) return TBL_NUM;
    if (strcmp(s, "date") == 0) return TBL_DATE;
    luaL_error(L, "неизвестный тип столбца '%s'", s);
    return TBL_STR;
}

/* Reads spec entry at stack top into sp; strings stay owned by the Lua spec table. */
static void read_colspec(lua_State *L, load_colspec *sp)
{
    lua_getfield(L, -1, "field");
    sp->field = (int)luaL_checkinteger(L, -1) - 1;
    lua_getfield(L, -2, "name");
    sp->name = luaL_checkstring(L, -1);
    lua_getfield(L, -3, "label");
    sp->label = luaL_optstring(L, -1, sp->name);
    lua_getfield(L, -4, "type");
    sp->type = parse_type(L, luaL_optstring(L, -1, "str"));
    lua_getfield(L, -5, "nonempty");
    sp->nonempty = lua_toboolean(L, -1);
    lua_getfield(L, -6, "min");
    sp->has_min = lua_isnumber(L, -1);
    sp->min = lua_tonumber(L, -1);
    lua_getfield(L, -7, "max");
    sp->has_max = lua_isnumber(L, -1);
    sp->max = lua_tonumber(L, -1);
    lua_pop(L, 7);
}

static void push_diags(lua_State *L, const diag_list *d)
{
    lua_createtable(L, (int)d->n, 3);
    for (size_t i = 0; i < d->n; i++) {
        const diag_item *it = &d->items[i];
        lua_createtable(L, 0, 5);
        lua_pushstring(L, it->level == DIAG_ERROR ? "error" : "warning");
        lua_setfield(L, -2, "level");
        lua_pushinteger(L, it->line);
        lua_setfield(L, -2, "line");
        lua_pushinteger(L, it->col);
        lua_setfield(L, -2, "col");
        if (it->column) {
            lua_pushstring(L, it->column);
            lua_setfield(L, -2, "column");
        }
        lua_pushstring(L, it->msg);
        lua_setfield(L, -2, "message");
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    lua_pushinteger(L, (lua_Integer)d->dropped_errors);
    lua_setfield(L, -2, "dropped_errors");
    lua_pushinteger(L, (lua_Integer)d->dropped_warnings);
    lua_setfield(L, -2, "dropped_warnings");
}

/* h:load(spec, header_fields) → table (or nil when the file could not be parsed), diags.
 * spec: list of {field=, name=, label=, type=, nonempty=, min=, max=}. */
static int csv_load(lua_State *L)
{
    cf_file *f = check_csv(L);
    luaL_checktype(L, 2, LUA_TTABLE);
    int nheader = (int)luaL_checkinteger(L, 3);
    int n = (int)luaL_len(L, 2);
    luaL_argcheck(L, n >= 0 && n <= CF_MAX_FIELDS, 2, "слишком много столбцов");
    /* userdata so the spec array is freed by Lua even if reading it raises */
    load_colspec *spec = lua_newuserdatauv(L, sizeof *spec * (size_t)(n ? n : 1), 0);
    for (int i = 0; i < n; i++) {
        lua_rawgeti(L, 2, i + 1);
        read_colspec(L, &spec[i]);
        luaL_argcheck(L, spec[i].field >= 0 && spec[i].field < nheader, 2, "номер поля вне заголовка");
        lua_pop(L, 1);
    }
    diag_list d = {0};
    tbl *t = NULL;
    phase_id was = phase_enter(PHASE_LOAD);
    int rc = load_table(f, spec, n, nheader, &t, &d);
    phase_enter(was);
    /* Box the table before anything else can raise; the diags are copied, then freed.
     * (A memory error while copying them would leak them: accepted, the run ends.) */
    if (rc == 0)
        tbl_lua_push(L, t);
    else
        lua_pushnil(L);
    push_diags(L, &d);
    diag_free(&d);
    return 2;
}

static int csv_gc(lua_State *L)
{
    cf_close(luaL_checkudata(L, 1, CSV_MT));
    return 0;
}

/* h:close() — frees the file's text now instead of at garbage collection: at 40,000 schools
 * the CSV text is ~0.5 GB that nothing needs once the table is loaded. */
static int csv_close(lua_State *L)
{
    cf_close(luaL_checkudata(L, 1, CSV_MT));
    return 0;
}

static const luaL_Reg csv_methods[] = {
    {"close", csv_close},
    {"header", csv_header},
    {"info", csv_info},
    {"load", csv_load},
    {NULL, NULL}
};

/* ---- scripts ---- */

/* engine.new_env() → an untrusted sandbox environment (no C modules). */
static int engine_new_env(lua_State *L)
{
    lrt_push_env(L, 0);
    return 1;
}

/* engine.compile(source, chunkname, env) → function, or nil + message. Text only. */
static int engine_compile(lua_State *L)
{
    size_t n;
    const char *src = luaL_checklstring(L, 1, &n);
    const char *chunk = luaL_checkstring(L, 2);
    luaL_checktype(L, 3, LUA_TTABLE);
    lrt_load_text(L, src, n, chunk, 3);
    return lua_isnil(L, -2) ? 2 : 1;
}

static int valid_report_name(const char *s)
{
    if (!*s)
        return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
            return 0;
    return 1;
}

/* engine.load_report(name, env) → function (the script's chunk), or nil + message. */
static int engine_load_report(lua_State *L)
{
    const char *name = luaL_checkstring(L, 1);
    luaL_checktype(L, 2, LUA_TTABLE);
    if (!valid_report_name(name)) {
        lua_pushnil(L);
        lua_pushfstring(L, "недопустимое имя отчёта '%s'", name);
        return 2;
    }
    buf path = BUF_INIT;
    buf_printf(&path, "%s/reports/%s.lua", lrt_home(lrt_of(L)), name);
    char *src = NULL, err[FSX_ERRLEN];
    size_t len;
    int ok = fsx_read_all(path.data, 16u << 20, &src, &len, err) == 0;
    buf_free(&path);
    if (!ok) {
        lua_pushnil(L);
        lua_pushfstring(L, "отчёт '%s' не найден", name);
        return 2;
    }
    lua_pushfstring(L, "@reports/%s.lua", name);
    lrt_load_text(L, src, len, lua_tostring(L, -1), 2);
    free(src);
    return lua_isnil(L, -2) ? 2 : 1;
}

/* engine.load_file(path, env) → function, or nil + message: a Lua file outside lua/ and
 * reports/ (tests), text only, with the given environment. */
static int engine_load_file(lua_State *L)
{
    const char *path = luaL_checkstring(L, 1);
    luaL_checktype(L, 2, LUA_TTABLE);
    char *src = NULL, err[FSX_ERRLEN];
    size_t len;
    if (fsx_read_all(path, 16u << 20, &src, &len, err) != 0) {
        lua_pushnil(L);
        lua_pushstring(L, err);
        return 2;
    }
    lua_pushfstring(L, "@%s", path);
    lrt_load_text(L, src, len, lua_tostring(L, -1), 2);
    free(src);
    return lua_isnil(L, -2) ? 2 : 1;
}

/* engine.new_trusted_env() → a sandbox environment that may require the C modules (tests). */
static int engine_new_trusted_env(lua_State *L)
{
    lrt_push_env(L, 1);
    return 1;
}

/* engine.list_reports() → sorted list of script names in reports/. */
static int engine_list_reports(lua_State *L)
{
    buf path = BUF_INIT;
    buf_printf(&path, "%s/reports", lrt_home(lrt_of(L)));
    DIR *d = opendir(path.data);
    buf_free(&path);
    lua_newtable(L);
    if (!d)
        return 1;
    int n = 0;
    struct dirent *e;
    buf names = BUF_INIT;
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        if (len > 4 && strcmp(e->d_name + len - 4, ".lua") == 0 && e->d_name[0] != '_') {
            buf_append(&names, e->d_name, len - 4);
            buf_putc(&names, '\n');
        }
    }
    closedir(d);
    for (char *s = names.data, *nl; s && (nl = strchr(s, '\n')); s = nl + 1) {
        lua_pushlstring(L, s, (size_t)(nl - s));
        lua_rawseti(L, -2, ++n);
    }
    buf_free(&names);
    return 1;
}

/* ---- files and terminal ---- */

/* The result of a file operation for Lua: true, or nil + message (rc != 0). */
static int push_done(lua_State *L, int rc, const char *err)
{
    if (rc != 0) {
        lua_pushnil(L);
        lua_pushstring(L, err);
        return 2;
    }
    lua_pushboolean(L, 1);
    return 1;
}

/* engine.write_file(path, data) → true, or nil + message. Atomic. */
static int engine_write_file(lua_State *L)
{
    const char *path = luaL_checkstring(L, 1);
    size_t n;
    const char *data = bytes_lua_check(L, 2, &n);
    char err[FSX_ERRLEN];
    phase_id was = phase_enter(PHASE_FILES);
    int rc = fsx_write_atomic(path, data, n, err);
    phase_enter(was);
    return push_done(L, rc, err);
}

/* The process's staged outputs (engine.stage_file): committed by the runner in batches. A
 * worker forked from this process starts from the parent's batch, which the runner leaves
 * empty at that point. What is still staged when the process exits is removed. */
static fsx_batch staged;
static int staged_cleanup_set;

static void discard_staged(void)
{
    fsx_batch_discard(&staged);
}

/* engine.stage_file(path, data) → true, or nil + message: data written next to path, not yet
 * synced nor in place (engine.commit_files). */
static int engine_stage_file(lua_State *L)
{
    const char *path = luaL_checkstring(L, 1);
    size_t n;
    const char *data = bytes_lua_check(L, 2, &n);
    char err[FSX_ERRLEN];
    if (!staged_cleanup_set) {
        atexit(discard_staged);
        staged_cleanup_set = 1;
    }
    phase_id was = phase_enter(PHASE_FILES);
    int rc = fsx_stage(&staged, path, data, n, err);
    phase_enter(was);
    return push_done(L, rc, err);
}

/* engine.discard_files() — removes the temporaries of every file staged and not committed. */
static int engine_discard_files(lua_State *L)
{
    (void)L;
    discard_staged();
    return 0;
}

/* engine.commit_files() → true, or nil + message + {[path] = true} of the files that did not
 * reach their path: one sync for every file staged since the last commit, then the renames. */
static int engine_commit_files(lua_State *L)
{
    char err[FSX_ERRLEN];
    lua_createtable(L, 0, 0);                         /* failed */
    phase_id was = phase_enter(PHASE_FILES);
    int rc = fsx_commit(&staged, err);
    phase_enter(was);
    for (int i = 0; i < staged.n; i++)
        if (staged.files[i].failed) {
            lua_pushboolean(L, 1);
            lua_setfield(L, -2, staged.files[i].path);   /* failed[path] = true */
        }
    fsx_batch_clear(&staged);
    if (rc == 0) {
        lua_pushboolean(L, 1);
        return 1;
    }
    lua_pushnil(L);
    lua_pushstring(L, err);
    lua_rotate(L, -3, 2);                             /* nil message failed */
    return 3;
}

static int engine_mkdirs(lua_State *L)
{
    char err[FSX_ERRLEN];
    const char *path = luaL_checkstring(L, 1);
    phase_id was = phase_enter(PHASE_FILES);
    int rc = fsx_mkdirs(path, err);
    phase_enter(was);
    return push_done(L, rc, err);
}

/* engine.remove_temps(dir, pid) → the number of temporary files that process pid left under
 * dir (a worker killed before it committed or discarded them) that were removed. */
static int engine_remove_temps(lua_State *L)
{
    const char *dir = luaL_checkstring(L, 1);
    lua_Integer pid = luaL_checkinteger(L, 2);
    lua_pushinteger(L, fsx_remove_temps(dir, (long)pid, 3));
    return 1;
}

/* ---- spill files: what a process sets aside on disk for another step of the run ----
 * A country's school sheets leave ~1 GB of parts for the combined files: held in memory until
 * the last sheet was made, they took a run past 2 GB. Each process appends its parts to its
 * own spill file in the output directory, ".otchet-parts.<host>.<pid>", and the parent reads
 * one volume's parts back at a time. The file of the process that made it is removed when it
 * exits (workers leave with _exit, so theirs stay for the parent, which removes them); the
 * files of a run killed outright, by the next run on the same machine (the host in the name:
 * --out may be shared by machines running shards). */
static char own_spill[4096];   /* this process's spill file, once it made one */
static pid_t own_spill_pid;

static void remove_own_spill(void)
{
    if (own_spill[0] && own_spill_pid == getpid())
        unlink(own_spill);
}

/* engine.spill(dir, data) → name, offset | nil, message: appends data (a string or bytes) to
 * this process's spill file in dir; name is the file's name in dir. */
static int engine_spill(lua_State *L)
{
    const char *dir = luaL_checkstring(L, 1);
    size_t n;
    const char *data = bytes_lua_check(L, 2, &n);
    char err[FSX_ERRLEN];
    static int cleanup_set;
    /* a worker inherits its parent's name, and one process may run into several directories */
    fsx_spill_path(own_spill, sizeof own_spill, dir, (long)getpid());
    own_spill_pid = getpid();
    if (!cleanup_set)
        atexit(remove_own_spill);
    cleanup_set = 1;
    long long at;
    phase_id was = phase_enter(PHASE_FILES);
    int rc = fsx_append(own_spill, data, n, &at, err);
    phase_enter(was);
    if (rc != 0)
        return push_done(L, rc, err);
    lua_pushstring(L, strrchr(own_spill, '/') + 1);
    lua_pushinteger(L, (lua_Integer)at);
    return 2;
}

/* The spill file `name` in dir, checked to be one (engine.spill's names only). */
static const char *check_spill_name(lua_State *L, int idx, const char *dir, char *path, size_t cap)
{
    const char *name = luaL_checkstring(L, idx);
    if (strncmp(name, FSX_SPILL_PREFIX, strlen(FSX_SPILL_PREFIX)) != 0 || strchr(name, '/'))
        luaL_argerror(L, idx, "not a spill file's name");
    snprintf(path, cap, "%s/%s", dir, name);
    return path;
}

/* engine.unspill(dir, name, offset, length) → data | nil, message: bytes engine.spill set
 * aside, as a string (the collector then paces itself by them and frees each volume's parts
 * before the next one's are read). */
static int engine_unspill(lua_State *L)
{
    char path[4096], err[FSX_ERRLEN];
    const char *dir = luaL_checkstring(L, 1);
    check_spill_name(L, 2, dir, path, sizeof path);
    lua_Integer at = luaL_checkinteger(L, 3), len = luaL_checkinteger(L, 4);
    luaL_argcheck(L, at >= 0, 3, "negative offset");
    luaL_argcheck(L, len >= 0, 4, "negative length");
    luaL_Buffer b;
    char *dst = luaL_buffinitsize(L, &b, (size_t)len);   /* Lua's: nothing leaks if it raises */
    phase_id was = phase_enter(PHASE_FILES);
    int rc = fsx_read_at(path, (long long)at, dst, (size_t)len, err);
    phase_enter(was);
    if (rc != 0)
        return push_done(L, rc, err);
    luaL_pushresultsize(&b, (size_t)len);
    return 1;
}

/* engine.spill_remove(dir[, pid]) — removes the spill file of process pid (default: this one)
 * in dir, if there is one. */
static int engine_spill_remove(lua_State *L)
{
    char path[4096];
    const char *dir = luaL_checkstring(L, 1);
    long pid = (long)luaL_optinteger(L, 2, (lua_Integer)getpid());
    fsx_spill_path(path, sizeof path, dir, pid);
    unlink(path);
    return 0;
}

/* engine.remove_orphans(dir) → files, bytes: removes the spill files and temporaries that
 * processes of this machine which no longer run left in dir (down to three levels, as
 * remove_temps). */
static int engine_remove_orphans(lua_State *L)
{
    const char *dir = luaL_checkstring(L, 1);
    long long bytes = 0;
    lua_pushinteger(L, fsx_remove_orphans(dir, 3, &bytes));
    lua_pushinteger(L, (lua_Integer)bytes);
    return 2;
}

/* engine.rmdir(path) → true, or nil + message: removes an empty directory (and only that). */
static int engine_rmdir(lua_State *L)
{
    const char *path = luaL_checkstring(L, 1);
    char err[FSX_ERRLEN];
    int rc = rmdir(path);
    if (rc != 0)
        snprintf(err, sizeof err, "%s: не удалось удалить каталог: %s", path, strerror(errno));
    return push_done(L, rc, err);
}

/* The signal that asked this run to stop: this process's own, or in a worker its parent's. */
static int run_stop_signal(void)
{
    int sig = stop_requested();
    return sig ? sig : proc_stop_relayed();
}

/* lrt's interrupt: a report in the middle of a document (a country's rating: ~12 s of Lua) is
 * broken off at its next step once the run is asked to stop. */
static const char *stop_interrupt(void)
{
    return run_stop_signal() ? "документ не достроен: получен сигнал остановки" : NULL;
}

/* engine.catch_stop() — from now on SIGINT, SIGTERM and SIGHUP only ask the run to stop
 * (stop.h), and the reports' code running then is broken off; engine.stopped() says whether
 * one did. */
static int engine_catch_stop(lua_State *L)
{
    stop_catch();
    lrt_set_interrupt(lrt_of(L), stop_interrupt);
    return 0;
}

/* engine.stopped() → the name of the signal that asked the run to stop ("SIGTERM"), or nil. */
static int engine_stopped(lua_State *L)
{
    int sig = run_stop_signal();
    if (!sig)
        return 0;
    lua_pushstring(L, stop_signal_name(sig));
    return 1;
}

static int engine_is_dir(lua_State *L)
{
    lua_pushboolean(L, fsx_is_dir(luaL_checkstring(L, 1)));
    return 1;
}

static int engine_is_file(lua_State *L)
{
    lua_pushboolean(L, fsx_is_file(luaL_checkstring(L, 1)));
    return 1;
}

static int write_fd(lua_State *L, FILE *fp)
{
    size_t n;
    const char *s = luaL_checklstring(L, 1, &n);
    fwrite(s, 1, n, fp);
    fflush(fp);
    return 0;
}

static int engine_stdout(lua_State *L) { return write_fd(L, stdout); }
static int engine_stderr(lua_State *L) { return write_fd(L, stderr); }

static int engine_isatty(lua_State *L)
{
    lua_pushboolean(L, isatty((int)luaL_checkinteger(L, 1)));
    return 1;
}

/* engine.now() → seconds since the epoch: SOURCE_DATE_EPOCH when set, for reproducible output. */
static int engine_now(lua_State *L)
{
    const char *sde = getenv("SOURCE_DATE_EPOCH");
    char *end;
    long long v = sde ? strtoll(sde, &end, 10) : 0;
    lua_pushinteger(L, sde && *sde && !*end ? v : (long long)time(NULL));
    return 1;
}

/* ---- parallel workers ---- */

#define PROGRESS_KEY "otchet.progress_fd"

typedef struct par_ctx {
    lua_State *L;
    int work, tick;   /* stack indices of the Lua functions (tick 0: none) */
} par_ctx;

/* A child's output travels as frames, one per value: a tag ('s' a string, 'b' a bytes value),
 * the length (a size_t: both ends are this machine) and the bytes. A school's part (30 kB) thus
 * goes from the worker's memory to the parent's without being copied into Lua strings on
 * either side, and adds nothing to the parent's collector debt. */
static void put_frame(buf *out, char tag, const char *s, size_t n)
{
    buf_putc(out, tag);
    buf_append(out, (const char *)&n, sizeof n);
    buf_append(out, s, n);
}

/* Frames for the value at idx: a string, or a list of strings and bytes values. */
static void put_frames(lua_State *L, int idx, buf *out)
{
    size_t n;
    const char *s;
    if (lua_type(L, idx) == LUA_TSTRING) {
        s = lua_tolstring(L, idx, &n);
        put_frame(out, 's', s, n);
        return;
    }
    if (!lua_istable(L, idx))
        return;
    for (lua_Integer i = 1; lua_rawgeti(L, idx, i) != LUA_TNIL; i++) {   /* ... v */
        int bytes = bytes_lua_is(L, -1);
        s = bytes ? bytes_lua_check(L, -1, &n) : lua_tolstring(L, -1, &n);
        if (s)
            put_frame(out, bytes ? 'b' : 's', s, n);
        lua_pop(L, 1);
    }
    lua_pop(L, 1);                                                         /* the nil */
}

/* Pushes the list of the values in frames p[0..len); a frame cut short (a child that died
 * while writing) ends the list. */
static void push_frames(lua_State *L, const char *p, size_t len)
{
    lua_newtable(L);                                  /* list */
    lua_Integer k = 0;
    size_t pos = 0, n;
    while (len - pos > sizeof n) {
        char tag = p[pos];
        memcpy(&n, p + pos + 1, sizeof n);
        pos += 1 + sizeof n;
        if (n > len - pos)
            break;
        if (tag == 'b') {
            bytes_slot *b = bytes_lua_new(L);         /* list value */
            b->p = malloc(n ? n : 1);
            if (!b->p)
                luaL_error(L, "нет памяти");
            memcpy(b->p, p + pos, n);
            b->len = n;
        } else {
            lua_pushlstring(L, p + pos, n);           /* list value */
        }
        lua_rawseti(L, -2, ++k);                      /* list */
        pos += n;
    }
}

/* In the gatekeeper: the function at ud's stack index, gate() → ok, output; ok opens the
 * batch's gate, anything else (an error too) shuts it. */
static int par_gate(void *ud, int k, int progress_fd, buf *out)
{
    par_ctx *c = ud;
    lua_State *L = c->L;
    (void)k, (void)progress_fd;
    phase_forked("gatekeeper");
    lua_pushvalue(L, c->work);
    int st = lua_pcall(L, 0, 2, 0);                  /* ok, output | message */
    proc_gate_decide(st == LUA_OK && lua_toboolean(L, -2));
    put_frames(L, lua_gettop(L), out);
    phase_write();
    return st == LUA_OK ? 0 : 3;
}

/* In child k: runs work(k) protected; its result (or error message) is the output. */
static int par_work(void *ud, int k, int progress_fd, buf *out)
{
    par_ctx *c = ud;
    lua_State *L = c->L;
    phase_forked("worker");
    lua_pushinteger(L, progress_fd);
    lua_setfield(L, LUA_REGISTRYINDEX, PROGRESS_KEY);
    lua_pushvalue(L, c->work);
    lua_pushinteger(L, k + 1);
    int st = lua_pcall(L, 1, 2, 0);                  /* result code | message */
    put_frames(L, lua_gettop(L) - (st == LUA_OK), out);
    phase_write();
    if (st != LUA_OK)
        return 3;
    return lua_isinteger(L, -1) ? (int)lua_tointeger(L, -1) : 0;
}

/* In the parent: tick(total), protected and best effort (a progress bar must not abort a batch). */
static void par_tick(void *ud, long total)
{
    par_ctx *c = ud;
    if (c->tick == 0)
        return;
    lua_pushvalue(c->L, c->tick);
    lua_pushinteger(c->L, total);
    if (lua_pcall(c->L, 1, 0, 0) != LUA_OK)
        lua_pop(c->L, 1);
}

/* engine.gatekeeper(gate) → true, or nil + message: starts now, in a process of its own, the
 * gatekeeper of the next engine.parallel, gate() → ok, output. Until it returns, the workers'
 * gate is pending (engine.gate); then open when ok, shut otherwise. Started before the batch's
 * own preparation, it works while this process prepares. */
static int engine_gatekeeper(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TFUNCTION);
    par_ctx c = {L, 1, 0};
    char err[PROC_ERRLEN];
    return push_done(L, proc_gatekeeper(par_gate, &c, err), err);
}

/* engine.parallel(n, work, tick, items) → list of {status =, pid =, output =} per process, or nil +
 * message. work(k) runs in child process k (1-based) and returns its output — a string, or a
 * list of strings and bytes values — and optionally an exit code; output is that list (a
 * string comes as a list of one; an error's message too). tick(total) runs in this process as
 * workers call engine.tick(); with items, the workers share a queue of that many items
 * (engine.claim). A gatekeeper started before (engine.gatekeeper) is waited for too: its
 * status and output come last in the list (n + 1). */
static int engine_parallel(lua_State *L)
{
    int n = (int)luaL_checkinteger(L, 1);
    luaL_checktype(L, 2, LUA_TFUNCTION);
    luaL_argcheck(L, n >= 1 && n <= PROC_MAX, 1, "число процессов вне 1–256");
    lua_Integer items = luaL_optinteger(L, 4, 0);
    luaL_argcheck(L, items >= 0, 4, "число работ меньше нуля");
    par_ctx c = {L, 2, lua_isfunction(L, 3) ? 3 : 0};
    int total = n + proc_gatekeeper_started();
    proc_result *res = lua_newuserdatauv(L, sizeof *res * (size_t)total, 0);
    char err[PROC_ERRLEN];
    phase_id was = phase_enter(PHASE_WAIT);
    int rc = proc_parallel(n, (long)items, par_work, par_tick, &c, res, err);
    phase_enter(was);
    if (rc != 0) {
        lua_pushnil(L);
        lua_pushstring(L, err);
        return 2;
    }
    /* (a memory error while building the lists would leak the outputs not yet freed: accepted,
     * the run ends) */
    lua_createtable(L, total, 0);                     /* list */
    for (int k = 0; k < total; k++) {
        lua_createtable(L, 0, 2);                     /* list entry */
        lua_pushinteger(L, res[k].status);
        lua_setfield(L, -2, "status");
        lua_pushinteger(L, res[k].pid);
        lua_setfield(L, -2, "pid");
        push_frames(L, res[k].out ? res[k].out : "", res[k].len);
        free(res[k].out);
        res[k].out = NULL;
        lua_setfield(L, -2, "output");
        lua_rawseti(L, -2, k + 1);                    /* list */
    }
    return 1;
}

/* engine.phase(name) → the name of the phase the process's time went to until now; from now on
 * it goes to `name` ("check", "prepare", "build", …, see phase.h). Timings only: a no-op
 * returning "other" unless OTCHET_TIMINGS is set. */
static int engine_phase(lua_State *L)
{
    phase_id p = phase_by_name(luaL_checkstring(L, 1));
    luaL_argcheck(L, p != PHASE_COUNT, 1, "нет такой фазы");
    lua_pushstring(L, phase_name(phase_enter(p)));
    return 1;
}

/* engine.gate() → "open", "pending" or "shut": whether this worker's files may be put in
 * place (see engine.parallel; "open" outside workers and in batches without a gate). */
static int engine_gate(lua_State *L)
{
    static const char *const names[] = {"pending", "open", "shut"};
    lua_pushstring(L, names[proc_gate()]);
    return 1;
}

/* engine.gate_wait() → true when the gate opened, false when it was shut. */
static int engine_gate_wait(lua_State *L)
{
    lua_pushboolean(L, proc_gate_wait() == PROC_GATE_OPEN);
    return 1;
}

/* engine.claim() → the number (1-based) of the next item of the workers' queue
 * (engine.parallel with items), each handed out once; nil when none is left. */
static int engine_claim(lua_State *L)
{
    long k = proc_claim();
    if (k < 0)
        lua_pushnil(L);
    else
        lua_pushinteger(L, (lua_Integer)k + 1);
    return 1;
}

/* engine.tick() — one item finished (in a worker; a no-op outside workers). */
static int engine_tick(lua_State *L)
{
    if (lua_getfield(L, LUA_REGISTRYINDEX, PROGRESS_KEY) == LUA_TNUMBER)
        proc_tick((int)lua_tointeger(L, -1));
    return 0;
}

static int engine_csv_encode(lua_State *L);         /* below: CSV text */

static const luaL_Reg engine_funcs[] = {
    {"call_limited", engine_call_limited},
    {"catch_stop", engine_catch_stop},
    {"claim", engine_claim},
    {"commit_files", engine_commit_files},
    {"compile", engine_compile},
    {"csv_encode", engine_csv_encode},
    {"csv_open", engine_csv_open},
    {"discard_files", engine_discard_files},
    {"fold", engine_fold},
    {"gate", engine_gate},
    {"gatekeeper", engine_gatekeeper},
    {"gate_wait", engine_gate_wait},
    {"is_dir", engine_is_dir},
    {"is_file", engine_is_file},
    {"isatty", engine_isatty},
    {"list_reports", engine_list_reports},
    {"load_file", engine_load_file},
    {"load_report", engine_load_report},
    {"mkdirs", engine_mkdirs},
    {"namekey", engine_namekey},
    {"new_env", engine_new_env},
    {"new_trusted_env", engine_new_trusted_env},
    {"now", engine_now},
    {"parallel", engine_parallel},
    {"parse_date", engine_parse_date},
    {"parse_int", engine_parse_int},
    {"parse_num", engine_parse_num},
    {"phase", engine_phase},
    {"remove_orphans", engine_remove_orphans},
    {"remove_temps", engine_remove_temps},
    {"rmdir", engine_rmdir},
    {"sha256", engine_sha256},
    {"spill", engine_spill},
    {"spill_remove", engine_spill_remove},
    {"stage_file", engine_stage_file},
    {"stderr", engine_stderr},
    {"stdout", engine_stdout},
    {"stopped", engine_stopped},
    {"tick", engine_tick},
    {"unspill", engine_unspill},
    {"write_file", engine_write_file},
    {NULL, NULL}
};

int engine_lua_open(lua_State *L)
{
    if (luaL_newmetatable(L, CSV_MT)) {               /* mt */
        luaL_newlib(L, csv_methods);
        lua_setfield(L, -2, "__index");
        lua_pushcfunction(L, csv_gc);
        lua_setfield(L, -2, "__gc");
    }
    lua_pop(L, 1);
    luaL_newlib(L, engine_funcs);
    lua_pushstring(L, OTCHET_VERSION);
    lua_setfield(L, -2, "version");
    return 1;
}

/* ---- CSV text (lua/csvout.lua) ---- */

/* Widest row of `rows` (index 1): the highest positive integer key of any row. */
static lua_Integer csv_width(lua_State *L)
{
    lua_Integer width = 0;
    for (lua_Integer i = 1; lua_geti(L, 1, i) != LUA_TNIL; i++) {
        luaL_checktype(L, -1, LUA_TTABLE);
        for (lua_pushnil(L); lua_next(L, -2); lua_pop(L, 1))   /* row, key, value */
            if (lua_isinteger(L, -2) && lua_tointeger(L, -2) > width)
                width = lua_tointeger(L, -2);
        lua_pop(L, 1);                                /* the row */
    }
    lua_pop(L, 1);                                    /* the nil */
    return width;
}

/* Replaces the text cell on the top of the stack by its CSV form: a leading apostrophe when it
 * begins with = + - @ tab or CR (Excel would run it as a formula), then quoted, with quotes
 * doubled, when it holds ; " CR or LF or begins or ends with a space. */
static void csv_text(lua_State *L)
{
    size_t n;
    const char *s = lua_tolstring(L, -1, &n);
    if (n > 0 && s[0] != '\0' && strchr("=+-@\t\r", s[0])) {
        lua_pushliteral(L, "'");
        lua_insert(L, -2);
        lua_concat(L, 2);                             /* "'" .. s */
        s = lua_tolstring(L, -1, &n);
    }
    int quote = n > 0 && (isspace((unsigned char)s[0]) || isspace((unsigned char)s[n - 1]));
    for (size_t i = 0; i < n && !quote; i++)
        quote = s[i] == ';' || s[i] == '"' || s[i] == '\r' || s[i] == '\n';
    if (!quote)
        return;
    luaL_Buffer q;
    luaL_buffinit(L, &q);                             /* s, buffer */
    luaL_addchar(&q, '"');
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"')
            luaL_addchar(&q, '"');
        luaL_addchar(&q, s[i]);
    }
    luaL_addchar(&q, '"');
    luaL_pushresult(&q);                              /* s, quoted */
    lua_remove(L, -2);
}

/* Replaces the plain number on the top of the stack by its CSV text: integers as they are,
 * whole floats below 2^53 without a fraction, others with 15 significant digits and a decimal
 * comma; NaN and infinities give an empty cell. */
static void csv_number(lua_State *L)
{
    char t[64];
    if (lua_isinteger(L, -1)) {
        snprintf(t, sizeof t, LUA_INTEGER_FMT, (LUAI_UACINT)lua_tointeger(L, -1));
    } else {
        double x = lua_tonumber(L, -1);
        if (x != x || isinf(x))
            t[0] = '\0';
        else if (x == floor(x) && fabs(x) < 9007199254740992.0)
            snprintf(t, sizeof t, "%lld", (long long)x);
        else
            snprintf(t, sizeof t, "%.15g", x);
        for (char *p = strchr(t, '.'); p; p = strchr(p, '.'))
            *p = ',';
    }
    lua_pop(L, 1);
    lua_pushstring(L, t);
}

/* Is the value on the top of the stack a table whose metatable is at index mt? */
static int has_mt(lua_State *L, int mt)
{
    if (!lua_istable(L, -1) || !lua_getmetatable(L, -1))
        return 0;
    int same = lua_rawequal(L, -1, mt);
    lua_pop(L, 1);                                    /* the metatable */
    return same;
}

/* Replaces the cell on the top of the stack by its CSV text (see engine.csv_encode). */
static void csv_cell(lua_State *L, int number_mt)
{
    int t = lua_type(L, -1);
    if (t == LUA_TNIL || (t == LUA_TBOOLEAN && !lua_toboolean(L, -1))) {
        lua_pop(L, 1);
        lua_pushliteral(L, "");
    } else if (t == LUA_TNUMBER) {
        csv_number(L);
    } else if (has_mt(L, number_mt)) {
        lua_getfield(L, -1, "text");                  /* a number cell's own text, as it is */
        lua_remove(L, -2);
        if (!lua_isstring(L, -1)) {
            lua_pop(L, 1);
            lua_pushliteral(L, "");
        }
    } else {
        if (t != LUA_TSTRING) {
            luaL_tolstring(L, -1, NULL);
            lua_remove(L, -2);
        }
        csv_text(L);
    }
}

/* engine.csv_encode(rows, sep, eol, number_mt) → the text of a list of rows: cells joined by
 * sep, every row ended by eol and as wide as the widest (nil cells empty). A cell is nil or
 * false (empty), a number, a table whose metatable is number_mt (its field `text`, as it is),
 * or anything else as text (see csv_text). lua/csvout.lua says why each rule is there. */
static int engine_csv_encode(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    size_t nsep, neol;
    const char *sep = luaL_checklstring(L, 2, &nsep), *eol = luaL_checklstring(L, 3, &neol);
    luaL_checktype(L, 4, LUA_TTABLE);
    lua_settop(L, 4);
    lua_Integer width = csv_width(L);
    luaL_Buffer b;
    luaL_buffinit(L, &b);                             /* the buffer stays on the top */
    for (lua_Integer i = 1; lua_geti(L, 1, i) != LUA_TNIL; i++) {
        lua_pop(L, 1);                                /* the row: fetched again per cell */
        for (lua_Integer c = 1; c <= width; c++) {
            if (c > 1)
                luaL_addlstring(&b, sep, nsep);
            lua_geti(L, 1, i);                        /* row */
            lua_geti(L, -1, c);                       /* row, cell */
            lua_remove(L, -2);                        /* cell */
            csv_cell(L, 4);                           /* its text */
            luaL_addvalue(&b);
        }
        luaL_addlstring(&b, eol, neol);
    }
    lua_pop(L, 1);                                    /* the nil */
    luaL_pushresult(&b);
    return 1;
}
