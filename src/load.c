/* load — typed loading of CSV records with per-cell checks; see load.h. */
#include "load.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

/* ---- cell parsers ---- */

/* Length of a space-like sequence at s (ASCII space/tab, U+00A0, U+2009, U+202F), or 0. */
static size_t space_at(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    if (n >= 1 && (u[0] == ' ' || u[0] == '\t'))
        return 1;
    if (n >= 2 && u[0] == 0xC2 && u[1] == 0xA0)
        return 2;
    if (n >= 3 && u[0] == 0xE2 && u[1] == 0x80 && (u[2] == 0xAF || u[2] == 0x89))
        return 3;
    return 0;
}

/* Copies s without spaces into out (at most cap-1 bytes); returns the length or -1 if longer. */
static int squeeze(const char *s, size_t n, char *out, size_t cap)
{
    size_t k = 0;
    for (size_t i = 0; i < n;) {
        size_t sp = space_at(s + i, n - i);
        if (sp) {
            i += sp;
            continue;
        }
        if (k + 1 >= cap)
            return -1;
        out[k++] = s[i++];
    }
    out[k] = '\0';
    return (int)k;
}

/* Plain decimals ("12", "-3", "4.25", "4,25"; at most 15 digits) exactly as strtod reads them:
 * the digits form an integer below 2^53 and dividing it by a power of ten up to 10^15 (both
 * exact doubles) is one correctly rounded operation. Returns 0, or -1 to take the full path. */
static int plain_decimal(const char *s, size_t n, double *out)
{
    size_t i = s[0] == '-' || s[0] == '+';
    int64_t m = 0;
    int digits = 0, frac = -1;
    static const double pow10[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
                                   1e11, 1e12, 1e13, 1e14, 1e15};
    for (; i < n; i++) {
        char c = s[i];
        if (c >= '0' && c <= '9') {
            m = m * 10 + (c - '0');
            if (++digits > 15)
                return -1;
            if (frac >= 0)
                frac++;
        } else if ((c == '.' || c == ',') && frac < 0) {
            frac = 0;
        } else {
            return -1;
        }
    }
    if (digits == 0)
        return -1;
    double v = frac > 0 ? (double)m / pow10[frac] : (double)m;
    *out = s[0] == '-' ? -v : v;
    return 0;
}

const char *load_parse_num(const char *s, size_t n, double *out)
{
    if (n > 0 && n < 20 && plain_decimal(s, n, out) == 0)
        return NULL;
    char t[64];
    int len = squeeze(s, n, t, sizeof t);
    if (len <= 0)
        return len < 0 ? "слишком длинное число" : "пустое значение";
    int seps = 0, digits = 0;
    for (int i = 0; i < len; i++) {
        char c = t[i];
        if (c == ',' || c == '.') {
            t[i] = '.';
            seps++;
        } else if (c >= '0' && c <= '9') {
            digits++;
        } else if (!((c == '-' || c == '+') && i == 0)) {
            return "ожидается число";
        }
    }
    if (seps > 1 || digits == 0)
        return "ожидается число";
    char *end;
    double v = strtod(t, &end);
    if (*end != '\0' || !isfinite(v))
        return "ожидается число";
    *out = v;
    return NULL;
}

const char *load_parse_int(const char *s, size_t n, int64_t *out)
{
    if (n > 0 && n < 16) { /* fast path: plain digits, the common case in big files */
        int64_t v = 0;
        size_t i = 0;
        while (i < n && s[i] >= '0' && s[i] <= '9')
            v = v * 10 + (s[i++] - '0');
        if (i == n) {
            *out = v;
            return NULL;
        }
    }
    double v;
    const char *why = load_parse_num(s, n, &v);
    if (why)
        return strcmp(why, "ожидается число") == 0 ? "ожидается целое число" : why;
    if (v != floor(v))
        return "ожидается целое число";
    if (fabs(v) > 1e15)
        return "слишком большое число";
    *out = (int64_t)v;
    return NULL;
}

