/* layout_bench — time per two-page school sheet (passport table, a 15 × 10 results table,
 * a 100 % stacked bar chart, paragraphs) with fonts loaded once and reused, and pages per
 * second for a table-heavy 40-page document. Prints medians. Usage: layout_bench [N] */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "layout.h"

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void num(char *out, size_t n, double v)
{
    snprintf(out, n, "%.1f", v);
    for (char *p = out; *p; p++)
        if (*p == '.')
            *p = ',';
}

static void passport(lay_doc *d, int school)
{
    grid_col cols[2] = {{GRID_REL, 1, PARA_LEFT, 0}, {GRID_REL, 2, PARA_LEFT, 0}};
    grid *g = grid_new(2, cols, 0, 11);
    char name[128];
    snprintf(name, sizeof name, "МБОУ «Средняя общеобразовательная школа № %d» с. Үстүү-Хүрээ",
             school);
    const char *rows[][2] = {{"Полное наименование", name}, {"Директор", "Ооржак Айдың Борисович"},
                             {"Обучающихся", "412, из них с ОВЗ — 17"}, {"Педагогов", "38"},
                             {"Статус", "ШНОР, малочисленная"}, {"Школа-лидер", "МБОУ «Лицей № 1»"}};
    for (int i = 0; i < 6; i++) {
        grid_cellopt b = {1, 1, -1, GRID_TOP, 1, 0, 0};
        grid_cell(g, rows[i][0], &b);
        grid_cell(g, rows[i][1], NULL);
        grid_row_end(g, GRID_ROW_BODY);
    }
    lay_table(d, g);
}

static grid *results(int nrows, int seed)
{
    grid_col cols[10] = {{GRID_MM, 8, PARA_CENTER, 0}, {GRID_REL, 1, PARA_LEFT, 0}};
    for (int i = 2; i < 10; i++)
        cols[i] = (grid_col){GRID_AUTO, 0, PARA_RIGHT, 1};
    grid *g = grid_new(10, cols, 1, 10);
    const char *head[] = {"№", "Процедура, предмет", "Участников", "«2», %", "«3», %", "«4», %",
                          "«5», %", "Успеваемость, %", "Качество, %", "Средняя отметка"};
    for (int i = 0; i < 10; i++)
        grid_cell(g, head[i], NULL);
    grid_row_end(g, GRID_ROW_BODY);
    for (int r = 0; r < nrows; r++) {
        char t[64];
        snprintf(t, sizeof t, "%d", r + 1);
        grid_cell(g, t, NULL);
        snprintf(t, sizeof t, "ВПР, математика, %d класс", 4 + (r + seed) % 5);
        grid_cell(g, t, NULL);
        snprintf(t, sizeof t, "%d", 20 + (r * 7 + seed) % 80);
        grid_cell(g, t, NULL);
        double m2 = (r + seed) % 9 * 1.7, m3 = 30 + r % 7, m4 = 41 - r % 5;
        double v[] = {m2, m3, m4, 100 - m2 - m3 - m4, 100 - m2, 100 - m2 - m3};
        for (int k = 0; k < 6; k++) {
            num(t, sizeof t, v[k]);
            grid_cell(g, t, NULL);
        }
        num(t, sizeof t, 3.5 + (r % 10) * 0.05);
        grid_cell(g, t, NULL);
        grid_row_end(g, r == nrows - 1 ? GRID_ROW_TOTAL : GRID_ROW_BODY);
    }
    return g;
}

static const char *PARA_TEXT =
    "По итогам оценочных процедур 2023 года доля обучающихся, получивших отметку «2», "
    "снизилась на 4,2 п.п., качество знаний по русскому языку выросло до 52,3 %. Школе "
    "рекомендовано продолжить работу по формированию функциональной грамотности — "
    "в первую очередь читательской и математической — и обеспечить объективность оценивания.";

