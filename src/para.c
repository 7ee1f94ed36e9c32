/* para — line breaking and drawing of paragraphs; see para.h.
 * Steps: decode the runs into characters with widths; cut them into tokens at spaces; mark the
 * break points inside tokens; fill lines greedily, hyphenating the token that overflows when the
 * line would otherwise be loose. A token wider than a whole line is broken by the last resorts,
 * best first: any dictionary point (names and headings included), a syllable boundary, a cut
 * by characters. */
#include "para.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

enum { C_TEXT, C_SPACE, C_NL, C_SOFT, C_ZWSP, C_HYPHEN, C_DASH };
/* Break before a character inside a token: B_LATE is a dictionary point of a word that is
 * hyphenated only when it fits no line whole (a name, an abbreviation, a heading's word). */
enum { B_NONE, B_PLAIN, B_HYPH, B_LATE };

typedef struct pchar {
    uint32_t cp, off;
    float w;
    uint16_t run;
    uint8_t len, cls, brk;
} pchar;

typedef struct token {
    int a, b;          /* characters [a, b) */
    float w;           /* width of [a, b), summed as width_of does */
    float gap;         /* width of the space after it (0 at a forced break or the end) */
    uint8_t nl;        /* a '\n' follows: the line ends here */
    uint8_t verbatim;  /* an e-mail address or a URL: no break inside but a bare cut */
    uint8_t simple;    /* one run, no soft hyphen nor zero-width space: a piece is one frag */
    uint8_t special;   /* has a hyphen, dash, soft hyphen or zero-width space */
    uint8_t cyr;       /* has a Cyrillic letter: the dictionary may break it */
} token;

typedef struct piece {
    int a, b;
    float x, w;        /* w: width of [a, b) without the hyphen */
    uint16_t gaps;
    uint8_t hyphen, simple;
} piece;

/* Paragraphs up to this many characters (nearly every table cell) are broken in arrays on the
 * stack (left uninitialised), without allocating. */
#define LOCAL_CHARS 128
#define LOCAL_PIECES 32

typedef struct brk_local {
    pchar ch[LOCAL_CHARS];
    token tok[LOCAL_CHARS + 1];
    piece pc[LOCAL_PIECES];
} brk_local;

/* Scratch state of one para_break call. */
typedef struct brk_state {
    const para *p;
    const font_set *fs;
    pchar *ch;
    int nch;
    token *tok;
    int ntok;
    piece *pc;
    int npc, cappc;
    float x;           /* current line: end of the last piece */
    float avail;
    float indent_first;
    float width, leading;
    int first_line;
    para_layout *out;
    int oom;
    int addr;          /* the text has '@' or '/': it may hold an e-mail address or a URL */
    struct brk_local *local;
} brk_state;

void para_add(para *p, font_face f, float size, const char *s, size_t n)
{
    if (p->oom)
        return;
    if (p->nruns == p->caprun) {
        int cap = p->caprun ? p->caprun * 2 : 1;   /* most paragraphs (table cells) have one */
        para_run *r = realloc(p->runs, (size_t)cap * sizeof *r);
        if (!r) {
            p->oom = 1;
            return;
        }
        p->runs = r;
        p->caprun = cap;
    }
    p->runs[p->nruns++] = (para_run){p->text.len, n, f, size};
    buf_append(&p->text, s, n);
    p->oom |= p->text.oom;
}

void para_clear(para *p)
{
    buf_reset(&p->text);
    p->nruns = 0;
    p->oom = 0;
}

void para_free(para *p)
{
    buf_free(&p->text);
    free(p->runs);
    memset(p, 0, sizeof *p);
}

void para_layout_free(para_layout *l)
{
    free(l->lines);
    free(l->frags);
    memset(l, 0, sizeof *l);
}

static int classify(uint32_t cp)
{
    if ((cp > '-' && cp < 0x00AD) || (cp > 0x00AD && cp < 0x200B))   /* letters, digits */
        return C_TEXT;
    switch (cp) {
    case ' ': case '\t': case '\r': return C_SPACE;
    case '\n': return C_NL;
    case 0x00AD: return C_SOFT;
    case 0x200B: return C_ZWSP;
    case '-': case 0x2010: return C_HYPHEN;
    case 0x2013: case 0x2014: return C_DASH;
    default: return C_TEXT;
    }
}

static void missing(uint32_t cp, font_face f, char err[PARA_ERRLEN])
{
    buf b = BUF_INIT;
    txt_utf8_put(&b, cp);
    snprintf(err, PARA_ERRLEN, "символа «%s» (U+%04X) нет в шрифте %s",
             cp >= 0x20 && b.data ? b.data : "", (unsigned)cp, font_face_label(f));
    buf_free(&b);
}

/* Points st->ch, st->tok and st->pc at the arrays on the stack, or allocates them for a long
 * paragraph (freed by release). Returns 0 or -1 (no memory). */
