/* chart — vector charts; see chart.h. The box is split, top to bottom, into the title (wrapped),
 * room for the unit and the value labels, the plot with its y tick labels at the left, the
 * category labels (wrapped; a word wider than its slot hyphenated) and the legend right under
 * them; the plot takes
 * whatever height the other parts leave. */
#include "chart.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "para.h"

#define FS_TICK 8.0f
#define FS_TITLE 10.0f
#define FS_MIN 6.0f                 /* labels shrink down to this size, then are left out */
#define CAT_LINES 3                 /* lines of a category label at most */
#define MIN_PLOT PDF_MM(10)         /* the plot is never lower than this */
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

/* The fast way of round_digits (lua/ru.lua's round_parts argues it the same way): y = |v|·10^d
 * differs from the 15-significant-digit decimal form of |v| (times 10^d) by under 5.2e-15·y, so
 * unless y's fraction lies within 1e-13·y of a half both round alike and floor(y + 0.5) is the
 * answer. Writes its digits (at least decimals + 1) into out as round_digits does and returns
 * how many precede the point, or -1 when y is near a half or too large to decide here. */
static int round_digits_fast(double v, int decimals, char *out, size_t n)
{
    static const double POW10[] = {1, 10, 100, 1e3, 1e4, 1e5, 1e6};
    double y = fabs(v) * POW10[decimals];
    if (!(y < 1e15) || fabs(y - floor(y) - 0.5) <= y * 1e-13 + 1e-13)
        return -1;
    unsigned long long u = (unsigned long long)floor(y + 0.5);
    char rev[24];
    int nd = 0;
    do {
        rev[nd++] = (char)('0' + u % 10);
        u /= 10;
    } while (u > 0);
    while (nd < decimals + 1)
        rev[nd++] = '0';
    if ((size_t)nd >= n)
        return -1;
    for (int i = 0; i < nd; i++)
        out[i] = rev[nd - 1 - i];
    out[nd] = '\0';
    return nd - decimals;
}

/* Digits of |v| rounded half away from zero to `decimals` places (0…6), decided on the
 * 15-significant-digit decimal form of v (as lua/ru.lua's round does: 12,25 → 12,3; 2,675 →
 * 2,68 with two). Writes the digits with no point into out; returns how many of them precede
 * the point. */
static int round_digits(double v, int decimals, char *out, size_t n)
{
    int fast = round_digits_fast(v, decimals, out, n);
    if (fast >= 0)
        return fast;
    char e[32];
    snprintf(e, sizeof e, "%.14e", fabs(v));              /* d.dddddddddddddde±XX */
    char digits[32];
    size_t nd = 0;
    for (const char *q = e; *q && *q != 'e'; q++)
        if (*q >= '0' && *q <= '9')
            digits[nd++] = *q;
    int keep = atoi(strchr(e, 'e') + 1) + 1 + decimals;   /* digits before the rounding point */
    char units[64];
    size_t nu = 0;
    if (keep > 0 && keep < 48) {
        for (int i = 0; i < keep; i++)
            units[nu++] = i < (int)nd ? digits[i] : '0';
        if (keep < (int)nd && digits[keep] >= '5') {      /* carry */
            int i = (int)nu - 1;
            while (i >= 0 && units[i] == '9')
                units[i--] = '0';
            if (i >= 0) {
                units[i]++;
            } else {
                memmove(units + 1, units, nu++);
                units[0] = '1';
            }
        }
    } else if (keep == 0 && nd > 0 && digits[0] >= '5') {
        units[nu++] = '1';
    }
    while (nu < (size_t)decimals + 1) {                    /* at least one digit before it */
        memmove(units + 1, units, nu++);
        units[0] = '0';
    }
    size_t skip = 0;                                         /* no leading zeros */
    while (skip + 1 < nu - (size_t)decimals && units[skip] == '0')
        skip++;
    snprintf(out, n, "%.*s", (int)(nu - skip), units + skip);
    return (int)(nu - skip) - decimals;
}

