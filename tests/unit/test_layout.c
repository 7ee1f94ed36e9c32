/* layout + grid: pagination without orphans or widows, headings kept with their text as it will
 * be placed, the signature and executor note kept with the end of the text or table before
 * them, table rows kept with the next row, captions kept with their table, a table whose header
 * repeats on every page and whose row-spanning cell continues onto the next page with
 * «(продолжение)», page numbers from page 2, headings and centred titles not hyphenated and
 * set in lines of even length, one-line bookmarks, the appendix mark's column. Checked
 * through pdftotext page by page.
 * A4 with 20 mm top and bottom margins holds exactly 52 lines of 12 pt × 1.15 (728.5 pt). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

#include "layout.h"

/* A file name of this process's own: test runs may overlap (parallel make, several checkouts). */
static const char *tmp_pdf(const char *stem)
{
    static char path[4][96];
    static int next;
    char *p = path[next++ % 4];
    snprintf(p, sizeof path[0], "/tmp/%s.%ld.pdf", stem, (long)getpid());
    return p;
}


static pdf_ctx *pdf;
static hyph *hy;

static int setup(void **state)
{
    char err[PDF_ERRLEN], herr[HYPH_ERRLEN];
    (void)state;
    pdf = pdf_open("fonts", err);
    hy = hyph_open(NULL, herr);
    return pdf && hy ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    pdf_close(pdf);
    hyph_close(hy);
    return 0;
}

static lay_doc *doc(void)
{
    lay_doc *d = lay_new(pdf, NULL);
    lay_set_size(d, 12, 1.15f);
    return d;
}

/* Renders d to this process's PDF file; returns the page count. */
static int render(lay_doc *d)
{
    unsigned char *out;
    size_t len;
    int pages;
    pdf_meta m = {"Тест", NULL, NULL, NULL, NULL, 0, 0, 0};
    int rc = lay_render(d, &m, &out, &len, &pages);
    if (rc)
        fprintf(stderr, "%s\n", lay_error(d));
    assert_int_equal(rc, 0);
    FILE *f = fopen(tmp_pdf("otchet-test-layout"), "wb");
    fwrite(out, 1, len, f);
    fclose(f);
    free(out);
    lay_free(d);
    return pages;
}

/* Output of a shell command about this process's PDF: fmt has one %s for its path. */
static const char *run(const char *fmt)
{
    static char out[1 << 16];
    char cmd[512];
    snprintf(cmd, sizeof cmd, fmt, tmp_pdf("otchet-test-layout"));
    FILE *p = popen(cmd, "r");
    size_t n = fread(out, 1, sizeof out - 1, p);
    out[n] = '\0';
    pclose(p);
    return out;
}

static const char *page_text(int page)
{
    static char txt[1 << 16];
    char cmd[256];
    snprintf(cmd, sizeof cmd, "pdftotext -f %d -l %d %s - 2>&1", page, page, tmp_pdf("otchet-test-layout"));
    FILE *p = popen(cmd, "r");
    size_t n = fread(txt, 1, sizeof txt - 1, p);
    txt[n] = '\0';
    pclose(p);
    return txt;
}

/* A paragraph of n one-word lines named prefix1 … prefixN, left aligned, no indent. */
static void lines(lay_doc *d, const char *prefix, int n)
{
    char text[4096];
    size_t o = 0;
    for (int i = 1; i <= n; i++)
        o += (size_t)snprintf(text + o, sizeof text - o, "%s%d%s", prefix, i, i < n ? "\n" : "");
    lay_para_begin(d, PARA_LEFT, 0);
    lay_run(d, 0, 0, text);
    lay_para_end(d);
}

static void test_page_capacity(void **state)
{
    (void)state;
    lay_doc *d = doc();
    lines(d, "x", 52);
    assert_int_equal(render(d), 1);
    d = doc();
    lines(d, "x", 53);
    assert_int_equal(render(d), 2);
    assert_non_null(strstr(page_text(2), "2\n"));         /* page number on page 2 */
    assert_null(strstr(page_text(1), "\n1\n"));           /* none on page 1 */
}

