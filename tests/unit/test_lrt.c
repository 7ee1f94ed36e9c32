/* lrt's interrupt (lrt_set_interrupt): a limited call is broken off with the interrupt's
 * message even when the script wraps its loop in pcall; code outside limited calls (the
 * runner's) runs on; once the call returns the state is usable, and the budget still fails
 * with its own message. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <lauxlib.h>
#include <string.h>

#include "lrt.h"

static int armed;   /* the interrupt's answer: set from Lua by arm() */

static const char *interrupt(void)
{
    return armed ? "прервано тестом" : NULL;
}

static int arm(lua_State *L)
{
    (void)L;
    armed = 1;
    return 0;
}

static lrt *new_state(void)
{
    lrt_config cfg = {0};
    cfg.home = ".";
    lrt *r = lrt_new(&cfg);
    assert_non_null(r);
    lrt_set_interrupt(r, interrupt);
    lua_register(lrt_state(r), "arm", arm);
    armed = 0;
    return r;
}

/* Runs src as a limited call with budget (0: the configured one); returns its status, the
 * message in err. */
static int run_limited(lrt *r, const char *src, long long budget, char *err, size_t n)
{
    lua_State *L = lrt_state(r);
    assert_int_equal(luaL_loadstring(L, src), LUA_OK);
    int st = lrt_pcall_limited(L, 0, budget, err, n);
    if (st == LUA_OK)
        lua_pop(L, 1);
    return st;
}

static void test_interrupt_breaks_off_a_limited_call_through_pcall(void **state)
{
    (void)state;
    lrt *r = new_state();
    char err[LRT_ERRLEN] = "";
    const char *src = "local n = 0\n"
                      "for i = 1, 100 do n = n + i end\n"
                      "arm()\n"
                      "while true do pcall(function() while true do n = n + 1 end end) end\n";
    assert_int_equal(run_limited(r, src, 0, err, sizeof err), LUA_ERRRUN);
    assert_non_null(strstr(err, "прервано тестом"));
    assert_null(strstr(err, "лимит вычислений"));
    lrt_free(r);
}

static void test_code_outside_limited_calls_is_not_interrupted(void **state)
{
    (void)state;
    lrt *r = new_state();
    lua_State *L = lrt_state(r);
    armed = 1;
    assert_int_equal(luaL_loadstring(L, "local n = 0 for i = 1, 200000 do n = n + 1 end return n"), LUA_OK);
    assert_int_equal(lua_pcall(L, 0, 1, 0), LUA_OK);
    assert_int_equal(lua_tointeger(L, -1), 200000);
    lua_pop(L, 1);
    lrt_free(r);
}

static void test_state_goes_on_after_an_interrupt(void **state)
{
    (void)state;
    lrt *r = new_state();
    lua_State *L = lrt_state(r);
    char err[LRT_ERRLEN] = "";
    assert_int_equal(run_limited(r, "arm() while true do end", 0, err, sizeof err), LUA_ERRRUN);
    armed = 0;
    /* the runner's own code right after: not failed at every instruction */
    assert_int_equal(luaL_loadstring(L, "local n = 0 for i = 1, 5000 do n = n + 2 end return n"), LUA_OK);
    assert_int_equal(lua_pcall(L, 0, 1, 0), LUA_OK);
    assert_int_equal(lua_tointeger(L, -1), 10000);
    lua_pop(L, 1);
    /* and the next limited call runs to its end */
    assert_int_equal(run_limited(r, "local n = 0 for i = 1, 100000 do n = n + 1 end return n", 0, err, sizeof err), LUA_OK);
    lrt_free(r);
}

static void test_budget_keeps_its_message(void **state)
{
    (void)state;
    lrt *r = new_state();
    char err[LRT_ERRLEN] = "";
    assert_int_equal(run_limited(r, "while true do end", 1000000, err, sizeof err), LUA_ERRRUN);
    assert_non_null(strstr(err, "превышен лимит вычислений"));
    assert_null(strstr(err, "прервано тестом"));
    lrt_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_interrupt_breaks_off_a_limited_call_through_pcall),
        cmocka_unit_test(test_code_outside_limited_calls_is_not_interrupted),
        cmocka_unit_test(test_state_goes_on_after_an_interrupt),
        cmocka_unit_test(test_budget_keeps_its_message),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
