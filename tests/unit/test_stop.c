/* stop: the first stop signal is only noted, and said once by the process that caught it; a
 * second one ends the process by its default action; a signal ignored at start stays ignored;
 * stop_exit ends the process by the signal that asked it to stop, and returns when none did;
 * a forked worker inherits the handlers and says nothing. Each case runs in a child process:
 * handlers and the noted signal are per process and cannot be undone. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "stop.h"

static char errpath[64];   /* what the child wrote to stderr */

/* Runs body in a child whose stderr goes to errpath; returns its wait status. */
static int in_child(int (*body)(void))
{
    snprintf(errpath, sizeof errpath, "/tmp/otchet-stop-XXXXXX");
    int fd = mkstemp(errpath);
    assert_true(fd >= 0);
    fflush(stderr);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        dup2(fd, 2);
        _exit(body());
    }
    close(fd);
    int st = 0;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    return st;
}

/* The text of errpath (removed); the caller frees it. */
static char *child_stderr(void)
{
    FILE *f = fopen(errpath, "r");
    assert_non_null(f);
    char *text = calloc(1, 4096);
    assert_non_null(text);
    size_t n = fread(text, 1, 4095, f);
    text[n] = '\0';
    fclose(f);
    unlink(errpath);
    return text;
}

static int first_noted_then_second_ends(void)
{
    stop_catch();
    raise(SIGTERM);
    if (stop_requested() != SIGTERM)
        return 1;
    raise(SIGINT);   /* any of the three: the first decided */
    return 2;
}

static void test_first_signal_noted_second_ends(void **state)
{
    (void)state;
    int st = in_child(first_noted_then_second_ends);
    assert_true(WIFSIGNALED(st));
    assert_int_equal(WTERMSIG(st), SIGINT);
    char *said = child_stderr();
    assert_non_null(strstr(said, "otchet: получен сигнал остановки"));
    assert_null(strstr(strstr(said, "остановки") + 1, "получен сигнал"));   /* once */
    free(said);
}

static int ignored_stays_ignored(void)
{
    signal(SIGHUP, SIG_IGN);   /* as nohup leaves it */
    stop_catch();
    raise(SIGHUP);
    if (stop_requested() != 0)
        return 1;
    raise(SIGTERM);            /* the others are still caught */
    return stop_requested() == SIGTERM ? 0 : 2;
}

static void test_ignored_signal_stays_ignored(void **state)
{
    (void)state;
    int st = in_child(ignored_stays_ignored);
    assert_true(WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 0);
    free(child_stderr());
}

static int stopped_then_exit(void)
{
    stop_catch();
    raise(SIGHUP);
    stop_exit();
    return 3;
}

static int not_stopped_then_exit(void)
{
    stop_catch();
    stop_exit();
    return stop_requested() == 0 ? 7 : 1;
}

static void test_stop_exit_ends_by_the_signal(void **state)
{
    (void)state;
    int st = in_child(stopped_then_exit);
    assert_true(WIFSIGNALED(st));
    assert_int_equal(WTERMSIG(st), SIGHUP);
    free(child_stderr());
    st = in_child(not_stopped_then_exit);
    assert_true(WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 7);
    free(child_stderr());
}

/* A worker forked after stop_catch: it notes its own signal and says nothing. */
static int worker_inherits(void)
{
    stop_catch();
    pid_t pid = fork();
    if (pid == 0) {
        raise(SIGTERM);
        _exit(stop_requested() == SIGTERM ? 0 : 1);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
        return 1;
    return stop_requested() == 0 ? 0 : 2;   /* the parent was not asked */
}

static void test_worker_inherits_the_handlers(void **state)
{
    (void)state;
    int st = in_child(worker_inherits);
    assert_true(WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 0);
    char *said = child_stderr();
    assert_string_equal(said, "");
    free(said);
}

static void test_signal_names(void **state)
{
    (void)state;
    assert_string_equal(stop_signal_name(SIGINT), "SIGINT");
    assert_string_equal(stop_signal_name(SIGTERM), "SIGTERM");
    assert_string_equal(stop_signal_name(SIGHUP), "SIGHUP");
    assert_string_equal(stop_signal_name(SIGUSR1), "?");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_first_signal_noted_second_ends),
        cmocka_unit_test(test_ignored_signal_stays_ignored),
        cmocka_unit_test(test_stop_exit_ends_by_the_signal),
        cmocka_unit_test(test_worker_inherits_the_handlers),
        cmocka_unit_test(test_signal_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
