using RedisLite.Persistence;

namespace RedisLite.Store;

/// <summary>
/// The allocator's books, read back from the region: a census for DEBUG JMAP and an audit for
/// tests that every slab, chunk list, free run and list link agrees with the page map and the
/// byte count. Both walk the page map up to the top (O(pages)); neither is on the command path.
/// </summary>
internal static unsafe class AllocatorBooks
{
    private const ulong Page = PageMap.Page;

    public static RegionAllocatorStats Stats(RegionAllocator a)
    {
        var h = a.Header;
        var map = a.Map;
        var slabs = new ulong[RegionLayout.NumClasses];
        var capacity = new ulong[RegionLayout.NumClasses];
        var used = new ulong[RegionLayout.NumClasses];
        ulong runs = 0, runPages = 0, freeRuns = 0, freeRunPages = 0;
        for (ulong p = a.DataStart / Page; p < h->Top / Page;)
        {
            uint e = map[p];
            switch (PageMap.Kind(e))
            {
                case RegionLayout.PageSlab:
                    int c = PageMap.SlabClass(e);
                    slabs[c]++;
                    capacity[c] += Slabs.Capacity[c];
                    used[c] += map.Field(p, RegionLayout.SlabFUsed);
                    p += PageMap.SlabPages;
                    break;
                case RegionLayout.PageRun:
                    runs++;
                    runPages += PageMap.Data(e);
                    p += PageMap.Data(e);
                    break;
                case RegionLayout.PageFreeRun:
                    ulong n = ((RlFreeRun*)(a.Base + p * Page))->Pages;
                    freeRuns++;
                    freeRunPages += n;
                    p += n;
                    break;
                default:
                    p++;
                    break;
            }
        }
        // Blocks held while sharing are not in use (UsedBytes left them): they count as free.
        foreach (ulong off in a.HeldBlocks)
        {
            uint e = map[off / Page];
            if (PageMap.Kind(e) == RegionLayout.PageSlab)
            {
                used[PageMap.SlabClass(e)]--;
                continue;
            }
            runs--;
            runPages -= PageMap.Data(e);
            freeRuns++;
            freeRunPages += PageMap.Data(e);
        }
        var classes = new SizeClassStats[RegionLayout.NumClasses];
        for (int c = 0; c < RegionLayout.NumClasses; c++)
            classes[c] = new SizeClassStats(RegionAllocator.ClassSize(c), slabs[c], used[c], capacity[c] - used[c]);
        return new RegionAllocatorStats(classes, runs, runPages, freeRuns, freeRunPages, a.DataStart, h->Top, h->ReservedBytes, h->UsedBytes);
    }

    public static AllocatorAudit Audit(RegionAllocator a)
    {
        var h = a.Header;
        var map = a.Map;
        ulong topPage = h->Top / Page, dataPage = a.DataStart / Page;
        if (h->Top % Page != 0 || h->Top < a.DataStart || h->Top > h->ReservedBytes) Fail($"top {h->Top} out of place");

        // The class lists: every slab listed once, of its class, linked both ways, not full.
        var listed = new HashSet<ulong>();
        for (int c = 0; c < RegionLayout.NumClasses; c++)
        {
            ulong prev = 0;
            for (ulong s = h->ClassSlabs[c] / Page; s != 0; prev = s, s = map.Link(s, RegionLayout.SlabFNextLo))
            {
                if (s < dataPage || s >= topPage || PageMap.Kind(map[s]) != RegionLayout.PageSlab || PageMap.SlabClass(map[s]) != c)
                    Fail($"class {c} lists page {s}, which is no slab of that class");
                if (!listed.Add(s)) Fail($"slab at page {s} listed twice");
                if (map.Link(s, RegionLayout.SlabFPrevLo) != prev) Fail($"slab at page {s}: back link {map.Link(s, RegionLayout.SlabFPrevLo)}, expected {prev}");
            }
        }
        var runLists = new Dictionary<ulong, int>();
        for (int l = 0; l < RegionLayout.RunLists; l++)
        {
            ulong prev = 0;
            for (ulong cur = h->RunFree[l]; cur != 0; prev = cur, cur = ((RlFreeRun*)(a.Base + cur))->Next)
            {
                var run = (RlFreeRun*)(a.Base + cur);
                if (!runLists.TryAdd(cur, l)) Fail($"free run {cur} listed twice");
                if (run->Prev != prev) Fail($"free run {cur}: back link {run->Prev}, expected {prev}");
                if (FreeRuns.ListFor(run->Pages) != l) Fail($"free run {cur} of {run->Pages} pages on list {l}");
            }
        }

        var free = new HashSet<ulong>();
        ulong inUse = 0, freePages = 0;
        ulong p = 0;
        while (p < topPage)
        {
            uint e = map[p];
            switch (PageMap.Kind(e))
            {
                case RegionLayout.PageMeta:
                    if (p >= dataPage) Fail($"meta page {p} in the data area");
                    p++;
                    break;
                case RegionLayout.PageSlab:
                    inUse += AuditSlab(a, p, free, listed);
                    p += PageMap.SlabPages;
                    break;
                case RegionLayout.PageRun:
                {
                    ulong n = PageMap.Data(e);
                    if (n == 0 || p + n > topPage) Fail($"run at page {p} of {n} pages passes the top");
                    for (ulong i = 1; i < n; i++)
                        if (map[p + i] != RegionLayout.PageRunTail) Fail($"run at page {p}: page {p + i} has entry {map[p + i]:x8}");
                    inUse += n * Page;
                    p += n;
                    break;
                }
                case RegionLayout.PageFreeRun:
                {
                    var run = (RlFreeRun*)(a.Base + p * Page);
                    ulong n = run->Pages;
                    if (n == 0 || p + n > topPage) Fail($"free run at page {p} of {n} pages passes the top");
                    if (PageMap.Data(e) != n) Fail($"free run at page {p}: page map says {PageMap.Data(e)} pages, header {n}");
                    if (n > 1 && map[p + n - 1] != (RegionLayout.PageFreeEnd | (uint)n)) Fail($"free run at page {p}: last page entry {map[p + n - 1]:x8}");
                    for (ulong i = 1; i + 1 < n; i++)
                        if (map[p + i] != RegionLayout.PageRunTail) Fail($"free run at page {p}: page {p + i} has entry {map[p + i]:x8}");
                    if (run->Released > n - 1) Fail($"free run at page {p}: {run->Released} of {n} pages released");
                    if (!runLists.Remove(p * Page)) Fail($"free run at page {p} is on no list");
                    freePages += n;
                    p += n;
                    break;
                }
                default:
                    Fail($"page {p} below the top has page-map entry {e:x8}");
                    break;
            }
        }
        if (runLists.Count != 0) Fail($"listed free run {runLists.Keys.First()} is not in the page map");
        if (freePages != h->FreeRunPages) Fail($"free runs hold {freePages} pages, the header says {h->FreeRunPages}");
        if (listed.Count != 0) Fail($"slab at page {listed.First()} is listed but not walked");
        // While sharing, held blocks are neither in use nor back in their slab or the free runs.
        ulong usedBytes = inUse - a.HeldBytes;
        if (usedBytes != h->UsedBytes) Fail($"used bytes {h->UsedBytes} but the books say {usedBytes}");
        return new AllocatorAudit(usedBytes, free);
    }

