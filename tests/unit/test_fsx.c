/* fsx staged writes: files appear only on commit, whole; a file that cannot be put in place is
 * marked failed and leaves no temporary behind, the others still arrive; the temporaries a
 * killed process left are found by its pid, and what processes of this machine that are gone
 * left by their names; mkdirs makes what is missing and refuses a path
 * through or onto a file; spill files give each appended block's offset and read it back,
 * and a read past their end fails naming the file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fsx.h"

static char dir[64];

static int make_dir(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/otchet-fsx-XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int remove_dir(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static char *path_of(const char *name)
{
    static char p[4][256];
    static int k;
    k = (k + 1) % 4;
    snprintf(p[k], sizeof p[k], "%s/%s", dir, name);
    return p[k];
}

/* Entries of the test directory whose name contains ".tmp.". */
static int temporaries(void)
{
    int n = 0;
    DIR *d = opendir(dir);
    for (struct dirent *e; d && (e = readdir(d));)
        n += strstr(e->d_name, ".tmp.") != NULL;
    if (d)
        closedir(d);
    return n;
}

static void assert_file(const char *path, const char *text)
{
    char *data = NULL, err[FSX_ERRLEN];
    size_t len = 0;
    assert_int_equal(fsx_read_all(path, 1 << 20, &data, &len, err), 0);
    assert_int_equal(len, strlen(text));
    assert_memory_equal(data, text, len);
    free(data);
}

static void test_files_appear_on_commit(void **state)
{
    (void)state;
    fsx_batch b;
    char err[FSX_ERRLEN];
    fsx_batch_init(&b);
    assert_int_equal(fsx_stage(&b, path_of("a.pdf"), "first", 5, err), 0);
    assert_int_equal(fsx_stage(&b, path_of("b.pdf"), "second", 6, err), 0);
    assert_false(fsx_is_file(path_of("a.pdf")));      /* staged: not in place yet */
    assert_int_equal(temporaries(), 2);
    assert_int_equal(fsx_commit(&b, err), 0);
    assert_false(b.files[0].failed || b.files[1].failed);
    fsx_batch_clear(&b);
    assert_file(path_of("a.pdf"), "first");
    assert_file(path_of("b.pdf"), "second");
    assert_int_equal(temporaries(), 0);
    fsx_batch_discard(&b);
}

static void test_failed_rename_is_marked(void **state)
{
    (void)state;
    fsx_batch b;
    char err[FSX_ERRLEN];
    fsx_batch_init(&b);
    /* a non-empty directory where the file should go: rename cannot replace it */
    assert_int_equal(mkdir(path_of("busy"), 0777), 0);
    assert_int_equal(mkdir(path_of("busy/inside"), 0777), 0);
    assert_int_equal(fsx_stage(&b, path_of("busy"), "x", 1, err), 0);
    assert_int_equal(fsx_stage(&b, path_of("c.pdf"), "third", 5, err), 0);
    assert_int_equal(fsx_commit(&b, err), -1);
    assert_non_null(strstr(err, "busy"));
    assert_true(b.files[0].failed);
    assert_false(b.files[1].failed);
    fsx_batch_clear(&b);
    assert_file(path_of("c.pdf"), "third");
    assert_true(fsx_is_dir(path_of("busy")));
    assert_int_equal(temporaries(), 0);
    fsx_batch_discard(&b);
}

static void test_discard_removes_temporaries(void **state)
{
    (void)state;
    fsx_batch b;
    char err[FSX_ERRLEN];
    fsx_batch_init(&b);
    assert_int_equal(fsx_stage(&b, path_of("d.pdf"), "never", 5, err), 0);
    assert_int_equal(temporaries(), 1);
    fsx_batch_discard(&b);
    assert_int_equal(temporaries(), 0);
    assert_false(fsx_is_file(path_of("d.pdf")));
    /* staging into a missing directory fails at once and leaves nothing */
    assert_int_equal(fsx_stage(&b, path_of("no/such/e.pdf"), "x", 1, err), -1);
    assert_non_null(strstr(err, "e.pdf"));
    assert_int_equal(b.n, 0);
    fsx_batch_discard(&b);
}

static void touch(const char *path)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fclose(f);
}

