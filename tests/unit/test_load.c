/* Tests of csvfile + load: dialects and encodings Russian Excel writes, typed cells, and every
 * error class with the physical line it names. Files are written to a temporary directory. */
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

static char dir[] = "/tmp/otchet_test_load_XXXXXX";

static const char *write_tmp(const char *name, const char *data, size_t len)
{
    static char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(data, 1, len, fp), len);
    fclose(fp);
    return path;
}

/* Opens, reads the header (checks its field count) and loads with the given spec. */
static tbl *load_str(const char *data, size_t len, const load_colspec *spec, int nspec,
                     int want_fields, diag_list *d, cf_file *f)
{
    const char *path = write_tmp("t.csv", data, len);
    assert_int_equal(cf_open(f, path, 1 << 20), 0);
    char **fields;
    int n;
    assert_int_equal(load_header(f, &fields, &n), 0);
    assert_int_equal(n, want_fields);
    load_free_header(fields, n);
    tbl *t = NULL;
    load_table(f, spec, nspec, n, &t, d);
    return t;
}

static const load_colspec two_cols[] = {
    {0, "name", "name", TBL_STR, 1, 0, 0, 0, 0},
    {1, "n", "n", TBL_INT, 0, 1, 0, 0, 0},
};

static void test_utf8_bom_semicolon_crlf(void **state)
{
    (void)state;
    const char data[] = "\xEF\xBB\xBFname;n\r\nШкола № 1;12\r\n\"Школа; вторая\";1 080\r\n";
    cf_file f;
    diag_list d = {0};
    tbl *t = load_str(data, sizeof data - 1, two_cols, 2, 2, &d, &f);
    assert_string_equal(f.encoding, "UTF-8 BOM");
    assert_int_equal(f.delim, ';');
    assert_int_equal(d.n, 0);
    assert_int_equal(t->nrows, 2);
    tbl_value v = tbl_get(t, 1, 0);
    assert_int_equal(v.len, strlen("Школа; вторая"));
    assert_memory_equal(v.s, "Школа; вторая", v.len);
    assert_int_equal(tbl_get(t, 1, 1).i, 1080);
    assert_int_equal(t->lines[1], 3);
    tbl_free(t);
    diag_free(&d);
    cf_close(&f);
}

static void test_cp1251_tab(void **state)
{
    (void)state;
    /* "name\tn\nШкола\t7\n" in Windows-1251 */
    const char data[] = "name\tn\n\xD8\xEA\xEE\xEB\xE0\t7\n";
    cf_file f;
    diag_list d = {0};
    tbl *t = load_str(data, sizeof data - 1, two_cols, 2, 2, &d, &f);
    assert_string_equal(f.encoding, "Windows-1251");
    assert_int_equal(f.delim, '\t');
    tbl_value v = tbl_get(t, 0, 0);
    assert_memory_equal(v.s, "Школа", v.len);
    assert_int_equal(tbl_get(t, 0, 1).i, 7);
    tbl_free(t);
    diag_free(&d);
    cf_close(&f);
}

static void test_utf16le_is_read(void **state)
{
    (void)state;
    const char data[] = "\xFF\xFEn\0a\0m\0e\0\t\0n\0\n\0\x28\x04\t\0" "5\0\n\0";
    cf_file f;
    diag_list d = {0};
    tbl *t = load_str(data, sizeof data - 1, two_cols, 2, 2, &d, &f);
    assert_string_equal(f.encoding, "UTF-16LE");
    tbl_value v = tbl_get(t, 0, 0);
    assert_memory_equal(v.s, "Ш", v.len);
    tbl_free(t);
    diag_free(&d);
    cf_close(&f);
}

static void test_multiline_field_line_numbers(void **state)
{
    (void)state;
    const char data[] = "name,n\n\"две\nстроки\",1\n\nтретья,x\n";
    cf_file f;
    diag_list d = {0};
    tbl *t = load_str(data, sizeof data - 1, two_cols, 2, 2, &d, &f);
    assert_int_equal(t->nrows, 2);
    assert_int_equal(t->lines[0], 2);
    assert_int_equal(t->lines[1], 5); /* the quoted break and the blank line both count */
    assert_int_equal(d.n, 1);
    assert_int_equal(d.items[0].line, 5);
    assert_string_equal(d.items[0].column, "n");
    assert_string_equal(d.items[0].msg, "ожидается целое число: «x»");
    tbl_free(t);
    diag_free(&d);
    cf_close(&f);
}

