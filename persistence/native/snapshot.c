/*
 * snapshot.c - SAVE and BGSAVE of the region.
 *
 * BGSAVE forks. The parent (the .NET server, holding its store lock) gets the child's pid and a
 * pipe at once and goes back to serving. The child inherits a copy-on-write view of the region
 * frozen at the fork; it is a copy of a multi-threaded .NET process with only this thread left,
 * so it runs C only and never returns into managed code:
 *   1. resets every signal disposition to default and unblocks all signals (the runtime's
 *      handlers would run managed code),
 *   2. moves the report pipe to fd 3 and closes every other fd above stderr (listening sockets
 *      included, so a dead parent does not keep the port),
 *   3. writes temp-<pid>.rdb in dir with mmap'd buffers only (no malloc: another thread may have
 *      held its lock at the fork), fsyncs it, renames it over dbfilename, fsyncs the directory,
 *   4. reports progress about once a second and a final record, then _exit()s.
 * On any failure the temp file is removed and the previous dump is untouched.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "snapshot.h"
#include "rdb_writer.h"
#include "crc64.h"
#include "region.h"
#include "cow.h"

/* Niceness of the snapshot child (0 = the parent's priority, 19 = the lowest). */
#define RL_CHILD_NICE 10

#define REPORT_FD 3
#define GATE_FD   4

