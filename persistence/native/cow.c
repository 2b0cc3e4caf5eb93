/*
 * cow.c - copy-on-write counting: the parent's sampler thread over /proc/self/pagemap, the
 * child's fork-time pagemap copy and exit gate, and the child's smaps Private_Dirty reading.
 * The design and what "exact" means are in cow.h.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include "cow.h"
#include "region.h"

#define PM_PRESENT   (1ULL << 63)
#define PM_SWAPPED   (1ULL << 62)
#define PM_EXCLUSIVE (1ULL << 56)
#define PM_PFN_MASK  ((1ULL << 55) - 1)
#define CHUNK_PAGES  (64 * 1024) /* pagemap entries read per pread (512 KiB) */

static int64_t mono_us(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int64_t minor_faults(void) {
    struct rusage ru;
    return getrusage(RUSAGE_SELF, &ru) == 0 ? (int64_t)ru.ru_minflt : 0;
}

/* One snapshot is counted at a time (one child at a time), so the state is a single static. */
static struct {
    pthread_mutex_t mu;
    pthread_t thread;
    int thread_started;
    int gate;                 /* parent's end of the exit gate, -1 when none */
    int pagemap_fd;
    uint64_t *baseline;       /* MAP_SHARED: the child's fork-time entries */
    uint64_t baseline_pages;
    uint64_t *chunk;          /* parent's current entries, CHUNK_PAGES at a time */
    const uint8_t *region;
    int64_t fork_us;
    int64_t minflt_at_fork;
    rl_cow_stats stats;
    rl_cow_sample *timeline;
    int timeline_len;
    /* Ranges of pages present at the fork (small gaps merged): only these are read again. */
    uint64_t (*runs)[2];
    int run_count;
    int64_t last_cpu_us;      /* CPU cost of the last sample, for the duty cycle */
} cow = { .mu = PTHREAD_MUTEX_INITIALIZER, .gate = -1, .pagemap_fd = -1 };

static void release_buffers(void) {
    if (cow.gate >= 0) close(cow.gate);
    if (cow.pagemap_fd >= 0) close(cow.pagemap_fd);
    if (cow.baseline) munmap(cow.baseline, (cow.baseline_pages + 1) * 8);
    free(cow.chunk);
    free(cow.runs);
    cow.runs = NULL;
    cow.run_count = 0;
    cow.gate = cow.pagemap_fd = -1;
    cow.baseline = NULL;
    cow.chunk = NULL;
}

int rl_cow_prepare(uint64_t region_pages, const char *pagemap_path, int32_t *child_gate_fd) {
    *child_gate_fd = -1;
    rl_cow_finish(); /* a previous sampler, if the caller did not finish it */
    pthread_mutex_lock(&cow.mu);
    memset(&cow.stats, 0, sizeof(cow.stats));
    free(cow.timeline);
    cow.timeline = NULL;
    cow.timeline_len = 0;
    cow.stats.region_pages = (int64_t)region_pages;
    int err = 0;
    cow.pagemap_fd = open(pagemap_path, O_RDONLY | O_CLOEXEC);
    if (cow.pagemap_fd < 0) err = errno;
    int sv[2] = { -1, -1 };
    if (!err) {
        cow.baseline_pages = region_pages;
        /* One entry per page, then one for the child's scan time. */
        void *m = mmap(NULL, (region_pages + 1) * 8, PROT_READ | PROT_WRITE,
                       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
        cow.baseline = m == MAP_FAILED ? NULL : m;
        cow.chunk = malloc(CHUNK_PAGES * sizeof(uint64_t));
        cow.timeline = malloc(sizeof(rl_cow_sample) * 64);
        if (!cow.baseline || !cow.chunk || !cow.timeline) err = ENOMEM;
    }
    if (!err && socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) err = errno;
    if (err) {
        release_buffers();
        cow.stats.state = RL_COW_UNAVAILABLE;
        cow.stats.error = err;
        pthread_mutex_unlock(&cow.mu);
        return err;
    }
    cow.gate = sv[0];
    *child_gate_fd = sv[1];
    cow.stats.state = RL_COW_WAITING;
    pthread_mutex_unlock(&cow.mu);
    return 0;
}

void rl_cow_abort(void) {
    pthread_mutex_lock(&cow.mu);
    release_buffers();
    cow.stats.state = RL_COW_OFF;
    pthread_mutex_unlock(&cow.mu);
}

/* Compares the parent's pagemap with the fork-time copy over the present ranges; returns copied
 * pages, -1 on read error. */
static int64_t count_copied(int method, int64_t *present) {
    int64_t copied = 0, pres = 0;
    uint64_t first = (uintptr_t)cow.region / RL_PAGE_SIZE;
    int runs = cow.run_count < 0 ? 1 : cow.run_count;
    for (int r = 0; r < runs; r++) {
        uint64_t start = cow.run_count < 0 ? 0 : cow.runs[r][0];
        uint64_t end = cow.run_count < 0 ? cow.baseline_pages : start + cow.runs[r][1];
        for (uint64_t p = start; p < end; p += CHUNK_PAGES) {
            uint64_t n = end - p < CHUNK_PAGES ? end - p : CHUNK_PAGES;
            ssize_t got = pread(cow.pagemap_fd, cow.chunk, n * 8, (off_t)((first + p) * 8));
            if (got != (ssize_t)(n * 8)) return -1;
            const uint64_t *base = cow.baseline + p;
            for (uint64_t i = 0; i < n; i++) {
                uint64_t b = base[i];
                if (!(b & PM_PRESENT) || (b & PM_SWAPPED)) continue;
                pres++;
                uint64_t now = cow.chunk[i];
                if (method == RL_COW_METHOD_PFN) {
                    if ((now & PM_PRESENT) && !(now & PM_SWAPPED) && (now & PM_PFN_MASK) != (b & PM_PFN_MASK)) copied++;
                } else if (now & PM_EXCLUSIVE) {
                    copied++;
                }
            }
        }
    }
    *present = pres;
    return copied;
}

static int64_t thread_cpu_us(void) {
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void take_sample(int final) {
    int64_t c0 = thread_cpu_us();
    int64_t t0 = mono_us();
    int64_t present = 0;
    int64_t copied = count_copied(cow.stats.method, &present);
    int64_t flt = minor_faults() - cow.minflt_at_fork;
    int64_t t1 = mono_us();
    int64_t cpu = thread_cpu_us() - c0;
    cow.last_cpu_us = cpu;
    pthread_mutex_lock(&cow.mu);
    if (copied < 0) {
        cow.stats.state = RL_COW_UNAVAILABLE;
        cow.stats.error = EIO;
        pthread_mutex_unlock(&cow.mu);
        return;
    }
    cow.stats.present_pages = present;
    cow.stats.pages_copied = copied;
    cow.stats.minflt = flt;
    cow.stats.samples++;
    cow.stats.sample_cost_total_us += t1 - t0;
    cow.stats.sample_cpu_total_us += cpu;
    if (t1 - t0 > cow.stats.sample_cost_max_us) cow.stats.sample_cost_max_us = t1 - t0;
    cow.stats.elapsed_us = t0 - cow.fork_us;
    if (final) cow.stats.final_exact = 1;
    if (cow.timeline_len < RL_COW_MAX_SAMPLES) {
        if ((cow.timeline_len & (cow.timeline_len - 1)) == 0 && cow.timeline_len >= 64) {
            rl_cow_sample *grown = realloc(cow.timeline, sizeof(rl_cow_sample) * (size_t)cow.timeline_len * 2);
            if (grown) cow.timeline = grown;
            else goto out;
        }
        cow.timeline[cow.timeline_len++] = (rl_cow_sample){ t0 - cow.fork_us, copied, flt, t1 - t0, cpu };
    }
out:
    pthread_mutex_unlock(&cow.mu);
}

/* Picks the method from the fork-time copy: PFNs visible (non-zero for present pages) or not. */
static void baseline_ready(void) {
    int method = RL_COW_METHOD_EXCLUSIVE, seen = 0, cap = 0;
    /* Runs of present pages; gaps under 64 pages are read through (cheaper than another pread). */
    for (uint64_t i = 0; i < cow.baseline_pages; i++) {
        uint64_t b = cow.baseline[i];
        if (!(b & PM_PRESENT) || (b & PM_SWAPPED)) continue;
        if (!seen) {
            seen = 1;
            if (b & PM_PFN_MASK) method = RL_COW_METHOD_PFN;
        }
        if (cow.run_count > 0 && i - (cow.runs[cow.run_count - 1][0] + cow.runs[cow.run_count - 1][1]) < 64) {
            cow.runs[cow.run_count - 1][1] = i + 1 - cow.runs[cow.run_count - 1][0];
            continue;
        }
        if (cow.run_count == cap) {
            cap = cap ? cap * 2 : 64;
            void *grown = realloc(cow.runs, sizeof(*cow.runs) * (size_t)cap);
            if (!grown) { /* no memory for the list: read every page instead */
                free(cow.runs);
                cow.runs = NULL;
                cow.run_count = -1;
                break;
            }
            cow.runs = grown;
        }
        cow.runs[cow.run_count][0] = i;
        cow.runs[cow.run_count][1] = 1;
        cow.run_count++;
    }
    pthread_mutex_lock(&cow.mu);
    cow.stats.method = method;
    cow.stats.state = RL_COW_COUNTING;
    cow.stats.baseline_us = mono_us() - cow.fork_us;
    cow.stats.baseline_cost_us = (int64_t)cow.baseline[cow.baseline_pages];
    pthread_mutex_unlock(&cow.mu);
}

/* At most one sample per RL_COW_SAMPLE_MS, and at most ~5% of a CPU: a sample that cost c of
 * CPU time is followed by at least 20c of rest (Redis's childinfo duty cycle, at 5%). */
static int64_t next_sample_time(void) {
    int64_t rest = cow.last_cpu_us * 20;
    if (rest < RL_COW_SAMPLE_MS * 1000) rest = RL_COW_SAMPLE_MS * 1000;
    return mono_us() + rest;
}

static void *sampler_main(void *arg) {
    (void)arg;
    int state = RL_COW_WAITING;
    int64_t next = 0;
    for (;;) {
        int timeout = 1000;
        if (state == RL_COW_COUNTING) {
            int64_t left = next - mono_us();
            timeout = left <= 0 ? 0 : (int)((left + 999) / 1000);
        }
        struct pollfd pfd = { cow.gate, POLLIN, 0 };
        int r = poll(&pfd, 1, timeout);
        if (r < 0 && errno == EINTR) continue;
        if (r == 0) {
            if (state == RL_COW_COUNTING) {
                take_sample(0);
                next = next_sample_time();
            }
            continue;
        }
        unsigned char buf[16];
        ssize_t n = read(cow.gate, buf, sizeof(buf));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            /* The child is gone without the gate (killed, or crashed). With PFNs a last sample is
             * still exact; with the exclusive bit it would count everything, so keep the last. */
            if (state == RL_COW_COUNTING && cow.stats.method == RL_COW_METHOD_PFN) take_sample(1);
            break;
        }
        int stop = 0;
        for (ssize_t i = 0; i < n && !stop; i++) {
            if (buf[i] == RL_GATE_BASELINE && state == RL_COW_WAITING) {
                baseline_ready();
                state = RL_COW_COUNTING;
                take_sample(0);
                next = next_sample_time();
            } else if (buf[i] == RL_GATE_UNAVAIL) {
                int e = i + 1 < n ? buf[i + 1] : EIO;
                pthread_mutex_lock(&cow.mu);
                cow.stats.state = RL_COW_UNAVAILABLE;
                cow.stats.error = e ? e : EIO;
                pthread_mutex_unlock(&cow.mu);
                state = RL_COW_UNAVAILABLE;
                i++;
            } else if (buf[i] == RL_GATE_FINISHING) {
                if (state == RL_COW_COUNTING) take_sample(1);
                unsigned char a = RL_GATE_ACK;
                ssize_t w;
                do { w = write(cow.gate, &a, 1); } while (w < 0 && errno == EINTR);
                stop = 1;
            }
        }
        if (stop) break;
    }
    pthread_mutex_lock(&cow.mu);
    if (cow.stats.state == RL_COW_COUNTING || cow.stats.state == RL_COW_WAITING)
        cow.stats.state = state == RL_COW_COUNTING ? RL_COW_DONE : RL_COW_UNAVAILABLE;
    if (cow.stats.state == RL_COW_UNAVAILABLE && !cow.stats.error) cow.stats.error = ECHILD;
    pthread_mutex_unlock(&cow.mu);
    return NULL;
}

void rl_cow_started(const uint8_t *region, int64_t fork_time_us, int64_t minflt_at_fork) {
    pthread_mutex_lock(&cow.mu);
    cow.region = region;
    cow.fork_us = fork_time_us;
    cow.minflt_at_fork = minflt_at_fork;
    pthread_mutex_unlock(&cow.mu);
    if (cow.gate < 0) return;
    if (pthread_create(&cow.thread, NULL, sampler_main, NULL) == 0) {
        cow.thread_started = 1;
    } else {
        pthread_mutex_lock(&cow.mu);
        cow.stats.state = RL_COW_UNAVAILABLE;
        cow.stats.error = EAGAIN;
        pthread_mutex_unlock(&cow.mu);
        /* The child still waits at its gate: closing our end lets it go at once. */
        close(cow.gate);
        cow.gate = -1;
    }
}

void rl_cow_finish(void) {
    if (cow.thread_started) {
        pthread_join(cow.thread, NULL);
        cow.thread_started = 0;
    }
    pthread_mutex_lock(&cow.mu);
    release_buffers();
    pthread_mutex_unlock(&cow.mu);
}

void rl_cow_get_stats(rl_cow_stats *out) {
    pthread_mutex_lock(&cow.mu);
    *out = cow.stats;
    pthread_mutex_unlock(&cow.mu);
}

int rl_cow_get_timeline(rl_cow_sample *out, int max) {
    pthread_mutex_lock(&cow.mu);
    int n = cow.timeline_len;
    if (out && max > 0) memcpy(out, cow.timeline, sizeof(rl_cow_sample) * (size_t)(n < max ? n : max));
    pthread_mutex_unlock(&cow.mu);
    return n;
}

/* ---- child side (C only, no malloc, no locks) */

static void gate_send(int fd, const unsigned char *b, size_t n) {
    ssize_t w;
    do { w = write(fd, b, n); } while (w < 0 && errno == EINTR);
}

void rl_cow_child_baseline(const uint8_t *region, int gate_fd, const char *pagemap_path) {
    if (gate_fd < 0) return;
    int64_t t0 = mono_us();
    int fd = open(pagemap_path, O_RDONLY | O_CLOEXEC);
    int err = fd < 0 ? errno : 0;
    uint64_t first = (uintptr_t)region / RL_PAGE_SIZE;
    for (uint64_t p = 0; !err && p < cow.baseline_pages; p += CHUNK_PAGES) {
        uint64_t n = cow.baseline_pages - p < CHUNK_PAGES ? cow.baseline_pages - p : CHUNK_PAGES;
        if (pread(fd, cow.baseline + p, n * 8, (off_t)((first + p) * 8)) != (ssize_t)(n * 8)) err = errno ? errno : EIO;
    }
    if (fd >= 0) close(fd);
    /* The scan's cost goes after the entries, in the shared buffer, for the parent to read. */
    cow.baseline[cow.baseline_pages] = (uint64_t)(mono_us() - t0);
    if (err) {
        unsigned char m[2] = { RL_GATE_UNAVAIL, (unsigned char)(err & 0xff) };
        gate_send(gate_fd, m, 2);
    } else {
        unsigned char m = RL_GATE_BASELINE;
        gate_send(gate_fd, &m, 1);
    }
}

void rl_cow_child_gate(int gate_fd) {
    if (gate_fd < 0) return;
    unsigned char m = RL_GATE_FINISHING;
    gate_send(gate_fd, &m, 1);
    struct pollfd pfd = { gate_fd, POLLIN, 0 };
    /* Bounded: a sampler that is gone must not keep the child (and the save's end) waiting. */
    while (poll(&pfd, 1, 2000) < 0 && errno == EINTR) {}
}

static int64_t parse_kb(const char *p) {
    while (*p == ' ' || *p == '\t') p++;
    int64_t v = 0;
    while (*p >= '0' && *p <= '9') v = v * 10 + (*p++ - '0');
    return v * 1024;
}

static uintptr_t parse_hex(const char **pp) {
    const char *p = *pp;
    uintptr_t v = 0;
    for (;; p++) {
        char c = *p;
        if (c >= '0' && c <= '9') v = v * 16 + (uintptr_t)(c - '0');
        else if (c >= 'a' && c <= 'f') v = v * 16 + (uintptr_t)(c - 'a' + 10);
        else break;
    }
    *pp = p;
    return v;
}

void rl_cow_private_dirty(uintptr_t region_start, uintptr_t region_end, char *buf, int cap,
                          int64_t *total, int64_t *region) {
    *total = *region = -1;
    int fd = open("/proc/self/smaps", O_RDONLY | O_CLOEXEC);
    if (fd < 0) return;
    int64_t tot = 0, reg = 0;
    int in_region = 0;
    int len = 0;
    for (;;) {
        ssize_t n = read(fd, buf + len, (size_t)(cap - 1 - len));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        len += (int)n;
        buf[len] = 0;
        int start = 0;
        for (;;) {
            char *nl = memchr(buf + start, '\n', (size_t)(len - start));
            if (!nl) break;
            *nl = 0;
            const char *line = buf + start;
            if (strncmp(line, "Private_Dirty:", 14) == 0) {
                int64_t b = parse_kb(line + 14);
                tot += b;
                if (in_region) reg += b;
            } else if ((line[0] >= '0' && line[0] <= '9') || (line[0] >= 'a' && line[0] <= 'f')) {
                /* A mapping header: "start-end perms ...". Field lines start with a capital. */
                const char *p = line;
                uintptr_t s = parse_hex(&p);
                if (*p == '-') {
                    p++;
                    uintptr_t e = parse_hex(&p);
                    in_region = s < region_end && e > region_start;
                }
            }
            start = (int)(nl - buf) + 1;
        }
        memmove(buf, buf + start, (size_t)(len - start));
        len -= start;
        if (len >= cap - 1) len = 0; /* an absurdly long line: drop it */
    }
    close(fd);
    *total = tot;
    *region = reg;
}
