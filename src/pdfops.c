/* pdfops — compact content-stream operators; see pdfops.h.
 *
 * Why not libharu's page operators: they print every number with five decimals, set the font
 * and line width again for each call, and a word per Tj is how our layout places text — on a
 * school sheet that made two thirds of the content bytes and a good part of the time. */
#include "pdfops.h"

#include <math.h>
#include <string.h>

static const pdfops_state unknown = {-1, -1, -1, -1, -1, 0};

void pdfops_init(pdfops *o)
{
    memset(o, 0, sizeof *o);
    o->st = unknown;
}

void pdfops_free(pdfops *o)
{
    buf_free(&o->out);
    buf_free(&o->run);
    buf_free(&o->path);
    buf_free(&o->strokes);
}

void pdfops_reset(pdfops *o)
{
    buf_reset(&o->out);
    buf_reset(&o->run);
    buf_reset(&o->path);
    buf_reset(&o->strokes);
    o->st = unknown;
    o->depth = 0;
    o->in_text = 0;
    o->run_open = 0;
}

/* Rounds to the 0.01 pt the stream is written with. */
static double round2(double v)
{
    return (double)llround(v * 100) / 100;
}

/* Appends v with at most two decimals and a space: "12.5 ", "-0.25 ", "3 ". */
static void put_num(buf *b, double v)
{
    char s[32], *p = s + sizeof s;
    long long c = llround(v * 100);
    unsigned long long u = (unsigned long long)(c < 0 ? -c : c);
    *--p = ' ';
    if (u % 100) {
        if (u % 10)
            *--p = (char)('0' + u % 10);
        *--p = (char)('0' + u / 10 % 10);
        *--p = '.';
    }
    u /= 100;
    do
        *--p = (char)('0' + u % 10);
    while ((u /= 10) > 0);
    if (c < 0)
        *--p = '-';
    buf_append(b, p, (size_t)(s + sizeof s - p));
}

/* Appends ")k(": a kerning number between two pieces of a TJ string (printf costs ten times
 * as much, and a table's worth of lines has thousands). */
static void put_kern(buf *b, long k)
{
    char s[32], *p = s + sizeof s;
    unsigned long u = k < 0 ? 0ul - (unsigned long)k : (unsigned long)k;
    *--p = '(';
    do
        *--p = (char)('0' + u % 10);
    while ((u /= 10) > 0);
    if (k < 0)
        *--p = '-';
    *--p = ')';
    buf_append(b, p, (size_t)(s + sizeof s - p));
}

/* Appends codes as the bytes of a literal string (the parentheses are the caller's): half the
 * size of hex before compression, and faster to deflate. Escaped: ( ) \ and CR, which a
 * reader would turn into LF. */
static void put_codes(buf *b, const unsigned char *codes, size_t n)
{
    if (buf_reserve(b, 2 * n) != 0)
        return;
    char *p = b->data + b->len;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = codes[i];
        if (c == '(' || c == ')' || c == '\\' || c == '\r') {
            *p++ = '\\';
            c = c == '\r' ? 'r' : c;
        }
        *p++ = (char)c;
    }
    b->len = (size_t)(p - b->data);
    *p = '\0';
}

/* Writes the joined run: one string as Tj, or the array with its kerning as TJ. */
static void flush_run(pdfops *o)
{
    if (!o->run_open)
        return;
    if (o->run_kerned)
        buf_putc(&o->out, '[');
    buf_append(&o->out, o->run.data, o->run.len);
    buf_puts(&o->out, o->run_kerned ? ")]TJ\n" : ")Tj\n");
    buf_reset(&o->run);
    o->run_open = 0;
}

static void end_text(pdfops *o)
{
    flush_run(o);
    if (o->in_text)
        buf_puts(&o->out, "ET\n");
    o->in_text = 0;
}

static void begin_text(pdfops *o)
{
    if (o->in_text)
        return;
    buf_puts(&o->out, "BT\n");
    o->in_text = 1;
    o->line_x = o->line_y = 0;
}

static void set_font(pdfops *o, int font, float size)
{
    if (o->st.font == font && o->st.font_size == size)
        return;
    buf_printf(&o->out, "/F%d ", font);
    put_num(&o->out, size);
    buf_puts(&o->out, "Tf\n");
    o->st.font = font;
    o->st.font_size = size;
}

/* Joins text to the open run when it continues it: same font and baseline, not behind the pen.
 * A gap of at least half a space becomes the space glyph; the rest is a kerning number. */
static int join_run(pdfops *o, int font, float size, float x, float y, unsigned space,
                    float space_adv)
{
    if (!o->run_open || o->st.font != font || o->st.font_size != size ||
        fabsf(y - o->run_y) > 0.005f || x < o->pen_x - 0.01f)
        return 0;
    double gap = x - o->pen_x;
    if (space_adv > 0 && gap >= space_adv / 2) {
        unsigned char sp[2] = {(unsigned char)(space >> 8), (unsigned char)space};
        put_codes(&o->run, sp, 2);
        gap -= space_adv;
        o->pen_x += space_adv;
    }
    long k = lround(-gap * 1000 / size);
    if (k != 0) {
        put_kern(&o->run, k);
        o->run_kerned = 1;
        o->pen_x -= (float)k * size / 1000;
    }
    return 1;
}

