/* lzf.c - see lzf.h. Greedy matching over a hash of the next three bytes; stale table entries
 * are harmless because every candidate is verified byte by byte before use. */
#include <string.h>
#include "lzf.h"

#define MAX_OFF (1 << 13)
#define MAX_REF ((1 << 8) + (1 << 3)) /* longest match: 264 bytes */
#define MAX_LIT 32

static inline uint32_t hash3(const uint8_t *p) {
    uint32_t v = ((uint32_t)p[0] << 16) | ((uint32_t)p[1] << 8) | p[2];
    return (v * 2654435761u) >> 16;
}

size_t rl_lzf_compress(const uint8_t *in, size_t in_len, uint8_t *out, size_t out_len, uint32_t *htab) {
    size_t ip = 0, op = 0, lit_start, lit = 0;
    if (out_len == 0) return 0;
    lit_start = op++;
    while (ip + 2 < in_len) {
        uint32_t h = hash3(in + ip);
        size_t ref = htab[h];
        htab[h] = (uint32_t)ip;
        size_t off = ip - ref - 1;
        if (ref < ip && off < MAX_OFF && in[ref] == in[ip] && in[ref + 1] == in[ip + 1] && in[ref + 2] == in[ip + 2]) {
            size_t maxlen = in_len - ip < MAX_REF ? in_len - ip : MAX_REF;
            size_t len = 3;
            while (len < maxlen && in[ref + len] == in[ip + len]) len++;
            if (lit) out[lit_start] = (uint8_t)(lit - 1);
            else op--; /* drop the unused literal control byte */
            if (op + 3 + 1 > out_len) return 0;
            size_t l = len - 2;
            if (l < 7) {
                out[op++] = (uint8_t)((l << 5) | (off >> 8));
            } else {
                out[op++] = (uint8_t)((7 << 5) | (off >> 8));
                out[op++] = (uint8_t)(l - 7);
            }
            out[op++] = (uint8_t)off;
            ip += len;
            lit = 0;
            lit_start = op++;
            continue;
        }
        if (op >= out_len) return 0;
        out[op++] = in[ip++];
        if (++lit == MAX_LIT) {
            out[lit_start] = MAX_LIT - 1;
            lit = 0;
            if (op >= out_len) return 0;
            lit_start = op++;
        }
    }
    while (ip < in_len) {
        if (op >= out_len) return 0;
        out[op++] = in[ip++];
        if (++lit == MAX_LIT) {
            out[lit_start] = MAX_LIT - 1;
            lit = 0;
            if (op >= out_len) return 0;
            lit_start = op++;
        }
    }
    if (lit) out[lit_start] = (uint8_t)(lit - 1);
    else op--;
    return op;
}
