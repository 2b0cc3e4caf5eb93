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
    public CommandExecutor Executor { get; }
    public MonitorFeed Monitors { get; } = new();
    /// <summary>SAVE/BGSAVE and the snapshot child.</summary>
    public Persistence.SnapshotService Snapshots { get; }
    /// <summary>The single lock every keyspace access takes.</summary>
    public object StoreLock { get; } = new();

    public string? ConfigFile { get; init; }
    public long StartTimeMs { get; } = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
    public Stopwatch Uptime { get; } = Stopwatch.StartNew();
    public string RunId { get; } = Convert.ToHexString(Guid.NewGuid().ToByteArray()).ToLowerInvariant() + "00000000";
    public int ActualPort { get; set; }

    /// <summary>Writes since the last successful save (rdb_changes_since_last_save).</summary>
    public long Dirty;
    /// <summary>Unix seconds of the last successful save (LASTSAVE).</summary>
    public long LastSaveUnix;
    /// <summary>True while the dataset is loading: commands without the loading flag get -LOADING.</summary>
    public volatile bool Loading;

    /// <summary>Signals the host to stop (SHUTDOWN).</summary>
    public CancellationTokenSource ShutdownRequested { get; } = new();
    /// <summary>Work to do before exiting (SHUTDOWN/SIGTERM), e.g. the final save.</summary>
    public Action? Shutdown { get; set; }

    public RedisServer(ServerConfig config, string? configFile = null)
    {
        Config = config;
        ConfigFile = configFile;
        ulong reserve = config.MaxMemory.Value > 0
            ? (ulong)config.MaxMemory.Value * 2 + (256UL << 20)
            : DefaultReservation;
        Keyspace = new Keyspace(reserve, (int)config.Databases.Value);
        Keyspace.KeyExpired += (_, _) => Stats.ExpiredKeys++;
        Executor = new CommandExecutor(this);
        Snapshots = new Persistence.SnapshotService(this);
        LastSaveUnix = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        Log.Threshold = Log.Parse(config.LogLevel.Value);
        config.LogLevel.Changed += () => Log.Threshold = Log.Parse(config.LogLevel.Value);
    }

    /// <summary>Virtual size reserved when maxmemory is 0: far beyond RAM, committed only as touched.</summary>
    public const ulong DefaultReservation = 256UL << 30;

    /// <summary>Bytes of the region in use (INFO used_memory).</summary>
    public ulong UsedMemory => Keyspace.Alloc.UsedBytes;

    public void Dispose() => Keyspace.Dispose();
}