static int scratch(brk_state *st)
{
    size_t n = st->p->text.len;
    if (n <= LOCAL_CHARS) {
        st->ch = st->local->ch;
        st->tok = st->local->tok;
    } else {
        st->ch = malloc(n * sizeof *st->ch);
        st->tok = malloc((n + 1) * sizeof *st->tok);
    }
    st->pc = st->local->pc;
    st->cappc = LOCAL_PIECES;
    return st->ch && st->tok ? 0 : -1;
}

static void release(brk_state *st)
{
    if (st->ch != st->local->ch)
        free(st->ch);
    if (st->tok != st->local->tok)
        free(st->tok);
    if (st->pc != st->local->pc)
        free(st->pc);
}

/* Decodes every run into st->ch with widths in points, and notes whether the text may hold an
 * address (st->addr). Returns 0 or -1 with err. */
static int decode(brk_state *st, char err[PARA_ERRLEN])
{
    const para *p = st->p;
    if (scratch(st) != 0)
        return snprintf(err, PARA_ERRLEN, "нет памяти"), -1;
    int addr = 0;
    for (int r = 0; r < p->nruns; r++) {
        const para_run *run = &p->runs[r];
        const unsigned char *s = (const unsigned char *)p->text.data + run->off;
        float size = run->size;
        for (size_t i = 0; i < run->len;) {
            uint32_t cp;
            int len = txt_utf8_next(s + i, run->len - i, &cp);
            if (len == 0)
                return snprintf(err, PARA_ERRLEN, "испорченный UTF-8 в тексте (байт 0x%02X)",
                                s[i]), -1;
            int cls = classify(cp);
            pchar *c = &st->ch[st->nch++];
            c->cp = cp;
            c->off = (uint32_t)(run->off + i);
            c->len = (uint8_t)len;
            c->run = (uint16_t)r;
            c->cls = (uint8_t)cls;
            c->brk = B_NONE;
            addr |= cp == '@' || cp == '/';
            int w = cls == C_NL || cls == C_SOFT || cls == C_ZWSP ? 0
                    : font_width(st->fs, run->face, cls == C_SPACE ? ' ' : cp);
            if (w < 0)
                return missing(cp, run->face, err), -1;
            c->w = (float)w * size / 1000.0f;
            i += (size_t)len;
        }
    }
    st->addr = addr;
    return 0;
}

/* A run of spaces followed by a lone dash ("слово — слово") does not end the token. */
static int spaces_bind_dash(const brk_state *st, int i)
{
    int j = i;
    while (j < st->nch && st->ch[j].cls == C_SPACE)
        j++;
    return j < st->nch && st->ch[j].cls == C_DASH &&
           (j + 1 == st->nch || st->ch[j + 1].cls == C_SPACE || st->ch[j + 1].cls == C_NL);
}

/* Cuts the characters into tokens at spaces and newlines, with each token's width and what
 * it holds (see token). */
static void tokenize(brk_state *st)
{
    const pchar *ch = st->ch;
    int i = 0, n = st->nch;
    while (i < n) {
        while (i < n && ch[i].cls == C_SPACE)
            i++;
        if (i >= n)
            break;
        token *t = &st->tok[st->ntok++];
        float w = 0;
        int run = ch[i].run, simple = 1, special = 0, cyr = 0;
        t->a = i;
        while (i < n && ch[i].cls != C_NL &&
               (ch[i].cls != C_SPACE || (i > t->a && spaces_bind_dash(st, i)))) {
            int cls = ch[i].cls;
            w += ch[i].w;
            simple &= ch[i].run == run && cls != C_SOFT && cls != C_ZWSP;
            special |= cls >= C_SOFT;
            cyr |= ch[i].cp >= 0x0400 && ch[i].cp <= 0x052F;
            i++;
        }
        t->b = i;
        t->w = w;
        t->gap = 0;
        t->nl = 0;
        t->verbatim = 0;
        t->simple = (uint8_t)simple;
        t->special = (uint8_t)special;
        t->cyr = (uint8_t)cyr;
        if (i < n && ch[i].cls == C_NL) {
            t->nl = 1;
            i++;
        } else if (i < n) {
            t->gap = ch[i].w;
        }
    }
}

