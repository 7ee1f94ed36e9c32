/* Tests of the loader's fast paths (issue 6), each against the slow path it shortcuts:
 * quote-free lines split without libcsv give the records libcsv gives; the string dictionary
 * and the key index (hash tags in slots, last-value cache, batched lookups) give the codes,
 * duplicates and groups a plain map gives; the UTF-8 check with its ASCII and two-byte shortcuts
 * agrees with decoding every sequence; plain decimals parse to strtod's bits. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "csvfile.h"
#include "load.h"
#include "table.h"
#include "text.h"

static char dir[] = "/tmp/otchet_test_fast_XXXXXX";
static uint64_t seed = 0x9e3779b97f4a7c15ull;

static unsigned rnd(unsigned n)
{
    seed ^= seed << 13;
    seed ^= seed >> 7;
    seed ^= seed << 17;
    return (unsigned)(seed % n);
}

/* ---- records: every record as "line|f1|f2|…\n" ---- */

typedef struct rec_acc {
    buf out;
    int drop_last;   /* leave out the last field (the "" that forced libcsv) */
} rec_acc;

static int take(void *ud, int line, int nfields, char **fields, size_t *lens)
{
    rec_acc *a = ud;
    buf_printf(&a->out, "%d", line);
    for (int i = 0; i < nfields - a->drop_last; i++) {
        assert_int_equal(strlen(fields[i]), lens[i]);   /* NUL-terminated at its length */
        buf_putc(&a->out, '|');
        buf_append(&a->out, fields[i], lens[i]);
    }
    buf_putc(&a->out, '\n');
    return 0;
}

static char *records(const char *text, size_t len, int drop_last, int *rc)
{
    char path[256];
    snprintf(path, sizeof path, "%s/r.csv", dir);
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(text, 1, len, fp), len);
    fclose(fp);
    cf_file f;
    assert_int_equal(cf_open(&f, path, 1 << 24), 0);
    rec_acc a = {BUF_INIT, drop_last};
    *rc = cf_parse(&f, take, &a);
    cf_close(&f);
    return a.out.data ? buf_take(&a.out) : strdup("");
}

/* Random quote-free lines (spaces around and inside fields, empty fields, blank and space-only
 * lines, LF / CRLF / CR files, no final line end) parsed as they are (fast path) and with
 * ',""' before each line end, which sends every line through libcsv: the same records. */
static void test_fast_lines_match_libcsv(void **state)
{
    (void)state;
    static const char *const delims = ",;\t";
    static const char *const bits[] = {"a", "я", " ", "  ", "1", "Ё", "\t", "x y", ""};
    static const char *const ends[] = {"\n", "\r\n", "\r"};
    for (int round = 0; round < 300; round++) {
        char d = delims[round % 3];
        const char *eol = ends[rnd(3)];   /* one style per file, as Excel writes them */
        buf a = BUF_INIT, b = BUF_INIT;
        int nlines = 1 + (int)rnd(12);
        for (int l = 0; l < nlines; l++) {
            int nf = l == 0 ? 3 : (int)rnd(6);
            for (int k = 0; k < nf; k++) {
                int nb = (int)rnd(4);
                for (int j = 0; j < nb; j++) {
                    const char *bit = bits[rnd(9)];
                    if (!(d == '\t' && bit[0] == '\t')) {
                        buf_puts(&a, bit);
                        buf_puts(&b, bit);
                    }
                }
                if (k + 1 < nf) {
                    buf_putc(&a, d);
                    buf_putc(&b, d);
                }
            }
            if (l == 0) {   /* the header fixes the delimiter for the sniffer */
                buf_reset(&a);
                buf_reset(&b);
                buf_printf(&a, "h1%ch2%ch3", d, d);
                buf_printf(&b, "h1%ch2%ch3", d, d);
            }
            buf_putc(&b, d);
            buf_puts(&b, "\"\"");
            const char *end = l + 1 == nlines && rnd(2) ? "" : eol;
            buf_puts(&a, end);
            buf_puts(&b, end);
        }
        int rca, rcb;
        char *ra = records(a.data, a.len, 0, &rca), *rb = records(b.data, b.len, 1, &rcb);
        assert_int_equal(rca, 0);
        assert_int_equal(rcb, 0);
        assert_string_equal(ra, rb);
        free(ra);
        free(rb);
        buf_free(&a);
        buf_free(&b);
    }
}

/* Fast and libcsv lines mixed: a quoted field spanning lines, then plain lines; line numbers
 * are physical lines; spaces are trimmed only outside quotes. */
static void test_mixed_quoted_and_plain(void **state)
{
    (void)state;
    const char text[] = "a,b\r\n \"x\r\ny\" , 2 \r\n3 , 4\r\n\r\n  \r\n\" q \",5\r\n6,7";
    int rc;
    char *r = records(text, sizeof text - 1, 0, &rc);
    assert_int_equal(rc, 0);
    assert_string_equal(r, "1|a|b\n2|x\r\ny|2\n4|3|4\n7| q |5\n8|6|7\n");
    free(r);
}

