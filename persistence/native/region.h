/*
 * region.h - the layout of RedisLite's data region, defined once.
 *
 * The whole keyspace lives in one anonymous private mapping. Every reference
 * inside it is a 64-bit offset from the mapping's base (0 means "none"), so the
 * layout is position independent: the server (C#), the forked snapshot child
 * (C) and any offline tool can walk the same bytes.
 *
 * The C# mirror is persistence/RegionLayout.cs. tests/ asks this library for
 * every sizeof/offsetof listed in layout.c and fails if the mirror disagrees,
 * so change both together.
 *
 * Map of the region:
 *   page 0 ..            rl_region_header
 *   then                 page map: one uint32 per page of the reservation
 *   then                 slabs and page runs handed out by the allocator (the first
 *                        block is rl_db[db_count])
 *
 * Free page runs are coalesced with free neighbours; a run freed at the top lowers the top.
 * The server returns the pages of free runs to the kernel, so a walker must read only blocks
 * that something references (the RDB writer does), never free space.
 */
#ifndef RL_REGION_H
#define RL_REGION_H

#include <stdint.h>

#define RL_REGION_MAGIC   0x3130474552534c52ULL /* "RLSREG01" little endian */
#define RL_REGION_VERSION 2
#define RL_PAGE_SIZE      4096

/* Allocator size classes: chunk sizes from 16 bytes to RL_MAX_CLASS_SIZE.
 * Anything larger gets a run of whole pages. Spacing follows jemalloc's
 * (four classes per doubling) so rounding wastes at most ~20%. */
#define RL_NUM_CLASSES     28
#define RL_MAX_CLASS_SIZE  4096
/* Small classes are carved from slabs of this many bytes. */
#define RL_SLAB_SIZE       (64 * 1024)
/* Free page runs are kept in lists by page count; the last list holds
 * every run of RL_RUN_LISTS pages or more (first fit, split on use). */
#define RL_RUN_LISTS       64

/* Page map entries: the top 4 bits say what a page is, the rest is a payload. */
#define RL_PAGE_UNUSED     0x00000000u /* at or above the bump pointer: not handed out */
#define RL_PAGE_META       0x10000000u /* header, page map */
#define RL_PAGE_SLAB       0x20000000u /* payload: see RL_SLAB_* below */
#define RL_PAGE_RUN        0x30000000u /* first page of an allocated run; payload: page count */
#define RL_PAGE_RUN_TAIL   0x40000000u /* other pages of a run (allocated or free) */
#define RL_PAGE_FREE_RUN   0x50000000u /* first page of a free run; payload: page count */
#define RL_PAGE_FREE_END   0x60000000u /* last page of a free run of 2+ pages; payload: page count */
#define RL_PAGE_KIND_MASK  0xF0000000u
#define RL_PAGE_DATA_MASK  0x0FFFFFFFu /* also the most pages a run (free or not) may have */

/* A slab page's payload: the size class, the page's index in its slab, and one 19-bit field of
 * the slab's state; which field depends on the page index (RL_SLAB_F_*). So the slab's whole
 * state lives in the page map: a chunk's page finds its slab's first page by its index. */
#define RL_SLAB_CLASS_MASK  0x1Fu
#define RL_SLAB_INDEX_SHIFT 5
#define RL_SLAB_INDEX_MASK  0xFu
#define RL_SLAB_FIELD_SHIFT 9
#define RL_SLAB_FIELD_MASK  0x7FFFFu
#define RL_SLAB_F_USED      0 /* chunks in use */
#define RL_SLAB_F_FREE      1 /* first free chunk's index + 1 (0: none); a free chunk's first
                                 uint32 holds the next one's index + 1 */
#define RL_SLAB_F_CARVED    2 /* chunks ever handed out; the rest of the slab is untouched */
#define RL_SLAB_F_NEXT_LO   3 /* next slab (first page number, 38 bits over two fields) in */
#define RL_SLAB_F_NEXT_HI   4 /*   the class's list of slabs with a free chunk (0: none) */
#define RL_SLAB_F_PREV_LO   5 /* previous slab in that list */
#define RL_SLAB_F_PREV_HI   6

/* Value types: the RDB object type numbers of Redis (rdb.h RDB_TYPE_*). */
#define RL_TYPE_STRING 0
#define RL_TYPE_LIST   1
#define RL_TYPE_SET    2
#define RL_TYPE_ZSET   3
#define RL_TYPE_HASH   4

