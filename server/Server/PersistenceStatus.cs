namespace RedisLite.Server;

/// <summary>What kind of forked child is running, as Redis's child_type.</summary>
public enum ChildKind { None, Rdb, Aof, Module }

/// <summary>
/// The state behind INFO persistence (and the fork fields of INFO stats): what the snapshot and
/// AOF machinery last did and is doing now. The persistence code writes it (under the store lock);
/// <see cref="PersistenceInfo"/> only reads it. Defaults are those of a server that has not saved,
/// loaded or forked yet. Times are Unix seconds or milliseconds as named; -1 means "never".
/// </summary>
public sealed class PersistenceStatus
{
    // Loading (loading:1 comes from RedisServer.Loading).
    public bool AsyncLoading;
    public long LoadingStartTimeUnix;
    public long LoadingTotalBytes;
    public long LoadingLoadedBytes;
    public long LoadingRdbUsedMem;
    public long RdbLastLoadKeysExpired;
    public long RdbLastLoadKeysLoaded;

    // The running child, if any.
    public ChildKind Child;
    public int ChildPid = -1;
    /// <summary>Unix ms when the running child was forked.</summary>
    public long ChildStartMs;
    public long CurrentCowPeak;
    public long CurrentCowSize;
    /// <summary>Monotonic ms (Environment.TickCount64) of the last COW sample; 0 = none.</summary>
    public long CurrentCowSizeUpdatedMs;
    public long CurrentSaveKeysProcessed;
    public long CurrentSaveKeysTotal;

    // RDB.
    public bool LastBgsaveOk = true;
    public long RdbLastBgsaveTimeSec = -1;
    public long RdbSaves;
    public long RdbLastCowSize;
    /// <summary>BGSAVE SCHEDULE pending (not shown by 7.0's INFO, used by the cron).</summary>
    public bool RdbBgsaveScheduled;

    // AOF.
    public bool AofEnabled;
    public bool AofRewriteScheduled;
    public long AofLastRewriteTimeSec = -1;
    public bool LastBgrewriteOk = true;
    public long AofRewrites;
    public long AofRewritesConsecutiveFailures;
    public bool AofLastWriteOk = true;
    public long AofLastCowSize;
    public long AofCurrentSize;
    public long AofBaseSize;
    public long AofBufferLength;
    public long AofPendingBioFsync;
    public long AofDelayedFsync;

    public long ModuleForkLastCowSize;

    // Copy-on-write accounts (RedisLite's cow_* fields): the running BGSAVE's and the last one's.
    public Persistence.CowReport? CowCurrent;
    public Persistence.CowReport? CowLast;

    // Fork statistics (INFO stats).
    public long LatestForkUsec;
    public long TotalForks;
}