static void test_field_count_and_range(void **state)
{
    (void)state;
    const char data[] = "name,n\nа,1,лишнее\nб\nв,-3\nг,5,,\n";
    cf_file f;
    diag_list d = {0};
    tbl *t = load_str(data, sizeof data - 1, two_cols, 2, 2, &d, &f);
    assert_int_equal(d.n, 3);
    assert_int_equal(d.items[0].line, 2);
    assert_string_equal(d.items[0].msg, "в строке 3 поля, а в заголовке 2 (лишний разделитель или пропущенные кавычки?)");
    assert_int_equal(d.items[1].line, 3);
    assert_int_equal(d.items[2].line, 4);
    assert_string_equal(d.items[2].msg, "значение не может быть отрицательным: «-3»");
    assert_int_equal(t->nrows, 2); /* в (cell left empty) and г (trailing empty fields are fine) */
    tbl_free(t);
    diag_free(&d);
    cf_close(&f);
}

static void test_unbalanced_quote(void **state)
{
    (void)state;
    const char data[] = "name,n\nа,1\n\"б,2\nв,3\n";
    cf_file f;
    diag_list d = {0};
    tbl *t = load_str(data, sizeof data - 1, two_cols, 2, 2, &d, &f);
    assert_null(t);
    assert_int_equal(d.n, 1);
    assert_int_equal(d.items[0].line, 3);
    assert_string_equal(d.items[0].msg, "кавычка, открытая в строке 3, не закрыта до конца файла");
    diag_free(&d);
    cf_close(&f);
}

static void test_quote_inside_unquoted_field(void **state)
{
    (void)state;
    const char data[] = "name,n\nМБОУ \"Школа\",1\n";
    cf_file f;
    diag_list d = {0};
    tbl *t = load_str(data, sizeof data - 1, two_cols, 2, 2, &d, &f);
    assert_null(t);
    assert_int_equal(d.items[0].line, 2);
    assert_int_equal(d.items[0].col, 6);
    diag_free(&d);
    cf_close(&f);
}

static void open_fails(const char *data, size_t len, int line, const char *msg_start)
{
    cf_file f;
    const char *path = write_tmp("bad.csv", data, len);
    assert_int_equal(cf_open(&f, path, 1 << 20), -1);
    assert_int_equal(f.err_line, line);
    assert_true(strncmp(f.err, msg_start, strlen(msg_start)) == 0);
    cf_close(&f);
}

static void test_bad_files(void **state)
{
    (void)state;
    open_fails("name\n\xD0\x9F\xD1\n", 8, 2, "некорректная последовательность байтов UTF-8");
    open_fails("PK\x03\x04rest", 8, 0, "это книга Excel");
    open_fails("name\nab\0c\n", 10, 2, "файл содержит нулевые байты");
    cf_file f;
    assert_int_equal(cf_open(&f, "/nonexistent/x.csv", 100), -1);
    assert_string_equal(f.err, "файл или каталог не найден");
    cf_close(&f);
}

/* Defect: a "CSV (Macintosh)" file (CR-only line ends) named line 1 for every row. */
static void test_cr_only_line_numbers(void **state)
{
    (void)state;
    const char data[] = "name,n\r\xD0\xB0,1\r\xD0\xB1,x\r";
    cf_file f;
    diag_list d = {0};
    tbl *t = load_str(data, sizeof data - 1, two_cols, 2, 2, &d, &f);
    assert_int_equal(t->nrows, 2);
    assert_int_equal(t->lines[1], 3);
    assert_int_equal(d.n, 1);
    assert_int_equal(d.items[0].line, 3);
    tbl_free(t);
    diag_free(&d);
    cf_close(&f);
}

/* Defect: a one-column file saved by Excel as ';'-CSV leaves commas in values unquoted; the
 * header has no delimiter, and ',' was taken, splitting such rows in two. */
static void test_one_column_file_with_commas(void **state)
{
    (void)state;
    static const load_colspec one_col[] = {{0, "factor", "factor", TBL_STR, 1, 0, 0, 0, 0}};
    const char data[] = "factor\r\nриски, в том числе\r\nдефицит\r\n";
    cf_file f;
    diag_list d = {0};
    tbl *t = load_str(data, sizeof data - 1, one_col, 1, 1, &d, &f);
    assert_int_equal(d.n, 0);
    assert_int_equal(t->nrows, 2);
    tbl_value v = tbl_get(t, 0, 0);
    assert_int_equal(v.len, strlen("риски, в том числе"));
    assert_memory_equal(v.s, "риски, в том числе", v.len);
    tbl_free(t);
    diag_free(&d);
    cf_close(&f);
    /* a one-column comma file with quoted commas stays ',' */
    const char data2[] = "factor\n\"а, б\"\n";
    t = load_str(data2, sizeof data2 - 1, one_col, 1, 1, &d, &f);
    assert_int_equal(f.delim, ',');
    assert_int_equal(t->nrows, 1);
    tbl_free(t);
    diag_free(&d);
    cf_close(&f);
}

/* Defect: a UTF-8 line in a Windows-1251 file (or a Windows-1251 header over UTF-8 rows) was
 * decoded as Windows-1251 into mojibake and accepted. */
