/* pool: size classes, alignment, no overlap across chunks, reuse of released blocks; and a Lua
 * state on the pooled allocator whose objects grow and shrink across POOL_MAX. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <lauxlib.h>
#include <stdlib.h>
#include <string.h>

#include "lrt.h"
#include "pool.h"

static void test_class_sizes(void **state)
{
    (void)state;
    assert_int_equal(pool_class_size(1), 16);
    assert_int_equal(pool_class_size(16), 16);
    assert_int_equal(pool_class_size(17), 32);
    assert_int_equal(pool_class_size(500), 512);
    assert_int_equal(pool_class_size(POOL_MAX), POOL_MAX);
}

/* 3,000 blocks of every size up to POOL_MAX (some 12 chunks): each aligned, each keeps the
 * byte it was filled with, so no two overlap; the footprint is whole chunks, and what a chunk
 * loses at its end (less than one block) stays under 1 %. */
static void test_blocks_are_aligned_and_disjoint(void **state)
{
    (void)state;
    enum { N = 3000 };
    pool *p = pool_new();
    assert_non_null(p);
    static unsigned char *blocks[N];
    static size_t sizes[N];
    size_t taken = 0;
    for (int i = 0; i < N; i++) {
        sizes[i] = (size_t)(i * 37) % POOL_MAX + 1;
        blocks[i] = pool_alloc(p, sizes[i]);
        assert_non_null(blocks[i]);
        assert_int_equal((uintptr_t)blocks[i] % POOL_GRAIN, 0);
        memset(blocks[i], i & 0xFF, sizes[i]);
        taken += pool_class_size(sizes[i]);
    }
    for (int i = 0; i < N; i++)
        for (size_t k = 0; k < sizes[i]; k++)
            assert_int_equal(blocks[i][k], i & 0xFF);
    size_t fp = pool_footprint(p);
    assert_int_equal(fp % ((size_t)64 << 10), 0);
    assert_true(fp >= taken);
    assert_true(fp < taken + taken / 100 + ((size_t)64 << 10));
    pool_free_all(p);
}

/* A released block serves the next request of its class, not of another class. */
static void test_released_block_is_reused_by_its_class(void **state)
{
    (void)state;
    pool *p = pool_new();
    void *a = pool_alloc(p, 40);   /* class 48 */
    void *b = pool_alloc(p, 100);  /* class 112 */
    pool_release(p, a, 40);
    void *other = pool_alloc(p, 100);
    assert_ptr_not_equal(other, a);
    assert_ptr_not_equal(other, b);
    void *same = pool_alloc(p, 33);  /* class 48 again: the released block */
    assert_ptr_equal(same, a);
    size_t fp = pool_footprint(p);
    for (int i = 0; i < 1000; i++) {  /* release and take again: the pool does not grow */
        pool_release(p, same, 48);
        same = pool_alloc(p, 48);
    }
    assert_int_equal(pool_footprint(p), fp);
    pool_free_all(p);
    pool_free_all(NULL);
}

/* A Lua state on the pooled allocator: strings and tables that grow from a few bytes to well
 * past POOL_MAX and back keep their contents, and closing the state frees everything (the
 * memory-checking run of the tests sees a leak or a bad free otherwise). */
static void test_lua_objects_cross_the_pool_limit(void **state)
{
    (void)state;
    lrt_config cfg = {0};
    cfg.home = ".";
    lrt *r = lrt_new(&cfg);
    assert_non_null(r);
    lua_State *L = lrt_state(r);
    const char *src =
        "local t, parts = {}, {}\n"
        "for i = 1, 2000 do t[i] = i * 3; parts[#parts + 1] = string.rep('я', i % 300) end\n"
        "local s = table.concat(parts)\n"
        "for i = 2000, 11, -1 do t[i] = nil end\n"
        "collectgarbage()\n"
        "local sum = 0\n"
        "for i = 1, #t do sum = sum + t[i] end\n"
        "return sum, #s, s:sub(1, 2)\n";
    assert_int_equal(luaL_loadstring(L, src), LUA_OK);
    assert_int_equal(lua_pcall(L, 0, 3, 0), LUA_OK);
    assert_int_equal(lua_tointeger(L, 1), 3 * 55);
    /* sum over i = 1..2000 of 2 * (i % 300) bytes */
    long long bytes = 0;
    for (int i = 1; i <= 2000; i++)
        bytes += 2 * (i % 300);
    assert_int_equal(lua_tointeger(L, 2), bytes);
    assert_string_equal(lua_tostring(L, 3), "я");
    lrt_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_class_sizes),
        cmocka_unit_test(test_blocks_are_aligned_and_disjoint),
        cmocka_unit_test(test_released_block_is_reused_by_its_class),
        cmocka_unit_test(test_lua_objects_cross_the_pool_limit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
