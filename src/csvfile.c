/* csvfile — encoding detection, delimiter sniffing and strict parsing; see csvfile.h.
 * Line numbers: libcsv reports none, so the text is fed one physical line at a time and a
 * record's line is the line being fed when the parser was between records. */
#include "csvfile.h"

#include <csv.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "fsx.h"
#include "text.h"

static void seterr(cf_file *f, int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void seterr(cf_file *f, int line, int col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(f->err, sizeof f->err, fmt, ap);
    va_end(ap);
    f->err_line = line;
    f->err_col = col;
}

/* Physical line (1-based) and character column of byte offset `off` in s. */
static void locate(const char *s, size_t off, int *line, int *col)
{
    int l = 1, c = 1;
    for (size_t i = 0; i < off; i++) {
        if (s[i] == '\n') {
            l++;
            c = 1;
        } else if (((unsigned char)s[i] & 0xC0) != 0x80) {
            c++;
        }
    }
    *line = l;
    *col = c;
}

/* Converts raw bytes with a known legacy encoding into f->text. */
static int decode_with(cf_file *f, const char *from, const char *raw, size_t n, const char *label)
{
    buf out = BUF_INIT;
    size_t bad = 0;
    if (txt_to_utf8(from, raw, n, &out, &bad) != 0) {
        buf_free(&out);
        int line, col;
        locate(raw, bad, &line, &col);
        seterr(f, line, col, "байт 0x%02X не допустим в кодировке %s; сохраните файл как «CSV UTF-8»",
               bad < n ? (unsigned char)raw[bad] : 0, label);
        return -1;
    }
    f->len = out.len;
    f->text = buf_take(&out);
    f->encoding = label;
    return 0;
}

/* Decides the encoding of raw and leaves UTF-8 text in f->text. */
static int decode(cf_file *f, char *raw, size_t n)
{
    const unsigned char *u = (const unsigned char *)raw;
    if (n >= 4 && memcmp(raw, "PK\x03\x04", 4) == 0) {
        seterr(f, 0, 0, "это книга Excel (.xlsx), а не CSV; сохраните лист как «CSV UTF-8 (разделитель — запятая)»");
        return -1;
    }
    if (n >= 2 && u[0] == 0xFF && u[1] == 0xFE)
        return decode_with(f, "UTF-16LE", raw + 2, n - 2, "UTF-16LE");
    if (n >= 2 && u[0] == 0xFE && u[1] == 0xFF)
        return decode_with(f, "UTF-16BE", raw + 2, n - 2, "UTF-16BE");
    int bom = n >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF;
    if (bom) {
        memmove(raw, raw + 3, n - 3);
        n -= 3;
        raw[n] = '\0';
    }
    int multibyte = 0;
    size_t bad = txt_utf8_check(raw, n, &multibyte);
    /* Broken UTF-8 in a file that otherwise is UTF-8 is damage, not Windows-1251. */
    if (bad < n && (multibyte || bom)) {
        int line, col;
        locate(raw, bad, &line, &col);
        seterr(f, line, col, "некорректная последовательность байтов UTF-8 (файл испорчен или в смешанной кодировке)");
        return -1;
    }
    if (bad < n)
        return decode_with(f, "CP1251", raw, n, "Windows-1251");
    f->text = raw;
    f->len = n;
    f->encoding = bom ? "UTF-8 BOM" : "UTF-8";
    return 1; /* raw was adopted */
}

/* Picks the delimiter that occurs most often in the header record, outside quotes.
 * Ties go to ';' (Russian Excel's own), then tab, then ','. */
static char sniff_delim(const char *s, size_t n)
{
    size_t semi = 0, tab = 0, comma = 0;
    int quoted = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '"')
            quoted = !quoted;
        else if (!quoted && (c == '\n' || c == '\r'))
            break;
        else if (!quoted && c == ';')
            semi++;
        else if (!quoted && c == '\t')
            tab++;
        else if (!quoted && c == ',')
            comma++;
    }
    if (semi >= tab && semi >= comma && semi > 0)
        return ';';
    if (tab >= comma && tab > 0)
        return '\t';
    return ',';
}

static int check_nul(cf_file *f)
{
    const char *z = memchr(f->text, '\0', f->len);
    if (!z)
        return 0;
    int line, col;
    locate(f->text, (size_t)(z - f->text), &line, &col);
    seterr(f, line, col, "файл содержит нулевые байты: это не текстовый CSV");
    return -1;
}

int cf_open(cf_file *f, const char *path, size_t max_bytes)
{
    char fe[FSX_ERRLEN];
    char *raw = NULL;
    size_t n = 0;

    memset(f, 0, sizeof *f);
    f->path = strdup(path);
    if (fsx_read_all(path, max_bytes, &raw, &n, fe) != 0) {
        /* fsx messages start with the path; ours get it from the caller */
        const char *msg = strncmp(fe, path, strlen(path)) == 0 ? fe + strlen(path) + 2 : fe;
        seterr(f, 0, 0, "%s", msg);
        return -1;
    }
    int r = decode(f, raw, n);
    if (r != 1)
        free(raw);
    if (r < 0 || check_nul(f) != 0)
        return -1;
    f->delim = sniff_delim(f->text, f->len);
    return 0;
}

