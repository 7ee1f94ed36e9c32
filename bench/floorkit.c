/* floorkit — see floorkit.h. */
#include "floorkit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "font.h"
#include "fsx.h"

static void fail(const char *msg)
{
    dl_die("floorkit", msg);
}

void dl_die(const char *tool, const char *msg)
{
    fprintf(stderr, "%s: %s\n", tool, msg);
    exit(1);
}

const char *dl_face_file(int f)
{
    return font_face_label((font_face)f);
}

double dl_clock(clockid_t which)
{
    struct timespec t;
    clock_gettime(which, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static op *push(sheet *s, op_kind k)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 256;
        s->ops = realloc(s->ops, s->cap * sizeof *s->ops);
        if (!s->ops)
            fail("out of memory");
    }
    op *o = &s->ops[s->n++];
    memset(o, 0, sizeof *o);
    o->kind = k;
    return o;
}

static int face_of(const char *label)
{
    for (int f = 0; f < FONT_NFACES; f++)
        if (strcmp(font_face_label((font_face)f), label) == 0)
            return f;
    return -1;
}

/* The text after the n-th space-separated token of line (the rest of the line, verbatim). */
static char *rest_after(char *line, int n)
{
    char *p = line;
    for (int i = 0; i < n && p; i++) {
        p = strchr(p, ' ');
        if (p)
            p++;
    }
    return p ? p : line + strlen(line);
}

sheet *dl_read(const char *path, size_t *nsheets, dl_meta *r)
{
    FILE *fp = fopen(path, "r");
    if (!fp)
        fail("cannot open the display lists");
    sheet *sh = NULL;
    size_t n = 0, cap = 0;
    char *line = NULL;
    size_t lcap = 0;
    ssize_t len;
    while ((len = getline(&line, &lcap, fp)) > 0) {
        if (line[len - 1] == '\n')
            line[--len] = '\0';
        char k[8] = "";
        sscanf(line, "%7s", k);
        if (strcmp(k, "D") == 0) {
            if (n == cap) {
                cap = cap ? cap * 2 : 64;
                sh = realloc(sh, cap * sizeof *sh);
            }
            memset(&sh[n], 0, sizeof sh[n]);
            sh[n++].id = strdup(rest_after(line, 1));
            continue;
        }
        if (strcmp(k, "M") == 0) {
            char key[16] = "";
            sscanf(line, "M %15s", key);
            char *v = rest_after(line, 2);
            char *to = strcmp(key, "title") == 0    ? r->title
                       : strcmp(key, "author") == 0 ? r->author
                                                    : r->subject;
            snprintf(to, sizeof r->title, "%s", v);
            continue;
        }
        if (n == 0)
            fail("display list without a D line");
        sheet *s = &sh[n - 1];
        op *o;
        if (strcmp(k, "P") == 0) {
            o = push(s, OP_PAGE);
            sscanf(line, "P %f %f", &o->a[0], &o->a[1]);
            s->pages++;
        } else if (strcmp(k, "T") == 0 || strcmp(k, "U") == 0) {  /* T face size x y text */
            char label[64];
            o = push(s, k[0] == 'T' ? OP_TEXT : OP_TEXT_UP);
            if (sscanf(line + 2, "%63s %f %f %f", label, &o->a[0], &o->a[1], &o->a[2]) != 4 ||
                (o->face = face_of(label)) < 0)
                fail("unknown font face in display list");
            o->text = strdup(rest_after(line, 5));
        } else if (strcmp(k, "g") == 0 || strcmp(k, "G") == 0 || strcmp(k, "w") == 0) {
            o = push(s, k[0] == 'g' ? OP_G_FILL : k[0] == 'G' ? OP_G_STROKE : OP_W);
            sscanf(line + 2, "%f", &o->a[0]);
        } else if (strcmp(k, "d") == 0) {  /* d phase n v1 … vn */
            o = push(s, OP_DASH);
            int off = 0, used = 0;
            sscanf(line + 2, "%f %d%n", &o->a[5], &o->nd, &off);
            if (o->nd > 5)
                o->nd = 5;
            for (int i = 0; i < o->nd; i++, off += used)
                sscanf(line + 2 + off, "%f%n", &o->a[i], &used);
        } else if (strcmp(k, "re") == 0) {
            o = push(s, OP_RE);
            sscanf(line, "re %f %f %f %f", &o->a[0], &o->a[1], &o->a[2], &o->a[3]);
        } else if (strcmp(k, "m") == 0 || strcmp(k, "l") == 0) {
            o = push(s, k[0] == 'm' ? OP_M : OP_L);
            sscanf(line + 2, "%f %f", &o->a[0], &o->a[1]);
        } else if (strcmp(k, "c") == 0) {
            o = push(s, OP_C);
            sscanf(line, "c %f %f %f %f %f %f", &o->a[0], &o->a[1], &o->a[2], &o->a[3], &o->a[4],
                   &o->a[5]);
        } else if (strcmp(k, "h") == 0 || strcmp(k, "f") == 0 || strcmp(k, "S") == 0 ||
                   strcmp(k, "B") == 0 || strcmp(k, "n") == 0 || strcmp(k, "W") == 0 ||
                   strcmp(k, "q") == 0 || strcmp(k, "Q") == 0) {
            static const char names[] = "hfSBnWqQ";
            static const op_kind kinds[] = {OP_H, OP_F, OP_S, OP_B, OP_N, OP_CLIP, OP_Q_SAVE,
                                            OP_Q_RESTORE};
            push(s, kinds[strchr(names, k[0]) - names]);
        } else if (strcmp(k, "O") == 0) {  /* O level page y title */
            o = push(s, OP_OUTLINE);
            int page;
            sscanf(line, "O %d %d %f", &o->face, &page, &o->a[1]);
            o->a[0] = (float)page;
            o->text = strdup(rest_after(line, 4));
        } else {
            fprintf(stderr, "floor: unknown op '%s'\n", k);
            exit(1);
        }
    }
    free(line);
    fclose(fp);
    *nsheets = n;
    return sh;
}

static fsx_batch staged;

void dl_commit(void)
{
    char err[FSX_ERRLEN];
    if (fsx_commit(&staged, err) != 0)
        fail(err);
    fsx_batch_clear(&staged);
}

void dl_write_file(const char *path, const unsigned char *data, size_t len)
{
    char err[FSX_ERRLEN];
    if (fsx_stage(&staged, path, data, len, err) != 0)
        fail(err);
    if (staged.n == 32)
        dl_commit();
}

