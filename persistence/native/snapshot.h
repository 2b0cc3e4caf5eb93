/*
 * snapshot.h - the interface between the server (C#) and the native snapshot writer.
 *
 * rl_bgsave_start() forks: the child (C only, never managed code) writes the region as an RDB
 * file and reports through a pipe; the parent gets the pid and the pipe's read end at once.
 * rl_save_foreground() runs the same writer in the calling thread (SAVE, SHUTDOWN SAVE).
 * Both structs below cross the P/Invoke boundary; persistence/SnapshotInterop.cs mirrors them
 * and the layout test checks the mirror through layout.c.
 */
#ifndef RL_SNAPSHOT_H
#define RL_SNAPSHOT_H

#include <stdint.h>

/* What to save and how. Strings are NUL-terminated UTF-8 owned by the caller. */
typedef struct rl_save_job {
    const uint8_t *region;      /* base of the data region (rl_region_header) */
    const char *dir;            /* absolute directory for the temp file and the result */
    const char *filename;       /* dbfilename, no slashes */
    int64_t ctime;              /* unix seconds, AUX ctime */
    int64_t used_mem;           /* AUX used-mem */
    int64_t key_save_delay_us;  /* rdb-key-save-delay: sleep per key (tests hold a save open) */
    int32_t compression;        /* rdbcompression: LZF for strings longer than 20 bytes */
    int32_t checksum;           /* rdbchecksum: CRC64 trailer (else 8 zero bytes) */
    int32_t direct_io;          /* rdb-direct-io: O_DIRECT with aligned buffers, buffered fallback */
    int32_t aof_base;           /* AUX aof-base */
    int32_t report_fd;          /* foreground: -1; set by rl_bgsave_start for the child */
    int32_t pad;
    /* Copy-on-write counting and reduction (BGSAVE only; see cow.h). */
    const char *pagemap_path;   /* "/proc/self/pagemap"; another path simulates an unreadable one */
    uint64_t cow_pages;         /* region pages [0, top) at the fork: the range counted */
    int32_t cow_counting;       /* count copied pages from the parent (pagemap sampler) */
    int32_t child_dismiss;      /* rdb-child-dismiss: MADV_DONTNEED what the child has written out */
} rl_save_job;

#define RL_REPORT_MAGIC    0x52434c52u /* "RLCR" */
#define RL_REPORT_PROGRESS 1
#define RL_REPORT_DONE     2

/* One record on the child's report pipe (fixed size, below PIPE_BUF: writes are atomic). */
typedef struct rl_child_report {
    uint32_t magic;
    uint32_t kind;          /* RL_REPORT_PROGRESS about once a second, RL_REPORT_DONE last */
    int32_t status;         /* 0 ok, else an errno */
    int32_t pad;
    int64_t keys;           /* keys written so far */
    int64_t bytes;          /* file bytes written so far */
    int64_t cow_bytes;      /* child's Private_Dirty, all mappings (what Redis reports as COW); -1 unknown */
    int64_t elapsed_us;     /* since the child started */
    int64_t region_cow_bytes; /* child's Private_Dirty of the region's mapping alone; -1 unknown */
    int64_t dismissed_bytes;  /* region bytes the child has released with MADV_DONTNEED so far */
    int64_t smaps_cost_us;    /* how long the last smaps read took */
    int64_t pad2;
    char message[192];      /* on failure: Redis-style reason, NUL-terminated */
} rl_child_report;

/* Forks the snapshot child. Returns its pid (> 0), or -errno. *report_fd receives the pipe's
 * read end (non-blocking, close-on-exec); *fork_usec the time fork() itself took. */
int rl_bgsave_start(const rl_save_job *job, int32_t *report_fd, int64_t *fork_usec);

/* Saves in the calling thread. Returns 0, or an errno with a reason in report->message. */
int rl_save_foreground(const rl_save_job *job, rl_child_report *report);

/* Non-blocking waitpid: 0 still running, 1 exited (*status = exit code, or 128+signal), -1 not our child (already reaped). */
int rl_child_poll(int32_t pid, int32_t *status);

/* Sends SIGUSR1 to the child, which Redis uses to abort a save without an error being logged as a crash. */
int rl_child_kill(int32_t pid, int32_t sig);

#endif
