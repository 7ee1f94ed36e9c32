/* para: exact break points, justification widths, a word wider than its box cut by
 * characters, no line starting with a dash, hyphenation (not of names nor headings unless a word
 * fits no line; a hyphen at every cut inside a word), e-mail addresses kept whole, first-line
 * indent, measuring.
 * Digits are 500/1000 em and the space 250/1000 em in OtchetSerif: widths below are exact. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "para.h"

static pdf_ctx *pdf;
static hyph *hy;
static para p = PARA_INIT;
static para_layout L = PARA_LAYOUT_INIT;

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
    para_free(&p);
    para_layout_free(&L);
    pdf_close(pdf);
    hyph_close(hy);
    return 0;
}

static void lay(const char *text, float width, float indent, para_align al, int hyphenate)
{
    char err[PARA_ERRLEN];
    para_clear(&p);
    para_add(&p, FONT_SERIF, 10, text, strlen(text));
    assert_int_equal(para_break(&p, pdf_fonts(pdf), hyphenate ? hy : NULL, width, indent, al,
                                1.2f, &L, err), 0);
}

/* Line i as drawn text ("-" added where hyphenated, frags joined by one space at gaps). */
static const char *line(int i)
{
    static char out[512];
    size_t o = 0;
    const para_line *ln = &L.lines[i];
    for (int k = ln->frag; k < ln->frag + ln->nfrags; k++) {
        const para_frag *f = &L.frags[k];
        if (k > ln->frag && f->gaps != L.frags[k - 1].gaps)
            out[o++] = ' ';
        o += (size_t)snprintf(out + o, sizeof out - o, "%.*s%s", (int)f->len,
                              p.text.data + f->off, f->hyphen ? "-" : "");
    }
    out[o] = '\0';
    return out;
}

static void test_break_points(void **state)
{
    (void)state;
    lay("1111 2222 3333 4444 5", 45, 0, PARA_LEFT, 0);
    assert_int_equal(L.nlines, 3);
    assert_string_equal(line(0), "1111 2222");
    assert_string_equal(line(1), "3333 4444");
    assert_string_equal(line(2), "5");
    assert_float_equal(L.lines[0].width, 42.5, 0.001);
    assert_float_equal(L.height, 36, 0.001);                  /* 3 × 10 pt × 1.2 */
    lay("1111 2222\n3333", 100, 0, PARA_LEFT, 0);              /* forced break */
    assert_int_equal(L.nlines, 2);
    assert_int_equal(L.lines[0].justify, 0);
}

static void test_justify(void **state)
{
    (void)state;
    lay("1111 22 3333 4444", 60, 0, PARA_JUSTIFY, 0);
    assert_int_equal(L.nlines, 2);
    const para_line *a = &L.lines[0];
    assert_string_equal(line(0), "1111 22 3333");
    assert_float_equal(a->width, 50 + 5, 0.001);               /* 10 digits + 2 spaces */
    assert_int_equal(a->ngaps, 2);
    assert_int_equal(a->justify, 1);
    /* drawn: extra (60 - 55) / 2 per gap, so the last word ends exactly at the box edge */
    const para_frag *last = &L.frags[a->frag + a->nfrags - 1];
    assert_float_equal(last->x + last->gaps * (60 - a->width) / a->ngaps + last->w, 60, 0.001);
    assert_int_equal(L.lines[1].justify, 0);                   /* last line stays left */
}

static void test_long_word(void **state)
{
    (void)state;
    lay("1111111111", 22, 0, PARA_JUSTIFY, 0);                 /* 50 pt in a 22 pt box */
    assert_int_equal(L.nlines, 3);
    assert_string_equal(line(0), "1111");
    assert_string_equal(line(2), "11");
    for (int i = 0; i < L.nlines; i++)
        assert_true(L.lines[i].width <= 22);
    lay("1", 3, 0, PARA_LEFT, 0);                             /* narrower than one digit */
    assert_int_equal(L.nlines, 1);
}

