/* Tests of table.c's group index (tbl_groups): rows listed by key in file order, lookups by
 * string code, integer and empty cell, and keys no row holds; of weighted group sums
 * (tbl_group_sum with a weight column); of tbl_first_rows; and of the row tests
 * (tbl_row_unbalanced, tbl_row_greater). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "table.h"

/* school (STR), year (INT) and n (NUM) of 7 rows; row 5 has no year. */
static tbl *sample(void)
{
    static const char *school[] = {"01", "02", "01", "03", "01", "02", "01"};
    static const int year[] = {2023, 2023, 2024, 2023, 0, 2023, 2023};
    tbl *t = tbl_new();
    assert_non_null(t);
    assert_int_equal(tbl_add_col(t, "school", TBL_STR), 0);
    assert_int_equal(tbl_add_col(t, "year", TBL_INT), 1);
    assert_int_equal(tbl_add_col(t, "n", TBL_NUM), 2);
    for (int r = 0; r < 7; r++) {
        assert_int_equal(tbl_add_row(t, r + 2), r);
        tbl_set_str(t, (size_t)r, 0, school[r], strlen(school[r]));
        if (year[r])
            tbl_set_int(t, (size_t)r, 1, year[r]);
        tbl_set_num(t, (size_t)r, 2, r * 0.5);
    }
    return t;
}

/* The rows of the group with this school and year, as a count and the first three. */
static size_t rows_of(const tbl_groups *g, const tbl *t, const char *school, int64_t year,
                      uint32_t first3[3])
{
    int64_t key[2] = {tbl_key_str(t, 0, school, strlen(school)), year};
    long k = tbl_groups_find(g, t, key);
    if (k < 0)
        return 0;
    size_t n;
    const uint32_t *rows = tbl_groups_rows(g, (size_t)k, &n);
    for (size_t i = 0; i < 3; i++)
        first3[i] = i < n ? rows[i] : UINT32_MAX;
    return n;
}

static void test_groups_list_rows_in_file_order(void **state)
{
    (void)state;
    tbl *t = sample();
    int keys[] = {0, 1};
    tbl_groups *g = tbl_groups_new(t, keys, 2);
    assert_non_null(g);
    /* 01/2023, 02/2023, 01/2024, 03/2023, 01/empty */
    assert_int_equal(tbl_groups_count(g), 5);
    uint32_t r[3];
    assert_int_equal(rows_of(g, t, "01", 2023, r), 2);
    assert_int_equal(r[0], 0);
    assert_int_equal(r[1], 6);
    assert_int_equal(rows_of(g, t, "02", 2023, r), 2);
    assert_int_equal(r[0], 1);
    assert_int_equal(r[1], 5);
    assert_int_equal(rows_of(g, t, "01", TBL_KEY_EMPTY, r), 1);
    assert_int_equal(r[0], 4);
    assert_int_equal(rows_of(g, t, "03", 2024, r), 0);
    tbl_groups_free(g);
    tbl_free(t);
}

static void test_groups_keys_no_row_holds(void **state)
{
    (void)state;
    tbl *t = sample();
    int keys[] = {0};
    tbl_groups *g = tbl_groups_new(t, keys, 1);
    assert_non_null(g);
    assert_int_equal(tbl_groups_count(g), 3);
    assert_int_equal(tbl_key_str(t, 0, "04", 2), TBL_KEY_NONE);
    int64_t none[1] = {TBL_KEY_NONE}, empty[1] = {TBL_KEY_EMPTY};
    assert_int_equal(tbl_groups_find(g, t, none), -1);
    assert_int_equal(tbl_groups_find(g, t, empty), -1);
    int nk;
    assert_int_equal(tbl_groups_keys(g, &nk)[0], 0);
    assert_int_equal(nk, 1);
    tbl_groups_free(g);
    tbl_free(t);
}