static int days_in_month(int y, int m)
{
    static const int dm[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : dm[m - 1];
}

/* Reads 1..maxd digits at *p; returns the number or -1. */
static int read_digits(const char **p, const char *end, int mind, int maxd)
{
    int v = 0, k = 0;
    while (*p < end && **p >= '0' && **p <= '9' && k < maxd) {
        v = v * 10 + (**p - '0');
        (*p)++;
        k++;
    }
    return k >= mind ? v : -1;
}

const char *load_parse_date(const char *s, size_t n, int32_t *yyyymmdd)
{
    const char *p = s, *end = s + n;
    int y, m, d;
    while (p < end && *p == ' ')
        p++;
    while (end > p && end[-1] == ' ')
        end--;
    if (end - p >= 5 && p[4] == '-') { /* ISO yyyy-mm-dd */
        y = read_digits(&p, end, 4, 4);
        if (p < end && *p == '-') p++; else return "ожидается дата дд.мм.гггг или гггг-мм-дд";
        m = read_digits(&p, end, 1, 2);
        if (p < end && *p == '-') p++; else return "ожидается дата дд.мм.гггг или гггг-мм-дд";
        d = read_digits(&p, end, 1, 2);
    } else {
        d = read_digits(&p, end, 1, 2);
        if (p < end && *p == '.') p++; else return "ожидается дата дд.мм.гггг или гггг-мм-дд";
        m = read_digits(&p, end, 1, 2);
        if (p < end && *p == '.') p++; else return "ожидается дата дд.мм.гггг или гггг-мм-дд";
        y = read_digits(&p, end, 4, 4);
    }
    if (y < 0 || m < 0 || d < 0 || p != end)
        return "ожидается дата дд.мм.гггг или гггг-мм-дд";
    if (m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
        return "такой даты не существует";
    *yyyymmdd = y * 10000 + m * 100 + d;
    return NULL;
}

/* ---- header ---- */

typedef struct header_acc {
    char **fields;
    int n;
} header_acc;

static int take_header(void *ud, int line, int nfields, char **fields, size_t *lens)
{
    (void)line;
    header_acc *h = ud;
    h->fields = calloc((size_t)nfields, sizeof *h->fields);
    if (!h->fields)
        return 1;
    for (int i = 0; i < nfields; i++)
        h->fields[i] = strndup(fields[i], lens[i]);
    h->n = nfields;
    return 1; /* stop: only the first record */
}

int load_header(cf_file *f, char ***fields, int *nfields)
{
    header_acc h = {0};
    int rc = cf_parse(f, take_header, &h);
    *fields = h.fields;
    *nfields = h.n;
    if (rc < 0)
        return -1;
    if (h.n == 0) {
        snprintf(f->err, sizeof f->err, "файл пуст: нет строки заголовка");
        f->err_line = 0;
        return -1;
    }
    return 0;
}

void load_free_header(char **fields, int nfields)
{
    for (int i = 0; fields && i < nfields; i++)
        free(fields[i]);
    free(fields);
}

/* ---- rows ---- */

typedef struct row_ctx {
    const load_colspec *spec;
    int nspec;
    int header_fields;
    int seen_header;
    tbl *t;
    diag_list *diags;
} row_ctx;

/* A value for a message: at most 40 characters, cut at a UTF-8 boundary. */
static void quote_value(buf *b, const char *s, size_t n)
{
    size_t cut = n, chars = 0;
    for (size_t i = 0; i < n; i++) {
        if (((unsigned char)s[i] & 0xC0) != 0x80 && ++chars > 40) {
            cut = i;
            break;
        }
    }
    buf_puts(b, "«");
    buf_append(b, s, cut);
    buf_puts(b, cut < n ? "…»" : "»");
}

static void cell_error(row_ctx *c, int line, const load_colspec *sp, const char *why,
                       const char *s, size_t n)
{
    buf v = BUF_INIT;
    quote_value(&v, s, n);
    diag_add(c->diags, DIAG_ERROR, line, 0, sp->label, "%s: %s", why, v.data ? v.data : "");
    buf_free(&v);
}

static void format_bound(char *out, size_t cap, double v)
{
    snprintf(out, cap, "%.15g", v);
    char *dot = strchr(out, '.');
    if (dot)
        *dot = ',';
}

static int check_range(row_ctx *c, int line, const load_colspec *sp, double v, const char *s, size_t n)
{
    if ((!sp->has_min || v >= sp->min) && (!sp->has_max || v <= sp->max))
        return 0;
    char lo[32], hi[32], why[200];
    format_bound(lo, sizeof lo, sp->min);
    format_bound(hi, sizeof hi, sp->max);
    if (sp->has_min && sp->has_max)
        snprintf(why, sizeof why, "значение вне допустимого диапазона %s–%s", lo, hi);
    else if (sp->has_min)
        snprintf(why, sizeof why, sp->min == 0 ? "значение не может быть отрицательным" : "значение меньше допустимого %s", lo);
    else
        snprintf(why, sizeof why, "значение больше допустимого %s", hi);
    cell_error(c, line, sp, why, s, n);
    return -1;
}

/* Trims spaces (incl. no-break) at both ends of s[0..*n); returns the new start. */
static const char *trim(const char *s, size_t *n)
{
    size_t sp;
    while (*n && (sp = space_at(s, *n)) != 0)
        s += sp, *n -= sp;
    while (*n) {
        if (s[*n - 1] == ' ' || s[*n - 1] == '\t')
            (*n)--;
        else if (*n >= 2 && (unsigned char)s[*n - 2] == 0xC2 && (unsigned char)s[*n - 1] == 0xA0)
            *n -= 2;
        else
            break;
    }
    return s;
}

static void store_cell(row_ctx *c, size_t row, int col, int line, const char *s, size_t n)
{
    const load_colspec *sp = &c->spec[col];
    s = trim(s, &n);
    if (n == 0) {
        if (sp->nonempty)
            diag_add(c->diags, DIAG_ERROR, line, 0, sp->label, "пустое значение в обязательном столбце");
        return;
    }
    const char *why = NULL;
    if (sp->type == TBL_STR) {
        tbl_set_str(c->t, row, col, s, n);
    } else if (sp->type == TBL_INT) {
        int64_t v;
        if (!(why = load_parse_int(s, n, &v)) && check_range(c, line, sp, (double)v, s, n) == 0)
            tbl_set_int(c->t, row, col, v);
    } else if (sp->type == TBL_NUM) {
        double v;
        if (!(why = load_parse_num(s, n, &v)) && check_range(c, line, sp, v, s, n) == 0)
            tbl_set_num(c->t, row, col, v);
    } else {
        int32_t v;
        if (!(why = load_parse_date(s, n, &v)))
            tbl_set_int(c->t, row, col, v);
    }
    if (why)
        cell_error(c, line, sp, why, s, n);
}

static int take_row(void *ud, int line, int nfields, char **fields, size_t *lens)
{
    row_ctx *c = ud;
    if (!c->seen_header) {
        c->seen_header = 1;
        return 0;
    }
    int extra_empty = 1;
    for (int i = c->header_fields; i < nfields; i++)
        extra_empty = extra_empty && trim(fields[i], &lens[i]) && lens[i] == 0;
    if (nfields < c->header_fields || !extra_empty) {
        diag_add(c->diags, DIAG_ERROR, line, 0, NULL,
                 "в строке %d %s, а в заголовке %d (лишний разделитель или пропущенные кавычки?)",
                 nfields, nfields % 10 == 1 && nfields % 100 != 11 ? "поле" :
                 nfields % 10 >= 2 && nfields % 10 <= 4 && (nfields % 100 < 10 || nfields % 100 >= 20) ? "поля" : "полей",
                 c->header_fields);
        return 0;
    }
    long row = tbl_add_row(c->t, line);
    if (row < 0)
        return 1;
    for (int k = 0; k < c->nspec; k++)
        store_cell(c, (size_t)row, k, line, fields[c->spec[k].field], lens[c->spec[k].field]);
    return c->t->oom ? 1 : 0;
}

int load_table(cf_file *f, const load_colspec *spec, int nspec, int header_fields, tbl **out,
               diag_list *diags)
{
    row_ctx c = {spec, nspec, header_fields, 0, tbl_new(), diags};
    *out = NULL;
    if (!c.t)
        goto oom;
    for (int k = 0; k < nspec; k++)
        if (tbl_add_col(c.t, spec[k].name, spec[k].type) < 0)
            goto oom;
    int rc = cf_parse(f, take_row, &c);
    if (c.t->oom)
        goto oom;
    if (rc < 0) {
        diag_add(diags, DIAG_ERROR, f->err_line, f->err_col, NULL, "%s", f->err);
        tbl_free(c.t);
        return -1;
    }
    *out = c.t;
    return 0;
oom:
    diag_add(diags, DIAG_ERROR, 0, 0, NULL, "недостаточно памяти для загрузки файла");
    tbl_free(c.t);
    return -1;
}
