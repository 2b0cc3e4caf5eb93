/*
 * rdb_hash.c - writes a hash value in the RDB encoding Redis 7.0.15 would choose for it.
 * Not written yet: the hash type is not in the region store in this build.
 */
#include <errno.h>
#include "rdb_writer.h"

int rl_rdb_put_hash(rl_out *o, const uint8_t *base, const rl_key *k, const char **why) {
    (void)o; (void)base; (void)k;
    *why = "hash values are not supported by the RDB writer yet";
    return ENOTSUP;
}
