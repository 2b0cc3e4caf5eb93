/* lzf.h - an LZF compressor producing the format Redis reads for RDB_ENC_LZF strings
 * (liblzf's: literal runs "000LLLLL" of L+1 bytes; back references "LLLooooo [L'] oooooooo"
 * of length L+2 (L=7 adds the next byte) at distance offset+1, up to 8 KB back). */
#ifndef RL_LZF_H
#define RL_LZF_H
#include <stddef.h>
#include <stdint.h>

#define RL_LZF_HTAB_ENTRIES 65536

/* Compresses in[0..in_len) into out (out_len bytes). Returns the compressed length, or 0 if it
 * does not fit. htab is caller-provided scratch of RL_LZF_HTAB_ENTRIES uint32_t (any contents). */
size_t rl_lzf_compress(const uint8_t *in, size_t in_len, uint8_t *out, size_t out_len, uint32_t *htab);

#endif
