/* font — the fonts of a process, loaded once: the OtchetSerif (regular, bold, italic, bold
 * italic) and OtchetSans (regular, bold) subsets from fonts/, their coverage and advance
 * widths, the two-byte codes text is written in (code k = CID = glyph id of the subset we
 * embed), the ToUnicode CMap of those codes, and the compressed TrueType subsets to embed
 * (cached: documents drawing the same glyphs share one). Also owns the process's libharu
 * handle. Uses libharu (to read the fonts), ttf, text, buf, zlib. */
#ifndef OTCHET_FONT_H
#define OTCHET_FONT_H
#include <stddef.h>
#include <stdint.h>
#include <hpdf.h>
#include "buf.h"

typedef enum {
    FONT_SERIF, FONT_SERIF_BOLD, FONT_SERIF_ITALIC, FONT_SERIF_BOLD_ITALIC,
    FONT_SANS, FONT_SANS_BOLD,
    FONT_NFACES
} font_face;

#define FONT_ERRLEN 256
#define FONT_MAXCODES 4096          /* code points the encoding can hold */

typedef struct font_set font_set;

/* The codes a document drew, per face; cleared per document by the caller. */
typedef struct font_usage {
    uint8_t bits[FONT_NFACES][FONT_MAXCODES / 8];
} font_usage;

/* What a FontDescriptor says of a face (font units of 1/1000 em). */
typedef struct font_metrics {
    int ascent, descent;
    unsigned flags;
    int bbox[4];                 /* left, bottom, right, top */
    int italic_angle, stemv, x_height, cap_height;
} font_metrics;

/* A face's subset for one glyph set, ready for a FontFile2 stream: `data` is deflated,
 * `raw_len` bytes once inflated (/Length1); `tag` prefixes the font name ("ABCDEF+…"). */
typedef struct font_blob {
    unsigned char *data;
    size_t len;
    size_t raw_len;
    char tag[7];
} font_blob;

/* Called for every libharu error on the handle (codes from hpdf_error.h). */
typedef void (*font_errfn)(void *user, unsigned long code, unsigned long detail);

/* Creates the libharu handle and loads the six faces from `dir` (fonts/OtchetSerif-Regular.ttf
 * …). Returns the set (free with font_close), or NULL with `err`. */
font_set *font_open(const char *dir, font_errfn on_error, void *user, char err[FONT_ERRLEN]);
void font_close(font_set *fs);

/* The libharu handle documents are made on (owned by fs). */
HPDF_Doc font_handle(const font_set *fs);

/* Advance width of `cp` in 1/1000 em, or -1 when the face has no glyph for it. */
int font_width(const font_set *fs, font_face f, uint32_t cp);

/* Width in points of UTF-8 text s[0..n) in face f at `size` (characters it lacks count 0). */
float font_text_width(const font_set *fs, font_face f, float size, const char *s, size_t n);

/* Checks that every character of UTF-8 text s[0..n) is well-formed and covered by face f.
 * Returns 0, or -1 with `err` naming the character ("… U+20BD …"). */
int font_check(const font_set *fs, font_face f, const char *s, size_t n, char err[FONT_ERRLEN]);

/* Appends the codes of text s[0..n) in face f to out (two bytes each), marks them in `used`
 * and, when `units` is not NULL, stores the text's advance in 1/1000 em there. Characters the
 * face lacks are an error (-1, `err` set) and nothing is appended. */
int font_encode(const font_set *fs, font_face f, const char *s, size_t n, buf *out,
                font_usage *used, long *units, char err[FONT_ERRLEN]);

/* Appends a /CMapType 2 ToUnicode CMap for the codes `used` marks in any face (bfchar
 * entries, at most 100 per block) to out. */
void font_tounicode(const font_set *fs, const font_usage *used, buf *out);

/* font_tounicode's map deflated (`raw_len` inflated; no tag), cached like the subsets: owned
 * by fs, valid at least until the next call. NULL with err when out of memory. */
const font_blob *font_tounicode_embed(font_set *fs, const font_usage *used, char err[FONT_ERRLEN]);

/* Codes run 1..font_ncodes; font_code_width is code k's advance in face f (1/1000 em), or -1
 * when the face has no glyph for it. */
int font_ncodes(const font_set *fs);
int font_code_of(const font_set *fs, uint32_t cp);      /* 0 when no face covers cp */
int font_code_width(const font_set *fs, font_face f, int k);
const font_metrics *font_face_metrics(const font_set *fs, font_face f);
/* A hash of the codes and widths: text encoded by another process means the same only when
 * its fingerprint is the same. */
uint32_t font_fingerprint(const font_set *fs);

/* The embedded subset of face f for the codes `used` marks in it. The blob is owned by fs and
 * stays valid until the next font_embed of the same face. NULL with `err` when the subset
 * cannot be made (no memory). */
const font_blob *font_embed(font_set *fs, font_face f, const font_usage *used,
                            char err[FONT_ERRLEN]);

/* Short description of a face for messages, e.g. "OtchetSerif-Bold". */
const char *font_face_label(font_face f);

#endif
