using RedisLite.Persistence;

namespace RedisLite.Persistence;

/// <summary>One child report as received: the child's own view of its COW cost (smaps).</summary>
public readonly record struct ChildCowSample(long TimeMs, long PrivateDirty, long RegionPrivateDirty, long DismissedBytes, long SmapsCostUs);

/// <summary>
/// The copy-on-write account of one BGSAVE (ARCHITECTURE.md section 5): the parent's exact count
/// of region pages copied since the fork (pagemap sampler, native/cow.h) with its timeline, and
/// the child's Redis-comparable Private_Dirty reports. INFO persistence shows the last one's
/// totals (cow_* fields) and INFO cow its timelines. Built by <see cref="SnapshotService"/>.
/// </summary>
public sealed class CowReport
{
    public RlCowStats Parent;
    public RlCowSample[] ParentTimeline = [];
    public readonly List<ChildCowSample> ChildTimeline = [];
    public long ForkUsec;
    public long SnapshotMs;
    public bool Dismiss;
    public bool Hugepages;
    /// <summary>cow-fresh-pages was on for this snapshot.</summary>
    public bool FreshPages;
    /// <summary>Bytes of blocks freed during the snapshot and held until it ended (cow-fresh-pages).</summary>
    public long HeldBytes;
    /// <summary>Bytes the region's top grew by during the snapshot: fresh pages, none of them copies.</summary>
    public long FreshBytes;
    public string? Error;

    /// <summary>Peak of the child's Private_Dirty (Redis's rdb_last_cow_size), total and region mapping alone.</summary>
    public long ChildPeak => ChildTimeline.Count == 0 ? 0 : ChildTimeline.Max(s => s.PrivateDirty);
    public long ChildRegionPeak => ChildTimeline.Count == 0 ? 0 : ChildTimeline.Max(s => s.RegionPrivateDirty);
    public long DismissedBytes => ChildTimeline.Count == 0 ? 0 : ChildTimeline[^1].DismissedBytes;

    public bool Available => Parent.State is RlCowStats.Counting or RlCowStats.Done;

    /// <summary>The counting method as INFO names it.</summary>
    public string Method => Parent.State switch
    {
        RlCowStats.Unavailable => "unavailable",
        RlCowStats.Off => "off",
        RlCowStats.Waiting => "starting",
        _ => Parent.Method == RlCowStats.MethodPfn ? "pfn" : "exclusive",
    };

    /// <summary>Copied pages, or -1 when counting was not available.</summary>
    public long PagesCopied => Available ? Parent.PagesCopied : -1;

    /// <summary>Percentage of the region pages present at the fork that the parent has copied.</summary>
    public double CopiedPerc => Available && Parent.PresentPages > 0 ? 100.0 * Parent.PagesCopied / Parent.PresentPages : 0;

    /// <summary>
    /// True when <see cref="PagesCopied"/> is exact: PFN method, or the exclusive bit with a final
    /// sample at the child's exit and nothing dismissed (a dismissed page becomes exclusive in the
    /// parent without a copy, so the exclusive-bit count is then an upper bound).
    /// </summary>
    public bool Exact => Available && (Parent.Method == RlCowStats.MethodPfn || (Parent.FinalExact != 0 && DismissedBytes == 0));

    public long AvgSampleUs => Parent.Samples > 0 ? Parent.SampleCostTotalUs / Parent.Samples : 0;
    public long AvgSampleCpuUs => Parent.Samples > 0 ? Parent.SampleCpuTotalUs / Parent.Samples : 0;

    /// <summary>Why counting is unavailable, as a sentence (null when it is available).</summary>
    public static string? Explain(in RlCowStats s, string pagemapPath) => s.State == RlCowStats.Unavailable
        ? $"pagemap {pagemapPath} not readable: {new System.ComponentModel.Win32Exception(s.Error).Message}"
        : null;
}
