/* proc — fork-based parallel workers with result pipes and a progress pipe; see proc.h. */
#include "proc.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fsx.h"
#include "stop.h"

/* What the workers of the current proc_parallel share, in one anonymous page mapped before
 * they fork (an operation on a lock-free atomic is the same from every process that maps it):
 * the number of the next item of the queue, and the gate. NULL when the batch has neither. */
typedef struct shared {
    atomic_long next;
    atomic_int gate;        /* a proc_gate_state */
    atomic_int stop;        /* the signal that asked the parent to stop (proc_stop_relayed) */
} shared;

static shared *sh;
static long queue_items;

long proc_claim(void)
{
    if (!sh || queue_items <= 0)
        return -1;
    long k = atomic_fetch_add(&sh->next, 1);
    return k < queue_items ? k : -1;
}

/* Hands out no more items and tells the workers why: a stop was requested of this process
 * (stop.h), perhaps of it alone (`timeout`, `kill` send to one pid). */
static void queue_drain(int sig)
{
    if (sh) {
        atomic_store(&sh->next, queue_items);
        atomic_store(&sh->stop, sig);
    }
}

int proc_stop_relayed(void)
{
    return sh ? atomic_load(&sh->stop) : 0;
}

proc_gate_state proc_gate(void)
{
    return sh ? (proc_gate_state)atomic_load(&sh->gate) : PROC_GATE_OPEN;
}

/* Decides a pending gate; a decided one stays as it is. */
static void gate_decide(proc_gate_state to)
{
    int pending = PROC_GATE_PENDING;
    if (sh)
        atomic_compare_exchange_strong(&sh->gate, &pending, (int)to);
}

void proc_gate_decide(int open)
{
    gate_decide(open ? PROC_GATE_OPEN : PROC_GATE_SHUT);
}

proc_gate_state proc_gate_wait(void)
{
    proc_gate_state g;
    while ((g = proc_gate()) == PROC_GATE_PENDING) {
        struct timespec ms = {0, 1000000};
        nanosleep(&ms, NULL);
    }
    return g;
}

/* The gatekeeper started ahead of its batch (proc_gatekeeper), until proc_parallel gathers it
 * with the workers: its pid and the read end of its result pipe (-1: none). */
static pid_t keeper_pid;
static int keeper_fd = -1;

/* Maps the shared page when the batch has a queue or a gate; a page mapped for a gatekeeper
 * started ahead is kept, with the queue set. Returns 0 or -1 (errno). */
static int shared_open(long items, int gated)
{
    queue_items = items;
    if (sh) {
        atomic_store(&sh->next, 0);
        atomic_store(&sh->stop, 0);
        return 0;
    }
    if (items <= 0 && !gated)
        return 0;
    void *page = mmap(NULL, sizeof *sh, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (page == MAP_FAILED)
        return -1;
    sh = page;
    atomic_init(&sh->next, 0);
    atomic_init(&sh->gate, gated ? PROC_GATE_PENDING : PROC_GATE_OPEN);
    atomic_init(&sh->stop, 0);
    return 0;
}

static void shared_close(void)
{
    if (sh)
        munmap((void *)sh, sizeof *sh);
    sh = NULL;
}

void proc_tick(int progress_fd)
{
    char c = 1;
    while (write(progress_fd, &c, 1) < 0 && errno == EINTR)
        ;
}

/* The child's side: run the work, send the result, leave without running the parent's
 * atexit handlers or flushing its copies of stdio buffers twice. */
static void run_child(int k, int out_fd, int progress_fd, proc_work_fn work, void *ud)
{
    buf out = BUF_INIT;
    int code = work(ud, k, progress_fd, &out);
    fflush(stdout);
    fflush(stderr);
    if (out.len && fsx_write_full(out_fd, out.data, out.len) != 0)
        code = code ? code : 1;
    _exit(code);
}

/* Reads whatever is available on fd into b; returns 0 at EOF, 1 if more may come. */
static int drain(int fd, buf *b)
{
    char tmp[65536];
    ssize_t n = read(fd, tmp, sizeof tmp);
    if (n < 0 && errno == EINTR)
        return 1;
    if (n <= 0)
        return 0;
    buf_append(b, tmp, (size_t)n);
    return 1;
}

/* Parent loop: poll the result pipes and the progress pipe until every result pipe hit EOF.
 * The gatekeeper's EOF shuts a gate it left undecided (it failed or was killed): the workers
 * waiting on it must not wait forever, nor put anything in place. Once this process is asked
 * to stop (a signal interrupts poll), the queue is drained and the stop relayed: the workers
 * break off what they have and send their results as usual, so that what they put in place
 * is known. */
static void gather(int n, int *fds, int gatekeeper, int progress_fd, proc_tick_fn tick, void *ud,
                   buf *outs)
{
    struct pollfd pfd[PROC_MAX + 2];   /* the workers, a gatekeeper, the progress pipe */
    int open = n;
    long total = 0;
    while (open > 0) {
        int m = 0;
        for (int k = 0; k < n; k++)
            if (fds[k] >= 0)
                pfd[m++] = (struct pollfd){.fd = fds[k], .events = POLLIN};
        pfd[m++] = (struct pollfd){.fd = progress_fd, .events = POLLIN};
        if (poll(pfd, (nfds_t)m, -1) < 0 && errno != EINTR)
            break;
        int sig = stop_requested();
        if (sig)
            queue_drain(sig);
        if (pfd[m - 1].revents & POLLIN) {
            char tmp[4096];
            ssize_t got = read(progress_fd, tmp, sizeof tmp);
            if (got > 0 && tick)
                tick(ud, total += got);
        }
        for (int k = 0; k < n; k++) {
            if (fds[k] < 0)
                continue;
            for (int j = 0; j < m - 1; j++)
                if (pfd[j].fd == fds[k] && (pfd[j].revents & (POLLIN | POLLHUP | POLLERR)) &&
                    !drain(fds[k], &outs[k])) {
                    if (k == gatekeeper)
                        gate_decide(PROC_GATE_SHUT);
                    close(fds[k]);
                    fds[k] = -1;
                    open--;
                }
        }
    }
}

/* Forks child k (-1: the gatekeeper): it runs work and sends its result through a new pipe,
 * whose read end goes to *fd; in the child the read ends in close_fds (n_close of them, -1s
 * skipped) are closed. Returns the child's pid, or -1 (errno). */
static pid_t spawn(int k, int progress_fd, const int *close_fds, int n_close, proc_work_fn work,
                   void *ud, int *fd)
{
    int p[2];
    if (pipe(p) != 0)
        return -1;
    pid_t parent = getpid(), pid = fork();
    if (pid < 0) {
        close(p[0]);
        close(p[1]);
        return -1;
    }
    if (pid == 0) {
        /* a worker must not outlive a killed batch (cron, kill -9): it would go on writing
         * into a directory somebody else may already be using */
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent)          /* it died before prctl took effect */
            _exit(128 + SIGKILL);
        close(p[0]);
        for (int j = 0; j < n_close; j++)
            if (close_fds[j] >= 0)
                close(close_fds[j]);
        run_child(k, p[1], progress_fd, work, ud);
    }
    close(p[1]);
    *fd = p[0];
    return pid;
}