static void test_orphan(void **state)
{
    (void)state;
    lay_doc *d = doc();
    lines(d, "x", 51);
    lines(d, "A", 3);                        /* one line would be left alone at the bottom */
    assert_int_equal(render(d), 2);
    assert_null(strstr(page_text(1), "A1"));
    assert_non_null(strstr(page_text(2), "A1\nA2\nA3"));
}

static void test_widow(void **state)
{
    (void)state;
    lay_doc *d = doc();
    lines(d, "x", 49);
    lines(d, "B", 4);                        /* 3 fit; the 4th would be alone on page 2 */
    assert_int_equal(render(d), 2);
    assert_non_null(strstr(page_text(1), "B1\nB2\n"));
    assert_null(strstr(page_text(1), "B3"));
    assert_non_null(strstr(page_text(2), "B3\nB4"));
}

static void test_heading_kept(void **state)
{
    (void)state;
    lay_doc *d = doc();
    lines(d, "x", 49);
    lay_heading(d, 2, "Раздел");             /* room for the heading, not for 2 lines after */
    lines(d, "C", 5);
    render(d);
    assert_null(strstr(page_text(1), "Раздел"));
    assert_non_null(strstr(page_text(2), "Раздел"));
}

static void test_table_span_across_pages(void **state)
{
    (void)state;
    lay_doc *d = doc();
    grid_col cols[2] = {{GRID_MM, 40, PARA_LEFT, 0}, {GRID_REL, 1, PARA_LEFT, 0}};
    grid *g = grid_new(2, cols, 1, 10);
    grid_cell(g, "Группа", NULL);
    grid_cell(g, "Заголовок таблицы", NULL);
    grid_row_end(g, GRID_ROW_BODY);
    for (int r = 1; r <= 60; r++) {
        char t[32];
        if (r == 1) {
            grid_cellopt span = {1, 60, -1, GRID_TOP, 0, 0, 0};
            grid_cell(g, "Группа А", &span);
        }
        snprintf(t, sizeof t, "Строка %d", r);
        grid_cell(g, t, NULL);
        grid_row_end(g, GRID_ROW_BODY);
    }
    lay_table(d, g);
    assert_int_equal(render(d), 2);
    static char p1[1 << 16];
    snprintf(p1, sizeof p1, "%s", page_text(1));
    assert_non_null(strstr(p1, "Заголовок таблицы"));
    assert_non_null(strstr(p1, "Группа А"));
    assert_non_null(strstr(p1, "Строка 1\n"));
    const char *p2 = page_text(2);
    assert_non_null(strstr(p2, "Заголовок таблицы"));        /* header repeated */
    assert_non_null(strstr(p2, "Группа А (продолжение)"));   /* the span goes on, marked */
    assert_non_null(strstr(p2, "Строка 60"));
    for (int r = 1; r <= 60; r++) {                           /* no row lost */
        char t[32];
        snprintf(t, sizeof t, "Строка %d\n", r);
        assert_true(strstr(p1, t) || strstr(p2, t));
    }
}

static void test_bad_table(void **state)
{
    (void)state;
    lay_doc *d = doc();
    grid_col cols[1] = {{GRID_REL, 1, PARA_LEFT, 0}};
    grid *g = grid_new(1, cols, 0, 10);
    grid_cell(g, "a", NULL);
    grid_cell(g, "b", NULL);
    lay_table(d, g);
    unsigned char *out;
    size_t len;
    assert_int_equal(lay_render(d, NULL, &out, &len, NULL), -1);
    assert_string_equal(lay_error(d), "таблица: в строке таблицы больше ячеек, чем столбцов");
    lay_free(d);
}

/* Many row spans (groups of three rows) over several pages, in a document with contents: the
 * table is measured for the caption kept with it and placed in both passes, and every pass
 * starts its spans afresh. Each group's label is printed once where it starts and again with
 * «(продолжение)» only where a page cuts it; no row is lost. */
