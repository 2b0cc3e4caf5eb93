using RedisLite.Persistence;

namespace RedisLite.Store;

/// <summary>Thrown when the region's reservation (region-reserve) cannot satisfy an allocation.</summary>
public sealed class RegionFullException() : Exception("region reservation exhausted");

/// <summary>
/// Allocator inside the region. Small blocks (up to <see cref="RegionLayout.MaxClassSize"/>) come
/// from 28 size classes, each carved from 64 KiB slabs (<see cref="Slabs"/>) so that neighbouring
/// small values share pages: a write then dirties (and, during a snapshot, copies) as few pages as
/// possible. Larger blocks get whole page runs of their own (<see cref="FreeRuns"/>). All
/// allocator state that describes blocks (slab lists and counts, free runs, the page map, the
/// byte count) lives in the region header and page map, so the region alone describes it.
///
/// Freed memory goes back to the kernel: a slab whose last chunk is freed becomes a free run,
/// free runs merge with free neighbours, and <see cref="ReleaseFreePages"/> (the cron) returns
/// free runs' pages after a short decay (<see cref="PageRelease"/>). <see cref="Reset"/> forgets
/// every block at once and returns every data page in one call (FLUSHALL).
///
/// Single-writer: callers hold the store lock.
///
/// While a snapshot child shares the region (<see cref="BeginSharing"/>, config cow-fresh-pages),
/// every page write the parent makes to a page present at the fork costs a 4 KiB copy. The
/// allocator then keeps new blocks on fresh pages: slabs and runs carved above the fork-time top,
/// or freed since the fork (those are above it too), instead of old ones; and it holds blocks
/// freed from below that top instead of returning them to their slab or the free runs (that would
/// write to their pages). Held blocks count as freed in <see cref="UsedBytes"/> and are returned
/// after the child ends (<see cref="EndSharing"/>), a few milliseconds' worth per cron tick
/// (<see cref="ReleaseHeld"/>): releasing a hundred thousand blocks at once, each a write fault
/// on a scattered page, would stall every client for tens of milliseconds. A SET that replaces a
/// value then writes only its key record's page, not the old value's page too.
/// </summary>
public sealed unsafe class RegionAllocator
{
    private static readonly uint[] ClassSizes = BuildClassSizes();
    // Class index for each size rounded up to 16 bytes: ClassBySize16[(size + 15) / 16].
    private static readonly byte[] ClassBySize16 = BuildClassLookup();
    private const ulong Page = PageMap.Page;

    private readonly Region _region;
    private readonly RlRegionHeader* _h;
    private readonly PageMap _map;
    private readonly Slabs _slabs;
    private readonly FreeRuns _runs;
    private readonly PageRelease _release;

    // Sharing with a snapshot child (see the class summary).
    private bool _sharing;
    // Top at the fork: blocks below it may be on pages the child shares.
    private ulong _sharedTop;
    // Blocks below _sharedTop freed while sharing, released after it ends (ReleaseHeld).
    private readonly List<ulong> _held = [];

    /// <summary>Formats a fresh region: header, page map, and nothing allocated.</summary>
    public RegionAllocator(Region region, ulong hashSeed)
    {
        _region = region;
        _h = (RlRegionHeader*)region.Base;
        _h->Magic = RegionLayout.Magic;
        _h->Version = RegionLayout.Version;
        _h->PageSize = RegionLayout.PageSize;
        _h->ReservedBytes = region.ReservedBytes;
        _h->HashSeed = hashSeed;
        for (int i = 0; i < RegionLayout.NumClasses; i++) _h->ClassSize[i] = ClassSizes[i];

        ulong pageMapOffset = RoundUpPage((ulong)sizeof(RlRegionHeader));
        ulong pageCount = region.ReservedBytes / Page;
        ulong dataStart = RoundUpPage(pageMapOffset + pageCount * sizeof(uint));
        if (dataStart + RegionLayout.SlabSize > region.ReservedBytes)
            throw new ArgumentException("region too small for its own page map");
        _h->PageMap = pageMapOffset;
        _h->Top = dataStart;
        _map = new PageMap((uint*)(region.Base + pageMapOffset));
        for (ulong p = 0; p < dataStart / Page; p++) _map[p] = RegionLayout.PageMeta;
        _h->UsedBytes = 0;
        _release = new PageRelease(region.Base, _h, _map);
        _runs = new FreeRuns(region.Base, _h, _map, _release);
        _slabs = new Slabs(region.Base, _h, _map, _runs);
    }

