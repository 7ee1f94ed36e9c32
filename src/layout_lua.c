/* layout_lua — the "layout" C module for trusted library code (lua/doc.lua builds on it):
 * layout.render(blocks, options) turns a document described as a Lua list of blocks into PDF
 * bytes (and, asked, into a part), layout.combine(parts) makes one PDF of such parts without
 * laying them out again. The PDF writer (fonts loaded once), the hyphenation dictionary and the
 * memo of line breaks are made on first use and kept for the life of the process, so a batch
 * pays for them once and its documents share what they repeat.
 * Block kinds and fields are documented in docs/doc-api.md. Uses layout, grid, chart, pdf,
 * pdfpart, hyph. */
#include "layout_lua.h"

#include <lauxlib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "bytes_lua.h"
#include "hyph.h"
#include "layout.h"
#include "lrt.h"
#include "pdfpart.h"
#include "phase.h"

#define WRITER_MT "otchet.writer"
#define WRITER_KEY "otchet.writer.instance"
#define DOC_MT "otchet.laydoc"
#define GRID_MT "otchet.grid"

/* Pushes a zeroed userdata of `size` bytes whose metatable `mt` has `gc` as __gc: C memory
 * stored in it is freed by Lua even when a later call raises. */
static void *push_box(lua_State *L, size_t size, const char *mt, lua_CFunction gc)
{
    void *p = lua_newuserdatauv(L, size, 0);
    memset(p, 0, size);
    if (luaL_newmetatable(L, mt)) {
        lua_pushcfunction(L, gc);
        lua_setfield(L, -2, "__gc");
    }
    lua_setmetatable(L, -2);
    return p;
}

/* ---- the process-wide writer ---- */

typedef struct writer {
    pdf_ctx *pdf;   /* owned */
    hyph *hy;       /* owned; NULL when the dictionary is missing (no hyphenation) */
    para_memo *memo; /* owned; NULL without memory (paragraphs are then broken each time) */
} writer;

static int writer_gc(lua_State *L)
{
    writer *w = lua_touserdata(L, 1);
    pdf_close(w->pdf);
    hyph_close(w->hy);
    para_memo_free(w->memo);
    w->pdf = NULL;
    w->hy = NULL;
    w->memo = NULL;
    return 0;
}

/* The writer, opened on first use; raises when the fonts cannot be loaded. */
static writer *get_writer(lua_State *L)
{
    if (lua_getfield(L, LUA_REGISTRYINDEX, WRITER_KEY) == LUA_TUSERDATA) {
        writer *w = lua_touserdata(L, -1);
        lua_pop(L, 1);
        return w;
    }
    lua_pop(L, 1);
    writer *w = push_box(L, sizeof *w, WRITER_MT, writer_gc);
    buf dir = BUF_INIT;
    buf_printf(&dir, "%s/fonts", lrt_home(lrt_of(L)));
    char err[PDF_ERRLEN], herr[HYPH_ERRLEN];
    w->pdf = pdf_open(dir.data, err);
    buf_free(&dir);
    if (!w->pdf)
        luaL_error(L, "не удалось подготовить шрифты: %s", err);
    w->hy = hyph_open(NULL, herr);
    w->memo = para_memo_new();
    lua_setfield(L, LUA_REGISTRYINDEX, WRITER_KEY);
    return w;
}

/* ---- reading fields ---- */

static const char *opt_str(lua_State *L, int t, const char *key, const char *def)
{
    lua_getfield(L, t, key);
    const char *s = lua_isnil(L, -1) ? def : luaL_tolstring(L, -1, NULL);
    if (s != def)
        lua_replace(L, -2);                           /* keep the string on the stack */
    /* the value stays on the stack until the caller's block ends: strings remain valid */
    return s;
}

static double opt_num(lua_State *L, int t, const char *key, double def)
{
    lua_getfield(L, t, key);
    double v = lua_isnil(L, -1) ? def : luaL_checknumber(L, -1);
    lua_pop(L, 1);
    return v;
}

static int opt_bool(lua_State *L, int t, const char *key)
{
    lua_getfield(L, t, key);
    int v = lua_toboolean(L, -1);
    lua_pop(L, 1);
    return v;
}

