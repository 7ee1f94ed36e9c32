/* main — the otchet command: finds its data directory (lua/, reports/, fonts/), creates the
 * sandboxed Lua runtime, registers the engine's C modules and hands the command line to
 * lua/app.lua, whose result is the exit code. Uses lrt, engine_lua, fsx, phase. */
#include <limits.h>
#include <malloc.h>
#include <signal.h>
#include <sys/resource.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "engine_lua.h"
#include "fsx.h"
#include "layout_lua.h"
#include "lrt.h"
#include "phase.h"
#include "stop.h"

#define EXIT_SOFTWARE 3

/* Does dir hold our Lua library? */
static int is_home(const char *dir)
{
    buf p = BUF_INIT;
    buf_printf(&p, "%s/lua/app.lua", dir);
    int ok = fsx_is_file(p.data);
    buf_free(&p);
    return ok;
}

/* The directory with lua/, reports/ and fonts/: $OTCHET_HOME, else the binary's own directory
 * or one of its parents (a build tree), else <bindir>/../share/otchet (an installation, wherever
 * it was moved), else the data directory compiled in. Returns a malloc'd path or NULL. */
static char *find_home(void)
{
    const char *env = getenv("OTCHET_HOME");
    if (env && *env)
        return strdup(env);
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash)
            *slash = '\0';
        buf share = BUF_INIT;
        buf_printf(&share, "%s/../share/otchet", exe);
        if (is_home(share.data))
            return buf_take(&share);
        buf_free(&share);
        for (int up = 0; up < 3; up++) {   /* ./otchet, build/debug/otchet */
            if (is_home(exe))
                return strdup(exe);
            slash = strrchr(exe, '/');
            if (!slash)
                break;
            *slash = '\0';
        }
    }
    return is_home(OTCHET_DATADIR) ? strdup(OTCHET_DATADIR) : NULL;
}

/* The last line of defence of an unattended run: a script stuck inside one C call (a Lua
 * pattern that backtracks exponentially) is out of reach of the instruction budget, so the
 * process has a CPU-time limit too. Only async-signal-safe calls here. */
static void on_cpu_limit(int sig)
{
    (void)sig;
    static const char msg[] = "otchet: превышен лимит процессорного времени (OTCHET_CPU_LIMIT): "
                              "отчёт остановлен\n";
    if (write(2, msg, sizeof msg - 1) < 0) {
        /* nothing more can be done */
    }
    _exit(EXIT_SOFTWARE);
}

/* Sets the CPU-time limit of this process and its workers: $OTCHET_CPU_LIMIT seconds,
 * default one hour (a region takes seconds). */
static void limit_cpu(void)
{
    const char *env = getenv("OTCHET_CPU_LIMIT");
    long secs = env && *env ? atol(env) : 3600;
    struct rlimit rl;
    if (secs <= 0 || getrlimit(RLIMIT_CPU, &rl) != 0)
        return;
    if (rl.rlim_max != RLIM_INFINITY && (rlim_t)secs > rl.rlim_max)
        secs = (long)rl.rlim_max;
    rl.rlim_cur = (rlim_t)secs;
    signal(SIGXCPU, on_cpu_limit);
    setrlimit(RLIMIT_CPU, &rl);
}

/* Report scripts and libharu allocate and free small objects by the million: keep freed memory
 * in the process instead of giving it back and faulting it in again (7 % less CPU on 250
 * sheets; large blocks, the CSV texts, are still mapped and returned). No fastbins: with them
 * every allocation of a kilobyte or more (a table's array, a buffer growing, a page's bytes)
 * first consolidated all the small blocks Lua had freed — 5 % of a school sheet's CPU, which
 * the thread cache and the small bins do without. */
static void tune_malloc(void)
{
    mallopt(M_MMAP_THRESHOLD, 64 << 20);
    mallopt(M_TRIM_THRESHOLD, 256 << 20);
    mallopt(M_TOP_PAD, 16 << 20);
    mallopt(M_MXFAST, 0);
}

int main(int argc, char **argv)
{
    tune_malloc();
    limit_cpu();
    phase_init(getenv("OTCHET_TIMINGS"));
    char err[LRT_ERRLEN];
    char *home = find_home();
    if (!home) {
        fprintf(stderr, "otchet: не найден каталог с lua/ и reports/ (задайте OTCHET_HOME)\n");
        return EXIT_SOFTWARE;
    }
    /* Limits of report scripts; the environment may lower them (tests) or raise them. */
    const char *budget = getenv("OTCHET_LUA_BUDGET"), *mem = getenv("OTCHET_LUA_MEMORY_MB");
    lrt_config cfg = {.home = home,
                      .instr_limit = budget ? atoll(budget) : 0,
                      .mem_limit = mem ? (size_t)atoll(mem) << 20 : 0};
    lrt *r = lrt_new(&cfg);
    free(home);
    if (!r) {
        fprintf(stderr, "otchet: недостаточно памяти\n");
        return EXIT_SOFTWARE;
    }
    lrt_add_module(r, "engine", engine_lua_open);
    lrt_add_module(r, "layout", layout_lua_open);
    int code = lrt_call(r, "app", "main", argc - 1, argv + 1, err);
    if (code < 0) {
        fprintf(stderr, "otchet: внутренняя ошибка: %s\n", err);
        code = EXIT_SOFTWARE;
    }
    lrt_free(r);
    fflush(stdout);
    phase_write();
    stop_exit();   /* a run that stopped on a signal ends by it, once everything is cleaned up */
    return code;
}
