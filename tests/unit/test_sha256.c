/* sha256 against the FIPS 180-4 examples and sha256sum of lengths around the padding edge. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "sha256.h"

static void test_known_vectors(void **state)
{
    (void)state;
    char hex[65];
    sha256_hex("", 0, hex);
    assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    sha256_hex("abc", 3, hex);
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"; /* 56 bytes */
    sha256_hex(two, strlen(two), hex);
    assert_string_equal(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    char a64[64];
    memset(a64, 'a', sizeof a64);  /* printf 'a%.0s' {1..64} | sha256sum */
    sha256_hex(a64, 64, hex);
    assert_string_equal(hex, "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb");
}

static void known_vectors_portable(void **state)
{
    sha256_portable_only(1);
    test_known_vectors(state);
    sha256_portable_only(0);
}

/* Every length up to 300 bytes (all padding cases, 1–5 blocks) and a 1 MiB string: the
 * compression the processor allows (SHA extensions where present) gives the portable digest. */
static void test_both_compressions_agree(void **state)
{
    (void)state;
    size_t big = 1 << 20;
    unsigned char *data = malloc(big);
    assert_non_null(data);
    uint32_t x = 2463534242u;
    for (size_t i = 0; i < big; i++) {
        x ^= x << 13, x ^= x >> 17, x ^= x << 5;
        data[i] = (unsigned char)x;
    }
    char fast[65], slow[65];
    for (size_t len = 0; len <= 300; len++) {
        sha256_hex(data + len, len, fast);
        sha256_portable_only(1);
        sha256_hex(data + len, len, slow);
        sha256_portable_only(0);
        assert_string_equal(fast, slow);
    }
    sha256_hex(data, big, fast);
    sha256_portable_only(1);
    sha256_hex(data, big, slow);
    sha256_portable_only(0);
    assert_string_equal(fast, slow);
    free(data);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_known_vectors),
                                       cmocka_unit_test(known_vectors_portable),
                                       cmocka_unit_test(test_both_compressions_agree)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