static para_align parse_align(lua_State *L, const char *s, para_align def)
{
    if (!s) return def;
    if (strcmp(s, "left") == 0) return PARA_LEFT;
    if (strcmp(s, "center") == 0) return PARA_CENTER;
    if (strcmp(s, "right") == 0) return PARA_RIGHT;
    if (strcmp(s, "justify") == 0) return PARA_JUSTIFY;
    luaL_error(L, "выравнивание '%s': допустимы left, center, right, justify", s);
    return def;
}

/* Calls run(ud, bold, italic, size, text) for each run of field "runs" (or "text") of the
 * table at index t. A run is a string or {text =, bold =, italic =, size =}. */
typedef void (*run_fn)(void *ud, int bold, int italic, float size, const char *text);

static void each_run(lua_State *L, int t, run_fn run, void *ud)
{
    int base = lua_gettop(L);
    if (lua_getfield(L, t, "runs") != LUA_TTABLE) {
        lua_pop(L, 1);
        const char *text = opt_str(L, t, "text", "");
        run(ud, opt_bool(L, t, "bold"), opt_bool(L, t, "italic"), 0, text);
        lua_settop(L, base);
        return;
    }
    int runs = lua_gettop(L);
    for (lua_Integer i = 1; lua_rawgeti(L, runs, i) != LUA_TNIL; i++) {
        if (lua_type(L, -1) == LUA_TSTRING) {
            run(ud, 0, 0, 0, lua_tostring(L, -1));
        } else {
            luaL_checktype(L, -1, LUA_TTABLE);
            int r = lua_gettop(L);
            const char *text = opt_str(L, r, "text", "");
            run(ud, opt_bool(L, r, "bold"), opt_bool(L, r, "italic"),
                (float)opt_num(L, r, "size", 0), text);
        }
        lua_settop(L, runs);
    }
    lua_settop(L, base);
}

static void doc_run(void *ud, int bold, int italic, float size, const char *text)
{
    if (size > 0)
        lay_run_sized(ud, bold, italic, size, text);
    else
        lay_run(ud, bold, italic, text);
}

/* ---- tables ---- */

typedef struct grid_box {
    grid *g;        /* owned until handed to the document */
} grid_box;

static int grid_box_gc(lua_State *L)
{
    grid_box *b = lua_touserdata(L, 1);
    grid_free(b->g);
    b->g = NULL;
    return 0;
}

static void read_column(lua_State *L, int t, grid_col *c)
{
    int base = lua_gettop(L);
    memset(c, 0, sizeof *c);
    c->kind = GRID_AUTO;
    lua_getfield(L, t, "mm");
    lua_getfield(L, t, "rel");
    if (!lua_isnil(L, -2)) {
        c->kind = GRID_MM;
        c->value = (float)luaL_checknumber(L, -2);
    } else if (!lua_isnil(L, -1)) {
        c->kind = GRID_REL;
        c->value = (float)luaL_checknumber(L, -1);
    }
    c->align = parse_align(L, opt_str(L, t, "align", NULL), PARA_LEFT);
    c->numeric = opt_bool(L, t, "numeric");
    lua_settop(L, base);
}

static void grid_run(void *ud, int bold, int italic, float size, const char *text)
{
    (void)size;
    grid_cell_run(ud, bold, italic, text, strlen(text));
}

static void read_cell(lua_State *L, grid *g, int cell)
{
    int base = lua_gettop(L);
    if (lua_type(L, cell) == LUA_TSTRING) {          /* most cells: no metamethods to ask */
        grid_cell(g, lua_tostring(L, cell), NULL);
        return;
    }
    if (lua_type(L, cell) != LUA_TTABLE) {
        grid_cell(g, luaL_tolstring(L, cell, NULL), NULL);
        lua_settop(L, base);
        return;
    }
    grid_cellopt o = {0};
    o.colspan = (int)opt_num(L, cell, "colspan", 1);
    o.rowspan = (int)opt_num(L, cell, "rowspan", 1);
    const char *al = opt_str(L, cell, "align", NULL);
    o.align = al ? (int)parse_align(L, al, PARA_LEFT) : -1;
    const char *va = opt_str(L, cell, "valign", "top");
    o.valign = strcmp(va, "middle") == 0 ? GRID_MIDDLE : strcmp(va, "bottom") == 0 ? GRID_BOTTOM : GRID_TOP;
    o.bold = opt_bool(L, cell, "bold");
    o.italic = opt_bool(L, cell, "italic");
    o.shade = (float)opt_num(L, cell, "shade", 0);
    grid_cell_begin(g, &o);
    each_run(L, cell, grid_run, g);
    grid_cell_end(g);
    lua_settop(L, base);
}