static lay_doc *sheet(pdf_ctx *pdf, hyph *hy, int school)
{
    lay_doc *d = lay_new(pdf, hy);
    lay_set_size(d, 12, 1.15f);
    lay_heading(d, 1, "Адресные рекомендации общеобразовательной организации");
    passport(d, school);
    lay_heading(d, 2, "1. Результаты оценочных процедур");
    lay_table(d, results(15, school));
    const char *cats[] = {"2021", "2022", "2023"}, *marks[] = {"«2»", "«3»", "«4»", "«5»"};
    double dist[] = {12.5, 9.8, 7.1, 40.2, 38.5, 37.9, 35.1, 37.0, 39.6, 12.2, 14.7, 15.4};
    chart_spec st = {CHART_STACKED100, "Распределение отметок", NULL, 3, 4, cats, marks, dist, 1,
                     1, 0};
    lay_chart(d, &st, 65);
    lay_heading(d, 2, "2. Рекомендации");
    for (int i = 0; i < 6; i++)
        lay_text(d, PARA_TEXT);
    lay_signature(d, "Начальник Управления образования", "А.Б. Ооржак");
    lay_executor(d, "Исполнитель: Монгуш Ч.К., тел. 8 (394) 552-12-35");
    return d;
}

static lay_doc *big(pdf_ctx *pdf, hyph *hy)
{
    lay_doc *d = lay_new(pdf, hy);
    lay_set_size(d, 12, 1.15f);
    lay_heading(d, 1, "Аналитическая справка");
    for (int s = 0; s < 18; s++) {
        char h[64];
        snprintf(h, sizeof h, "%d. Результаты по предмету %d", s + 1, s + 1);
        lay_heading(d, 2, h);
        lay_text(d, PARA_TEXT);
        lay_table(d, results(50, s));
    }
    return d;
}

/* Median ms of `runs` renders of documents made by mk; *pages and *bytes of the last. */
static double time_docs(pdf_ctx *pdf, hyph *hy, int runs, int bigdoc, int *pages, size_t *bytes)
{
    double *t = malloc((size_t)runs * sizeof *t);
    for (int i = 0; i < runs; i++) {
        unsigned char *out;
        size_t len;
        double a = now_ms();
        lay_doc *d = bigdoc ? big(pdf, hy) : sheet(pdf, hy, i);
        pdf_meta m = {"Адресные рекомендации", "Управление образования", "Школа", NULL, "otchet",
                      2023, 6, 5};
        if (lay_render(d, &m, &out, &len, pages) != 0) {
            fprintf(stderr, "layout_bench: %s\n", lay_error(d));
            exit(1);
        }
        t[i] = now_ms() - a;
        *bytes = len;
        if (i == 0) {
            FILE *f = fopen(bigdoc ? "/tmp/otchet-bench-big.pdf" : "/tmp/otchet-bench-sheet.pdf",
                            "wb");
            fwrite(out, 1, len, f);
            fclose(f);
        }
        free(out);
        lay_free(d);
    }
    qsort(t, (size_t)runs, sizeof *t, cmp);
    double med = t[runs / 2];
    free(t);
    return med;
}

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 200;
    char err[PDF_ERRLEN], herr[HYPH_ERRLEN];
    mallopt(M_TRIM_THRESHOLD, 64 << 20);   /* keep zlib's per-stream buffers: no brk churn */
    mallopt(M_MMAP_THRESHOLD, 64 << 20);
    double a = now_ms();
    pdf_ctx *pdf = pdf_open("fonts", err);
    hyph *hy = hyph_open(NULL, herr);
    if (!pdf || !hy) {
        fprintf(stderr, "layout_bench: %s\n", pdf ? herr : err);
        return 1;
    }
    double open_ms = now_ms() - a;
    int pages;
    size_t bytes;
    double sheet_ms = time_docs(pdf, hy, n, 0, &pages, &bytes);
    printf("fonts + hyphenation loaded once:   %.1f ms\n", open_ms);
    printf("school sheet (%d pages):             %.2f ms median of %d, %zu bytes\n", pages,
           sheet_ms, n, bytes);
    int bn = n / 20 > 5 ? n / 20 : 5;
    double big_ms = time_docs(pdf, hy, bn, 1, &pages, &bytes);
    printf("table-heavy document (%d pages):    %.1f ms median of %d, %.0f pages/s, %zu bytes\n",
           pages, big_ms, bn, pages * 1000.0 / big_ms, bytes);
    pdf_close(pdf);
    hyph_close(hy);
    return 0;
}
