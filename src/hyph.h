/* hyph — Russian hyphenation with libhyphen and Debian's hyph_ru_RU.dic (a KOI8-R dictionary):
 * words are lower-cased and converted to KOI8-R, break points mapped back to UTF-8 byte
 * offsets. At least HYPH_MIN letters stay on each side. Every word's points are kept for the
 * life of the handle (up to a bound): a process asks for the same few hundred words again and
 * again. Uses libhyphen, text, buf. */
#ifndef OTCHET_HYPH_H
#define OTCHET_HYPH_H
#include <stddef.h>

#define HYPH_ERRLEN 256
#define HYPH_MIN 2
#define HYPH_MAXPOINTS 32
#define HYPH_DEFAULT_DIC "/usr/share/hyphen/hyph_ru_RU.dic"

typedef struct hyph hyph;

/* Loads the dictionary (NULL = HYPH_DEFAULT_DIC). Returns NULL with `err` filled. */
hyph *hyph_open(const char *dic_path, char err[HYPH_ERRLEN]);
void hyph_close(hyph *h);

/* Finds the break points of one word w[0..n) (letters only; a word with anything that is not a
 * Russian letter gets none). Writes up to `max` UTF-8 byte offsets into `at` (a break before
 * w[at[i]]), ascending; returns how many. */
int hyph_points(hyph *h, const char *w, size_t n, int *at, int max);

#endif