/* More than CF_MAX_FIELDS fields on a quote-free line: the same error as through libcsv. */
static void test_fast_too_many_fields(void **state)
{
    (void)state;
    buf b = BUF_INIT;
    buf_puts(&b, "a,b\n1,2\n");
    for (int i = 0; i <= CF_MAX_FIELDS; i++)
        buf_puts(&b, "x,");
    buf_puts(&b, "\n");
    char path[256];
    snprintf(path, sizeof path, "%s/wide.csv", dir);
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    fwrite(b.data, 1, b.len, fp);
    fclose(fp);
    buf_free(&b);
    cf_file f;
    assert_int_equal(cf_open(&f, path, 1 << 20), 0);
    rec_acc a = {BUF_INIT, 0};
    assert_int_equal(cf_parse(&f, take, &a), -1);
    assert_string_equal(a.out.data, "1|a|b\n2|1|2\n");
    assert_int_equal(f.err_line, 3);
    assert_string_equal(f.err, "в строке больше 2000 полей");
    buf_free(&a.out);
    cf_close(&f);
}

/* ---- dictionary and key index ---- */

static void test_dictionary_codes(void **state)
{
    (void)state;
    enum { N = 60000, DISTINCT = 20000 };
    tbl *t = tbl_new();
    assert_int_equal(tbl_add_col(t, "s", TBL_STR), 0);
    char s[64];
    int32_t *first = malloc(DISTINCT * sizeof *first);
    for (int i = 0; i < DISTINCT; i++)
        first[i] = -1;
    int32_t next = 0;
    for (int r = 0; r < N; r++) {
        /* runs of repeats (the last-value cache), then scattered values, lengths 0..40 */
        int v = r % 5 ? (int)rnd(DISTINCT) : r / 5 % DISTINCT;
        int len = snprintf(s, sizeof s, "%.*s%d", v % 30, "PPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPP", v);
        if (v == 7)
            len = 0;
        assert_int_equal(tbl_add_row(t, r + 2), r);
        tbl_set_str(t, (size_t)r, 0, s, (size_t)len);
        int32_t code = tbl_code(t, (size_t)r, 0);
        if (first[v] < 0)
            first[v] = next++;
        assert_int_equal(code, first[v]);   /* dense codes in order of first appearance */
        size_t got;
        const char *back = tbl_code_str(t, 0, code, &got);
        assert_int_equal(got, (size_t)len);
        assert_memory_equal(back, s, got);
        assert_int_equal(tbl_find_code(t, 0, s, (size_t)len), code);
    }
    assert_int_equal(tbl_ncodes(t, 0), next);
    assert_int_equal(tbl_find_code(t, 0, "absent", 6), -1);
    /* equal length, a difference after an embedded NUL */
    assert_int_equal(tbl_add_row(t, 1), N);
    tbl_set_str(t, N, 0, "a\0b", 3);
    assert_int_equal(tbl_add_row(t, 1), N + 1);
    tbl_set_str(t, N + 1, 0, "a\0c", 3);
    assert_int_not_equal(tbl_code(t, N, 0), tbl_code(t, N + 1, 0));
    assert_int_equal(tbl_find_code(t, 0, "a\0c", 3), tbl_code(t, N + 1, 0));
    free(first);
    tbl_free(t);
}

static void test_duplicates_and_groups(void **state)
{
    (void)state;
    enum { N = 50000, KEYS = 37003 };
    tbl *t = tbl_new();
    int ck = tbl_add_col(t, "k", TBL_INT), cs = tbl_add_col(t, "s", TBL_STR);
    int cv = tbl_add_col(t, "v", TBL_NUM);
    char s[16];
    for (int r = 0; r < N; r++) {
        int k = r % KEYS;
        tbl_add_row(t, r + 2);
        tbl_set_int(t, (size_t)r, ck, k / 3);
        snprintf(s, sizeof s, "s%d", k % 3);
        tbl_set_str(t, (size_t)r, cs, s, strlen(s));
        if (r % 2)
            tbl_set_num(t, (size_t)r, cv, 1.5);
    }
    int keys[] = {ck, cs};
    size_t *dup, *orig;
    long n = tbl_duplicates(t, keys, 2, &dup, &orig);
    assert_int_equal(n, N - KEYS);
    for (long i = 0; i < n; i++) {
        assert_int_equal(dup[i], KEYS + (size_t)i);   /* in row order */
        assert_int_equal(orig[i], (size_t)i);         /* the first row with that key */
    }
    free(dup);
    free(orig);
    tbl_sums gs;
    int vals[] = {cv};
    assert_int_equal(tbl_group_sum(t, keys, 2, vals, 1, -1, NULL, 0, &gs), 0);
    assert_int_equal(gs.ngroups, KEYS);
    assert_null(gs.wsums);
    for (size_t g = 0; g < gs.ngroups; g++) {
        assert_int_equal(gs.first_row[g], g);
        size_t want_rows = g < N - KEYS ? 2 : 1, odd = (g % 2) + (g < N - KEYS ? (g + KEYS) % 2 : 0);
        assert_int_equal(gs.rows[g], want_rows);
        assert_int_equal(gs.counts[g], odd);
        assert_true(gs.sums[g] == 1.5 * (double)odd);
    }
    tbl_sums_free(&gs);
    tbl_free(t);
}