/* Adds the rows of the list at stack index list to g, each ended as a body or total row. A
 * row is a list of cells with total=true, keep_with_next=true optional. */
static void add_rows(lua_State *L, grid *g, int list)
{
    for (lua_Integer r = 1; lua_rawgeti(L, list, r) == LUA_TTABLE; r++) {
        int row = lua_gettop(L);
        for (lua_Integer c = 1; lua_rawgeti(L, row, c) != LUA_TNIL; c++) {
            read_cell(L, g, lua_gettop(L));
            lua_pop(L, 1);
        }
        lua_pop(L, 1);                                /* the nil */
        if (opt_bool(L, row, "keep_with_next"))
            grid_row_keep_next(g);
        grid_row_end(g, opt_bool(L, row, "total") ? GRID_ROW_TOTAL : GRID_ROW_BODY);
        lua_settop(L, list);
    }
    lua_pop(L, 1);                                    /* what ended the list */
}

/* {kind="table", columns={…}, header={row…}, rows={row…}, size=pt}: the header rows (none
 * when absent) repeat on every page. */
static void add_table(lua_State *L, lay_doc *d, int t)
{
    int base = lua_gettop(L);
    luaL_argcheck(L, lua_getfield(L, t, "columns") == LUA_TTABLE, 1, "у таблицы нет columns");
    int ncols = (int)luaL_len(L, -1);
    luaL_argcheck(L, ncols > 0 && ncols <= 64, 1, "у таблицы от 1 до 64 столбцов");
    grid_col *cols = lua_newuserdatauv(L, sizeof *cols * (size_t)ncols, 0);
    for (int i = 0; i < ncols; i++) {
        lua_rawgeti(L, base + 1, i + 1);
        read_column(L, lua_gettop(L), &cols[i]);
        lua_pop(L, 1);
    }
    int header = lua_getfield(L, t, "header") == LUA_TTABLE ? lua_gettop(L) : 0;
    int nheader = header ? (int)luaL_len(L, header) : 0;
    grid_box *box = push_box(L, sizeof *box, GRID_MT, grid_box_gc);
    box->g = grid_new(ncols, cols, nheader, (float)opt_num(L, t, "size", 11));
    if (!box->g)
        luaL_error(L, "нет памяти");
    if (header)
        add_rows(L, box->g, header);
    luaL_argcheck(L, lua_getfield(L, t, "rows") == LUA_TTABLE, 1, "у таблицы нет rows");
    add_rows(L, box->g, lua_gettop(L));
    if (grid_error(box->g)[0])
        luaL_error(L, "таблица: %s", grid_error(box->g));
    lay_table(d, box->g);                             /* the document owns it now */
    box->g = NULL;
    lua_settop(L, base);
}

/* ---- charts ---- */

static chart_kind parse_chart(lua_State *L, const char *s)
{
    if (strcmp(s, "bar") == 0) return CHART_BAR;
    if (strcmp(s, "grouped") == 0) return CHART_GROUPED;
    if (strcmp(s, "stacked") == 0) return CHART_STACKED100;
    if (strcmp(s, "line") == 0) return CHART_LINE;
    luaL_error(L, "вид диаграммы '%s': допустимы bar, grouped, stacked, line", s);
    return CHART_BAR;
}

