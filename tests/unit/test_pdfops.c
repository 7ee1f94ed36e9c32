/* pdfops: the exact operators written — short numbers, state set once, words of a line joined
 * into one Tj/TJ with the space glyph and kerning, codes as escaped literal strings, rounding
 * that never adds up, q/Q. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pdfops.h"

static const unsigned char AB[] = {0, 0x21, 0, 0x22};     /* two glyphs: "\0!\0\"" */
static const unsigned char C[] = {0, 0x23};               /* "\0#" */
#define SPACE 1u

/* The operators written so far equal `want` (n bytes: codes hold NUL bytes). */
#define assert_ops(o, want) assert_bytes(pdfops_finish(o), want, sizeof want - 1)

static void assert_bytes(const buf *b, const char *want, size_t n)
{
    if (b->len != n || memcmp(b->data, want, n) != 0) {
        print_error("got %zu bytes: ", b->len);
        for (size_t i = 0; i < b->len; i++)
            print_error(b->data[i] >= 32 && b->data[i] < 127 ? "%c" : "\\x%02x",
                        (unsigned char)b->data[i]);
        print_error("\n");
        fail();
    }
}

static void test_numbers_and_state(void **state)
{
    (void)state;
    pdfops o;
    pdfops_init(&o);
    pdfops_line_width(&o, 0.5f);
    pdfops_line_width(&o, 0.5f);                 /* unchanged: nothing written */
    pdfops_stroke_gray(&o, 0);
    pdfops_rect(&o, 0.004f, 12.5f, -3.456f, 100);
    pdfops_paint(&o, "S");
    pdfops_fill_gray(&o, 0.85f);
    pdfops_rect(&o, 1000.999f, -0.5f, 7.1f, 0.06f);
    pdfops_paint(&o, "f");
    assert_ops(&o, "0.5 w\n0 G\n0.85 g\n0 12.5 -3.46 100 re\nS\n1001 -0.5 7.1 0.06 re\nf\n");
    pdfops_free(&o);
}

/* Three words of a justified line: a gap of exactly one space is the space glyph, a wider gap
 * the space glyph plus kerning (thousandths of the size, negative moves right). */
static void test_words_joined(void **state)
{
    (void)state;
    pdfops o;
    pdfops_init(&o);
    /* size 10: AB is 10 pt wide, a space 2.5 pt */
    pdfops_text(&o, 1, 10, 72, 700, AB, 4, 10, SPACE, 2.5f);
    pdfops_text(&o, 1, 10, 84.5f, 700, C, 2, 5, SPACE, 2.5f);      /* gap 2.5: one space */
    pdfops_text(&o, 1, 10, 93.5f, 700, AB, 4, 10, SPACE, 2.5f);    /* gap 4: space + 1.5 pt */
    assert_ops(&o, "BT\n/F1 10 Tf\n72 700 Td\n"
                   "[(\0!\0\"\0\1\0#\0\1)-150(\0!\0\")]TJ\nET\n");
    pdfops_free(&o);
}

/* Not joined: another baseline (relative Td), another font, text behind the pen, graphics in
 * between (the text object ends; the font stays set, it is graphics state). */
static void test_runs_split(void **state)
{
    (void)state;
    pdfops o;
    pdfops_init(&o);
    pdfops_text(&o, 1, 10, 72, 700, AB, 4, 10, SPACE, 2.5f);
    pdfops_text(&o, 1, 10, 72, 686.2f, AB, 4, 10, SPACE, 2.5f);
    pdfops_text(&o, 2, 10, 90, 686.2f, C, 2, 5, SPACE, 2.5f);
    pdfops_text(&o, 2, 10, 80, 686.2f, C, 2, 5, SPACE, 2.5f);
    pdfops_rect(&o, 0, 0, 1, 1);
    pdfops_paint(&o, "f");
    pdfops_text(&o, 2, 10, 50, 50, C, 2, 5, SPACE, 2.5f);
    assert_ops(&o, "BT\n/F1 10 Tf\n72 700 Td\n(\0!\0\")Tj\n0 -13.8 Td\n(\0!\0\")Tj\n"
                   "/F2 10 Tf\n18 0 Td\n(\0#)Tj\n-10 0 Td\n(\0#)Tj\nET\n"
                   "0 0 1 1 re\nf\nBT\n50 50 Td\n(\0#)Tj\nET\n");
    pdfops_free(&o);
}

/* 300 lines 13.333 pt apart in one text object: each Td is rounded to 0.01, yet the last line
 * is where it should be to within that 0.005 (the position carried is the written one). */
