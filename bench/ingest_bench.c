/* ingest_bench — CSV ingest speed of the loader alone on one core: every *.csv of a dataset
 * folder read, decoded, parsed and loaded into typed columns by src/csvfile.c + src/load.c +
 * src/table.c, exactly as `otchet check` does before validation (the column types mirror
 * lua/schema.lua for the canonical headers bench/gen_dataset writes). Prints the median of RUNS
 * passes: "bytes=B seconds=S wall=W rows=R", seconds being CPU time of this (single-threaded)
 * process, so a machine shared with other work still gives MB/s per core.
 * Usage: ingest_bench DATASET_DIR [RUNS]
 * Uses csvfile, load, table, diag. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "load.h"

static const char *const int_cols[] = {
    "year", "grade", "participants", "m2", "m3", "m4", "m5", "below_min", "high_score", "lowered",
    "confirmed", "raised", "students", "teachers", "students_ovz", "mark", NULL};
static const char *const num_cols[] = {"mean_score", "score", "numerator", "denominator",
                                       "min_score", NULL};

static int in(const char *const *list, const char *s)
{
    for (; *list; list++)
        if (strcmp(*list, s) == 0)
            return 1;
    return 0;
}

static double now_s(clockid_t clk)
{
    struct timespec t;
    clock_gettime(clk, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Loads one file; adds its rows to *rows. Returns 0 or -1 (message printed). */
static int ingest(const char *path, size_t *rows)
{
    cf_file f;
    char **hdr = NULL;
    int nh = 0, rc = -1;
    diag_list diags = {0};
    tbl *t = NULL;
    if (cf_open(&f, path, (size_t)4 << 30) != 0 || load_header(&f, &hdr, &nh) != 0) {
        fprintf(stderr, "ingest_bench: %s: %s\n", path, f.err);
        goto done;
    }
    load_colspec *spec = calloc((size_t)nh, sizeof *spec);
    int value_is_num = strstr(path, "measures.csv") != NULL;
    for (int i = 0; i < nh; i++) {
        const char *n = hdr[i];
        spec[i] = (load_colspec){.field = i, .name = n, .label = n, .type = TBL_STR};
        if (in(int_cols, n))
            spec[i].type = TBL_INT;
        else if (in(num_cols, n) || (value_is_num && strcmp(n, "value") == 0))
            spec[i].type = TBL_NUM;
    }
    if (load_table(&f, spec, nh, nh, &t, &diags) == 0 && diags.errors == 0) {
        *rows += t->nrows;
        rc = 0;
    } else {
        fprintf(stderr, "ingest_bench: %s: %zu errors\n", path, diags.errors);
    }
    free(spec);
done:
    tbl_free(t);
    diag_free(&diags);
    load_free_header(hdr, nh);
    cf_close(&f);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: ingest_bench DATASET_DIR [RUNS]\n");
        return 2;
    }
    int runs = argc > 2 ? atoi(argv[2]) : 3;
    char paths[32][4096];
    int np = 0;
    size_t bytes = 0, rows = 0;
    DIR *d = opendir(argv[1]);
    struct dirent *e;
    while (d && (e = readdir(d)) && np < 32) {
        size_t n = strlen(e->d_name);
        if (n > 4 && strcmp(e->d_name + n - 4, ".csv") == 0) {
            struct stat st;
            snprintf(paths[np], sizeof paths[np], "%s/%s", argv[1], e->d_name);
            if (stat(paths[np], &st) == 0)
                bytes += (size_t)st.st_size;
            np++;
        }
    }
    if (d)
        closedir(d);
    if (runs < 1)
        runs = 1;
    double *t = malloc((size_t)runs * sizeof *t), *w = malloc((size_t)runs * sizeof *w);
    for (int r = 0; r < runs; r++) {
        double a = now_s(CLOCK_PROCESS_CPUTIME_ID), aw = now_s(CLOCK_MONOTONIC);
        rows = 0;
        for (int i = 0; i < np; i++)
            if (ingest(paths[i], &rows) != 0)
                return 1;
        t[r] = now_s(CLOCK_PROCESS_CPUTIME_ID) - a;
        w[r] = now_s(CLOCK_MONOTONIC) - aw;
    }
    qsort(t, (size_t)runs, sizeof *t, cmp);
    qsort(w, (size_t)runs, sizeof *w, cmp);
    printf("bytes=%zu seconds=%.6f wall=%.6f rows=%zu\n", bytes, t[runs / 2], w[runs / 2], rows);
    free(t);
    free(w);
    return 0;
}
