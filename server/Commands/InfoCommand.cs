using System.Globalization;
using RedisLite.Server;

namespace RedisLite.Commands;

/// <summary>
/// INFO [section ...] as Redis 7.0 writes it (genRedisInfoString): the sections in Redis's fixed
/// order, Redis's field names and formats, "default" when no section is named, "all" and
/// "everything" for every section, and an empty reply for unknown names. The reply is a bulk
/// string (verbatim text under RESP3). Fields Redis has and RedisLite has no machinery for yet
/// (replicas, pub/sub, tracking, scripts) show Redis's values for a server not using them;
/// RedisLite adds its own region_* and managed_heap_bytes fields to the memory section.
/// Latency percentiles (latencystats) are not kept, so that section is never written.
/// </summary>
public static class InfoCommand
{
    private static readonly string[] DefaultSections =
        ["server", "clients", "memory", "persistence", "stats", "replication", "cpu", "modules", "errorstats", "cluster", "keyspace"];

    public static void Info(CommandContext ctx)
    {
        var wanted = new HashSet<string>(StringComparer.Ordinal);
        bool all = false;
        if (ctx.Args.Count == 1) wanted.UnionWith(DefaultSections);
        for (int i = 1; i < ctx.Args.Count; i++)
        {
            string s = ctx.Args.Str(i).ToLowerInvariant();
            if (s == "default") wanted.UnionWith(DefaultSections);
            else if (s is "all" or "everything") all = true;
            else if (s == "module_list") wanted.Add("modules");
            else wanted.Add(s);
        }
        var text = Generate(ctx.Server, ctx.Client, s => all || wanted.Contains(s));
        // RedisLite's own "cow" section (COW timelines) only when asked for by name.
        if (wanted.Contains("cow"))
        {
            var cow = new InfoText();
            PersistenceInfo.WriteCowSection(cow, ctx.Server);
            text = text.Length == 0 ? cow.ToString() : text + "\r\n" + cow;
        }
        ctx.Reply.Verbatim(text);
    }

    /// <summary>The INFO text for the sections <paramref name="want"/> accepts (by lower-case name).</summary>
    public static string Generate(RedisServer server, Client? caller, Func<string, bool> want)
    {
        var info = new InfoText();
        if (want("server")) Server(info, server);
        if (want("clients")) Clients(info, server);
        if (want("memory")) Memory(info, server);
        if (want("persistence")) PersistenceInfo.Write(info, server);
        if (want("stats")) Stats(info, server);
        if (want("replication")) Replication(info, server);
        if (want("cpu")) Cpu(info);
        if (want("modules")) info.Section("Modules");
        if (want("commandstats")) CommandStats(info, server);
        if (want("errorstats")) ErrorStats(info, server);
        if (want("cluster"))
        {
            info.Section("Cluster");
            info.Field("cluster_enabled", 0L);
        }
        if (want("keyspace")) Keyspace(info, server);
        return info.ToString();
    }

    private static void Server(InfoText info, RedisServer server)
    {
        long uptime = (long)server.Uptime.Elapsed.TotalSeconds;
        info.Section("Server");
        info.Field("redis_version", ServerInfo.RedisVersion);
        info.Field("redis_git_sha1", "00000000");
        info.Field("redis_git_dirty", 0L);
        info.Field("redis_build_id", "0");
        info.Field("redis_mode", "standalone");
        info.Field("os", ProcessStats.OsDescription());
        info.Field("arch_bits", (long)(IntPtr.Size * 8));
        info.Field("monotonic_clock", "POSIX clock_gettime");
        info.Field("multiplexing_api", "epoll");
        info.Field("atomicvar_api", "c11-builtin");
        info.Field("gcc_version", "0.0.0");
        info.Field("process_id", (long)Environment.ProcessId);
        info.Field("process_supervised", "no");
        info.Field("run_id", server.RunId);
        info.Field("tcp_port", (long)server.ActualPort);
        info.Field("server_time_usec", (DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) / 10);
        info.Field("uptime_in_seconds", uptime);
        info.Field("uptime_in_days", uptime / 86400);
        info.Field("hz", server.Config.Hz.Value);
        info.Field("configured_hz", server.Config.Hz.Value);
        info.Field("lru_clock", (long)Store.LruClock.Now);
        info.Field("executable", Executable);
        info.Field("config_file", server.ConfigFile ?? "");
        info.Field("io_threads_active", 0L);
        info.Field("redislite_version", ServerInfo.RedisLiteVersion);
    }

