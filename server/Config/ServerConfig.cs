namespace RedisLite.Config;

/// <summary>
/// Every configuration parameter RedisLite supports, with Redis 7.0's names, defaults and
/// mutability. CONFIG GET/SET and the config file work from <see cref="All"/>; the server reads
/// the typed fields directly.
/// </summary>
public sealed class ServerConfig
{
    private const long Gb = 1024L * 1024 * 1024, Mb = 1024L * 1024;

    // Network and clients
    public readonly NumberConfig Port = new("port", 6379, 0, 65535);
    public readonly ListConfig Bind = new("bind", "127.0.0.1");
    public readonly BoolConfig ProtectedMode = new("protected-mode", true);
    public readonly NumberConfig TcpBacklog = new("tcp-backlog", 511, 0, int.MaxValue, flags: ConfigFlags.Immutable);
    public readonly NumberConfig TcpKeepalive = new("tcp-keepalive", 300, 0, int.MaxValue);
    public readonly NumberConfig Timeout = new("timeout", 0, 0, int.MaxValue);
    public readonly NumberConfig MaxClients = new("maxclients", 10000, 1, uint.MaxValue);
    public readonly StringConfig RequirePass = new("requirepass", "", ConfigFlags.Sensitive);
    public readonly NumberConfig ProtoMaxBulkLen = new("proto-max-bulk-len", 512 * Mb, 1024 * 1024, long.MaxValue, memory: true);
    public readonly NumberConfig ClientQueryBufferLimit = new("client-query-buffer-limit", Gb, 1024 * 1024, long.MaxValue, memory: true);
    public readonly OutputBufferLimitConfig ClientOutputBufferLimit = new("client-output-buffer-limit");

    // General
    public readonly NumberConfig Databases = new("databases", 16, 1, int.MaxValue, flags: ConfigFlags.Immutable);
    public readonly NumberConfig Hz = new("hz", 10, 0, int.MaxValue, normalize: v => Math.Clamp(v, 1, 500));
    public readonly BoolConfig DynamicHz = new("dynamic-hz", true);
    public readonly EnumConfig LogLevel = new("loglevel", "notice", ["debug", "verbose", "notice", "warning"]);
    public readonly StringConfig LogFile = new("logfile", "", ConfigFlags.Immutable);
    public readonly StringConfig PidFile = new("pidfile", "", ConfigFlags.Immutable);
    public readonly BoolConfig Daemonize = new("daemonize", false, ConfigFlags.Immutable);
    public readonly EnumConfig EnableDebugCommand = new("enable-debug-command", "no", ["no", "yes", "local"], ConfigFlags.Immutable);
    public readonly EnumConfig EnableProtectedConfigs = new("enable-protected-configs", "no", ["no", "yes", "local"], ConfigFlags.Immutable);
    public readonly BoolConfig ActiveRehashing = new("activerehashing", true);
    public readonly NumberConfig ActiveExpireEffort = new("active-expire-effort", 1, 1, 10);

    // Memory
    public readonly NumberConfig MaxMemory = new("maxmemory", 0, 0, long.MaxValue, memory: true);
    public readonly EnumConfig MaxMemoryPolicy = new("maxmemory-policy", "noeviction",
        ["volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl", "allkeys-lru", "allkeys-lfu", "allkeys-random", "noeviction"]);
    /// <summary>
    /// RedisLite's own: the virtual size of the data region, fixed at startup (0: automatic, the
    /// larger of 256 GiB and four times the RAM). Independent of maxmemory, which is only the
    /// check before each write command, as in Redis, so CONFIG SET maxmemory works both ways at
    /// runtime. Only address space is reserved (MAP_NORESERVE); set it lower where virtual memory
    /// is limited (ulimit -v, vm.overcommit_memory 2). Write commands that may not fit in what is
    /// left are refused whole (RegionRoom).
    /// </summary>
    public readonly NumberConfig RegionReserve = new("region-reserve", 0, 0, long.MaxValue, memory: true, flags: ConfigFlags.Immutable);
    public readonly NumberConfig MaxMemorySamples = new("maxmemory-samples", 5, 1, int.MaxValue);
    public readonly BoolConfig LazyfreeLazyEviction = new("lazyfree-lazy-eviction", false);
    public readonly BoolConfig LazyfreeLazyExpire = new("lazyfree-lazy-expire", false);
    public readonly BoolConfig LazyfreeLazyServerDel = new("lazyfree-lazy-server-del", false);
    public readonly BoolConfig LazyfreeLazyUserDel = new("lazyfree-lazy-user-del", false);
    public readonly BoolConfig LazyfreeLazyUserFlush = new("lazyfree-lazy-user-flush", false);

