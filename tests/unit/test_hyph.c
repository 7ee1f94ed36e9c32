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

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_words), cmocka_unit_test(test_rules)};
    return cmocka_run_group_tests(tests, setup, teardown);
}