static void test_dash_and_hyphens(void **state)
{
    (void)state;
    /* the dash never starts a line: "бюджетное —" moves together */
    lay("учреждение бюджетное — организация", 70, 0, PARA_LEFT, 0);
    for (int i = 0; i < L.nlines; i++)
        assert_true(strncmp(line(i), "—", strlen("—")) != 0);
    assert_string_equal(line(1), "бюджетное —");
    lay("бюджетное — организация", 50, 0, PARA_LEFT, 0);      /* too wide even alone */
    assert_string_equal(line(0), "бюджетное");
    assert_string_equal(line(1), "—");
    lay("северо-западный", 40, 0, PARA_LEFT, 0);               /* after a hyphen, no mark */
    assert_string_equal(line(0), "северо-");
    assert_int_equal(L.frags[L.lines[0].frag].hyphen, 0);
    lay("1111 образовательного", 70, 0, PARA_LEFT, 1);         /* dictionary hyphenation */
    assert_string_equal(line(0), "1111 образо-");           /* the last point that fits */
    assert_string_equal(line(1), "вательного");
    lay("1111 обра\xc2\xad" "зовательного", 70, 0, PARA_LEFT, 0);   /* soft hyphen */
    assert_string_equal(line(0), "1111 обра-");
}

/* Every line ending inside a word of letters ends with a drawn hyphen. */
static void assert_cuts_hyphenated(void)
{
    for (int i = 0; i + 1 < L.nlines; i++) {
        const para_line *ln = &L.lines[i];
        const para_frag *f = &L.frags[ln->frag + ln->nfrags - 1];
        const char *end = p.text.data + f->off + f->len;
        int letter_after = (unsigned char)end[0] >= 0xD0 || (end[0] >= 'a' && end[0] <= 'z');
        if (letter_after && ((unsigned char)end[-1] >= 0x80 || (end[-1] >= 'a' && end[-1] <= 'z')))
            assert_int_equal(f->hyphen, 1);
    }
}

static void test_heading_not_hyphenated(void **state)
{
    (void)state;
    p.no_hyph = 1;                        /* headings and titles */
    lay("1111 образовательного", 80, 0, PARA_LEFT, 1);
    assert_string_equal(line(0), "1111");
    assert_string_equal(line(1), "образовательного");
    lay("1111 образовательного", 70, 0, PARA_LEFT, 1);   /* fits no line: hyphenated anyway */
    assert_string_equal(line(0), "1111");
    assert_string_equal(line(1), "образователь-");
    p.no_hyph = 0;
    lay("1111 образовательного", 80, 0, PARA_LEFT, 1);   /* body text is */
    assert_string_equal(line(0), "1111 образо-");
}

static void test_names_not_hyphenated(void **state)
{
    (void)state;
    /* «(Мельни-чук Л.В.)» must not happen: a word with a capital letter first stays whole */
    lay("руководителям МБОУ «Еловская СОШ» (Мельничук Л.В.)", 150, 0, PARA_JUSTIFY, 1);
    assert_string_equal(line(0), "руководителям МБОУ «Еловская");
    assert_string_equal(line(1), "СОШ» (Мельничук Л.В.)");
    lay("1111 Образовательного", 80, 0, PARA_LEFT, 1);
    assert_string_equal(line(0), "1111");
    lay("УПРАВЛЕНИЕ МУНИЦИПАЛЬНОГО", 120, 0, PARA_CENTER, 1);   /* nor one in capitals */
    assert_string_equal(line(0), "УПРАВЛЕНИЕ");
    assert_string_equal(line(1), "МУНИЦИПАЛЬНОГО");
    lay("Ответственные", 40, 0, PARA_CENTER, 1);     /* unless it fits no line: dictionary */
    assert_string_equal(line(0), "Ответ-");
    assert_string_equal(line(1), "ственные");
}

static void test_forced_break_has_hyphen(void **state)
{
    (void)state;
    /* «Средня|я»: the dictionary has no point in «Средняя»; a syllable boundary is used */
    lay("Средняя отметка", 30, 0, PARA_CENTER, 1);
    assert_string_equal(line(0), "Сред-");
    assert_string_equal(line(1), "няя");
    lay("Средняя", 30, 0, PARA_LEFT, 0);                 /* without a dictionary too */
    assert_string_equal(line(0), "Сред-");
    /* «Добровольски|й»: a syllable boundary that keeps ль together */
    lay("Добровольский П.Е.", 45, 0, PARA_LEFT, 1);
    assert_string_equal(line(0), "Добро-");
    assert_string_equal(line(1), "вольский");
    lay("abcdefghij", 28, 0, PARA_LEFT, 0);              /* a cut by characters: room for '-' */
    assert_string_equal(line(0), "abcde-");
    assert_string_equal(line(1), "fghij");
    for (int i = 0; i < L.nlines; i++)
        assert_true(L.lines[i].width <= 28);
    lay("Общеобразовательная организация Кызыл-Чыраанская", 26, 0, PARA_LEFT, 1);
    assert_cuts_hyphenated();
    for (int i = 0; i < L.nlines; i++)
        assert_true(L.lines[i].width <= 26);
}

