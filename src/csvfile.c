/* csvfile — encoding detection, delimiter sniffing and strict parsing; see csvfile.h.
 * Line numbers: libcsv reports none, so the text is fed one physical line at a time and a
 * record's line is the line being fed when the parser was between records.
 * Speed: a line without a quote character that starts a record is one whole record, and libcsv
 * (strict, trimming ' ') would only split it at the delimiter and trim spaces: such lines are
 * split here in one pass (most lines of big files); every other line goes through libcsv. */
#include "csvfile.h"

#include <csv.h>
#include <stdarg.h>
#include <stdint.h>
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

/* Does a physical line end at s[i]? LF, or a CR not followed by LF: "CSV (Macintosh)" files
 * end lines with CR alone, and libcsv ends records there too. */
static int line_end_at(const char *s, size_t n, size_t i)
{
    return s[i] == '\n' || (s[i] == '\r' && (i + 1 >= n || s[i + 1] != '\n'));
}

/* Length of the physical line starting at text[pos], its line end included. *lf caches the
 * offset of the next LF at or after pos (len: none left; SIZE_MAX: not looked up yet), so a
 * file of CR-only lines is not rescanned to its end for every line; memchr does the scanning. */
static size_t line_len(const char *text, size_t len, size_t pos, size_t *lf)
{
    if (*lf == SIZE_MAX || *lf < pos) {
        const char *p = memchr(text + pos, '\n', len - pos);
        *lf = p ? (size_t)(p - text) : len;
    }
    const char *cr = memchr(text + pos, '\r', *lf - pos);
    if (cr && (size_t)(cr - text) + 1 != *lf)
        return (size_t)(cr - text) + 1 - pos;   /* a CR alone ends the line ("CSV (Macintosh)") */
    return *lf < len ? *lf + 1 - pos : len - pos;
}

/* Physical line (1-based) and character column of byte offset `off` in s (of length n). */
static void locate(const char *s, size_t n, size_t off, int *line, int *col)
{
    int l = 1, c = 1;
    for (size_t i = 0; i < off; i++) {
        if (line_end_at(s, n, i)) {
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
        /* the position as an editor shows it: right after the text decoded so far */
        int line = 1, col = 1;
        if (out.data)
            locate(out.data, out.len, out.len, &line, &col);
        buf_free(&out);
        if (strncmp(label, "UTF-16", 6) == 0)
            seterr(f, line, col, "файл в кодировке %s испорчен или обрезан; сохраните его как «CSV UTF-8»", label);
        else
            seterr(f, line, col, "байт 0x%02X не допустим в кодировке %s; сохраните файл как «CSV UTF-8»",
                   bad < n ? (unsigned char)raw[bad] : 0, label);
        return -1;
    }
    f->len = out.len;
    f->text = buf_take(&out);
    f->encoding = label;
    return 0;
}

/* The first line (1-based) of s that is valid UTF-8 holding at least 3 multibyte characters,
 * or 0. Russian text in Windows-1251 practically never is valid UTF-8 (its small letters,
 * 0xE0–0xFF, are never followed by two continuation bytes 0x80–0xBF), so such a line in a
 * file that is not UTF-8 as a whole was pasted in from a UTF-8 file. */
static int utf8_line(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    int line = 1, multi = 0, broken = 0;
    for (size_t i = 0; i < n;) {
        if (line_end_at(s, n, i)) {
            if (!broken && multi >= 3)
                return line;
            line++;
            multi = broken = 0;
            i++;
        } else if (u[i] < 0x80) {
            i++;
        } else {
            uint32_t cp;
            int len = txt_utf8_decode(u + i, n - i, &cp);
            if (len == 0) {
                broken = 1;
                i++;
            } else {
                multi++;
                i += (size_t)len;
            }
        }
    }
    return !broken && multi >= 3 ? line : 0;
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
        locate(raw, n, bad, &line, &col);
        seterr(f, line, col, "некорректная последовательность байтов UTF-8 (файл испорчен или в смешанной кодировке)");
        return -1;
    }
    if (bad < n) {
        int l = utf8_line(raw, n);
        if (l) {
            seterr(f, l, 0, "строка в кодировке UTF-8 в файле в кодировке Windows-1251 (смешанная кодировка); "
                            "сохраните весь файл в одной кодировке, лучше «CSV UTF-8»");
            return -1;
        }
        return decode_with(f, "CP1251", raw, n, "Windows-1251");
    }
    f->text = raw;
    f->len = n;
    f->encoding = bom ? "UTF-8 BOM" : "UTF-8";
    return 1; /* raw was adopted */
}

/* Counts ';', tab and ',' outside quotes in s, up to the end of the first record when
 * `header_only`, else in the whole text. */
