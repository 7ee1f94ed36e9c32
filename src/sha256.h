/* sha256 — SHA-256 (FIPS 180-4) of a byte string, for the checksums in out/manifest.csv.
 * No dependencies. */
#ifndef OTCHET_SHA256_H
#define OTCHET_SHA256_H
#include <stddef.h>

/* Writes the digest of data[0..len) as 64 lower-case hex digits plus NUL into hex. */
void sha256_hex(const void *data, size_t len, char hex[65]);

/* on != 0: use the portable compression even where the processor has the SHA extensions (for
 * tests that compare the two). */
void sha256_portable_only(int on);

#endif