    public static IReadOnlyList<uint> SizeClasses => ClassSizes;

    internal static uint ClassSize(int c) => ClassSizes[c];

    /// <summary>Bytes handed out, each block counted at its class size or whole pages.</summary>
    public ulong UsedBytes => _h->UsedBytes;

    /// <summary>First byte never handed out (or handed back at the top): the region's high-water mark.</summary>
    public ulong Top => _h->Top;

    /// <summary>Virtual size of the region (region-reserve).</summary>
    public ulong ReservedBytes => _h->ReservedBytes;

    /// <summary>Where blocks start: everything below is the header and the page map.</summary>
    public ulong DataStart => RoundUpPage(_h->PageMap + _region.ReservedBytes / Page * sizeof(uint));

    /// <summary>
    /// Bytes that a block of any size can still come from: the reservation above the top plus
    /// every free page run (a large block needs one run, so fragmentation may leave less for it).
    /// Free chunks inside slabs are not counted.
    /// </summary>
    public ulong Room => _h->ReservedBytes - _h->Top + _h->FreeRunPages * Page;

    /// <summary>Offset of a new block of at least <paramref name="size"/> bytes; contents undefined. Throws <see cref="RegionFullException"/> before changing anything.</summary>
    public ulong Alloc(ulong size)
    {
        ulong off = TryAlloc(size);
        return off != 0 ? off : throw new RegionFullException();
    }

    /// <summary>Like <see cref="Alloc"/> but returns 0 when the reservation has no room (for growth that can be skipped).</summary>
    public ulong TryAlloc(ulong size)
    {
        ulong off = AllocOnce(size);
        // Out of space while blocks are held for a child: release them now (their pages get
        // copied) rather than fail a write that the same data without a child would not fail.
        if (off == 0 && ReleaseAllHeld()) off = AllocOnce(size);
        return off;
    }

    // Alloc without the last resort; 0 (nothing changed) when there is no room.
    private ulong AllocOnce(ulong size)
    {
        if (size <= RegionLayout.MaxClassSize)
        {
            int c = ClassBySize16[(int)((size + 15) >> 4)];
            ulong slab = SlabFor(c);
            if (slab == 0) return 0;
            _h->UsedBytes += ClassSizes[c];
            return _slabs.Take(c, slab);
        }
        ulong pages = (size + Page - 1) / Page;
        if (pages > RegionLayout.PageDataMask) return 0;
        ulong run = TakeRun(pages);
        if (run == 0) return 0;
        ulong first = run / Page;
        _map[first] = RegionLayout.PageRun | (uint)pages;
        for (ulong p = 1; p < pages; p++) _map[first + p] = RegionLayout.PageRunTail;
        _h->UsedBytes += pages * Page;
        return run;
    }

    // The slab (first page) class c allocates from: its first slab with room, unless a child
    // shares the region and that slab is old; then a new slab on fresh pages, and the old one only
    // when no fresh pages are left. 0 when there is no room at all.
    private ulong SlabFor(int c)
    {
        ulong slab = _slabs.First(c);
        if (slab != 0 && (!_sharing || slab * Page >= _sharedTop)) return slab;
        ulong run = 0;
        if (_sharing)
        {
            run = _runs.TakeListed(PageMap.SlabPages, _sharedTop);
            if (run == 0) run = _runs.TakeTop(PageMap.SlabPages);
            if (run == 0 && slab != 0) return slab;
        }
        if (run == 0) run = TakeRun(PageMap.SlabPages);
        if (run == 0) return 0;
        _slabs.Create(c, run);
        return run / Page;
    }

    // A run of pages: a listed free run (exact fit first) or the top. While sharing, old free runs
    // lie on pages the child shares: runs freed since the fork first, then the top, and old runs
    // only once the top is exhausted.
    private ulong TakeRun(ulong pages)
    {
        ulong run = 0;
        if (_sharing)
        {
            run = _runs.TakeListed(pages, _sharedTop);
            if (run == 0) run = _runs.TakeTop(pages);
            if (run == 0) run = _runs.TakeListed(pages, 0);
            return run;
        }
        run = _runs.TakeListed(pages, 0);
        return run != 0 ? run : _runs.TakeTop(pages);
    }