static void test_table_spans_two_passes(void **state)
{
    (void)state;
    lay_doc *d = doc();
    lay_toc(d, "Содержание");
    lay_heading(d, 1, "Раздел");
    lay_para_begin(d, PARA_LEFT, 0);
    lay_run(d, 0, 0, "Таблица 1 — Группы");
    lay_para_end(d);
    lay_keep_with_next(d);
    grid_col cols[2] = {{GRID_MM, 40, PARA_LEFT, 0}, {GRID_REL, 1, PARA_LEFT, 0}};
    grid *g = grid_new(2, cols, 1, 10);
    grid_cell(g, "Группа", NULL);
    grid_cell(g, "Строка", NULL);
    grid_row_end(g, GRID_ROW_BODY);
    for (int r = 0; r < 180; r++) {
        char t[32];
        if (r % 3 == 0) {
            grid_cellopt span = {1, 3, -1, GRID_TOP, 0, 0, 0};
            snprintf(t, sizeof t, "Г%d", r / 3 + 1);
            grid_cell(g, t, &span);
        }
        snprintf(t, sizeof t, "С%d", r + 1);
        grid_cell(g, t, NULL);
        grid_row_end(g, GRID_ROW_BODY);
    }
    lay_table(d, g);
    int pages = render(d);
    assert_true(pages >= 4);
    static char all[1 << 17];
    snprintf(all, sizeof all, "%s", run("pdftotext %s -"));
    for (int r = 1; r <= 180; r++) {
        char t[32];
        snprintf(t, sizeof t, "С%d\n", r);
        assert_non_null(strstr(all, t));
    }
    int cut = 0;
    for (int k = 1; k <= 60; k++) {
        char t[48];
        snprintf(t, sizeof t, "Г%d\n", k);               /* printed where the group starts */
        assert_non_null(strstr(all, t));
        snprintf(t, sizeof t, "Г%d (продолжение)", k);
        cut += strstr(all, t) != NULL;
    }
    assert_true(cut >= 1 && cut <= pages);             /* only groups a page cuts go on */
}

/* The signature and executor note that followed text filling the page: the last two lines of
 * the paragraph go on to the next page with them (they were left alone there). */
static void test_signature_kept_with_text(void **state)
{
    (void)state;
    lay_doc *d = doc();
    lines(d, "x", 51);                       /* 24.7 pt left: the signature needs 37.8 */
    lay_signature(d, "Начальник управления", "И.О. Фамилия");
    lay_executor(d, "Исполнитель: Петрова А.А.");
    assert_int_equal(render(d), 2);
    assert_non_null(strstr(page_text(1), "x49\n"));
    assert_null(strstr(page_text(1), "x50"));
    const char *p2 = page_text(2);
    assert_non_null(strstr(p2, "x50\nx51"));
    assert_non_null(strstr(p2, "Фамилия"));
    assert_non_null(strstr(p2, "Петрова"));
}

/* The signature fits after the text but the executor note does not: both go on, with the
 * paragraph's last two lines. */
static void test_executor_kept_with_signature(void **state)
{
    (void)state;
    lay_doc *d = doc();
    lines(d, "x", 50);                       /* 38.5 pt left: signature 37.8, note 21.5 more */
    lay_spacer(d, 5);
    lay_signature(d, "Начальник управления", "И.О. Фамилия");
    lay_executor(d, "Исполнитель: Петрова А.А.");
    assert_int_equal(render(d), 2);
    assert_null(strstr(page_text(1), "Фамилия"));
    const char *p2 = page_text(2);
    assert_non_null(strstr(p2, "x49\nx50"));
    assert_non_null(strstr(p2, "Фамилия"));
    assert_non_null(strstr(p2, "Петрова"));
}

/* A one-column table of rows "Строка 1" … "Строка n" under the header "Заголовок"; row
 * `keep` (1-based, 0 = none) is a heading row «Задача: …» kept with the next one. */