static void test_rounding_does_not_add_up(void **state)
{
    (void)state;
    pdfops o;
    pdfops_init(&o);
    for (int i = 0; i < 300; i++)
        pdfops_text(&o, 1, 10, 72.004f, 800 - 13.333f * (float)i, C, 2, 5, SPACE, 2.5f);
    const buf *b = pdfops_finish(&o);
    double y = 0, x = 0;
    char *copy = malloc(b->len + 1);
    for (size_t i = 0; i < b->len; i++)          /* codes hold NUL bytes */
        copy[i] = b->data[i] ? b->data[i] : ' ';
    copy[b->len] = '\0';
    for (char *line = strtok(copy, "\n"); line; line = strtok(NULL, "\n")) {
        double dx, dy;
        char op[4];
        if (sscanf(line, "%lf %lf %3s", &dx, &dy, op) == 3 && strcmp(op, "Td") == 0) {
            x += dx;
            y += dy;
        }
    }
    free(copy);
    assert_true(fabs(y - (800 - 13.333 * 299)) < 0.006);
    assert_true(fabs(x - 72.004) < 0.006);
    pdfops_free(&o);
}

/* Table cells: text, border, text, border. The borders wait, the text stays in one text object,
 * one S strokes them all; a fill is drawn after the waiting strokes (what was painted first
 * stays underneath), and so is a change of line width. */
static void test_strokes_deferred(void **state)
{
    (void)state;
    pdfops o;
    pdfops_init(&o);
    pdfops_line_width(&o, 0.5f);
    pdfops_text(&o, 1, 10, 10, 100, C, 2, 5, SPACE, 2.5f);
    pdfops_rect(&o, 5, 95, 50, 15);
    pdfops_paint(&o, "S");
    pdfops_text(&o, 1, 10, 10, 85, C, 2, 5, SPACE, 2.5f);
    pdfops_move(&o, 5, 80);
    pdfops_line(&o, 55, 80);
    pdfops_paint(&o, "S");
    pdfops_fill_gray(&o, 0.9f);            /* does not concern strokes: they still wait */
    pdfops_rect(&o, 5, 60, 50, 15);
    pdfops_paint(&o, "f");
    pdfops_rect(&o, 5, 60, 50, 15);
    pdfops_paint(&o, "S");
    pdfops_line_width(&o, 1);
    assert_ops(&o, "0.5 w\nBT\n/F1 10 Tf\n10 100 Td\n(\0#)Tj\n0 -15 Td\n(\0#)Tj\n0.9 g\nET\n"
                   "5 95 50 15 re\n5 80 m\n55 80 l\nS\n5 60 50 15 re\nf\n"
                   "5 60 50 15 re\nS\n1 w\n");
    pdfops_free(&o);
}

/* Q brings back the state saved by q: a width set inside is set again after. */
static void test_save_restore(void **state)
{
    (void)state;
    pdfops o;
    pdfops_init(&o);
    pdfops_line_width(&o, 1);
    pdfops_save(&o);
    pdfops_line_width(&o, 0.5f);
    pdfops_restore(&o);
    pdfops_line_width(&o, 1);               /* still 1 after Q: nothing */
    pdfops_line_width(&o, 0.5f);
    assert_ops(&o, "1 w\nq\n0.5 w\nQ\n0.5 w\n");
    pdfops_reset(&o);                        /* a page drawn on again: state unknown */
    pdfops_line_width(&o, 0.5f);
    assert_ops(&o, "0.5 w\n");
    pdfops_free(&o);
}

/* Bytes a literal string cannot hold as they are: ( ) \\ and CR (a reader turns it into LF). */
static void test_escapes(void **state)
{
    (void)state;
    pdfops o;
    pdfops_init(&o);
    static const unsigned char codes[] = {0x28, 0x29, 0x5C, 0x0D, 0x0A, 0x00};
    pdfops_text(&o, 1, 10, 0, 0, codes, sizeof codes, 10, SPACE, 2.5f);
    assert_ops(&o, "BT\n/F1 10 Tf\n0 0 Td\n(\\(\\)\\\\\\r\n\0)Tj\nET\n");
    pdfops_free(&o);
}

static void test_text_up(void **state)
{
    (void)state;
    pdfops o;
    pdfops_init(&o);
    pdfops_text_up(&o, 3, 7, 100.25f, 200, C, 2);
    assert_ops(&o, "BT\n/F3 7 Tf\n0 1 -1 0 100.25 200 Tm\n(\0#)Tj\nET\n");
    pdfops_free(&o);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_numbers_and_state), cmocka_unit_test(test_words_joined),
        cmocka_unit_test(test_runs_split), cmocka_unit_test(test_rounding_does_not_add_up),
        cmocka_unit_test(test_strokes_deferred), cmocka_unit_test(test_save_restore),
        cmocka_unit_test(test_escapes),
        cmocka_unit_test(test_text_up),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
