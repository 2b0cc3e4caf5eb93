using System.Runtime.CompilerServices;
using RedisLite.Persistence;

namespace RedisLite.Store;

/// <summary>
/// The small-block side of the allocator: each size class carves chunks from 64 KiB slabs. A
/// slab keeps its own free chunks (a list through the chunks, by index) and counts the chunks in
/// use, all in its page-map entries (<see cref="PageMap"/>). Each class lists its slabs that have
/// a free chunk; allocation takes from the first, so one slab fills before the next is used and
/// slabs that lose their chunks can empty out. A slab that becomes empty is freed as a page run
/// (and its pages go back to the kernel) unless it is its class's only slab with room, kept so
/// that one key set and deleted over and over does not make and free a slab each time.
/// </summary>
internal sealed unsafe class Slabs(byte* regionBase, RlRegionHeader* header, PageMap map, FreeRuns runs)
{
    private const ulong Page = PageMap.Page;

    /// <summary>Chunks per slab, by class.</summary>
    public static readonly uint[] Capacity = RegionAllocator.SizeClasses.Select(s => (uint)RegionLayout.SlabSize / s).ToArray();

    /// <summary>First page of the first slab of class <paramref name="c"/> with a free chunk, or 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong First(int c) => header->ClassSlabs[c] / Page;

    /// <summary>Makes the <see cref="PageMap.SlabPages"/> pages at <paramref name="run"/> an empty slab of class <paramref name="c"/>, first in its class's list.</summary>
    public void Create(int c, ulong run)
    {
        ulong slab = run / Page;
        for (ulong i = 0; i < PageMap.SlabPages; i++) map[slab + i] = PageMap.SlabEntry(c, i);
        PushFirst(c, slab);
    }

    /// <summary>A chunk of the slab at page <paramref name="slab"/> of class <paramref name="c"/>, which has a free one.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong Take(int c, ulong slab)
    {
        uint size = RegionAllocator.ClassSize(c);
        uint head = map.Field(slab, RegionLayout.SlabFFree);
        ulong chunk;
        if (head != 0)
        {
            chunk = slab * Page + (head - 1) * size;
            map.SetField(slab, RegionLayout.SlabFFree, *(uint*)(regionBase + chunk));
        }
        else
        {
            uint carved = map.Field(slab, RegionLayout.SlabFCarved);
            chunk = slab * Page + carved * size;
            map.SetField(slab, RegionLayout.SlabFCarved, carved + 1);
        }
        uint used = map.Field(slab, RegionLayout.SlabFUsed) + 1;
        map.SetField(slab, RegionLayout.SlabFUsed, used);
        if (used == Capacity[c]) Unlink(c, slab);
        return chunk;
    }

    /// <summary>Returns the chunk at <paramref name="off"/>, whose page's entry is <paramref name="e"/>, to its slab.</summary>
    public void Put(ulong off, uint e)
    {
        int c = PageMap.SlabClass(e);
        ulong slab = PageMap.SlabStart(off / Page, e);
        uint index = (uint)(off - slab * Page) / RegionAllocator.ClassSize(c);
        *(uint*)(regionBase + off) = map.Field(slab, RegionLayout.SlabFFree);
        map.SetField(slab, RegionLayout.SlabFFree, index + 1);
        uint used = map.Field(slab, RegionLayout.SlabFUsed);
        if (used == Capacity[c]) PushFirst(c, slab);
        map.SetField(slab, RegionLayout.SlabFUsed, --used);
        if (used == 0 && (First(c) != slab || map.Link(slab, RegionLayout.SlabFNextLo) != 0))
        {
            Unlink(c, slab);
            runs.Free(slab * Page, PageMap.SlabPages, markTails: true);
        }
    }

    private void PushFirst(int c, ulong slab)
    {
        ulong first = First(c);
        map.SetLink(slab, RegionLayout.SlabFNextLo, first);
        map.SetLink(slab, RegionLayout.SlabFPrevLo, 0);
        if (first != 0) map.SetLink(first, RegionLayout.SlabFPrevLo, slab);
        header->ClassSlabs[c] = slab * Page;
    }

    private void Unlink(int c, ulong slab)
    {
        ulong prev = map.Link(slab, RegionLayout.SlabFPrevLo), next = map.Link(slab, RegionLayout.SlabFNextLo);
        if (prev != 0) map.SetLink(prev, RegionLayout.SlabFNextLo, next);
        else header->ClassSlabs[c] = next * Page;
        if (next != 0) map.SetLink(next, RegionLayout.SlabFPrevLo, prev);
        map.SetLink(slab, RegionLayout.SlabFNextLo, 0);
        map.SetLink(slab, RegionLayout.SlabFPrevLo, 0);
    }
}
