/*
 * rdb_writer.c - walks the region and writes RDB version 10 as Redis 7.0.15 does: "REDIS0010",
 * AUX fields, then per non-empty database SELECTDB, RESIZEDB and every key (EXPIRETIME_MS first
 * when it has a TTL), EOF and the CRC64 trailer. Runs in the forked child (or in the server's
 * thread for SAVE): it allocates nothing but mmap'd buffers and calls no locking libc function.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "rdb_writer.h"
#include "rdb_format.h"
#include "region.h"
#include "crc64.h"
#include "lzf.h"

#define OUT_BUF (2u << 20)   /* x RL_OUT_BUFS: 8 MiB in all, the child's own Private_Dirty */
#define LZF_SCRATCH (1u << 20)

static void *map(size_t n) {
    void *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    return p == MAP_FAILED ? NULL : p;
}

static int write_all(int fd, const uint8_t *p, size_t n);

/* o->err is set by either thread (under the mutex) and read by both without it. */
static int out_err(const rl_out *o) { return __atomic_load_n(&o->err, __ATOMIC_ACQUIRE); }
static void set_err(rl_out *o, int e) {
    int none = 0;
    __atomic_compare_exchange_n(&o->err, &none, e, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
}

/* The writer thread: checksum and write the queued buffers, oldest first. */
static void *writer_main(void *arg) {
    rl_out *o = arg;
    pthread_mutex_lock(&o->mu);
    for (;;) {
        while (o->queued == 0 && !o->stop) pthread_cond_wait(&o->cv, &o->mu);
        if (o->queued == 0 && o->stop) break;
        int i = (o->cur - o->queued + RL_OUT_BUFS) % RL_OUT_BUFS;
        uint8_t *b = o->bufs[i];
        size_t n = o->lens[i];
        pthread_mutex_unlock(&o->mu);
        if (o->checksum) o->crc = rl_crc64(o->crc, b, n);
        int e = out_err(o) ? 0 : write_all(o->fd, b, n);
        pthread_mutex_lock(&o->mu);
        if (e) set_err(o, e);
        o->queued--;
        pthread_cond_broadcast(&o->cv);
    }
    pthread_mutex_unlock(&o->mu);
    return NULL;
}

int rl_out_open(rl_out *o, int fd, int direct, int checksum) {
    memset(o, 0, sizeof(*o));
    o->fd = fd;
    o->direct = direct;
    o->checksum = checksum;
    o->cap = OUT_BUF;
    for (int i = 0; i < RL_OUT_BUFS; i++)
        if (!(o->bufs[i] = map(OUT_BUF))) return ENOMEM;
    o->buf = o->bufs[0];
    o->scratch_cap = LZF_SCRATCH;
    o->scratch = map(LZF_SCRATCH);
    o->htab = map(RL_LZF_HTAB_ENTRIES * sizeof(uint32_t));
    if (!o->scratch || !o->htab) return ENOMEM;
    pthread_mutex_init(&o->mu, NULL);
    pthread_cond_init(&o->cv, NULL);
    if (pthread_create(&o->writer, NULL, writer_main, o) == 0) o->writer_started = 1;
    return 0;
}

/* Waits until the writer has written every queued buffer. */
static void wait_idle(rl_out *o) {
    if (!o->writer_started) return;
    pthread_mutex_lock(&o->mu);
    while (o->queued > 0) pthread_cond_wait(&o->cv, &o->mu);
    pthread_mutex_unlock(&o->mu);
}

void rl_out_close(rl_out *o) {
    if (o->writer_started) {
        pthread_mutex_lock(&o->mu);
        o->stop = 1;
        pthread_cond_broadcast(&o->cv);
        pthread_mutex_unlock(&o->mu);
        pthread_join(o->writer, NULL);
        o->writer_started = 0;
    }
    for (int i = 0; i < RL_OUT_BUFS; i++) {
        if (o->bufs[i]) munmap(o->bufs[i], o->cap);
        o->bufs[i] = NULL;
    }
    if (o->scratch) munmap(o->scratch, o->scratch_cap);
    if (o->htab) munmap(o->htab, RL_LZF_HTAB_ENTRIES * sizeof(uint32_t));
    o->buf = o->scratch = NULL;
    o->htab = NULL;
}

static int write_all(int fd, const uint8_t *p, size_t n) {
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR) continue;
            return errno;
        }
        if (w == 0) return EIO;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Queues the full current buffer for the writer thread and moves on to the next free one. */