void cf_close(cf_file *f)
{
    free(f->path);
    free(f->text);
    memset(f, 0, sizeof *f);
}

/* ---- parsing ---- */

typedef struct row_state {
    cf_file *f;
    cf_record_fn fn;
    void *ud;
    buf fields;               /* the current record's fields, each NUL-terminated */
    size_t offs[CF_MAX_FIELDS];
    size_t lens[CF_MAX_FIELDS];
    char *ptrs[CF_MAX_FIELDS];
    int nfields;
    int line;                 /* physical line the current record started on */
    int stop;                 /* 1 = callback asked to stop, -1 = error */
} row_state;

static void on_field(void *data, size_t len, void *ud)
{
    row_state *st = ud;
    if (st->stop)
        return;
    if (st->nfields >= CF_MAX_FIELDS) {
        seterr(st->f, st->line, CF_MAX_FIELDS + 1, "в строке больше %d полей", CF_MAX_FIELDS);
        st->stop = -1;
        return;
    }
    st->offs[st->nfields] = st->fields.len;
    st->lens[st->nfields] = len;
    buf_append(&st->fields, data ? data : "", len);
    buf_putc(&st->fields, '\0');
    st->nfields++;
}

static void on_record(int term, void *ud)
{
    (void)term;
    row_state *st = ud;
    int blank = 1;
    for (int i = 0; i < st->nfields && blank; i++)
        blank = st->lens[i] == 0;
    if (!st->stop && !blank) {
        if (st->fields.oom) {
            seterr(st->f, st->line, 0, "недостаточно памяти для чтения строки");
            st->stop = -1;
        } else {
            for (int i = 0; i < st->nfields; i++)
                st->ptrs[i] = st->fields.data + st->offs[i];
            if (st->fn(st->ud, st->line, st->nfields, st->ptrs, st->lens) != 0)
                st->stop = 1;
        }
    }
    st->nfields = 0;
    buf_reset(&st->fields);
}

static int only_space(unsigned char c) { return c == ' '; }

/* libcsv grows its field buffer through this; refusing past the cap turns a runaway field
 * (an unbalanced quote in lenient data) into CSV_ENOMEM instead of eating memory. */
static void *capped_realloc(void *p, size_t n)
{
    return n > CF_MAX_FIELD + 64 ? NULL : realloc(p, n);
}

static int parse_error(cf_file *f, struct csv_parser *p, int line, const char *ln, size_t at)
{
    int col = 1;
    for (size_t i = 0; i < at; i++)
        col += (((unsigned char)ln[i] & 0xC0) != 0x80);
    if (csv_error(p) == CSV_EPARSE)
        seterr(f, line, col, "нарушены правила кавычек CSV (кавычка внутри поля без кавычек или текст после закрывающей кавычки)");
    else
        seterr(f, line, col, "поле длиннее %u КБ", CF_MAX_FIELD >> 10);
    return -1;
}

int cf_parse(cf_file *f, cf_record_fn fn, void *ud)
{
    struct csv_parser p;
    row_state *st = calloc(1, sizeof *st);
    int rc = -1, line = 0;
    size_t pos = 0;

    if (!st || csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0) {
        free(st);
        seterr(f, 0, 0, "недостаточно памяти");
        return -1;
    }
    *st = (row_state){.f = f, .fn = fn, .ud = ud};
    csv_set_delim(&p, (unsigned char)f->delim);
    csv_set_space_func(&p, only_space);
    csv_set_realloc_func(&p, capped_realloc);
    csv_set_blk_size(&p, 4096);
    while (pos < f->len && !st->stop) {
        const char *ln = f->text + pos;
        const char *nl = memchr(ln, '\n', f->len - pos);
        size_t n = nl ? (size_t)(nl - ln) + 1 : f->len - pos;
        line++;
        if (p.pstate == 0 && st->nfields == 0)
            st->line = line; /* between records: the next record starts here */
        size_t used = csv_parse(&p, ln, n, on_field, on_record, st);
        if (used < n) {
            parse_error(f, &p, line, ln, used);
            goto done;
        }
        pos += n;
    }
    if (st->stop) {
        rc = st->stop > 0 ? 1 : -1;
        goto done;
    }
    if (csv_fini(&p, on_field, on_record, st) != 0) {
        seterr(f, st->line, 0, "кавычка, открытая в строке %d, не закрыта до конца файла", st->line);
        goto done;
    }
    rc = st->stop > 0 ? 1 : st->stop < 0 ? -1 : 0;
done:
    csv_free(&p);
    buf_free(&st->fields);
    free(st);
    return rc;
}
