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
#include <unistd.h>

#include "fsx.h"

/* The queue of the current proc_parallel: the number of the next item, in one anonymous page
 * shared with the workers (mapped before they fork; a fetch-and-add on a lock-free atomic is
 * the same operation from every process that maps it). NULL when the batch has no queue. */
static atomic_long *queue;
static long queue_items;

long proc_claim(void)
{
    if (!queue)
        return -1;
    long k = atomic_fetch_add(queue, 1);
    return k < queue_items ? k : -1;
}

/* Maps the queue of `items` items (none when items is 0). Returns 0 or -1 (errno). */
static int queue_open(long items)
{
    queue = NULL;
    queue_items = items;
    if (items <= 0)
        return 0;
    void *page = mmap(NULL, sizeof *queue, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (page == MAP_FAILED)
        return -1;
    queue = page;
    atomic_init(queue, 0);
    return 0;
}

static void queue_close(void)
{
    if (queue)
        munmap((void *)queue, sizeof *queue);
    queue = NULL;
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

/* Parent loop: poll the result pipes and the progress pipe until every result pipe hit EOF. */
static void gather(int n, int *fds, int progress_fd, proc_tick_fn tick, void *ud, buf *outs)
{
    struct pollfd pfd[PROC_MAX + 1];
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
                    close(fds[k]);
                    fds[k] = -1;
                    open--;
                }
        }
    }
}

int proc_parallel(int n, long items, proc_work_fn work, proc_tick_fn tick, void *ud,
                  proc_result *results, char err[PROC_ERRLEN])
{
    int fds[PROC_MAX], prog[2] = {-1, -1}, started = 0, rc = -1;
    pid_t pids[PROC_MAX];
    buf outs[PROC_MAX];

    if (n < 1 || n > PROC_MAX) {
        snprintf(err, PROC_ERRLEN, "число процессов должно быть от 1 до %d", PROC_MAX);
        return -1;
    }
    fflush(stdout);
    fflush(stderr);
    if (queue_open(items) != 0) {
        snprintf(err, PROC_ERRLEN, "не удалось создать очередь работ: %s", strerror(errno));
        return -1;
    }
    if (pipe(prog) != 0) {
        snprintf(err, PROC_ERRLEN, "не удалось создать канал: %s", strerror(errno));
        queue_close();
        return -1;
    }
    pid_t parent = getpid();
    for (; started < n; started++) {
        int p[2];
        if (pipe(p) != 0)
            break;
        pid_t pid = fork();
        if (pid < 0) {
            close(p[0]);
            close(p[1]);
            break;
        }
        if (pid == 0) {
            /* a worker must not outlive a killed batch (cron, kill -9): it would go on
             * writing into a directory somebody else may already be using */
            prctl(PR_SET_PDEATHSIG, SIGKILL);
            if (getppid() != parent)          /* it died before prctl took effect */
                _exit(128 + SIGKILL);
            close(p[0]);
            close(prog[0]);
            for (int j = 0; j < started; j++)
                close(fds[j]);
            run_child(started, p[1], prog[1], work, ud);
        }
        close(p[1]);
        fds[started] = p[0];
        pids[started] = pid;
        outs[started] = (buf)BUF_INIT;
    }
    close(prog[1]);
    if (started < n) {
        snprintf(err, PROC_ERRLEN, "не удалось запустить процесс: %s", strerror(errno));
        for (int k = 0; k < started; k++)
            kill(pids[k], SIGTERM);
    }
    gather(started, fds, prog[0], started < n ? NULL : tick, ud, outs);
    close(prog[0]);
    for (int k = 0; k < started; k++) {
        int st = 0;
        while (waitpid(pids[k], &st, 0) < 0 && errno == EINTR)
            ;
        results[k].status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
        results[k].len = outs[k].len;
        results[k].out = buf_take(&outs[k]);
    }
    queue_close();
    if (started == n)
        rc = 0;
    else
        for (int k = 0; k < started; k++)
            free(results[k].out);
    return rc;
}
