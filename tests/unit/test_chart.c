/* chart: titles wrapped inside the box, value labels rounded as the reports round (half away
 * from zero on the 15-digit decimal form) and never overlapping, the legend right under the
 * category labels, category labels hyphenated, low boxes accepted down to a plot of 10 mm and
 * refused with the height needed, nice axis maxima. Checked through pdftotext -bbox. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "chart.h"

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

/* A file name of this process's own: test runs may overlap. */
static const char *tmp_pdf(void)
{
    static char path[96];
    snprintf(path, sizeof path, "/tmp/otchet-test-chart.%ld.pdf", (long)getpid());
    return path;
}

#define BOX_X 60.0f
#define BOX_Y 80.0f

/* Draws the chart in a box at (BOX_X, BOX_Y), w × h points, on a page of its own and writes
 * the PDF. Returns chart_draw's result; err gets its message. */
static int draw(const chart_spec *sp, float w, float h, char err[PDF_ERRLEN])
{
    chart *c = chart_new(sp);
    assert_non_null(c);
    assert_int_equal(pdf_begin(pdf, NULL), 0);
    pdf_add_page(pdf, 0);
    int rc = chart_draw(c, pdf, pdf_fonts(pdf), hy, BOX_X, BOX_Y, w, h, err);
    unsigned char *out;
    size_t len;
    assert_int_equal(pdf_finish(pdf, &out, &len), 0);
    FILE *f = fopen(tmp_pdf(), "wb");
    fwrite(out, 1, len, f);
    fclose(f);
    free(out);
    chart_free(c);
    return rc;
}

typedef struct word {
    float x0, y0, x1, y1;
    char text[64];
} word;

static word words[2048];
static int nwords;

/* Reads the words of the PDF with their boxes (points from the page's top left). */
static void read_words(void)
{
    char cmd[256], line[512];
    snprintf(cmd, sizeof cmd, "pdftotext -bbox %s - 2>/dev/null", tmp_pdf());
    FILE *p = popen(cmd, "r");
    nwords = 0;
    while (p && fgets(line, sizeof line, p) && nwords < 2048) {
        word *w = &words[nwords];
        const char *q = strstr(line, "<word ");
        if (q && sscanf(q, "<word xMin=\"%f\" yMin=\"%f\" xMax=\"%f\" yMax=\"%f\">%63[^<]", &w->x0,
                        &w->y0, &w->x1, &w->y1, w->text) == 5)
            nwords++;
    }
    if (p)
        pclose(p);
}

static const word *find(const char *text)
{
    for (int i = 0; i < nwords; i++)
        if (strcmp(words[i].text, text) == 0)
            return &words[i];
    return NULL;
}

static const char *num(double v, int decimals)
{
    static char out[64];
    chart_num(out, sizeof out, v, decimals);
    return out;
}

static void test_chart_label_rounding(void **state)
{
    (void)state;
    assert_string_equal(num(12.25, 1), "12,3");        /* printf: "12.2" */
    assert_string_equal(num(0.05, 1), "0,1");
    assert_string_equal(num(29.95, 1), "30,0");
    assert_string_equal(num(99.95, 1), "100,0");
    assert_string_equal(num(2.675, 2), "2,68");
    assert_string_equal(num(0.125, 2), "0,13");
    assert_string_equal(num(3.55, 1), "3,6");
    assert_string_equal(num(-4.25, 1), "\u22124,3");    /* minus sign U+2212 */
    assert_string_equal(num(-0.04, 1), "0,0");          /* never "−0,0" */
    assert_string_equal(num(0, 1), "0,0");
    assert_string_equal(num(2024, 0), "2024");
    assert_string_equal(num(12345.5, 1), "12\u00a0345,5");
    /* in a chart: 49 of 400 is 12,25 % — the label agrees with the tables */
    const char *cats[] = {"Школа"}, *ser[] = {"«2»", "другие"};
    double v[] = {49, 351};
    chart_spec sp = {CHART_STACKED100, NULL, NULL, 1, 2, cats, ser, v, 0, 1, 0};
    char err[PDF_ERRLEN];
    assert_int_equal(draw(&sp, 300, 200, err), 0);
    read_words();
    assert_non_null(find("12,3"));
    assert_non_null(find("87,8"));
    assert_null(find("12,2"));
}

/* The rounding of chart_num written out the slow way for v >= 0 below 10 000: the 15-significant-
 * digit decimal form of v rounded half up at `decimals` places, digit by digit. */
static void slow_num(char *out, size_t n, double v, int decimals)
{
    char e[32], digits[16];
    int nd = 0;
    snprintf(e, sizeof e, "%.14e", v);
    for (const char *q = e; *q != 'e'; q++)
        if (*q >= '0' && *q <= '9')
            digits[nd++] = *q;
    int keep = atoi(strchr(e, 'e') + 1) + 1 + decimals;   /* digits before the rounding point */
    long long units = 0, p = 1;
    for (int i = 0; i < keep; i++)
        units = units * 10 + (i < nd ? digits[i] - '0' : 0);
    if (keep >= 0 && keep < nd && digits[keep] >= '5')
        units++;
    for (int i = 0; i < decimals; i++)
        p *= 10;
    if (decimals == 0)
        snprintf(out, n, "%lld", units);
    else
        snprintf(out, n, "%lld,%0*lld", units / p, decimals, units % p);
}

