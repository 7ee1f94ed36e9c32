/* ttf: subsets of our faces are valid TrueType (checked by fontTools, an independent reader):
 * glyphs renumbered with their outlines and metrics, checksums right; malformed fonts and
 * composite glyphs refused with a reason. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ttf.h"

static buf face;            /* fonts/OtchetSerif-Regular.ttf */

static int read_file(const char *path, buf *out)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    char chunk[8192];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        buf_append(out, chunk, n);
    fclose(f);
    return out->oom ? -1 : 0;
}

static int setup(void **state)
{
    (void)state;
    return read_file("fonts/OtchetSerif-Regular.ttf", &face);
}

static int teardown(void **state)
{
    (void)state;
    buf_free(&face);
    return 0;
}

static uint32_t sum32(const unsigned char *p, size_t len)
{
    uint32_t s = 0;
    for (size_t i = 0; i + 4 <= len; i += 4)
        s += (uint32_t)p[i] << 24 | (uint32_t)p[i + 1] << 16 | (uint32_t)p[i + 2] << 8 | p[i + 3];
    return s;
}

static const char *tmp_path(const char *stem)
{
    static char path[96];
    snprintf(path, sizeof path, "/tmp/%s.%ld.ttf", stem, (long)getpid());
    return path;
}

/* Glyph i of the subset is glyph map[i] of the face: fontTools compares outlines and advance
 * widths of both files and checks the tables it needs are there. */
static void test_subset_matches_source(void **state)
{
    (void)state;
    char err[TTF_ERRLEN];
    ttf_font *t = ttf_open((unsigned char *)face.data, face.len, err);
    assert_non_null(t);
    uint16_t map[] = {TTF_NONE, 68, 3, TTF_NONE, 500, 36};
    buf out = BUF_INIT;
    assert_int_equal(ttf_subset(t, map, 6, &out), 0);
    assert_int_equal(out.len % 4, 0);
    assert_int_equal(sum32((unsigned char *)out.data, out.len), 0xB1B0AFBAu);  /* whole file */
    char perr[TTF_ERRLEN];
    ttf_font *back = ttf_open((unsigned char *)out.data, out.len, perr);
    assert_non_null(back);
    assert_int_equal(ttf_num_glyphs(back), 6);
    ttf_close(back);
    FILE *f = fopen(tmp_path("otchet-test-ttf"), "wb");
    fwrite(out.data, 1, out.len, f);
    fclose(f);
    char cmd[1024];
    snprintf(cmd, sizeof cmd,
             "/usr/bin/python3 -c \"\n"
             "from fontTools.ttLib import TTFont\n"
             "s, o = TTFont('%s'), TTFont('fonts/OtchetSerif-Regular.ttf')\n"
             "so, oo = s.getGlyphOrder(), o.getGlyphOrder()\n"
             "assert sorted(s.keys())[:7] == ['GlyphOrder', 'glyf', 'head', 'hhea', 'hmtx', 'loca', 'maxp'], s.keys()\n"
             "assert s['maxp'].numGlyphs == 6 and s['head'].indexToLocFormat == 0\n"
             "for i, g in [(1, 68), (2, 3), (4, 500), (5, 36)]:\n"
             "    a, b = s['glyf'][so[i]], o['glyf'][oo[g]]\n"
             "    assert s['hmtx'][so[i]] == o['hmtx'][oo[g]], i\n"
             "    assert getattr(a, 'numberOfContours', 0) == getattr(b, 'numberOfContours', 0), i\n"
             "    if getattr(b, 'numberOfContours', 0):\n"
             "        assert list(a.coordinates) == list(b.coordinates), i\n"
             "for i in (0, 3):\n"
             "    assert getattr(s['glyf'][so[i]], 'numberOfContours', 0) == 0\n"
             "\"",
             tmp_path("otchet-test-ttf"));
    assert_int_equal(system(cmd), 0);
    unlink(tmp_path("otchet-test-ttf"));
    uint16_t bad[] = {TTF_NONE, 60000};
    buf_reset(&out);
    assert_int_equal(ttf_subset(t, bad, 2, &out), -1);
    buf_free(&out);
    ttf_close(t);
}

/* Past 128 KiB of outlines loca must be long: a subset repeating one glyph 2,000 times. */
static void test_long_loca(void **state)
{
    (void)state;
    char err[TTF_ERRLEN];
    ttf_font *t = ttf_open((unsigned char *)face.data, face.len, err);
    static uint16_t map[2000];
    for (int i = 0; i < 2000; i++)
        map[i] = 36;                                   /* a capital with some outline */
    buf out = BUF_INIT;
    assert_int_equal(ttf_subset(t, map, 2000, &out), 0);
    assert_true(out.len > 2 * 65535);
    const unsigned char *head = NULL;
    unsigned ntables = (unsigned char)out.data[4] << 8 | (unsigned char)out.data[5];
    for (unsigned i = 0; i < ntables; i++)
        if (memcmp(out.data + 12 + 16 * i, "head", 4) == 0) {
            const unsigned char *r = (unsigned char *)out.data + 12 + 16 * i + 8;
            head = (unsigned char *)out.data + ((uint32_t)r[0] << 24 | r[1] << 16 | r[2] << 8 | r[3]);
        }
    assert_non_null(head);
    assert_int_equal(head[51], 1);                     /* indexToLocFormat */
    ttf_font *back = ttf_open((unsigned char *)out.data, out.len, err);
    assert_non_null(back);                             /* every glyph inside glyf */
    assert_int_equal(ttf_num_glyphs(back), 2000);
    ttf_close(back);
    buf_free(&out);
    ttf_close(t);
}

static void test_malformed(void **state)
{
    (void)state;
    char err[TTF_ERRLEN];
    assert_null(ttf_open((const unsigned char *)"OTTO", 4, err));
    assert_string_equal(err, "файл короче заголовка TrueType");
    assert_null(ttf_open((const unsigned char *)"OTTO\0\0\0\0\0\0\0\0", 12, err));
    assert_string_equal(err, "не шрифт TrueType с контурами glyf");
    /* cut inside the tables: some table now ends past the end of the file */
    assert_null(ttf_open((unsigned char *)face.data, face.len / 2, err));
    assert_non_null(strstr(err, "выходит за конец файла"));
}

/* The original Liberation font has composite glyphs (й = и + breve); fontprep flattens them
 * for us, and a font that still has them is refused rather than embedded without parts. */
static void test_composite_refused(void **state)
{
    (void)state;
    buf orig = BUF_INIT;
    if (read_file("/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf", &orig)) {
        buf_free(&orig);
        skip();
    }
    char err[TTF_ERRLEN];
    assert_null(ttf_open((unsigned char *)orig.data, orig.len, err));
    assert_non_null(strstr(err, "составной"));
    buf_free(&orig);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_subset_matches_source),
        cmocka_unit_test(test_long_loca),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_composite_refused),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
