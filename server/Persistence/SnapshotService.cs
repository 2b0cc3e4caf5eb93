using System.Diagnostics;
using System.Runtime.InteropServices;
using RedisLite.Persistence;
using RedisLite.Server;
using RedisLite.Store;

namespace RedisLite.Persistence;

/// <summary>
/// RDB snapshots of the region (ARCHITECTURE.md section 4): SAVE in the calling thread, BGSAVE
/// through the native fork helper, the child's lifecycle (reports on its pipe, exit status),
/// save points, and the state INFO persistence and MISCONF read. All methods run under the store
/// lock, so the fork sees a consistent region and only one child exists at a time.
/// </summary>
public sealed class SnapshotService(RedisServer server)
{
    /// <summary>pid of the running snapshot child, or -1.</summary>
    public int ChildPid { get; private set; } = -1;
    private int _reportFd = -1;
    private bool _doneReceived;
    private RlChildReport _done;
    private long _dirtyAtFork;
    private readonly Stopwatch _childClock = new();
    private long _lastBgsaveTryUnix;

    /// <summary>The state INFO persistence shows; this class is its writer for RDB snapshots.</summary>
    private PersistenceStatus P => server.Persistence;

    private long _bytesWritten;
    public string? LastError { get; private set; }
    public bool ChildRunning => ChildPid > 0;

    public void RecordLoad(long loaded, long expired)
    {
        P.RdbLastLoadKeysLoaded = loaded;
        P.RdbLastLoadKeysExpired = expired;
    }

    /// <summary>Writes are refused with MISCONF (Redis's writeCommandsDeniedByDiskError).</summary>
    public bool DenyWrites =>
        !P.LastBgsaveOk && server.Config.StopWritesOnBgsaveError.Value && server.Config.Save.Points.Count > 0;

    public const string MisconfError =
        "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk. " +
        "Commands that may modify the data set are disabled, because this instance is configured to report errors " +
        "during writes if RDB snapshotting fails (stop-writes-on-bgsave-error option). Please check the Redis logs " +
        "for details about the RDB error.";

    /// <summary>Absolute path of the dump file.</summary>
    public string DumpPath => Path.Combine(Path.GetFullPath(server.Config.Dir.Value), server.Config.DbFilename.Value);

    private unsafe T WithJob<T>(Func<RlSaveJob, T> run)
    {
        var dir = Marshal.StringToCoTaskMemUTF8(Path.GetFullPath(server.Config.Dir.Value));
        var file = Marshal.StringToCoTaskMemUTF8(server.Config.DbFilename.Value);
        var pagemap = Marshal.StringToCoTaskMemUTF8(server.Config.CowPagemapPath.Value);
        try
        {
            var job = new RlSaveJob
            {
                Region = (nint)server.Keyspace.Region.Base,
                Dir = dir,
                Filename = file,
                Ctime = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
                UsedMem = (long)server.UsedMemory,
                KeySaveDelayUs = server.Config.RdbKeySaveDelay.Value,
                Compression = server.Config.RdbCompression.Value ? 1 : 0,
                Checksum = server.Config.RdbChecksum.Value ? 1 : 0,
                DirectIo = server.Config.RdbDirectIo.Value ? 1 : 0,
                ReportFd = -1,
                PagemapPath = pagemap,
                CowPages = server.Keyspace.Region.Header.Top / RegionLayout.PageSize,
                CowCounting = server.Config.CowCounting.Value ? 1 : 0,
                ChildDismiss = server.Config.RdbChildDismiss.Value ? 1 : 0,
            };
            return run(job);
        }
        finally
        {
            Marshal.FreeCoTaskMem(dir);
            Marshal.FreeCoTaskMem(file);
            Marshal.FreeCoTaskMem(pagemap);
        }
    }

    /// <summary>SAVE: writes the snapshot in this thread. Returns null or the failure reason.</summary>
    public string? SaveForeground()
    {
        long dirtyBefore = server.Dirty;
        var (status, report) = WithJob(job =>
        {
            int s = SnapshotInterop.SaveForeground(job, out var r);
            return (s, r);
        });
        if (status != 0)
        {
            // As Redis's rdbSave: a failed foreground save is logged and replied, but only a
            // success touches rdb_last_bgsave_status (so a failed SHUTDOWN save leaves writes on).
            LastError = report.MessageText;
            Log.Warning(LastError);
            return LastError;
        }
        Log.Notice("DB saved on disk");
        server.Dirty -= dirtyBefore;
        server.LastSaveUnix = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        P.LastBgsaveOk = true;
        P.RdbSaves++;
        return null;
    }