/* Reads list field `key` of strings into a userdata-backed array; returns its length. */
static int read_strings(lua_State *L, int t, const char *key, const char ***out)
{
    luaL_argcheck(L, lua_getfield(L, t, key) == LUA_TTABLE, 1, "у диаграммы нет списка");
    int list = lua_gettop(L), n = (int)luaL_len(L, list);
    const char **a = lua_newuserdatauv(L, sizeof *a * (size_t)(n ? n : 1), 0);
    for (int i = 0; i < n; i++) {
        lua_rawgeti(L, list, i + 1);
        if (lua_istable(L, -1)) {                     /* a series {name =, values =} */
            lua_getfield(L, -1, "name");
            lua_replace(L, -2);
        }
        a[i] = luaL_tolstring(L, -1, NULL);
        lua_rawseti(L, list, -(i + 1));               /* keep the string alive in the list */
        lua_pop(L, 1);
    }
    *out = a;
    return n;
}

/* {kind="chart", chart="stacked", title=, y_label=, categories={…},
 *  series={ {name=, values={…}} … }, percent=, value_labels=, height=mm} */
static void add_chart(lua_State *L, lay_doc *d, int t)
{
    int base = lua_gettop(L);
    chart_spec sp;
    memset(&sp, 0, sizeof sp);
    sp.kind = parse_chart(L, opt_str(L, t, "chart", "bar"));
    sp.title = opt_str(L, t, "title", NULL);
    sp.y_label = opt_str(L, t, "y_label", NULL);
    sp.percent = opt_bool(L, t, "percent");
    sp.value_labels = opt_bool(L, t, "value_labels");
    const char **cats, **series;
    sp.ncats = read_strings(L, t, "categories", &cats);
    sp.nseries = read_strings(L, t, "series", &series);
    sp.cats = cats;
    sp.series = series;
    double *v = lua_newuserdatauv(L, sizeof *v * (size_t)(sp.ncats * sp.nseries + 1), 0);
    lua_getfield(L, t, "series");
    for (int s = 0; s < sp.nseries; s++) {
        lua_rawgeti(L, -1, s + 1);
        lua_getfield(L, -1, "values");
        for (int c = 0; c < sp.ncats; c++) {
            lua_rawgeti(L, -1, c + 1);
            v[s * sp.ncats + c] = lua_isnumber(L, -1) ? lua_tonumber(L, -1) : NAN;
            lua_pop(L, 1);
        }
        lua_pop(L, 2);
    }
    sp.values = v;
    lay_chart(d, &sp, (float)opt_num(L, t, "height", 70));
    lua_settop(L, base);
}

/* ---- blocks ---- */

static void add_para(lua_State *L, lay_doc *d, int t)
{
    para_align al = parse_align(L, opt_str(L, t, "align", NULL), PARA_JUSTIFY);
    lua_getfield(L, t, "indent");
    int indent = lua_isnil(L, -1) ? al == PARA_JUSTIFY : lua_toboolean(L, -1);
    lua_pop(L, 1);
    lay_para_begin(d, al, indent);
    each_run(L, t, doc_run, d);
    lay_para_end(d);
    if (opt_bool(L, t, "keep_with_next"))
        lay_keep_with_next(d);
}

static void add_item(lua_State *L, lay_doc *d, int t)
{
    int numbers[8], depth = 0;
    if (lua_getfield(L, t, "numbers") == LUA_TTABLE) {
        depth = (int)luaL_len(L, -1);
        luaL_argcheck(L, depth <= 8, 1, "не больше 8 уровней номера");
        for (int i = 0; i < depth; i++) {
            lua_rawgeti(L, -1, i + 1);
            numbers[i] = (int)luaL_checkinteger(L, -1);
            lua_pop(L, 1);
        }
    }
    lua_pop(L, 1);
    lay_item_begin(d, depth ? numbers : NULL, depth);
    each_run(L, t, doc_run, d);
    lay_para_end(d);
}

static void add_section(lua_State *L, lay_doc *d, int t)
{
    lay_margins m = {30, 15, 20, 20};
    m.left = (float)opt_num(L, t, "left", m.left);
    m.right = (float)opt_num(L, t, "right", m.right);
    m.top = (float)opt_num(L, t, "top", m.top);
    m.bottom = (float)opt_num(L, t, "bottom", m.bottom);
    lay_section(d, opt_bool(L, t, "landscape"), &m);
}