static void flush_buf(rl_out *o) {
    if (out_err(o) || o->len == 0) {
        o->len = 0; /* after an error bytes are dropped, and rl_out_write must not spin on a full buffer */
        return;
    }
    if (!o->writer_started) { /* no thread could be made: write inline */
        if (o->checksum) o->crc = rl_crc64(o->crc, o->buf, o->len);
        int e = write_all(o->fd, o->buf, o->len);
        if (e) set_err(o, e);
        o->len = 0;
        return;
    }
    pthread_mutex_lock(&o->mu);
    while (o->queued == RL_OUT_BUFS - 1) pthread_cond_wait(&o->cv, &o->mu);
    o->lens[o->cur] = o->len;
    o->queued++;
    o->cur = (o->cur + 1) % RL_OUT_BUFS;
    pthread_cond_broadcast(&o->cv);
    pthread_mutex_unlock(&o->mu);
    o->buf = o->bufs[o->cur];
    o->len = 0;
}

void rl_out_write(rl_out *o, const void *data, size_t n) {
    const uint8_t *p = data;
    if (out_err(o)) return;
    o->bytes += n;
    while (n) {
        size_t room = o->cap - o->len;
        size_t k = n < room ? n : room;
        memcpy(o->buf + o->len, p, k);
        o->len += k;
        p += k;
        n -= k;
        if (o->len == o->cap) {
            flush_buf(o);
            if (out_err(o)) return;
        }
    }
}

/* CRC64 of everything written so far (waits for the writer; the tail is summed here). */
static uint64_t crc_so_far(rl_out *o) {
    wait_idle(o);
    return o->checksum ? rl_crc64(o->crc, o->buf, o->len) : 0;
}

int rl_out_finish(rl_out *o) {
    wait_idle(o);
    if (out_err(o)) return o->err;
    /* The last, partial buffer is written here directly (its bytes are already summed). */
    size_t n = o->len;
    if (o->direct && n % RL_PAGE_SIZE) {
        size_t padded = (n + RL_PAGE_SIZE - 1) / RL_PAGE_SIZE * RL_PAGE_SIZE;
        memset(o->buf + n, 0, padded - n);
        n = padded;
    }
    if (n) {
        int e = write_all(o->fd, o->buf, n);
        if (e) return o->err = e;
    }
    o->len = 0;
    if (o->direct && ftruncate(o->fd, (off_t)o->bytes) != 0) o->err = errno;
    return o->err;
}

/* ---- RDB primitives (rdbSaveLen, rdbSaveRawString...) */

void rl_rdb_put_byte(rl_out *o, uint8_t b) { rl_out_write(o, &b, 1); }

void rl_rdb_put_len(rl_out *o, uint64_t len) {
    uint8_t b[9];
    if (len < (1 << 6)) {
        b[0] = (uint8_t)((len & 0xFF) | (RDB_6BITLEN << 6));
        rl_out_write(o, b, 1);
    } else if (len < (1 << 14)) {
        b[0] = (uint8_t)(((len >> 8) & 0xFF) | (RDB_14BITLEN << 6));
        b[1] = (uint8_t)(len & 0xFF);
        rl_out_write(o, b, 2);
    } else if (len <= UINT32_MAX) {
        b[0] = RDB_32BITLEN;
        uint32_t be = __builtin_bswap32((uint32_t)len);
        memcpy(b + 1, &be, 4);
        rl_out_write(o, b, 5);
    } else {
        b[0] = RDB_64BITLEN;
        uint64_t be = __builtin_bswap64(len);
        memcpy(b + 1, &be, 8);
        rl_out_write(o, b, 9);
    }
}

/* rdbEncodeInteger: values that fit 8/16/32 bits get the compact "encoded int" form. */
int rl_rdb_put_encoded_int(rl_out *o, int64_t v) {
    uint8_t b[5];
    if (v >= -(1 << 7) && v <= (1 << 7) - 1) {
        b[0] = (RDB_ENCVAL << 6) | RDB_ENC_INT8;
        b[1] = (uint8_t)v;
        rl_out_write(o, b, 2);
    } else if (v >= -(1 << 15) && v <= (1 << 15) - 1) {
        b[0] = (RDB_ENCVAL << 6) | RDB_ENC_INT16;
        b[1] = (uint8_t)v;
        b[2] = (uint8_t)(v >> 8);
        rl_out_write(o, b, 3);
    } else if (v >= -((int64_t)1 << 31) && v <= ((int64_t)1 << 31) - 1) {
        b[0] = (RDB_ENCVAL << 6) | RDB_ENC_INT32;
        b[1] = (uint8_t)v;
        b[2] = (uint8_t)(v >> 8);
        b[3] = (uint8_t)(v >> 16);
        b[4] = (uint8_t)(v >> 24);
        rl_out_write(o, b, 5);
    } else {
        return 0;
    }
    return 1;
}