void chart_num(char *out, size_t n, double v, int decimals)
{
    char d[64];
    if (isnan(v) || isinf(v)) {
        snprintf(out, n, "—");
        return;
    }
    decimals = decimals < 0 ? 0 : decimals > 6 ? 6 : decimals;
    int ni = round_digits(v, decimals, d, sizeof d);
    int neg = v < 0 && strspn(d, "0") < strlen(d);          /* never "−0,0" */
    size_t o = neg ? (size_t)snprintf(out, n, "%s", "\u2212") : 0;
    for (int i = 0; i < ni && o + 4 < n; i++) {
        if (ni >= 5 && i > 0 && (ni - i) % 3 == 0)          /* 12 345: no-break spaces */
            o += (size_t)snprintf(out + o, n - o, "\u00a0");
        out[o++] = d[i];
    }
    if (decimals > 0 && o + 2 < n) {
        out[o++] = ',';
        for (int i = 0; i < decimals && o + 1 < n; i++)
            out[o++] = d[ni + i];
    }
    out[o < n ? o : n - 1] = '\0';
}

/* A placed value label, for telling whether the next one would overlap it. */
typedef struct lrect {
    float x0, y0, x1, y1;
} lrect;

/* Drawing context of one chart. */
typedef struct cdraw {
    const chart *c;
    pdf_ctx *pdf;
    const font_set *fs;
    hyph *hy;
    font_face reg, bold;
    float px, py, pw, ph;   /* plot area */
    double ymin, ymax, step;
    int decimals;           /* of the y tick labels */
    float cat_size;         /* size of the category labels */
    int cat_lines;          /* lines the tallest category label takes */
    float val_size;         /* size of the value labels */
    int val_bare;           /* value labels without " %" (too wide with it) */
    int val_up;             /* value labels upright (too wide across) */
    float top_room;         /* height over the plot the value labels may use */
    lrect *placed;          /* value labels drawn and bars (owned) */
    int nplaced, capplaced;
    para *cat_p;            /* each category label, wrapped by fit_categories (owned) */
    para_layout *cat_l;
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

static int is_percent(const chart_spec *s)
{
    return s->percent || s->kind == CHART_STACKED100;
}

/* The smallest of 1, 2, 2.5, 5 × 10^k not below raw. */
static double nice_step(double raw)
{
    static const double nice[] = {1, 2, 2.5, 5};
    double mag = pow(10, floor(log10(raw))), f = raw / mag;
    for (int i = 0; i < 4; i++)
        if (f <= nice[i] + 1e-9)
            return nice[i] * mag;
    return 10 * mag;
}

/* Picks the y scale: a 1-2-2,5-5 step giving at most about five ticks, the axis ending at the
 * first tick at or above the largest value (percent: 0…100 %). Bars start at zero; a line chart
 * zooms in on its values (marks 3,4…3,8). */
static void scale(cdraw *d)
{
    const chart_spec *s = &d->c->s;
    if (is_percent(s)) {
        d->ymin = 0;
        d->ymax = 100;
        d->step = 20;
    } else {
        double mx = 0, mn = HUGE_VAL;
        for (int i = 0; i < s->ncats * s->nseries; i++)
            if (!isnan(s->values[i])) {
                mx = s->values[i] > mx ? s->values[i] : mx;
                mn = s->values[i] < mn ? s->values[i] : mn;
            }
        double lo = s->kind == CHART_LINE && mn < HUGE_VAL && mn > 0 ? mn : 0;
        if (mx <= lo)
            mx = lo + 1;
        d->step = nice_step((mx - lo) / 5);
        d->ymin = lo > 0 ? floor(lo / d->step + 1e-9) * d->step - d->step : 0;
        d->ymin = d->ymin < 0 ? 0 : d->ymin;
        d->ymax = ceil(mx / d->step - 1e-9) * d->step;
    }
    d->decimals = 0;
    while (d->decimals < 3 && fabs(d->step * pow(10, d->decimals) -
                                   round(d->step * pow(10, d->decimals))) > 1e-6)
        d->decimals++;
}

static int nticks(const cdraw *d)
{
    return (int)floor((d->ymax - d->ymin) / d->step + 0.5);
}

static void tick_label(const cdraw *d, int i, char *lab, size_t n)
{
    chart_num(lab, n, d->ymin + d->step * i, d->decimals);
    if (is_percent(&d->c->s))
        strncat(lab, "\u00a0%", n - strlen(lab) - 1);
}

static float ypos(const cdraw *d, double v)
{
    return d->py + d->ph - (float)((v - d->ymin) / (d->ymax - d->ymin)) * d->ph;
}

static void axes(const cdraw *d)
{
    for (int i = 0; i <= nticks(d); i++) {
        char lab[48];
        float y = ypos(d, d->ymin + d->step * i);
        tick_label(d, i, lab, sizeof lab);
        if (i > 0)
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

/* Breaks text into L at `size`, `width` wide, hyphenated (no_hyph: only words that fit no
 * line). Returns 0, or -1 with d->err set. */
static int wrap(cdraw *d, para *p, para_layout *L, const char *s, font_face f, float size,
                float width, para_align al, int no_hyph)
{
    char e[PARA_ERRLEN];
    para_clear(p);
    p->no_hyph = no_hyph;
    para_add(p, f, size, s, strlen(s));
    if (para_break(p, d->fs, d->hy, width, 0, al, 1.1f, L, e) != 0) {
        snprintf(d->err, PDF_ERRLEN, "диаграмма: %.280s", e);
        return -1;
    }
    return 0;
}

/* Chooses the size of the category labels (8 pt, down to 6 pt while one needs more than
 * CAT_LINES lines in its slot) and how many lines the tallest takes; keeps every label wrapped
 * at that size in d->cat_p / d->cat_l for categories() to draw. Returns 0 or -1. */
static int fit_categories(cdraw *d, float slot)
{
    const chart_spec *s = &d->c->s;
    d->cat_p = calloc((size_t)s->ncats, sizeof *d->cat_p);
    d->cat_l = calloc((size_t)s->ncats, sizeof *d->cat_l);
    if (!d->cat_p || !d->cat_l) {
        snprintf(d->err, PDF_ERRLEN, "диаграмма: нет памяти");
        return -1;
    }
    int rc = 0;
    for (d->cat_size = FS_TICK;; d->cat_size -= 1) {
        d->cat_lines = 1;
        for (int k = 0; k < s->ncats && rc == 0; k++) {
            rc = wrap(d, &d->cat_p[k], &d->cat_l[k], s->cats[k], d->reg, d->cat_size, slot - 2,
                      PARA_CENTER, 1);
            d->cat_lines = d->cat_l[k].nlines > d->cat_lines ? d->cat_l[k].nlines : d->cat_lines;
        }
        if (rc != 0 || d->cat_lines <= CAT_LINES || d->cat_size <= FS_MIN)
            break;
    }
    d->cat_lines = d->cat_lines < CAT_LINES ? d->cat_lines : CAT_LINES;
    return rc;
}

/* Frees the category labels fit_categories kept (calloc'd: a label never wrapped is empty). */
static void free_categories(cdraw *d)
{
    for (int k = 0; d->cat_p && d->cat_l && k < d->c->s.ncats; k++) {
        para_free(&d->cat_p[k]);
        para_layout_free(&d->cat_l[k]);
    }
    free(d->cat_p);
    free(d->cat_l);
    d->cat_p = NULL;
    d->cat_l = NULL;
}

/* Category labels under the plot, as fit_categories wrapped them in their slots; a word is
 * hyphenated only when it fits no line of its slot. */
static void categories(cdraw *d)
{
    const chart_spec *s = &d->c->s;
    float slot = d->pw / (float)s->ncats;
    for (int k = 0; k < s->ncats; k++)
        para_draw(&d->cat_p[k], &d->cat_l[k], d->pdf, d->px + slot * (float)k + 1,
                  d->py + d->ph + 3, slot - 2, 0, d->cat_lines);
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

static void value_text(const cdraw *d, double v, char *lab, size_t n)
{
    chart_num(lab, n, v, 1);
    if (d->c->s.percent && d->c->s.kind != CHART_STACKED100 && !d->val_bare)
        strncat(lab, "\u00a0%", n - strlen(lab) - 1);
}

/* Width of the widest value label at FS_TICK. */
static float widest_value(const cdraw *d)
{
    const chart_spec *s = &d->c->s;
    float widest = 0;
    for (int i = 0; i < s->ncats * s->nseries; i++) {
        char lab[48];
        if (isnan(s->values[i]))
            continue;
        int k = i % s->ncats, j = i / s->ncats;
        double v = s->values[i];
        if (s->kind == CHART_STACKED100) {
            double sum = 0;
            for (int jj = 0; jj < s->nseries; jj++)
                sum += isnan(value(d, jj, k)) ? 0 : value(d, jj, k);
            v = sum > 0 ? value(d, j, k) * 100 / sum : 0;
        }
        value_text(d, v, lab, sizeof lab);
        float w = tw(d, d->reg, FS_TICK, lab);
        widest = w > widest ? w : widest;
    }
    return widest;
}

/* Picks how the value labels go for bars `bar` points wide, labels across having `room`: across
 * at 8 pt, or smaller (down to FS_MIN) so that the widest fits, then without the " %" (the axis
 * carries it); when even that is too wide, turned upright at up to 8 pt (d->val_up) if the bar
 * is wide enough for the letters' height; else none (d->val_size = 0). */
static void fit_values(cdraw *d, float room, float bar)
{
    float widest = widest_value(d);
    if (widest * FS_MIN / FS_TICK > room && d->c->s.percent) {
        d->val_bare = 1;
        widest = widest_value(d);
    }
    d->val_up = 0;
    d->val_size = FS_TICK;
    if (widest <= room || widest <= 0)
        return;
    if (widest * FS_MIN / FS_TICK <= room) {
        d->val_size = FS_TICK * room / widest;
        return;
    }
    d->val_up = 1;
    d->val_size = bar * 0.9f < FS_TICK ? bar * 0.9f : FS_TICK;
    if (d->val_size < FS_MIN)
        d->val_size = 0;
}

/* Whether r meets a box remembered by occupy, box `skip` (an index, or -1) apart. */
static int overlaps(const cdraw *d, const lrect *r, int skip)
{
    for (int i = 0; i < d->nplaced; i++) {
        const lrect *q = &d->placed[i];
        if (i == skip)
            continue;
        if (r->x0 < q->x1 - 0.01f && q->x0 < r->x1 - 0.01f && r->y0 < q->y1 - 0.01f &&
            q->y0 < r->y1 - 0.01f)
            return 1;
    }
    return 0;
}

/* Remembers a box that value labels must not cover (a label drawn, a bar). */
static void occupy(cdraw *d, lrect r)
{
    if (d->placed && d->nplaced < d->capplaced)
        d->placed[d->nplaced++] = r;
}

/* A value label across, centred at (cx, baseline y) on a white patch so that it reads over any
 * fill; left out when it would cover a label already drawn or a bar, leave the plot's sides or
 * go below its axis (onto the category labels). Returns whether drawn. */
static int label(cdraw *d, float cx, float y, double v)
{
    char lab[48];
    if (d->val_size <= 0)
        return 0;
    value_text(d, v, lab, sizeof lab);
    float sz = d->val_size, w = tw(d, d->reg, sz, lab);
    lrect r = {cx - w / 2 - 1, y - sz * 0.8f, cx + w / 2 + 1, y + sz * 0.25f};
    if (r.x0 < d->px - 4 || r.x1 > d->px + d->pw + 4 || r.y1 > d->py + d->ph ||
        overlaps(d, &r, -1))
        return 0;
    occupy(d, r);
    pdf_fill_rect(d->pdf, r.x0, r.y0, r.x1 - r.x0, r.y1 - r.y0, 1.0f);
    text(d, d->reg, sz, cx - w / 2, y, lab);
    return 1;
}

/* An upright value label (read from the bottom up) centred on x = cx over the top y of bar
 * number `bar` (in the boxes remembered), on a white patch: above the bar when that stays below
 * y = top, else inside it at its top when that stays above y = bottom; left out when it would
 * cover another label or bar. */
static int label_up(cdraw *d, float cx, float y, double v, float top, float bottom, int bar)
{
    char lab[48];
    if (d->val_size <= 0)
        return 0;
    value_text(d, v, lab, sizeof lab);
    float sz = d->val_size, w = tw(d, d->reg, sz, lab), y0 = y - 2;
    if (y0 - w - 1 < top)
        y0 = y + 3 + w;                                    /* inside, at the top */
    lrect r = {cx - sz * 0.55f, y0 - w - 1, cx + sz * 0.55f, y0 + 1};
    if (r.y0 < top || r.y1 > bottom || overlaps(d, &r, bar))
        return 0;
    occupy(d, r);
    pdf_fill_rect(d->pdf, r.x0, r.y0, r.x1 - r.x0, r.y1 - r.y0, 1.0f);
    pdf_text_up(d->pdf, d->reg, sz, cx + sz * 0.35f, y0, lab, strlen(lab));
    return 1;
}

static void bars(cdraw *d)
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
            occupy(d, (lrect){x, y, x + bw, d->py + d->ph});
        }
    if (!s->value_labels)
        return;
    fit_values(d, s->nseries > 1 ? bw - 2 : slot * 0.9f, bw);   /* the patch overhangs by 1 */
    int bar = 0;                         /* the bars are the first boxes remembered, in order */
    for (int k = 0; k < s->ncats; k++)
        for (int j = 0; j < s->nseries; j++) {
            double v = value(d, j, k);
            if (isnan(v))
                continue;
            float cx = d->px + slot * (float)k + slot * 0.1f + bw * ((float)j + 0.5f);
            float y = ypos(d, v > d->ymax ? d->ymax : v < d->ymin ? d->ymin : v);
            if (d->val_up)
                label_up(d, cx, y, v, d->py - d->top_room, d->py + d->ph, bar);
            else
                label(d, cx, y - 2, v);
            bar++;
        }
}

static void stacked(cdraw *d)
{
    const chart_spec *s = &d->c->s;
    float slot = d->pw / (float)s->ncats, bw = slot * 0.6f;
    if (s->value_labels)
        fit_values(d, bw - 2, bw);
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
            acc += v;
        }
        if (!s->value_labels)
            continue;
        acc = 0;
        for (int j = 0; j < s->nseries; j++) {
            double v = isnan(value(d, j, k)) ? 0 : value(d, j, k) * 100 / sum;
            float y1 = ypos(d, acc), y0 = ypos(d, acc + v);
            if (d->val_up)
                label_up(d, x + bw / 2, y0, v, y0, y1, -1);   /* inside the segment or none */
            else if (y1 - y0 >= d->val_size * 1.2f)
                label(d, x + bw / 2, (y0 + y1) / 2 + d->val_size * 0.35f, v);
            acc += v;
        }
    }
}