/* Adds the block at stack index t to the document. */
static void add_block(lua_State *L, lay_doc *d, int t)
{
    int base = lua_gettop(L);
    luaL_checktype(L, t, LUA_TTABLE);
    luaL_checkstack(L, 40, "блок слишком сложен"); /* field values stay on the stack */
    const char *k = opt_str(L, t, "kind", "");
    if (strcmp(k, "para") == 0) add_para(L, d, t);
    else if (strcmp(k, "heading") == 0) lay_heading(d, (int)opt_num(L, t, "level", 1), opt_str(L, t, "text", ""));
    else if (strcmp(k, "item") == 0) add_item(L, d, t);
    else if (strcmp(k, "spacer") == 0) lay_spacer(d, (float)opt_num(L, t, "mm", 5));
    else if (strcmp(k, "page_break") == 0) lay_page_break(d);
    else if (strcmp(k, "part") == 0) lay_part(d);
    else if (strcmp(k, "section") == 0) add_section(L, d, t);
    else if (strcmp(k, "table") == 0) add_table(L, d, t);
    else if (strcmp(k, "chart") == 0) add_chart(L, d, t);
    else if (strcmp(k, "toc") == 0) lay_toc(d, opt_str(L, t, "title", "Содержание"));
    else if (strcmp(k, "executor") == 0) lay_executor(d, opt_str(L, t, "text", ""));
    else if (strcmp(k, "appendix_mark") == 0) lay_appendix_mark(d, opt_str(L, t, "text", ""));
    else if (strcmp(k, "signature") == 0)
        lay_signature(d, opt_str(L, t, "position", ""), opt_str(L, t, "name", ""));
    else if (strcmp(k, "approval") == 0)
        lay_approval(d, opt_str(L, t, "position", ""), opt_str(L, t, "name", ""), opt_str(L, t, "date", ""));
    else if (strcmp(k, "requisites") == 0)
        lay_requisites(d, opt_str(L, t, "org", ""), opt_str(L, t, "details", ""),
                       opt_str(L, t, "doc_kind", "ПРИКАЗ"), opt_str(L, t, "date", ""),
                       opt_str(L, t, "number", ""), opt_str(L, t, "place", ""));
    else luaL_error(L, "неизвестный вид блока '%s'", k);
    lua_settop(L, base);
}

/* ---- render ---- */

typedef struct doc_box {
    lay_doc *d;     /* owned */
} doc_box;

static int doc_box_gc(lua_State *L)
{
    doc_box *b = lua_touserdata(L, 1);
    lay_free(b->d);
    b->d = NULL;
    return 0;
}

static void read_meta(lua_State *L, int t, pdf_meta *m)
{
    memset(m, 0, sizeof *m);
    if (lua_isnoneornil(L, t))
        return;
    luaL_checktype(L, t, LUA_TTABLE);
    m->title = opt_str(L, t, "title", NULL);
    m->author = opt_str(L, t, "author", NULL);
    m->subject = opt_str(L, t, "subject", NULL);
    m->keywords = opt_str(L, t, "keywords", NULL);
    m->creator = "otchet";
    const char *date = opt_str(L, t, "date", NULL);   /* "yyyy-mm-dd": reproducible */
    if (date && strlen(date) == 10) {
        m->year = atoi(date);
        m->month = atoi(date + 5);
        m->day = atoi(date + 8);
    }
}

/* Pushes nil and the message. Returns 2. */
static int push_failure(lua_State *L, const char *msg)
{
    lua_pushnil(L);
    lua_pushstring(L, msg);
    return 2;
}

/* ---- parts ---- */

/* Pushes the document's pages as a part (a bytes value). */
static int push_part(lua_State *L, const pdf_ctx *pdf)
{
    bytes_slot *slot = bytes_lua_new(L);
    buf b = BUF_INIT;
    if (pdfpart_take(pdf, &b) != 0) {
        buf_free(&b);
        return luaL_error(L, "нет памяти");
    }
    slot->len = b.len;
    slot->p = buf_take(&b);
    return 1;
}

/* layout.render(blocks, options) → pdf bytes, pages[, part] | nil, message. The bytes and the
 * part are bytes values (bytes_lua.h), not strings.
 * options: { size = 12|14, leading =, title =, author =, subject =, keywords =, date =,
 *            part = true: also the document's pages as a part for layout.combine } */