/* Encodings: Redis's OBJ_ENCODING_* numbers, reported by OBJECT ENCODING. */
#define RL_ENC_RAW        0  /* string: rl_str block at rl_key.value */
#define RL_ENC_INT        1  /* string: rl_key.value holds the int64 itself */
#define RL_ENC_HT         2
#define RL_ENC_INTSET     6
#define RL_ENC_SKIPLIST   7
#define RL_ENC_EMBSTR     8  /* string: stored like RAW; reported as Redis would */
#define RL_ENC_QUICKLIST  9
#define RL_ENC_LISTPACK  11

/* rl_key.flags bits. */
#define RL_FLAG_UNSHARED_INT 0x0001 /* an int value that is a private copy (COPY), not one of
                                       Redis's shared integers 0..9999: OBJECT REFCOUNT says 1 */

/* One table of a hash index: a power-of-two array of bucket heads. */
typedef struct rl_dict_table {
    uint64_t buckets;  /* offset of uint64_t[size], each the head of a chain */
    uint64_t size;     /* number of buckets, 0 or a power of two */
    uint64_t used;     /* entries linked into this table */
} rl_dict_table;

/* A hash index with Redis-style incremental rehashing from t[0] into t[1].
 * Entries are chained intrusively. The entry layout is described by four
 * offsets, so the same index code serves rl_key records (the keyspace, whose
 * records sit in two dicts through two chain fields) and rl_hent elements
 * (hash fields, set members, sorted-set members). */
typedef struct rl_dict {
    rl_dict_table t[2];
    int64_t  rehash_idx;   /* next t[0] bucket to move, -1 when not rehashing */
    uint16_t link_offset;  /* offsetof(entry, chain pointer) */
    uint16_t hash_offset;  /* offsetof(entry, uint64_t hash of the key bytes) */
    uint16_t len_offset;   /* offsetof(entry, uint32_t key length) */
    uint16_t key_offset;   /* offset of the key bytes from the entry start */
} rl_dict;

/* One logical database: the key index and the index of keys with a TTL. */
typedef struct rl_db {
    rl_dict  keys;            /* every rl_key, chained through rl_key.next */
    rl_dict  expires;         /* rl_keys with expire_ms >= 0, chained through rl_key.enext */
    uint64_t expires_cursor;  /* active expiry resumes its scan here */
    uint64_t avg_ttl_ms;      /* running estimate reported by INFO keyspace */
} rl_db;

/* A key and its value header. The key bytes follow the struct. */
typedef struct rl_key {
    uint64_t next;       /* next rl_key in the same keys bucket */
    uint64_t enext;      /* next rl_key in the same expires bucket */
    int64_t  expire_ms;  /* absolute unix time in ms, -1 when the key has no TTL */
    uint64_t value;      /* offset of the value block, or the integer (RL_ENC_INT) */
    uint64_t hash;       /* hash of the key bytes, kept so rehash never rereads keys */
    uint32_t key_len;
    uint32_t lru;        /* LRU clock in seconds (mod 2^24) or LFU counter */
    uint8_t  type;       /* RL_TYPE_* */
    uint8_t  encoding;   /* RL_ENC_* */
    uint16_t flags;
    uint32_t pad;
} rl_key;

/* An element of a collection's hash table (RL_ENC_HT hashes and sets, and the
 * member index of a skiplist sorted set). The key bytes follow the struct,
 * then val_len value bytes (hash field value; a sorted set keeps its score and
 * node offset there; a set member has none). */
typedef struct rl_hent {
    uint64_t next;     /* next rl_hent in the same bucket */
    uint64_t hash;
    uint32_t key_len;
    uint32_t val_len;
} rl_hent;

/* A string value block (RL_ENC_RAW/EMBSTR). The bytes follow the struct. */
typedef struct rl_str {
    uint64_t len;
} rl_str;

/* The first page of a free page run. The run's other pages hold nothing and may have been
 * returned to the kernel (MADV_DONTNEED): they read as zeros until reused. */
typedef struct rl_free_run {
    uint64_t next;      /* neighbours in its list of run_free (doubly linked) */
    uint64_t prev;
    uint64_t pages;     /* length of the run */
    uint64_t released;  /* pages 1..released of the run are known returned to the kernel */
} rl_free_run;

