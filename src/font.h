/* font — the libharu handle of a process and the fonts loaded into it once: the OtchetSerif
 * (regular, bold, italic, bold italic) and OtchetSans (regular, bold) subsets from fonts/,
 * their coverage and advance widths, and the compact two-byte encoding "OTCHET-H" that text is
 * written in (one code per covered code point, so libharu's per-document font work is small).
 * Also writes the ToUnicode CMap for that encoding and keeps libharu's embedded subsets
 * writable. Uses libharu (incl. internal headers), text, buf. */
#ifndef OTCHET_FONT_H
#define OTCHET_FONT_H
#include <stddef.h>
#include <stdint.h>
#include <hpdf.h>
#include <hpdf_fontdef.h>
#include "buf.h"

typedef enum {
    FONT_SERIF, FONT_SERIF_BOLD, FONT_SERIF_ITALIC, FONT_SERIF_BOLD_ITALIC,
    FONT_SANS, FONT_SANS_BOLD,
    FONT_NFACES
} font_face;

#define FONT_ERRLEN 256
#define FONT_MAXCODES 4096          /* code points the encoding can hold */
#define FONT_ENCODING "OTCHET-H"

typedef struct font_set font_set;

/* The code points a document used, by code index; cleared per document by the caller. */
typedef struct font_usage {
    uint8_t bits[FONT_MAXCODES / 8];
} font_usage;

/* Called for every libharu error on the handle (codes from hpdf_error.h). */
typedef void (*font_errfn)(void *user, unsigned long code, unsigned long detail);

/* Creates the libharu handle, loads the six faces from `dir` (fonts/OtchetSerif-Regular.ttf …)
 * and registers the encoding. Returns the set (free with font_close), or NULL with `err`. */
font_set *font_open(const char *dir, font_errfn on_error, void *user, char err[FONT_ERRLEN]);
void font_close(font_set *fs);

/* The libharu handle documents are made on (owned by fs) and a face's font name in it. */
HPDF_Doc font_handle(const font_set *fs);
const char *font_name(const font_set *fs, font_face f);

/* Advance width of `cp` in 1/1000 em, or -1 when the face has no glyph for it. */
int font_width(const font_set *fs, font_face f, uint32_t cp);

/* Width in points of UTF-8 text s[0..n) in face f at `size` (characters it lacks count 0). */
float font_text_width(const font_set *fs, font_face f, float size, const char *s, size_t n);

/* Checks that every character of UTF-8 text s[0..n) is well-formed and covered by face f.
 * Returns 0, or -1 with `err` naming the character ("… U+20BD …"). */
int font_check(const font_set *fs, font_face f, const char *s, size_t n, char err[FONT_ERRLEN]);

/* Appends text s[0..n) in the OTCHET-H encoding to out and marks the codes in `used`.
 * Characters the face lacks are an error (-1, `err` set) and nothing is appended. */
int font_encode(const font_set *fs, font_face f, const char *s, size_t n, buf *out,
                font_usage *used, char err[FONT_ERRLEN]);

/* Appends a /CMapType 2 ToUnicode CMap for the codes in `used` (bfrange runs, bfchar singles,
 * at most 100 entries per block) to out. */
void font_tounicode(const font_set *fs, const font_usage *used, buf *out);

/* The embedded subset of face f in the current document (libharu writes the TrueType subset of
 * the glyphs drawn). font_subset_size: its size in bytes as libharu will write it (the
 * FontFile2 /Length1). font_subset_prepare: call after the document's last text and before the
 * subset is written; it adds one unused glyph when libharu 2.3.0 could not write the subset
 * otherwise (see font.c). font_def: the face's libharu font definition (owned by the handle). */
unsigned long font_subset_size(const font_set *fs, font_face f);
void font_subset_prepare(const font_set *fs, font_face f);
HPDF_FontDef font_def(const font_set *fs, font_face f);

/* Short description of a face for messages, e.g. "OtchetSerif-Bold". */
const char *font_face_label(font_face f);

#endif
