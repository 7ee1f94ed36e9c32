/* phase: time goes to the phase entered last; CPU time is told from waiting; off, nothing is
 * counted or written; a forked process starts from zero under its own role; names round-trip. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "phase.h"

static char path[64];

static int make_file(void **state)
{
    (void)state;
    snprintf(path, sizeof path, "/tmp/otchet-phase-XXXXXX");
    int fd = mkstemp(path);
    if (fd < 0)
        return -1;
    close(fd);
    return 0;
}

static int remove_file(void **state)
{
    (void)state;
    phase_init(NULL);
    return unlink(path);
}

static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Busy for `s` seconds of CPU time. */
static void spin(double s)
{
    volatile unsigned long x = 0;
    double until = cpu_now() + s;
    while (cpu_now() < until)
        for (int i = 0; i < 10000; i++)
            x += (unsigned long)i;
}

/* The wall and CPU seconds of `role`'s line for `phase` in the file; 0 when there is none. */
static int figures(const char *role, const char *phase, double *wall, double *cpu)
{
    FILE *f = fopen(path, "r");
    char r[32], p[32];
    long pid;
    double w, c;
    int found = 0;
    while (f && fscanf(f, "%31s %ld %31s %lf %lf", r, &pid, p, &w, &c) == 5)
        if (strcmp(r, role) == 0 && strcmp(p, phase) == 0 && pid == (long)getpid()) {
            *wall = w, *cpu = c;
            found++;
        }
    if (f)
        fclose(f);
    return found;
}

static void test_off(void **state)
{
    (void)state;
    phase_init(NULL);
    assert_false(phase_on());
    assert_int_equal(phase_enter(PHASE_LOAD), PHASE_OTHER);
    assert_int_equal(phase_enter(PHASE_FILES), PHASE_OTHER);   /* nothing was entered */
    phase_init("");
    assert_false(phase_on());
    phase_write();
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    assert_int_equal(fgetc(f), EOF);                          /* still empty */
    fclose(f);
}

static void test_counts_cpu_and_waiting(void **state)
{
    (void)state;
    phase_init(path);
    assert_true(phase_on());
    assert_int_equal(phase_enter(PHASE_LAYOUT), PHASE_OTHER);
    spin(0.03);
    assert_int_equal(phase_enter(PHASE_WAIT), PHASE_LAYOUT);
    usleep(40000);
    assert_int_equal(phase_enter(PHASE_OTHER), PHASE_WAIT);
    phase_write();
    double w = 0, c = 0;
    assert_int_equal(figures("main", "layout", &w, &c), 1);
    assert_true(c >= 0.029 && w >= c);
    assert_int_equal(figures("main", "wait", &w, &c), 1);
    assert_true(w >= 0.039 && c < 0.01);
    assert_int_equal(figures("main", "load", &w, &c), 0);    /* never entered: no line */
}

static void test_forked_starts_afresh(void **state)
{
    (void)state;
    phase_init(path);
    phase_enter(PHASE_BUILD);
    spin(0.01);
    phase_forked("worker");
    assert_int_equal(phase_enter(PHASE_FILES), PHASE_OTHER);
    spin(0.01);
    phase_write();
    double w = 0, c = 0;
    assert_int_equal(figures("worker", "build", &w, &c), 0); /* the parent's, forgotten */
    assert_int_equal(figures("worker", "files", &w, &c), 1);
    assert_true(c >= 0.009 && c < 0.5);
    assert_int_equal(figures("main", "build", &w, &c), 0);   /* one role per process */
}

static void test_names(void **state)
{
    (void)state;
    for (int p = 0; p < PHASE_COUNT; p++)
        assert_int_equal(phase_by_name(phase_name((phase_id)p)), p);
    assert_string_equal(phase_name(PHASE_BUILD), "build");
    assert_int_equal(phase_by_name("lunch"), PHASE_COUNT);
    assert_int_equal(phase_enter(PHASE_COUNT), phase_enter(PHASE_COUNT));   /* ignored */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_off, make_file, remove_file),
        cmocka_unit_test_setup_teardown(test_counts_cpu_and_waiting, make_file, remove_file),
        cmocka_unit_test_setup_teardown(test_forked_starts_afresh, make_file, remove_file),
        cmocka_unit_test_setup_teardown(test_names, make_file, remove_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
