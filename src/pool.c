/* pool — free lists of small blocks by size class over 64 KiB chunks; see pool.h.
 * Why: Lua allocates and frees hundreds of thousands of small objects per document, and the
 * general malloc (without fastbins, see main.c) spends more on them than on anything it does
 * for the engine. A block's class is its size rounded up to POOL_GRAIN, which Lua tells us
 * again on free, so no block carries a header. */
#include "pool.h"

#include <stdlib.h>

#define CHUNK_SIZE ((size_t)64 << 10)
#define NCLASSES (POOL_MAX / POOL_GRAIN)

typedef struct chunk {
    struct chunk *next;
} chunk;

/* A free block's first bytes link it to the next free block of its class. */
typedef struct freeblock {
    struct freeblock *next;
} freeblock;

struct pool {
    freeblock *free[NCLASSES];  /* free[k]: free blocks of (k + 1) * POOL_GRAIN bytes */
    chunk *chunks;              /* every chunk, newest first (owned) */
    char *bump, *end;           /* the never-used rest of the newest chunk */
    size_t footprint;
};

/* The chunk header is padded to the grain so the blocks after it stay aligned. */
#define CHUNK_HEAD (((sizeof(chunk) + POOL_GRAIN - 1) / POOL_GRAIN) * POOL_GRAIN)

pool *pool_new(void)
{
    return calloc(1, sizeof(pool));
}

size_t pool_class_size(size_t n)
{
    return (n + POOL_GRAIN - 1) / POOL_GRAIN * POOL_GRAIN;
}

static size_t class_of(size_t n)
{
    return (n - 1) / POOL_GRAIN;
}

/* Starts a new chunk; what was left of the old one (less than one block) is abandoned. */
static int grow(pool *p)
{
    chunk *c = aligned_alloc(POOL_GRAIN, CHUNK_SIZE);
    if (!c)
        return -1;
    c->next = p->chunks;
    p->chunks = c;
    p->bump = (char *)c + CHUNK_HEAD;
    p->end = (char *)c + CHUNK_SIZE;
    p->footprint += CHUNK_SIZE;
    return 0;
}

void *pool_alloc(pool *p, size_t n)
{
    size_t k = class_of(n);
    freeblock *b = p->free[k];
    if (b) {
        p->free[k] = b->next;
        return b;
    }
    size_t size = (k + 1) * POOL_GRAIN;
    if ((size_t)(p->end - p->bump) < size && grow(p) != 0)
        return NULL;
    void *r = p->bump;
    p->bump += size;
    return r;
}

void pool_release(pool *p, void *block, size_t n)
{
    size_t k = class_of(n);
    freeblock *b = block;
    b->next = p->free[k];
    p->free[k] = b;
}

size_t pool_footprint(const pool *p)
{
    return p->footprint;
}

void pool_free_all(pool *p)
{
    if (!p)
        return;
    chunk *c = p->chunks;
    while (c) {
        chunk *next = c->next;
        free(c);
        c = next;
    }
    free(p);
}
