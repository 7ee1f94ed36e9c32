/* font + pdf: coverage errors naming U+XXXX, the ToUnicode CMap text, fonts reused across
 * documents (same bytes for the same document), pdftotext of a PDF we wrote, every face
 * embedded and read back. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

#include "pdf.h"

/* A file name of this process's own: test runs may overlap (parallel make, several checkouts). */
static const char *tmp_pdf(const char *stem)
{
    static char path[4][96];
    static int next;
    char *p = path[next++ % 4];
    snprintf(p, sizeof path[0], "/tmp/%s.%ld.pdf", stem, (long)getpid());
    return p;
}

static const char *cmd_on(const char *fmt, const char *stem)
{
    static char cmd[256];
    snprintf(cmd, sizeof cmd, fmt, tmp_pdf(stem));
    return cmd;
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

static void test_coverage(void **state)
{
    (void)state;
    const font_set *fs = pdf_fonts(pdf);
    char err[FONT_ERRLEN];
    assert_int_equal(font_check(fs, FONT_SERIF, "Ө ө Ү ү Ң ң Һ һ Ә ә Ҡ ҡ Ғ ғ Ҙ ҙ Ҫ ҫ «№» — −",
                                strlen("Ө ө Ү ү Ң ң Һ һ Ә ә Ҡ ҡ Ғ ғ Ҙ ҙ Ҫ ҫ «№» — −"), err), 0);
    assert_int_equal(font_check(fs, FONT_SANS_BOLD, "Ө Ү Ң", strlen("Ө Ү Ң"), err), 0);
    assert_int_equal(font_check(fs, FONT_SERIF, "цена 5 ₽", strlen("цена 5 ₽"), err), -1);
    assert_string_equal(err, "символа «₽» (U+20BD) нет в шрифте OtchetSerif-Regular");
    assert_int_equal(font_check(fs, FONT_SERIF, "a\xff", 2, err), -1);
    assert_string_equal(err, "испорченный UTF-8 (байт 0xFF)");
    assert_int_equal(font_width(fs, FONT_SERIF, 'a'), 443);     /* Times metrics */
    assert_int_equal(font_width(fs, FONT_SERIF, 0x20BD), -1);
}

static void test_tounicode(void **state)
{
    (void)state;
    const font_set *fs = pdf_fonts(pdf);
    font_usage used;
    memset(&used, 0, sizeof used);
    buf enc = BUF_INIT, cmap = BUF_INIT;
    char err[FONT_ERRLEN];
    assert_int_equal(font_encode(fs, FONT_SERIF, "абв Ө", strlen("абв Ө"), &enc, &used, NULL, err), 0);
    assert_int_equal(enc.len, 10);                  /* two bytes a character */
    font_tounicode(fs, &used, &cmap);
    assert_non_null(strstr(cmap.data, "/CMapType 2 def"));
    assert_non_null(strstr(cmap.data, "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange"));
    assert_non_null(strstr(cmap.data, "5 beginbfchar\n"));      /* а б в, space, Ө */
    assert_non_null(strstr(cmap.data, " <0430>\n"));
    assert_non_null(strstr(cmap.data, " <04E8>\nendbfchar"));
    assert_null(strstr(cmap.data, "bfrange"));      /* Ghostscript misreads them */
    assert_null(strstr(cmap.data, "cidrange"));
    /* more than 100 entries split into blocks of at most 100 */
    memset(&used, 0, sizeof used);
    enc.len = 0;
    const char *odd = "!#%')+-/13579;=?ACEGIKMOQSUWY[]_acegikmoqsuwy{}";
    assert_int_equal(font_encode(fs, FONT_SERIF, odd, strlen(odd), &enc, &used, NULL, err), 0);
    const char *cyr = "АВДЖИКМОРТФЦШЪЬЮавджикмортфцшъьюѐђєіјњќўѠѢѤѦѨѪѬѮѰѲѴѶѸѺѼѾҀҊҌҎҐҒҔҖҘҚҜҞҠҢҤҦҨҪҬҮҰҲҴҶҸҺҼҾӁӃӅӇӉӋӍӐӒӔӖӘӚӜӞӠӢӤӦӨӪӬӮӰӲӴӶӸӺӼӾ";
    assert_int_equal(font_encode(fs, FONT_SERIF, cyr, strlen(cyr), &enc, &used, NULL, err), 0);
    buf_reset(&cmap);
    font_tounicode(fs, &used, &cmap);
    assert_non_null(strstr(cmap.data, "100 beginbfchar\n"));
    buf_free(&enc);
    buf_free(&cmap);
}

static size_t doc(unsigned char **out)
{
    size_t len;
    pdf_meta m = {"Заголовок «справки»", "Автор", NULL, NULL, NULL, 2023, 6, 5};
    assert_int_equal(pdf_begin(pdf, &m), 0);
    pdf_add_page(pdf, 0);
    pdf_text(pdf, FONT_SERIF, 12, 72, 72, "Чеди-Хөл — «№ 5»", strlen("Чеди-Хөл — «№ 5»"));
    pdf_bookmark(pdf, 1, "Раздел", 0, 72);
    assert_int_equal(pdf_finish(pdf, out, &len), 0);
    return len;
}

static void test_documents(void **state)
{
    (void)state;
    unsigned char *a, *b;
    size_t la = doc(&a), lb = doc(&b);       /* fonts reused: the second is the same PDF */
    assert_int_equal(la, lb);
    assert_memory_equal(a, b, la);
    FILE *f = fopen(tmp_pdf("otchet-test-font"), "wb");
    fwrite(a, 1, la, f);
    fclose(f);
    free(a);
    free(b);
    FILE *p = popen(cmd_on("pdftotext %s - 2>&1", "otchet-test-font"), "r");
    char txt[512] = "";
    size_t n = fread(txt, 1, sizeof txt - 1, p);
    txt[n] = '\0';
    pclose(p);
    assert_string_equal(txt, "Чеди-Хөл — «№ 5»\n\n\f");
    /* a missing glyph is a sticky error of the document, not silent */
    assert_int_equal(pdf_begin(pdf, NULL), 0);
    pdf_add_page(pdf, 0);
    pdf_text(pdf, FONT_SERIF, 12, 72, 72, "5 ₽", strlen("5 ₽"));
    pdf_text(pdf, FONT_SERIF, 12, 72, 90, "ок", strlen("ок"));
    assert_true(pdf_failed(pdf));
    assert_string_equal(pdf_error(pdf), "символа «₽» (U+20BD) нет в шрифте OtchetSerif-Regular");
    size_t len;
    assert_int_equal(pdf_finish(pdf, &a, &len), -1);
}

/* Writers share one pool of libharu's blocks: closing the writer that opened it, while
 * another is open, leaves the other making the same document, byte for byte. */
static void test_writers_share_the_pool(void **state)
{
    (void)state;
    char err[PDF_ERRLEN];
    unsigned char *a, *b;
    size_t la = doc(&a);
    pdf_ctx *second = pdf_open("fonts", err);
    assert_non_null(second);
    pdf_close(pdf);            /* the first writer goes; the pool stays for the second */
    pdf = second;              /* (teardown closes it, and with it the pool) */
    size_t lb = doc(&b);
    assert_int_equal(la, lb);
    assert_memory_equal(a, b, la);
    free(a);
    free(b);
}

/* Every face embeds, saves and reads back: qpdf and pdffonts accept the file, the fonts are
 * embedded subsets with a Unicode map, and pdftotext gives the text back. "n%l" once made
 * libharu's own subsets unsaveable (its 4096-byte boundary bug); our subsets never meet it. */
static void test_every_face(void **state)
{
    (void)state;
    const char *text = "n%l Чеди-Хөл «№ 5» — 1 080,5 −4,2";
    unsigned char *out;
    size_t len;
    assert_int_equal(pdf_begin(pdf, NULL), 0);
    pdf_add_page(pdf, 0);
    for (int f = 0; f < FONT_NFACES; f++)
        pdf_text(pdf, (font_face)f, 10, 72, 72 + 20 * (float)f, text, strlen(text));
    assert_int_equal(pdf_finish(pdf, &out, &len), 0);
    FILE *file = fopen(tmp_pdf("otchet-test-font-faces"), "wb");
    fwrite(out, 1, len, file);
    fclose(file);
    free(out);
    assert_int_equal(system(cmd_on("qpdf --check %s >/dev/null", "otchet-test-font-faces")), 0);
    FILE *p = popen(cmd_on("pdffonts %s | awk 'NR > 2 && $(NF-4) == \"yes\" && "
                           "$(NF-3) == \"yes\" && $(NF-2) == \"yes\"' | wc -l",
                           "otchet-test-font-faces"), "r");
    int embedded = 0;
    assert_int_equal(fscanf(p, "%d", &embedded), 1);
    pclose(p);
    assert_int_equal(embedded, FONT_NFACES);
    char txt[2048] = "", want[2048] = "";
    p = popen(cmd_on("pdftotext %s - 2>&1", "otchet-test-font-faces"), "r");
    txt[fread(txt, 1, sizeof txt - 1, p)] = '\0';
    pclose(p);
    for (int f = 0; f < FONT_NFACES; f++)
        snprintf(want + strlen(want), sizeof want - strlen(want), "%s\n", text);
    snprintf(want + strlen(want), sizeof want - strlen(want), "\n\f");
    assert_string_equal(txt, want);
    /* a second reader: Ghostscript's text (its lines are indented to their place) */
    p = popen(cmd_on("gs -q -dNOPAUSE -dBATCH -sDEVICE=txtwrite -sOutputFile=- %s 2>&1 | "
                     "sed 's/^ *//' | tr -d '\\r'", "otchet-test-font-faces"), "r");
    txt[fread(txt, 1, sizeof txt - 1, p)] = '\0';
    pclose(p);
    want[0] = '\0';
    for (int f = 0; f < FONT_NFACES; f++)
        snprintf(want + strlen(want), sizeof want - strlen(want), "%s\n", text);
    assert_string_equal(txt, want);
}

/* A second document drawing the same glyphs reuses the compressed subset: same bytes, and
 * the tag names the glyph set (a different set, a different tag). */
static void test_subset_cache(void **state)
{
    (void)state;
    font_set *fs = (font_set *)pdf_fonts(pdf);
    font_usage a, b;
    buf enc = BUF_INIT;
    char err[FONT_ERRLEN];
    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    assert_int_equal(font_encode(fs, FONT_SANS, "абв", strlen("абв"), &enc, &a, NULL, err), 0);
    assert_int_equal(font_encode(fs, FONT_SANS, "абвг", strlen("абвг"), &enc, &b, NULL, err), 0);
    const font_blob *x = font_embed(fs, FONT_SANS, &a, err);
    assert_non_null(x);
    char tag[7];
    memcpy(tag, x->tag, sizeof tag);
    size_t raw = x->raw_len;
    const font_blob *y = font_embed(fs, FONT_SANS, &b, err);
    assert_string_not_equal(y->tag, tag);
    assert_true(y->raw_len > raw);
    x = font_embed(fs, FONT_SANS, &a, err);
    assert_string_equal(x->tag, tag);
    assert_int_equal(x->raw_len, raw);
    buf_free(&enc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_coverage), cmocka_unit_test(test_tounicode),
        cmocka_unit_test(test_documents),
        cmocka_unit_test(test_writers_share_the_pool), cmocka_unit_test(test_every_face),
        cmocka_unit_test(test_subset_cache),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
