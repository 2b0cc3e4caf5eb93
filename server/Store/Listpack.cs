using System.Buffers.Binary;
using System.Buffers.Text;

namespace RedisLite.Store;

/// <summary>
/// Redis 7.0's listpack, byte for byte, stored in a region block: the compact encoding of small
/// lists, hashes and sorted sets. Because the bytes are exactly Redis's, the snapshot child can
/// write a listpack into the RDB file as one blob (RDB_TYPE_HASH_LISTPACK, ZSET_LISTPACK,
/// quicklist-2 nodes) and a loader can adopt one from Redis's RDB unchanged.
///
/// Layout: total-bytes (u32 LE), element count (u16 LE, 65535 = unknown), entries, 0xFF.
/// Entry: encoding+data, then "backlen" (the size of encoding+data, 1-5 bytes, readable from the
/// right) so the list walks both ways. Strings that are canonical integers are stored as ints,
/// as Redis does (lpStringToInt64).
///
/// A listpack grows by reallocating its block (the allocator's class rounding leaves slack, so
/// many inserts fit in place); operations that may move it take the block offset by ref.
/// Positions are byte offsets from the start of the listpack; -1 means none.
/// </summary>
public readonly unsafe struct Listpack
{
    public const int HeaderSize = 6;
    private const byte Eof = 0xFF;

    private readonly Keyspace _ks;

    public Listpack(Keyspace ks) => _ks = ks;

    private byte* P(ulong lp) => _ks.Region.Ptr(lp);

    /// <summary>A new empty listpack block.</summary>
    public ulong Create()
    {
        ulong lp = _ks.Alloc.Alloc(HeaderSize + 1);
        byte* p = P(lp);
        BinaryPrimitives.WriteUInt32LittleEndian(new Span<byte>(p, 4), HeaderSize + 1);
        BinaryPrimitives.WriteUInt16LittleEndian(new Span<byte>(p + 4, 2), 0);
        p[HeaderSize] = Eof;
        return lp;
    }

    /// <summary>Adopts an existing listpack image (e.g. from an RDB file) into a new block.</summary>
    public ulong FromBytes(ReadOnlySpan<byte> image)
    {
        ulong lp = _ks.Alloc.Alloc((ulong)image.Length);
        image.CopyTo(new Span<byte>(P(lp), image.Length));
        return lp;
    }

    public uint Bytes(ulong lp) => BinaryPrimitives.ReadUInt32LittleEndian(new ReadOnlySpan<byte>(P(lp), 4));

    /// <summary>The whole listpack image (valid until the next write).</summary>
    public ReadOnlySpan<byte> Image(ulong lp) => new(P(lp), (int)Bytes(lp));

    /// <summary>A byte copy of the listpack in a block of its own (COPY).</summary>
    public ulong Duplicate(ulong lp) => FromBytes(Image(lp));

    /// <summary>Number of elements (counted by walking when the header says "unknown").</summary>
    public int Count(ulong lp)
    {
        int n = BinaryPrimitives.ReadUInt16LittleEndian(new ReadOnlySpan<byte>(P(lp) + 4, 2));
        if (n != ushort.MaxValue) return n;
        n = 0;
        for (int pos = First(lp); pos >= 0; pos = Next(lp, pos)) n++;
        return n;
    }

    private void SetCount(ulong lp, int n) =>
        BinaryPrimitives.WriteUInt16LittleEndian(new Span<byte>(P(lp) + 4, 2), n < ushort.MaxValue ? (ushort)n : ushort.MaxValue);

    public int First(ulong lp) => P(lp)[HeaderSize] == Eof ? -1 : HeaderSize;

    public int Last(ulong lp)
    {
        int end = (int)Bytes(lp) - 1; // position of EOF
        return end == HeaderSize ? -1 : end - BackLenAt(P(lp), end - 1, out int bl) - bl;
    }

    public int Next(ulong lp, int pos)
    {
        byte* p = P(lp);
        int n = pos + EntrySize(p + pos);
        return p[n] == Eof ? -1 : n;
    }

    public int Prev(ulong lp, int pos)
    {
        if (pos <= HeaderSize) return -1;
        byte* p = P(lp);
        int len = BackLenAt(p, pos - 1, out int bl);
        return pos - bl - len;
    }

    /// <summary>The position of element <paramref name="index"/> (negative counts from the end), or -1.</summary>
    public int Seek(ulong lp, long index)
    {
        int count = Count(lp);
        if (index < 0) index += count;
        if (index < 0 || index >= count) return -1;
        if (index <= count / 2)
        {
            int pos = First(lp);
            for (long i = 0; i < index; i++) pos = Next(lp, pos);
            return pos;
        }
        int back = Last(lp);
        for (long i = count - 1; i > index; i--) back = Prev(lp, back);
        return back;
    }

    /// <summary>Reads the entry at pos: returns true and <paramref name="integer"/> for an int, else the string bytes.</summary>
    public bool Get(ulong lp, int pos, out long integer, out ReadOnlySpan<byte> str)
    {
        byte* e = P(lp) + pos;
        byte b = e[0];
        str = default;
        integer = 0;
        if ((b & 0x80) == 0) { integer = b & 0x7F; return true; }
        if ((b & 0xC0) == 0x80) { str = new ReadOnlySpan<byte>(e + 1, b & 0x3F); return false; }
        if ((b & 0xE0) == 0xC0)
        {
            int v = ((b & 0x1F) << 8) | e[1];
            integer = v >= 1 << 12 ? v - (1 << 13) : v;
            return true;
        }
        if ((b & 0xF0) == 0xE0) { str = new ReadOnlySpan<byte>(e + 2, ((b & 0x0F) << 8) | e[1]); return false; }
        switch (b)
        {
            case 0xF1: integer = BinaryPrimitives.ReadInt16LittleEndian(new ReadOnlySpan<byte>(e + 1, 2)); return true;
            case 0xF2:
            {
                int v = e[1] | (e[2] << 8) | (e[3] << 16);
                integer = (v << 8) >> 8;
                return true;
            }
            case 0xF3: integer = BinaryPrimitives.ReadInt32LittleEndian(new ReadOnlySpan<byte>(e + 1, 4)); return true;
            case 0xF4: integer = BinaryPrimitives.ReadInt64LittleEndian(new ReadOnlySpan<byte>(e + 1, 8)); return true;
            case 0xF0:
                str = new ReadOnlySpan<byte>(e + 5, (int)BinaryPrimitives.ReadUInt32LittleEndian(new ReadOnlySpan<byte>(e + 1, 4)));
                return false;
            default: throw new InvalidDataException($"bad listpack encoding byte 0x{b:x2}");
        }
    }

    /// <summary>The entry's value as bytes; ints are formatted into <paramref name="scratch"/> (≥ 20 bytes).</summary>
    public ReadOnlySpan<byte> GetBytes(ulong lp, int pos, Span<byte> scratch)
    {
        if (!Get(lp, pos, out long v, out var s)) return s;
        Utf8Formatter.TryFormat(v, scratch, out int w);
        return scratch[..w];
    }

    /// <summary>True if the entry at pos equals <paramref name="value"/> (as a client would see them).</summary>
    public bool EntryEquals(ulong lp, int pos, ReadOnlySpan<byte> value)
    {
        if (Get(lp, pos, out long v, out var s)) return StringValues.TryParseCanonicalInt(value, out long x) && x == v;
        return s.SequenceEqual(value);
    }

    /// <summary>
    /// First position from <paramref name="start"/> whose entry equals value, checking every
    /// (skip+1)-th entry (skip 1 walks the fields of a field/value listpack). -1 if none.
    /// </summary>
    public int Find(ulong lp, int start, ReadOnlySpan<byte> value, int skip)
    {
        bool isInt = StringValues.TryParseCanonicalInt(value, out long iv);
        int pos = start;
        while (pos >= 0)
        {
            if (Get(lp, pos, out long v, out var s) ? isInt && v == iv : !isInt && s.SequenceEqual(value)) return pos;
            for (int k = 0; k <= skip && pos >= 0; k++) pos = Next(lp, pos);
        }
        return -1;
    }

    /// <summary>Appends an element at the end.</summary>
    public void Append(ref ulong lp, ReadOnlySpan<byte> value) => InsertAt(ref lp, (int)Bytes(lp) - 1, value);

    /// <summary>Inserts an element at the start.</summary>
    public void Prepend(ref ulong lp, ReadOnlySpan<byte> value) => InsertAt(ref lp, HeaderSize, value);

    /// <summary>Inserts before the entry at pos (or at the EOF position to append). Returns the new entry's position.</summary>
    public int InsertAt(ref ulong lp, int pos, ReadOnlySpan<byte> value)
    {
        Span<byte> enc = stackalloc byte[16];
        int headLen = EncodeHead(value, enc, out bool asInt);
        int dataLen = asInt ? 0 : value.Length;
        int entryLen = headLen + dataLen;
        int backLen = BackLenSize(entryLen);
        int total = entryLen + backLen;
        uint oldBytes = Bytes(lp);
        int count = Count(lp);
        Resize(ref lp, oldBytes + (uint)total);
        byte* p = P(lp);
        Buffer.MemoryCopy(p + pos, p + pos + total, oldBytes - pos, oldBytes - pos);
        enc[..headLen].CopyTo(new Span<byte>(p + pos, headLen));
        if (!asInt) value.CopyTo(new Span<byte>(p + pos + headLen, dataLen));
        WriteBackLen(p + pos + entryLen, entryLen);
        BinaryPrimitives.WriteUInt32LittleEndian(new Span<byte>(p, 4), oldBytes + (uint)total);
        SetCount(lp, count + 1);
        return pos;
    }

    /// <summary>Replaces the entry at pos with value. Returns the entry's (unchanged) position.</summary>
    public int Replace(ref ulong lp, int pos, ReadOnlySpan<byte> value)
    {
        int count = Count(lp);
        Delete(ref lp, pos, 1);
        int at = InsertAt(ref lp, pos, value);
        SetCount(lp, count);
        return at;
    }

    /// <summary>Deletes <paramref name="n"/> consecutive entries starting at pos.</summary>
    public void Delete(ref ulong lp, int pos, int n)
    {
        byte* p = P(lp);
        int end = pos;
        int deleted = 0;
        while (deleted < n && p[end] != Eof)
        {
            end += EntrySize(p + end);
            deleted++;
        }
        uint oldBytes = Bytes(lp);
        int count = Count(lp);
        Buffer.MemoryCopy(p + end, p + pos, oldBytes - end, oldBytes - end);
        uint newBytes = oldBytes - (uint)(end - pos);
        BinaryPrimitives.WriteUInt32LittleEndian(new Span<byte>(p, 4), newBytes);
        SetCount(lp, count - deleted);
        Resize(ref lp, newBytes);
    }

    /// <summary>Frees the block.</summary>
    public void Free(ulong lp) => _ks.Alloc.Free(lp);

    // Grows in place when the block's class has room; otherwise moves to a new block. Shrinks
    // (moves) only when the block would be less than half used, to keep churn low.
    private void Resize(ref ulong lp, uint bytes)
    {
        ulong cap = _ks.Alloc.SizeOf(lp);
        if (bytes <= cap && (bytes > cap / 2 || cap <= 64)) return;
        // A shrink is only tidying: without room for the smaller block, stay in the old one.
        ulong fresh = bytes <= cap ? _ks.Alloc.TryAlloc(bytes) : _ks.Alloc.Alloc(bytes);
        if (fresh == 0) return;
        uint copy = Math.Min(Bytes(lp), bytes);
        Buffer.MemoryCopy(P(lp), P(fresh), bytes, copy);
        _ks.Alloc.Free(lp);
        lp = fresh;
    }

    /// <summary>Bytes an entry for <paramref name="value"/> takes (to decide conversions before inserting).</summary>
    public static int EntrySizeFor(ReadOnlySpan<byte> value)
    {
        Span<byte> enc = stackalloc byte[16];
        int head = EncodeHead(value, enc, out bool asInt);
        int len = head + (asInt ? 0 : value.Length);
        return len + BackLenSize(len);
    }

    private static int EncodeHead(ReadOnlySpan<byte> value, Span<byte> dst, out bool asInt)
    {
        if (value.Length <= 20 && StringValues.TryParseCanonicalInt(value, out long v))
        {
            asInt = true;
            if (v >= 0 && v <= 127) { dst[0] = (byte)v; return 1; }
            if (v >= -4096 && v <= 4095)
            {
                if (v < 0) v += 1 << 13;
                dst[0] = (byte)((v >> 8) | 0xC0);
                dst[1] = (byte)v;
                return 2;
            }
            if (v >= short.MinValue && v <= short.MaxValue)
            {
                dst[0] = 0xF1;
                BinaryPrimitives.WriteInt16LittleEndian(dst[1..], (short)v);
                return 3;
            }
            if (v >= -(1 << 23) && v <= (1 << 23) - 1)
            {
                dst[0] = 0xF2;
                dst[1] = (byte)v; dst[2] = (byte)(v >> 8); dst[3] = (byte)(v >> 16);
                return 4;
            }
            if (v >= int.MinValue && v <= int.MaxValue)
            {
                dst[0] = 0xF3;
                BinaryPrimitives.WriteInt32LittleEndian(dst[1..], (int)v);
                return 5;
            }
            dst[0] = 0xF4;
            BinaryPrimitives.WriteInt64LittleEndian(dst[1..], v);
            return 9;
        }
        asInt = false;
        int len = value.Length;
        if (len < 64) { dst[0] = (byte)(0x80 | len); return 1; }
        if (len < 4096)
        {
            dst[0] = (byte)(0xE0 | (len >> 8));
            dst[1] = (byte)len;
            return 2;
        }
        dst[0] = 0xF0;
        BinaryPrimitives.WriteUInt32LittleEndian(dst[1..], (uint)len);
        return 5;
    }

    // Size of encoding+data+backlen of the entry at e.
    private static int EntrySize(byte* e)
    {
        byte b = e[0];
        int len;
        if ((b & 0x80) == 0) len = 1;
        else if ((b & 0xC0) == 0x80) len = 1 + (b & 0x3F);
        else if ((b & 0xE0) == 0xC0) len = 2;
        else if ((b & 0xF0) == 0xE0) len = 2 + (((b & 0x0F) << 8) | e[1]);
        else len = b switch
        {
            0xF1 => 3, 0xF2 => 4, 0xF3 => 5, 0xF4 => 9,
            0xF0 => 5 + (int)BinaryPrimitives.ReadUInt32LittleEndian(new ReadOnlySpan<byte>(e + 1, 4)),
            _ => throw new InvalidDataException($"bad listpack encoding byte 0x{b:x2}"),
        };
        return len + BackLenSize(len);
    }

    private static int BackLenSize(int len) => len <= 127 ? 1 : len < 16383 ? 2 : len < 2097151 ? 3 : len < 268435455 ? 4 : 5;

    // Redis's lpEncodeBacklen: most significant 7-bit group first; every byte but the first
    // (leftmost) has bit 7 set, so a reader starting at the last byte knows whether to go on.
    private static void WriteBackLen(byte* dst, int len)
    {
        int n = BackLenSize(len);
        for (int i = n - 1; i >= 0; i--)
        {
            dst[i] = (byte)((len & 127) | (i == n - 1 && n > 1 ? 128 : i > 0 ? 128 : 0));
            len >>= 7;
        }
    }

    // Reads a backlen whose last byte is at p[pos]; returns the entry length, bl = bytes of backlen.
    private static int BackLenAt(byte* p, int pos, out int bl)
    {
        int val = 0, shift = 0;
        bl = 0;
        while (true)
        {
            byte b = p[pos - bl];
            val |= (b & 127) << shift;
            bl++;
            if ((b & 128) == 0) break;
            shift += 7;
            if (bl == 5) break;
        }
        return val;
    }
}
