/*
 * rdb_zset.c - writes a zset value in the RDB encoding Redis 7.0.15 would choose for it.
 * Not written yet: the zset type is not in the region store in this build.
 */
#include <errno.h>
#include "rdb_writer.h"

int rl_rdb_put_zset(rl_out *o, const uint8_t *base, const rl_key *k, const char **why) {
    (void)o; (void)base; (void)k;
    *why = "zset values are not supported by the RDB writer yet";
    return ENOTSUP;
}
