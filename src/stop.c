/* stop — a run asked to stop by a signal; see stop.h. */
#include "stop.h"

#include <signal.h>
#include <stdio.h>
#include <unistd.h>

static const int stop_signals[] = {SIGINT, SIGTERM, SIGHUP};
#define N_STOP_SIGNALS (int)(sizeof stop_signals / sizeof stop_signals[0])

static volatile sig_atomic_t requested;
static int caught[N_STOP_SIGNALS];   /* which of stop_signals have our handler */
static pid_t catcher;                /* the process that installed them: only it speaks */
static int on_tty;                   /* stderr is a terminal: a progress bar may be mid-line */

/* Only async-signal-safe calls here (sigaction, getpid, write). */
static void on_stop(int sig)
{
    if (requested)
        return;
    requested = sig;
    struct sigaction dfl = {.sa_handler = SIG_DFL};
    sigemptyset(&dfl.sa_mask);
    for (int i = 0; i < N_STOP_SIGNALS; i++)
        if (caught[i])
            sigaction(stop_signals[i], &dfl, NULL);
    /* workers get Ctrl-C too (the terminal signals the whole group): one line, the parent's */
    static const char msg[] = "otchet: получен сигнал остановки — строящиеся документы прерываются, "
                              "построенные записываются; повторный сигнал прервёт сразу\n";
    if (getpid() != catcher)
        return;
    if ((on_tty && write(2, "\n", 1) < 0) || write(2, msg, sizeof msg - 1) < 0) {
        /* nothing more can be done */
    }
}

void stop_catch(void)
{
    if (catcher)
        return;
    catcher = getpid();
    on_tty = isatty(2);
    struct sigaction sa = {.sa_handler = on_stop, .sa_flags = SA_RESTART};
    sigemptyset(&sa.sa_mask);
    for (int i = 0; i < N_STOP_SIGNALS; i++)   /* one handler at a time: the first one decides */
        sigaddset(&sa.sa_mask, stop_signals[i]);
    for (int i = 0; i < N_STOP_SIGNALS; i++) {
        struct sigaction was;
        if (sigaction(stop_signals[i], NULL, &was) != 0 || was.sa_handler == SIG_IGN)
            continue;
        caught[i] = sigaction(stop_signals[i], &sa, NULL) == 0;
    }
}

int stop_requested(void)
{
    return requested;
}

const char *stop_signal_name(int sig)
{
    switch (sig) {
    case SIGINT: return "SIGINT";
    case SIGTERM: return "SIGTERM";
    case SIGHUP: return "SIGHUP";
    default: return "?";
    }
}

void stop_exit(void)
{
    int sig = requested;
    if (!sig)
        return;
    fflush(stdout);
    fflush(stderr);
    signal(sig, SIG_DFL);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, sig);
    sigprocmask(SIG_UNBLOCK, &set, NULL);
    raise(sig);
}
