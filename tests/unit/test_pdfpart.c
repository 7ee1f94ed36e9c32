/* pdfpart: documents kept as parts and combined — pages in order, each part on an odd page,
 * their text and bookmarks intact, fonts embedded once; damaged or foreign parts refused; a
 * document past the pages one file can hold stopped with a reason. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pdfpart.h"

static pdf_ctx *pdf;
static buf part_a, part_b;          /* a one-page and a two-page document */

static const char *tmp_pdf(void)
{
    static char path[96];
    snprintf(path, sizeof path, "/tmp/otchet-test-pdfpart.%ld.pdf", (long)getpid());
    return path;
}

static void text(float y, const char *s)
{
    pdf_text(pdf, FONT_SERIF, 12, 72, y, s, strlen(s));
}

/* Writes a finished PDF to tmp_pdf() for poppler and qpdf, and frees it. */
static void save(unsigned char *out, size_t len)
{
    FILE *f = fopen(tmp_pdf(), "wb");
    assert_non_null(f);
    fwrite(out, 1, len, f);
    fclose(f);
    free(out);
}

/* Finishes the kept document and appends its part to `part`. */
static void finish_into(buf *part)
{
    unsigned char *out;
    size_t len;
    assert_int_equal(pdf_finish(pdf, &out, &len), 0);
    free(out);
    assert_int_equal(pdfpart_take(pdf, part), 0);
}

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
    buf_free(&part_a);
    buf_free(&part_b);
    return 0;
}

static void make_parts(void)
{
    buf_reset(&part_a);
    buf_reset(&part_b);
    pdf_keep(pdf);
    assert_int_equal(pdf_begin(pdf, NULL), 0);
    pdf_add_page(pdf, 0);
    text(100, "Школа № 1 — «первая»");
    pdf_bookmark(pdf, 1, "Школа 1", 0, 90);
    finish_into(&part_a);
    pdf_keep(pdf);
    assert_int_equal(pdf_begin(pdf, NULL), 0);
    pdf_add_page(pdf, 0);
    text(100, "Школа 2, лист 1");
    pdf_bookmark(pdf, 1, "Школа 2", 0, 90);
    pdf_add_page(pdf, 1);
    pdf_fill_rect(pdf, 50, 50, 100, 20, 0.85f);
    pdf_text(pdf, FONT_SANS_BOLD, 10, 72, 100, "Өлчүү", strlen("Өлчүү"));
    pdf_bookmark(pdf, 2, "Лист 2", 1, 90);
    finish_into(&part_b);
}

static char *run(const char *fmt)
{
    static char out[4096];
    char cmd[512];
    snprintf(cmd, sizeof cmd, fmt, tmp_pdf());
    FILE *p = popen(cmd, "r");
    out[fread(out, 1, sizeof out - 1, p)] = '\0';
    pclose(p);
    return out;
}

static void test_combined(void **state)
{
    (void)state;
    make_parts();
    pdfpart_in in[3] = {{(unsigned char *)part_a.data, part_a.len},
                        {(unsigned char *)part_b.data, part_b.len},
                        {(unsigned char *)part_a.data, part_a.len}};
    pdf_meta meta = {"Все листы", NULL, NULL, NULL, NULL, 2024, 9, 2};
    unsigned char *out;
    size_t len;
    int pages;
    assert_int_equal(pdfpart_combine(pdf, &meta, in, 3, 1, &out, &len, &pages), 0);
    assert_int_equal(pages, 5);                    /* 1, blank, 2, 1 */
    save(out, len);
    assert_string_equal(run("qpdf --check %s >/dev/null 2>&1 && echo ok"), "ok\n");
    assert_string_equal(run("pdftotext %s -"),
                        "Школа № 1 — «первая»\n\n\f\fШкола 2, лист 1\n\n\fӨлчүү\n\n\f"
                        "Школа № 1 — «первая»\n\n\f");
    /* two faces, embedded once each, with a Unicode map */
    assert_string_equal(run("pdffonts %s | awk 'NR > 2 { print $(NF-4) $(NF-3) $(NF-2) }'"),
                        "yesyesyes\nyesyesyes\n");
    /* qpdf lists a bookmark's children before its title: "Лист 2" is inside "Школа 2" */
    assert_string_equal(run("qpdf --json --json-key=outlines %s | grep -o '\"title\": \"[^\"]*'"),
                        "\"title\": \"Школа 1\n\"title\": \"Лист 2\n\"title\": \"Школа 2\n"
                        "\"title\": \"Школа 1\n");
    unlink(tmp_pdf());
}

/* One node of libharu's page tree holds 32,767 pages: a document (the printer's file of a
 * country's sheets) stops at its 32,768th with a reason, not with libharu's "0x1001", and one
 * of 32,767 pages is written whole. */
static void test_pages_past_the_limit(void **state)
{
    (void)state;
    assert_int_equal(pdf_begin(pdf, NULL), 0);
    for (int i = 0; i < 32767; i++)
        assert_int_equal(pdf_add_page(pdf, 0), i);
    unsigned char *out;
    size_t len;
    assert_int_equal(pdf_finish(pdf, &out, &len), 0);
    save(out, len);
    assert_string_equal(run("qpdf --show-npages %s"), "32767\n");
    unlink(tmp_pdf());
    assert_int_equal(pdf_begin(pdf, NULL), 0);
    for (int i = 0; i < 32767; i++)
        pdf_add_page(pdf, 0);
    assert_int_equal(pdf_add_page(pdf, 0), -1);
    assert_string_equal(pdf_error(pdf), "в документе больше 32767 страниц: столько в одном файле PDF "
                                        "не записать; разделите документ (листы школ — частями, --shard)");
}

static void test_refused(void **state)
{
    (void)state;
    make_parts();
    unsigned char *out;
    size_t len;
    int pages;
    pdfpart_in cut[2] = {{(unsigned char *)part_a.data, part_a.len},
                         {(unsigned char *)part_b.data, part_b.len - 5}};
    assert_int_equal(pdfpart_combine(pdf, NULL, cut, 2, 1, &out, &len, &pages), -1);
    assert_string_equal(pdf_error(pdf), "часть 2 объединяемого файла повреждена");
    part_a.data[8] ^= 1;                            /* the fonts' fingerprint */
    pdfpart_in foreign[1] = {{(unsigned char *)part_a.data, part_a.len}};
    assert_int_equal(pdfpart_combine(pdf, NULL, foreign, 1, 1, &out, &len, &pages), -1);
    assert_string_equal(pdf_error(pdf), "часть 1 сделана с другими шрифтами");
    /* a document not kept has no part */
    buf none = BUF_INIT;
    assert_int_equal(pdf_begin(pdf, NULL), 0);
    pdf_add_page(pdf, 0);
    assert_int_equal(pdf_finish(pdf, &out, &len), 0);
    free(out);
    assert_int_equal(pdfpart_take(pdf, &none), -1);
    buf_free(&none);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_combined),
        cmocka_unit_test(test_pages_past_the_limit), cmocka_unit_test(test_refused),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
