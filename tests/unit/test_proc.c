/* Tests of proc: every worker runs once with its own index, outputs and exit codes come back
 * in order, progress ticks are all counted, a killed worker is reported by its signal, the
 * queue hands each item to exactly one worker. */
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
        cmocka_unit_test(test_bad_count),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
