/* layout + grid: pagination without orphans or widows, headings kept with their text, a table
 * whose header repeats on every page and whose row-spanning cell continues onto the next page
 * with «(продолжение)», page numbers from page 2. Checked through pdftotext page by page.
 * A4 with 20 mm top and bottom margins holds exactly 52 lines of 12 pt × 1.15. */
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

static int setup(void **state)
{
    char err[PDF_ERRLEN];
    (void)state;
    pdf = pdf_open("fonts", err);
    return pdf ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    pdf_close(pdf);
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_page_capacity), cmocka_unit_test(test_orphan),
        cmocka_unit_test(test_widow), cmocka_unit_test(test_heading_kept),
        cmocka_unit_test(test_table_span_across_pages), cmocka_unit_test(test_bad_table),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
