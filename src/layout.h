/* layout — documents as a list of blocks built through calls, paginated and drawn to PDF:
 * headings (levels 1–3, kept with the next block, bookmarked), paragraphs of styled runs,
 * numbered («1.», «1.1.») and bulleted («–») list items, spacers, page breaks, sections
 * (portrait / landscape, margins), the approval block «УТВЕРЖДАЮ», an order's requisites block,
 * the signature line, the executor note on the last page, the appendix mark, tables (grid),
 * charts (chart) and a table of contents; running page numbers at the top centre from page 2.
 * Pagination keeps at least two lines of a paragraph at the bottom and top of a page; a heading
 * (or a block marked lay_keep_with_next) stays with the first lines of what follows as they
 * will be placed; the signature and executor note stay with the end of what precedes them.
 * Headings, centred lines, the approval block and the appendix mark are not hyphenated; a
 * centred paragraph of several lines is set in lines of even length.
 *
 * Use (every call is a no-op after the first error; check lay_error / lay_render):
 *     lay_doc *d = lay_new(pdf, hy);                 pdf_open() and hyph_open() once per process
 *     lay_heading(d, 1, "Об итогах ВПР");
 *     lay_para_begin(d, PARA_JUSTIFY, 1);  lay_run(d, 0, 0, "Текст ");  lay_run(d, 1, 0, "жирный");
 *     lay_para_end(d);
 *     lay_table(d, g);                               g from grid_new(); the doc owns it now
 *     lay_render(d, &meta, &pdf_bytes, &len, &pages);  then lay_free(d)
 * All text is UTF-8. Uses para, grid, chart, pdf, font, hyph. */
#ifndef OTCHET_LAYOUT_H
#define OTCHET_LAYOUT_H
#include <stddef.h>
#include "chart.h"
#include "grid.h"
#include "para.h"

typedef struct lay_doc lay_doc;

typedef struct lay_margins {
    float left, right, top, bottom;     /* millimetres */
} lay_margins;

/* A document on the writer `pdf` with hyphenation `hy` (may be NULL); both borrowed and
 * reusable across documents. Base text size 14 pt (orders); lay_set_size changes it. */
lay_doc *lay_new(pdf_ctx *pdf, hyph *hy);
/* Breaks the document's paragraphs through memo m (borrowed, may be NULL; see para_memo):
 * the same result, sooner when the documents of a process repeat their paragraphs. */
void lay_set_memo(lay_doc *d, para_memo *m);
void lay_free(lay_doc *d);
/* First error ("" = none). */
const char *lay_error(const lay_doc *d);

/* Base size of body text (12 for references, 14 for orders) and line spacing (1.15 default). */
void lay_set_size(lay_doc *d, float size, float leading);
/* Starts a section on a new page: orientation and margins (NULL = ГОСТ defaults 30/15/20/20). */
void lay_section(lay_doc *d, int landscape, const lay_margins *m);

/* A heading, level 1 (centred) to 3; appears in bookmarks and the table of contents (with its
 * line breaks as spaces). Not hyphenated; kept with the start of the next block. */
void lay_heading(lay_doc *d, int level, const char *text);
/* A paragraph: begin, any number of runs, end. `indent`: 1.25 cm first-line indent. */
void lay_para_begin(lay_doc *d, para_align align, int indent);
void lay_run(lay_doc *d, int bold, int italic, const char *text);
void lay_run_sized(lay_doc *d, int bold, int italic, float size, const char *text);
void lay_para_end(lay_doc *d);
/* Keeps the block just added (a caption, a lead-in) on the page where the next block starts:
 * its last lines go on with the next block's first lines (a table's header and first row, a
 * whole chart). Headings are always kept so. */
void lay_keep_with_next(lay_doc *d);
/* Shorthand: a justified, indented paragraph of plain text. */
void lay_text(lay_doc *d, const char *text);
/* List items: the label is «1.», «1.2.» (numbered, from `number`[0..depth)) or «–» (bullet,
 * numbers = NULL); the text follows on the same line, as official Russian documents set them.
 * Runs may be added with lay_run before lay_para_end. */
void lay_item_begin(lay_doc *d, const int *numbers, int depth);

void lay_spacer(lay_doc *d, float mm);
void lay_page_break(lay_doc *d);

/* «УТВЕРЖДАЮ» block at the top right: position (may hold '\n'), name (И.О. Фамилия), date. */
void lay_approval(lay_doc *d, const char *position, const char *name, const char *date);
/* An order's first-page header: organisation lines (centred, bold; '\n' separates), details
 * line (address, phone), the document kind («ПРИКАЗ»), date and number on one line, place. */
void lay_requisites(lay_doc *d, const char *org, const char *details, const char *kind,
                    const char *date, const char *number, const char *place);
/* Signature: position at the left margin (may wrap), И.О. Фамилия at the right, same line.
 * Kept with the end of the block before it (its last two lines, a table's last row) and with
 * the executor note after it: never alone on a page. */
void lay_signature(lay_doc *d, const char *position, const char *name);
/* Executor note («Исполнитель …, тел. …») at the bottom of the current page, 10 pt: add it
 * last, so it ends the document (or the part). Kept with the signature (or the text) before
 * it. */
void lay_executor(lay_doc *d, const char *text);
/* Starts a part of a combined document: a new page that is always odd (a blank page is put
 * before it when needed, so duplex printing keeps parts on their own sheets), with page
 * numbers counted from the part's first page. */
void lay_part(lay_doc *d);
/* Appendix mark at the top right («Приложение № 2\nк приказу … от 05.06.2023 № 319»): the
 * right 45 % of the text width (as the approval block), wrapped there without hyphenation. */
void lay_appendix_mark(lay_doc *d, const char *text);
/* Table of contents of level 1–2 headings with page numbers (renders the document twice). */
void lay_toc(lay_doc *d, const char *title);

/* Adds a table / chart block. The document takes ownership of g / copies spec. */
void lay_table(lay_doc *d, grid *g);
void lay_chart(lay_doc *d, const chart_spec *spec, float height_mm);

/* Paginates and draws the document: *out (malloc'd, caller frees), *len, *pages.
 * Returns 0, or -1 with lay_error() set. The document can be rendered again. */
int lay_render(lay_doc *d, const pdf_meta *meta, unsigned char **out, size_t *len, int *pages);

#endif
