/* crc64.c - see crc64.h.
 *
 * Two implementations of the same function:
 *   - slice-by-8 tables (any CPU; ~2 GB/s here, so ~0.5 s of a snapshot's gigabyte),
 *   - carry-less multiplication folding (PCLMULQDQ, when the CPU has it; an order of magnitude
 *     faster), after Intel's "Fast CRC Computation for Generic Polynomials Using PCLMULQDQ".
 * The folding never needs a Barrett reduction: it keeps a 128-bit value congruent (mod P) to
 * everything folded so far, aligned to the end of the folded data, and the CRC of that value as
 * a 16-byte message is the CRC of the data. The tables finish that and any tail.
 *
 * Reflected representation: byte 0 bit 0 is the message's highest-degree coefficient. Loaded
 * little-endian into a 128-bit register, bit k stands for x^(127-k); each 64-bit half is a
 * reflected 64-bit polynomial. Folding a 128-bit value A across D bits of following data is
 *     A(x) * x^D = A_hi * x^(D+64) + A_lo * x^D  (mod P),
 * and a carry-less product of two reflected 64-bit values comes out one degree low, so the two
 * constants are x^(D+63) mod P and x^(D-1) mod P. They are computed at init, not copied in.
 */
#include "crc64.h"

#define POLY_NORMAL 0xad93d23594c935a9ULL /* x^64 + this: Jones */
#define POLY        0x95ac9329ac4bc9b5ULL /* the same, bit-reversed (reflected) */

static uint64_t table[8][256];
static int ready;

static uint64_t crc64_tables(uint64_t crc, const unsigned char *p, size_t len) {
    while (len && ((uintptr_t)p & 7)) {
        crc = table[0][(crc ^ *p++) & 0xff] ^ (crc >> 8);
        len--;
    }
    while (len >= 8) {
        uint64_t w = *(const uint64_t *)p ^ crc;
        crc = table[7][w & 0xff] ^ table[6][(w >> 8) & 0xff] ^ table[5][(w >> 16) & 0xff] ^
              table[4][(w >> 24) & 0xff] ^ table[3][(w >> 32) & 0xff] ^ table[2][(w >> 40) & 0xff] ^
              table[1][(w >> 48) & 0xff] ^ table[0][w >> 56];
        p += 8;
        len -= 8;
    }
    while (len--) crc = table[0][(crc ^ *p++) & 0xff] ^ (crc >> 8);
    return crc;
}

#if defined(__x86_64__)
#include <immintrin.h>

static int have_clmul;
/* Folding constants, reflected: {x^(D+63), x^(D-1)} mod P for D = 512 (four lanes) and D = 128. */
static uint64_t k512[2], k128[2];

/* x^n mod P as a normal-order 64-bit polynomial. */
static uint64_t xpow_mod(unsigned n) {
    uint64_t r = 1;
    while (n--) r = (r & (1ULL << 63)) ? (r << 1) ^ POLY_NORMAL : r << 1;
    return r;
}

static uint64_t reflect64(uint64_t v) {
    uint64_t r = 0;
    for (int i = 0; i < 64; i++) r |= ((v >> i) & 1) << (63 - i);
    return r;
}

__attribute__((target("pclmul,sse4.1")))
static inline __m128i fold(__m128i acc, __m128i k, __m128i next) {
    __m128i hi = _mm_clmulepi64_si128(acc, k, 0x00); /* acc low qword (A_hi) x k[0] */
    __m128i lo = _mm_clmulepi64_si128(acc, k, 0x11); /* acc high qword (A_lo) x k[1] */
    return _mm_xor_si128(_mm_xor_si128(hi, lo), next);
}

/* Folds whole 16-byte blocks of p (len >= 64) and returns the CRC of the first len & ~15 bytes. */
__attribute__((target("pclmul,sse4.1")))
static uint64_t crc64_clmul(uint64_t crc, const unsigned char *p, size_t len) {
    const __m128i K512 = _mm_set_epi64x((long long)k512[1], (long long)k512[0]);
    const __m128i K128 = _mm_set_epi64x((long long)k128[1], (long long)k128[0]);
    __m128i a0 = _mm_loadu_si128((const __m128i *)p);
    __m128i a1 = _mm_loadu_si128((const __m128i *)(p + 16));
    __m128i a2 = _mm_loadu_si128((const __m128i *)(p + 32));
    __m128i a3 = _mm_loadu_si128((const __m128i *)(p + 48));
    a0 = _mm_xor_si128(a0, _mm_cvtsi64_si128((long long)crc)); /* the running CRC enters the first 8 bytes */
    p += 64;
    len -= 64;
    while (len >= 64) {
        a0 = fold(a0, K512, _mm_loadu_si128((const __m128i *)p));
        a1 = fold(a1, K512, _mm_loadu_si128((const __m128i *)(p + 16)));
        a2 = fold(a2, K512, _mm_loadu_si128((const __m128i *)(p + 32)));
        a3 = fold(a3, K512, _mm_loadu_si128((const __m128i *)(p + 48)));
        p += 64;
        len -= 64;
    }
    __m128i a = fold(a0, K128, a1);
    a = fold(a, K128, a2);
    a = fold(a, K128, a3);
    while (len >= 16) {
        a = fold(a, K128, _mm_loadu_si128((const __m128i *)p));
        p += 16;
        len -= 16;
    }
    unsigned char v[16];
    _mm_storeu_si128((__m128i *)v, a);
    return crc64_tables(0, v, 16);
}
#endif

void rl_crc64_init(void) {
    if (ready) return;
    for (int n = 0; n < 256; n++) {
        uint64_t c = (uint64_t)n;
        for (int k = 0; k < 8; k++) c = (c & 1) ? (c >> 1) ^ POLY : c >> 1;
        table[0][n] = c;
    }
    for (int n = 0; n < 256; n++) {
        uint64_t c = table[0][n];
        for (int k = 1; k < 8; k++) {
            c = table[0][c & 0xff] ^ (c >> 8);
            table[k][n] = c;
        }
    }
#if defined(__x86_64__)
    k512[0] = reflect64(xpow_mod(512 + 63));
    k512[1] = reflect64(xpow_mod(512 - 1));
    k128[0] = reflect64(xpow_mod(128 + 63));
    k128[1] = reflect64(xpow_mod(128 - 1));
    __builtin_cpu_init();
    have_clmul = __builtin_cpu_supports("pclmul") && __builtin_cpu_supports("sse4.1");
#endif
    ready = 1;
}

uint64_t rl_crc64(uint64_t crc, const void *data, size_t len) {
    const unsigned char *p = data;
#if defined(__x86_64__)
    if (have_clmul && len >= 64) {
        size_t whole = len & ~(size_t)15;
        crc = crc64_clmul(crc, p, whole);
        p += whole;
        len -= whole;
    }
#endif
    return crc64_tables(crc, p, len);
}

int rl_crc64_uses_clmul(void) {
#if defined(__x86_64__)
    return have_clmul;
#else
    return 0;
#endif
}
