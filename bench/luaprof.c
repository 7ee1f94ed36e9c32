/* luaprof — a sampling profiler for report scripts, linked only into the profiling build that
 * bench/luaprof.sh makes (never into otchet): src/lrt.c's instruction-count hook calls
 * luaprof_sample every 1000 VM instructions, which charges the sample to the running Lua
 * function (self) and to every distinct function on the stack (inclusive). At exit the top
 * functions go to stderr. Time spent inside C functions is not sampled (count hooks do not
 * fire there): the figures are shares of Lua VM instructions. */
#include <lauxlib.h>
#include <lua.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void luaprof_sample(lua_State *L, lua_Debug *ar);

#define SLOTS 8192
#define DEPTH 64

typedef struct entry {
    char key[200];
    long self, incl;
} entry;

static entry *tab;
static long total;

static entry *find(const char *key)
{
    unsigned long h = 5381;
    for (const char *p = key; *p; p++)
        h = h * 33 + (unsigned char)*p;
    for (unsigned long i = h % SLOTS, n = 0; n < SLOTS; i = (i + 1) % SLOTS, n++) {
        if (!tab[i].key[0]) {
            snprintf(tab[i].key, sizeof tab[i].key, "%s", key);
            return &tab[i];
        }
        if (strcmp(tab[i].key, key) == 0)
            return &tab[i];
    }
    return NULL;
}

static int by_self(const void *a, const void *b)
{
    long x = ((const entry *)a)->self, y = ((const entry *)b)->self;
    return x < y ? 1 : x > y ? -1 : 0;
}

static int by_incl(const void *a, const void *b)
{
    long x = ((const entry *)a)->incl, y = ((const entry *)b)->incl;
    return x < y ? 1 : x > y ? -1 : 0;
}

static void report(void)
{
    if (!tab || total == 0)
        return;
    fprintf(stderr, "\nluaprof: %ld samples (1 per 1000 Lua instructions)\n", total);
    qsort(tab, SLOTS, sizeof *tab, by_incl);
    fprintf(stderr, "inclusive  self   function (source:line defined, name)\n");
    for (int i = 0; i < 30 && tab[i].incl; i++)
        fprintf(stderr, "%6.1f %% %6.1f %%  %s\n", 100.0 * (double)tab[i].incl / (double)total,
                100.0 * (double)tab[i].self / (double)total, tab[i].key);
    qsort(tab, SLOTS, sizeof *tab, by_self);
    fprintf(stderr, "\ntop self:\n");
    for (int i = 0; i < 20 && tab[i].self; i++)
        fprintf(stderr, "%6.1f %%  %s\n", 100.0 * (double)tab[i].self / (double)total, tab[i].key);
}

void luaprof_sample(lua_State *L, lua_Debug *ar)
{
    (void)ar;
    if (!tab) {
        tab = calloc(SLOTS, sizeof *tab);
        if (!tab)
            return;
        atexit(report);
    }
    total++;
    entry *seen[DEPTH];
    int nseen = 0;
    lua_Debug d;
    for (int level = 0; level < DEPTH && lua_getstack(L, level, &d); level++) {
        if (!lua_getinfo(L, "Sn", &d) || d.what[0] == 'C')
            continue;
        char key[200];
        snprintf(key, sizeof key, "%s:%d %s", d.short_src, d.linedefined, d.name ? d.name : "?");
        entry *e = find(key);
        if (!e)
            continue;
        if (nseen == 0)
            e->self++;
        int dup = 0;
        for (int k = 0; k < nseen; k++)
            dup |= seen[k] == e;
        if (!dup) {
            e->incl++;
            seen[nseen++] = e;
        }
    }
}
