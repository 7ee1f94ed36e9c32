/* phase — wall and CPU seconds per phase of a run, written at the end; see phase.h.
 * Why a module of its own: the phases are entered from the Lua runner (check, prepare, build)
 * and from the C primitives that do the work (CSV loading, layout, files), and one clock must
 * see both. */
#include "phase.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"

static const char *const names[PHASE_COUNT] = {
    "other", "load", "check", "prepare", "build", "layout", "files", "wait",
};

static struct {
    char path[4096];          /* "" = off */
    const char *role;
    phase_id current;
    double wall0, cpu0;       /* when the current phase was entered */
    double wall[PHASE_COUNT], cpu[PHASE_COUNT];
} st;

/* CPU time is the thread's clock: our processes have one thread, and CLOCK_PROCESS_CPUTIME_ID
 * under RLIMIT_CPU (main.c's limit) is answered from a group timer updated at ticks — in
 * workers it gave whole phases more CPU than wall time. */
static double seconds(clockid_t clock)
{
    struct timespec ts;
    clock_gettime(clock, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Forgets every figure and counts from now on in PHASE_OTHER. */
static void restart(const char *role)
{
    st.role = role;
    st.current = PHASE_OTHER;
    memset(st.wall, 0, sizeof st.wall);
    memset(st.cpu, 0, sizeof st.cpu);
    st.wall0 = seconds(CLOCK_MONOTONIC);
    st.cpu0 = seconds(CLOCK_THREAD_CPUTIME_ID);
}

void phase_init(const char *path)
{
    st.path[0] = '\0';
    if (!path || !*path || strlen(path) >= sizeof st.path)
        return;
    memcpy(st.path, path, strlen(path) + 1);
    restart("main");
}

int phase_on(void)
{
    return st.path[0] != '\0';
}

/* Adds the time since the current phase was entered (or last settled) to it. */
static void settle(void)
{
    double wall = seconds(CLOCK_MONOTONIC), cpu = seconds(CLOCK_THREAD_CPUTIME_ID);
    st.wall[st.current] += wall - st.wall0;
    st.cpu[st.current] += cpu - st.cpu0;
    st.wall0 = wall;
    st.cpu0 = cpu;
}

phase_id phase_enter(phase_id p)
{
    phase_id was = st.current;
    if (!st.path[0] || p == was || p >= PHASE_COUNT)
        return was;
    settle();
    st.current = p;
    return was;
}

void phase_forked(const char *role)
{
    if (st.path[0])
        restart(role);
}

void phase_write(void)
{
    if (!st.path[0])
        return;
    settle();
    buf b = BUF_INIT;
    long pid = (long)getpid();
    for (int p = 0; p < PHASE_COUNT; p++)
        if (st.wall[p] > 0 || st.cpu[p] > 0)
            buf_printf(&b, "%s\t%ld\t%s\t%.6f\t%.6f\n", st.role, pid, names[p], st.wall[p], st.cpu[p]);
    int fd = open(st.path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd >= 0) {
        if (b.len && write(fd, b.data, b.len) < 0) {
            /* best effort: timings never fail a run */
        }
        close(fd);
    }
    buf_free(&b);
}

const char *phase_name(phase_id p)
{
    return p < PHASE_COUNT ? names[p] : "?";
}

phase_id phase_by_name(const char *name)
{
    for (int p = 0; p < PHASE_COUNT; p++)
        if (strcmp(names[p], name) == 0)
            return (phase_id)p;
    return PHASE_COUNT;
}
