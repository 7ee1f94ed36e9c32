/* chart — vector charts; see chart.h. The box is split into title (top), legend (bottom),
 * y tick labels (left), category labels (under the plot) and the plot itself. */
#include "chart.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "para.h"

#define FS_TICK 8.0f
#define FS_TITLE 10.0f
#define MAXSER 8

struct chart {
    chart_spec s;        /* strings and arrays below are owned copies */
    char **cats, **series;
    double *values;
    char *title, *y_label;
};

static const float SER_GRAY[MAXSER] = {0.25f, 0.55f, 0.80f, 1.0f, 0.40f, 0.90f, 0.65f, 1.0f};
static const pdf_hatch SER_HATCH[MAXSER] = {
    PDF_HATCH_NONE, PDF_HATCH_DIAG, PDF_HATCH_NONE, PDF_HATCH_CROSS,
    PDF_HATCH_BACKDIAG, PDF_HATCH_DOTS, PDF_HATCH_HORIZ, PDF_HATCH_VERT};

void chart_style(int s, float *gray, pdf_hatch *hatch)
{
    *gray = SER_GRAY[s % MAXSER];
    *hatch = SER_HATCH[s % MAXSER];
}

static char *dup(const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

void chart_free(chart *c)
{
    if (!c)
        return;
    for (int i = 0; c->cats && i < c->s.ncats; i++)
        free(c->cats[i]);
    for (int i = 0; c->series && i < c->s.nseries; i++)
        free(c->series[i]);
    free(c->cats);
    free(c->series);
    free(c->values);
    free(c->title);
    free(c->y_label);
    free(c);
}

chart *chart_new(const chart_spec *spec)
{
    if (spec->ncats <= 0 || spec->nseries <= 0 || spec->nseries > MAXSER || !spec->values)
        return NULL;
    chart *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->s = *spec;
    c->cats = calloc((size_t)spec->ncats, sizeof *c->cats);
    c->series = calloc((size_t)spec->nseries, sizeof *c->series);
    c->values = malloc((size_t)spec->ncats * (size_t)spec->nseries * sizeof *c->values);
    if (!c->cats || !c->series || !c->values)
        goto fail;
    for (int i = 0; i < spec->ncats; i++)
        if (!(c->cats[i] = dup(spec->cats && spec->cats[i] ? spec->cats[i] : "")))
            goto fail;
    for (int i = 0; i < spec->nseries; i++)
        if (!(c->series[i] = dup(spec->series && spec->series[i] ? spec->series[i] : "")))
            goto fail;
    memcpy(c->values, spec->values, (size_t)spec->ncats * (size_t)spec->nseries * sizeof *c->values);
    c->title = dup(spec->title);
    c->y_label = dup(spec->y_label);
    c->s.cats = (const char *const *)c->cats;
    c->s.series = (const char *const *)c->series;
    c->s.values = c->values;
    c->s.title = c->title;
    c->s.y_label = c->y_label;
    return c;
fail:
    chart_free(c);
    return NULL;
}

/* Number with a decimal comma: one decimal unless it is whole. */
static void fmt_num(char *out, size_t n, double v, int decimals)
{
    snprintf(out, n, "%.*f", decimals, v);
    for (char *p = out; *p; p++)
        if (*p == '.')
            *p = ',';
}

/* Drawing context of one chart. */
typedef struct cdraw {
    const chart *c;
    pdf_ctx *pdf;
    const font_set *fs;
    font_face reg, bold;
    float px, py, pw, ph;   /* plot area */
    double ymin, ymax, step;
    char *err;
} cdraw;

static float tw(const cdraw *d, font_face f, float size, const char *s)
{
    return font_text_width(d->fs, f, size, s, strlen(s));
}

static void text(const cdraw *d, font_face f, float size, float x, float y, const char *s)
{
    pdf_text(d->pdf, f, size, x, y, s, strlen(s));
}

static double value(const cdraw *d, int s, int k)
{
    return d->c->values[s * d->c->s.ncats + k];
}

/* Picks the y scale: a 1-2-5 step giving about five ticks above the largest value. */
static void scale(cdraw *d)
{
    const chart_spec *s = &d->c->s;
    if (s->percent || s->kind == CHART_STACKED100) {
        d->ymax = 100;
        d->step = 20;
        return;
    }
    double mx = 0, mn = HUGE_VAL;
    for (int i = 0; i < s->ncats * s->nseries; i++)
        if (!isnan(s->values[i])) {
            mx = s->values[i] > mx ? s->values[i] : mx;
            mn = s->values[i] < mn ? s->values[i] : mn;
        }
    /* bars start at zero; a line chart zooms in on its values (marks 3,4…3,8) */
    double lo = s->kind == CHART_LINE && mn < HUGE_VAL && mn > 0 ? mn : 0;
    if (mx <= lo)
        mx = lo + 1;
    double raw = (mx - lo) / 5, mag = pow(10, floor(log10(raw))), f = raw / mag;
    d->step = (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
    d->ymin = lo > 0 ? floor(lo / d->step) * d->step - d->step : 0;
    d->ymin = d->ymin < 0 ? 0 : d->ymin;
    d->ymax = ceil(mx / d->step) * d->step + (lo > 0 ? d->step : 0);
}

static float ypos(const cdraw *d, double v)
{
    return d->py + d->ph - (float)((v - d->ymin) / (d->ymax - d->ymin)) * d->ph;
}

static void axes(const cdraw *d)
{
    int decimals = d->step < 1 ? 1 : 0;
    for (double v = d->ymin; v <= d->ymax + d->step / 2; v += d->step) {
        char lab[32];
        float y = ypos(d, v);
        fmt_num(lab, sizeof lab, v, decimals);
        if (d->c->s.percent || d->c->s.kind == CHART_STACKED100)
            strcat(lab, " %");
        if (v > d->ymin)
            pdf_line(d->pdf, d->px, y, d->px + d->pw, y, 0.3f, 0.6f, 1);
        pdf_line(d->pdf, d->px - 3, y, d->px, y, 0.5f, 0, 0);
        text(d, d->reg, FS_TICK, d->px - 5 - tw(d, d->reg, FS_TICK, lab), y + FS_TICK * 0.35f, lab);
    }
    pdf_line(d->pdf, d->px, d->py, d->px, d->py + d->ph, 0.7f, 0, 0);
    pdf_line(d->pdf, d->px, d->py + d->ph, d->px + d->pw, d->py + d->ph, 0.7f, 0, 0);
    if (d->c->s.y_label)
        text(d, d->reg, FS_TICK, d->px - 5 - tw(d, d->reg, FS_TICK, d->c->s.y_label),
             d->py - 6, d->c->s.y_label);
}

static int lines_max(int nlines, float below)
{
    int fit = (int)(below / (FS_TICK * 1.1f));
    return nlines < fit ? nlines : fit;
}

/* Category labels under the plot, wrapped to the slot width (at most 3 lines). */
static void categories(const cdraw *d, float below)
{
    const chart_spec *s = &d->c->s;
    float slot = d->pw / (float)s->ncats;
    para p = PARA_INIT;
    para_layout L = PARA_LAYOUT_INIT;
    for (int k = 0; k < s->ncats; k++) {
        para_clear(&p);
        para_add(&p, d->reg, FS_TICK, s->cats[k], strlen(s->cats[k]));
        char e[PARA_ERRLEN];
        if (para_break(&p, d->fs, NULL, slot - 2, 0, PARA_CENTER, 1.1f, &L, e) != 0) {
            snprintf(d->err, PDF_ERRLEN, "диаграмма: %.280s", e);
            break;
        }
        int n = lines_max(L.nlines, below);
        para_draw(&p, &L, d->pdf, d->px + slot * (float)k + 1, d->py + d->ph + 3, slot - 2, 0, n);
    }
    para_free(&p);
    para_layout_free(&L);
}

static void swatch(const cdraw *d, int s, float x, float y, float w, float h)
{
    float gray;
    pdf_hatch hatch;
    chart_style(s, &gray, &hatch);
    pdf_fill_rect(d->pdf, x, y, w, h, gray);
    pdf_hatch_rect(d->pdf, x, y, w, h, hatch, 4.0f);
    pdf_stroke_rect(d->pdf, x, y, w, h, 0.5f);
}

/* A value label centred at (cx, baseline y) on a white patch, so it reads over any fill. */
static void label(const cdraw *d, float cx, float y, double v, int pct)
{
    char lab[32];
    fmt_num(lab, sizeof lab, v, 1);
    if (pct)
        strcat(lab, " %");
    float w = tw(d, d->reg, FS_TICK, lab);
    pdf_fill_rect(d->pdf, cx - w / 2 - 1, y - FS_TICK * 0.8f, w + 2, FS_TICK * 1.05f, 1.0f);
    text(d, d->reg, FS_TICK, cx - w / 2, y, lab);
}

static void bars(const cdraw *d)
{
    const chart_spec *s = &d->c->s;
    float slot = d->pw / (float)s->ncats, bw = slot * 0.8f / (float)s->nseries;
    for (int k = 0; k < s->ncats; k++)
        for (int j = 0; j < s->nseries; j++) {
            double v = value(d, j, k);
            if (isnan(v))
                continue;
            float x = d->px + slot * (float)k + slot * 0.1f + bw * (float)j;
            float y = ypos(d, v > d->ymax ? d->ymax : v < d->ymin ? d->ymin : v);
            swatch(d, j, x, y, bw, d->py + d->ph - y);
            if (s->value_labels)
                label(d, x + bw / 2, y - 2, v, s->percent);
        }
}

static void stacked(const cdraw *d)
{
    const chart_spec *s = &d->c->s;
    float slot = d->pw / (float)s->ncats, bw = slot * 0.6f;
    for (int k = 0; k < s->ncats; k++) {
        double sum = 0, acc = 0;
        for (int j = 0; j < s->nseries; j++)
            sum += isnan(value(d, j, k)) ? 0 : value(d, j, k);
        if (sum <= 0)
            continue;
        float x = d->px + slot * (float)k + slot * 0.2f;
        for (int j = 0; j < s->nseries; j++) {
            double v = isnan(value(d, j, k)) ? 0 : value(d, j, k) * 100 / sum;
            float y1 = ypos(d, acc), y0 = ypos(d, acc + v);
            swatch(d, j, x, y0, bw, y1 - y0);
            if (s->value_labels && y1 - y0 >= FS_TICK * 1.2f)
                label(d, x + bw / 2, (y0 + y1) / 2 + FS_TICK * 0.35f, v, 0);
            acc += v;
        }
    }
}

static void lines(const cdraw *d)
{
    const chart_spec *s = &d->c->s;
    float slot = d->pw / (float)s->ncats;
    for (int j = 0; j < s->nseries; j++) {
        float px = 0, py = 0;
        int have = 0;
        for (int k = 0; k < s->ncats; k++) {
            double v = value(d, j, k);
            if (isnan(v)) {
                have = 0;
                continue;
            }
            float x = d->px + slot * ((float)k + 0.5f), y = ypos(d, v);
            if (have)
                pdf_line(d->pdf, px, py, x, y, 1.2f, 0, j % 2);
            px = x, py = y, have = 1;
        }
        for (int k = 0; k < s->ncats; k++) {
            double v = value(d, j, k);
            if (isnan(v))
                continue;
            float x = d->px + slot * ((float)k + 0.5f), y = ypos(d, v);
            pdf_marker(d->pdf, j, x, y, 2.6f, j % 4 < 2 ? (j + 1) % 2 : 1);
            if (s->value_labels)
                label(d, x, y - 5, v, s->percent);
        }
    }
}

/* Legend rows at the bottom of the box; returns its height (drawn only when `draw`). */
static float legend(const cdraw *d, float x, float y, float w, int draw)
{
    const chart_spec *s = &d->c->s;
    float cx = x, cy = y, rowh = FS_TICK * 1.6f;
    for (int j = 0; j < s->nseries; j++) {
        float iw = 16 + tw(d, d->reg, FS_TICK, s->series[j]) + 12;
        if (cx > x && cx + iw > x + w) {
            cx = x;
            cy += rowh;
        }
        if (draw) {
            if (s->kind == CHART_LINE) {
                pdf_line(d->pdf, cx, cy + rowh / 2, cx + 12, cy + rowh / 2, 1.2f, 0, j % 2);
                pdf_marker(d->pdf, j, cx + 6, cy + rowh / 2, 2.4f, j % 4 < 2 ? (j + 1) % 2 : 1);
            } else {
                swatch(d, j, cx, cy + 2, 10, rowh - 4);
            }
            text(d, d->reg, FS_TICK, cx + 15, cy + rowh / 2 + FS_TICK * 0.35f, s->series[j]);
        }
        cx += iw;
    }
    return cy - y + rowh;
}

int chart_draw(const chart *c, pdf_ctx *pdf, const font_set *fs, float x, float y, float w,
               float h, char err[PDF_ERRLEN])
{
    cdraw d = {c, pdf, fs, c->s.sans ? FONT_SANS : FONT_SERIF,
               c->s.sans ? FONT_SANS_BOLD : FONT_SERIF_BOLD, 0, 0, 0, 0, 0, 0, 0, err};
    err[0] = '\0';
    scale(&d);
    float top = y + (c->s.title ? FS_TITLE * 1.8f : 0) + (c->s.y_label ? FS_TICK * 1.4f : 4);
    float legh = c->s.nseries > 1 || c->s.kind == CHART_LINE ? legend(&d, x, 0, w, 0) : 0;
    float below = FS_TICK * 1.1f * 3 + 4;
    float left = 0;
    for (double v = d.ymin; v <= d.ymax; v += d.step) {
        char lab[32];
        fmt_num(lab, sizeof lab, v, d.step < 1 ? 1 : 0);
        float lw = tw(&d, d.reg, FS_TICK, lab) + tw(&d, d.reg, FS_TICK, " %");
        left = lw > left ? lw : left;
    }
    d.px = x + left + 8;
    d.pw = x + w - d.px - 2;
    d.py = top;
    d.ph = y + h - legh - below - 4 - top;
    if (d.ph < 20 || d.pw < 20) {
        snprintf(err, PDF_ERRLEN, "диаграмма: слишком мало места (%.0f × %.0f пт)", w, h);
        return -1;
    }
    if (c->s.title) {
        float t = tw(&d, d.bold, FS_TITLE, c->s.title);
        text(&d, d.bold, FS_TITLE, x + (w - (t < w ? t : w)) / 2, y + FS_TITLE, c->s.title);
    }
    axes(&d);
    if (c->s.kind == CHART_STACKED100)
        stacked(&d);
    else if (c->s.kind == CHART_LINE)
        lines(&d);
    else
        bars(&d);
    categories(&d, below);
    if (legh > 0)
        legend(&d, x, y + h - legh, w, 1);
    return err[0] ? -1 : 0;
}