void pdfops_text(pdfops *o, int font, float size, float x, float y, const unsigned char *codes,
                 size_t n, float adv, unsigned space, float space_adv)
{
    if (!join_run(o, font, size, x, y, space, space_adv)) {
        flush_run(o);
        begin_text(o);
        set_font(o, font, size);
        double dx = round2(x - o->line_x), dy = round2(y - o->line_y);
        put_num(&o->out, dx);
        put_num(&o->out, dy);
        buf_puts(&o->out, "Td\n");
        o->line_x += dx;           /* where the viewer now is, so rounding never adds up */
        o->line_y += dy;
        buf_putc(&o->run, '(');
        o->run_open = 1;
        o->run_kerned = 0;
        o->run_y = y;
        o->pen_x = (float)o->line_x;
    }
    put_codes(&o->run, codes, n);
    o->pen_x += adv;
}

void pdfops_text_up(pdfops *o, int font, float size, float x, float y,
                    const unsigned char *codes, size_t n)
{
    end_text(o);               /* a text object of its own: its matrix is turned */
    begin_text(o);
    set_font(o, font, size);
    buf_puts(&o->out, "0 1 -1 0 ");
    put_num(&o->out, x);
    put_num(&o->out, y);
    buf_puts(&o->out, "Tm\n(");
    put_codes(&o->out, codes, n);
    buf_puts(&o->out, ")Tj\n");
    end_text(o);
}


/* Writes the deferred strokes as one path: stroked table borders wait while the cells' text
 * goes on in one text object, and then all share a single S. */
static void flush_strokes(pdfops *o)
{
    if (o->strokes.len == 0)
        return;
    end_text(o);
    buf_append(&o->out, o->strokes.data, o->strokes.len);
    buf_puts(&o->out, "S\n");
    buf_reset(&o->strokes);
}

/* State operators are allowed inside BT … ET, but come after the text before them; a change
 * of what strokes use first draws the strokes still waiting. */
static void state_op(pdfops *o, int affects_strokes)
{
    flush_run(o);
    if (affects_strokes)
        flush_strokes(o);
}

/* Writes "<v> <op>" when v differs from what is in effect (*field), and remembers it. */
static void set_state(pdfops *o, float *field, float v, const char *op, int affects_strokes)
{
    if (*field == v)
        return;
    state_op(o, affects_strokes);
    put_num(&o->out, v);
    buf_puts(&o->out, op);
    *field = v;
}

void pdfops_line_width(pdfops *o, float w)
{
    set_state(o, &o->st.line_width, w, "w\n", 1);
}

void pdfops_fill_gray(pdfops *o, float g)
{
    set_state(o, &o->st.fill_gray, g, "g\n", 0);
}

void pdfops_stroke_gray(pdfops *o, float g)
{
    set_state(o, &o->st.stroke_gray, g, "G\n", 1);
}

void pdfops_dash(pdfops *o, int dashed)
{
    if (o->st.dashed == dashed)
        return;
    state_op(o, 1);
    buf_puts(&o->out, dashed ? "[3 2] 0 d\n" : "[] 0 d\n");
    o->st.dashed = dashed;
}

void pdfops_save(pdfops *o)
{
    flush_strokes(o);
    end_text(o);
    if (o->depth == PDFOPS_DEPTH)
        return;
    o->saved[o->depth++] = o->st;
    buf_puts(&o->out, "q\n");
}

void pdfops_restore(pdfops *o)
{
    flush_strokes(o);          /* drawn inside the clip they were made in */
    end_text(o);
    if (o->depth == 0)
        return;
    o->st = o->saved[--o->depth];
    buf_puts(&o->out, "Q\n");
}

/* Path construction goes to o->path until it is painted. */
void pdfops_rect(pdfops *o, float x, float y, float w, float h)
{
    put_num(&o->path, x);
    put_num(&o->path, y);
    put_num(&o->path, w);
    put_num(&o->path, h);
    buf_puts(&o->path, "re\n");
}

void pdfops_move(pdfops *o, float x, float y)
{
    put_num(&o->path, x);
    put_num(&o->path, y);
    buf_puts(&o->path, "m\n");
}

void pdfops_line(pdfops *o, float x, float y)
{
    put_num(&o->path, x);
    put_num(&o->path, y);
    buf_puts(&o->path, "l\n");
}

void pdfops_curve(pdfops *o, float x1, float y1, float x2, float y2, float x3, float y3)
{
    put_num(&o->path, x1);
    put_num(&o->path, y1);
    put_num(&o->path, x2);
    put_num(&o->path, y2);
    put_num(&o->path, x3);
    put_num(&o->path, y3);
    buf_puts(&o->path, "c\n");
}

void pdfops_close(pdfops *o)
{
    buf_puts(&o->path, "h\n");
}

/* A stroke joins the deferred strokes (see flush_strokes); anything else is drawn now, after
 * them, so what was painted earlier stays underneath. */
void pdfops_paint(pdfops *o, const char *op)
{
    flush_run(o);
    if (strcmp(op, "S") == 0) {
        buf_append(&o->strokes, o->path.data, o->path.len);
    } else {
        flush_strokes(o);
        end_text(o);
        buf_append(&o->out, o->path.data, o->path.len);
        buf_puts(&o->out, op);
        buf_putc(&o->out, '\n');
    }
    buf_reset(&o->path);
}

const buf *pdfops_finish(pdfops *o)
{
    flush_strokes(o);
    end_text(o);
    if (o->path.oom || o->strokes.oom || o->run.oom)
        o->out.oom = 1;
    return &o->out;
}
