/* libFuzzer target: table layout and pagination. The input describes a table: byte 0 = number
 * of columns (1–6) and header rows, then cells separated by 0x01 with rows ended by 0x02; a
 * cell starting with 0x03 k spans k columns, with 0x04 k spans k rows. The document is
 * rendered; builder errors are fine, crashes, hangs and leaks are not. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hyph.h"
#include "layout.h"
#include "pdf.h"
#include "text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static pdf_ctx *pdf;
static hyph *hy;

/* Adds the cell s[0..n) with the span prefixes it carries. */
static void add_cell(grid *g, const char *s, size_t n)
{
    grid_cellopt o = {0};
    o.align = -1;
    while (n >= 2 && (s[0] == 3 || s[0] == 4)) {
        int k = 1 + (unsigned char)s[1] % 4;
        if (s[0] == 3)
            o.colspan = k;
        else
            o.rowspan = k;
        s += 2;
        n -= 2;
    }
    grid_cell_begin(g, &o);
    grid_cell_run(g, n & 1, 0, s, n);
    grid_cell_end(g);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[PDF_ERRLEN], herr[HYPH_ERRLEN];
    if (!pdf) {
        const char *dir = getenv("OTCHET_FONTS");
        pdf = pdf_open(dir ? dir : "fonts", err);
        hy = hyph_open(NULL, herr);
        if (!pdf)
            abort();
    }
    int mb;
    if (size < 1 || size > 4000 || txt_utf8_check((const char *)data + 1, size - 1, &mb) != size - 1)
        return 0;
    int ncols = 1 + data[0] % 6;
    grid_col cols[6];
    for (int i = 0; i < ncols; i++)
        cols[i] = (grid_col){(grid_width)(i % 3), i % 3 == 1 ? 25.0f : 1.0f, PARA_LEFT, i == ncols - 1};
    grid *g = grid_new(ncols, cols, (data[0] >> 3) % 3, 10);
    lay_doc *d = lay_new(pdf, hy);
    if (!g || !d)
        abort();
    const char *s = (const char *)data + 1, *end = (const char *)data + size, *cell = s;
    for (const char *p = s; p <= end; p++) {
        if (p == end || *p == 1 || *p == 2) {
            add_cell(g, cell, (size_t)(p - cell));
            if (p == end || *p == 2)
                grid_row_end(g, (p != end && p + 1 < end && p[1] == 'T') ? GRID_ROW_TOTAL : GRID_ROW_BODY);
            cell = p + 1;
        }
    }
    lay_heading(d, 1, "Таблица");
    lay_table(d, g);
    unsigned char *out = NULL;
    size_t len;
    int pages;
    pdf_meta meta = {0};
    if (lay_render(d, &meta, &out, &len, &pages) != 0 && getenv("FUZZ_DEBUG"))
        fprintf(stderr, "render: %s\n", lay_error(d));
    free(out);
    lay_free(d);
    return 0;
}