static void test_utf8_line_in_cp1251_file(void **state)
{
    (void)state;
    /* "Школа\n" in Windows-1251, then "Школа № 2\n" in UTF-8 */
    const char data[] = "\xD8\xEA\xEE\xEB\xE0\n\xD0\xA8\xD0\xBA\xD0\xBE\xD0\xBB\xD0\xB0 \xE2\x84\x96 2\n";
    open_fails(data, sizeof data - 1, 2, "строка в кодировке UTF-8 в файле в кодировке Windows-1251");
    /* genuine Windows-1251 with capitals before « » № stays Windows-1251 */
    const char ok[] = "name\n\xCC\xC1\xCE\xD3 \xAB\xD1\xCE\xD8\xBB \xB9 1\n";
    cf_file f;
    const char *path = write_tmp("ok.csv", ok, sizeof ok - 1);
    assert_int_equal(cf_open(&f, path, 1 << 20), 0);
    assert_string_equal(f.encoding, "Windows-1251");
    cf_close(&f);
}

/* Defects: a truncated UTF-16 file was reported with a byte offset of the UTF-16 data as
 * its column; too many fields gave the field index as the character column. */
static void test_error_positions(void **state)
{
    (void)state;
    const char data[] = "\xFF\xFEn\0\n\0a\0b";
    open_fails(data, sizeof data - 1, 2, "файл в кодировке UTF-16LE испорчен или обрезан");
    cf_file f;
    const char *path = write_tmp("ok.csv", data, sizeof data - 1);
    assert_int_equal(cf_open(&f, path, 1 << 20), -1);
    assert_int_equal(f.err_col, 2);
    cf_close(&f);

    buf b = BUF_INIT;
    buf_puts(&b, "a,b\n");
    for (int i = 0; i <= CF_MAX_FIELDS; i++)
        buf_puts(&b, "x,");
    buf_puts(&b, "\n");
    path = write_tmp("wide.csv", b.data, b.len);
    buf_free(&b);
    assert_int_equal(cf_open(&f, path, 1 << 20), 0);
    char **fields;
    int n;
    assert_int_equal(load_header(&f, &fields, &n), 0);
    load_free_header(fields, n);
    tbl *t = NULL;
    diag_list d = {0};
    static const load_colspec one[] = {{0, "a", "a", TBL_STR, 0, 0, 0, 0, 0}};
    assert_int_equal(load_table(&f, one, 1, n, &t, &d), -1);
    assert_int_equal(d.items[0].line, 2);
    assert_int_equal(d.items[0].col, 0);
    assert_string_equal(d.items[0].msg, "в строке больше 2000 полей");
    diag_free(&d);
    cf_close(&f);
}

static void test_parsers(void **state)
{
    (void)state;
    double d;
    int64_t i;
    int32_t dt;
    assert_null(load_parse_num("12,5", 4, &d));
    assert_true(d == 12.5);
    assert_null(load_parse_num("-0.25", 5, &d));
    assert_true(d == -0.25);
    assert_string_equal(load_parse_num("1.2.3", 5, &d), "ожидается число");
    assert_string_equal(load_parse_num("1e5", 3, &d), "ожидается число");
    assert_null(load_parse_int("1\xC2\xA0" "080", 6, &i));
    assert_int_equal(i, 1080);
    assert_null(load_parse_int("7,0", 3, &i));
    assert_string_equal(load_parse_int("7,5", 3, &i), "ожидается целое число");
    assert_null(load_parse_date("05.06.2023", 10, &dt));
    assert_int_equal(dt, 20230605);
    assert_null(load_parse_date("2024-02-29", 10, &dt));
    assert_string_equal(load_parse_date("29.02.2023", 10, &dt), "такой даты не существует");
    assert_string_equal(load_parse_date("31.04.2023", 10, &dt), "такой даты не существует");
    assert_non_null(load_parse_date("2023/01/01", 10, &dt));
}

int main(void)
{
    assert_non_null(mkdtemp(dir));
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_utf8_bom_semicolon_crlf),
        cmocka_unit_test(test_cp1251_tab),
        cmocka_unit_test(test_utf16le_is_read),
        cmocka_unit_test(test_multiline_field_line_numbers),
        cmocka_unit_test(test_field_count_and_range),
        cmocka_unit_test(test_unbalanced_quote),
        cmocka_unit_test(test_quote_inside_unquoted_field),
        cmocka_unit_test(test_bad_files),
        cmocka_unit_test(test_cr_only_line_numbers),
        cmocka_unit_test(test_one_column_file_with_commas),
        cmocka_unit_test(test_utf8_line_in_cp1251_file),
        cmocka_unit_test(test_error_positions),
        cmocka_unit_test(test_parsers),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        return 1;
    return rc;
}
