using System.Buffers.Binary;
using RedisLite.Persistence;

namespace RedisLite.Store;

/// <summary>
/// Redis's intset, byte for byte, in a region block: the compact encoding of sets whose members
/// are all integers. Layout (<see cref="RlIntset"/>): encoding (u32 LE: 2, 4 or 8 bytes per
/// element), length (u32 LE), then the elements sorted ascending, little endian, all of the
/// encoding's width. Because the bytes are exactly Redis's, the snapshot child writes the blob as
/// RDB_TYPE_SET_INTSET unchanged and a loader adopts one from Redis's RDB as is.
///
/// Lookups binary-search; an insert that needs a wider encoding rewrites every element at the
/// new width (an "upgrade", never undone, as in Redis). The block grows by reallocation; the
/// allocator's class rounding leaves slack, so most inserts fit in place.
/// </summary>
public static unsafe class Intset
{
    public const int HeaderSize = 8;

    private static byte* P(Keyspace ks, ulong set) => ks.Region.Ptr(set);

    public static ulong Create(Keyspace ks)
    {
        ulong set = ks.Alloc.Alloc(HeaderSize);
        var h = (RlIntset*)P(ks, set);
        h->Encoding = 2;
        h->Length = 0;
        return set;
    }

    /// <summary>Adopts an intset image (e.g. from an RDB file) into a new block.</summary>
    public static ulong FromBytes(Keyspace ks, ReadOnlySpan<byte> image)
    {
        ulong set = ks.Alloc.Alloc((ulong)image.Length);
        image.CopyTo(new Span<byte>(P(ks, set), image.Length));
        return set;
    }

    public static int Count(Keyspace ks, ulong set) => (int)((RlIntset*)P(ks, set))->Length;

    public static int Width(Keyspace ks, ulong set) => (int)((RlIntset*)P(ks, set))->Encoding;

    public static int Bytes(Keyspace ks, ulong set) => HeaderSize + Count(ks, set) * Width(ks, set);

    public static ReadOnlySpan<byte> Image(Keyspace ks, ulong set) => new(P(ks, set), Bytes(ks, set));

    /// <summary>A byte copy of the intset in a block of its own (COPY).</summary>
    public static ulong Duplicate(Keyspace ks, ulong set) => FromBytes(ks, Image(ks, set));

    /// <summary>The smallest width (2, 4, 8) that holds <paramref name="v"/>.</summary>
    public static int WidthFor(long v) => v >= short.MinValue && v <= short.MaxValue ? 2 : v >= int.MinValue && v <= int.MaxValue ? 4 : 8;

    public static long Get(Keyspace ks, ulong set, int index)
    {
        var h = (RlIntset*)P(ks, set);
        byte* d = (byte*)h + HeaderSize;
        return h->Encoding switch
        {
            2 => BinaryPrimitives.ReadInt16LittleEndian(new ReadOnlySpan<byte>(d + index * 2, 2)),
            4 => BinaryPrimitives.ReadInt32LittleEndian(new ReadOnlySpan<byte>(d + index * 4, 4)),
            _ => BinaryPrimitives.ReadInt64LittleEndian(new ReadOnlySpan<byte>(d + index * 8, 8)),
        };
    }

    private static void Put(byte* d, int width, int index, long v)
    {
        switch (width)
        {
            case 2: BinaryPrimitives.WriteInt16LittleEndian(new Span<byte>(d + index * 2, 2), (short)v); break;
            case 4: BinaryPrimitives.WriteInt32LittleEndian(new Span<byte>(d + index * 4, 4), (int)v); break;
            default: BinaryPrimitives.WriteInt64LittleEndian(new Span<byte>(d + index * 8, 8), v); break;
        }
    }

    /// <summary>Binary search: true and the index if present, else false and the insertion index.</summary>
    public static bool Search(Keyspace ks, ulong set, long v, out int index)
    {
        int lo = 0, hi = Count(ks, set) - 1;
        if (WidthFor(v) > Width(ks, set)) { index = v < 0 ? 0 : hi + 1; return false; }
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            long cur = Get(ks, set, mid);
            if (cur < v) lo = mid + 1;
            else if (cur > v) hi = mid - 1;
            else { index = mid; return true; }
        }
        index = lo;
        return false;
    }

    public static bool Contains(Keyspace ks, ulong set, long v) => Search(ks, set, v, out _);

    /// <summary>Inserts v (no-op if present); may move the block. True if added.</summary>
    public static bool Add(Keyspace ks, ref ulong set, long v)
    {
        int width = Width(ks, set), count = Count(ks, set);
        int need = WidthFor(v);
        if (need > width)
        {
            // Upgrade: the new value is beyond every existing one, so it goes first or last.
            ulong fresh = ks.Alloc.Alloc((ulong)(HeaderSize + (count + 1) * need));
            byte* dst = P(ks, fresh) + HeaderSize;
            int offset = v < 0 ? 1 : 0;
            for (int i = 0; i < count; i++) Put(dst, need, i + offset, Get(ks, set, i));
            Put(dst, need, v < 0 ? 0 : count, v);
            ks.Alloc.Free(set);
            set = fresh;
            var h = (RlIntset*)P(ks, set);
            h->Encoding = (uint)need;
            h->Length = (uint)(count + 1);
            return true;
        }
        if (Search(ks, set, v, out int at)) return false;
        EnsureCapacity(ks, ref set, HeaderSize + (count + 1) * width);
        byte* d = P(ks, set) + HeaderSize;
        Buffer.MemoryCopy(d + at * width, d + (at + 1) * width, (count - at) * width, (count - at) * width);
        Put(d, width, at, v);
        ((RlIntset*)P(ks, set))->Length = (uint)(count + 1);
        return true;
    }

    /// <summary>Removes v if present; may move the block (to shrink). True if removed.</summary>
    public static bool Remove(Keyspace ks, ref ulong set, long v)
    {
        if (!Search(ks, set, v, out int at)) return false;
        RemoveAt(ks, ref set, at);
        return true;
    }

    public static void RemoveAt(Keyspace ks, ref ulong set, int at)
    {
        int width = Width(ks, set), count = Count(ks, set);
        byte* d = P(ks, set) + HeaderSize;
        Buffer.MemoryCopy(d + (at + 1) * width, d + at * width, (count - at - 1) * width, (count - at - 1) * width);
        ((RlIntset*)P(ks, set))->Length = (uint)(count - 1);
        ulong cap = ks.Alloc.SizeOf(set);
        ulong bytes = (ulong)(HeaderSize + (count - 1) * width);
        ulong fresh;
        // A shrink is only tidying: without room for the smaller block, stay in the old one.
        if (cap > 64 && bytes < cap / 2 && (fresh = ks.Alloc.TryAlloc(bytes)) != 0)
        {
            Buffer.MemoryCopy(P(ks, set), P(ks, fresh), bytes, bytes);
            ks.Alloc.Free(set);
            set = fresh;
        }
    }

    private static void EnsureCapacity(Keyspace ks, ref ulong set, int bytes)
    {
        if ((ulong)bytes <= ks.Alloc.SizeOf(set)) return;
        ulong fresh = ks.Alloc.Alloc((ulong)bytes);
        int old = Bytes(ks, set);
        Buffer.MemoryCopy(P(ks, set), P(ks, fresh), bytes, old);
        ks.Alloc.Free(set);
        set = fresh;
    }
}
