using System.Runtime.CompilerServices;
using RedisLite.Persistence;

namespace RedisLite.Store;

/// <summary>
/// The region's page map (native/region.h): one uint per page of the reservation saying what the
/// page is. Besides the kind, a slab page carries its size class, its index in the slab and one
/// field of the slab's state, so a slab needs no header of its own (nothing is written into the
/// slab's pages but the chunks) and a chunk finds its slab from its own page's entry.
/// </summary>
internal readonly unsafe struct PageMap(uint* entries)
{
    public const ulong Page = RegionLayout.PageSize;
    public const ulong SlabPages = RegionLayout.SlabSize / RegionLayout.PageSize;
    private const uint FieldBits = RegionLayout.SlabFieldMask << RegionLayout.SlabFieldShift;

    public ref uint this[ulong page]
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => ref entries[page];
    }

    /// <summary>Start of the entries in memory (to zero a range of them).</summary>
    public uint* Entries => entries;

    public static uint Kind(uint e) => e & RegionLayout.PageKindMask;

    public static ulong Data(uint e) => e & RegionLayout.PageDataMask;

    public static int SlabClass(uint e) => (int)(e & RegionLayout.SlabClassMask);

    /// <summary>First page of the slab holding <paramref name="page"/>, whose entry is <paramref name="e"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong SlabStart(ulong page, uint e) => page - ((e >> RegionLayout.SlabIndexShift) & RegionLayout.SlabIndexMask);

    /// <summary>The entry of page <paramref name="index"/> of a slab of class <paramref name="c"/>, its field zero.</summary>
    public static uint SlabEntry(int c, ulong index) => RegionLayout.PageSlab | (uint)c | (uint)index << RegionLayout.SlabIndexShift;

    /// <summary>Field <paramref name="f"/> (RL_SLAB_F_*) of the slab starting at page <paramref name="slab"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public uint Field(ulong slab, int f) => (entries[slab + (ulong)f] >> RegionLayout.SlabFieldShift) & RegionLayout.SlabFieldMask;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void SetField(ulong slab, int f, uint v)
    {
        ref uint e = ref entries[slab + (ulong)f];
        e = (e & ~FieldBits) | v << RegionLayout.SlabFieldShift;
    }

    /// <summary>A slab list link (a first page number, 0 for none) kept in fields lo and lo + 1.</summary>
    public ulong Link(ulong slab, int lo) => Field(slab, lo) | (ulong)Field(slab, lo + 1) << 19;

    public void SetLink(ulong slab, int lo, ulong page)
    {
        SetField(slab, lo, (uint)(page & RegionLayout.SlabFieldMask));
        SetField(slab, lo + 1, (uint)(page >> 19));
    }
}
