using RedisLite.Persistence;

namespace RedisLite.Store;

/// <summary>
/// Free page runs and the top of the region. A freed run is merged with the free runs right
/// before and after it (the page map marks a free run's first and last page, so both neighbours
/// are found in O(1)), so deleting many values leaves a few large runs whose pages can go back to
/// the kernel (<see cref="PageRelease"/>), rather than many small ones each pinning the page that
/// holds its links. A run that reaches the top lowers the top instead.
///
/// Runs are kept in doubly linked lists by page count (<see cref="RlRegionHeader.RunFree"/>) and
/// handed out exact fit first, else split from a larger run. While a snapshot child shares the
/// region (<see cref="SharedTop"/> set), runs are never merged across the fork-time top: a run
/// above it is on fresh pages and must stay findable as such.
/// </summary>
internal sealed unsafe class FreeRuns(byte* regionBase, RlRegionHeader* header, PageMap map, PageRelease release)
{
    private const ulong Page = PageMap.Page;

    /// <summary>The top at the fork while a child shares the region, else 0.</summary>
    public ulong SharedTop;

    private RlFreeRun* Run(ulong off) => (RlFreeRun*)(regionBase + off);

    /// <summary>A listed free run of at least <paramref name="pages"/> pages at or above <paramref name="minOffset"/>, unlinked, its rest put back; or 0.</summary>
    public ulong TakeListed(ulong pages, ulong minOffset)
    {
        for (int list = ListFor(pages); list < RegionLayout.RunLists; list++)
        {
            for (ulong cur = header->RunFree[list]; cur != 0; cur = Run(cur)->Next)
            {
                var run = Run(cur);
                if (run->Pages < pages || cur < minOffset) continue;
                ulong total = run->Pages, released = run->Released;
                Unlink(cur);
                if (total > pages)
                    Push(cur + pages * Page, total - pages, released > pages ? released - pages : 0);
                return cur;
            }
        }
        return 0;
    }

    /// <summary>Pages from the top, or 0 when the reservation has no room.</summary>
    public ulong TakeTop(ulong pages)
    {
        ulong run = header->Top;
        if (pages > (header->ReservedBytes - run) / Page) return 0;
        header->Top = run + pages * Page;
        return run;
    }

    /// <summary>
    /// Frees the run of <paramref name="pages"/> pages at <paramref name="off"/>. Its page-map
    /// entries other than the first are already run tails unless <paramref name="markTails"/>
    /// (a slab's pages).
    /// </summary>
    public void Free(ulong off, ulong pages, bool markTails)
    {
        ulong p = off / Page, n = pages, released = 0;
        for (ulong i = markTails ? 1UL : n; i < n; i++) map[p + i] = RegionLayout.PageRunTail;
        map[p] = RegionLayout.PageRunTail;
        ulong prev = PreviousRun(p);
        if (prev != 0 && MayMerge(prev, p) && p - prev + n <= RegionLayout.PageDataMask)
        {
            released = Run(prev * Page)->Released;
            Unlink(prev * Page);
            map[p - 1] = RegionLayout.PageRunTail;
            n += p - prev;
            p = prev;
        }
        ulong next = p + n;
        if (next < header->Top / Page && PageMap.Kind(map[next]) == RegionLayout.PageFreeRun && MayMerge(p, next))
        {
            ulong nextPages = Run(next * Page)->Pages;
            if (n + nextPages <= RegionLayout.PageDataMask)
            {
                Unlink(next * Page);
                map[next] = RegionLayout.PageRunTail;
                n += nextPages;
            }
        }
        if ((p + n) * Page == header->Top)
        {
            // The run reaches the top: lower the top. Entries at and above the top read unused.
            new Span<uint>(map.Entries + p, checked((int)n)).Clear();
            ulong oldTop = header->Top;
            header->Top = p * Page;
            release.TopLowered(oldTop);
            return;
        }
        Push(p * Page, n, released);
    }

    // First page of the free run ending right before page p, or 0.
    private ulong PreviousRun(ulong p)
    {
        uint e = map[p - 1];
        return PageMap.Kind(e) switch
        {
            RegionLayout.PageFreeRun => p - 1,
            RegionLayout.PageFreeEnd => p - PageMap.Data(e),
            _ => 0,
        };
    }

    // Pages a and b (a before b) may be in one run unless that would straddle the fork-time top.
    private bool MayMerge(ulong a, ulong b) => SharedTop == 0 || a * Page >= SharedTop || b * Page < SharedTop;

    private void Push(ulong off, ulong pages, ulong released)
    {
        ulong p = off / Page;
        map[p] = RegionLayout.PageFreeRun | (uint)pages;
        if (pages > 1) map[p + pages - 1] = RegionLayout.PageFreeEnd | (uint)pages;
        var run = Run(off);
        int list = ListFor(pages);
        ulong head = header->RunFree[list];
        run->Next = head;
        run->Prev = 0;
        run->Pages = pages;
        run->Released = Math.Min(released, pages - 1);
        if (head != 0) Run(head)->Prev = off;
        header->RunFree[list] = off;
        header->FreeRunPages += pages;
        if (run->Released < pages - 1) release.RunFreed(off);
    }

    private void Unlink(ulong off)
    {
        var run = Run(off);
        if (run->Prev != 0) Run(run->Prev)->Next = run->Next;
        else header->RunFree[ListFor(run->Pages)] = run->Next;
        if (run->Next != 0) Run(run->Next)->Prev = run->Prev;
        header->FreeRunPages -= run->Pages;
    }

    public static int ListFor(ulong pages) => (int)Math.Min(pages, RegionLayout.RunLists) - 1;
}
