/*
 * rdb_set.c - writes a set value in the RDB encoding Redis 7.0.15 chooses for it:
 *   intset    -> RDB_TYPE_SET_INTSET (11): the region's intset is Redis's byte format, so it is
 *                written as one string, unchanged;
 *   hashtable -> RDB_TYPE_SET (2): the member count, then each member string, walking both
 *                tables of the dict (a rehash may be in progress: every entry is in exactly one).
 */
#include <errno.h>
#include "rdb_format.h"
#include "rdb_writer.h"

int rl_rdb_put_set(rl_out *o, const uint8_t *base, const rl_key *k, const char **why) {
    if (k->encoding == RL_ENC_INTSET) {
        const rl_intset *is = AT(base, k->value, rl_intset);
        rl_rdb_put_byte(o, RDB_TYPE_SET_INTSET);
        rl_rdb_put_string(o, (const uint8_t *)(k + 1), k->key_len);
        rl_rdb_put_string(o, (const uint8_t *)is, sizeof(rl_intset) + (size_t)is->length * is->encoding);
        return 0;
    }
    if (k->encoding != RL_ENC_HT) {
        *why = "set value with an unknown encoding";
        return EINVAL;
    }
    const rl_dict *d = AT(base, k->value, rl_dict);
    rl_rdb_put_byte(o, RDB_TYPE_SET);
    rl_rdb_put_string(o, (const uint8_t *)(k + 1), k->key_len);
    rl_rdb_put_hents(o, base, d, 0);
    return 0;
}
