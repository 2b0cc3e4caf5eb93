using System.Diagnostics;
using RedisLite.Persistence;

namespace RedisLite.Store;

/// <summary>
/// Returns the pages of free page runs to the kernel (madvise MADV_DONTNEED), as jemalloc purges
/// dirty pages: not at once but after a decay of about a second, so a value freed and another
/// allocated soon after reuse the same resident pages instead of paying a page fault for each
/// page every time. The cron calls <see cref="Release"/>; each call releases a bounded number of
/// pages (the store lock is held). A free run keeps its first page (its list links live there);
/// <see cref="RlFreeRun.Released"/> says how many of the others are already returned. Pages freed
/// at the top (the top was lowered) are returned the same way.
///
/// Releasing only ever touches free space, so neither the walk of a snapshot child (which reads
/// only referenced blocks, in its own copy of the region) nor a write of the parent is affected:
/// a released page simply reads as zeros when the allocator hands it out again.
/// </summary>
internal sealed unsafe class PageRelease(byte* regionBase, RlRegionHeader* header, PageMap map)
{
    /// <summary>How long freed pages stay resident before they are returned.</summary>
    public static readonly long DecayTicks = Stopwatch.Frequency;

    /// <summary>Most pages one <see cref="Release"/> call returns (64 MiB: a few ms of page freeing).</summary>
    public const ulong PagesPerCall = 16384;

    // Free runs (by offset) that may have resident pages, with when they may be returned. An entry
    // goes stale when its run is merged, taken or re-freed; it is checked against the page map.
    private readonly Queue<(ulong Off, long Due)> _dirty = new();
    // [Top, _topEnd) may still hold resident pages after the top was lowered.
    private ulong _topEnd;
    private long _topDue;

    /// <summary>Pages returned to the kernel so far.</summary>
    public ulong ReleasedPages { get; private set; }

    /// <summary>Free runs waiting for their decay (stale entries included).</summary>
    public int Pending => _dirty.Count + (_topEnd > header->Top ? 1 : 0);

    /// <summary>A free run starting at <paramref name="off"/> has pages that may be resident.</summary>
    public void RunFreed(ulong off) => _dirty.Enqueue((off, Stopwatch.GetTimestamp() + DecayTicks));

    /// <summary>The top was lowered from <paramref name="oldTop"/>: the pages above the new top may be resident.</summary>
    public void TopLowered(ulong oldTop)
    {
        _topEnd = Math.Max(_topEnd, oldTop);
        _topDue = Stopwatch.GetTimestamp() + DecayTicks;
    }

    /// <summary>Everything from <paramref name="from"/> up was returned at once (the allocator was reset).</summary>
    public void Forget(ulong from)
    {
        _dirty.Clear();
        _topEnd = from;
    }

    /// <summary>The end of the pages above the top that may be resident.</summary>
    public ulong TopEnd => Math.Max(_topEnd, header->Top);

    /// <summary>
    /// Returns the pages whose decay has passed (all pending ones with <paramref name="all"/>), at
    /// most <see cref="PagesPerCall"/> of them unless <paramref name="all"/>, stopping once
    /// <paramref name="deadline"/> (Stopwatch ticks) passes. Returns the pages released.
    /// </summary>
    public ulong Release(long deadline, bool all)
    {
        long now = Stopwatch.GetTimestamp();
        ulong budget = all ? ulong.MaxValue : PagesPerCall, done = 0;
        ulong top = header->Top;
        if (_topEnd > top && (all || _topDue <= now))
        {
            ulong pages = Math.Min((_topEnd - top) / PageMap.Page, budget);
            ulong from = _topEnd - pages * PageMap.Page;
            Advise(from, pages);
            _topEnd = from;
            done += pages;
        }
        if (_topEnd <= top) _topEnd = 0;
        while (_dirty.Count > 0 && done < budget)
        {
            var (off, due) = _dirty.Peek();
            if (!all && due > now) break;
            if (off < top && PageMap.Kind(map[off / PageMap.Page]) == RegionLayout.PageFreeRun)
            {
                var run = (RlFreeRun*)(regionBase + off);
                ulong dirty = run->Pages - 1 - run->Released;
                ulong n = Math.Min(dirty, budget - done);
                if (n > 0)
                {
                    Advise(off + (1 + run->Released) * PageMap.Page, n);
                    run->Released += n;
                    done += n;
                }
                if (n < dirty) break; // out of budget: the rest of this run next time
            }
            _dirty.Dequeue();
            if (Stopwatch.GetTimestamp() >= deadline) break;
        }
        ReleasedPages += done;
        return done;
    }

    private void Advise(ulong off, ulong pages)
    {
        if (pages > 0) Libc.madvise((IntPtr)(regionBase + off), (nuint)(pages * PageMap.Page), Libc.MADV_DONTNEED);
    }
}
