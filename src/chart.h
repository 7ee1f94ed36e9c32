/* chart — vector charts drawn with pdf: bar, grouped bar, 100 % stacked bar (the distribution of
 * marks «2»–«5») and line charts over years; axes with 1-2-2,5-5 steps, wrapped title, hyphenated
 * category labels and the legend under them, in Russian, numbers with a decimal comma rounded as
 * the reports round them. Value labels shrink to the bar width and are left out where they
 * would overlap another. Series stay distinguishable in black-and-white print: gray
 * lightness steps plus hatch patterns for bars, markers and dash patterns for lines.
 * Uses pdf, font, para. */
#ifndef OTCHET_CHART_H
#define OTCHET_CHART_H
#include <stddef.h>
#include "font.h"
#include "hyph.h"
#include "pdf.h"

typedef enum { CHART_BAR, CHART_GROUPED, CHART_STACKED100, CHART_LINE } chart_kind;

typedef struct chart_spec {
    chart_kind kind;
    const char *title;           /* above the plot; NULL = none */
    const char *y_label;         /* unit over the y axis ("%", "баллы"); NULL = none */
    int ncats, nseries;
    const char *const *cats;     /* ncats labels along the x axis */
    const char *const *series;   /* nseries legend names */
    const double *values;        /* values[s * ncats + c]; NaN = no value */
    int percent;                 /* y axis 0…100 % (implied by CHART_STACKED100) */
    int value_labels;            /* print the values on bars and points */
    int sans;                    /* labels in OtchetSans; default OtchetSerif, the text face:
                                  * two faces fewer to embed (~1 ms and ~8 KB per document) */
} chart_spec;

typedef struct chart chart;

/* Deep-copies the spec. Returns NULL when out of memory or the spec is inconsistent. */
chart *chart_new(const chart_spec *spec);
void chart_free(chart *c);

/* Draws the chart into the box (x, y) top-left, w × h points, hyphenating category labels
 * with hy (may be NULL). The title wraps to the width; the legend follows the category labels;
 * the plot takes the rest, at least 10 mm: a box too low for that is an error naming the
 * height needed. Returns 0, or -1 with err. */
int chart_draw(const chart *c, pdf_ctx *pdf, const font_set *fs, hyph *hy, float x, float y,
               float w, float h, char err[PDF_ERRLEN]);

/* v with `decimals` decimals as the reports print numbers (lua/ru.lua's num): rounded half away
 * from zero on its 15-significant-digit decimal form (12.25 → "12,3"), a decimal comma, U+2212
 * for minus, no-break spaces between thousands from five digits on ("12 345,0"). */
void chart_num(char *out, size_t n, double v, int decimals);

/* The chart's series style (for tests and legends): gray level and hatch of series s. */
void chart_style(int s, float *gray, pdf_hatch *hatch);

#endif