static void lines(cdraw *d)
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
        }
    }
    if (!s->value_labels)
        return;
    fit_values(d, slot - 4, slot - 4);
    if (d->val_up) {                          /* across, however narrow: overlaps are left out */
        d->val_up = 0;
        d->val_size = FS_MIN;
    }
    /* above the point, else below it, else to its right, else to its left, else none */
    for (int j = 0; j < s->nseries; j++)
        for (int k = 0; k < s->ncats; k++) {
            double v = value(d, j, k);
            if (isnan(v))
                continue;
            float x = d->px + slot * ((float)k + 0.5f), y = ypos(d, v), sz = d->val_size;
            char lab[48];
            value_text(d, v, lab, sizeof lab);
            float side = 5 + tw(d, d->reg, sz, lab) / 2;
            if (!label(d, x, y - 5, v) && !label(d, x, y + 5 + sz * 0.8f, v) &&
                !label(d, x + side, y + sz * 0.3f, v))
                label(d, x - side, y + sz * 0.3f, v);
        }
}

/* Legend rows from (x, y), w wide; returns its height (drawn only when `draw`). */
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

/* Lays the parts out and draws them; the title is in tp/tl. Returns 0 or -1 with d->err. */
static int draw_parts(cdraw *d, const para *tp, const para_layout *tl, float x, float y, float w,
                      float h)
{
    const chart_spec *s = &d->c->s;
    float title_h = tl->nlines > 0 ? tl->height + 4 : 0;
    float top = title_h + (s->y_label || s->value_labels ? FS_TICK * 1.4f : 4);
    float legh = s->nseries > 1 || s->kind == CHART_LINE ? legend(d, x, 0, w, 0) + 2 : 0;
    float left = 0;
    for (int i = 0; i <= nticks(d); i++) {
        char lab[48];
        tick_label(d, i, lab, sizeof lab);
        float lw = tw(d, d->reg, FS_TICK, lab);
        left = lw > left ? lw : left;
    }
    if (s->y_label) {
        float lw = tw(d, d->reg, FS_TICK, s->y_label);
        left = lw > left ? lw : left;
    }
    d->px = x + left + 8;
    d->pw = x + w - d->px - 2;
    if (d->pw < 20) {
        snprintf(d->err, PDF_ERRLEN, "диаграмма: слишком узко (%.0f мм)", w * 25.4f / 72);
        return -1;
    }
    if (fit_categories(d, d->pw / (float)s->ncats) != 0)
        return -1;
    float below = (float)d->cat_lines * d->cat_size * 1.1f + 5;
    d->py = y + top;
    d->ph = h - top - below - legh;
    if (d->ph < MIN_PLOT) {
        snprintf(d->err, PDF_ERRLEN, "диаграмма: высота %.0f мм мала, нужно не меньше %.0f мм "
                 "(заголовок, подписи, легенда и поле графика от %.0f мм)", h * 25.4f / 72,
                 ceil((h - d->ph + MIN_PLOT) * 25.4f / 72), MIN_PLOT * 25.4f / 72);
        return -1;
    }
    if (tl->nlines > 0)
        para_draw(tp, tl, d->pdf, x, y, w, 0, tl->nlines);
    axes(d);
    d->top_room = top - title_h;
    d->capplaced = 2 * s->ncats * s->nseries + 1;
    d->placed = malloc((size_t)d->capplaced * sizeof *d->placed);
    if (s->kind == CHART_STACKED100)
        stacked(d);
    else if (s->kind == CHART_LINE)
        lines(d);
    else
        bars(d);
    free(d->placed);
    d->placed = NULL;
    categories(d);
    if (legh > 0)
        legend(d, x, d->py + d->ph + below, w, 1);
    return d->err[0] ? -1 : 0;
}

int chart_draw(const chart *c, pdf_ctx *pdf, const font_set *fs, hyph *hy, float x, float y,
               float w, float h, char err[PDF_ERRLEN])
{
    cdraw d;
    memset(&d, 0, sizeof d);
    d.c = c;
    d.pdf = pdf;
    d.fs = fs;
    d.hy = hy;
    d.reg = c->s.sans ? FONT_SANS : FONT_SERIF;
    d.bold = c->s.sans ? FONT_SANS_BOLD : FONT_SERIF_BOLD;
    d.err = err;
    err[0] = '\0';
    scale(&d);
    para tp = PARA_INIT;
    para_layout tl = PARA_LAYOUT_INIT;
    int rc = 0;
    if (c->s.title && c->s.title[0])          /* wrapped to the width, not hyphenated */
        rc = wrap(&d, &tp, &tl, c->s.title, d.bold, FS_TITLE, w, PARA_CENTER, 1);
    if (rc == 0)
        rc = draw_parts(&d, &tp, &tl, x, y, w, h);
    free_categories(&d);
    para_free(&tp);
    para_layout_free(&tl);
    return rc;
}
