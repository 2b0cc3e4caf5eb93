using System.Text;

namespace RedisLite.Server;

/// <summary>
/// INFO persistence: Redis 7.0's fields in Redis's order and formats (genRedisInfoString), read
/// from <see cref="PersistenceStatus"/>, the dirty counter and the last save time. The AOF block
/// appears only with AOF on and the loading block only while loading, as in Redis.
/// </summary>
public static class PersistenceInfo
{
    public static void Write(InfoText info, RedisServer server)
    {
        var p = server.Persistence;
        long nowSec = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        double forkPerc = p.CurrentSaveKeysTotal > 0 ? (double)p.CurrentSaveKeysProcessed / p.CurrentSaveKeysTotal * 100 : 0;
        long childAgeSec = p.Child == ChildKind.None ? -1 : nowSec - p.ChildStartMs / 1000;

        info.Section("Persistence");
        info.Field("loading", server.Loading && !p.AsyncLoading);
        info.Field("async_loading", p.AsyncLoading);
        info.Field("current_cow_peak", p.CurrentCowPeak);
        info.Field("current_cow_size", p.CurrentCowSize);
        info.Field("current_cow_size_age", p.CurrentCowSizeUpdatedMs != 0 ? (Environment.TickCount64 - p.CurrentCowSizeUpdatedMs) / 1000 : 0);
        info.Field("current_fork_perc", forkPerc);
        info.Field("current_save_keys_processed", p.CurrentSaveKeysProcessed);
        info.Field("current_save_keys_total", p.CurrentSaveKeysTotal);
        info.Field("rdb_changes_since_last_save", server.Dirty);
        info.Field("rdb_bgsave_in_progress", p.Child == ChildKind.Rdb);
        info.Field("rdb_last_save_time", server.LastSaveUnix);
        info.Field("rdb_last_bgsave_status", p.LastBgsaveOk ? "ok" : "err");
        info.Field("rdb_last_bgsave_time_sec", p.RdbLastBgsaveTimeSec);
        info.Field("rdb_current_bgsave_time_sec", p.Child == ChildKind.Rdb ? childAgeSec : -1);
        info.Field("rdb_saves", p.RdbSaves);
        info.Field("rdb_last_cow_size", p.RdbLastCowSize);
        info.Field("rdb_last_load_keys_expired", p.RdbLastLoadKeysExpired);
        info.Field("rdb_last_load_keys_loaded", p.RdbLastLoadKeysLoaded);
        info.Field("aof_enabled", p.AofEnabled);
        info.Field("aof_rewrite_in_progress", p.Child == ChildKind.Aof);
        info.Field("aof_rewrite_scheduled", p.AofRewriteScheduled);
        info.Field("aof_last_rewrite_time_sec", p.AofLastRewriteTimeSec);
        info.Field("aof_current_rewrite_time_sec", p.Child == ChildKind.Aof ? childAgeSec : -1);
        info.Field("aof_last_bgrewrite_status", p.LastBgrewriteOk ? "ok" : "err");
        info.Field("aof_rewrites", p.AofRewrites);
        info.Field("aof_rewrites_consecutive_failures", p.AofRewritesConsecutiveFailures);
        info.Field("aof_last_write_status", p.AofLastWriteOk ? "ok" : "err");
        info.Field("aof_last_cow_size", p.AofLastCowSize);
        info.Field("module_fork_in_progress", p.Child == ChildKind.Module);
        info.Field("module_fork_last_cow_size", p.ModuleForkLastCowSize);

        if (p.AofEnabled)
        {
            info.Field("aof_current_size", p.AofCurrentSize);
            info.Field("aof_base_size", p.AofBaseSize);
            info.Field("aof_pending_rewrite", p.AofRewriteScheduled);
            info.Field("aof_buffer_length", p.AofBufferLength);
            info.Field("aof_pending_bio_fsync", p.AofPendingBioFsync);
            info.Field("aof_delayed_fsync", p.AofDelayedFsync);
        }

        if (server.Loading) WriteLoading(info, p, nowSec);
        WriteCow(info, p);
    }

    /// <summary>
    /// RedisLite's own copy-on-write fields, after all of Redis's (so those keep their positions):
    /// the parent's exact count of region pages copied (native/cow.h). Counts are -1 and
    /// cow_counting says "unavailable" (cow_last_error says why) when pagemap could not be read.
    /// </summary>
    private static void WriteCow(InfoText info, PersistenceStatus p)
    {
        var cur = p.CowCurrent;
        var last = p.CowLast;
        info.Field("cow_current_pages_copied", cur?.PagesCopied ?? -1);
        info.Field("cow_counting", (cur ?? last)?.Method ?? "off");
        info.Field("cow_last_pages_copied", last?.PagesCopied ?? -1);
        info.Field("cow_last_exact", last?.Exact ?? false);
        info.Field("cow_last_faults", last is { Available: true } ? last.Parent.Minflt : -1);
        info.Field("cow_last_region_pages", last is { Available: true } ? last.Parent.PresentPages : -1);
        info.Field("cow_last_copied_perc", last?.CopiedPerc ?? 0);
        info.Field("cow_last_child_region_dirty", last?.ChildRegionPeak ?? 0);
        info.Field("cow_last_dismissed_bytes", last?.DismissedBytes ?? 0);
        info.Field("cow_last_held_bytes", last?.HeldBytes ?? 0);
        info.Field("cow_last_fresh_bytes", last?.FreshBytes ?? 0);
        info.Field("cow_last_samples", last?.Parent.Samples ?? 0);
        info.Field("cow_last_sample_avg_usec", last?.AvgSampleUs ?? 0);
        info.Field("cow_last_sample_max_usec", last?.Parent.SampleCostMaxUs ?? 0);
        info.Field("cow_last_sample_cpu_avg_usec", last?.AvgSampleCpuUs ?? 0);
        info.Field("cow_last_baseline_usec", last?.Parent.BaselineCostUs ?? 0);
        if (last?.Error is { } err) info.Field("cow_last_error", err);
    }