    // Checks one slab (its page entries, counts and free chunks, and whether it is listed); adds
    // its free chunks to free and returns the bytes of its chunks in use.
    private static ulong AuditSlab(RegionAllocator a, ulong slab, HashSet<ulong> free, HashSet<ulong> listed)
    {
        var map = a.Map;
        int c = PageMap.SlabClass(map[slab]);
        if (slab + PageMap.SlabPages > a.Header->Top / Page) Fail($"slab at page {slab} passes the top");
        for (ulong i = 0; i < PageMap.SlabPages; i++)
        {
            uint e = map[slab + i];
            if (PageMap.Kind(e) != RegionLayout.PageSlab || PageMap.SlabClass(e) != c || PageMap.SlabStart(slab + i, e) != slab)
                Fail($"slab at page {slab}: page {slab + i} has entry {e:x8}");
        }
        uint size = RegionAllocator.ClassSize(c), capacity = Slabs.Capacity[c];
        uint used = map.Field(slab, RegionLayout.SlabFUsed), carved = map.Field(slab, RegionLayout.SlabFCarved);
        if (carved > capacity || used > carved) Fail($"slab at page {slab}: {used} used, {carved} carved of {capacity}");
        uint listedFree = 0;
        for (uint idx = map.Field(slab, RegionLayout.SlabFFree); idx != 0; idx = *(uint*)(a.Base + slab * Page + (idx - 1) * size))
        {
            if (idx > carved) Fail($"slab at page {slab}: free chunk index {idx - 1} not carved yet");
            if (!free.Add(slab * Page + (idx - 1) * size)) Fail($"slab at page {slab}: free chunk {idx - 1} listed twice");
            if (++listedFree > carved) Fail($"slab at page {slab}: free list loops");
        }
        if (listedFree != carved - used) Fail($"slab at page {slab}: {listedFree} chunks listed free, {carved - used} expected");
        bool inList = listed.Remove(slab);
        if (inList != (used < capacity)) Fail($"slab at page {slab} with {used} of {capacity} used is {(inList ? "" : "not ")}listed");
        return (ulong)used * size;
    }

    private static void Fail(string what) => throw new InvalidOperationException(what);
}

/// <summary>One size class in <see cref="RegionAllocatorStats"/>: its slabs and how many of their chunks are in use or free.</summary>
public sealed record SizeClassStats(uint ChunkSize, ulong Slabs, ulong UsedChunks, ulong FreeChunks);

/// <summary>
/// A census of the allocator (DEBUG JMAP): per size class, slabs and chunks used/free (free counts
/// every chunk not in use, listed or never carved); page runs in use and free; and the region's
/// top, reserved and used bytes.
/// </summary>
public sealed record RegionAllocatorStats(
    IReadOnlyList<SizeClassStats> Classes, ulong Runs, ulong RunPages, ulong FreeRuns, ulong FreeRunPages,
    ulong DataStart, ulong Top, ulong Reserved, ulong Used);

/// <summary>Result of <see cref="RegionAllocator.Audit"/>.</summary>
public sealed record AllocatorAudit(ulong UsedBytes, IReadOnlySet<ulong> FreeChunks);
