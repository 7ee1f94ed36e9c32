/* Tests of proc: every worker runs once with its own index, outputs and exit codes come back
 * in order, progress ticks are all counted, a killed worker is reported by its signal, the
 * queue hands each item to exactly one worker, the gate waits for its gatekeeper. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "proc.h"

static int work_echo(void *ud, int k, int progress_fd, buf *out)
{
    (void)ud;
    for (int i = 0; i <= k; i++)
        proc_tick(progress_fd);
    buf_printf(out, "worker %d", k);
    if (k == 2)
        raise(SIGKILL);
    return k == 1 ? 3 : 0;
}

static void count_ticks(void *ud, long total) { *(long *)ud = total; }

static void test_parallel_results_in_order(void **state)
{
    (void)state;
    proc_result r[4];
    char err[PROC_ERRLEN];
    long ticks = 0;
    assert_int_equal(proc_parallel(4, 0, work_echo, count_ticks, &ticks, r, err), 0);
    assert_string_equal(r[0].out, "worker 0");
    assert_int_equal(r[0].status, 0);
    assert_string_equal(r[1].out, "worker 1");
    assert_int_equal(r[1].status, 3);
    assert_int_equal(r[2].status, 128 + SIGKILL);  /* killed before writing its output */
    assert_int_equal(r[2].len, 0);
    assert_string_equal(r[3].out, "worker 3");
    assert_int_equal(ticks, 1 + 2 + 3 + 4);
    for (int k = 0; k < 4; k++)
        free(r[k].out);
}

static int work_big(void *ud, int k, int progress_fd, buf *out)
{
    (void)ud, (void)progress_fd;
    for (int i = 0; i < 200000; i++)  /* more than a pipe buffer: the parent must drain */
        buf_putc(out, (char)('a' + k));
    return 0;
}

static void test_large_outputs(void **state)
{
    (void)state;
    proc_result r[2];
    char err[PROC_ERRLEN];
    assert_int_equal(proc_parallel(2, 0, work_big, NULL, NULL, r, err), 0);
    assert_int_equal(r[0].len, 200000);
    assert_int_equal(r[1].len, 200000);
    assert_int_equal(r[1].out[199999], 'b');
    free(r[0].out);
    free(r[1].out);
}

/* Claims items until the queue is empty, each taking longer for worker 0: its output lists
 * the item numbers it took, one per line. */
static int work_claim(void *ud, int k, int progress_fd, buf *out)
{
    (void)ud;
    (void)progress_fd;
    for (long i; (i = proc_claim()) >= 0;) {
        buf_printf(out, "%ld\n", i);
        usleep(k == 0 ? 3000 : 200);   /* worker 0 is slow: the others take more of the queue */
    }
    return 0;
}

static void test_queue_hands_out_each_item_once(void **state)
{
    (void)state;
    enum { ITEMS = 300 };
    proc_result r[3];
    char err[PROC_ERRLEN];
    assert_int_equal(proc_parallel(3, ITEMS, work_claim, NULL, NULL, r, err), 0);
    int seen[ITEMS] = {0}, taken[3] = {0};
    for (int k = 0; k < 3; k++) {
        for (char *s = r[k].out; s && *s; s = strchr(s, '\n') + 1) {
            long i = strtol(s, NULL, 10);
            assert_in_range(i, 0, ITEMS - 1);
            seen[i]++;
            taken[k]++;
        }
        free(r[k].out);
    }
    for (int i = 0; i < ITEMS; i++)
        assert_int_equal(seen[i], 1);
    assert_true(taken[0] < ITEMS / 3);             /* the slow worker took fewer */
    assert_int_equal(proc_claim(), -1);          /* no queue outside a batch */
}

/* The gatekeeper: *(int *)ud says how it leaves (1 opens the gate after a while, 0 shuts it,
 * -1 exits without deciding, -2 is killed). */
static int work_keeper(void *ud, int k, int progress_fd, buf *out)
{
    (void)progress_fd;
    int how = *(int *)ud;
    usleep(20000);
    if (how == -2)
        raise(SIGKILL);
    if (how >= 0) {
        proc_gate_decide(how);
        proc_gate_decide(!how);   /* a decided gate stays as it is */
    }
    buf_printf(out, "keeper %d", k);
    return how == -1 ? 1 : 0;
}

/* The workers note the gate before and after waiting for it: "P-O" = pending, then open (on a
 * slow machine a worker may start after the decision: then it sees the decided gate at once,
 * "O-O"). */
static int work_gated(void *ud, int k, int progress_fd, buf *out)
{
    (void)ud, (void)k, (void)progress_fd;
    static const char name[] = "?POS";
    buf_printf(out, "%c-", name[proc_gate() + 1]);
    buf_printf(out, "%c", name[proc_gate_wait() + 1]);
    return 0;
}

/* Starts the gatekeeper, then two workers; the gatekeeper's result comes third. */
static void run_gated(int how, char expect)
{
    proc_result r[3];
    char err[PROC_ERRLEN];
    assert_int_equal(proc_gatekeeper(work_keeper, &how, err), 0);
    assert_true(proc_gatekeeper_started());
    assert_int_equal(proc_parallel(2, 0, work_gated, NULL, NULL, r, err), 0);
    assert_false(proc_gatekeeper_started());
    for (int k = 0; k < 2; k++) {
        assert_int_equal(r[k].len, 3);
        assert_true(r[k].out[0] == 'P' || r[k].out[0] == expect);
        assert_int_equal(r[k].out[2], expect);
    }
    if (how >= 0)
        assert_string_equal(r[2].out, "keeper -1");
    assert_int_equal(r[2].status, how == -1 ? 1 : how == -2 ? 128 + SIGKILL : 0);
    for (int k = 0; k < 3; k++)
        free(r[k].out);
}

static void test_gate(void **state)
{
    (void)state;
    run_gated(1, 'O');
    run_gated(0, 'S');
    run_gated(-1, 'S');     /* left undecided: the parent shuts it */
    run_gated(-2, 'S');     /* killed: the same */
    assert_int_equal(proc_gate(), PROC_GATE_OPEN);   /* outside a batch */
}

/* Without a gatekeeper the gate is open from the start. */
static int work_ungated(void *ud, int k, int progress_fd, buf *out)
{
    (void)ud, (void)k, (void)progress_fd;
    buf_printf(out, "%d", proc_gate() == PROC_GATE_OPEN && proc_gate_wait() == PROC_GATE_OPEN);
    return 0;
}

static void test_no_gate_is_open(void **state)
{
    (void)state;
    proc_result r[2];
    char err[PROC_ERRLEN];
    assert_int_equal(proc_parallel(2, 5, work_ungated, NULL, NULL, r, err), 0);
    assert_string_equal(r[0].out, "1");
    assert_string_equal(r[1].out, "1");
    free(r[0].out);
    free(r[1].out);
}

static void test_bad_count(void **state)
{
    (void)state;
    proc_result r[1];
    char err[PROC_ERRLEN];
    assert_int_equal(proc_parallel(0, 0, work_big, NULL, NULL, r, err), -1);
    assert_string_equal(err, "число процессов должно быть от 1 до 256");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parallel_results_in_order),
        cmocka_unit_test(test_large_outputs),
        cmocka_unit_test(test_queue_hands_out_each_item_once),
        cmocka_unit_test(test_gate),
        cmocka_unit_test(test_no_gate_is_open),
        cmocka_unit_test(test_bad_count),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