    /// <summary>
    /// INFO cow (asked for by name only): the last snapshot's switches, totals and both timelines,
    /// one line per sample in INFO keyspace's key=value style. parent_N: the parent's pagemap
    /// samples (ms since fork, pages copied, minor faults, sample cost); child_N: the child's
    /// reports (ms since fork, Private_Dirty total and of the region, bytes dismissed).
    /// </summary>
    public static void WriteCowSection(InfoText info, RedisServer server)
    {
        var p = server.Persistence;
        var r = p.CowCurrent ?? p.CowLast;
        info.Section("Cow");
        info.Field("cow_snapshot_in_progress", p.CowCurrent != null);
        if (r == null) return;
        info.Field("cow_counting", r.Method);
        if (r.Error != null) info.Field("cow_error", r.Error);
        info.Field("rdb_child_dismiss", r.Dismiss ? "yes" : "no");
        info.Field("region_hugepages", r.Hugepages ? "yes" : "no");
        info.Field("cow_fresh_pages", r.FreshPages ? "yes" : "no");
        info.Field("fork_usec", r.ForkUsec);
        info.Field("snapshot_msec", r.SnapshotMs);
        info.Field("pages_copied", r.PagesCopied);
        info.Field("pages_copied_exact", r.Exact);
        info.Field("region_pages_at_fork", r.Parent.RegionPages);
        info.Field("present_pages_at_fork", r.Parent.PresentPages);
        info.Field("copied_perc", r.CopiedPerc);
        info.Field("minor_faults", r.Parent.Minflt);
        info.Field("final_sample_at_child_exit", r.Parent.FinalExact != 0);
        info.Field("baseline_ready_usec", r.Parent.BaselineUs);
        info.Field("baseline_cost_usec", r.Parent.BaselineCostUs);
        info.Field("samples", r.Parent.Samples);
        info.Field("sample_avg_usec", r.AvgSampleUs);
        info.Field("sample_max_usec", r.Parent.SampleCostMaxUs);
        info.Field("sample_cpu_avg_usec", r.AvgSampleCpuUs);
        info.Field("child_peak_private_dirty", r.ChildPeak);
        info.Field("child_peak_region_private_dirty", r.ChildRegionPeak);
        info.Field("child_dismissed_bytes", r.DismissedBytes);
        info.Field("held_bytes", r.HeldBytes);
        info.Field("fresh_bytes", r.FreshBytes);
        var timeline = p.CowCurrent != null ? Persistence.SnapshotInterop.CowTimeline() : r.ParentTimeline;
        for (int i = 0; i < timeline.Length; i++)
        {
            var t = timeline[i];
            info.Field($"parent_{i}", $"t_ms={t.TUs / 1000},pages_copied={t.PagesCopied},faults={t.Minflt},cost_us={t.CostUs},cpu_us={t.CpuUs}");
        }
        for (int i = 0; i < r.ChildTimeline.Count; i++)
        {
            var c = r.ChildTimeline[i];
            info.Field($"child_{i}", $"t_ms={c.TimeMs},private_dirty={c.PrivateDirty},region_private_dirty={c.RegionPrivateDirty},dismissed={c.DismissedBytes},smaps_us={c.SmapsCostUs}");
        }
    }

    private static void WriteLoading(InfoText info, PersistenceStatus p, long nowSec)
    {
        double perc = 0;
        long remaining = 1;
        if (p.LoadingTotalBytes > 0)
        {
            perc = (double)p.LoadingLoadedBytes / p.LoadingTotalBytes * 100;
            remaining = p.LoadingTotalBytes - p.LoadingLoadedBytes;
        }
        else if (p.LoadingRdbUsedMem > 0)
        {
            // used_mem only estimates the file size: never claim 100% early.
            perc = Math.Min((double)p.LoadingLoadedBytes / p.LoadingRdbUsedMem * 100, 99.99);
            remaining = Math.Max(p.LoadingRdbUsedMem - p.LoadingLoadedBytes, 1);
        }
        long elapsed = nowSec - p.LoadingStartTimeUnix;
        long eta = elapsed == 0 ? 1 : elapsed * remaining / (p.LoadingLoadedBytes + 1);
        info.Field("loading_start_time", p.LoadingStartTimeUnix);
        info.Field("loading_total_bytes", p.LoadingTotalBytes);
        info.Field("loading_rdb_used_mem", p.LoadingRdbUsedMem);
        info.Field("loading_loaded_bytes", p.LoadingLoadedBytes);
        info.Field("loading_loaded_perc", perc);
        info.Field("loading_eta_seconds", eta);
    }
}