/* The first bytes of the region: everything needed to walk it. */
typedef struct rl_region_header {
    uint64_t magic;
    uint32_t version;
    uint32_t page_size;
    uint64_t reserved_bytes;                /* virtual size of the mapping */
    uint64_t top;                           /* bump pointer: first never-used byte */
    uint64_t used_bytes;                    /* bytes handed out (rounded to class / pages) */
    uint64_t page_map;                      /* offset of uint32_t[reserved_bytes / page_size] */
    uint64_t hash_seed;
    uint64_t dbs;                           /* offset of rl_db[db_count] */
    uint32_t db_count;
    uint32_t pad;
    uint64_t class_size[RL_NUM_CLASSES];    /* chunk size of each class */
    uint64_t class_slabs[RL_NUM_CLASSES];   /* per class: first slab with a free chunk (doubly
                                               linked through RL_SLAB_F_NEXT/PREV), 0 if none */
    uint64_t run_free[RL_RUN_LISTS];        /* free page runs by page count (1-based; last: >=) */
    uint64_t free_run_pages;                /* pages in all free runs */
} rl_region_header;

/* ---- sorted sets
 * A small zset is a listpack (RL_ENC_LISTPACK, rl_key.value = the listpack block) of
 * member,score pairs ordered by score then member bytes, exactly as Redis 7.0 stores it.
 * A large zset (RL_ENC_SKIPLIST) is an rl_zset block: a skiplist ordered the same way, whose
 * forward links carry spans so a rank is found in O(log N), plus a member index (rl_dict of
 * rl_hent, Elements layout) whose value bytes are an rl_zset_hval, for O(1) ZSCORE. */
#define RL_ZSL_MAXLEVEL 32

typedef struct rl_zset {
    rl_dict  dict;      /* member -> rl_hent carrying an rl_zset_hval */
    uint64_t header;    /* rl_zsl_node with RL_ZSL_MAXLEVEL levels and no member */
    uint64_t tail;      /* last node, 0 when empty */
    uint64_t length;    /* number of members */
    uint32_t level;     /* highest level in use (1..RL_ZSL_MAXLEVEL) */
    uint32_t pad;
} rl_zset;

/* One level of a skiplist node: the next node at this level and how many nodes that skips. */
typedef struct rl_zsl_level {
    uint64_t forward;
    uint64_t span;
} rl_zsl_level;

/* A skiplist node; levels[level_count] follow the struct, then member_len member bytes. */
typedef struct rl_zsl_node {
    double   score;
    uint64_t backward;     /* previous node, 0 for the first */
    uint32_t member_len;
    uint32_t level_count;
} rl_zsl_node;

/* Value bytes of a zset member's rl_hent. */
typedef struct rl_zset_hval {
    double   score;
    uint64_t node;         /* offset of the member's rl_zsl_node */
} rl_zset_hval;

/* ---- lists
 * A list value (RL_TYPE_LIST, always RL_ENC_QUICKLIST as in Redis 7.0) is a doubly linked list
 * of nodes, each holding a Redis listpack block (byte-exact, so the RDB writer dumps it as a
 * quicklist-2 PACKED node as is). rl_key.value is the rl_quicklist block. A list is never
 * empty and no node is empty. Node size follows list-max-listpack-size. */
typedef struct rl_quicklist {
    uint64_t head;   /* first rl_qlnode */
    uint64_t tail;   /* last rl_qlnode */
    uint64_t count;  /* elements in the whole list */
    uint64_t len;    /* number of nodes */
} rl_quicklist;

typedef struct rl_qlnode {
    uint64_t prev;
    uint64_t next;
    uint64_t lp;     /* the node's listpack block */
    uint32_t count;  /* elements in lp (the listpack's own header saturates at 65535) */
    uint32_t pad;
} rl_qlnode;

/* ---- hashes
 * A hash value (rl_key.type RL_TYPE_HASH) is one of:
 *   RL_ENC_LISTPACK  rl_key.value is a Redis 7.0 listpack block: field, value, field, value...
 *                    (Redis's byte format exactly, so RDB_TYPE_HASH_LISTPACK dumps it as is)
 *   RL_ENC_HT        rl_key.value is an rl_dict block indexing rl_hent elements
 *                    (link/hash/len/key offsets of rl_hent): field bytes, then val_len value bytes
 * No new struct: both reuse the types above. */

/* ---- sets
 * A set value (rl_key.type RL_TYPE_SET) is one of:
 *   RL_ENC_INTSET    rl_key.value is an rl_intset block (Redis's intset.c format exactly, so
 *                    RDB_TYPE_SET_INTSET dumps it as is)
 *   RL_ENC_HT        rl_key.value is an rl_dict block of rl_hent members with val_len 0 */

/* Redis's intset header; length elements of encoding bytes each (2, 4 or 8, little endian,
 * sorted ascending) follow it. */
typedef struct rl_intset {
    uint32_t encoding;
    uint32_t length;
} rl_intset;

#endif
