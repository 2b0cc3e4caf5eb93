/*
 * rdb_list.c - writes a list value as Redis 7.0.15 does: RDB_TYPE_LIST_QUICKLIST_2, the node
 * count, then per node its container (always PACKED: RedisLite keeps no PLAIN nodes) and its
 * listpack as one string (LZF-compressed under the same rule as any string). The listpacks in
 * the region are byte-exact Redis listpacks, so they are written as they are.
 */
#include <errno.h>
#include "rdb_writer.h"
#include "rdb_format.h"

int rl_rdb_put_list(rl_out *o, const uint8_t *base, const rl_key *k, const char **why) {
    const rl_quicklist *ql = AT(base, k->value, rl_quicklist);
    if (k->value == 0 || ql->len == 0 || ql->count == 0) {
        /* Redis never writes an empty list (its loader rejects one): the region must not hold one. */
        *why = "empty list value in the region";
        return EINVAL;
    }
    rl_rdb_put_byte(o, RDB_TYPE_LIST_QUICKLIST_2);
    rl_rdb_put_string(o, (const uint8_t *)(k + 1), k->key_len);
    rl_rdb_put_len(o, ql->len);
    uint64_t nodes = 0;
    for (uint64_t n = ql->head; n != 0; n = AT(base, n, rl_qlnode)->next) {
        const rl_qlnode *node = AT(base, n, rl_qlnode);
        const uint8_t *lp = base + node->lp;
        uint32_t bytes = (uint32_t)lp[0] | (uint32_t)lp[1] << 8 | (uint32_t)lp[2] << 16 | (uint32_t)lp[3] << 24;
        rl_rdb_put_len(o, QUICKLIST_NODE_CONTAINER_PACKED);
        rl_rdb_put_string(o, lp, bytes);
        nodes++;
    }
    if (nodes != ql->len) {
        *why = "quicklist node count disagrees with its links";
        return EINVAL;
    }
    return 0;
}
