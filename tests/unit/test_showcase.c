/* Showcase: a document with every block kind, written to /tmp/otchet-showcase.pdf and checked
 * with poppler and qpdf: exact text (Tuvan letters, «», №, —), embedded fonts with Unicode
 * maps, no qpdf or poppler warnings, page count, byte-identical output on a second render. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
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

/* A shell command about this process's showcase PDF: fmt has one %s for its path. */
static const char *cmdf(const char *fmt)
{
    static char cmd[256];
    snprintf(cmd, sizeof cmd, fmt, tmp_pdf("otchet-showcase"));
    return cmd;
}


static pdf_ctx *pdf;
static hyph *hy;

static int setup(void **state)
{
    char err[PDF_ERRLEN], herr[HYPH_ERRLEN];
    (void)state;
    pdf = pdf_open("fonts", err);
    hy = hyph_open(NULL, herr);
    if (!pdf)
        fprintf(stderr, "%s\n", err);
    return pdf && hy ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    pdf_close(pdf);
    hyph_close(hy);
    return 0;
}

static const char *SCHOOLS[] = {
    "МБОУ «Хандагайтинская СОШ»", "МБОУ «Шамбалыгская СОШ»", "МБОУ «Чыргакинская СОШ»",
    "МБОУ «Өвүрская СОШ № 1»", "МБОУ «Үстүү-Хүрээнская ООШ»", "МБОУ «Ээрбекская СОШ»",
    "МБОУ «Ийи-Талская СОШ»", "МБОУ «Бора-Тайгинская СОШ»", "МБОУ «Кызыл-Чыраанская СОШ»",
    "МБОУ «Торгалыгская СОШ»", "МБОУ «Теве-Хаинская ООШ»", "МБОУ «Чаа-Хөлская СОШ»",
    "МБОУ «Ак-Дуругская СОШ»", "МБОУ «Хөндергейская СОШ»",
};
#define NSCH ((int)(sizeof SCHOOLS / sizeof *SCHOOLS))

static void fmt(char *out, size_t n, double v)
{
    snprintf(out, n, "%.1f", v);
    for (char *p = out; *p; p++)
        if (*p == '.')
            *p = ',';
}