    /// <summary>Like <see cref="Alloc"/> but the block reads as zeros.</summary>
    public ulong AllocZeroed(ulong size)
    {
        ulong off = Alloc(size);
        new Span<byte>(_region.Base + off, checked((int)Math.Min(size, int.MaxValue))).Clear();
        if (size > int.MaxValue)
            new Span<byte>(_region.Base + off + int.MaxValue, (int)(size - int.MaxValue)).Clear();
        return off;
    }

    /// <summary>Usable size of an allocated block, from the page map.</summary>
    public ulong SizeOf(ulong off) => BlockSize(off, _map[off / Page]);

    // The size of the block at off whose first page has page-map entry e.
    private static ulong BlockSize(ulong off, uint e) => PageMap.Kind(e) switch
    {
        RegionLayout.PageSlab => ClassSizes[PageMap.SlabClass(e)],
        RegionLayout.PageRun => PageMap.Data(e) * Page,
        _ => throw new InvalidOperationException($"offset {off} is not an allocated block"),
    };

    /// <summary>Returns a block to the allocator (while sharing, a block from before the fork is held until it ends).</summary>
    public void Free(ulong off)
    {
        uint e = _map[off / Page];
        ulong size = BlockSize(off, e);
        _h->UsedBytes -= size;
        if (_sharing && off < _sharedTop)
        {
            _held.Add(off);
            HeldBytes += size;
            HeldThisSharing += size;
            return;
        }
        Release(off, e);
    }

    // Returns a block to its slab or the free runs; the bytes-in-use count is the caller's business.
    private void Release(ulong off) => Release(off, _map[off / Page]);

    private void Release(ulong off, uint e)
    {
        switch (PageMap.Kind(e))
        {
            case RegionLayout.PageSlab:
                _slabs.Put(off, e);
                break;
            case RegionLayout.PageRun:
                _runs.Free(off, PageMap.Data(e), markTails: false);
                break;
            default:
                throw new InvalidOperationException($"free of {off}, which is not an allocated block");
        }
    }

    /// <summary>
    /// Returns free pages whose decay has passed to the kernel, a bounded amount per call, until
    /// <paramref name="deadline"/> (Stopwatch ticks); with <paramref name="all"/>, every free page
    /// now. Returns the pages released.
    /// </summary>
    public ulong ReleaseFreePages(long deadline, bool all = false) => _release.Release(deadline, all);

    /// <summary>Return only whole 2 MiB huge pages of free runs (region-hugepages; see <see cref="PageRelease.WholeHugePages"/>).</summary>
    public bool ReleaseWholeHugePages
    {
        get => _release.WholeHugePages;
        set => _release.WholeHugePages = value;
    }

    /// <summary>Pages returned to the kernel since the region was formatted.</summary>
    public ulong ReleasedPages => _release.ReleasedPages;

    /// <summary>True when freed pages wait for their decay before being returned.</summary>
    public bool ReleasePending => _release.Pending > 0;

    /// <summary>
    /// Forgets every block (the caller has dropped every reference: the whole keyspace was
    /// emptied) and returns every data page to the kernel in one call. Faster than freeing block
    /// by block, and leaves nothing resident. While a child shares the region this is safe too:
    /// the child keeps its own copy of the pages, and the parent's pages, now returned, are fresh.
    /// </summary>
    public void Reset()
    {
        ulong dataStart = DataStart, top = _h->Top, end = Math.Max(top, _release.TopEnd);
        if (end > dataStart) Libc.madvise((IntPtr)(_region.Base + dataStart), (nuint)(end - dataStart), Libc.MADV_DONTNEED);
        ZeroEntries(dataStart / Page, end / Page);
        for (int c = 0; c < RegionLayout.NumClasses; c++) _h->ClassSlabs[c] = 0;
        for (int l = 0; l < RegionLayout.RunLists; l++) _h->RunFree[l] = 0;
        _h->FreeRunPages = 0;
        _h->UsedBytes = 0;
        _h->Top = dataStart;
        _held.Clear();
        HeldBytes = 0;
        _release.Forget(dataStart);
        if (_sharing) _sharedTop = _runs.SharedTop = dataStart;
    }

    // Sets page-map entries [from, to) to unused: whole pages of the map are returned to the kernel (they read as zeros).
    private void ZeroEntries(ulong from, ulong to)
    {
        const ulong perPage = Page / sizeof(uint);
        ulong firstWhole = (from + perPage - 1) / perPage * perPage, lastWhole = to / perPage * perPage;
        if (firstWhole >= lastWhole)
        {
            for (ulong p = from; p < to; p++) _map[p] = RegionLayout.PageUnused;
            return;
        }
        for (ulong p = from; p < firstWhole; p++) _map[p] = RegionLayout.PageUnused;
        Libc.madvise((IntPtr)(_map.Entries + firstWhole), (nuint)((lastWhole - firstWhole) * sizeof(uint)), Libc.MADV_DONTNEED);
        for (ulong p = lastWhole; p < to; p++) _map[p] = RegionLayout.PageUnused;
    }