    // The server's own file: the dll when started as "dotnet redislite-server.dll", else the apphost.
    private static readonly string Executable = Path.GetFullPath(Environment.GetCommandLineArgs()[0]);

    private static void Clients(InfoText info, RedisServer server)
    {
        // The biggest input and output buffers held now (Redis keeps the peak of the last seconds).
        long maxInput = 0, maxOutput = 0;
        foreach (var c in server.Clients.All)
        {
            maxInput = Math.Max(maxInput, c.Query.Capacity + c.TransportInputBytes);
            maxOutput = Math.Max(maxOutput, c.PendingOutput);
        }
        info.Section("Clients");
        info.Field("connected_clients", (long)server.Clients.Count);
        info.Field("cluster_connections", 0L);
        info.Field("maxclients", server.Config.MaxClients.Value);
        info.Field("client_recent_max_input_buffer", maxInput);
        info.Field("client_recent_max_output_buffer", maxOutput);
        info.Field("blocked_clients", (long)server.Blocking.BlockedCount);
        info.Field("tracking_clients", 0L);
        info.Field("clients_in_timeout_table", (long)server.Blocking.InTimeoutTable);
    }

    private static unsafe void Memory(InfoText info, RedisServer server)
    {
        var ks = server.Keyspace;
        ulong used = server.UsedMemory;
        ulong peak = Math.Max(server.Stats.PeakMemory, used);
        ulong startup = server.UsedMemoryStartup;
        long rss = ProcessStats.Rss();
        // Only [base, top) can have been touched: the rest of the reservation is never written.
        long regionRss = ProcessStats.ResidentBytes(ks.Region.Base, ks.Alloc.Top);
        long totalRam = ProcessStats.TotalSystemMemory();
        // Overhead as Redis counts it: the startup footprint plus the key indexes' bucket arrays.
        ulong indexBytes = 0;
        for (int db = 0; db < ks.DbCount; db++)
            indexBytes += (ks.Keys(db).BucketCount + ks.Expires(db).BucketCount) * sizeof(ulong);
        // Clients' buffers are overhead too (mem_clients_normal), as in Redis.
        ulong clients = (ulong)Math.Max(0, server.Clients.MemoryBytes);
        ulong overhead = Math.Min(used, startup + indexBytes + clients);
        ulong dataset = used - overhead;
        ulong net = used > startup ? used - startup : 1;
        // The allocator's view: allocated = in use, active = carved from the data area, resident = the region's touched pages.
        ulong active = ks.Alloc.Top - ks.Alloc.DataStart;
        long maxmemory = server.Config.MaxMemory.Value;

        info.Section("Memory");
        info.Field("used_memory", used);
        info.Field("used_memory_human", InfoText.Human(used));
        info.Field("used_memory_rss", rss);
        info.Field("used_memory_rss_human", InfoText.Human((ulong)rss));
        info.Field("used_memory_peak", peak);
        info.Field("used_memory_peak_human", InfoText.Human(peak));
        info.Field("used_memory_peak_perc", InfoText.Fixed2(peak == 0 ? 0 : (double)used * 100 / peak) + "%");
        info.Field("used_memory_overhead", overhead);
        info.Field("used_memory_startup", startup);
        info.Field("used_memory_dataset", dataset);
        info.Field("used_memory_dataset_perc", InfoText.Fixed2((double)dataset * 100 / net) + "%");
        info.Field("allocator_allocated", used);
        info.Field("allocator_active", active);
        info.Field("allocator_resident", regionRss);
        info.Field("total_system_memory", totalRam);
        info.Field("total_system_memory_human", InfoText.Human((ulong)totalRam));
        foreach (var f in new[] { "used_memory_lua", "used_memory_vm_eval" }) info.Field(f, 0L);
        info.Field("used_memory_lua_human", "0B");
        foreach (var f in new[] { "used_memory_scripts_eval", "number_of_cached_scripts", "number_of_functions", "number_of_libraries", "used_memory_vm_functions", "used_memory_vm_total" })
            info.Field(f, 0L);
        info.Field("used_memory_vm_total_human", "0B");
        info.Field("used_memory_functions", 0L);
        info.Field("used_memory_scripts", 0L);
        info.Field("used_memory_scripts_human", "0B");
        info.Field("maxmemory", maxmemory);
        info.Field("maxmemory_human", InfoText.Human((ulong)maxmemory));
        info.Field("maxmemory_policy", server.Config.MaxMemoryPolicy.Value);
        info.Field("allocator_frag_ratio", Ratio(active, used));
        info.Field("allocator_frag_bytes", (long)active - (long)used);
        info.Field("allocator_rss_ratio", Ratio((ulong)regionRss, active));
        info.Field("allocator_rss_bytes", regionRss - (long)active);
        info.Field("rss_overhead_ratio", Ratio((ulong)rss, (ulong)regionRss));
        info.Field("rss_overhead_bytes", rss - regionRss);
        info.Field("mem_fragmentation_ratio", Ratio((ulong)rss, used));
        info.Field("mem_fragmentation_bytes", rss - (long)used);
        foreach (var f in new[] { "mem_not_counted_for_evict", "mem_replication_backlog", "mem_total_replication_buffers", "mem_clients_slaves" })
            info.Field(f, 0L);
        info.Field("mem_clients_normal", clients);
        foreach (var f in new[] { "mem_cluster_links", "mem_aof_buffer" })
            info.Field(f, 0L);
        info.Field("mem_allocator", "region");
        info.Field("active_defrag_running", 0L);
        info.Field("lazyfree_pending_objects", 0L);
        info.Field("lazyfreed_objects", 0L);
        // RedisLite's own: the data region and the managed heap, which used_memory does not include.
        info.Field("region_reserved_bytes", ks.Region.ReservedBytes);
        info.Field("region_top_bytes", ks.Alloc.Top);
        info.Field("region_rss_bytes", regionRss);
        info.Field("managed_heap_bytes", GC.GetTotalMemory(false));
    }

