/* floorkit — what the two floors of the school-sheet benchmark share (bench/floor.c through
 * otchet's writer, bench/floor_haru.c through libharu's own API): the display lists that
 * bench/pdf_ops.py extracts from otchet's sheets, clocks, and writing files as otchet writes
 * them. A bench tool: errors end the process with a message. */
#ifndef OTCHET_FLOORKIT_H
#define OTCHET_FLOORKIT_H

#include <stddef.h>
#include <time.h>

typedef enum {
    OP_TEXT, OP_TEXT_UP, OP_G_FILL, OP_G_STROKE, OP_W, OP_DASH, OP_RE, OP_M,
    OP_L, OP_C, OP_H, OP_F, OP_S, OP_B, OP_N, OP_CLIP, OP_Q_SAVE, OP_Q_RESTORE, OP_PAGE,
    OP_OUTLINE
} op_kind;

typedef struct op {
    op_kind kind;
    int face;        /* TEXT: font face; OUTLINE: level; PAGE: unused */
    float a[6];      /* operands; TEXT: size, x, y (PDF coordinates) */
    int nd;          /* DASH: number of entries in a[0..] (a[5] = phase) */
    char *text;      /* TEXT: UTF-8 text; OUTLINE: title (owned) */
} op;

typedef struct sheet {
    char *id;        /* school id (file name) */
    op *ops;
    size_t n, cap;
    int pages;
} sheet;

/* The documents' metadata, from the "M" lines. */
typedef struct dl_meta {
    char title[512], author[512], subject[512];
} dl_meta;

/* Reads the display lists of path: "D id" starts a sheet, "M key text" metadata, then one op a
 * line. Returns the sheets (*n of them; the caller keeps them to the end of the process). */
sheet *dl_read(const char *path, size_t *n, dl_meta *meta);

/* The file name of font face f (a font_face), without ".ttf". */
const char *dl_face_file(int f);

void dl_die(const char *tool, const char *msg);
double dl_clock(clockid_t which);

/* Writes a file as otchet does: staged, and committed (one sync, then the renames) every 32
 * files; dl_commit commits the rest. */
void dl_write_file(const char *path, const unsigned char *data, size_t len);
void dl_commit(void);

#endif