    /// <summary>BGSAVE: forks the native child. Returns null on success or the error reply text.</summary>
    public string? StartBackground()
    {
        if (ChildRunning) return "ERR Background save already in progress";
        _lastBgsaveTryUnix = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        long totalKeys = 0;
        for (int db = 0; db < server.Keyspace.DbCount; db++) totalKeys += (long)server.Keyspace.KeyCount(db);
        var (pid, fd, forkUs) = WithJob(job =>
        {
            int p = SnapshotInterop.BgsaveStart(job, out int f, out long us);
            return (p, f, us);
        });
        if (pid < 0)
        {
            P.LastBgsaveOk = false;
            LastError = $"Can't save in background: fork: errno {-pid}";
            Log.Warning(LastError);
            return "ERR " + LastError;
        }
        ChildPid = pid;
        _reportFd = fd;
        _doneReceived = false;
        _dirtyAtFork = server.Dirty;
        P.LatestForkUsec = forkUs;
        P.TotalForks++;
        P.Child = ChildKind.Rdb;
        P.ChildPid = pid;
        P.ChildStartMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        P.CurrentSaveKeysTotal = totalKeys;
        P.CurrentSaveKeysProcessed = 0;
        P.CurrentCowSize = P.CurrentCowPeak = 0;
        P.CurrentCowSizeUpdatedMs = 0;
        _cowSum = 0;
        _cowSamples = 0;
        P.CowCurrent = new CowReport
        {
            ForkUsec = forkUs,
            Dismiss = server.Config.RdbChildDismiss.Value,
            Hugepages = server.Config.RegionHugepages.Value,
            FreshPages = server.Config.CowFreshPages.Value,
        };
        _bytesWritten = 0;
        _childClock.Restart();
        server.Keyspace.BeginChildSharing(server.Config.CowAvoidWrites.Value, server.Config.CowFreshPages.Value,
                                          server.Config.RegionHugepages.Value);
        Log.Notice($"Background saving started by pid {pid}");
        return null;
    }

    /// <summary>Collects the child's reports and notices its end. Called by the cron.</summary>
    public void Poll()
    {
        if (!ChildRunning) return;
        bool eof = false;
        while (SnapshotInterop.TryReadReport(_reportFd, out var r, out eof))
        {
            P.CurrentSaveKeysProcessed = r.Keys;
            _bytesWritten = r.Bytes;
            if (r.CowBytes >= 0)
            {
                P.CurrentCowSize = r.CowBytes;
                P.CurrentCowPeak = Math.Max(P.CurrentCowPeak, r.CowBytes);
                P.CurrentCowSizeUpdatedMs = Environment.TickCount64;
                _cowSum += r.CowBytes;
                _cowSamples++;
            }
            P.CowCurrent?.ChildTimeline.Add(new ChildCowSample(_childClock.ElapsedMilliseconds, r.CowBytes, r.RegionCowBytes, r.DismissedBytes, r.SmapsCostUs));
            if (r.Kind == RlChildReport.Done)
            {
                _doneReceived = true;
                _done = r;
            }
        }
        if (P.CowCurrent is { } cow) SnapshotInterop.CowGetStats(out cow.Parent);
        int polled = SnapshotInterop.ChildPoll(ChildPid, out int exitStatus);
        // The .NET runtime may reap our child before we do (it has its own SIGCHLD handling):
        // then the pipe's EOF is the end of the child.
        bool ended = polled == 1 || (polled == -1 && eof);
        if (!ended) return;
        if (polled == -1) exitStatus = _doneReceived && _done.Status == 0 ? 0 : 1;
        Finish(exitStatus);
    }

