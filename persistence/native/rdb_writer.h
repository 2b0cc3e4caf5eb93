/* rdb_writer.h - serialises the region into RDB version 10 through a buffered output. */
#ifndef RL_RDB_WRITER_H
#define RL_RDB_WRITER_H

#include <stddef.h>
#include <stdint.h>
#include "snapshot.h"
#include "region.h"

#include <pthread.h>

/* Buffers in the output ring: one being filled, the others queued for (or being written by) the
 * writer thread. More than two absorb the jitter of both sides (a slow stretch of scattered
 * records, a slow write) instead of making the other side wait. */
#define RL_OUT_BUFS 4

/* A sequential output with a ring of page-aligned buffers: the caller fills one while a writer
 * thread checksums (CRC64) and writes the queued ones in order, each in one large write (aligned
 * under O_DIRECT), so serialising, checksumming and disk I/O overlap. Allocates only with mmap
 * (thread stacks included, via glibc), so it is safe in a forked child of a multi-threaded process. */
typedef struct rl_out {
    int fd;
    int direct;           /* fd has O_DIRECT: flush whole aligned buffers, fix the size at the end */
    uint8_t *bufs[RL_OUT_BUFS];
    size_t lens[RL_OUT_BUFS]; /* bytes in each queued buffer */
    uint8_t *buf;         /* the buffer being filled: bufs[cur] */
    int cur;
    size_t cap, len;
    uint64_t crc;         /* CRC64 of every byte handed to the writer so far */
    int checksum;
    pthread_t writer;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int writer_started;
    int queued;           /* buffers handed to the writer and not yet written (the ones before cur) */
    int stop;
    uint64_t bytes;       /* logical bytes written */
    int err;              /* first errno, 0 while all is well */
    uint8_t *scratch;     /* LZF output buffer */
    size_t scratch_cap;
    uint32_t *htab;       /* LZF hash table */
    /* called after every key (cur_key: the record just written): delay, progress, dismiss */
    void (*on_key)(struct rl_out *o);
    /* called when a keys table has been walked whole, with its bucket array's offset */
    void (*on_table_done)(struct rl_out *o, uint64_t buckets);
    const struct rl_key *cur_key;
    void *ctx;
    int64_t keys;
} rl_out;

int rl_out_open(rl_out *o, int fd, int direct, int checksum);
void rl_out_write(rl_out *o, const void *data, size_t n);
/* Flushes everything; under O_DIRECT pads the last block and truncates back. 0 or errno. */
int rl_out_finish(rl_out *o);
/* Waits for the writer thread to finish what it was given, stops it and unmaps the buffers.
 * Idempotent. Call it before closing the fd, also after a failure. */
void rl_out_close(rl_out *o);

/* Writes the whole RDB (header to checksum). Returns 0 or an errno; *why names the failure. */
int rl_rdb_write(rl_out *o, const rl_save_job *job, const char **why);

/* Value serialisation primitives shared by the per-type writers (rdb_list.c, rdb_set.c,
 * rdb_hash.c, rdb_zset.c): each emits exactly what Redis's rdb.c emits for the same call. */
void rl_rdb_put_byte(rl_out *o, uint8_t b);
void rl_rdb_put_len(rl_out *o, uint64_t len);                            /* rdbSaveLen */
int rl_rdb_put_encoded_int(rl_out *o, int64_t v);                        /* 0 if it does not fit 32 bits */
size_t rl_rdb_format_ll(int64_t v, char *buf);                           /* buf: 21+ bytes */
void rl_rdb_put_string(rl_out *o, const uint8_t *s, size_t len);         /* rdbSaveRawString (LZF) */
void rl_rdb_put_int_string(rl_out *o, int64_t v);                        /* rdbSaveLongLongAsStringObject */

/* The element count of an rl_dict of rl_hent (hash fields, set members), then each element's key
 * string and, with with_values, its value string, walking both tables (during a rehash every
 * element is in exactly one). */
void rl_rdb_put_hents(rl_out *o, const uint8_t *base, const rl_dict *d, int with_values);

/* Region offsets to typed pointers (the child reads the region through its own mapping). */
#define AT(base, off, type) ((const type *)((base) + (off)))

/* True if the record's value is a block in the region (every type but an int-encoded string). */
static inline int has_value_block(const rl_key *k) {
    return k->value != 0 && !(k->type == RL_TYPE_STRING && k->encoding == RL_ENC_INT);
}

/* One writer per collection type, each in its own file: writes the RDB type byte, the key (with
 * rl_rdb_put_string) and the value. Returns 0, or an errno with *why set. */
int rl_rdb_put_list(rl_out *o, const uint8_t *base, const rl_key *k, const char **why);
int rl_rdb_put_set(rl_out *o, const uint8_t *base, const rl_key *k, const char **why);
int rl_rdb_put_zset(rl_out *o, const uint8_t *base, const rl_key *k, const char **why);
int rl_rdb_put_hash(rl_out *o, const uint8_t *base, const rl_key *k, const char **why);

#endif