int proc_gatekeeper(proc_work_fn work, void *ud, char err[PROC_ERRLEN])
{
    if (keeper_fd >= 0) {
        snprintf(err, PROC_ERRLEN, "проверяющий процесс уже запущен");
        return -1;
    }
    fflush(stdout);
    fflush(stderr);
    if (shared_open(0, 1) != 0) {
        snprintf(err, PROC_ERRLEN, "не удалось создать общую память: %s", strerror(errno));
        return -1;
    }
    keeper_pid = spawn(-1, -1, NULL, 0, work, ud, &keeper_fd);
    if (keeper_pid < 0) {
        snprintf(err, PROC_ERRLEN, "не удалось запустить процесс: %s", strerror(errno));
        shared_close();
        return -1;
    }
    return 0;
}

int proc_gatekeeper_started(void)
{
    return keeper_fd >= 0;
}

int proc_parallel(int n, long items, proc_work_fn work, proc_tick_fn tick, void *ud,
                  proc_result *results, char err[PROC_ERRLEN])
{
    int fds[PROC_MAX + 1], prog[2] = {-1, -1}, started = 0, rc = -1;
    pid_t pids[PROC_MAX + 1];
    buf outs[PROC_MAX + 1];

    if (n < 1 || n > PROC_MAX) {
        snprintf(err, PROC_ERRLEN, "число процессов должно быть от 1 до %d", PROC_MAX);
        return -1;
    }
    fflush(stdout);
    fflush(stderr);
    if (shared_open(items, 0) != 0) {
        snprintf(err, PROC_ERRLEN, "не удалось создать очередь работ: %s", strerror(errno));
        return -1;
    }
    if (pipe(prog) != 0) {
        snprintf(err, PROC_ERRLEN, "не удалось создать канал: %s", strerror(errno));
        shared_close();
        return -1;
    }
    /* what a worker must not hold: the progress pipe's read end, the others' result pipes,
     * the gatekeeper's */
    int inherited[PROC_MAX + 2];
    inherited[0] = prog[0];
    inherited[1] = keeper_fd;
    for (; started < n; started++) {
        pid_t pid = spawn(started, prog[1], inherited, 2 + started, work, ud, &fds[started]);
        if (pid < 0)
            break;
        pids[started] = pid;
        outs[started] = (buf)BUF_INIT;
        inherited[2 + started] = fds[started];
    }
    close(prog[1]);
    if (started < n) {
        snprintf(err, PROC_ERRLEN, "не удалось запустить процесс: %s", strerror(errno));
        gate_decide(PROC_GATE_SHUT);
        for (int k = 0; k < started; k++)
            kill(pids[k], SIGTERM);
        if (keeper_fd >= 0)
            kill(keeper_pid, SIGTERM);
    }
    int total = started, gatekeeper = -1;
    if (keeper_fd >= 0) {          /* gathered with the workers, its result after theirs */
        gatekeeper = total++;
        fds[gatekeeper] = keeper_fd;
        pids[gatekeeper] = keeper_pid;
        outs[gatekeeper] = (buf)BUF_INIT;
        keeper_fd = -1;
    }
    gather(total, fds, gatekeeper, prog[0], started < n ? NULL : tick, ud, outs);
    close(prog[0]);
    for (int k = 0; k < total; k++) {
        int st = 0;
        while (waitpid(pids[k], &st, 0) < 0 && errno == EINTR)
            ;
        results[k].status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
        results[k].pid = (long)pids[k];
        results[k].len = outs[k].len;
        results[k].out = buf_take(&outs[k]);
    }
    shared_close();
    if (started == n)
        rc = 0;
    else
        for (int k = 0; k < total; k++)
            free(results[k].out);
    return rc;
}
