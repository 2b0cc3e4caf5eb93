/* crc64.h - CRC-64/Jones as Redis uses for RDB checksums (reflected, poly 0xad93d23594c935a9,
 * init 0, no final xor; crc64("123456789") = 0xe9c6d914c4b8d9ca). Carry-less multiplication
 * folding where the CPU has PCLMULQDQ (about 0.1 s per gigabyte here), slice-by-8 tables
 * elsewhere (about 0.5 s per gigabyte): the snapshot's writer thread sums every byte it writes. */
#ifndef RL_CRC64_H
#define RL_CRC64_H
#include <stddef.h>
#include <stdint.h>

/* Builds the tables; call once before forking (the child must not need to). Idempotent. */
void rl_crc64_init(void);
uint64_t rl_crc64(uint64_t crc, const void *data, size_t len);
/* 1 when rl_crc64 folds with carry-less multiplication (PCLMULQDQ), 0 when it uses the tables only. */
int rl_crc64_uses_clmul(void);

#endif