/* Shares of counts as the reports print them (m / n · 100 and m · 100 / n, one or two
 * decimals, and m / n with three): chart_num's quick rounding agrees with the slow one,
 * halves included (1 of 8 is 12,5; 1 of 16 is 6,25). */
static void test_chart_num_agrees_with_slow_rounding(void **state)
{
    (void)state;
    char fast[64], slow[64];
    for (int n = 1; n <= 400; n++)
        for (int m = 0; m <= n; m++) {
            double v[3] = {(double)m / n * 100, (double)m * 100 / n, (double)m / n};
            for (int k = 0; k < 3; k++)
                for (int decimals = 1; decimals <= 3; decimals++) {
                    chart_num(fast, sizeof fast, v[k], decimals);
                    slow_num(slow, sizeof slow, v[k], decimals);
                    if (strcmp(fast, slow) != 0)
                        fail_msg("%d of %d (%.17g), %d decimals: %s, expected %s", m, n, v[k],
                                 decimals, fast, slow);
                }
        }
}

static void test_chart_title_wraps(void **state)
{
    (void)state;
    const char *cats[] = {"2022", "2023"}, *ser[] = {"Доля"};
    double v[] = {10, 20};
    chart_spec sp = {CHART_BAR, "Плановые и фактические значения показателей, измеряемых в "
                     "процентах, по муниципальной программе на 2024 год", "%", 2, 1, cats, ser,
                     v, 0, 1, 0};
    char err[PDF_ERRLEN];
    assert_int_equal(draw(&sp, 240, 200, err), 0);
    read_words();
    const word *first = find("Плановые"), *last = find("год");
    assert_non_null(first);
    assert_non_null(last);
    assert_true(last->y0 > first->y1 - 1);              /* on a later line */
    for (int i = 0; i < nwords; i++) {                  /* nothing leaves the box */
        assert_true(words[i].x0 >= BOX_X - 0.5f);
        assert_true(words[i].x1 <= BOX_X + 240 + 0.5f);
        assert_true(words[i].text[strlen(words[i].text) - 1] != '-');   /* nor is hyphenated */
    }
}

static void test_chart_value_labels_do_not_overlap(void **state)
{
    (void)state;
    const char *cats[12] = {"1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12"};
    const char *ser[] = {"План", "Факт", "Прошлый год"};
    double v[36];
    for (int i = 0; i < 36; i++)
        v[i] = 90 + (i % 7) * 1.37 + (i / 12) * 0.5;      /* neighbours of nearly equal height */
    chart_spec sp = {CHART_GROUPED, NULL, NULL, 12, 3, cats, ser, v, 1, 1, 0};
    char err[PDF_ERRLEN];
    assert_int_equal(draw(&sp, 400, 200, err), 0);
    read_words();
    int labels = 0;
    for (int i = 0; i < nwords; i++) {
        if (!strchr(words[i].text, ','))
            continue;
        labels++;
        for (int j = i + 1; j < nwords; j++) {
            const word *a = &words[i], *b = &words[j];
            if (!strchr(b->text, ','))
                continue;
            int overlap = a->x0 < b->x1 - 0.2f && b->x0 < a->x1 - 0.2f &&
                          a->y0 < b->y1 - 0.2f && b->y0 < a->y1 - 0.2f;
            assert_false(overlap);
        }
    }
    assert_true(labels >= 12);                          /* shrunk, not all dropped */
}

static void test_chart_legend_under_labels(void **state)
{
    (void)state;
    const char *cats[] = {"Кедровская СОШ № 1", "Лиственская ООШ", "По округу"};
    const char *ser[] = {"2023 год", "2024 год"};
    double v[] = {41.2, 35.0, 52.3, 47.9, 44.0, 45.8};
    chart_spec sp = {CHART_GROUPED, "Качество знаний", "%", 3, 2, cats, ser, v, 1, 1, 0};
    char err[PDF_ERRLEN];
    assert_int_equal(draw(&sp, 400, PDF_MM(100), err), 0);
    read_words();
    const word *cat = find("Лиственская"), *leg = find("2024");
    assert_non_null(cat);
    assert_non_null(leg);
    assert_true(leg->y0 > cat->y1);
    assert_true(leg->y0 - cat->y1 < 8);                 /* right under, not at the box bottom */
    assert_true(leg->y1 <= BOX_Y + PDF_MM(100) + 0.5f);
}

