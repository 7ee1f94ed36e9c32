/* pool — a free-list allocator for small blocks whose size the caller knows when it frees them
 * (Lua's allocator contract: every free and resize names the old size). Blocks come from 64 KiB
 * chunks, rounded up to a multiple of POOL_GRAIN; a freed block serves the next request of its
 * size class and no chunk goes back to malloc before pool_free_all. No locking: one pool per
 * thread of use. Uses only malloc. */
#ifndef OTCHET_POOL_H
#define OTCHET_POOL_H

#include <stddef.h>

#define POOL_GRAIN 16       /* every block is aligned to this and a multiple of it */
#define POOL_MAX 512        /* largest block the pool serves; bigger ones go to malloc */

typedef struct pool pool;

/* A new empty pool (NULL when out of memory). */
pool *pool_new(void);

/* A block of n bytes, 1 <= n <= POOL_MAX, aligned to POOL_GRAIN; NULL when out of memory. */
void *pool_alloc(pool *p, size_t n);

/* Gives back block b that pool_alloc(p, n) returned (n may be any size of the same class). */
void pool_release(pool *p, void *b, size_t n);

/* The size pool_alloc(p, n) really takes (n rounded up to its class). */
size_t pool_class_size(size_t n);

/* Bytes the pool holds from malloc (its chunks), used or free. */
size_t pool_footprint(const pool *p);

/* Frees every chunk and the pool: every block it gave out dies with it. NULL is a no-op. */
void pool_free_all(pool *p);

#endif
