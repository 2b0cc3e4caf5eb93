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

    /// <summary>Most pages one <see cref="Release"/> call returns (64 MiB).</summary>
    public const ulong PagesPerCall = 16384;

    // Pages per madvise call: returning 4 KiB pages costs about a millisecond per few MiB, so the
    // deadline is checked between calls of this size.
    private const ulong ChunkPages = 256;
    private const ulong HugePage = 2UL << 20;

    /// <summary>
    /// Return only whole 2 MiB huge pages (region-hugepages): returning part of a huge page
    /// splits it into 512 page-table entries, which a fork then copies one by one and the
    /// snapshot walk misses in the TLB. What a free run holds of a huge page still partly in use
    /// stays resident until its neighbours are freed too.
    /// </summary>
    public bool WholeHugePages;

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
        ulong top = header->Top, step = WholeHugePages ? HugePage : ChunkPages * PageMap.Page;
        if (_topEnd > top && (all || _topDue <= now))
        {
            // Top down, so a stop leaves [top, _topEnd) still to do. Above the old top nothing is
            // in use, so the huge page holding it may be returned whole.
            ulong floor = Align(top, up: true), hi = Math.Min(Align(_topEnd, up: true), header->ReservedBytes);
            while (hi > floor && done < budget)
            {
                ulong from = Math.Max(floor, hi - step);
                done += Advise(from, hi);
                _topEnd = hi = from;
                if (Stopwatch.GetTimestamp() >= deadline) return Done(done);
            }
            if (hi <= floor) _topEnd = 0;
        }
        while (_dirty.Count > 0 && done < budget)
        {
            var (off, due) = _dirty.Peek();
            if (!all && due > now) break;
            if (off < top && PageMap.Kind(map[off / PageMap.Page]) == RegionLayout.PageFreeRun)
            {
                var run = (RlFreeRun*)(regionBase + off);
                // The run's first page keeps its links; pages 1..Released are done.
                ulong first = Align(off + PageMap.Page, up: true), last = Align(off + run->Pages * PageMap.Page, up: false);
                while (run->Released < run->Pages - 1 && done < budget)
                {
                    ulong from = Math.Max(first, Align(off + (1 + run->Released) * PageMap.Page, up: false));
                    ulong to = Math.Min(from + step, last);
                    if (to > from) done += Advise(from, to);
                    run->Released = to >= last ? run->Pages - 1 : (to - off) / PageMap.Page - 1;
                    if (Stopwatch.GetTimestamp() >= deadline) return Done(done);
                }
                if (run->Released < run->Pages - 1) break; // out of budget: the rest of this run next time
            }
            _dirty.Dequeue();
        }
        return Done(done);
    }

    // With WholeHugePages, offset n moved to where a huge page starts (huge pages are aligned in
    // the address space, and the region's base need not be); else n.
    private ulong Align(ulong n, bool up)
    {
        if (!WholeHugePages) return n;
        ulong address = (ulong)regionBase + n;
        address = up ? (address + HugePage - 1) / HugePage * HugePage : address / HugePage * HugePage;
        return address < (ulong)regionBase ? 0 : address - (ulong)regionBase;
    }

    private ulong Done(ulong pages)
    {
        ReleasedPages += pages;
        return pages;
    }

    // madvise(MADV_DONTNEED) over [from, to) when not empty; returns the pages it covered.
    private ulong Advise(ulong from, ulong to)
    {
        if (to <= from) return 0;
        Libc.madvise((IntPtr)(regionBase + from), (nuint)(to - from), Libc.MADV_DONTNEED);
        return (to - from) / PageMap.Page;
    }
}
