/* stop — a run asked to stop by SIGINT, SIGTERM or SIGHUP: Ctrl-C, `timeout`, systemd or cron
 * stopping a job, a closed terminal. Killed at once, a run would leave the temporaries of the
 * files it had staged and, with volumes, its parts files (a country's: ~1 GB) in --out, and
 * no manifest of what it had already put in place. So the first such signal is only noted:
 * the runner breaks off the documents in progress (the engine asks while reports run), builds
 * no new ones, puts in place what is built and removes what it set aside. A second signal, of any of the three, ends the process at once (its default
 * action), for a user who will not wait. A signal ignored when the process started (nohup, a
 * shell's background job) stays ignored. Forked workers inherit the handlers. Uses POSIX
 * signals. No Lua. */
#ifndef OTCHET_STOP_H
#define OTCHET_STOP_H

/* Installs the handlers (once; later calls do nothing). */
void stop_catch(void);

/* The signal that asked this process to stop, or 0. */
int stop_requested(void);

/* The name of stop signal sig ("SIGINT", "SIGTERM", "SIGHUP"; "?" for another). */
const char *stop_signal_name(int sig);

/* When a stop was requested: ends the process by that signal, with its default action, so that
 * whoever started it (a shell, `timeout`, systemd) sees it stopped by the signal. Flushes stdio
 * first; atexit handlers do not run. Returns when none was requested. */
void stop_exit(void);

#endif
