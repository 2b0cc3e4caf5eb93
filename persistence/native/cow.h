/*
 * cow.h - counting the copy-on-write cost of a snapshot (ARCHITECTURE.md section 5).
 *
 * Parent side, exact: the child, first thing after the fork, copies its own /proc/self/pagemap
 * entries for the region into a buffer shared with the parent (MAP_SHARED, made before the fork).
 * The child never writes the region, so its entries are the fork-time ones (present bit, PFN),
 * and taking them there keeps the scan out of the parent's fork pause. A sampler thread in the
 * parent (C only, never managed code) then reads the parent's own pagemap over the same pages
 * (at most every RL_COW_SAMPLE_MS) and counts the pages present at fork that have since been copied:
 *   - "pfn" method (PFNs readable: CAP_SYS_ADMIN): the parent's PFN differs from the fork-time
 *     one. Exact at any time, also after the child dismissed a page (MADV_DONTNEED makes the
 *     parent's page exclusive without a copy: the PFN stays) or exited;
 *   - "exclusive" method (PFNs hidden): pagemap bit 56, page exclusively mapped. Exact while the
 *     child lives and does not dismiss; the child therefore waits at its end until the parent
 *     has taken a last sample (the exit gate), after which everything is exclusive.
 * Pages first touched after the fork were not present in the fork-time copy and never count.
 * Each sample also records the process's minor faults (getrusage) since the fork and its cost.
 *
 * Child side, Redis-comparable: Private_Dirty from /proc/self/smaps, in total (what Redis
 * reports as rdb_last_cow_size) and for the region's mapping alone.
 */
#ifndef RL_COW_H
#define RL_COW_H

#include <stdint.h>

#define RL_COW_SAMPLE_MS 100   /* at most one sample per this many milliseconds (and <= ~5% of a CPU) */
#define RL_COW_MAX_SAMPLES 36000

/* rl_cow_stats.state */
#define RL_COW_OFF         0   /* no snapshot has been counted yet (or counting disabled) */
#define RL_COW_WAITING     1   /* child forked, fork-time pagemap not yet copied */
#define RL_COW_COUNTING    2
#define RL_COW_DONE        3   /* the child ended; counters are final */
#define RL_COW_UNAVAILABLE 4   /* pagemap not readable (errno in error) */

/* rl_cow_stats.method */
#define RL_COW_METHOD_NONE      0
#define RL_COW_METHOD_PFN       1
#define RL_COW_METHOD_EXCLUSIVE 2

/* Exit-gate bytes on the child<->sampler socket. */
#define RL_GATE_BASELINE   'B' /* fork-time pagemap copied into the shared buffer */
#define RL_GATE_UNAVAIL    'U' /* followed by one byte: errno & 0xff */
#define RL_GATE_FINISHING  'F' /* child is about to exit: take the last sample, then ack */
#define RL_GATE_ACK        'A'

/* One sample of the timeline. */
typedef struct rl_cow_sample {
    int64_t t_us;          /* since the fork */
    int64_t pages_copied;  /* region pages copied by the parent since the fork */
    int64_t minflt;        /* process minor faults since the fork (getrusage) */
    int64_t cost_us;       /* how long this sample took (pagemap read and compare), wall clock */
    int64_t cpu_us;        /* CPU time the sampler thread spent on it (wall clock includes waiting for a CPU) */
} rl_cow_sample;

/* The counters of the running or last counted snapshot. */
typedef struct rl_cow_stats {
    int32_t state;           /* RL_COW_* */
    int32_t method;          /* RL_COW_METHOD_* */
    int32_t error;           /* errno when unavailable */
    int32_t final_exact;     /* the last sample was taken at the child's end (gate) or is PFN-exact */
    int64_t region_pages;    /* pages [0, top) at fork: the counted range */
    int64_t present_pages;   /* of those, present (committed) at fork */
    int64_t pages_copied;    /* latest count */
    int64_t minflt;          /* latest minor faults since fork */
    int64_t samples;
    int64_t sample_cost_total_us;
    int64_t sample_cost_max_us;
    int64_t sample_cpu_total_us;
    int64_t baseline_us;     /* fork to fork-time pagemap available (child's scan) */
    int64_t baseline_cost_us;/* how long the child's scan took */
    int64_t elapsed_us;      /* fork to last sample */
} rl_cow_stats;

/* Parent: prepares counting before the fork (shared buffer for region_pages entries, exit gate).
 * Returns 0, or an errno (counting is then marked unavailable and the save goes on without it).
 * *child_gate_fd receives the child's end of the gate (-1 when counting is off). */
int rl_cow_prepare(uint64_t region_pages, const char *pagemap_path, int32_t *child_gate_fd);

/* Parent, right after a successful fork: starts the sampler thread. It reads only the ranges of
 * pages present at the fork, and rests at least 20 times a sample's CPU cost between samples. */
void rl_cow_started(const uint8_t *region, int64_t fork_time_us, int64_t minflt_at_fork);

/* Parent, when fork failed: releases what rl_cow_prepare made. */
void rl_cow_abort(void);

/* Child: copies the fork-time pagemap entries into the shared buffer and tells the sampler. */
void rl_cow_child_baseline(const uint8_t *region, int gate_fd, const char *pagemap_path);

/* Child, at its end: lets the parent take its last sample and waits (bounded) for the ack. */
void rl_cow_child_gate(int gate_fd);

/* Parent: copies the current counters (thread-safe). */
void rl_cow_get_stats(rl_cow_stats *out);

/* Parent: copies up to max timeline samples; returns how many there are in all. */
int rl_cow_get_timeline(rl_cow_sample *out, int max);

/* Parent, after the child ended: waits for the sampler to stop and frees its buffers. */
void rl_cow_finish(void);

/* Child: Private_Dirty bytes of the whole process and of the mappings overlapping
 * [region_start, region_end); -1 each when smaps is unreadable. buf is scratch (>= 4 KiB). */
void rl_cow_private_dirty(uintptr_t region_start, uintptr_t region_end, char *buf, int cap,
                          int64_t *total, int64_t *region);

#endif
