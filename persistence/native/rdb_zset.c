/*
 * rdb_zset.c - writes a zset value in the RDB encoding Redis 7.0.15 chooses for it:
 *   listpack encoding -> RDB_TYPE_ZSET_LISTPACK (17): the region's listpack is byte-exact
 *                        Redis 7.0, so it is written as one string, as Redis does;
 *   skiplist encoding -> RDB_TYPE_ZSET_2 (5): the length, then member string + 8-byte
 *                        little-endian binary double per element, walking from the tail to
 *                        the head as Redis's rdbSaveObject does, so that a loader inserting in
 *                        file order always inserts at the head of its skiplist (cheap).
 * Runs in the snapshot child: reads the region only, allocates nothing.
 */
#include <errno.h>
#include <string.h>
#include "rdb_format.h"
#include "rdb_writer.h"

static int put_skiplist(rl_out *o, const uint8_t *base, const rl_zset *z, const char **why) {
    if (z->length == 0) {
        *why = "empty sorted set in the keyspace";
        return EINVAL;
    }
    rl_rdb_put_len(o, z->length);
    uint64_t written = 0;
    for (uint64_t n = z->tail; n != 0;) {
        const rl_zsl_node *node = AT(base, n, rl_zsl_node);
        const uint8_t *member = (const uint8_t *)(node + 1) + (size_t)node->level_count * sizeof(rl_zsl_level);
        rl_rdb_put_string(o, member, node->member_len);
        uint8_t le[8];
        uint64_t bits;
        memcpy(&bits, &node->score, 8);
        for (int i = 0; i < 8; i++) le[i] = (uint8_t)(bits >> (8 * i));
        rl_out_write(o, le, 8);
        written++;
        n = node->backward;
    }
    if (written != z->length) {
        *why = "sorted set skiplist length disagrees with its nodes";
        return EINVAL;
    }
    return 0;
}

int rl_rdb_put_zset(rl_out *o, const uint8_t *base, const rl_key *k, const char **why) {
    const uint8_t *key = (const uint8_t *)(k + 1);
    if (k->encoding == RL_ENC_LISTPACK) {
        const uint8_t *lp = base + k->value;
        uint32_t bytes = (uint32_t)lp[0] | (uint32_t)lp[1] << 8 | (uint32_t)lp[2] << 16 | (uint32_t)lp[3] << 24;
        rl_rdb_put_byte(o, RDB_TYPE_ZSET_LISTPACK);
        rl_rdb_put_string(o, key, k->key_len);
        rl_rdb_put_string(o, lp, bytes);
        return 0;
    }
    if (k->encoding == RL_ENC_SKIPLIST) {
        rl_rdb_put_byte(o, RDB_TYPE_ZSET_2);
        rl_rdb_put_string(o, key, k->key_len);
        return put_skiplist(o, base, AT(base, k->value, rl_zset), why);
    }
    *why = "unknown sorted set encoding";
    return ENOTSUP;
}