static void count_delims(const char *s, size_t n, int header_only, size_t cnt[3])
{
    int quoted = 0;
    cnt[0] = cnt[1] = cnt[2] = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '"')
            quoted = !quoted;
        else if (quoted)
            continue;
        else if (header_only && (c == '\n' || c == '\r'))
            break;
        else if (c == ';')
            cnt[0]++;
        else if (c == '\t')
            cnt[1]++;
        else if (c == ',')
            cnt[2]++;
    }
}

/* Excel's delimiter hint: a first line "sep=;" (any one character) names the delimiter and is
 * not a record. Returns the delimiter, or 0 when the file has no such line. */
static char sep_line(const char *s, size_t n)
{
    if (n < 5 || memcmp(s, "sep=", 4) != 0 || s[4] == '\n' || s[4] == '\r' || s[4] == '"')
        return 0;
    return n == 5 || s[5] == '\n' || s[5] == '\r' ? s[4] : 0;
}

/* Picks the delimiter that occurs most often in the header record, outside quotes.
 * Ties go to ';' (Russian Excel's own), then tab, then ','. A header with none of them is a
 * one-column file: then the delimiter is one that does not split its rows (Excel's ';'-CSV
 * leaves commas in values unquoted), ',' when there is a choice. */
static char sniff_delim(const char *s, size_t n)
{
    size_t c[3];
    count_delims(s, n, 1, c);
    size_t semi = c[0], tab = c[1], comma = c[2];
    if (semi >= tab && semi >= comma && semi > 0)
        return ';';
    if (tab >= comma && tab > 0)
        return '\t';
    if (comma > 0)
        return ',';
    count_delims(s, n, 0, c);
    if (c[2] == 0 || (c[2] <= c[0] && c[2] <= c[1]))
        return ',';
    return c[0] <= c[1] ? ';' : '\t';
}

static int check_nul(cf_file *f)
{
    const char *z = memchr(f->text, '\0', f->len);
    if (!z)
        return 0;
    int line, col;
    locate(f->text, f->len, (size_t)(z - f->text), &line, &col);
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
    f->delim = sep_line(f->text, f->len);
    f->skip_lines = f->delim != 0;
    if (!f->delim)
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
        seterr(st->f, st->line, 0, "в строке больше %d полей", CF_MAX_FIELDS); /* col: unknown here */
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

/* Lines up to this long may take the fast path: far below CF_MAX_FIELD, so the field-size
 * error can only come from libcsv. */
#define FAST_MAX 65536

/* One whole record from a line that starts a record (line end included), split exactly as
 * libcsv splits a line without quotes: at each delimiter, ' ' trimmed at both ends of every
 * field, no record for a line of spaces. The line is copied once and cut in place; on_record
 * delivers it. Returns 0, or -1 without any effect when the line holds a quote character
 * (then libcsv must parse it). */
static int fast_record(row_state *st, const char *s, size_t n)
{
    if (n > FAST_MAX)
        return -1;
    if (n && s[n - 1] == '\n')
        n--;
    if (n && s[n - 1] == '\r')
        n--;
    buf_reset(&st->fields);
    buf_append(&st->fields, s, n);
    if (st->fields.oom) {
        if (memchr(s, '"', n))
            return -1;
        seterr(st->f, st->line, 0, "недостаточно памяти для чтения строки");
        st->stop = -1;
        return 0;
    }
    char *b = st->fields.data, delim = st->f->delim;   /* NUL-terminated by buf */
    size_t i = 0, nf = 0;
    for (;; i++) {
        size_t a = i;
        while (i < n && b[i] != delim && b[i] != '"')
            i++;
        if (i < n && b[i] == '"') {
            buf_reset(&st->fields);
            return -1;
        }
        size_t e = i;
        while (a < e && b[a] == ' ')
            a++;
        while (e > a && b[e - 1] == ' ')
            e--;
        if (nf < CF_MAX_FIELDS) {
            st->offs[nf] = a;
            st->lens[nf] = e - a;
        }
        nf++;
        if (i >= n)
            break;
    }
    for (size_t k = 0; k < nf && k < CF_MAX_FIELDS; k++)
        b[st->offs[k] + st->lens[k]] = '\0';
    if (nf == 1 && st->lens[0] == 0)
        return 0;   /* a line of spaces: libcsv makes no record of it */
    if (nf > CF_MAX_FIELDS) {
        seterr(st->f, st->line, 0, "в строке больше %d полей", CF_MAX_FIELDS);
        st->stop = -1;
        return 0;
    }
    st->nfields = (int)nf;
    on_record(0, st);
    return 0;
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
    size_t lf = SIZE_MAX;
    while (pos < f->len && !st->stop) {
        const char *ln = f->text + pos;
        size_t n = line_len(f->text, f->len, pos, &lf);
        line++;
        if (line <= f->skip_lines) {      /* counted, not parsed: the "sep=" line */
            pos += n;
            continue;
        }
        if (p.pstate == 0 && st->nfields == 0) {
            st->line = line; /* between records: the next record starts here */
            if (fast_record(st, ln, n) == 0) {
                pos += n;
                continue;
            }
        }
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
