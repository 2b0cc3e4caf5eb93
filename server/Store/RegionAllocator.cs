using RedisLite.Persistence;

namespace RedisLite.Store;

/// <summary>Thrown when the region's reservation (maxmemory) cannot satisfy an allocation.</summary>
public sealed class RegionFullException() : Exception("region reservation exhausted");

/// <summary>
/// Allocator inside the region. Small blocks (up to <see cref="RegionLayout.MaxClassSize"/>) come
/// from 28 size classes, each carved lazily from 64 KiB slabs so that neighbouring small values
/// share pages: a write then dirties (and, during a snapshot, copies) as few pages as possible.
/// Larger blocks get whole page runs of their own. All allocator state (free lists, cursors,
/// the page map, the byte count) lives in the region header, so the region alone describes it.
///
/// Single-writer: callers hold the store lock. Freed slab chunks go on per-class free lists;
/// freed page runs go on lists by page count and are reused exact-fit first, else split from a
/// larger run. Runs are not coalesced and empty slabs are not returned (a known limit).
///
/// While a snapshot child shares the region (<see cref="BeginSharing"/>, config cow-fresh-pages),
/// every page write the parent makes to a page present at the fork costs a 4 KiB copy. The
/// allocator then keeps new blocks on fresh pages: it carves them above the fork-time top (or
/// reuses blocks both allocated and freed since the fork) instead of reusing old free chunks, and
/// it holds blocks freed from below that top instead of linking them into a free list (the link
/// would be written into the block). Held blocks count as freed in <see cref="UsedBytes"/> and go
/// on the free lists after the child ends (<see cref="EndSharing"/>), a few milliseconds' worth
/// per cron tick (<see cref="ReleaseHeld"/>): releasing a hundred thousand blocks at once, each a
/// write fault on a scattered page, would stall every client for tens of milliseconds. A SET that
/// replaces a value then writes only its key record's page, not the old value's page too.
/// </summary>
public sealed unsafe class RegionAllocator
{
    private static readonly uint[] ClassSizes = BuildClassSizes();
    // Class index for each size rounded up to 16 bytes: ClassBySize16[(size + 15) / 16].
    private static readonly byte[] ClassBySize16 = BuildClassLookup();

    private readonly Region _region;
    private readonly RlRegionHeader* _h;
    private readonly uint* _pageMap;

