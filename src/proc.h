/* proc — runs work in N child processes (fork): each child runs a callback, its result bytes
 * come back to the parent through a pipe with its exit status; children report progress by
 * writing one byte per finished item to a shared pipe, which the parent counts. The children
 * share a queue of items and a gate (whether their work may be put in place yet). Processes,
 * not threads: libharu is not thread-safe (LIBRARY-NOTES). Uses POSIX, buf and stop. No Lua. */
#ifndef OTCHET_PROC_H
#define OTCHET_PROC_H
#include <stddef.h>
#include "buf.h"

#define PROC_ERRLEN 256
#define PROC_MAX 256

typedef struct proc_result {
    int status;   /* the child's exit code, or 128 + signal number when it was killed */
    long pid;     /* the child's process id */
    char *out;    /* owned (free it): the bytes the child's work produced */
    size_t len;
} proc_result;

/* Runs in child k (0-based); appends its result to out; returns the child's exit code.
 * progress_fd: write one byte per finished item (proc_tick). */
typedef int (*proc_work_fn)(void *ud, int k, int progress_fd, buf *out);
/* Runs in the parent whenever the total of progress bytes grows. */
typedef void (*proc_tick_fn)(void *ud, long total);

/* Forks n (1..PROC_MAX) workers and waits for all. results[0..n) receive statuses and outputs.
 * With items > 0 the workers share a queue of that many items: each takes the next one with
 * proc_claim until none is left, so a worker that drew lighter items takes more of them; once
 * this process is asked to stop (stop.h), none is handed out any more.
 * When a gatekeeper was started (proc_gatekeeper), it is waited for too and its result goes to
 * results[n] (so results must then hold n + 1).
 * Returns 0, or -1 with err when processes could not be started (none is then left running). */
int proc_parallel(int n, long items, proc_work_fn work, proc_tick_fn tick, void *ud,
                  proc_result *results, char err[PROC_ERRLEN]);

/* Starts the gatekeeper of the next proc_parallel now, in a child running work(ud, -1, -1,
 * out), so that it works while this process still prepares the batch. Until it decides the
 * gate (proc_gate_decide) the batch's gate is pending: the workers may work but put nothing in
 * place; a gatekeeper that exits without deciding shuts it. Returns 0, or -1 with err (then
 * nothing was started). A gatekeeper no proc_parallel waits for is killed when this process
 * exits. */
int proc_gatekeeper(proc_work_fn work, void *ud, char err[PROC_ERRLEN]);

/* Whether a gatekeeper was started and is waiting for its proc_parallel. */
int proc_gatekeeper_started(void);

typedef enum { PROC_GATE_PENDING, PROC_GATE_OPEN, PROC_GATE_SHUT } proc_gate_state;

/* In a worker: the gate of its batch now (PROC_GATE_OPEN outside workers and without a gate). */
proc_gate_state proc_gate(void);

/* In a worker: waits until the gate is decided; returns PROC_GATE_OPEN or PROC_GATE_SHUT. */
proc_gate_state proc_gate_wait(void);

/* In the gatekeeper: opens (open != 0) or shuts the pending gate; a decided gate stays. */
void proc_gate_decide(int open);

/* In a worker: the number (0-based) of the next item of the queue, each number handed out
 * once across all workers; -1 when the queue is empty or there is none. */
long proc_claim(void);

/* In a worker: the signal that asked the parent to stop, relayed by it (a signal sent to the
 * parent alone does not reach the workers); 0 while none did, or outside a batch. */
int proc_stop_relayed(void);

/* Reports one finished item from a worker. */
void proc_tick(int progress_fd);

#endif
