/* pdfpart — a finished document's pages as bytes that can travel (from a worker process,
 * through a file) and be put unchanged into a combined document: the school sheets are laid
 * out once, and the printer's file is assembled from their pages with no layout, no Lua and
 * no compression (the fonts are embedded once, for the glyphs of all parts).
 * A part holds: the fonts' fingerprint, each page's size, faces and deflated operators, the
 * codes drawn per face, and the bookmarks. Uses pdf, font, buf. */
#ifndef OTCHET_PDFPART_H
#define OTCHET_PDFPART_H
#include <stddef.h>
#include "buf.h"
#include "pdf.h"

/* Appends the part of the document just finished on p (pdf_keep was called after pdf_begin)
 * to out. Returns 0, or -1 when p kept nothing. */
int pdfpart_take(const pdf_ctx *p, buf *out);

typedef struct pdfpart_in {
    const unsigned char *data;
    size_t len;
} pdfpart_in;

/* Writes one document of the n parts in order, with `meta`; with `odd`, each part starts on an
 * odd page (a blank page before it when needed). On success *out (malloc'd) and *len hold the
 * PDF, *pages its page count, and 0 is returned; else -1 with pdf_error(p) saying why (a
 * damaged part, one made with other fonts). */
int pdfpart_combine(pdf_ctx *p, const pdf_meta *meta, const pdfpart_in *parts, int n, int odd,
                    unsigned char **out, size_t *len, int *pages);

#endif