    // Persistence
    public readonly StringConfig Dir = new("dir", ".", ConfigFlags.Protected);
    public readonly StringConfig DbFilename = new("dbfilename", "dump.rdb", ConfigFlags.Protected,
        v => v.Contains('/') ? "dbfilename can't be a path, just a filename" : null);
    public readonly SaveConfig Save = new("save", "3600 1 300 100 60 10000");
    public readonly BoolConfig RdbCompression = new("rdbcompression", true);
    public readonly BoolConfig RdbChecksum = new("rdbchecksum", true, ConfigFlags.Immutable);
    public readonly BoolConfig StopWritesOnBgsaveError = new("stop-writes-on-bgsave-error", true);
    public readonly NumberConfig RdbKeySaveDelay = new("rdb-key-save-delay", 0, int.MinValue, int.MaxValue);
    /// <summary>RedisLite's own: write snapshots with O_DIRECT (see README for the measurement behind the default).</summary>
    public readonly BoolConfig RdbDirectIo = new("rdb-direct-io", true);
    public readonly BoolConfig RdbDelSyncFiles = new("rdb-del-sync-files", false);
    // Copy-on-write cost of snapshots (RedisLite's own; ARCHITECTURE.md section 5, native/cow.h).
    /// <summary>The BGSAVE child releases (MADV_DONTNEED) region page runs it has written out, as Redis's dismissObject.</summary>
    public readonly BoolConfig RdbChildDismiss = new("rdb-child-dismiss", true);
    /// <summary>
    /// madvise(MADV_HUGEPAGE) on the region (THP in madvise mode): 512 times fewer page-table
    /// entries for fork to copy and for the snapshot's walk to miss in the TLB. On by default: on
    /// kernels since 5.8 a COW fault on a shared huge page splits it and copies 4 KiB, not 2 MiB
    /// (README, "Copy-on-write cost of BGSAVE", has the measurement).
    /// </summary>
    public readonly BoolConfig RegionHugepages = new("region-hugepages", true);
    /// <summary>Count the region pages the parent copies during a BGSAVE (pagemap sampler thread).</summary>
    public readonly BoolConfig CowCounting = new("cow-counting", true);
    /// <summary>While a snapshot child lives, skip writes that are not needed (LRU clock, rehash steps, resizes). Off only to measure it.</summary>
    public readonly BoolConfig CowAvoidWrites = new("cow-avoid-writes", true);
    /// <summary>While a snapshot child lives, new blocks go on fresh pages and blocks freed from shared pages wait for the child's end (RegionAllocator). Off only to measure it.</summary>
    public readonly BoolConfig CowFreshPages = new("cow-fresh-pages", true);
    /// <summary>The pagemap file the counting reads; any other path simulates an unreadable pagemap (tests).</summary>
    public readonly StringConfig CowPagemapPath = new("cow-pagemap-path", "/proc/self/pagemap", ConfigFlags.Protected);
    public readonly BoolConfig AppendOnly = new("appendonly", false);
    public readonly StringConfig AppendFilename = new("appendfilename", "appendonly.aof", ConfigFlags.Immutable);
    public readonly StringConfig AppendDirname = new("appenddirname", "appendonlydir", ConfigFlags.Immutable);
    public readonly EnumConfig AppendFsync = new("appendfsync", "everysec", ["everysec", "always", "no"]);