    private static double Ratio(ulong a, ulong b) => b == 0 ? 0 : (double)a / b;

    private static void Stats(InfoText info, RedisServer server)
    {
        var st = server.Stats;
        var p = server.Persistence;
        info.Section("Stats");
        info.Field("total_connections_received", st.ConnectionsReceived);
        info.Field("total_commands_processed", st.CommandsProcessed);
        info.Field("instantaneous_ops_per_sec", st.InstantaneousOps);
        info.Field("total_net_input_bytes", Interlocked.Read(ref st.NetInputBytes));
        info.Field("total_net_output_bytes", st.NetOutputBytes);
        info.Field("total_net_repl_input_bytes", 0L);
        info.Field("total_net_repl_output_bytes", 0L);
        info.Field("instantaneous_input_kbps", st.InstantaneousInputKbps);
        info.Field("instantaneous_output_kbps", st.InstantaneousOutputKbps);
        info.Field("instantaneous_input_repl_kbps", 0.0);
        info.Field("instantaneous_output_repl_kbps", 0.0);
        info.Field("rejected_connections", st.RejectedConnections);
        info.Field("sync_full", 0L);
        info.Field("sync_partial_ok", 0L);
        info.Field("sync_partial_err", 0L);
        info.Field("expired_keys", st.ExpiredKeys);
        info.Field("expired_stale_perc", st.ExpiredStalePerc * 100);
        info.Field("expired_time_cap_reached_count", st.ExpiredTimeCapReached);
        info.Field("expire_cycle_cpu_milliseconds", st.ExpireCycleTimeUsedUs / 1000);
        info.Field("evicted_keys", st.EvictedKeys);
        info.Field("evicted_clients", 0L);
        info.Field("total_eviction_exceeded_time", 0L);
        info.Field("current_eviction_exceeded_time", 0L);
        info.Field("keyspace_hits", st.KeyspaceHits);
        info.Field("keyspace_misses", st.KeyspaceMisses);
        info.Field("pubsub_channels", 0L);
        info.Field("pubsub_patterns", 0L);
        info.Field("pubsubshard_channels", 0L);
        info.Field("latest_fork_usec", p.LatestForkUsec);
        info.Field("total_forks", p.TotalForks);
        foreach (var f in new[] { "migrate_cached_sockets", "slave_expires_tracked_keys", "active_defrag_hits", "active_defrag_misses",
                     "active_defrag_key_hits", "active_defrag_key_misses", "total_active_defrag_time", "current_active_defrag_time",
                     "tracking_total_keys", "tracking_total_items", "tracking_total_prefixes" })
            info.Field(f, 0L);
        info.Field("unexpected_error_replies", st.UnexpectedErrorReplies);
        info.Field("total_error_replies", st.TotalErrorReplies);
        info.Field("dump_payload_sanitizations", 0L);
        info.Field("total_reads_processed", Interlocked.Read(ref st.ReadsProcessed));
        info.Field("total_writes_processed", Interlocked.Read(ref st.WritesProcessed));
        foreach (var f in new[] { "io_threaded_reads_processed", "io_threaded_writes_processed", "reply_buffer_shrinks", "reply_buffer_expands" })
            info.Field(f, 0L);
    }