static grid *rows_table(int n, int keep)
{
    grid_col cols[1] = {{GRID_REL, 1, PARA_LEFT, 0}};
    grid *g = grid_new(1, cols, 1, 10);
    grid_cell(g, "Заголовок", NULL);
    grid_row_end(g, GRID_ROW_BODY);
    for (int r = 1; r <= n; r++) {
        char t[32];
        snprintf(t, sizeof t, r == keep ? "Задача: строка %d" : "Строка %d", r);
        grid_cell(g, t, NULL);
        if (r == keep)
            grid_row_keep_next(g);
        grid_row_end(g, GRID_ROW_BODY);
    }
    return g;
}

/* The last row of a table goes on with the signature (rows are 15.8 pt, the header too). */
static void test_signature_kept_with_table_row(void **state)
{
    (void)state;
    lay_doc *d = doc();
    lines(d, "x", 40);                       /* then 6 + 15.8 + 9 × 15.8 fit in 176.5 pt */
    lay_table(d, rows_table(9, 0));
    lay_signature(d, "Начальник управления", "И.О. Фамилия");
    assert_int_equal(render(d), 2);
    assert_non_null(strstr(page_text(1), "Строка 8\n"));
    const char *p2 = page_text(2);
    assert_non_null(strstr(p2, "Заголовок"));             /* under the repeated header */
    assert_non_null(strstr(p2, "Строка 9"));
    assert_non_null(strstr(p2, "Фамилия"));
}

/* A heading row inside a table («Задача: …», keep_with_next) is never the last on a page. */
static void test_table_keep_with_next_row(void **state)
{
    (void)state;
    lay_doc *d = doc();
    lines(d, "x", 45);                       /* 101.5 pt left: header and five rows fit */
    lay_table(d, rows_table(8, 5));
    assert_int_equal(render(d), 2);
    const char *p1 = page_text(1);
    assert_non_null(strstr(p1, "Строка 4\n"));
    assert_null(strstr(p1, "Задача"));
    assert_non_null(strstr(page_text(2), "Задача: строка 5\nСтрока 6"));
    d = doc();                               /* without the flag it was left at the bottom */
    lines(d, "x", 45);
    lay_table(d, rows_table(8, 0));
    render(d);
    assert_non_null(strstr(page_text(1), "Строка 5\n"));
}

/* A caption paragraph marked keep_with_next goes on with its table. */
static void test_para_keep_with_next(void **state)
{
    (void)state;
    lay_doc *d = doc();
    lines(d, "x", 50);                       /* 38.5 pt: the caption fits, the table does not */
    lay_para_begin(d, PARA_LEFT, 0);
    lay_run(d, 0, 0, "Таблица 1 — Результаты");
    lay_para_end(d);
    lay_keep_with_next(d);
    lay_table(d, rows_table(3, 0));
    assert_int_equal(render(d), 2);
    assert_null(strstr(page_text(1), "Таблица 1"));
    assert_non_null(strstr(page_text(2), "Таблица 1 — Результаты\n"));
}

/* A heading followed by a three-line paragraph of which two lines fit: the widow rule would
 * move the paragraph whole and leave the heading alone; the heading goes on with it. */
static void test_heading_kept_with_placed_lines(void **state)
{
    (void)state;
    lay_doc *d = doc();
    lines(d, "x", 48);                       /* 66.1 pt: heading 28.2, then 2 of 3 lines */
    lay_heading(d, 2, "Раздел");
    lines(d, "C", 3);
    assert_int_equal(render(d), 2);
    assert_null(strstr(page_text(1), "Раздел"));
    assert_non_null(strstr(page_text(2), "Раздел\nC1\nC2\nC3"));
}

static void test_heading_not_hyphenated(void **state)
{
    (void)state;
    lay_doc *d = lay_new(pdf, hy);            /* an order: 14 pt */
    lay_para_begin(d, PARA_CENTER, 0);
    lay_run(d, 1, 0, "УПРАВЛЕНИЕ ОБРАЗОВАНИЯ И МОЛОДЁЖНОЙ ПОЛИТИКИ АДМИНИСТРАЦИИ ЗАПОЛЯРНОГО "
                     "КЕДРОВСКОГО МУНИЦИПАЛЬНОГО ОКРУГА");   /* was «АДМИНИСТРА-ЦИИ» */
    lay_para_end(d);
    lay_heading(d, 1, "Об итогах оценочных процедур и сопоставлении с результатами предыдущих "
                      "лет в общеобразовательных организациях");   /* was «результа-тами» */
    lay_text(d, "Руководителям общеобразовательных организаций разработать программы перехода в "
                "эффективный режим работы с учётом результатов оценочных процедур.");
    render(d);
    const char *t = run("pdftotext -raw %s -");       /* -raw: hyphens at line ends are kept */
    const char *body = strstr(t, "Руководителям");
    assert_non_null(body);
    for (const char *q = t; q < body; q++)    /* no heading or title line ends with a hyphen */
        assert_false(q[0] == '-' && q[1] == '\n');
}