    // Sorted sets: the listpack encoding's limits (Redis 7.0 names; the ziplist names are aliases)
    public readonly NumberConfig ZsetMaxListpackEntries = new("zset-max-listpack-entries", 128, 0, long.MaxValue);
    public readonly NumberConfig ZsetMaxListpackValue = new("zset-max-listpack-value", 64, 0, long.MaxValue);
    // Lists: quicklist node size (negative: a byte limit of 4 KB << (-n-1); positive: an entry
    // count) and compression depth, which RedisLite accepts and ignores (nodes are never compressed).
    public readonly NumberConfig ListMaxListpackSize = new("list-max-listpack-size", -2, int.MinValue, int.MaxValue);
    public readonly NumberConfig ListCompressDepth = new("list-compress-depth", 0, 0, int.MaxValue);
    // Data type encodings (Debian's redis-server 7.0.15 reports 512 for hash-max-listpack-entries)
    public readonly NumberConfig HashMaxListpackEntries = new("hash-max-listpack-entries", 512, 0, long.MaxValue);
    public readonly NumberConfig HashMaxListpackValue = new("hash-max-listpack-value", 64, 0, long.MaxValue, memory: true);
    public readonly NumberConfig SetMaxIntsetEntries = new("set-max-intset-entries", 512, 0, long.MaxValue);

    // Diagnostics
    public readonly NumberConfig SlowlogLogSlowerThan = new("slowlog-log-slower-than", 10000, -1, long.MaxValue);
    public readonly NumberConfig SlowlogMaxLen = new("slowlog-max-len", 128, 0, long.MaxValue);
    public readonly NumberConfig LatencyMonitorThreshold = new("latency-monitor-threshold", 0, 0, long.MaxValue);
    public readonly NotifyKeyspaceEventsConfig NotifyKeyspaceEvents = new("notify-keyspace-events");

    /// <summary>Every parameter by name (case-insensitive), in declaration order.</summary>
    public IReadOnlyDictionary<string, ConfigParam> All { get; }

    /// <summary>Redis's alias names (the old ziplist names): CONFIG GET lists them too, CONFIG SET and the file accept them.</summary>
    public IReadOnlyDictionary<string, ConfigParam> Aliases { get; }

    public ServerConfig()
    {
        var all = new Dictionary<string, ConfigParam>(StringComparer.OrdinalIgnoreCase);
        foreach (var f in GetType().GetFields())
            if (f.GetValue(this) is ConfigParam p) all[p.Name] = p;
        All = all;
        Aliases = new Dictionary<string, ConfigParam>(StringComparer.OrdinalIgnoreCase)
        {
            ["list-max-ziplist-size"] = ListMaxListpackSize,
            ["hash-max-ziplist-entries"] = HashMaxListpackEntries,
            ["hash-max-ziplist-value"] = HashMaxListpackValue,
            ["zset-max-ziplist-entries"] = ZsetMaxListpackEntries,
            ["zset-max-ziplist-value"] = ZsetMaxListpackValue,
        };

        // The listeners are bound once at startup; a runtime change fails the way Redis's does
        // when it cannot listen, and CONFIG SET restores the old value.
        Port.Apply = old => old == Port.Get() ? null : RefuseRebind("Unable to listen on this port. Check server logs.");
        Bind.Apply = old => old == Bind.Get() ? null : RefuseRebind("Failed to bind to specified addresses.");
    }

    private static string RefuseRebind(string error)
    {
        Server.Log.Warning("RedisLite binds its listening sockets at startup only: restart with the new port/bind to change them");
        return error;
    }

    public ConfigParam? Find(string name) => All.TryGetValue(name, out var p) || Aliases.TryGetValue(name, out p) ? p : null;
}