    private static void Replication(InfoText info, RedisServer server)
    {
        info.Section("Replication");
        info.Field("role", "master");
        info.Field("connected_slaves", 0L);
        info.Field("master_failover_state", "no-failover");
        info.Field("master_replid", server.ReplicationId);
        info.Field("master_replid2", new string('0', 40));
        info.Field("master_repl_offset", 0L);
        info.Field("second_repl_offset", -1L);
        info.Field("repl_backlog_active", 0L);
        info.Field("repl_backlog_size", 1048576L);
        info.Field("repl_backlog_first_byte_offset", 0L);
        info.Field("repl_backlog_histlen", 0L);
    }

    private static void Cpu(InfoText info)
    {
        var self = ProcessStats.Cpu(ProcessStats.RusageSelf);
        var children = ProcessStats.Cpu(ProcessStats.RusageChildren);
        // Commands run on whichever socket thread holds the store lock; "main thread" is the one running INFO.
        var thread = ProcessStats.Cpu(ProcessStats.RusageThread);
        info.Section("CPU");
        info.Field("used_cpu_sys", self.Sys);
        info.Field("used_cpu_user", self.User);
        info.Field("used_cpu_sys_children", children.Sys);
        info.Field("used_cpu_user_children", children.User);
        info.Field("used_cpu_sys_main_thread", thread.Sys);
        info.Field("used_cpu_user_main_thread", thread.User);
    }

    private static void CommandStats(InfoText info, RedisServer server)
    {
        info.Section("Commandstats");
        foreach (var cmd in CommandTable.All)
        {
            WriteCommandStats(info, cmd, server.CommandStats[cmd]);
            foreach (var sub in cmd.Subcommands) WriteCommandStats(info, sub, server.CommandStats[sub]);
        }
    }

    private static void WriteCommandStats(InfoText info, CommandDef cmd, CommandStats s)
    {
        if (s.Calls == 0 && s.FailedCalls == 0 && s.RejectedCalls == 0) return;
        double perCall = s.Calls == 0 ? 0 : (double)s.Microseconds / s.Calls;
        info.Field("cmdstat_" + SafeName(cmd.Name), string.Create(CultureInfo.InvariantCulture,
            $"calls={s.Calls},usec={s.Microseconds},usec_per_call={InfoText.Fixed2(perCall)},rejected_calls={s.RejectedCalls},failed_calls={s.FailedCalls}"));
    }

    // Redis's getSafeInfoString: characters that would break the "name:value,..." syntax become '_'.
    private static string SafeName(string s) => s.Replace(':', '_').Replace(',', '_').Replace('\r', '_').Replace('\n', '_');

    private static void ErrorStats(InfoText info, RedisServer server)
    {
        info.Section("Errorstats");
        foreach (var (code, count) in server.Stats.ErrorCodes)
            info.Field("errorstat_" + SafeName(code), "count=" + count.ToString(CultureInfo.InvariantCulture));
    }

    private static void Keyspace(InfoText info, RedisServer server)
    {
        var ks = server.Keyspace;
        info.Section("Keyspace");
        for (int db = 0; db < ks.DbCount; db++)
        {
            ulong keys = ks.KeyCount(db);
            if (keys == 0) continue;
            info.Field("db" + db.ToString(CultureInfo.InvariantCulture), string.Create(CultureInfo.InvariantCulture,
                $"keys={keys},expires={ks.ExpiresCount(db)},avg_ttl={ks.DbHeader(db).AvgTtlMs}"));
        }
    }
}
