/*
 * rdb_set.c - writes a set value in the RDB encoding Redis 7.0.15 would choose for it.
 * Not written yet: the set type is not in the region store in this build.
 */
#include <errno.h>
#include "rdb_writer.h"

int rl_rdb_put_set(rl_out *o, const uint8_t *base, const rl_key *k, const char **why) {
    (void)o; (void)base; (void)k;
    *why = "set values are not supported by the RDB writer yet";
    return ENOTSUP;
}
