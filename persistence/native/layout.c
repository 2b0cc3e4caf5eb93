/*
 * layout.c - tells the C# side the real sizes and offsets of region.h, so a
 * test can prove persistence/RegionLayout.cs mirrors the header exactly.
 */
#include <stddef.h>
#include <string.h>
#include "region.h"
#include "snapshot.h"
#include "cow.h"

typedef struct { const char *name; long value; } rl_layout_entry;

#define SIZE(t)     { "sizeof(" #t ")", (long)sizeof(t) }
#define OFF(t, f)   { "offsetof(" #t "," #f ")", (long)offsetof(t, f) }
#define CONST(c)    { #c, (long)(c) }

static const rl_layout_entry entries[] = {
    SIZE(rl_dict_table), OFF(rl_dict_table, buckets), OFF(rl_dict_table, size), OFF(rl_dict_table, used),
    SIZE(rl_dict), OFF(rl_dict, t), { "offsetof(rl_dict,t1)", (long)offsetof(rl_dict, t[1]) },
    OFF(rl_dict, rehash_idx), OFF(rl_dict, link_offset), OFF(rl_dict, hash_offset), OFF(rl_dict, len_offset),
    OFF(rl_dict, key_offset),
    SIZE(rl_hent), OFF(rl_hent, next), OFF(rl_hent, hash), OFF(rl_hent, key_len), OFF(rl_hent, val_len),
    SIZE(rl_db), OFF(rl_db, keys), OFF(rl_db, expires), OFF(rl_db, expires_cursor), OFF(rl_db, avg_ttl_ms),
    SIZE(rl_key), OFF(rl_key, next), OFF(rl_key, enext), OFF(rl_key, expire_ms), OFF(rl_key, value),
    OFF(rl_key, hash), OFF(rl_key, key_len), OFF(rl_key, lru), OFF(rl_key, type), OFF(rl_key, encoding),
    OFF(rl_key, flags),
    SIZE(rl_str), OFF(rl_str, len),
    SIZE(rl_free_run), OFF(rl_free_run, next), OFF(rl_free_run, prev), OFF(rl_free_run, pages),
    OFF(rl_free_run, released),
    SIZE(rl_region_header), OFF(rl_region_header, magic), OFF(rl_region_header, version),
    OFF(rl_region_header, page_size), OFF(rl_region_header, reserved_bytes), OFF(rl_region_header, top),
    OFF(rl_region_header, used_bytes), OFF(rl_region_header, page_map), OFF(rl_region_header, hash_seed),
    OFF(rl_region_header, dbs), OFF(rl_region_header, db_count), OFF(rl_region_header, class_size),
    OFF(rl_region_header, class_slabs), OFF(rl_region_header, run_free), OFF(rl_region_header, free_run_pages),
    SIZE(rl_save_job), OFF(rl_save_job, region), OFF(rl_save_job, dir), OFF(rl_save_job, filename),
    OFF(rl_save_job, ctime), OFF(rl_save_job, used_mem), OFF(rl_save_job, key_save_delay_us),
    OFF(rl_save_job, compression), OFF(rl_save_job, checksum), OFF(rl_save_job, direct_io),
    OFF(rl_save_job, aof_base), OFF(rl_save_job, report_fd), OFF(rl_save_job, pagemap_path),
    OFF(rl_save_job, cow_pages), OFF(rl_save_job, cow_counting), OFF(rl_save_job, child_dismiss),
    SIZE(rl_child_report), OFF(rl_child_report, magic), OFF(rl_child_report, kind), OFF(rl_child_report, status),
    OFF(rl_child_report, keys), OFF(rl_child_report, bytes), OFF(rl_child_report, cow_bytes),
    OFF(rl_child_report, elapsed_us), OFF(rl_child_report, region_cow_bytes),
    OFF(rl_child_report, dismissed_bytes), OFF(rl_child_report, smaps_cost_us), OFF(rl_child_report, pad2),
    OFF(rl_child_report, message),
    SIZE(rl_cow_sample), OFF(rl_cow_sample, t_us), OFF(rl_cow_sample, pages_copied), OFF(rl_cow_sample, minflt),
    OFF(rl_cow_sample, cost_us), OFF(rl_cow_sample, cpu_us),
    SIZE(rl_cow_stats), OFF(rl_cow_stats, state), OFF(rl_cow_stats, method), OFF(rl_cow_stats, error),
    OFF(rl_cow_stats, final_exact), OFF(rl_cow_stats, region_pages), OFF(rl_cow_stats, present_pages),
    OFF(rl_cow_stats, pages_copied), OFF(rl_cow_stats, minflt), OFF(rl_cow_stats, samples),
    OFF(rl_cow_stats, sample_cost_total_us), OFF(rl_cow_stats, sample_cost_max_us),
    OFF(rl_cow_stats, sample_cpu_total_us), OFF(rl_cow_stats, baseline_us),
    OFF(rl_cow_stats, baseline_cost_us), OFF(rl_cow_stats, elapsed_us),
    CONST(RL_COW_OFF), CONST(RL_COW_WAITING), CONST(RL_COW_COUNTING), CONST(RL_COW_DONE), CONST(RL_COW_UNAVAILABLE),
    CONST(RL_COW_METHOD_NONE), CONST(RL_COW_METHOD_PFN), CONST(RL_COW_METHOD_EXCLUSIVE),
    CONST(RL_REPORT_MAGIC), CONST(RL_REPORT_PROGRESS), CONST(RL_REPORT_DONE),
    CONST(RL_REGION_MAGIC), CONST(RL_REGION_VERSION), CONST(RL_PAGE_SIZE), CONST(RL_NUM_CLASSES),
    CONST(RL_MAX_CLASS_SIZE), CONST(RL_SLAB_SIZE), CONST(RL_RUN_LISTS),
    CONST(RL_PAGE_UNUSED), CONST(RL_PAGE_META), CONST(RL_PAGE_SLAB), CONST(RL_PAGE_RUN),
    CONST(RL_PAGE_RUN_TAIL), CONST(RL_PAGE_FREE_RUN), CONST(RL_PAGE_FREE_END), CONST(RL_PAGE_KIND_MASK),
    CONST(RL_PAGE_DATA_MASK),
    CONST(RL_SLAB_CLASS_MASK), CONST(RL_SLAB_INDEX_SHIFT), CONST(RL_SLAB_INDEX_MASK), CONST(RL_SLAB_FIELD_SHIFT),
    CONST(RL_SLAB_FIELD_MASK), CONST(RL_SLAB_F_USED), CONST(RL_SLAB_F_FREE), CONST(RL_SLAB_F_CARVED),
    CONST(RL_SLAB_F_NEXT_LO), CONST(RL_SLAB_F_NEXT_HI), CONST(RL_SLAB_F_PREV_LO), CONST(RL_SLAB_F_PREV_HI),
    CONST(RL_TYPE_STRING), CONST(RL_TYPE_LIST), CONST(RL_TYPE_SET), CONST(RL_TYPE_ZSET), CONST(RL_TYPE_HASH),
    CONST(RL_ENC_RAW), CONST(RL_ENC_INT), CONST(RL_ENC_HT), CONST(RL_ENC_INTSET), CONST(RL_ENC_SKIPLIST),
    CONST(RL_ENC_EMBSTR), CONST(RL_ENC_QUICKLIST), CONST(RL_ENC_LISTPACK),
    CONST(RL_FLAG_UNSHARED_INT),
    /* sorted sets */
    SIZE(rl_zset), OFF(rl_zset, dict), OFF(rl_zset, header), OFF(rl_zset, tail), OFF(rl_zset, length),
    OFF(rl_zset, level),
    SIZE(rl_zsl_level), OFF(rl_zsl_level, forward), OFF(rl_zsl_level, span),
    SIZE(rl_zsl_node), OFF(rl_zsl_node, score), OFF(rl_zsl_node, backward), OFF(rl_zsl_node, member_len),
    OFF(rl_zsl_node, level_count),
    SIZE(rl_zset_hval), OFF(rl_zset_hval, score), OFF(rl_zset_hval, node),
    CONST(RL_ZSL_MAXLEVEL),
    /* lists */
    SIZE(rl_quicklist), OFF(rl_quicklist, head), OFF(rl_quicklist, tail), OFF(rl_quicklist, count), OFF(rl_quicklist, len),
    SIZE(rl_qlnode), OFF(rl_qlnode, prev), OFF(rl_qlnode, next), OFF(rl_qlnode, lp), OFF(rl_qlnode, count),
    /* sets */
    SIZE(rl_intset), OFF(rl_intset, encoding), OFF(rl_intset, length),
};

/* Number of layout facts this library knows. */
int rl_layout_count(void) { return (int)(sizeof(entries) / sizeof(entries[0])); }

/* Name of fact i, or NULL when out of range. */
const char *rl_layout_name(int i) {
    return (i >= 0 && i < rl_layout_count()) ? entries[i].name : NULL;
}

/* Value of the fact called name; returns 0 and sets *value, or -1 if unknown. */
int rl_layout_query(const char *name, long *value) {
    for (int i = 0; i < rl_layout_count(); i++) {
        if (strcmp(entries[i].name, name) == 0) { *value = entries[i].value; return 0; }
    }
    return -1;
}