static void test_email_not_broken(void **state)
{
    (void)state;
    lay("тел. (39164) 2-15-40; e-mail: uo@kedrovsk-edu.ru", 150, 0, PARA_LEFT, 1);
    assert_string_equal(line(0), "тел. (39164) 2-15-40; e-mail:");   /* not «uo@kedrovsk-» */
    assert_string_equal(line(1), "uo@kedrovsk-edu.ru");
    lay("uo@kedrovsk-edu.ru", 40, 0, PARA_LEFT, 1);   /* wider than the box: cut, no hyphen */
    for (int i = 0; i < L.nlines; i++)
        assert_int_equal(L.frags[L.lines[i].frag + L.lines[i].nfrags - 1].hyphen, 0);
}

static void test_indent_and_measure(void **state)
{
    (void)state;
    lay("1111 2222 3333", 45, 20, PARA_JUSTIFY, 0);
    assert_string_equal(line(0), "1111");                      /* 25 pt left after the indent */
    assert_float_equal(L.lines[0].indent, 20, 0.001);
    assert_float_equal(L.lines[1].indent, 0, 0.001);
    float mn, mx;
    para_measure(&p, pdf_fonts(pdf), &mn, &mx);
    assert_float_equal(mn, 20, 0.001);
    assert_float_equal(mx, 65, 0.001);
}

/* A table cell's paragraph holds what it needs: one run, and a layout of one line of one
 * fragment (a large report keeps hundreds of thousands of them); a longer one grows. */
static void test_small_layout(void **state)
{
    (void)state;
    para q = PARA_INIT;
    para_layout one = PARA_LAYOUT_INIT;
    char err[PARA_ERRLEN];
    para_add(&q, FONT_SERIF, 10, "12,5", 4);
    assert_int_equal(q.caprun, 1);
    assert_int_equal(para_break(&q, pdf_fonts(pdf), hy, 100, 0, PARA_LEFT, 1.2f, &one, err), 0);
    assert_int_equal(one.nlines, 1);
    assert_int_equal(one.caplines, 1);
    assert_int_equal(one.capfrags, 1);
    para_add(&q, FONT_SERIF_BOLD, 10, "\n1\n2", 4);                /* 2 runs, 3 lines */
    assert_int_equal(para_break(&q, pdf_fonts(pdf), hy, 100, 0, PARA_LEFT, 1.2f, &one, err), 0);
    assert_int_equal(one.nlines, 3);
    assert_true(one.caplines >= 3 && one.capfrags >= one.nfrags);
    para_free(&q);
    para_layout_free(&one);
}

/* Longer than the arrays on the stack: 50 words, and 50 pieces on one line. */
static void test_long_paragraph(void **state)
{
    (void)state;
    char text[400] = "";
    for (int i = 0; i < 50; i++)
        strcat(text, i ? " 1111" : "1111");
    lay(text, 45, 0, PARA_LEFT, 1);
    assert_int_equal(L.nlines, 25);
    assert_string_equal(line(24), "1111 1111");
    assert_float_equal(L.lines[24].width, 42.5, 0.001);
    for (int i = 0; i < 50; i++)
        text[i * 2] = '1', text[i * 2 + 1] = ' ';
    text[99] = '\0';
    lay(text, 1000, 0, PARA_LEFT, 1);
    assert_int_equal(L.nlines, 1);
    assert_int_equal(L.nfrags, 50);
    assert_float_equal(L.lines[0].width, 50 * 5 + 49 * 2.5, 0.001);
}