static int is_letter(uint32_t cp)
{
    return (cp >= 0x0400 && cp <= 0x052F) || (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z');
}

/* A capital letter of the words the dictionary hyphenates: Russian (Ѐ–Я, Ё) or Latin. */
static int is_upper(uint32_t cp)
{
    return (cp >= 0x0400 && cp <= 0x042F) || (cp >= 'A' && cp <= 'Z');
}

/* Lower case of a Russian letter (А–Я, Ё); any other character unchanged. */
static uint32_t ru_lower(uint32_t cp)
{
    return cp >= 0x0410 && cp <= 0x042F ? cp + 0x20 : cp == 0x0401 ? 0x0451 : cp;
}

/* A Russian vowel, either case. */
static int is_vowel(uint32_t cp)
{
    switch (ru_lower(cp)) {
    case 0x0430: case 0x0435: case 0x0438: case 0x043E: case 0x0443: case 0x044B: case 0x044D:
    case 0x044E: case 0x044F: case 0x0451:
        return 1;
    default:
        return 0;
    }
}

/* Marks dictionary hyphenation points in the letter sequence [a, b) as `kind`. */
static void hyphenate_letters(brk_state *st, hyph *hy, int a, int b, int kind)
{
    if (b - a < 2 * HYPH_MIN)
        return;
    const char *base = st->p->text.data;
    uint32_t start = st->ch[a].off, end = st->ch[b - 1].off + st->ch[b - 1].len;
    int at[HYPH_MAXPOINTS];
    int n = hyph_points(hy, base + start, end - start, at, HYPH_MAXPOINTS);
    for (int k = 0, i = a; k < n; k++) {
        while (i < b && st->ch[i].off < start + (uint32_t)at[k])
            i++;
        if (i < b && st->ch[i].off == start + (uint32_t)at[k] && st->ch[i].run == st->ch[i - 1].run)
            st->ch[i].brk = (uint8_t)kind;
    }
}

/* Marks the break points inside tokens: after hyphens and dashes, at soft hyphens and
 * zero-width spaces, and (with a dictionary) inside words — as late points in a word that
 * starts with a capital letter and in a no_hyph paragraph. E-mail addresses and URLs get none. */
static void mark_breaks(brk_state *st, hyph *hy)
{
    for (int t = 0; t < st->ntok; t++) {
        int a = st->tok[t].a, b = st->tok[t].b;
        for (int i = a; st->addr && i < b && !st->tok[t].verbatim; i++)   /* «uo@…-edu.ru» */
            st->tok[t].verbatim = st->ch[i].cp == '@' ||
                                  (st->ch[i].cp == ':' && i + 2 < b && st->ch[i + 1].cp == '/' &&
                                   st->ch[i + 2].cp == '/');
        if (st->tok[t].verbatim)
            continue;
        for (int i = a + 1; st->tok[t].special && i < b; i++) {
            int prev = st->ch[i - 1].cls;
            if ((prev == C_HYPHEN && i - 1 > a + 1 && is_letter(st->ch[i].cp)) ||
                (prev == C_DASH && i - 1 > a && st->ch[i].cls == C_TEXT) || prev == C_ZWSP)
                st->ch[i].brk = B_PLAIN;
            else if (prev == C_SOFT)
                st->ch[i].brk = B_HYPH;
        }
        if (!hy || !st->tok[t].cyr)
            continue;
        for (int i = a; i < b;) {
            int j = i;
            while (j < b && is_letter(st->ch[j].cp))
                j++;
            int bounded = (i == a || !is_letter(st->ch[i - 1].cp)) && st->ch[i].cp >= 0x0400;
            if (j > i && bounded)
                hyphenate_letters(st, hy, i, j,
                                  st->p->no_hyph || is_upper(st->ch[i].cp) ? B_LATE : B_HYPH);
            i = j > i ? j : i + 1;
        }
    }
}

static float width_of(const brk_state *st, int a, int b)
{
    float w = 0;
    for (int i = a; i < b; i++)
        w += st->ch[i].w;
    return w;
}

static float hyphen_width(const brk_state *st, int i)
{
    const para_run *r = &st->p->runs[st->ch[i].run];
    return (float)font_width(st->fs, r->face, '-') * r->size / 1000.0f;
}

/* Makes room for `need` elements of `size` bytes in *arr, doubling from `first`. A layout's
 * arrays start at one element: a table holds a layout per cell (hundreds of thousands in a
 * large report), nearly all of one line of one fragment. */
static int grow(void **arr, int *cap, int need, size_t size, int first)
{
    if (need <= *cap)
        return 0;
    int cap2 = *cap ? *cap * 2 : first;
    while (cap2 < need)
        cap2 *= 2;
    void *n = realloc(*arr, (size_t)cap2 * size);
    if (!n)
        return -1;
    *arr = n;
    *cap = cap2;
    return 0;
}

/* Makes room for one more piece: the stack array first, then the heap. */
static int grow_pieces(brk_state *st)
{
    if (st->npc < st->cappc)
        return 0;
    piece *n = malloc((size_t)st->cappc * 2 * sizeof *n);
    if (!n)
        return -1;
    memcpy(n, st->pc, (size_t)st->npc * sizeof *n);
    if (st->pc != st->local->pc)
        free(st->pc);
    st->pc = n;
    st->cappc *= 2;
    return 0;
}

/* Adds [a, b) of a token to the line; w is its width (width_of(a, b)); simple: the token is
 * (see token). */
static void add_piece(brk_state *st, int a, int b, float w, int simple, float gap, int hyphen)
{
    if (grow_pieces(st) != 0) {
        st->oom = 1;
        return;
    }
    uint16_t gaps = st->npc ? (uint16_t)(st->pc[st->npc - 1].gaps + (gap > 0)) : 0;
    float x = st->npc ? st->x + gap : st->x;
    st->pc[st->npc++] = (piece){a, b, x, w, gaps, (uint8_t)hyphen, (uint8_t)simple};
    st->x = x + w + (hyphen ? hyphen_width(st, b - 1) : 0);
}

/* A piece of a simple token is one frag: its first character's run, its width. */
static void emit_simple(brk_state *st, const piece *pc, float *maxsize)
{
    para_layout *o = st->out;
    if (grow((void **)&o->frags, &o->capfrags, o->nfrags + 1, sizeof *o->frags, 1) != 0) {
        st->oom = 1;
        return;
    }
    const pchar *first = &st->ch[pc->a], *last = &st->ch[pc->b - 1];
    const para_run *r = &st->p->runs[first->run];
    para_frag *f = &o->frags[o->nfrags++];
    f->off = first->off;
    f->len = last->off + last->len - f->off;
    f->x = pc->x;
    f->w = pc->w;
    f->gaps = pc->gaps;
    f->face = (uint8_t)r->face;
    f->size = r->size;
    f->hyphen = pc->hyphen;
    if (r->size > *maxsize)
        *maxsize = r->size;
}

/* Turns a piece into frags: one per stretch of one run without invisible characters. */
static void emit_frags(brk_state *st, const piece *pc, float *maxsize)
{
    para_layout *o = st->out;
    if (pc->simple && pc->b > pc->a) {
        emit_simple(st, pc, maxsize);
        return;
    }
    int i = pc->a;
    while (i < pc->b) {
        while (i < pc->b && (st->ch[i].cls == C_SOFT || st->ch[i].cls == C_ZWSP))
            i++;
        if (i >= pc->b)
            break;
        int j = i;
        while (j < pc->b && st->ch[j].run == st->ch[i].run && st->ch[j].cls != C_SOFT &&
               st->ch[j].cls != C_ZWSP)
            j++;
        if (grow((void **)&o->frags, &o->capfrags, o->nfrags + 1, sizeof *o->frags, 1) != 0) {
            st->oom = 1;
            return;
        }
        const para_run *r = &st->p->runs[st->ch[i].run];
        para_frag *f = &o->frags[o->nfrags++];
        f->off = st->ch[i].off;
        f->len = st->ch[j - 1].off + st->ch[j - 1].len - f->off;
        f->x = pc->x + width_of(st, pc->a, i);
        f->w = width_of(st, i, j);
        f->gaps = pc->gaps;
        f->face = (uint8_t)r->face;
        f->size = r->size;
        int tail = j;                /* only invisible characters may follow the last frag */
        while (tail < pc->b && (st->ch[tail].cls == C_SOFT || st->ch[tail].cls == C_ZWSP))
            tail++;
        f->hyphen = (uint8_t)(pc->hyphen && tail == pc->b);
        if (r->size > *maxsize)
            *maxsize = r->size;
        i = j;
    }
}

static float default_size(const para *p)
{
    return p->nruns ? p->runs[0].size : 12.0f;
}

/* Closes the current line: its pieces become frags. */
static void finish_line(brk_state *st, int justify)
{
    para_layout *o = st->out;
    if (grow((void **)&o->lines, &o->caplines, o->nlines + 1, sizeof *o->lines, 1) != 0) {
        st->oom = 1;
        return;
    }
    para_line *ln = &o->lines[o->nlines];
    float maxsize = 0;
    ln->frag = o->nfrags;
    for (int i = 0; i < st->npc; i++)
        emit_frags(st, &st->pc[i], &maxsize);
    ln->nfrags = o->nfrags - ln->frag;
    ln->width = st->x;
    ln->avail = st->avail;
    ln->indent = st->first_line ? st->indent_first : 0;
    ln->size = maxsize > 0 ? maxsize : default_size(st->p);
    ln->height = ln->size * st->leading;
    ln->ngaps = st->npc ? st->pc[st->npc - 1].gaps : 0;
    ln->justify = (uint8_t)(justify && ln->ngaps > 0);
    o->height += ln->height;
    o->nlines++;
    st->npc = 0;
    st->x = 0;
    st->first_line = 0;
    st->avail = st->width;
}

/* Last break point in (a, b) whose prefix fits in `room`, or -1; late points count when
 * `late`. */
static int best_break(const brk_state *st, int a, int b, float room, int late)
{
    int best = -1;
    float w = 0;
    for (int i = a + 1; i < b; i++) {
        w += st->ch[i - 1].w;
        int k = st->ch[i].brk;
        if (k == B_NONE || (k == B_LATE && !late))
            continue;
        float need = w + (k != B_PLAIN ? hyphen_width(st, i - 1) : 0);
        if (need <= room + 0.001f)
            best = i;
        else
            break;
    }
    return best;
}

/* Largest c in (a, b) with [a, c) fitting in room; at least a + 1 (one character per line).
 * A space bound to a dash inside the range is preferred to cutting a word. */
static int char_cut(const brk_state *st, int a, int b, float room)
{
    float w = st->ch[a].w;
    int c = a + 1;
    while (c < b && w + st->ch[c].w <= room + 0.001f)
        w += st->ch[c++].w;
    for (int i = c - 1; i > a && c < b; i--)
        if (st->ch[i].cls == C_SPACE)
            return i + 1;
    return c;
}

/* The last space in (a, b) (one bound to a dash: "слово —") before which [a, i) fits in room,
 * or -1. */
static int space_cut(const brk_state *st, int a, int b, float room)
{
    int best = -1;
    float w = st->ch[a].w;
    for (int i = a + 1; i < b && w <= room + 0.001f; w += st->ch[i++].w)
        if (st->ch[i].cls == C_SPACE)
            best = i;
    return best;
}

/* Whether a syllable boundary lies before character c of the letter run [s, e), keeping at
 * least `min` letters on each side: a vowel on each side, the next line not starting with
 * ь, ъ, ы or й nor with a consonant and its ь/ъ («Добро-вольский», not «Доброво-льский»), and
 * no vowel torn from the consonant before it («Сред-няя», not «Средн-яя»). */
static int syllable_point(const brk_state *st, int s, int e, int c, int min)
{
    uint32_t next = ru_lower(st->ch[c].cp), prev = st->ch[c - 1].cp;
    uint32_t after = c + 1 < e ? ru_lower(st->ch[c + 1].cp) : 0;
    if (c - s < min || e - c < min || next == 0x044A || next == 0x044B || next == 0x044C ||
        next == 0x0439 || (is_vowel(st->ch[c].cp) && !is_vowel(prev)) ||
        after == 0x044A || after == 0x044C || st->ch[c].run != st->ch[c - 1].run)
        return 0;
    int left = 0, right = 0;
    for (int i = s; i < c && !left; i++)
        left = is_vowel(st->ch[i].cp);
    for (int i = c; i < e && !right; i++)
        right = is_vowel(st->ch[i].cp);
    return left && right;
}

/* Last syllable boundary in (a, b) at which [a, c) and a hyphen fit in room, with at least
 * `min` letters of the word on each side (on this line), or -1. For a word that fits no line
 * and has no dictionary point that fits: the dictionary misses many words («Средняя»). */
static int syllable_break(const brk_state *st, int a, int b, float room, int min)
{
    int best = -1;
    float w = st->ch[a].w;
    for (int c = a + 1; c < b; c++) {
        if (w + hyphen_width(st, c - 1) > room + 0.001f)
            break;
        if (st->ch[c].cp >= 0x0400 && st->ch[c - 1].cp >= 0x0400 && is_letter(st->ch[c].cp) &&
            is_letter(st->ch[c - 1].cp)) {
            int s = c - 1, e = c + 1;
            while (s > a && is_letter(st->ch[s - 1].cp))
                s--;
            while (e < b && is_letter(st->ch[e].cp))
                e++;
            if (syllable_point(st, s, e, c, min))
                best = c;
        }
        w += st->ch[c].w;
    }
    return best;
}

/* A cut by characters of [a, b) into room (see char_cut); inside a word the cut moves left until
 * a hyphen fits after it, and *hyphen says so. */
static int forced_cut(const brk_state *st, int a, int b, float room, int *hyphen)
{
    int c = char_cut(st, a, b, room);
    *hyphen = 0;
    if (c >= b || !is_letter(st->ch[c - 1].cp) || !is_letter(st->ch[c].cp))
        return c;
    float w = width_of(st, a, c);
    int k = c;
    while (k > a + 1 && w + hyphen_width(st, k - 1) > room + 0.001f)
        w -= st->ch[--k].w;
    if (w + hyphen_width(st, k - 1) <= room + 0.001f && is_letter(st->ch[k - 1].cp) &&
        is_letter(st->ch[k].cp) && st->ch[k].run == st->ch[k - 1].run) {
        *hyphen = 1;
        return k;
    }
    return c;
}

/* Breaks a token that fits no line, starting at pos on an empty line: the last resorts in
 * order of quality. Returns where the next line starts. */
static int break_alone(brk_state *st, const token *t, int pos)
{
    int hyphen = 1, c = best_break(st, pos, t->b, st->avail, 1);
    if (c > 0) {
        hyphen = st->ch[c].brk != B_PLAIN;
    } else if (t->verbatim || (c = space_cut(st, pos, t->b, st->avail)) > 0 ||
               ((c = syllable_break(st, pos, t->b, st->avail, HYPH_MIN)) <= 0 &&
                (c = syllable_break(st, pos, t->b, st->avail, 1)) <= 0)) {
        /* at a space bound to a dash, else a cut by characters (bare in an address) */
        hyphen = 0;
        if (t->verbatim)
            c = char_cut(st, pos, t->b, st->avail);
        else if (c <= 0)
            c = forced_cut(st, pos, t->b, st->avail, &hyphen);
        int e = c;
        while (e > pos + 1 && st->ch[e - 1].cls == C_SPACE)      /* no trailing space */
            e--;
        add_piece(st, pos, e, width_of(st, pos, e), t->simple, 0, hyphen);
        finish_line(st, 0);
        while (c < t->b && st->ch[c].cls == C_SPACE)            /* nor a leading one */
            c++;
        return c;
    }
    add_piece(st, pos, c, width_of(st, pos, c), t->simple, 0, hyphen);
    finish_line(st, 1);
    return c;
}

/* Places token t starting at character pos; returns where the next placement starts
 * (t's end, or a position inside t after a break). */
static int place(brk_state *st, const token *t, int pos, float gap)
{
    float g = st->npc ? gap : 0;
    float w = pos == t->a ? t->w : width_of(st, pos, t->b);
    if (st->x + g + w <= st->avail + 0.001f) {
        add_piece(st, pos, t->b, w, t->simple, g, 0);
        return t->b;
    }
    float room = st->avail - st->x - g;
    float em = st->p->runs[st->ch[pos].run].size;
    int bp = best_break(st, pos, t->b, room, 0);
    if (bp > 0 && (st->npc == 0 || room > 0.6f * em)) {
        add_piece(st, pos, bp, width_of(st, pos, bp), t->simple, g, st->ch[bp].brk == B_HYPH);
        finish_line(st, 1);
        return bp;
    }
    if (st->npc == 0)
        return break_alone(st, t, pos);
    finish_line(st, 1);
    return pos;
}

static void fill_lines(brk_state *st)
{
    float gap = 0;
    for (int t = 0; t < st->ntok && !st->oom; t++) {
        int pos = st->tok[t].a;
        while (pos < st->tok[t].b && !st->oom)
            pos = place(st, &st->tok[t], pos, gap);
        gap = st->tok[t].gap;
        if (st->tok[t].nl) {
            finish_line(st, 0);
            gap = 0;
        }
    }
    if (st->npc > 0 || st->out->nlines == 0)
        finish_line(st, 0);
}

int para_break(const para *p, const font_set *fs, hyph *hy, float width, float indent,
               para_align align, float leading, para_layout *out, char err[PARA_ERRLEN])
{
    brk_state st = {0};
    brk_local local;
    int rc = -1;
    st.local = &local;
    st.p = p;
    st.fs = fs;
    st.width = width;
    st.leading = leading;
    st.indent_first = indent;
    st.avail = width - indent;
    st.first_line = 1;
    st.out = out;
    out->nlines = out->nfrags = 0;
    out->height = 0;
    out->align = align;
    if (p->oom) {
        snprintf(err, PARA_ERRLEN, "нет памяти");
        goto done;
    }
    if (decode(&st, err) != 0)
        goto done;
    tokenize(&st);
    mark_breaks(&st, hy);
    fill_lines(&st);
    if (st.oom) {
        snprintf(err, PARA_ERRLEN, "нет памяти");
        goto done;
    }
    rc = 0;
done:
    release(&st);
    return rc;
}

float para_baseline(const para_line *ln)
{
    return (ln->height - 1.107f * ln->size) / 2 + 0.891f * ln->size;
}

void para_draw(const para *p, const para_layout *l, pdf_ctx *pdf, float x, float y_top,
               float width, int from, int to)
{
    float y = y_top;
    for (int i = from; i < to && i < l->nlines; i++) {
        const para_line *ln = &l->lines[i];
        float x0 = x + ln->indent, extra = 0;
        float room = width - ln->indent;
        if (l->align == PARA_CENTER)
            x0 += (room - ln->width) / 2;
        else if (l->align == PARA_RIGHT)
            x0 += room - ln->width;
        else if (l->align == PARA_JUSTIFY && ln->justify && ln->width < room)
            extra = (room - ln->width) / ln->ngaps;
        float base = y + para_baseline(ln);
        for (int k = ln->frag; k < ln->frag + ln->nfrags; k++) {
            const para_frag *f = &l->frags[k];
            float fx = x0 + f->x + extra * f->gaps;
            pdf_text(pdf, (font_face)f->face, f->size, fx, base, p->text.data + f->off, f->len);
            if (f->hyphen)
                pdf_text(pdf, (font_face)f->face, f->size, fx + f->w, base, "-", 1);
        }
        y += ln->height;
    }
}

void para_measure(const para *p, const font_set *fs, float *minw, float *maxw)
{
    brk_state st = {0};
    brk_local local;
    char err[PARA_ERRLEN];
    st.local = &local;
    *minw = *maxw = 0;
    st.p = p;
    st.fs = fs;
    if (decode(&st, err) != 0)
        goto done;
    tokenize(&st);
    float line = 0;
    for (int t = 0; t < st.ntok; t++) {
        float w = st.tok[t].w;
        if (w > *minw)
            *minw = w;
        line += w;
        if (line > *maxw)
            *maxw = line;
        line = st.tok[t].nl ? 0 : line + st.tok[t].gap;
    }
done:
    release(&st);
}

/* ---- the memo of line breaks ---- */

/* What an entry remembers: a break (lines and frags) or a measure (two widths). */
enum { MEMO_BREAK, MEMO_MEASURE };

/* The fixed part of a key; the runs (memo_run) and the text follow it. */
typedef struct memo_head {
    const void *fs, *hy;
    float width, indent, leading;
    int kind, align, no_hyph, nruns;
} memo_head;

typedef struct memo_run {
    uint32_t off, len;
    int face;
    float size;
} memo_run;

/* A remembered break: key bytes, then its lines and frags, in the arena (a measure: its two
 * widths in place of lines and frags). */
typedef struct memo_entry {
    uint64_t hash;
    size_t key, keylen, val;
    int nlines, nfrags;
    float height;
} memo_entry;

struct para_memo {
    memo_entry *e;           /* owned, ne used of cape */
    int ne, cape;
    uint32_t *slot;          /* owned: entry index + 1, 0 = empty; nslot a power of two */
    int nslot;
    buf arena;               /* owned: keys and results */
    buf key;                 /* owned: the key being looked up */
};

para_memo *para_memo_new(void)
{
    return calloc(1, sizeof(para_memo));
}

void para_memo_free(para_memo *m)
{
    if (!m)
        return;
    free(m->e);
    free(m->slot);
    buf_free(&m->arena);
    buf_free(&m->key);
    free(m);
}

/* A hash of n bytes, eight at a time. */
static uint64_t memo_hash(const char *s, size_t n)
{
    uint64_t h = 0x9E3779B97F4A7C15ull ^ n, v;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        memcpy(&v, s + i, 8);
        h = (h ^ v) * 0x100000001B3ull;
        h ^= h >> 29;
    }
    for (; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 0x100000001B3ull;
    return h ^ (h >> 31);
}

/* Writes the key of a break (kind MEMO_BREAK) or a measure of p into m->key. */
static void memo_key(para_memo *m, int kind, const para *p, const font_set *fs, const hyph *hy,
                     float width, float indent, para_align align, float leading)
{
    memo_head h;
    memset(&h, 0, sizeof h);             /* padding too: keys are compared as bytes */
    h.kind = kind;
    h.fs = fs;
    h.hy = hy;
    h.width = width;
    h.indent = indent;
    h.leading = leading;
    h.align = (int)align;
    h.no_hyph = p->no_hyph;
    h.nruns = p->nruns;
    buf_reset(&m->key);
    buf_append(&m->key, &h, sizeof h);
    for (int r = 0; r < p->nruns; r++) {
        memo_run mr = {(uint32_t)p->runs[r].off, (uint32_t)p->runs[r].len,
                       (int)p->runs[r].face, p->runs[r].size};
        buf_append(&m->key, &mr, sizeof mr);
    }
    buf_append(&m->key, p->text.data, p->text.len);
}

/* The slot of the entry with m->key (hash x), or the empty slot where it would go. */
static uint32_t *memo_slot(para_memo *m, uint64_t x)
{
    unsigned mask = (unsigned)m->nslot - 1;
    for (unsigned i = (unsigned)x & mask;; i = (i + 1) & mask) {
        uint32_t *s = &m->slot[i];
        if (*s == 0)
            return s;
        const memo_entry *e = &m->e[*s - 1];
        if (e->hash == x && e->keylen == m->key.len &&
            memcmp(m->arena.data + e->key, m->key.data, e->keylen) == 0)
            return s;
    }
}

/* Forgets everything (the memo reached its bound). */
static void memo_clear(para_memo *m)
{
    m->ne = 0;
    memset(m->slot, 0, (size_t)m->nslot * sizeof *m->slot);
    buf_reset(&m->arena);
}

/* Makes room for one more entry of `bytes` arena bytes. Returns 0 or -1 (no memory). */
static int memo_room(para_memo *m, size_t bytes)
{
    if (m->arena.len + bytes > PARA_MEMO_BYTES && m->ne > 0)
        memo_clear(m);
    if (grow((void **)&m->e, &m->cape, m->ne + 1, sizeof *m->e, 256) != 0)
        return -1;
    if ((m->ne + 1) * 2 <= m->nslot)
        return 0;
    int n = m->nslot ? m->nslot * 2 : 1024;
    uint32_t *s = calloc((size_t)n, sizeof *s);
    if (!s)
        return -1;
    free(m->slot);
    m->slot = s;
    m->nslot = n;
    for (int i = 0; i < m->ne; i++) {            /* re-insert: every key is distinct */
        unsigned k = (unsigned)m->e[i].hash & (unsigned)(n - 1);
        while (s[k])
            k = (k + 1) & (unsigned)(n - 1);
        s[k] = (uint32_t)i + 1;
    }
    return 0;
}

/* Remembers m->key (hash x) with the value bytes a (na) and b (nb) after it; nlines, nfrags
 * and height are the break's (0 for a measure). Without memory it is just not kept. */
static void memo_put_value(para_memo *m, uint64_t x, const void *a, size_t na, const void *b,
                           size_t nb, int nlines, int nfrags, float height)
{
    if (memo_room(m, m->key.len + na + nb) != 0 ||
        buf_reserve(&m->arena, m->key.len + na + nb) != 0)
        return;
    memo_entry *e = &m->e[m->ne];
    *e = (memo_entry){x, m->arena.len, m->key.len, m->arena.len + m->key.len, nlines, nfrags,
                      height};
    buf_append(&m->arena, m->key.data, m->key.len);
    buf_append(&m->arena, a, na);
    buf_append(&m->arena, b, nb);
    *memo_slot(m, x) = (uint32_t)++m->ne;
}

/* Remembers the break in out under m->key (hash x). */
static void memo_put(para_memo *m, uint64_t x, const para_layout *out)
{
    memo_put_value(m, x, out->lines, (size_t)out->nlines * sizeof *out->lines, out->frags,
                   (size_t)out->nfrags * sizeof *out->frags, out->nlines, out->nfrags,
                   out->height);
}

/* Copies a remembered break into out. Returns 0 or -1 (no memory). */
static int memo_get(const para_memo *m, const memo_entry *e, para_align align, para_layout *out)
{
    if (grow((void **)&out->lines, &out->caplines, e->nlines, sizeof *out->lines, 1) != 0 ||
        grow((void **)&out->frags, &out->capfrags, e->nfrags, sizeof *out->frags, 1) != 0)
        return -1;
    size_t lines = (size_t)e->nlines * sizeof *out->lines;
    memcpy(out->lines, m->arena.data + e->val, lines);
    memcpy(out->frags, m->arena.data + e->val + lines, (size_t)e->nfrags * sizeof *out->frags);
    out->nlines = e->nlines;
    out->nfrags = e->nfrags;
    out->height = e->height;
    out->align = align;
    return 0;
}

/* Looks the key memo_key made up: its slot (0 in it: not remembered yet) and hash *x, or NULL
 * when the memo cannot serve (no memory for the key or the table). */
static uint32_t *memo_find(para_memo *m, uint64_t *x)
{
    if (m->key.oom || (m->nslot == 0 && memo_room(m, 0) != 0))
        return NULL;
    *x = memo_hash(m->key.data, m->key.len);
    return memo_slot(m, *x);
}

int para_break_memo(para_memo *m, const para *p, const font_set *fs, hyph *hy, float width,
                    float indent, para_align align, float leading, para_layout *out,
                    char err[PARA_ERRLEN])
{
    uint64_t x = 0;
    uint32_t *s = NULL;
    if (m && !p->oom) {
        memo_key(m, MEMO_BREAK, p, fs, hy, width, indent, align, leading);
        s = memo_find(m, &x);
    }
    if (s && *s && memo_get(m, &m->e[*s - 1], align, out) == 0)
        return 0;
    int rc = para_break(p, fs, hy, width, indent, align, leading, out, err);
    if (rc == 0 && s && !*s)
        memo_put(m, x, out);
    return rc;
}

void para_measure_memo(para_memo *m, const para *p, const font_set *fs, float *minw, float *maxw)
{
    uint64_t x = 0;
    uint32_t *s = NULL;
    if (m && !p->oom) {
        memo_key(m, MEMO_MEASURE, p, fs, NULL, 0, 0, PARA_LEFT, 0);
        s = memo_find(m, &x);
    }
    float w[2];
    if (s && *s) {
        memcpy(w, m->arena.data + m->e[*s - 1].val, sizeof w);
    } else {
        para_measure(p, fs, &w[0], &w[1]);
        if (s)
            memo_put_value(m, x, w, sizeof w, NULL, 0, 0, 0, 0);
    }
    *minw = w[0];
    *maxw = w[1];
}
