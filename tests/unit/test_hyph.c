/* hyph: Russian hyphenation points from the KOI8-R dictionary, mapped to UTF-8 offsets. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "hyph.h"

static hyph *hy;

static int setup(void **state)
{
    char err[HYPH_ERRLEN];
    (void)state;
    hy = hyph_open(NULL, err);
    return hy ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    hyph_close(hy);
    return 0;
}

/* The word with '-' at every break point. */
static const char *split(const char *w)
{
    static char out[256];
    int at[HYPH_MAXPOINTS], n = hyph_points(hy, w, strlen(w), at, HYPH_MAXPOINTS), p = 0;
    size_t o = 0;
    for (int i = 0; i < n; i++) {
        o += (size_t)snprintf(out + o, sizeof out - o, "%.*s-", at[i] - p, w + p);
        p = at[i];
    }
    snprintf(out + o, sizeof out - o, "%s", w + p);
    return out;
}

static void test_words(void **state)
{
    (void)state;
    assert_string_equal(split("образовательного"), "обра-зо-ватель-ного");
    assert_string_equal(split("общеобразовательная"), "обще-обра-зо-ватель-ная");
    assert_string_equal(split("Образование"), "Обра-зо-ва-ние");        /* capitals too */
    assert_string_equal(split("муниципального"), "му-ници-паль-ного");
    assert_string_equal(split("качество"), "ка-че-ство");
}

static void test_rules(void **state)
{
    (void)state;
    assert_string_equal(split("подъезд"), "подъезд");      /* never before ъ */
    assert_string_equal(split("сентябрь"), "сен-тябрь");   /* ь stays with its consonant */
    assert_string_equal(split("оно"), "оно");              /* two letters each side at least */
    assert_string_equal(split("ВПР"), "ВПР");
    assert_string_equal(split("Өөрениң"), "Өөрениң");      /* not Russian: left alone */
    assert_string_equal(split("слово,"), "слово,");        /* not a bare word */
    /* the cache answers the second time exactly as the first */
    assert_string_equal(split("образовательного"), "обра-зо-ватель-ного");
}

/* Every letter, lower and upper case, ё too, goes to the dictionary as its KOI8-R lower case
 * (the points are those the iconv conversion gave). */
static void test_all_letters(void **state)
{
    (void)state;
    assert_string_equal(split("съёмка"), "съём-ка");
    assert_string_equal(split("эксплуатация"), "экс-плу-а-та-ция");
    assert_string_equal(split("хлебобулочные"), "хле-бо-бу-лоч-ные");
    assert_string_equal(split("южный"), "юж-ный");
    assert_string_equal(split("физкультура"), "физ-культу-ра");
    assert_string_equal(split("цапля"), "цап-ля");
    assert_string_equal(split("шёлковый"), "шёл-ко-вый");
    assert_string_equal(split("ЧЕЛОВЕЧЕСТВО"), "ЧЕ-ЛОВЕ-ЧЕ-СТВО");
    assert_string_equal(split("гидравлика"), "гид-рав-ли-ка");
    assert_string_equal(split("защищённый"), "за-щи-щён-ный");
    assert_string_equal(split("ДОЖДЕВОЙ"), "ДОЖ-ДЕ-ВОЙ");
    assert_string_equal(split("Ёлочный"), "Ёлоч-ный");
}

/* More words than the cache keeps: it is emptied and refilled, the answers stay the same. */
static void test_cache_bound(void **state)
{
    (void)state;
    char w[16];
    assert_string_equal(split("качество"), "ка-че-ство");
    for (int i = 0; i < 70000; i++) {          /* «бава», «бавб», … four letters each */
        int n = 0, v = i;
        for (int k = 0; k < 4; k++, v /= 32) {
            unsigned cp = 0x0431 + (unsigned)(v % 32) % 31;
            w[n++] = (char)(0xC0 | (cp >> 6));
            w[n++] = (char)(0x80 | (cp & 0x3F));
        }
        int at[HYPH_MAXPOINTS];
        hyph_points(hy, w, (size_t)n, at, HYPH_MAXPOINTS);
    }
    assert_string_equal(split("качество"), "ка-че-ство");
    assert_string_equal(split("образовательного"), "обра-зо-ватель-ного");
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_words), cmocka_unit_test(test_rules),
                                       cmocka_unit_test(test_all_letters),
                                       cmocka_unit_test(test_cache_bound)};
    return cmocka_run_group_tests(tests, setup, teardown);
}