/* path_of(name) with "@" in name standing for this machine's name in temporaries (fsx_host). */
static char *host_path(const char *name)
{
    char expanded[192];
    const char *at = strchr(name, '@');
    assert_non_null(at);
    snprintf(expanded, sizeof expanded, "%.*s%s%s", (int)(at - name), name, fsx_host(), at + 1);
    return path_of(expanded);
}

/* The temporaries a killed process left (its pid's, in subdirectories too) go; another
 * process's, another machine's, committed files and names that only look alike stay. */
static void test_remove_temps_of_a_process(void **state)
{
    (void)state;
    assert_int_equal(mkdir(path_of("sheets"), 0777), 0);
    touch(host_path("a.pdf.tmp.@.4242"));
    touch(host_path("sheets/b.pdf.tmp.@.4242"));
    touch(host_path("sheets/c.pdf.tmp.@.42424"));      /* another pid */
    touch(path_of("sheets/g.pdf.tmp.other.host.4242"));  /* another machine (its name has no '.') */
    touch(path_of("sheets/c.pdf"));
    touch(host_path("sheets/d.tmp.@.4242.pdf"));       /* not a temporary's name */
    assert_int_equal(mkdir(host_path("e.tmp.@.4242"), 0777), 0);   /* a directory: not a file */
    assert_int_equal(symlink(dir, path_of("sheets/loop")), 0);  /* not followed */
    assert_int_equal(fsx_remove_temps(dir, 4242, 3), 2);
    assert_false(fsx_is_file(host_path("a.pdf.tmp.@.4242")));
    assert_false(fsx_is_file(host_path("sheets/b.pdf.tmp.@.4242")));
    assert_true(fsx_is_file(host_path("sheets/c.pdf.tmp.@.42424")));
    assert_true(fsx_is_file(path_of("sheets/g.pdf.tmp.other.host.4242")));
    assert_true(fsx_is_file(path_of("sheets/c.pdf")));
    assert_true(fsx_is_file(host_path("sheets/d.tmp.@.4242.pdf")));
    assert_true(fsx_is_dir(host_path("e.tmp.@.4242")));
    touch(host_path("sheets/f.pdf.tmp.@.4242"));
    assert_int_equal(fsx_remove_temps(dir, 4242, 0), 0);       /* depth 0: dir itself only */
    assert_int_equal(fsx_remove_temps(path_of("no-such"), 4242, 3), 0);
}

/* A file of n bytes at path. */
static void write_bytes(const char *path, size_t n)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    for (size_t i = 0; i < n; i++)
        fputc('x', f);
    fclose(f);
}

/* A child that has exited: reaped (its pid is gone) or, with keep_zombie, not yet. */
static pid_t ended_child(int keep_zombie)
{
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0)
        _exit(0);
    siginfo_t info;
    assert_int_equal(waitid(P_PID, (id_t)pid, &info, WEXITED | (keep_zombie ? WNOWAIT : 0)), 0);
    return pid;
}

/* What processes of this machine that are gone (or zombies) left — spill files, temporaries —
 * goes, with its bytes counted; a live process's, another machine's and look-alikes stay. */
static void test_remove_orphans(void **state)
{
    (void)state;
    char name[128];
    pid_t dead = ended_child(0), zombie = ended_child(1), self = getpid();
    assert_int_equal(mkdir(path_of("sheets"), 0777), 0);
    snprintf(name, sizeof name, ".otchet-parts.@.%ld", (long)dead);
    write_bytes(host_path(name), 5);
    snprintf(name, sizeof name, "sheets/a.pdf.tmp.@.%ld", (long)zombie);
    write_bytes(host_path(name), 3);
    snprintf(name, sizeof name, ".otchet-parts.@.%ld", (long)self);
    write_bytes(host_path(name), 7);
    snprintf(name, sizeof name, "sheets/b.pdf.tmp.@.%ld", (long)self);
    write_bytes(host_path(name), 7);
    snprintf(name, sizeof name, "sheets/c.pdf.tmp.other.host.%ld", (long)dead);
    write_bytes(path_of(name), 7);
    snprintf(name, sizeof name, "x.otchet-parts.@.%ld", (long)dead);   /* not a spill file */
    write_bytes(host_path(name), 7);
    long long bytes = 0;
    assert_int_equal(fsx_remove_orphans(dir, 3, &bytes), 2);
    assert_int_equal(bytes, 8);
    snprintf(name, sizeof name, ".otchet-parts.@.%ld", (long)dead);
    assert_false(fsx_is_file(host_path(name)));
    snprintf(name, sizeof name, "sheets/a.pdf.tmp.@.%ld", (long)zombie);
    assert_false(fsx_is_file(host_path(name)));
    snprintf(name, sizeof name, ".otchet-parts.@.%ld", (long)self);
    assert_true(fsx_is_file(host_path(name)));
    snprintf(name, sizeof name, "sheets/c.pdf.tmp.other.host.%ld", (long)dead);
    assert_true(fsx_is_file(path_of(name)));
    assert_int_equal(fsx_remove_orphans(dir, 3, &bytes), 0);
    waitpid(zombie, NULL, 0);
}

