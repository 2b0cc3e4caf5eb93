using System.Diagnostics;
using RedisLite.Commands;
using RedisLite.Config;
using RedisLite.Store;

namespace RedisLite.Server;

/// <summary>
/// The composition root of a running server: configuration, the region-backed keyspace, the
/// connected clients, statistics and the store lock. Commands run one at a time under
/// <see cref="StoreLock"/> (ARCHITECTURE.md section 2), taken once per batch of pipelined
/// commands, by the cron, and (later) around fork.
/// </summary>
public sealed class RedisServer : IDisposable
{
    public ServerConfig Config { get; }
    public Keyspace Keyspace { get; }
    public ClientRegistry Clients { get; } = new();
    public ServerStats Stats { get; } = new();
    /// <summary>INFO commandstats: this server's per-command counters.</summary>
    public CommandStatsTable CommandStats { get; } = new();
    public CommandExecutor Executor { get; }
    public MonitorFeed Monitors { get; } = new();
    /// <summary>Where every change to the dataset goes out, as records the AOF and replicas consume.</summary>
    public PropagationStream Propagation { get; } = new();
    /// <summary>Clients blocked on keys (BLPOP, BZPOPMIN...).</summary>
    public BlockingKeys Blocking { get; }
    /// <summary>SAVE/BGSAVE and the snapshot child.</summary>
    public Persistence.SnapshotService Snapshots { get; }
    /// <summary>The single lock every keyspace access takes.</summary>
    public object StoreLock { get; } = new();

    public string? ConfigFile { get; init; }
    public long StartTimeMs { get; } = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
    public Stopwatch Uptime { get; } = Stopwatch.StartNew();
    public string RunId { get; } = RandomHex40();
    /// <summary>master_replid: this dataset history's replication id (INFO replication).</summary>
    public string ReplicationId { get; set; } = RandomHex40();
    public int ActualPort { get; set; }

    /// <summary>Writes since the last successful save (rdb_changes_since_last_save).</summary>
    public long Dirty;
    /// <summary>Unix seconds of the last successful save (LASTSAVE).</summary>
    public long LastSaveUnix;
    /// <summary>True while the dataset is loading: commands without the loading flag get -LOADING.</summary>
    public volatile bool Loading;
    /// <summary>Snapshot/AOF state shown by INFO persistence; the persistence code updates it.</summary>
    public PersistenceStatus Persistence { get; } = new();

    /// <summary>Replaces the wall clock for commands and the cron (tests drive time with it); null means the real clock.</summary>
    public Func<long>? ClockOverride { get; set; }

    /// <summary>Unix time in ms: the clock every command and cron cycle snapshots into <see cref="Keyspace.NowMs"/>.</summary>
    public long ClockMs() => ClockOverride?.Invoke() ?? DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    /// <summary>Signals the host to stop (SHUTDOWN, SIGTERM, SIGINT).</summary>
    public CancellationTokenSource ShutdownRequested { get; } = new();
    /// <summary>
    /// Work to do before exiting (SHUTDOWN/SIGTERM), run by <see cref="ShutdownSequence"/> under
    /// the store lock: given whether the dataset must be saved, save it (and close what needs
    /// closing); return false if the save failed. Null until persistence is wired, and then a
    /// requested save counts as failed.
    /// </summary>
    public Func<bool, bool>? Shutdown { get; set; }
    /// <summary>Set once <see cref="ShutdownSequence.Prepare"/> succeeded, so the host does not prepare again.</summary>
    public volatile bool ShutdownPrepared;

    public RedisServer(ServerConfig config, string? configFile = null)
    {
        Config = config;
        ConfigFile = configFile;
        Keyspace = new Keyspace(Reservation(config), (int)config.Databases.Value);
        Keyspace.KeyExpired += (db, rec) =>
        {
            Stats.ExpiredKeys++;
            // Replicas and the AOF never expire keys themselves: they get the deletion.
            if (Propagation.HasSinks)
                Propagation.Add(db, [config.LazyfreeLazyExpire.Value ? "UNLINK"u8.ToArray() : "DEL"u8.ToArray(), Keyspace.KeyOf(rec).ToArray()]);
        };
        // region-hugepages: THP for the region or not (ServerConfig says why it is on by default).
        // Freed pages are then returned only as whole huge pages, so none is split (PageRelease).
        Keyspace.Region.AdviseHugePages(config.RegionHugepages.Value);
        Keyspace.Alloc.ReleaseWholeHugePages = config.RegionHugepages.Value;
        config.RegionHugepages.Changed += () =>
        {
            Keyspace.Region.AdviseHugePages(config.RegionHugepages.Value);
            Keyspace.Alloc.ReleaseWholeHugePages = config.RegionHugepages.Value;
        };
        Keyspace.LfuMode = config.MaxMemoryPolicy.Value.Contains("lfu");
        config.MaxMemoryPolicy.Changed += () => Keyspace.LfuMode = config.MaxMemoryPolicy.Value.Contains("lfu");
        Executor = new CommandExecutor(this);
        Blocking = new BlockingKeys(this);
        Snapshots = new Persistence.SnapshotService(this);
        // Before exiting: stop a running snapshot child, then save if asked (SHUTDOWN, SIGTERM).
        Shutdown = save =>
        {
            Snapshots.KillChild();
            return !save || Snapshots.SaveForeground() == null;
        };
        LastSaveUnix = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        UsedMemoryStartup = UsedMemory;
        Stats.PeakMemory = UsedMemory;
        Log.Threshold = Log.Parse(config.LogLevel.Value);
        config.LogLevel.Changed += () => Log.Threshold = Log.Parse(config.LogLevel.Value);
    }

    /// <summary>Least virtual size reserved for the region by default: far beyond RAM, committed only as touched.</summary>
    public const ulong DefaultReservation = 256UL << 30;

    /// <summary>
    /// The region's virtual size: region-reserve, or by default the larger of
    /// <see cref="DefaultReservation"/> and four times the RAM (so the data outgrows RAM and swap
    /// long before the region). Not derived from maxmemory: that limit can change at runtime.
    /// </summary>
    public static ulong Reservation(ServerConfig config) => config.RegionReserve.Value > 0
        ? (ulong)config.RegionReserve.Value
        : Math.Max(DefaultReservation, 4 * (ulong)Math.Max(0, ProcessStats.TotalSystemMemory()));

    /// <summary>INFO used_memory: the region's bytes in use plus what clients' buffers hold, as Redis counts both.</summary>
    public ulong UsedMemory => Keyspace.Alloc.UsedBytes + (ulong)Math.Max(0, Clients.MemoryBytes);

    /// <summary>used_memory_startup: the empty keyspace's own bytes (database headers, indexes).</summary>
    public ulong UsedMemoryStartup { get; }

    private static string RandomHex40() =>
        Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(20)).ToLowerInvariant();

    public void Dispose() => Keyspace.Dispose();
}