    // Sharing with a snapshot child (see the class summary).
    private bool _sharing;
    // Top at the fork: blocks below it may be on pages the child shares.
    private ulong _sharedTop;
    // Blocks below _sharedTop freed while sharing, released to the free lists after it ends (ReleaseHeld).
    private readonly List<ulong> _held = [];
    // Per class, the uncarved rest of the slab that was open at the fork (0 when none): its page
    // holding the cursor is shared, so carving continues in a fresh slab and this rest goes to the
    // free list when sharing ends.
    private readonly ulong[] _parkedCursor = new ulong[RegionLayout.NumClasses];
    private readonly ulong[] _parkedEnd = new ulong[RegionLayout.NumClasses];

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
        ulong pageCount = region.ReservedBytes / RegionLayout.PageSize;
        ulong dataStart = RoundUpPage(pageMapOffset + pageCount * sizeof(uint));
        if (dataStart + RegionLayout.SlabSize > region.ReservedBytes)
            throw new ArgumentException("region too small for its own page map");
        _h->PageMap = pageMapOffset;
        _h->Top = dataStart;
        _pageMap = (uint*)(region.Base + pageMapOffset);
        for (ulong p = 0; p < dataStart / RegionLayout.PageSize; p++) _pageMap[p] = RegionLayout.PageMeta;
        _h->UsedBytes = 0;
    }

    public static IReadOnlyList<uint> SizeClasses => ClassSizes;

    /// <summary>Bytes handed out, each block counted at its class size or whole pages.</summary>
    public ulong UsedBytes => _h->UsedBytes;

    /// <summary>First byte never handed out: the region's high-water mark.</summary>
    public ulong Top => _h->Top;

    /// <summary>Where blocks start: everything below is the header and the page map.</summary>
    public ulong DataStart => RoundUpPage(_h->PageMap + _region.ReservedBytes / RegionLayout.PageSize * sizeof(uint));

    /// <summary>Offset of a new block of at least <paramref name="size"/> bytes; contents undefined.</summary>
    public ulong Alloc(ulong size)
    {
        try
        {
            return AllocOnce(size);
        }
        catch (RegionFullException) when (ReleaseAllHeld())
        {
            // Out of space while blocks are held for a child: release them now (their pages get
            // copied) rather than fail a write that the same data without a child would not fail.
            return AllocOnce(size);
        }
    }

    // Alloc without the last resort; throws RegionFullException before changing anything.
    private ulong AllocOnce(ulong size)
    {
        if (size <= RegionLayout.MaxClassSize)
        {
            int c = ClassBySize16[(int)((size + 15) >> 4)];
            ulong chunk = _h->ClassFree[c];
            ulong csize = ClassSizes[c];
            // While sharing, the free list's head is fresh only if it was freed since the fork
            // (older chunks are held, not listed, so fresh ones are always on top).
            if (chunk != 0 && (!_sharing || chunk >= _sharedTop))
            {
                _h->ClassFree[c] = *(ulong*)(_region.Base + chunk);
            }
            else if (_sharing)
            {
                chunk = CarveWhileSharing(c, csize);
            }
            else
            {
                chunk = _h->ClassCursor[c];
                if (chunk == 0 || chunk + csize > _h->ClassEnd[c]) chunk = NewSlab(c, AllocRun(SlabPages));
                _h->ClassCursor[c] = chunk + csize;
            }
            _h->UsedBytes += csize;
            return chunk;
        }
        ulong pages = (size + RegionLayout.PageSize - 1) / RegionLayout.PageSize;
        ulong run = AllocRun(pages);
        _pageMap[run / RegionLayout.PageSize] = RegionLayout.PageRun | (uint)pages;
        _h->UsedBytes += pages * RegionLayout.PageSize;
        return run;
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
    public ulong SizeOf(ulong off) => BlockSize(off, _pageMap[off / RegionLayout.PageSize]);

    // The size of the block at off whose first page has page-map entry e.
    private static ulong BlockSize(ulong off, uint e) => (e & RegionLayout.PageKindMask) switch
    {
        RegionLayout.PageSlab => ClassSizes[e & RegionLayout.PageDataMask],
        RegionLayout.PageRun => (e & RegionLayout.PageDataMask) * (ulong)RegionLayout.PageSize,
        _ => throw new InvalidOperationException($"offset {off} is not an allocated block"),
    };

    /// <summary>Returns a block to the allocator (while sharing, a block from before the fork is held until it ends).</summary>
    public void Free(ulong off)
    {
        uint e = _pageMap[off / RegionLayout.PageSize];
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

    // Puts a block on its free list; the bytes-in-use count is the caller's business.
    private void Release(ulong off) => Release(off, _pageMap[off / RegionLayout.PageSize]);

    private void Release(ulong off, uint e)
    {
        switch (e & RegionLayout.PageKindMask)
        {
            case RegionLayout.PageSlab:
                int c = (int)(e & RegionLayout.PageDataMask);
                *(ulong*)(_region.Base + off) = _h->ClassFree[c];
                _h->ClassFree[c] = off;
                break;
            case RegionLayout.PageRun:
                PushFreeRun(off, e & RegionLayout.PageDataMask);
                break;
            default:
                throw new InvalidOperationException($"free of {off}, which is not an allocated block");
        }
    }

    /// <summary>True between <see cref="BeginSharing"/> and <see cref="EndSharing"/>.</summary>
    public bool Sharing => _sharing;

    /// <summary>Bytes of held blocks not yet released (counted as freed in <see cref="UsedBytes"/>).</summary>
    public ulong HeldBytes { get; private set; }

    /// <summary>Bytes of blocks held since the last <see cref="BeginSharing"/>.</summary>
    public ulong HeldThisSharing { get; private set; }

    /// <summary>
    /// Releases held blocks to the free lists until <paramref name="deadline"/> (a
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
        _sharedTop = _h->Top;
        HeldThisSharing = 0;
    }

    /// <summary>
    /// The child is gone: the parked slab rests go to the free lists now; held blocks wait for
    /// <see cref="ReleaseHeld"/> (blocks still held from an earlier child simply stay held if a
    /// new one starts first).
    /// </summary>
    public void EndSharing()
    {
        if (!_sharing) return;
        _sharing = false;
        ReleaseParked();
    }

    private const ulong SlabPages = RegionLayout.SlabSize / RegionLayout.PageSize;

    // Makes a run of SlabPages pages the open slab of class c; returns its first chunk.
    private ulong NewSlab(int c, ulong slab)
    {
        uint mark = RegionLayout.PageSlab | (uint)c;
        ulong first = slab / RegionLayout.PageSize;
        for (ulong p = 0; p < SlabPages; p++) _pageMap[first + p] = mark;
        ulong csize = ClassSizes[c];
        _h->ClassEnd[c] = slab + RegionLayout.SlabSize / csize * csize;
        return slab;
    }

    // A chunk of class c on a fresh page while sharing (no fresh free chunk was listed): the open
    // slab if it was carved since the fork, else a new slab from the top (the old open slab's rest
    // is parked until sharing ends). Only when the top is exhausted does it fall back to old free
    // chunks and slabs, at the price of copies.
    private ulong CarveWhileSharing(int c, ulong csize)
    {
        ulong cursor = _h->ClassCursor[c];
        bool open = cursor != 0 && cursor + csize <= _h->ClassEnd[c];
        if (open && cursor >= _sharedTop)
        {
            _h->ClassCursor[c] = cursor + csize;
            return cursor;
        }
        ulong slab = open && _parkedEnd[c] != 0 ? 0 : TakeFromTop(SlabPages);
        if (slab != 0)
        {
            if (open)
            {
                _parkedCursor[c] = cursor;
                _parkedEnd[c] = _h->ClassEnd[c];
            }
            ulong chunk = NewSlab(c, slab);
            _h->ClassCursor[c] = chunk + csize;
            return chunk;
        }
        ulong head = _h->ClassFree[c];
        if (head != 0)
        {
            _h->ClassFree[c] = *(ulong*)(_region.Base + head);
            return head;
        }
        if (!open) cursor = NewSlab(c, AllocRun(SlabPages));
        _h->ClassCursor[c] = cursor + csize;
        return cursor;
    }

    // A run of pages from the free lists (exact fit, then split a larger run) or from the top.
    // Marks tails; the caller marks the first page.
    private ulong AllocRun(ulong pages)
    {
        // While sharing, old free runs lie on pages the child shares: reuse runs freed since the
        // fork first, then fresh pages from the top, and old runs only once the top is exhausted.
        ulong run = 0;
        if (_sharing)
        {
            run = TakeFreeRun(pages, _sharedTop);
            if (run == 0) run = TakeFromTop(pages);
        }
        if (run == 0) run = TakeFreeRun(pages, 0);
        if (run == 0) run = TakeFromTop(pages);
        if (run == 0) throw new RegionFullException();
        ulong firstPage = run / RegionLayout.PageSize;
        for (ulong p = 1; p < pages; p++) _pageMap[firstPage + p] = RegionLayout.PageRunTail;
        return run;
    }

    // A free run of at least `pages` pages at or above `minOffset`, unlinked (exact-size list
    // first, then the rest of a larger run goes back on a list), or 0.
    private ulong TakeFreeRun(ulong pages, ulong minOffset)
    {
        for (int list = ListFor(pages); list < RegionLayout.RunLists; list++)
        {
            ulong prev = 0;
            for (ulong cur = _h->RunFree[list]; cur != 0; prev = cur, cur = ((RlFreeChunk*)(_region.Base + cur))->Next)
            {
                var chunk = (RlFreeChunk*)(_region.Base + cur);
                if (chunk->Pages < pages || cur < minOffset) continue;
                if (prev == 0) _h->RunFree[list] = chunk->Next;
                else ((RlFreeChunk*)(_region.Base + prev))->Next = chunk->Next;
                if (chunk->Pages > pages)
                    PushFreeRun(cur + pages * RegionLayout.PageSize, chunk->Pages - pages);
                return cur;
            }
        }
        return 0;
    }

    // Releases every held block and parked slab rest at once, even while sharing; false if there
    // were none. Only for when the region is otherwise full.
    private bool ReleaseAllHeld()
    {
        bool any = _held.Count > 0;
        foreach (ulong off in _held) Release(off);
        _held.Clear();
        HeldBytes = 0;
        any |= ReleaseParked();
        return any;
    }

    // Puts the parked slab rests on their free lists; false if there were none.
    private bool ReleaseParked()
    {
        bool any = false;
        for (int c = 0; c < RegionLayout.NumClasses; c++)
        {
            if (_parkedEnd[c] == 0) continue;
            ulong csize = ClassSizes[c];
            for (ulong chunk = _parkedCursor[c]; chunk + csize <= _parkedEnd[c]; chunk += csize)
            {
                Release(chunk);
                any = true;
            }
            _parkedCursor[c] = _parkedEnd[c] = 0;
        }
        return any;
    }

    // Pages from the never-used top of the region, or 0 when the reservation has no room.
    private ulong TakeFromTop(ulong pages)
    {
        ulong run = _h->Top;
        ulong end = run + pages * RegionLayout.PageSize;
        if (end > _h->ReservedBytes) return 0;
        _h->Top = end;
        return run;
    }

    private void PushFreeRun(ulong off, ulong pages)
    {
        var chunk = (RlFreeChunk*)(_region.Base + off);
        int list = ListFor(pages);
        chunk->Pages = pages;
        chunk->Next = _h->RunFree[list];
        _h->RunFree[list] = off;
        _pageMap[off / RegionLayout.PageSize] = RegionLayout.PageFreeRun | (uint)Math.Min(pages, RegionLayout.PageDataMask);
        for (ulong p = 1; p < pages; p++) _pageMap[off / RegionLayout.PageSize + p] = RegionLayout.PageRunTail;
    }

    private static int ListFor(ulong pages) => (int)Math.Min(pages, RegionLayout.RunLists) - 1;

    private static ulong RoundUpPage(ulong n) => (n + RegionLayout.PageSize - 1) & ~(ulong)(RegionLayout.PageSize - 1);

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

    /// <summary>Counts slabs, chunks and page runs by walking the page map up to the top and the free lists (O(pages)).</summary>
    public RegionAllocatorStats Stats()
    {
        var slabs = new ulong[RegionLayout.NumClasses];
        var capacity = new ulong[RegionLayout.NumClasses];
        var free = new ulong[RegionLayout.NumClasses];
        for (int c = 0; c < RegionLayout.NumClasses; c++)
            for (ulong cur = _h->ClassFree[c]; cur != 0; cur = *(ulong*)(_region.Base + cur)) free[c]++;
        ulong runs = 0, runPages = 0, freeRuns = 0, freeRunPages = 0;
        const ulong slabPages = RegionLayout.SlabSize / RegionLayout.PageSize;
        for (ulong p = DataStart / RegionLayout.PageSize; p < _h->Top / RegionLayout.PageSize;)
        {
            uint e = _pageMap[p];
            switch (e & RegionLayout.PageKindMask)
            {
                case RegionLayout.PageSlab:
                    int c = (int)(e & RegionLayout.PageDataMask);
                    slabs[c]++;
                    capacity[c] += RegionLayout.SlabSize / ClassSizes[c];
                    p += slabPages;
                    break;
                case RegionLayout.PageRun:
                    runs++;
                    runPages += e & RegionLayout.PageDataMask;
                    p += e & RegionLayout.PageDataMask;
                    break;
                case RegionLayout.PageFreeRun:
                    ulong n = ((RlFreeChunk*)(_region.Base + p * RegionLayout.PageSize))->Pages;
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
        foreach (ulong off in _held)
        {
            uint e = _pageMap[off / RegionLayout.PageSize];
            if ((e & RegionLayout.PageKindMask) == RegionLayout.PageSlab)
            {
                free[e & RegionLayout.PageDataMask]++;
                continue;
            }
            runs--;
            runPages -= e & RegionLayout.PageDataMask;
            freeRuns++;
            freeRunPages += e & RegionLayout.PageDataMask;
        }
        var classes = new SizeClassStats[RegionLayout.NumClasses];
        for (int c = 0; c < RegionLayout.NumClasses; c++)
        {
            // The open slab's uncarved tail counts as free, and so does a slab rest parked while sharing.
            ulong tail = _h->ClassCursor[c] != 0 ? (_h->ClassEnd[c] - _h->ClassCursor[c]) / ClassSizes[c] : 0;
            tail += (_parkedEnd[c] - _parkedCursor[c]) / ClassSizes[c];
            ulong freeChunks = free[c] + tail;
            classes[c] = new SizeClassStats(ClassSizes[c], slabs[c], capacity[c] - freeChunks, freeChunks);
        }
        return new RegionAllocatorStats(classes, runs, runPages, freeRuns, freeRunPages, DataStart, _h->Top, _h->ReservedBytes, _h->UsedBytes);
    }

    /// <summary>
    /// Walks the page map and free lists and checks the allocator's books: every free chunk lies
    /// on a chunk boundary of a slab of its class and is listed once, every free run is marked,
    /// and the bytes in use equal what the page map holds minus what the free lists hold.
    /// Returns the recomputed bytes in use and the set of free chunk offsets. Throws on a violation.
    /// </summary>
    public AllocatorAudit Audit()
    {
        var free = new HashSet<ulong>();
        ulong freeSmall = 0;
        for (int c = 0; c < RegionLayout.NumClasses; c++)
        {
            for (ulong cur = _h->ClassFree[c]; cur != 0; cur = *(ulong*)(_region.Base + cur))
            {
                uint e = _pageMap[cur / RegionLayout.PageSize];
                if (e != (RegionLayout.PageSlab | (uint)c)) throw new InvalidOperationException($"free chunk {cur} of class {c} is not in a slab of that class");
                if (!free.Add(cur)) throw new InvalidOperationException($"free chunk {cur} listed twice");
                freeSmall += ClassSizes[c];
            }
        }
        var freeRuns = new HashSet<ulong>();
        for (int l = 0; l < RegionLayout.RunLists; l++)
            for (ulong cur = _h->RunFree[l]; cur != 0; cur = ((RlFreeChunk*)(_region.Base + cur))->Next)
            {
                if ((_pageMap[cur / RegionLayout.PageSize] & RegionLayout.PageKindMask) != RegionLayout.PageFreeRun)
                    throw new InvalidOperationException($"free run {cur} not marked free in the page map");
                if (!freeRuns.Add(cur)) throw new InvalidOperationException($"free run {cur} listed twice");
            }

        ulong carved = 0, runs = 0;
        ulong topPage = _h->Top / RegionLayout.PageSize;
        for (ulong p = 0; p < topPage;)
        {
            uint e = _pageMap[p];
            switch (e & RegionLayout.PageKindMask)
            {
                case RegionLayout.PageMeta: p++; break;
                case RegionLayout.PageSlab:
                {
                    int c = (int)(e & RegionLayout.PageDataMask);
                    ulong slab = p * RegionLayout.PageSize;
                    ulong end = slab + RegionLayout.SlabSize / ClassSizes[c] * ClassSizes[c];
                    bool open = _h->ClassCursor[c] > slab && _h->ClassCursor[c] <= _h->ClassEnd[c] && _h->ClassEnd[c] == end;
                    ulong limit = open ? _h->ClassCursor[c] : end;
                    carved += (limit - slab);
                    foreach (ulong f in free)
                        if (f >= slab && f < slab + RegionLayout.SlabSize && ((f - slab) % ClassSizes[c] != 0 || f >= limit))
                            throw new InvalidOperationException($"free chunk {f} is off the chunk grid of slab {slab}");
                    p += RegionLayout.SlabSize / RegionLayout.PageSize;
                    break;
                }
                case RegionLayout.PageRun:
                {
                    ulong n = e & RegionLayout.PageDataMask;
                    runs += n * RegionLayout.PageSize;
                    p += n;
                    break;
                }
                case RegionLayout.PageFreeRun:
                {
                    ulong off = p * RegionLayout.PageSize;
                    if (!freeRuns.Remove(off)) throw new InvalidOperationException($"page {p} marked free but on no list");
                    p += ((RlFreeChunk*)(_region.Base + off))->Pages;
                    break;
                }
                default:
                    throw new InvalidOperationException($"page {p} below top has page-map entry {e:x8}");
            }
        }
        if (freeRuns.Count != 0) throw new InvalidOperationException("a listed free run is not reachable in the page map");
        // While sharing, held blocks are neither in use nor listed, and parked slab rests are uncarved.
        ulong parked = 0;
        for (int c = 0; c < RegionLayout.NumClasses; c++) parked += (_parkedEnd[c] - _parkedCursor[c]) / ClassSizes[c] * ClassSizes[c];
        ulong used = carved - freeSmall - parked + runs - HeldBytes;
        if (used != _h->UsedBytes) throw new InvalidOperationException($"used bytes {_h->UsedBytes} but the books say {used}");
        return new AllocatorAudit(used, free);
    }
}

/// <summary>One size class in <see cref="RegionAllocatorStats"/>: its slabs and how many of their chunks are in use or free.</summary>
public sealed record SizeClassStats(uint ChunkSize, ulong Slabs, ulong UsedChunks, ulong FreeChunks);

/// <summary>
/// A census of the allocator (DEBUG JMAP): per size class, slabs and chunks used/free (free
/// counts list entries plus the uncarved tail of the class's open slab); page runs in use and on
/// the free lists; and the region's top, reserved and used bytes.
/// </summary>
public sealed record RegionAllocatorStats(
    IReadOnlyList<SizeClassStats> Classes, ulong Runs, ulong RunPages, ulong FreeRuns, ulong FreeRunPages,
    ulong DataStart, ulong Top, ulong Reserved, ulong Used);

/// <summary>Result of <see cref="RegionAllocator.Audit"/>.</summary>
public sealed record AllocatorAudit(ulong UsedBytes, IReadOnlySet<ulong> FreeChunks);