static void test_groups_by_number_and_limits(void **state)
{
    (void)state;
    tbl *t = sample();
    int keys[] = {2};
    tbl_groups *g = tbl_groups_new(t, keys, 1);
    assert_non_null(g);
    assert_int_equal(tbl_groups_count(g), 7);
    int64_t k[1] = {tbl_key_num(1.5)};
    long grp = tbl_groups_find(g, t, k);
    assert_true(grp >= 0);
    size_t n;
    assert_int_equal(tbl_groups_rows(g, (size_t)grp, &n)[0], 3);
    assert_int_equal(n, 1);
    k[0] = tbl_key_num(-0.0);              /* -0 and +0 are one key */
    assert_true(tbl_groups_find(g, t, k) >= 0);
    tbl_groups_free(g);
    assert_null(tbl_groups_new(t, keys, 0));
    assert_null(tbl_groups_new(t, keys, TBL_GROUP_MAXKEYS + 1));
    tbl_groups_free(NULL);
    tbl_free(t);
}

static void test_groups_of_an_empty_table(void **state)
{
    (void)state;
    tbl *t = tbl_new();
    assert_int_equal(tbl_add_col(t, "a", TBL_INT), 0);
    int keys[] = {0};
    tbl_groups *g = tbl_groups_new(t, keys, 1);
    assert_non_null(g);
    assert_int_equal(tbl_groups_count(g), 0);
    int64_t k[1] = {1};
    assert_int_equal(tbl_groups_find(g, t, k), -1);
    tbl_groups_free(g);
    tbl_free(t);
}

/* k, w (INT) and v (NUM) of 4 rows: a 10 1.5 | a - 2 | b 4 - | a 3 0.5 (- empty). Weighted
 * by w, group a: Σv = 4, Σv·w = 15 + 0 + 1.5 = 16.5, Σw where v = 13; Σw = 13 (2 cells),
 * Σw·w = 109. Group b: v absent; Σw = 4, Σw·w = 16. */
static void test_group_sum_weighted(void **state)
{
    (void)state;
    static const char *k[] = {"a", "a", "b", "a"};
    static const int w[] = {10, -1, 4, 3};
    static const double v[] = {1.5, 2, -1, 0.5};
    tbl *t = tbl_new();
    assert_int_equal(tbl_add_col(t, "k", TBL_STR), 0);
    assert_int_equal(tbl_add_col(t, "w", TBL_INT), 1);
    assert_int_equal(tbl_add_col(t, "v", TBL_NUM), 2);
    for (int r = 0; r < 4; r++) {
        assert_int_equal(tbl_add_row(t, r + 2), r);
        tbl_set_str(t, (size_t)r, 0, k[r], 1);
        if (w[r] >= 0)
            tbl_set_int(t, (size_t)r, 1, w[r]);
        if (v[r] >= 0)
            tbl_set_num(t, (size_t)r, 2, v[r]);
    }
    int keys[] = {0}, vals[] = {2, 1};
    tbl_sums s;
    assert_int_equal(tbl_group_sum(t, keys, 1, vals, 2, 1, NULL, 0, &s), 0);
    assert_int_equal(s.ngroups, 2);
    assert_int_equal(s.first_row[0], 0);
    assert_int_equal(s.rows[0], 3);
    assert_int_equal(s.first_row[1], 2);
    assert_int_equal(s.rows[1], 1);
    assert_true(s.sums[0] == 4 && s.counts[0] == 3 && s.wsums[0] == 16.5 && s.weights[0] == 13);
    assert_true(s.sums[1] == 13 && s.counts[1] == 2 && s.wsums[1] == 109 && s.weights[1] == 13);
    assert_true(s.counts[2] == 0 && s.wsums[2] == 0 && s.weights[2] == 0);
    assert_true(s.sums[3] == 4 && s.counts[3] == 1 && s.wsums[3] == 16 && s.weights[3] == 4);
    tbl_sums_free(&s);
    tbl_where only_b = {.col = 0, .i = tbl_find_code(t, 0, "b", 1)};
    assert_int_equal(tbl_group_sum(t, keys, 1, vals, 2, -1, &only_b, 1, &s), 0);
    assert_int_equal(s.ngroups, 1);
    assert_int_equal(s.first_row[0], 2);
    assert_null(s.wsums);
    assert_null(s.weights);
    tbl_sums_free(&s);
    tbl_sums_free(&s);   /* a freed result frees again as a no-op */
    tbl_free(t);
}

/* The first row of each school, of each year (an INT column) and of each n (a NUM column:
 * 0.0 is one value) over some rows in a given order; empty cells are left out. */