static int64_t now_us(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* strerror without locale or allocation: glibc's untranslated table, safe after fork. */
static const char *errdesc(int e) {
    const char *d = strerrordesc_np(e);
    return d ? d : "Unknown error";
}

/* Bounded string helpers (no snprintf in the child). */
static void sappend(char *dst, size_t cap, const char *src) {
    size_t n = strlen(dst);
    while (*src && n + 1 < cap) dst[n++] = *src++;
    dst[n] = 0;
}

static void sappend_ll(char *dst, size_t cap, long long v) {
    char tmp[24], out[24];
    int n = 0, k = 0;
    unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
    do { tmp[n++] = (char)('0' + u % 10); u /= 10; } while (u);
    if (v < 0) out[k++] = '-';
    while (n) out[k++] = tmp[--n];
    out[k] = 0;
    sappend(dst, cap, out);
}

/* The child's view of its COW cost, read from /proc/self/smaps as Redis's childinfo.c does: at most
 * ~1% of the child's time goes to it (a read is redone only when the time since the last one is
 * more than 100 times what that read cost); the last report always rereads. */
static struct {
    int64_t last_read_us, last_cost_us;
    int64_t total, region;
    int64_t dismissed;
    uintptr_t region_start, region_end;
} child_cow = { 0, 0, -1, -1, 0, 0, 0 };

static void read_private_dirty(int force) {
    int64_t t0 = now_us();
    if (!force && child_cow.last_read_us && t0 - child_cow.last_read_us < child_cow.last_cost_us * 100) return;
    char buf[16384];
    rl_cow_private_dirty(child_cow.region_start, child_cow.region_end, buf, (int)sizeof(buf),
                         &child_cow.total, &child_cow.region);
    int64_t t1 = now_us();
    child_cow.last_read_us = t1;
    child_cow.last_cost_us = t1 - t0;
}

typedef struct {
    const rl_save_job *job;
    int64_t started_us;
    int64_t last_report_us;
    int report_fd;
    int in_child;   /* BGSAVE child: may release (dismiss) region pages; never in SAVE */
} save_ctx;

static void send_report(int fd, uint32_t kind, int status, const rl_out *o, int64_t started, const char *msg) {
    if (fd < 0) return;
    rl_child_report r;
    memset(&r, 0, sizeof(r));
    r.magic = RL_REPORT_MAGIC;
    r.kind = kind;
    r.status = status;
    r.keys = o ? o->keys : 0;
    r.bytes = o ? (int64_t)o->bytes : 0;
    read_private_dirty(kind == RL_REPORT_DONE);
    r.cow_bytes = child_cow.total;
    r.region_cow_bytes = child_cow.region;
    r.dismissed_bytes = child_cow.dismissed;
    r.smaps_cost_us = child_cow.last_cost_us;
    r.elapsed_us = now_us() - started;
    if (msg) sappend(r.message, sizeof(r.message), msg);
    ssize_t w;
    do { w = write(fd, &r, sizeof(r)); } while (w < 0 && errno == EINTR);
}

/* The per-key hook needs both the job and the report state; rl_out carries one pointer (the job),
 * so the save context lives in a static for the duration of one save (one save at a time). */
static save_ctx *current;

/* Dismiss (Redis's dismissObject, for the region): once the child has written a block out it never
 * reads it again, so it drops its mapping of the block's pages. The parent's page is then mapped
 * once only, and a later parent write reuses it instead of copying. Only whole page runs of their
 * own (values of a page or more, large bucket arrays) qualify: a slab page holds other keys'
 * records and values that the walk may still need. */
static void dismiss_block(const rl_save_job *job, uint64_t off) {
    if (off == 0 || off % RL_PAGE_SIZE) return;
    const rl_region_header *h = (const rl_region_header *)job->region;
    if (off >= h->top) return;
    uint32_t e = AT(job->region, h->page_map, uint32_t)[off / RL_PAGE_SIZE];
    if ((e & RL_PAGE_KIND_MASK) != RL_PAGE_RUN) return;
    uint64_t bytes = (uint64_t)(e & RL_PAGE_DATA_MASK) * RL_PAGE_SIZE;
    if (madvise((void *)(job->region + off), bytes, MADV_DONTNEED) == 0) child_cow.dismissed += (int64_t)bytes;
}

static void on_table_done_hook(rl_out *o, uint64_t buckets) {
    (void)o;
    save_ctx *c = current;
    if (c->in_child && c->job->child_dismiss) dismiss_block(c->job, buckets);
}

static void on_key_hook(rl_out *o) {
    save_ctx *c = current;
    if (c->in_child && c->job->child_dismiss) {
        if (has_value_block(o->cur_key)) dismiss_block(c->job, o->cur_key->value);
    }
    int64_t delay = c->job->key_save_delay_us;
    if (delay < 0) {
        /* Redis's debugDelay: a negative delay sleeps 1 us after one key in -delay on average
         * (shorter sleeps than one context switch, statistically). */
        static uint64_t lcg = 0x9e3779b97f4a7c15ULL;
        lcg = lcg * 6364136223846793005ULL + 1442695040888963407ULL;
        delay = (lcg >> 33) % (uint64_t)(-delay) == 0 ? 1 : 0;
    }
    /* Progress about once a second, and once after the first key (so the parent soon sees the
     * child's first COW figures); reported before the delay so it describes the key just written. */
    if ((o->keys & 1023) == 0 || delay > 0 || o->keys == 1) {
        int64_t t = now_us();
        if (t - c->last_report_us >= 1000000 || o->keys == 1) {
            c->last_report_us = t;
            send_report(c->report_fd, RL_REPORT_PROGRESS, 0, o, c->started_us, NULL);
        }
    }
    if (delay > 0) {
        struct timespec ts = { delay / 1000000, (delay % 1000000) * 1000 };
        while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {}
    }
}

static void path_join(char *dst, size_t cap, const char *dir, const char *name) {
    dst[0] = 0;
    sappend(dst, cap, dir);
    if (dst[0] && dst[strlen(dst) - 1] != '/') sappend(dst, cap, "/");
    sappend(dst, cap, name);
}

/* Writes the snapshot; 0 or errno with *why set. Used by both the child and SAVE. */
static int save_to_file(const rl_save_job *job, int report_fd, int in_child, rl_out *o, char *why_buf, size_t why_cap) {
    char tmp[4096], final_path[4096], name[64] = "temp-";
    sappend_ll(name, sizeof(name), (long long)getpid());
    sappend(name, sizeof(name), ".rdb");
    path_join(tmp, sizeof(tmp), job->dir, name);
    path_join(final_path, sizeof(final_path), job->dir, job->filename);

    memset(o, 0, sizeof(*o)); /* rl_out_close must be safe even if the file never opened */
    save_ctx ctx = { job, now_us(), now_us(), report_fd, in_child };
    current = &ctx;

    int direct = job->direct_io;
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | (direct ? O_DIRECT : 0), 0644);
    if (fd < 0 && direct && errno == EINVAL) { /* filesystem without O_DIRECT (tmpfs) */
        direct = 0;
        fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    }
    if (fd < 0) {
        int e = errno;
        why_buf[0] = 0;
        sappend(why_buf, why_cap, "Failed opening the temp RDB file ");
        sappend(why_buf, why_cap, name);
        sappend(why_buf, why_cap, " (in server root dir ");
        sappend(why_buf, why_cap, job->dir);
        sappend(why_buf, why_cap, ") for saving: ");
        sappend(why_buf, why_cap, errdesc(e));
        return e;
    }
    int err = rl_out_open(o, fd, direct, job->checksum);
    const char *why = "out of memory for buffers";
    if (!err) {
        o->on_key = on_key_hook;
        o->on_table_done = on_table_done_hook;
        err = rl_rdb_write(o, job, &why);
    }
    if (!err) err = rl_out_finish(o);
    /* The writer thread may still hold queued buffers after a failure: it must be done with the
     * fd before the fd is closed (in SAVE, another thread could get the number next). */
    rl_out_close(o);
    if (!err && fsync(fd) != 0) err = errno;
    if (close(fd) != 0 && !err) err = errno;
    if (!err && rename(tmp, final_path) != 0) err = errno;
    if (!err) {
        int dfd = open(job->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd >= 0) {
            fsync(dfd);
            close(dfd);
        }
    }
    if (err) {
        unlink(tmp);
        why_buf[0] = 0;
        sappend(why_buf, why_cap, "Write error saving DB on disk: ");
        sappend(why_buf, why_cap, err == ENOTSUP ? why : errdesc(err));
    }
    current = NULL;
    return err;
}

