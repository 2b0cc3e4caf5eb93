/* rdb_writer.h - serialises the region into RDB version 10 through a buffered output. */
#ifndef RL_RDB_WRITER_H
#define RL_RDB_WRITER_H

#include <stddef.h>
#include <stdint.h>
#include "snapshot.h"

#include <pthread.h>

/* A sequential output with two page-aligned buffers: the caller fills one while a writer thread
 * checksums (CRC64) and writes the other in one large write (aligned under O_DIRECT), so
 * serialising, checksumming and disk I/O overlap. Allocates only with mmap (thread stacks
 * included, via glibc), so it is safe in a forked child of a multi-threaded process. */
typedef struct rl_out {
    int fd;
    int direct;           /* fd has O_DIRECT: flush whole aligned buffers, fix the size at the end */
    uint8_t *bufs[2];
    uint8_t *buf;         /* the buffer being filled: bufs[cur] */
    int cur;
    size_t cap, len;
    uint64_t crc;         /* CRC64 of every byte handed to the writer so far */
    int checksum;
    pthread_t writer;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int writer_started;
    int pending;          /* index of the buffer queued for the writer, -1 when idle */
    size_t pending_len;
    int stop;
    uint64_t bytes;       /* logical bytes written */
    int err;              /* first errno, 0 while all is well */
    uint8_t *scratch;     /* LZF output buffer */
    size_t scratch_cap;
    uint32_t *htab;       /* LZF hash table */
    /* called after every key: delay and progress reporting */
    void (*on_key)(struct rl_out *o);
    void *ctx;
    int64_t keys;
} rl_out;

int rl_out_open(rl_out *o, int fd, int direct, int checksum);
void rl_out_write(rl_out *o, const void *data, size_t n);
/* Flushes everything; under O_DIRECT pads the last block and truncates back. 0 or errno. */
int rl_out_finish(rl_out *o);
void rl_out_close(rl_out *o);

/* Writes the whole RDB (header to checksum). Returns 0 or an errno; *why names the failure. */
int rl_rdb_write(rl_out *o, const rl_save_job *job, const char **why);

#endif