static void test_first_rows(void **state)
{
    (void)state;
    tbl *t = sample();
    /* schools 01 02 01 03 01 02 01, years 2023 2023 2024 2023 - 2023 2023 */
    size_t rows[] = {6, 4, 0, 1, 2, 3, 5};
    uint8_t keep[7];
    assert_int_equal(tbl_first_rows(t, rows, 7, 0, keep), 3);
    const uint8_t by_school[7] = {1, 0, 0, 1, 0, 1, 0};   /* 01 at row 6, 02 at 1, 03 at 3 */
    assert_memory_equal(keep, by_school, 7);
    assert_int_equal(tbl_first_rows(t, rows, 7, 1, keep), 2);
    const uint8_t by_year[7] = {1, 0, 0, 0, 1, 0, 0};     /* row 4 has no year */
    assert_memory_equal(keep, by_year, 7);
    assert_int_equal(tbl_first_rows(t, rows, 0, 1, keep), 0);
    tbl_set_num(t, 3, 2, -0.0);
    size_t zeros[] = {3, 0, 1};                           /* n = -0.0, 0.0, 0.5 */
    assert_int_equal(tbl_first_rows(t, zeros, 3, 2, keep), 2);
    const uint8_t by_n[3] = {1, 0, 1};
    assert_memory_equal(keep, by_n, 3);
    tbl_free(t);
}

/* n, a, b, c (all INT) of 6 rows for the row tests; 0 stands for an empty cell. */
static tbl *counts_sample(void)
{
    static const int64_t v[6][4] = {
        {10, 3, 3, 4},                      /* balanced: 3 + 3 + 4 = 10 */
        {10, 3, 3, 5},                      /* sum 11 */
        {10, 3, 0, 7},                      /* b empty: partly given, though 3 + 7 = 10 */
        {10, 0, 0, 0},                      /* no part given */
        {0, 1, 1, 1},                       /* no whole */
        {5, INT64_MAX, INT64_MAX, 7},       /* wraps around to 5, as Lua's integers do */
    };
    tbl *t = tbl_new();
    assert_non_null(t);
    const char *names[] = {"n", "a", "b", "c"};
    for (int c = 0; c < 4; c++)
        assert_int_equal(tbl_add_col(t, names[c], TBL_INT), c);
    for (int r = 0; r < 6; r++) {
        assert_int_equal(tbl_add_row(t, r + 2), r);
        for (int c = 0; c < 4; c++)
            if (v[r][c])
                tbl_set_int(t, (size_t)r, c, v[r][c]);
    }
    return t;
}

static void test_row_unbalanced(void **state)
{
    (void)state;
    tbl *t = counts_sample();
    int parts[] = {1, 2, 3};
    const int want[6] = {0, 1, 1, 0, 0, 0};
    for (size_t r = 0; r < 6; r++)
        assert_int_equal(tbl_row_unbalanced(t, r, parts, 3, 0), want[r]);
    /* a, c of row 2 alone are all given and add up to 10 */
    int ac[] = {1, 3};
    assert_int_equal(tbl_row_unbalanced(t, 2, ac, 2, 0), 0);
    tbl_free(t);
}

static void test_row_greater(void **state)
{
    (void)state;
    tbl *t = counts_sample();
    const int want[6] = {0, 0, 0, 0, 0, 1};   /* only INT64_MAX > 5; row 4 has no n */
    for (size_t r = 0; r < 6; r++)
        assert_int_equal(tbl_row_greater(t, r, 1, 0), want[r]);
    assert_int_equal(tbl_row_greater(t, 0, 0, 1), 1);   /* 10 > 3 */
    assert_int_equal(tbl_row_greater(t, 2, 2, 0), 0);   /* b empty */
    tbl_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_groups_list_rows_in_file_order),
        cmocka_unit_test(test_groups_keys_no_row_holds),
        cmocka_unit_test(test_groups_by_number_and_limits),
        cmocka_unit_test(test_groups_of_an_empty_table),
        cmocka_unit_test(test_group_sum_weighted),
        cmocka_unit_test(test_first_rows),
        cmocka_unit_test(test_row_unbalanced),
        cmocka_unit_test(test_row_greater),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