static grid *passport(void)
{
    grid_col cols[2] = {{GRID_REL, 1, PARA_LEFT, 0}, {GRID_REL, 2, PARA_LEFT, 0}};
    grid *g = grid_new(2, cols, 0, 12);
    const char *rows[][2] = {
        {"Наименование программы", "Программа повышения качества образования в школах с низкими "
                                   "образовательными результатами на 2022–2024 годы"},
        {"Разработчик", "Управление образования администрации Чеди-Хөльского кожууна"},
        {"Цель", "Повышение качества образования — создание условий для эффективного обучения "
                 "и повышения уровня объективности оценки образовательных результатов"},
        {"Сроки реализации", "2022–2024 годы"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        grid_cellopt b = {1, 1, -1, GRID_TOP, 1, 0, 0};
        grid_cell(g, rows[i][0], &b);
        grid_cell(g, rows[i][1], NULL);
        grid_row_end(g, GRID_ROW_BODY);
    }
    return g;
}

static grid *results(void)
{
    grid_col cols[10] = {{GRID_MM, 8, PARA_CENTER, 0}, {GRID_REL, 1, PARA_LEFT, 0}};
    for (int i = 2; i < 10; i++)
        cols[i] = (grid_col){GRID_AUTO, 0, PARA_RIGHT, 1};
    grid *g = grid_new(10, cols, 2, 10);
    grid_cellopt two = {1, 2, -1, GRID_MIDDLE, 0, 0, 0}, four = {4, 1, -1, GRID_MIDDLE, 0, 0, 0};
    grid_cell(g, "№", &two);
    grid_cell(g, "Образовательная организация", &two);
    grid_cell(g, "Участников", &two);
    grid_cell(g, "Доля отметок, %", &four);
    grid_cell(g, "Успевае­мость, %", &two);
    grid_cell(g, "Качество, %", &two);
    grid_cell(g, "Средняя отметка", &two);
    grid_row_end(g, GRID_ROW_BODY);
    const char *marks[] = {"«2»", "«3»", "«4»", "«5»"};
    for (int i = 0; i < 4; i++)
        grid_cell(g, marks[i], NULL);
    grid_row_end(g, GRID_ROW_BODY);
    for (int r = 0; r < NSCH; r++) {
        char num[16], v[16];
        snprintf(num, sizeof num, "%d", r + 1);
        grid_cell(g, num, NULL);
        grid_cell(g, SCHOOLS[r], NULL);
        snprintf(v, sizeof v, "%d", 12 + r * 7);
        grid_cell(g, v, NULL);
        double m2 = 4 + r % 5 * 3.3, m3 = 35 + r % 4, m4 = 40 - r % 6, m5 = 100 - m2 - m3 - m4;
        double vals[] = {m2, m3, m4, m5, 100 - m2, m4 + m5};
        for (int k = 0; k < 6; k++) {
            fmt(v, sizeof v, vals[k]);
            grid_cell(g, v, NULL);
        }
        snprintf(v, sizeof v, "%.2f", (2 * m2 + 3 * m3 + 4 * m4 + 5 * m5) / 100);
        v[1] = ',';
        grid_cell(g, v, NULL);
        grid_row_end(g, GRID_ROW_BODY);
    }
    grid_cell(g, "", NULL);
    grid_cell(g, "Итого по кожууну", NULL);
    const char *tot[] = {"1 080", "9,2", "36,1", "38,5", "16,2", "90,8", "54,7", "3,62"};
    for (int k = 0; k < 8; k++)
        grid_cell(g, tot[k], NULL);
    grid_row_end(g, GRID_ROW_TOTAL);
    return g;
}

static const char *LONG =
    "Проведение методических семинаров для учителей математики и русского языка по "
    "формированию функциональной грамотности обучающихся, включая разбор заданий ВПР и ОГЭ "
    "прошлых лет, типичных ошибок и способов их предупреждения; посещение уроков с "
    "последующим анализом; организация наставничества «учитель — учитель» между школами-"
    "партнёрами; индивидуальные образовательные маршруты педагогов. ";

static grid *roadmap(void)
{
    grid_col cols[6] = {{GRID_REL, 2, PARA_LEFT, 0}, {GRID_REL, 2, PARA_LEFT, 0},
                        {GRID_REL, 4, PARA_JUSTIFY, 0}, {GRID_MM, 25, PARA_CENTER, 0},
                        {GRID_REL, 2, PARA_LEFT, 0}, {GRID_REL, 2, PARA_LEFT, 0}};
    grid *g = grid_new(6, cols, 1, 10);
    const char *head[] = {"Фактор риска", "Задача", "Мера, мероприятие", "Сроки",
                          "Показатель реализации", "Ответственные"};
    for (int i = 0; i < 6; i++)
        grid_cell(g, head[i], NULL);
    grid_row_end(g, GRID_ROW_BODY);
    const char *factors[] = {"Низкий уровень оснащения школы",
                             "Дефицит педагогических кадров",
                             "Низкая учебная мотивация обучающихся"};
    for (int f = 0; f < 3; f++) {
        for (int r = 0; r < 6; r++) {
            if (r == 0) {
                grid_cellopt span = {1, 6, -1, GRID_TOP, 1, 0, 0};
                grid_cell(g, factors[f], &span);
            }
            char task[160], measure[8000];
            snprintf(task, sizeof task, "Задача %d.%d: устранение дефицитов", f + 1, r + 1);
            grid_cell(g, task, NULL);
            snprintf(measure, sizeof measure, "%s%s", LONG, (f == 1 && r == 2) ?
                     "Дополнительно: " "курсы повышения квалификации, стажировки на базе школ-"
                     "лидеров, сетевые методические объединения, открытые уроки, мастер-классы, "
                     "консультации тьюторов регионального центра, мониторинг профессиональных "
                     "дефицитов, повторная диагностика по итогам полугодия, самообследование, "
                     "отчёт на педагогическом совете, публикация результатов на сайте школы. "
                     : "");
            if (f == 2 && r == 5) {          /* a row taller than a page */
                size_t n = strlen(measure);
                for (int k = 0; k < 10 && n + strlen(LONG) < sizeof measure; k++, n += strlen(LONG))
                    strcat(measure, LONG);
            }
            grid_cell(g, measure, NULL);
            grid_cell(g, r % 2 ? "2023–2024 гг." : "ежегодно, сентябрь", NULL);
            grid_cell(g, "Доля педагогов, прошедших обучение, — не менее 80 %", NULL);
            grid_cell(g, "Руководители ОО, методисты МКУ «ИМЦ»", NULL);
            grid_row_end(g, GRID_ROW_BODY);
        }
    }
    return g;
}

static void charts(lay_doc *d)
{
    const char *cats[] = {"2021", "2022", "2023"};
    const char *marks[] = {"«2»", "«3»", "«4»", "«5»"};
    double dist[] = {12.5, 9.8, 7.1, 40.2, 38.5, 37.9, 35.1, 37.0, 39.6, 12.2, 14.7, 15.4};
    chart_spec st = {CHART_STACKED100, "Распределение отметок ВПР по математике, 5 класс",
                     NULL, 3, 4, cats, marks, dist, 1, 1, 0};
    lay_chart(d, &st, 75);
    const char *sch[] = {"Хандагайтинская СОШ", "Өвүрская СОШ № 1", "Ээрбекская СОШ",
                         "Чаа-Хөлская СОШ", "По кожууну"};
    const char *years[] = {"2022 год", "2023 год"};
    double q[] = {41.2, 35.0, 52.3, 47.9, 44.0, 45.8, 38.1, 55.0, 43.3, 46.1};
    chart_spec gb = {CHART_GROUPED, "Качество знаний по русскому языку, %", "%", 5, 2, sch,
                     years, q, 1, 1, 0};
    lay_chart(d, &gb, 75);
    const char *ser[] = {"Математика", "Русский язык", "Биология"};
    double tr[] = {3.41, 3.52, 3.60, 3.55, 3.58, 3.71, 3.80, NAN, 3.77};
    chart_spec ln = {CHART_LINE, "Средняя отметка ОГЭ по годам", "балл", 3, 3, cats, ser, tr, 0,
                     1, 0};
    lay_chart(d, &ln, 70);
}

static void body(lay_doc *d)
{
    lay_heading(d, 2, "1. Общие сведения");
    lay_para_begin(d, PARA_JUSTIFY, 1);
    lay_run(d, 0, 0, "В оценочных процедурах 2023 года участвовали ");
    lay_run(d, 1, 0, "14 общеобразовательных организаций");
    lay_run(d, 0, 0, " Чеди-Хөльского кожууна Республики Тыва, в том числе МБОУ «Өвүрская "
                     "СОШ № 1» и МБОУ «Үстүү-Хүрээнская ООШ». Качество знаний по математике в "
                     "5 классах снизилось на 4,2 п.п. (с 45,8 % до 41,6 %) — это ");
    lay_run(d, 0, 1, "существенное ухудшение");
    lay_run(d, 0, 0, ", требующее адресных мер. Названия сёл: Хандагайты, Шамбалыг, Ээрбек, "
                     "Ийи-Тал; буквы Ө ө Ү ү Ң ң Һ һ Ә ә Ҡ ҡ Ғ ғ Ҙ ҙ Ҫ ҫ печатаются.");
    lay_para_end(d);
    lay_text(d, "Общеобразовательные организации с низкими образовательными результатами "
                "определены в соответствии с методикой ФИОКО: не менее 30 % обучающихся "
                "получили отметку «2» по двум и более процедурам в предыдущем году.");
    lay_table(d, passport());
    int n1[] = {1}, n11[] = {1, 1}, n12[] = {1, 2}, n2[] = {2};
    lay_item_begin(d, n1, 1);
    lay_run(d, 0, 0, "Утвердить перечень школ с низкими образовательными результатами.");
    lay_para_end(d);
    lay_item_begin(d, n11, 2);
    lay_run(d, 0, 0, "Руководителям общеобразовательных организаций разработать программы "
                     "перехода в эффективный режим работы.");
    lay_para_end(d);
    lay_item_begin(d, n12, 2);
    lay_run(d, 0, 0, "Обеспечить объективность проведения ВПР.");
    lay_para_end(d);
    lay_item_begin(d, n2, 1);
    lay_run(d, 0, 0, "Контроль исполнения приказа оставляю за собой.");
    lay_para_end(d);
    lay_item_begin(d, NULL, 0);
    lay_run(d, 0, 0, "низкий уровень оснащения школы;");
    lay_para_end(d);
    lay_item_begin(d, NULL, 0);
    lay_run(d, 0, 0, "дефицит педагогических кадров.");
    lay_para_end(d);
    lay_heading(d, 2, "2. Результаты ВПР по математике");
    lay_table(d, results());
    charts(d);
}

static lay_doc *showcase(void)
{
    lay_doc *d = lay_new(pdf, hy);
    lay_set_size(d, 12, 1.15f);
    lay_approval(d, "Начальник Управления образования администрации Чеди-Хөльского кожууна",
                 "А.Б. Ооржак", "05.06.2023");
    lay_heading(d, 1, "Об итогах оценочных процедур в 2023 году (аналитическая справка)");
    lay_toc(d, "Содержание");
    body(d);
    lay_margins land = {20, 15, 20, 20};
    lay_section(d, 1, &land);
    lay_heading(d, 2, "3. Дорожная карта");
    lay_table(d, roadmap());
    lay_section(d, 0, NULL);
    lay_appendix_mark(d, "Приложение № 2\nк приказу Управления образования\nот 05.06.2023 № 319");
    lay_requisites(d, "УПРАВЛЕНИЕ ОБРАЗОВАНИЯ\nАДМИНИСТРАЦИИ ЧЕДИ-ХӨЛЬСКОГО КОЖУУНА",
                   "668310, Республика Тыва, с. Хөвүргү, ул. Ленина, 12; тел. 8 (394) 552-12-34",
                   "ПРИКАЗ", "05.06.2023", "319", "с. Хөвүргү");
    lay_heading(d, 1, "Об утверждении перечня школ с низкими образовательными результатами");
    lay_text(d, "В целях реализации региональной программы повышения качества образования");
    lay_para_begin(d, PARA_LEFT, 0);
    lay_run(d, 1, 0, "ПРИКАЗЫВАЮ:");
    lay_para_end(d);
    lay_text(d, "1. Утвердить перечень (приложение № 1).");
    lay_signature(d, "Начальник Управления образования", "А.Б. Ооржак");
    lay_executor(d, "Исполнитель: Монгуш Ч.К., тел. 8 (394) 552-12-35");
    return d;
}

static char *run(const char *cmd)
{
    FILE *p = popen(cmd, "r");
    static char out[1 << 20];
    size_t n = p ? fread(out, 1, sizeof out - 1, p) : 0;
    out[n] = '\0';
    if (p)
        pclose(p);
    return out;
}

/* pdftotext output as one line: line ends become spaces, a hyphen at a line end joins. */
static char *joined(char *s)
{
    char *w = s;
    for (char *r = s; *r; r++) {
        if (r[0] == '-' && r[1] == '\n') {
            r++;
            continue;
        }
        *w++ = *r == '\n' ? ' ' : *r;
    }
    *w = '\0';
    return s;
}

static void test_showcase(void **state)
{
    (void)state;
    lay_doc *d = showcase();
    pdf_meta meta = {"Об итогах оценочных процедур в 2023 году", "Управление образования",
                     "Аналитическая справка", "ВПР, ОГЭ, ШНОР", "otchet", 2023, 6, 5};
    unsigned char *out, *again;
    size_t len, len2;
    int pages;
    int rc = lay_render(d, &meta, &out, &len, &pages);
    if (rc)
        fprintf(stderr, "%s\n", lay_error(d));
    assert_int_equal(rc, 0);
    assert_int_equal(lay_render(d, &meta, &again, &len2, &pages), 0);
    assert_int_equal(len, len2);                       /* reproducible, byte for byte */
    assert_memory_equal(out, again, len);
    FILE *f = fopen(tmp_pdf("otchet-showcase"), "wb");
    assert_non_null(f);
    fwrite(out, 1, len, f);
    fclose(f);
    free(out);
    free(again);
    lay_free(d);
    assert_true(pages >= 8);
    char *txt = joined(run(cmdf("pdftotext -enc UTF-8 %s - 2>&1")));
    assert_non_null(strstr(txt, "МБОУ «Өвүрская СОШ № 1» и МБОУ «Үстүү-Хүрээнская ООШ»"));
    assert_non_null(strstr(txt, "Ө ө Ү ү Ң ң Һ һ Ә ә Ҡ ҡ Ғ ғ Ҙ ҙ Ҫ ҫ"));
    assert_non_null(strstr(txt, "на 4,2 п.п. (с 45,8 % до 41,6 %) —"));
    assert_non_null(strstr(txt, "УТВЕРЖДАЮ"));
    assert_non_null(strstr(txt, "(продолжение)"));
    assert_null(strstr(txt, "Warning"));
    char *fonts = run(cmdf("pdffonts %s 2>&1 | tail -n +3"));
    assert_true(strlen(fonts) > 0);
    for (char *line = strtok(fonts, "\n"); line; line = strtok(NULL, "\n"))
        assert_non_null(strstr(line, "yes yes yes"));   /* emb sub uni */
    char *chk = run(cmdf("qpdf --check %s 2>&1"));
    assert_non_null(strstr(chk, "No syntax or stream encoding errors"));
    assert_null(strstr(chk, "WARNING"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_showcase)};
    return cmocka_run_group_tests(tests, setup, teardown);
}