/* Nested directories are made, an existing one is fine (its contents stay), and a path that
 * runs through a file or ends on one fails with the reason. */
static void test_append_and_read_back(void **state)
{
    (void)state;
    char err[FSX_ERRLEN], got[8];
    long long a = -1, b = -1, c = -1;
    const char *path = path_of(".spill");
    assert_int_equal(fsx_append(path, "первый", strlen("первый"), &a, err), 0);   /* 12 bytes */
    assert_int_equal(fsx_append(path, "", 0, &b, err), 0);
    assert_int_equal(fsx_append(path, "abc", 3, &c, err), 0);
    assert_int_equal(a, 0);
    assert_int_equal(b, 12);
    assert_int_equal(c, 12);
    assert_int_equal(fsx_read_at(path, c, got, 3, err), 0);
    assert_memory_equal(got, "abc", 3);
    assert_int_equal(fsx_read_at(path, 2, got, 4, err), 0);   /* inside the first block */
    assert_memory_equal(got, "ер", 4);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);   /* parts of other schools' sheets: ours only */
}

static void test_read_past_the_end_fails(void **state)
{
    (void)state;
    char err[FSX_ERRLEN], got[8];
    long long at;
    const char *path = path_of(".spill");
    assert_int_equal(fsx_append(path, "abc", 3, &at, err), 0);
    assert_int_equal(fsx_read_at(path, 1, got, 3, err), -1);
    assert_non_null(strstr(err, "файл короче ожидаемого"));
    assert_non_null(strstr(err, path));
    assert_int_equal(fsx_read_at(path_of("нет"), 0, got, 1, err), -1);
    assert_non_null(strstr(err, "файл или каталог не найден"));
    assert_int_equal(fsx_append(path_of("нет/такого"), "a", 1, &at, err), -1);
    assert_non_null(strstr(err, "нет/такого"));
}

static void test_mkdirs(void **state)
{
    (void)state;
    char err[FSX_ERRLEN] = "";
    assert_int_equal(fsx_mkdirs(path_of("a/b/c"), err), 0);
    assert_true(fsx_is_dir(path_of("a/b/c")));
    touch(path_of("a/b/c/kept.pdf"));
    assert_int_equal(fsx_mkdirs(path_of("a/b/c"), err), 0);
    assert_int_equal(fsx_mkdirs(path_of("a/b/d"), err), 0);
    assert_true(fsx_is_dir(path_of("a/b/d")));
    assert_true(fsx_is_file(path_of("a/b/c/kept.pdf")));
    touch(path_of("f"));
    assert_int_equal(fsx_mkdirs(path_of("f/g"), err), -1);
    assert_non_null(strstr(err, path_of("f")));
    err[0] = '\0';
    assert_int_equal(fsx_mkdirs(path_of("f"), err), -1);
    assert_non_null(strstr(err, path_of("f")));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_files_appear_on_commit, make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(test_failed_rename_is_marked, make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(test_discard_removes_temporaries, make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(test_remove_temps_of_a_process, make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(test_remove_orphans, make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(test_mkdirs, make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(test_append_and_read_back, make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(test_read_past_the_end_fails, make_dir, remove_dir),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
