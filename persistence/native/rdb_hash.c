/*
 * rdb_hash.c - writes a hash value in the RDB encoding Redis 7.0.15 chooses for it:
 *   listpack  -> RDB_TYPE_HASH_LISTPACK (16): the region's listpack is Redis's byte format, so
 *                it is written as one string, unchanged;
 *   hashtable -> RDB_TYPE_HASH (4): the field count, then field and value strings, walking both
 *                tables of the dict (a rehash may be in progress: every entry is in exactly one).
 */
#include <errno.h>
#include <string.h>
#include "rdb_format.h"
#include "rdb_writer.h"

int rl_rdb_put_hash(rl_out *o, const uint8_t *base, const rl_key *k, const char **why) {
    if (k->encoding == RL_ENC_LISTPACK) {
        const uint8_t *lp = base + k->value;
        uint32_t bytes;
        memcpy(&bytes, lp, sizeof bytes);
        rl_rdb_put_byte(o, RDB_TYPE_HASH_LISTPACK);
        rl_rdb_put_string(o, (const uint8_t *)(k + 1), k->key_len);
        rl_rdb_put_string(o, lp, bytes);
        return 0;
    }
    if (k->encoding != RL_ENC_HT) {
        *why = "hash value with an unknown encoding";
        return EINVAL;
    }
    const rl_dict *d = AT(base, k->value, rl_dict);
    rl_rdb_put_byte(o, RDB_TYPE_HASH);
    rl_rdb_put_string(o, (const uint8_t *)(k + 1), k->key_len);
    rl_rdb_put_hents(o, base, d, 1);
    return 0;
}
