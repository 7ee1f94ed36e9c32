/* grid: equal cells share one line breaking (a layout is copied from an equal cell broken
 * before), and only cells that are equal in text, style, width and alignment share it: the same
 * long name in a wide and in a narrow column keeps its own lines in each. Measured through
 * grid_lead_height and a dry run of grid_place (no drawing). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "grid.h"

#define NAME "Муниципальное бюджетное общеобразовательное учреждение «Кедровская средняя школа № 1»"

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

static void no_new_page(lay_flow *f)
{
    f->y = f->top;
}

/* A flow 170 mm wide and a very tall page, drawing nothing. */
static lay_flow flow(void)
{
    lay_flow f;
    memset(&f, 0, sizeof f);
    f.fs = pdf_fonts(pdf);
    f.hy = hy;
    f.x = 0, f.width = PDF_MM(170);
    f.top = f.y = 0, f.bottom = 100000;
    f.new_page = no_new_page;
    return f;
}

/* A table of a wide (120 mm) and a narrow (20 mm) column, no header, `rows` rows of the texts
 * wide and narrow. */
static grid *table(int rows, const char *wide, const char *narrow)
{
    grid_col cols[2] = {{GRID_MM, 120, PARA_LEFT, 0}, {GRID_MM, 20, PARA_LEFT, 0}};
    grid *g = grid_new(2, cols, 0, 10);
    for (int r = 0; r < rows; r++) {
        grid_cell(g, wide, NULL);
        grid_cell(g, narrow, NULL);
        grid_row_end(g, GRID_ROW_BODY);
    }
    return g;
}

static float first_row_height(const char *wide, const char *narrow)
{
    lay_flow f = flow();
    grid *g = table(1, wide, narrow);
    float h = grid_lead_height(g, &f);
    grid_free(g);
    return h;
}

static void test_grid_equal_text_other_width_not_shared(void **state)
{
    (void)state;
    float one_line = first_row_height(NAME, "");
    float narrow = first_row_height("", NAME);
    assert_true(narrow > 3 * one_line / 2);               /* the name takes lines in 20 mm */
    /* broken in the wide column first, the name in the narrow one keeps its own lines */
    assert_true(first_row_height(NAME, NAME) == narrow);
}

static void test_grid_equal_cells_share_lines(void **state)
{
    (void)state;
    float row = first_row_height(NAME, NAME);
    lay_flow f = flow();
    grid *g = table(5, NAME, NAME);
    assert_int_equal(grid_place(g, &f), 0);
    assert_true(f.y == 5 * row);                         /* every row as high as the first */
    grid_free(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_grid_equal_text_other_width_not_shared),
        cmocka_unit_test(test_grid_equal_cells_share_lines),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