/* Decimal text of v into buf (at least 21 bytes); returns its length. No stdio in the child. */
size_t rl_rdb_format_ll(int64_t v, char *buf) {
    char tmp[24];
    size_t n = 0;
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    do {
        tmp[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    size_t len = 0;
    if (v < 0) buf[len++] = '-';
    while (n) buf[len++] = tmp[--n];
    return len;
}

void rl_rdb_put_string(rl_out *o, const uint8_t *s, size_t len) {
    /* rdbSaveRawString: LZF when enabled and longer than 20 bytes, if it saves at least 4 bytes. */
    if (o->ctx && ((const rl_save_job *)o->ctx)->compression && len > 20 && len - 4 <= o->scratch_cap) {
        size_t clen = rl_lzf_compress(s, len, o->scratch, len - 4, o->htab);
        if (clen > 0) {
            rl_rdb_put_byte(o, (RDB_ENCVAL << 6) | RDB_ENC_LZF);
            rl_rdb_put_len(o, clen);
            rl_rdb_put_len(o, len);
            rl_out_write(o, o->scratch, clen);
            return;
        }
    }
    rl_rdb_put_len(o, len);
    rl_out_write(o, s, len);
}

void rl_rdb_put_int_string(rl_out *o, int64_t v) {
    if (rl_rdb_put_encoded_int(o, v)) return;
    char buf[24];
    size_t n = rl_rdb_format_ll(v, buf);
    rl_rdb_put_len(o, n);
    rl_out_write(o, buf, n);
}

void rl_rdb_put_hents(rl_out *o, const uint8_t *base, const rl_dict *d, int with_values) {
    rl_rdb_put_len(o, d->t[0].used + d->t[1].used);
    for (int t = 0; t < 2; t++) {
        if (d->t[t].size == 0) continue;
        const uint64_t *buckets = AT(base, d->t[t].buckets, uint64_t);
        for (uint64_t b = 0; b < d->t[t].size; b++) {
            for (uint64_t e = buckets[b]; e != 0;) {
                const rl_hent *h = AT(base, e, rl_hent);
                const uint8_t *key = (const uint8_t *)(h + 1);
                rl_rdb_put_string(o, key, h->key_len);
                if (with_values) rl_rdb_put_string(o, key + h->key_len, h->val_len);
                e = h->next;
            }
        }
    }
}

static void put_aux(rl_out *o, const char *k, const char *v, size_t vlen) {
    rl_rdb_put_byte(o, RDB_OPCODE_AUX);
    rl_rdb_put_string(o, (const uint8_t *)k, strlen(k));
    rl_rdb_put_string(o, (const uint8_t *)v, vlen);
}

static void put_aux_int(rl_out *o, const char *k, int64_t v) {
    rl_rdb_put_byte(o, RDB_OPCODE_AUX);
    rl_rdb_put_string(o, (const uint8_t *)k, strlen(k));
    rl_rdb_put_int_string(o, v);
}

/* ---- values */


static int put_value(rl_out *o, const uint8_t *base, const rl_key *k, const char **why) {
    switch (k->type) {
    case RL_TYPE_STRING:
        rl_rdb_put_byte(o, RDB_TYPE_STRING);
        rl_rdb_put_string(o, (const uint8_t *)(k + 1), k->key_len);
        if (k->encoding == RL_ENC_INT) {
            rl_rdb_put_int_string(o, (int64_t)k->value);
        } else {
            const rl_str *s = AT(base, k->value, rl_str);
            rl_rdb_put_string(o, (const uint8_t *)(s + 1), s->len);
        }
        return 0;
    case RL_TYPE_LIST:
        return rl_rdb_put_list(o, base, k, why);
    case RL_TYPE_SET:
        return rl_rdb_put_set(o, base, k, why);
    case RL_TYPE_ZSET:
        return rl_rdb_put_zset(o, base, k, why);
    case RL_TYPE_HASH:
        return rl_rdb_put_hash(o, base, k, why);
    default:
        *why = "value type not supported by the RDB writer";
        return ENOTSUP;
    }
}

/* Writes one key (EXPIRETIME_MS first when it has a TTL) and runs the per-key hook. */
static int put_key(rl_out *o, const uint8_t *base, const rl_key *k, const char **why) {
    if (k->expire_ms >= 0) {
        uint8_t buf[9];
        buf[0] = RDB_OPCODE_EXPIRETIME_MS;
        int64_t ms = k->expire_ms; /* little endian, as rdbSaveMillisecondTime */
        memcpy(buf + 1, &ms, 8);
        rl_out_write(o, buf, 9);
    }
    int err = put_value(o, base, k, why);
    if (err) return err;
    if ((err = out_err(o)) != 0) {
        *why = "write error";
        return err;
    }
    o->keys++;
    o->cur_key = k;
    if (o->on_key) o->on_key(o);
    return 0;
}

/* Lookahead of the walk: records fetched ahead, and records whose value is being fetched ahead.
 * The record ring never holds more than RECS_AHEAD (each record taken from it adds at most its
 * chain successor back), so RECS_RING leaves room. */
#define RECS_AHEAD 32
#define RECS_RING  64
#define VALS_AHEAD 8
#define VALS_RING  8
#define VALUE_LINES_AHEAD 4   /* when a value is this close to being written, fetch all of it */

/* Writes every key of one table. Records and values are scattered, so the walk is bound by memory
 * latency unless it fetches ahead, as a software pipeline: bucket heads are read in order and
 * their records prefetched (RECS_AHEAD deep); a record leaving that stage is read (by now cached)
 * for its chain successor, which joins the record stage, and its value's first lines are
 * prefetched (VALS_AHEAD deep); a string value VALUE_LINES_AHEAD keys from being written has its
 * length read and every line up to 1 KiB prefetched. Keys come out in a different order from the
 * buckets' (chains are interleaved): RDB key order carries no meaning. */
static int put_table(rl_out *o, const uint8_t *base, const rl_dict_table *tab, const char **why) {
    const uint64_t *buckets = AT(base, tab->buckets, uint64_t);
    uint64_t recs[RECS_RING], vals[VALS_RING];
    unsigned rh = 0, rt = 0, vh = 0, vt = 0;
    uint64_t b = 0;
    for (;;) {
        while (rt - rh < RECS_AHEAD && b < tab->size) {
            uint64_t e = buckets[b++];
            if (!e) continue;
            __builtin_prefetch(base + e);
            recs[rt++ % RECS_RING] = e;
        }
        while (vt - vh < VALS_AHEAD && rt != rh) {
            uint64_t e = recs[rh++ % RECS_RING];
            const rl_key *k = AT(base, e, rl_key);
            if (k->next) {
                __builtin_prefetch(base + k->next);
                recs[rt++ % RECS_RING] = k->next;
            }
            if (has_value_block(k)) {
                __builtin_prefetch(base + k->value);
                __builtin_prefetch(base + k->value + 64);
            }
            vals[vt++ % VALS_RING] = e;
        }
        if (vt == vh) return 0;
        if (vt - vh > VALUE_LINES_AHEAD) {
            const rl_key *soon = AT(base, vals[(vh + VALUE_LINES_AHEAD) % VALS_RING], rl_key);
            if (soon->type == RL_TYPE_STRING && has_value_block(soon)) {
                const uint8_t *v = base + soon->value;
                uint64_t len = ((const rl_str *)v)->len + sizeof(rl_str);
                if (len > 1024) len = 1024;
                for (uint64_t at = 128; at < len; at += 64) __builtin_prefetch(v + at);
            }
        }
        int err = put_key(o, base, AT(base, vals[vh++ % VALS_RING], rl_key), why);
        if (err) return err;
    }
}

static int put_db(rl_out *o, const uint8_t *base, uint32_t dbnum, const rl_db *db, const char **why) {
    uint64_t keys = db->keys.t[0].used + db->keys.t[1].used;
    if (keys == 0) return 0;
    rl_rdb_put_byte(o, RDB_OPCODE_SELECTDB);
    rl_rdb_put_len(o, dbnum);
    rl_rdb_put_byte(o, RDB_OPCODE_RESIZEDB);
    rl_rdb_put_len(o, keys);
    rl_rdb_put_len(o, db->expires.t[0].used + db->expires.t[1].used);
    for (int t = 0; t < 2; t++) {
        const rl_dict_table *tab = &db->keys.t[t];
        if (tab->size == 0) continue;
        int err = put_table(o, base, tab, why);
        if (err) return err;
        if (o->on_table_done) o->on_table_done(o, tab->buckets);
    }
    return 0;
}

int rl_rdb_write(rl_out *o, const rl_save_job *job, const char **why) {
    const uint8_t *base = job->region;
    const rl_region_header *h = (const rl_region_header *)base;
    o->ctx = (void *)job;
    *why = "write error";
    if (h->magic != RL_REGION_MAGIC) {
        *why = "region header is corrupt";
        return EINVAL;
    }
    rl_out_write(o, "REDIS0010", 9);
    put_aux(o, "redis-ver", "7.0.15", 6);
    put_aux_int(o, "redis-bits", 64);
    put_aux_int(o, "ctime", job->ctime);
    put_aux_int(o, "used-mem", job->used_mem);
    put_aux_int(o, "aof-base", job->aof_base);
    const rl_db *dbs = AT(base, h->dbs, rl_db);
    for (uint32_t i = 0; i < h->db_count; i++) {
        int err = put_db(o, base, i, &dbs[i], why);
        if (err) return err;
    }
    rl_rdb_put_byte(o, RDB_OPCODE_EOF);
    /* The trailer goes into the current buffer after its CRC is taken, so it is never summed. */
    uint64_t crc = crc_so_far(o); /* little endian, as Redis memrev64ifbe()s it */
    rl_out_write(o, &crc, 8);
    return o->err;
}