/* ---- UTF-8 check and decimals ---- */

static size_t check_by_decoding(const char *s, size_t n, int *multi)
{
    const unsigned char *u = (const unsigned char *)s;
    *multi = 0;
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        int len = txt_utf8_decode(u + i, n - i, &cp);
        if (len == 0)
            return i;
        *multi |= len > 1;
        i += (size_t)len;
    }
    return n;
}

static void test_utf8_check_matches_decoding(void **state)
{
    (void)state;
    static const char *const bits[] = {"abcdefgh", "я", "Ё", "€", "😀", "\xC0\xAF", "\xC1\x81",
                                       "\xE0\x80\x80", "\xED\xA0\x80", "\xF4\x90\x80\x80", "\xD0",
                                       "\x80", "z", "\xDF\xBF", "\xC2\x80"};
    for (int round = 0; round < 5000; round++) {
        char s[256];
        size_t n = 0;
        int nb = (int)rnd(12);
        for (int j = 0; j < nb; j++) {
            const char *bit = bits[rnd(15)];
            size_t l = strlen(bit);
            memcpy(s + n, bit, l);
            n += l;
        }
        if (n && rnd(4) == 0)
            n -= 1 + rnd((unsigned)n);   /* cut inside a sequence sometimes */
        int m1, m2;
        assert_int_equal(txt_utf8_check(s, n, &m1), check_by_decoding(s, n, &m2));
        assert_int_equal(m1, m2);
        for (size_t i = 0; i < n; i++) {        /* the inline decoder of layout's loops too */
            uint32_t c1 = 0, c2 = 0;
            int l1 = txt_utf8_next((const unsigned char *)s + i, n - i, &c1);
            assert_int_equal(l1, txt_utf8_decode((const unsigned char *)s + i, n - i, &c2));
            if (l1)
                assert_int_equal(c1, c2);
        }
    }
}

static void test_plain_decimals_as_strtod(void **state)
{
    (void)state;
    for (int round = 0; round < 20000; round++) {
        char s[40], t[40];
        int intd = 1 + (int)rnd(9), fracd = (int)rnd(7), k = 0;
        if (rnd(3) == 0)
            s[k++] = '-';
        for (int i = 0; i < intd; i++)
            s[k++] = (char)('0' + rnd(10));
        if (fracd || rnd(2)) {
            s[k++] = rnd(2) ? ',' : '.';
            for (int i = 0; i < fracd; i++)
                s[k++] = (char)('0' + rnd(10));
        }
        s[k] = '\0';
        memcpy(t, s, (size_t)k + 1);
        for (char *p = t; *p; p++)
            if (*p == ',')
                *p = '.';
        double v, want = strtod(t, NULL);
        assert_null(load_parse_num(s, (size_t)k, &v));
        assert_memory_equal(&v, &want, sizeof v);
    }
    /* past 15 digits the fast path must step aside: strtod rounds once, m / 10^k would twice */
    static const char *const longs[] = {"3289218401107043.4", "5634148396.0306202",
                                        "3303614811004577.21", "182222541894.232805"};
    for (int i = 0; i < 4; i++) {
        double v, want = strtod(longs[i], NULL);
        assert_null(load_parse_num(longs[i], strlen(longs[i]), &v));
        assert_memory_equal(&v, &want, sizeof v);
    }
    double v;
    assert_string_equal(load_parse_num("1.2.3", 5, &v), "ожидается число");
    assert_string_equal(load_parse_num("-", 1, &v), "ожидается число");
    assert_null(load_parse_num("1 080,5", 7, &v));
    assert_true(v == 1080.5);
}

int main(void)
{
    assert_non_null(mkdtemp(dir));
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fast_lines_match_libcsv),
        cmocka_unit_test(test_mixed_quoted_and_plain),
        cmocka_unit_test(test_fast_too_many_fields),
        cmocka_unit_test(test_dictionary_codes),
        cmocka_unit_test(test_duplicates_and_groups),
        cmocka_unit_test(test_utf8_check_matches_decoding),
        cmocka_unit_test(test_plain_decimals_as_strtod),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        return 1;
    return rc;
}