    /// <summary>True between <see cref="BeginSharing"/> and <see cref="EndSharing"/>.</summary>
    public bool Sharing => _sharing;

    /// <summary>Bytes of held blocks not yet released (counted as freed in <see cref="UsedBytes"/>).</summary>
    public ulong HeldBytes { get; private set; }

    /// <summary>Bytes of blocks held since the last <see cref="BeginSharing"/>.</summary>
    public ulong HeldThisSharing { get; private set; }

    /// <summary>
    /// Releases held blocks until <paramref name="deadline"/> (a
    /// <see cref="System.Diagnostics.Stopwatch"/> timestamp) passes; nothing while sharing.
    /// Returns true when none remain held.
    /// </summary>
    public bool ReleaseHeld(long deadline)
    {
        if (_sharing) return _held.Count == 0;
        while (_held.Count > 0)
        {
            for (int n = 0; n < 64 && _held.Count > 0; n++)
            {
                ulong off = _held[^1];
                _held.RemoveAt(_held.Count - 1);
                HeldBytes -= SizeOf(off);
                Release(off);
            }
            if (System.Diagnostics.Stopwatch.GetTimestamp() >= deadline) break;
        }
        return _held.Count == 0;
    }

    /// <summary>Offsets of the blocks held and not yet released (audits).</summary>
    public IReadOnlyList<ulong> HeldBlocks => _held;

    /// <summary>Top when sharing began (the fork); compare with <see cref="Top"/> for the pages carved since.</summary>
    public ulong SharedTop => _sharedTop;

    /// <summary>A snapshot child now shares the region: keep writes on fresh pages (see the class summary).</summary>
    public void BeginSharing()
    {
        if (_sharing) return;
        _sharing = true;
        _sharedTop = _runs.SharedTop = _h->Top;
        HeldThisSharing = 0;
    }

    /// <summary>
    /// The child is gone; held blocks wait for <see cref="ReleaseHeld"/> (blocks still held from
    /// an earlier child simply stay held if a new one starts first).
    /// </summary>
    public void EndSharing()
    {
        if (!_sharing) return;
        _sharing = false;
        _runs.SharedTop = 0;
    }

    // Releases every held block at once, even while sharing; false if there were none. Only for
    // when the region is otherwise full.
    private bool ReleaseAllHeld()
    {
        bool any = _held.Count > 0;
        foreach (ulong off in _held) Release(off);
        _held.Clear();
        HeldBytes = 0;
        return any;
    }

    private static ulong RoundUpPage(ulong n) => (n + Page - 1) & ~(Page - 1);

    private static uint[] BuildClassSizes()
    {
        var sizes = new List<uint>();
        for (uint s = 16; s <= 128; s += 16) sizes.Add(s);
        for (uint b = 128; b < RegionLayout.MaxClassSize; b *= 2)
            for (uint k = 1; k <= 4; k++) sizes.Add(b + k * b / 4);
        if (sizes.Count != RegionLayout.NumClasses) throw new InvalidOperationException("size class table mismatch");
        return sizes.ToArray();
    }

    private static byte[] BuildClassLookup()
    {
        var lookup = new byte[RegionLayout.MaxClassSize / 16 + 1];
        int c = 0;
        for (int i = 0; i < lookup.Length; i++)
        {
            while (ClassSizes[c] < i * 16) c++;
            lookup[i] = (byte)c;
        }
        return lookup;
    }

    // For the books (AllocatorBooks): the raw state.
    internal RlRegionHeader* Header => _h;
    internal PageMap Map => _map;
    internal byte* Base => _region.Base;

    /// <summary>Counts slabs, chunks and page runs by walking the page map up to the top (O(pages)).</summary>
    public RegionAllocatorStats Stats() => AllocatorBooks.Stats(this);

    /// <summary>
    /// Walks the page map, the slabs' free chunks and the free lists and checks the allocator's
    /// books; returns the recomputed bytes in use and the set of listed free chunk offsets.
    /// Throws on a violation.
    /// </summary>
    public AllocatorAudit Audit() => AllocatorBooks.Audit(this);
}
