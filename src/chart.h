/* chart — vector charts drawn with pdf: bar, grouped bar, 100 % stacked bar (the distribution of
 * marks «2»–«5») and line charts over years; axes, ticks, category labels and legend in Russian,
 * numbers with a decimal comma. Series stay distinguishable in black-and-white print: gray
 * lightness steps plus hatch patterns for bars, markers and dash patterns for lines.
 * Uses pdf, font, para. */
#ifndef OTCHET_CHART_H
#define OTCHET_CHART_H
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

/* Draws the chart into the box (x, y) top-left, w × h points. Returns 0, or -1 with err. */
int chart_draw(const chart *c, pdf_ctx *pdf, const font_set *fs, float x, float y, float w,
               float h, char err[PDF_ERRLEN]);

/* The chart's series style (for tests and legends): gray level and hatch of series s. */
void chart_style(int s, float *gray, pdf_hatch *hatch);

#endif