    private void Finish(int exitStatus)
    {
        SnapshotInterop.Close(_reportFd);
        int pid = ChildPid;
        ChildPid = -1;
        _reportFd = -1;
        _childClock.Stop();
        P.Child = ChildKind.None;
        P.ChildPid = -1;
        var (held, fresh) = server.Keyspace.EndChildSharing(server.Config.RegionHugepages.Value);
        if (P.CowCurrent is { } cow)
        {
            cow.HeldBytes = (long)held;
            cow.FreshBytes = (long)fresh;
        }
        P.RdbLastBgsaveTimeSec = (long)Math.Round(_childClock.Elapsed.TotalSeconds);
        FinishCowReport();
        bool ok = exitStatus == 0 && _doneReceived && _done.Status == 0;
        if (ok)
        {
            Log.Notice($"DB saved on disk");
            long avg = _cowSamples > 0 ? _cowSum / _cowSamples : 0;
            Log.Notice($"Fork CoW for RDB: current {P.CurrentCowSize >> 20} MB, peak {P.CurrentCowPeak >> 20} MB, average {avg >> 20} MB");
            LogParentCow();
            Log.Notice("Background saving terminated with success");
            server.Dirty -= _dirtyAtFork;
            server.LastSaveUnix = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            P.LastBgsaveOk = true;
            LastError = null;
            P.RdbSaves++;
        }
        else if (exitStatus == 128 + SigUsr1)
        {
            // Stopped by the server itself (KillChild): the last save's status stands, as Redis's
            // SIGUSR1 exception.
            Log.Warning($"Background saving terminated by signal {SigUsr1}");
            TryDelete(Path.Combine(Path.GetFullPath(server.Config.Dir.Value), $"temp-{pid}.rdb"));
        }
        else
        {
            P.LastBgsaveOk = false;
            LastError = _doneReceived && _done.Status != 0 ? _done.MessageText
                : exitStatus >= 128 ? $"Background saving terminated by signal {exitStatus - 128}"
                : "Background saving error";
            if (_doneReceived && _done.Status != 0) Log.Warning(LastError);
            Log.Warning(exitStatus >= 128 ? $"Background saving terminated by signal {exitStatus - 128}" : "Background saving error");
            // A killed child cannot clean up after itself.
            TryDelete(Path.Combine(Path.GetFullPath(server.Config.Dir.Value), $"temp-{pid}.rdb"));
        }
        P.RdbLastCowSize = P.CurrentCowPeak;
        P.CurrentCowSize = 0;
        P.CurrentCowPeak = 0;
    }

    private long _cowSum, _cowSamples;

    /// <summary>Stops the parent's sampler (the child has ended) and keeps its final account as the last one.</summary>
    private void FinishCowReport()
    {
        var cow = P.CowCurrent;
        P.CowCurrent = null;
        if (cow == null) return;
        SnapshotInterop.CowFinish();
        SnapshotInterop.CowGetStats(out cow.Parent);
        cow.ParentTimeline = SnapshotInterop.CowTimeline();
        cow.SnapshotMs = _childClock.ElapsedMilliseconds;
        cow.Error = server.Config.CowCounting.Value
            ? CowReport.Explain(cow.Parent, server.Config.CowPagemapPath.Value)
            : "cow-counting is off";
        P.CowLast = cow;
    }

    private void LogParentCow()
    {
        var cow = P.CowLast;
        if (cow == null) return;
        if (!cow.Available)
        {
            Log.Notice($"Fork CoW pages copied by the parent: unavailable ({cow.Error})");
            return;
        }
        Log.Notice($"Fork CoW pages copied by the parent: {cow.Parent.PagesCopied} of {cow.Parent.PresentPages} region pages " +
                   $"({cow.CopiedPerc:0.##}%, {(cow.Parent.PagesCopied * RegionLayout.PageSize) >> 20} MB), " +
                   $"{cow.Parent.Minflt} minor faults, method {cow.Method}{(cow.Exact ? "" : " (upper bound: dismissed pages count as exclusive)")}, {cow.Parent.Samples} samples " +
                   $"(avg {cow.AvgSampleUs} us, max {cow.Parent.SampleCostMaxUs} us, avg CPU {cow.AvgSampleCpuUs} us)");
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    /// <summary>SIGUSR1: how the server stops its own child; as in Redis, not a failed save.</summary>
    private const int SigUsr1 = 10;

    /// <summary>Stops a running child (SHUTDOWN, DEBUG RELOAD, FLUSHALL) with SIGUSR1 and waits for it.</summary>
    public void KillChild()
    {
        if (!ChildRunning) return;
        SnapshotInterop.ChildKill(ChildPid, SigUsr1);
        var sw = Stopwatch.StartNew();
        while (ChildRunning && sw.ElapsedMilliseconds < 5000)
        {
            Poll();
            if (ChildRunning) Thread.Sleep(1);
        }
    }

    /// <summary>Save points (Redis's serverCron check): BGSAVE when enough changes are old enough.</summary>
    public void CheckSavePoints()
    {
        if (ChildRunning) return;
        long now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        foreach (var (seconds, changes) in server.Config.Save.Points)
        {
            if (server.Dirty >= changes && now - server.LastSaveUnix > seconds &&
                (now - _lastBgsaveTryUnix > 5 || P.LastBgsaveOk))
            {
                Log.Notice($"{changes} changes in {seconds} seconds. Saving...");
                StartBackground();
                return;
            }
        }
    }
}
