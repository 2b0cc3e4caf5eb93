namespace RedisLite.Benchmarks.Cow;

/// <summary>Latency percentiles (microseconds) and throughput over one phase of a run.</summary>
public readonly record struct PhaseStats(double OpsPerSec, long P50Us, long P99Us, long P999Us)
{
    public static PhaseStats Of(IReadOnlyList<BatchSample> all, int fromMs, int toMs)
    {
        var s = all.Where(b => b.EndMs >= fromMs && b.EndMs < toMs).Select(b => b.LatencyUs).OrderBy(x => x).ToArray();
        long ops = all.Where(b => b.EndMs >= fromMs && b.EndMs < toMs).Sum(b => (long)b.Commands);
        double secs = Math.Max(1, toMs - fromMs) / 1000.0;
        return new PhaseStats(ops / secs, Pct(s, 0.50), Pct(s, 0.99), Pct(s, 0.999));
    }

    public static long Pct(int[] sorted, double q) => sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
}

/// <summary>One point of the latency-over-time series around the fork.</summary>
public readonly record struct TimelinePoint(double TSec, double OpsPerSec, long P50Us, long P99Us);

/// <summary>Everything recorded for one (server setup, write ratio) run.</summary>
public sealed class RunResult
{
    public required ServerSetup Setup;
    public required double WritePct;
    public required bool Zipf;
    public required int Pipeline, Connections, ValueSize;
    public required long Keys, DatasetBytes;
    public long UsedMemory, Rss;
    public long ForkUsec, SnapshotMs;
    /// <summary>The child's Private_Dirty peak (rdb_last_cow_size): comparable across servers.</summary>
    public long RdbLastCowSize;
    /// <summary>RedisLite only: region pages the parent copied (exact), -1 when not available.</summary>
    public long PagesCopied = -1;
    public long RegionPagesAtFork = -1;
    public long CowFaults = -1;
    public long ChildRegionDirty = -1;
    public long DismissedBytes = -1;
    /// <summary>RedisLite only (cow-fresh-pages): bytes freed during the snapshot and held until it ended.</summary>
    public long HeldBytes = -1;
    /// <summary>RedisLite only: bytes of never-used pages the region's top grew by during the snapshot (new memory, not copies).</summary>
    public long FreshBytes = -1;
    public long SampleAvgUs = -1, SampleMaxUs = -1, SampleCpuAvgUs = -1, Samples = -1;
    /// <summary>SETs completed while the child lived: COW grows with these, not with the ratio alone.</summary>
    public long WritesDuring;
    /// <summary>Minor faults of the server process while the child lived (/proc, both servers).</summary>
    public long ProcFaults;
    public PhaseStats Before, During;
    public List<TimelinePoint> Timeline = [];

    public double PagesCopiedMb => PagesCopied < 0 ? -1 : PagesCopied * 4096.0 / (1 << 20);
    public double CowMb => RdbLastCowSize / (double)(1 << 20);
}
