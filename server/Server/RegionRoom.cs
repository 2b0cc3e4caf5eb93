using RedisLite.Network;
using RedisLite.Store;

namespace RedisLite.Server;

/// <summary>
/// Whether a write fits in what the data region's reservation (region-reserve) has left (issue
/// 11). maxmemory is Redis's check before a command and lets a command that starts under the
/// limit run whole; the reservation cannot be overrun, so a command that ran out of it halfway
/// would leave some of its writes done and others not. Hence, before a command's first write,
/// its need is estimated from what it will store (its arguments, or the result a copying
/// command has computed) and the command is refused whole, with an error naming region-reserve,
/// when the room left (<see cref="RegionAllocator.Room"/>) less a headroom of a sixteenth of the
/// reservation is smaller. The headroom absorbs what the estimate leaves out: index growth (which
/// is skipped anyway when there is no room), encoding conversions, new slabs, fragmentation.
///
/// Not covered: one command needing more than its estimate plus the headroom (say, converting a
/// collection made huge by raised *-max-listpack-* limits when the region is nearly full) can
/// still run out partway; it then replies this same error, and what it wrote stays.
/// </summary>
public static class RegionRoom
{
    // Bytes per stored element on top of its own: a key record or element header, an index slot,
    // listpack entry or skiplist node overhead, rounding up to a size class.
    private const ulong PerElement = 96;
    private const ulong Page = 4096;

    /// <summary>What storing arguments <paramref name="first"/>.. of a command may take.</summary>
    public static ulong ForArguments(RespArgs args, int first)
    {
        ulong need = 0;
        for (int i = first; i < args.Count; i++) need += ForValue((ulong)args[i].Length);
        return need;
    }

    /// <summary>What one stored value of <paramref name="length"/> bytes may take.</summary>
    public static ulong ForValue(ulong length) => length <= Page
        ? length + length / 4 + PerElement
        : (length + Page - 1) / Page * Page + Page + PerElement;

    /// <summary>What <paramref name="count"/> stored elements of <paramref name="bytes"/> bytes in all may take.</summary>
    public static ulong ForElements(ulong count, ulong bytes) => bytes + bytes / 4 + (count + 1) * PerElement;

    /// <summary>
    /// What a copy of the value of <paramref name="rec"/> under a key of <paramref name="keyLength"/>
    /// bytes may take: no value is larger than everything in use, so the value is only measured
    /// (<see cref="ValueSize"/>, a walk of it) when the room left is less than that.
    /// </summary>
    public static ulong ForCopy(Keyspace ks, ulong rec, ulong keyLength)
    {
        ulong record = ForValue(keyLength), bound = ks.Alloc.UsedBytes;
        return Check(ks.Alloc, record + bound) == null ? record + bound : record + ValueSize.Of(ks, rec);
    }

    /// <summary>The room kept in hand for what estimates leave out.</summary>
    public static ulong Headroom(RegionAllocator alloc) => alloc.ReservedBytes / 16;

    /// <summary>Null when a write needing <paramref name="need"/> bytes fits; else the error to refuse it with.</summary>
    public static string? Check(RegionAllocator alloc, ulong need)
    {
        ulong room = alloc.Room, headroom = Headroom(alloc);
        return room >= headroom && room - headroom >= need ? null : Full(alloc, $", {headroom} kept in hand, this command may need {need}");
    }

    /// <summary>The error of a command that ran out of the region partway.</summary>
    public static string Exhausted(RegionAllocator alloc) => Full(alloc, "");

    private static string Full(RegionAllocator alloc, string detail) =>
        $"OOM command not allowed: the data region is full (region-reserve {alloc.ReservedBytes} bytes, {alloc.Room} left{detail})";
}
