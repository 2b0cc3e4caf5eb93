/*
 * rdb_list.c - writes a list value in the RDB encoding Redis 7.0.15 would choose for it.
 * Not written yet: the list type is not in the region store in this build.
 */
#include <errno.h>
#include "rdb_writer.h"

int rl_rdb_put_list(rl_out *o, const uint8_t *base, const rl_key *k, const char **why) {
    (void)o; (void)base; (void)k;
    *why = "list values are not supported by the RDB writer yet";
    return ENOTSUP;
}