/* The memo gives what para_break gives: for a repeat, another width, other runs, an error. */
static void test_memo(void **state)
{
    (void)state;
    para_memo *m = para_memo_new();
    para_layout M = PARA_LAYOUT_INIT;
    char err[PARA_ERRLEN];
    const font_set *fs = pdf_fonts(pdf);
    assert_non_null(m);
    for (int round = 0; round < 2; round++) {            /* the second round: from the memo */
        lay("1111 2222 3333 4444 5", 45, 0, PARA_LEFT, 0);
        assert_int_equal(para_break_memo(m, &p, fs, NULL, 45, 0, PARA_LEFT, 1.2f, &M, err), 0);
        assert_int_equal(M.nlines, 3);
        assert_int_equal(M.nfrags, L.nfrags);
        assert_memory_equal(M.lines, L.lines, sizeof *L.lines * 3);
        assert_memory_equal(M.frags, L.frags, sizeof *L.frags * (size_t)L.nfrags);
        assert_float_equal(M.height, 36, 0.001);
        assert_int_equal(para_break_memo(m, &p, fs, NULL, 100, 0, PARA_RIGHT, 1.2f, &M, err), 0);
        assert_int_equal(M.nlines, 1);                   /* 100 pt: one line, 110 wide */
        assert_int_equal(M.align, PARA_RIGHT);
        para_clear(&p);
        para_add(&p, FONT_SERIF, 20, "1111 2222 3333 4444 5", 21);   /* 20 pt: a word a line */
        assert_int_equal(para_break_memo(m, &p, fs, NULL, 45, 0, PARA_LEFT, 1.2f, &M, err), 0);
        assert_int_equal(M.nlines, 5);
        assert_float_equal(M.lines[0].width, 40, 0.001);
        para_clear(&p);
        para_add(&p, FONT_SERIF, 10, "5 ₽", strlen("5 ₽"));
        assert_int_equal(para_break_memo(m, &p, fs, NULL, 100, 0, PARA_LEFT, 1.2f, &M, err), -1);
        assert_string_equal(err, "символа «₽» (U+20BD) нет в шрифте OtchetSerif-Regular");
    }
    para_layout_free(&M);
    para_memo_free(m);
}

/* Measures through the memo give para_measure's widths, from the memo on a repeat, and do not
 * stand in for a break of the same paragraph (nor a break for them). */
static void test_measure_memo(void **state)
{
    (void)state;
    para_memo *m = para_memo_new();
    para_layout M = PARA_LAYOUT_INIT;
    char err[PARA_ERRLEN];
    const font_set *fs = pdf_fonts(pdf);
    float mn, mx;
    for (int round = 0; round < 2; round++) {            /* the second round: from the memo */
        lay("1111 2222 3333", 45, 0, PARA_LEFT, 0);
        para_measure_memo(m, &p, fs, &mn, &mx);
        assert_float_equal(mn, 20, 0.001);
        assert_float_equal(mx, 65, 0.001);
        assert_int_equal(para_break_memo(m, &p, fs, NULL, 45, 0, PARA_LEFT, 1.2f, &M, err), 0);
        assert_int_equal(M.nlines, 2);
        assert_memory_equal(M.lines, L.lines, sizeof *L.lines * 2);
        para_clear(&p);
        para_add(&p, FONT_SERIF, 20, "1111 2222 3333", 14);   /* 20 pt: twice as wide */
        para_measure_memo(m, &p, fs, &mn, &mx);
        assert_float_equal(mn, 40, 0.001);
        assert_float_equal(mx, 130, 0.001);
    }
    para_measure_memo(NULL, &p, fs, &mn, &mx);           /* no memo: measured as it is */
    assert_float_equal(mx, 130, 0.001);
    para_layout_free(&M);
    para_memo_free(m);
}

static void test_missing_glyph(void **state)
{
    (void)state;
    char err[PARA_ERRLEN];
    para_clear(&p);
    para_add(&p, FONT_SERIF, 10, "5 ₽", strlen("5 ₽"));
    assert_int_equal(para_break(&p, pdf_fonts(pdf), NULL, 100, 0, PARA_LEFT, 1.2f, &L, err), -1);
    assert_string_equal(err, "символа «₽» (U+20BD) нет в шрифте OtchetSerif-Regular");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_break_points), cmocka_unit_test(test_justify),
        cmocka_unit_test(test_long_word), cmocka_unit_test(test_dash_and_hyphens),
        cmocka_unit_test(test_indent_and_measure), cmocka_unit_test(test_missing_glyph),
        cmocka_unit_test(test_small_layout), cmocka_unit_test(test_long_paragraph),
        cmocka_unit_test(test_memo), cmocka_unit_test(test_measure_memo),
        cmocka_unit_test(test_heading_not_hyphenated), cmocka_unit_test(test_names_not_hyphenated),
        cmocka_unit_test(test_forced_break_has_hyphen), cmocka_unit_test(test_email_not_broken),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