int rl_save_foreground(const rl_save_job *job, rl_child_report *report) {
    rl_crc64_init();
    rl_out o;
    memset(report, 0, sizeof(*report));
    int64_t t0 = now_us();
    int err = save_to_file(job, -1, 0, &o, report->message, sizeof(report->message));
    report->magic = RL_REPORT_MAGIC;
    report->kind = RL_REPORT_DONE;
    report->status = err;
    report->keys = o.keys;
    report->bytes = (int64_t)o.bytes;
    report->elapsed_us = now_us() - t0;
    rl_out_close(&o);
    return err;
}

static void child_main(const rl_save_job *job, int report_fd, int gate_fd) {
    /* 1. Signals: back to defaults, nothing blocked. */
    struct sigaction dfl;
    memset(&dfl, 0, sizeof(dfl));
    dfl.sa_handler = SIG_DFL;
    for (int s = 1; s < NSIG; s++) {
        if (s == SIGKILL || s == SIGSTOP) continue;
        sigaction(s, &dfl, NULL);
    }
    sigset_t all;
    sigemptyset(&all);
    sigprocmask(SIG_SETMASK, &all, NULL);
    /* A save aborted by the parent (SIGUSR1, as Redis) exits quietly; SIGPIPE stays fatal. */

    /* 2. File descriptors: report pipe on fd 3, the COW exit gate on fd 4 (when counting),
     * everything else above stderr closed. Both go out of the way first so neither clobbers the other. */
    int rfd = fcntl(report_fd, F_DUPFD, 16);
    int gfd = gate_fd >= 0 ? fcntl(gate_fd, F_DUPFD, 16) : -1;
    dup2(rfd, REPORT_FD);
    if (gfd >= 0) dup2(gfd, GATE_FD);
    syscall(SYS_close_range, (gfd >= 0 ? GATE_FD : REPORT_FD) + 1, ~0U, 0);
    gate_fd = gfd >= 0 ? GATE_FD : -1;

    /* 3. The fork-time pagemap for the parent's COW count, before anything else (dismiss). */
    child_cow.region_start = (uintptr_t)job->region;
    child_cow.region_end = (uintptr_t)job->region + ((const rl_region_header *)job->region)->reserved_bytes;
    if (job->cow_counting) rl_cow_child_baseline(job->region, gate_fd, job->pagemap_path);

    /* 3b. Yield the CPU to the parent: on a machine with few cores the child's two busy threads
     * (serialiser and writer) would otherwise take time slices from the threads serving clients,
     * and commands would wait during the whole save, not just during the fork. Niceness is per
     * thread on Linux and inherited by threads created later, so this covers the writer too. */
    setpriority(PRIO_PROCESS, 0, RL_CHILD_NICE);

    /* 4-5. Save and report; then let the parent take its last COW sample before we exit. */
    rl_out o;
    memset(&o, 0, sizeof(o));
    char why[192] = "";
    int err = save_to_file(job, REPORT_FD, 1, &o, why, sizeof(why));
    send_report(REPORT_FD, RL_REPORT_DONE, err, &o, 0, err ? why : NULL);
    rl_cow_child_gate(gate_fd);
    _exit(err ? 1 : 0);
}

int rl_bgsave_start(const rl_save_job *job, int32_t *report_fd, int64_t *fork_usec) {
    rl_crc64_init();
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) return -errno;
    int32_t gate = -1;
    /* Counting that cannot start (pagemap unreadable) is recorded as unavailable; the save goes on. */
    if (job->cow_counting) rl_cow_prepare(job->cow_pages, job->pagemap_path, &gate);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    int64_t t0 = now_us();
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        child_main(job, fds[1], gate);
        _exit(1); /* not reached */
    }
    int64_t t1 = now_us();
    if (gate >= 0) close(gate);
    if (pid < 0) {
        int e = errno;
        close(fds[0]);
        close(fds[1]);
        if (job->cow_counting) rl_cow_abort();
        return -e;
    }
    close(fds[1]);
    fcntl(fds[0], F_SETFL, fcntl(fds[0], F_GETFL) | O_NONBLOCK);
    if (job->cow_counting) rl_cow_started(job->region, t0, (int64_t)ru.ru_minflt);
    *report_fd = fds[0];
    *fork_usec = t1 - t0;
    return pid;
}

int rl_child_poll(int32_t pid, int32_t *status) {
    int st = 0;
    pid_t r = waitpid(pid, &st, WNOHANG);
    if (r == 0) return 0;
    if (r < 0) return -1;
    *status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
    return 1;
}

int rl_child_kill(int32_t pid, int32_t sig) { return kill(pid, sig) == 0 ? 0 : errno; }