static int render_doc(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    writer *w = get_writer(L);
    doc_box *box = push_box(L, sizeof *box, DOC_MT, doc_box_gc);
    box->d = lay_new(w->pdf, w->hy);
    if (!box->d)
        return luaL_error(L, "нет памяти");
    lay_set_memo(box->d, w->memo);
    if (lua_istable(L, 2))
        lay_set_size(box->d, (float)opt_num(L, 2, "size", 14), (float)opt_num(L, 2, "leading", 1.15));
    for (lua_Integer i = 1; lua_rawgeti(L, 1, i) != LUA_TNIL; i++) {
        add_block(L, box->d, lua_gettop(L));
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
    pdf_meta meta;
    read_meta(L, 2, &meta);
    int pages = 0;
    bytes_slot *out = bytes_lua_new(L);   /* made first: a memory error cannot leak the PDF */
    int part = lua_istable(L, 2) && opt_bool(L, 2, "part");
    if (part)
        pdf_keep(w->pdf);
    unsigned char *pdf = NULL;
    int rc = lay_render(box->d, &meta, &pdf, &out->len, &pages);
    if (rc != 0)
        push_failure(L, lay_error(box->d));
    /* done with the layout: freed now, not when the collector comes to the box — it paces itself
     * by Lua's heap, and a worker over a country's dataset (a live heap of ~300 MB) came to it
     * every ~3,500 sheets, holding that many sheets' layouts meanwhile */
    lay_free(box->d);
    box->d = NULL;
    if (rc != 0)
        return 2;
    out->p = pdf;
    lua_pushinteger(L, pages);
    return part ? 2 + push_part(L, w->pdf) : 2;
}

/* layout.combine(parts, options) → pdf bytes, pages | nil, message. The parts (from
 * layout.render with part = true — bytes values, or strings when they came from another otchet
 * process with the same fonts)
 * in order, each on an odd page; options: title =, author =, subject =, keywords =, date =. */
static int combine_parts(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    writer *w = get_writer(L);
    lua_Integer n = luaL_len(L, 1);
    if (n < 1 || n > 1000000)
        return luaL_error(L, "layout.combine: нет частей");
    pdfpart_in *in = lua_newuserdatauv(L, (size_t)n * sizeof *in, 0);   /* collected with L */
    for (lua_Integer i = 1; i <= n; i++) {
        lua_rawgeti(L, 1, i);       /* the strings stay referenced by the table */
        size_t len;
        in[i - 1].data = (const unsigned char *)bytes_lua_check(L, -1, &len);
        in[i - 1].len = len;
        lua_pop(L, 1);
    }
    pdf_meta meta;
    read_meta(L, 2, &meta);
    bytes_slot *out = bytes_lua_new(L);
    int pages = 0;
    unsigned char *pdf = NULL;
    if (pdfpart_combine(w->pdf, &meta, in, (int)n, 1, &pdf, &out->len, &pages) != 0)
        return push_failure(L, pdf_error(w->pdf));
    out->p = pdf;
    lua_pushinteger(L, pages);
    return 2;
}

/* layout.open(): opens this process's writer now (fonts, hyphenation) rather than at the
 * first document. The runner calls it before forking workers: they inherit it open, and the
 * combined files after them do not wait for it. */
static int layout_open(lua_State *L)
{
    phase_id was = phase_enter(PHASE_LAYOUT);
    get_writer(L);
    phase_enter(was);
    return 0;
}

/* The time of these goes to the phase "layout" (phase.h); a Lua error inside leaves it there
 * until the runner enters its next phase. */
static int layout_render(lua_State *L)
{
    phase_id was = phase_enter(PHASE_LAYOUT);
    int n = render_doc(L);
    phase_enter(was);
    return n;
}

static int layout_combine(lua_State *L)
{
    phase_id was = phase_enter(PHASE_LAYOUT);
    int n = combine_parts(L);
    phase_enter(was);
    return n;
}

static const luaL_Reg layout_funcs[] = {
    {"open", layout_open},
    {"render", layout_render},
    {"combine", layout_combine},
    {NULL, NULL}
};

int layout_lua_open(lua_State *L)
{
    luaL_newlib(L, layout_funcs);
    return 1;
}