static void test_chart_category_hyphenated(void **state)
{
    (void)state;
    const char *cats[10] = {"Малокемская", "Кедровская", "Шиверская", "Таёжнинская", "Еловская",
                            "Ключевская", "Пистовская", "Лиственская", "Боровская", "Ягодинская"};
    const char *ser[] = {"Доля"};
    double v[10] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    chart_spec sp = {CHART_BAR, NULL, NULL, 10, 1, cats, ser, v, 0, 0, 0};
    char err[PDF_ERRLEN];
    assert_int_equal(draw(&sp, 320, 200, err), 0);
    read_words();
    int cut = 0;
    for (int i = 0; i < nwords; i++) {
        size_t n = strlen(words[i].text);
        if (n > 1 && words[i].text[n - 1] == '-') {     /* a piece of a name ends with '-' */
            cut++;
            int known = 0;
            for (int k = 0; k < 10; k++)
                known |= strncmp(cats[k], words[i].text, n - 1) == 0;
            assert_true(known);
        }
    }
    assert_true(cut > 0);
    for (int i = 0; i < nwords; i++)                    /* and no piece without one */
        if (words[i].y0 > BOX_Y + 100 && strlen(words[i].text) > 2 && words[i].text[0] != '-') {
            int whole = 0, tail = 0;
            for (int k = 0; k < 10; k++) {
                whole |= strcmp(cats[k], words[i].text) == 0;
                const char *t = cats[k] + strlen(cats[k]) - strlen(words[i].text);
                tail |= t >= cats[k] && strcmp(t, words[i].text) == 0;
            }
            assert_true(whole || tail || words[i].text[strlen(words[i].text) - 1] == '-');
        }
}

static void test_chart_small_height(void **state)
{
    (void)state;
    const char *cats[] = {"ВПР рус. 5 кл.", "ВПР мат. 5 кл.", "ОГЭ мат."};
    const char *ser[] = {"Школа", "Округ"};
    double v[] = {6.1, 9.6, 13.3, 11.2, 14.9, 14.7};
    chart_spec sp = {CHART_GROUPED, "Доля отметок «2», % (2024 г.)", "%", 3, 2, cats, ser, v, 0,
                     1, 0};
    char err[PDF_ERRLEN];
    assert_int_equal(draw(&sp, 450, PDF_MM(30), err), 0);   /* refused below 36 mm before */
    assert_int_equal(draw(&sp, 450, PDF_MM(15), err), -1);
    assert_string_equal(err, "диаграмма: высота 15 мм мала, нужно не меньше 30 мм (заголовок, "
                             "подписи, легенда и поле графика от 10 мм)");
}

static void test_chart_nice_axis_max(void **state)
{
    (void)state;
    const char *cats[] = {"2022", "2023", "2024"}, *ser[] = {"Доля «2»", "Качество"};
    double v[] = {20.0, 22.5, 21.0, 80.0, 85.0, 90.0};
    chart_spec sp = {CHART_LINE, NULL, NULL, 3, 2, cats, ser, v, 0, 0, 0};
    char err[PDF_ERRLEN];
    assert_int_equal(draw(&sp, 400, 200, err), 0);
    read_words();
    assert_non_null(find("100"));                       /* not 120 */
    assert_null(find("120"));
    double b[] = {6.1, 14.9};
    chart_spec bars = {CHART_BAR, NULL, NULL, 2, 1, cats, ser, b, 0, 0, 0};
    assert_int_equal(draw(&bars, 400, 200, err), 0);
    read_words();
    assert_non_null(find("15"));                        /* 0, 5, 10, 15 */
    assert_null(find("20"));
}

/* Value labels of a line chart never go below the axis onto the years (the справка's ЕГЭ
 * trend had "4,8 %" over "2022 г."): a label below a point near zero goes beside it. */
static void test_chart_line_labels_stay_above_axis(void **state)
{
    (void)state;
    const char *cats[] = {"2022", "2023", "2024"}, *ser[] = {"Не преодолели", "81–100"};
    double v[] = {4.8, 8.3, 4.2, 4.8, 5.6, 2.1};
    chart_spec sp = {CHART_LINE, NULL, NULL, 3, 2, cats, ser, v, 1, 1, 0};
    char err[PDF_ERRLEN];
    assert_int_equal(draw(&sp, 420, 160, err), 0);
    read_words();
    const word *year = find("2022");
    assert_non_null(year);
    int labels = 0;
    for (int i = 0; i < nwords; i++)
        if (strchr(words[i].text, ',')) {
            labels++;
            assert_true(words[i].y1 <= year->y0 + 0.5f);
        }
    assert_non_null(find("5,6"));                   /* beside its point, not dropped */
    assert_true(labels >= 4);                       /* 4,8 twice, 2,1 under 4,2: may be left out */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_chart_label_rounding),
        cmocka_unit_test(test_chart_num_agrees_with_slow_rounding),
        cmocka_unit_test(test_chart_title_wraps),
        cmocka_unit_test(test_chart_value_labels_do_not_overlap),
        cmocka_unit_test(test_chart_legend_under_labels),
        cmocka_unit_test(test_chart_category_hyphenated), cmocka_unit_test(test_chart_small_height),
        cmocka_unit_test(test_chart_nice_axis_max),
        cmocka_unit_test(test_chart_line_labels_stay_above_axis),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