/* A centred title of several lines is set in lines of even length, so that reports need not
 * break it by hand: no last line of two or three words. */
static void test_title_lines_balanced(void **state)
{
    (void)state;
    lay_doc *d = lay_new(pdf, hy);            /* an order: 14 pt */
    lay_heading(d, 1, "Об утверждении перечня школ с низкими образовательными результатами и "
                      "плана мероприятий по повышению качества образования в них");
    render(d);
    assert_non_null(strstr(run("pdftotext -raw %s -"),
                           "Об утверждении перечня школ с низкими\n"
                           "образовательными результатами и плана мероприятий\n"
                           "по повышению качества образования в них\n"));
}

/* Bookmarks carry a heading broken by hand into lines as one line. */
static void test_bookmark_title_one_line(void **state)
{
    (void)state;
    lay_doc *d = doc();
    lay_heading(d, 1, "Перечень общеобразовательных организаций\nс низкими результатами");
    lines(d, "x", 2);
    render(d);
    const char *j = run("qpdf --json --json-key=outlines %s");
    assert_non_null(strstr(j, "\"title\": \"Перечень общеобразовательных организаций с низкими "
                              "результатами\""));
}

/* The appendix mark takes the right 45 % of the text width and wraps there, unhyphenated. */
static void test_appendix_mark_column(void **state)
{
    (void)state;
    lay_doc *d = lay_new(pdf, hy);
    lay_appendix_mark(d, "Приложение № 1\nк приказу Управления образования администрации "
                         "Кедровского муниципального округа от 02.09.2024 № 214");
    render(d);
    const char *b = run("pdftotext -bbox %s - | grep '<word'");
    float left = PDF_MM(30), width = 595.276f - PDF_MM(30) - PDF_MM(15);
    int words = 0;
    for (const char *q = strstr(b, "<word"); q; q = strstr(q + 1, "<word")) {
        float x0, y0, x1, y1;
        char w[128];
        if (sscanf(q, "<word xMin=\"%f\" yMin=\"%f\" xMax=\"%f\" yMax=\"%f\">%127[^<]", &x0, &y0,
                   &x1, &y1, w) != 5)
            continue;
        words++;
        assert_true(x0 >= left + width * 0.55f - 0.5f);
        assert_true(x1 <= left + width + 0.5f);
        assert_true(w[strlen(w) - 1] != '-');
    }
    assert_int_equal(words, 15);
    assert_non_null(strstr(page_text(1), "Приложение № 1\nк приказу Управления образования\n"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_page_capacity), cmocka_unit_test(test_orphan),
        cmocka_unit_test(test_widow), cmocka_unit_test(test_heading_kept),
        cmocka_unit_test(test_table_span_across_pages), cmocka_unit_test(test_bad_table),
        cmocka_unit_test(test_table_spans_two_passes),
        cmocka_unit_test(test_signature_kept_with_text),
        cmocka_unit_test(test_executor_kept_with_signature),
        cmocka_unit_test(test_signature_kept_with_table_row),
        cmocka_unit_test(test_table_keep_with_next_row), cmocka_unit_test(test_para_keep_with_next),
        cmocka_unit_test(test_heading_kept_with_placed_lines),
        cmocka_unit_test(test_heading_not_hyphenated), cmocka_unit_test(test_title_lines_balanced),
        cmocka_unit_test(test_bookmark_title_one_line),
        cmocka_unit_test(test_appendix_mark_column),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
