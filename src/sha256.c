/* sha256 — FIPS 180-4; see sha256.h.
 *
 * Two compressions of the same blocks: the portable one below, and on x86-64 processors with
 * the SHA extensions one with SHA256RNDS2/MSG1/MSG2 — the manifest hashes every output file
 * (70 MB for 1,000 school sheets and their combined file), and the portable loop was 3–9 % of
 * the run. The choice is made once, by CPUID; both are checked against each other in
 * tests/unit/test_sha256.c. */
#include "sha256.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#if defined(__x86_64__) && defined(__GNUC__)
#include <cpuid.h>
#include <immintrin.h>
#define SHA256_HAVE_SHANI 1
#endif

static const uint32_t K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

static uint32_t ror(uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }

/* Processes one 64-byte block into the state h. */
static void block_portable(uint32_t h[8], const unsigned char *p)
{
    uint32_t w[64];
    for (int i = 0; i < 16; i++)
        w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 | (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
    for (int i = 16; i < 64; i++) {
        uint32_t s0 = ror(w[i - 15], 7) ^ ror(w[i - 15], 18) ^ (w[i - 15] >> 3);
        uint32_t s1 = ror(w[i - 2], 17) ^ ror(w[i - 2], 19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], k = h[7];
    for (int i = 0; i < 64; i++) {
        uint32_t t1 = k + (ror(e, 6) ^ ror(e, 11) ^ ror(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i];
        uint32_t t2 = (ror(a, 2) ^ ror(a, 13) ^ ror(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
        k = g, g = f, f = e, e = d + t1, d = c, c = b, b = a, a = t1 + t2;
    }
    h[0] += a, h[1] += b, h[2] += c, h[3] += d, h[4] += e, h[5] += f, h[6] += g, h[7] += k;
}

static void blocks_portable(uint32_t h[8], const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        block_portable(h, p + 64 * i);
}

#ifdef SHA256_HAVE_SHANI
/* Four rounds: the message words w (already scheduled) plus K[4i..4i+3], two rounds per
 * SHA256RNDS2. abef and cdgh hold the state the way the instruction wants it. */
#define SHA256_ROUNDS4(i, w)                                                                    \
    do {                                                                                        \
        __m128i wk = _mm_add_epi32((w), _mm_loadu_si128((const __m128i *)(K + 4 * (i))));       \
        cdgh = _mm_sha256rnds2_epu32(cdgh, abef, wk);                                           \
        abef = _mm_sha256rnds2_epu32(abef, cdgh, _mm_shuffle_epi32(wk, 0x0E));                  \
    } while (0)

/* The same compression as blocks_portable with the SHA extensions. The state is kept as
 * (A,B,E,F) and (C,D,G,H) — the order SHA256RNDS2 works on — and converted at both ends. */
__attribute__((target("sha,sse4.1"))) static void blocks_shani(uint32_t h[8], const unsigned char *p,
                                                               size_t n)
{
    const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bLL, 0x0405060700010203LL);
    /* comments name the lanes from low to high */
    __m128i dcba = _mm_loadu_si128((const __m128i *)h);          /* A B C D */
    __m128i hgfe = _mm_loadu_si128((const __m128i *)(h + 4));    /* E F G H */
    __m128i badc = _mm_shuffle_epi32(dcba, 0xB1);                /* B A D C */
    hgfe = _mm_shuffle_epi32(hgfe, 0x1B);                        /* H G F E */
    __m128i abef = _mm_alignr_epi8(badc, hgfe, 8);               /* F E B A */
    __m128i cdgh = _mm_blend_epi16(hgfe, badc, 0xF0);            /* H G D C */
    for (; n > 0; n--, p += 64) {
        __m128i abef0 = abef, cdgh0 = cdgh, w[4];
        for (int i = 0; i < 4; i++) {
            w[i] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 16 * i)), bswap);
            SHA256_ROUNDS4(i, w[i]);
        }
        for (int i = 4; i < 16; i++) {
            /* w[t..t+3] = σ1 and σ0 terms of the four words before, in a ring of four */
            __m128i t = _mm_sha256msg1_epu32(w[i % 4], w[(i + 1) % 4]);
            t = _mm_add_epi32(t, _mm_alignr_epi8(w[(i + 3) % 4], w[(i + 2) % 4], 4));
            w[i % 4] = _mm_sha256msg2_epu32(t, w[(i + 3) % 4]);
            SHA256_ROUNDS4(i, w[i % 4]);
        }
        abef = _mm_add_epi32(abef, abef0);
        cdgh = _mm_add_epi32(cdgh, cdgh0);
    }
    __m128i feba = _mm_shuffle_epi32(abef, 0x1B);               /* A B E F */
    __m128i dchg = _mm_shuffle_epi32(cdgh, 0xB1);               /* G H C D */
    dcba = _mm_blend_epi16(feba, dchg, 0xF0);                   /* A B C D */
    hgfe = _mm_alignr_epi8(dchg, feba, 8);                      /* E F G H */
    _mm_storeu_si128((__m128i *)h, dcba);
    _mm_storeu_si128((__m128i *)(h + 4), hgfe);
}
#endif

typedef void (*blocks_fn)(uint32_t h[8], const unsigned char *p, size_t n);

static int use_portable;    /* set by tests: compare the two compressions */

void sha256_portable_only(int on)
{
    use_portable = on;
}

#ifdef SHA256_HAVE_SHANI
/* CPUID: SHA extensions (leaf 7, EBX bit 29) and SSE4.1 (leaf 1, ECX bit 19). Asked directly:
 * clang's __builtin_cpu_supports does not know "sha". */
static int has_shani(void)
{
    static int known = -1;
    if (known < 0) {
        unsigned a, b, c, d;
        int sse41 = __get_cpuid(1, &a, &b, &c, &d) && (c >> 19 & 1);
        known = sse41 && __get_cpuid_count(7, 0, &a, &b, &c, &d) && (b >> 29 & 1);
    }
    return known;
}
#endif

static blocks_fn compression(void)
{
#ifdef SHA256_HAVE_SHANI
    if (!use_portable && has_shani())
        return blocks_shani;
#endif
    return blocks_portable;
}

void sha256_hex(const void *data, size_t len, char hex[65])
{
    uint32_t h[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                     0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    const unsigned char *p = data;
    blocks_fn blocks = compression();
    size_t full = len / 64 * 64;
    blocks(h, p, full / 64);
    unsigned char tail[128] = {0};
    size_t rest = len - full;
    memcpy(tail, p + full, rest);
    tail[rest] = 0x80;
    size_t tlen = rest + 9 <= 64 ? 64 : 128;
    uint64_t bits = (uint64_t)len * 8;
    for (int i = 0; i < 8; i++)
        tail[tlen - 1 - i] = (unsigned char)(bits >> (8 * i));
    blocks(h, tail, tlen / 64);
    for (int i = 0; i < 8; i++)
        snprintf(hex + 8 * i, 9, "%08x", h[i]);
}
