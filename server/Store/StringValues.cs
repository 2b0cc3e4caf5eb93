using System.Buffers.Text;
using RedisLite.Persistence;

namespace RedisLite.Store;

/// <summary>
/// String values of records (Redis's t_string.c storage side). A string is either an integer kept
/// in <see cref="RlKey.Value"/> itself (encoding <c>int</c>) or an <see cref="RlStr"/> block:
/// <c>embstr</c> and <c>raw</c> share that block and differ only in what OBJECT ENCODING reports,
/// following Redis's rules (≤44 bytes on creation is embstr; APPEND/SETRANGE make raw).
/// </summary>
public static unsafe class StringValues
{
    /// <summary>Redis's OBJ_ENCODING_EMBSTR_SIZE_LIMIT.</summary>
    public const int EmbstrLimit = 44;

    /// <summary>Longest decimal text of an int64 plus sign (buffer size for <see cref="Read"/>).</summary>
    public const int MaxIntChars = 20;

    /// <summary>Stores <paramref name="value"/> as the record's string, freeing any old value first.</summary>
    public static void Set(Keyspace ks, ulong rec, ReadOnlySpan<byte> value)
    {
        ks.FreeValue(rec);
        ref var r = ref ks.Rec(rec);
        r.Type = RegionLayout.TypeString;
        if (value.Length <= MaxIntChars && TryParseCanonicalInt(value, out long n))
        {
            r.Encoding = RegionLayout.EncInt;
            r.Value = (ulong)n;
            return;
        }
        r.Encoding = value.Length <= EmbstrLimit ? RegionLayout.EncEmbstr : RegionLayout.EncRaw;
        r.Value = NewBlock(ks, value);
    }

    /// <summary>Stores an integer value (INCR and friends).</summary>
    public static void SetInt(Keyspace ks, ulong rec, long value)
    {
        ks.FreeValue(rec);
        ref var r = ref ks.Rec(rec);
        r.Type = RegionLayout.TypeString;
        r.Encoding = RegionLayout.EncInt;
        r.Value = (ulong)value;
    }

    /// <summary>Stores a string whose bytes the caller writes into the returned span (raw encoding).</summary>
    public static Span<byte> SetUninitialized(Keyspace ks, ulong rec, long length)
    {
        ks.FreeValue(rec);
        ref var r = ref ks.Rec(rec);
        r.Type = RegionLayout.TypeString;
        r.Encoding = RegionLayout.EncRaw;
        ulong block = ks.Alloc.Alloc((ulong)(sizeof(RlStr) + length));
        ((RlStr*)ks.Region.Ptr(block))->Len = (ulong)length;
        r.Value = block;
        return new Span<byte>(ks.Region.Ptr(block + (ulong)sizeof(RlStr)), checked((int)length));
    }

    /// <summary>The value's bytes; an int is formatted into <paramref name="intScratch"/> (≥ 20 bytes).</summary>
    public static ReadOnlySpan<byte> Read(Keyspace ks, ulong rec, Span<byte> intScratch)
    {
        ref var r = ref ks.Rec(rec);
        if (r.Encoding == RegionLayout.EncInt)
        {
            Utf8Formatter.TryFormat((long)r.Value, intScratch, out int written);
            return intScratch[..written];
        }
        var s = (RlStr*)ks.Region.Ptr(r.Value);
        return new ReadOnlySpan<byte>((byte*)s + sizeof(RlStr), (int)s->Len);
    }

    /// <summary>Length in bytes of the value as a client sees it.</summary>
    public static long Length(Keyspace ks, ulong rec)
    {
        ref var r = ref ks.Rec(rec);
        if (r.Encoding == RegionLayout.EncInt)
        {
            Span<byte> tmp = stackalloc byte[MaxIntChars];
            Utf8Formatter.TryFormat((long)r.Value, tmp, out int written);
            return written;
        }
        return (long)((RlStr*)ks.Region.Ptr(r.Value))->Len;
    }

    /// <summary>The integer value if the string is one (int encoding, or text that parses as Redis's string2ll).</summary>
    public static bool TryGetInt(Keyspace ks, ulong rec, out long value)
    {
        ref var r = ref ks.Rec(rec);
        if (r.Encoding == RegionLayout.EncInt) { value = (long)r.Value; return true; }
        Span<byte> none = stackalloc byte[0];
        return TryParseCanonicalInt(Read(ks, rec, none), out value);
    }

    /// <summary>Frees the string block of a record (int values have none).</summary>
    public static void Free(Keyspace ks, ulong rec)
    {
        ref var r = ref ks.Rec(rec);
        if (r.Encoding != RegionLayout.EncInt && r.Value != 0) ks.Alloc.Free(r.Value);
    }

    /// <summary>
    /// Value copier for COPY (Redis's dupStringObject): the same encoding, a block of its own. An
    /// int copy is a private object, not Redis's shared integer, so OBJECT REFCOUNT reports 1.
    /// </summary>
    public static void Copy(Keyspace ks, ulong src, ulong dst)
    {
        ref var s = ref ks.Rec(src);
        ref var d = ref ks.Rec(dst);
        d.Encoding = s.Encoding;
        if (s.Encoding == RegionLayout.EncInt)
        {
            d.Value = s.Value;
            d.Flags |= RegionLayout.FlagUnsharedInt;
            return;
        }
        var str = (RlStr*)ks.Region.Ptr(s.Value);
        d.Value = NewBlock(ks, new ReadOnlySpan<byte>((byte*)str + sizeof(RlStr), (int)str->Len));
    }

    /// <summary>Appends to a string value in place when the block has room, else reallocates. Returns the new length.</summary>
    public static long Append(Keyspace ks, ulong rec, ReadOnlySpan<byte> tail)
    {
        ref var r = ref ks.Rec(rec);
        Span<byte> scratch = stackalloc byte[MaxIntChars];
        if (r.Encoding != RegionLayout.EncInt)
        {
            var s = (RlStr*)ks.Region.Ptr(r.Value);
            ulong need = (ulong)sizeof(RlStr) + s->Len + (ulong)tail.Length;
            if (need <= ks.Alloc.SizeOf(r.Value))
            {
                tail.CopyTo(new Span<byte>((byte*)s + sizeof(RlStr) + (long)s->Len, tail.Length));
                s->Len += (ulong)tail.Length;
                r.Encoding = RegionLayout.EncRaw;
                return (long)s->Len;
            }
        }
        var old = Read(ks, rec, scratch);
        long len = old.Length + tail.Length;
        // Grow geometrically like sds so repeated APPENDs are amortised O(1).
        ulong capacity = (ulong)sizeof(RlStr) + (ulong)(len < 1024 * 1024 ? len * 2 : len + 1024 * 1024);
        ulong block = ks.Alloc.Alloc(capacity);
        var ns = (RlStr*)ks.Region.Ptr(block);
        ns->Len = (ulong)len;
        var dst = new Span<byte>((byte*)ns + sizeof(RlStr), (int)len);
        old.CopyTo(dst);
        tail.CopyTo(dst[old.Length..]);
        Free(ks, rec);
        r.Value = block;
        r.Encoding = RegionLayout.EncRaw;
        return len;
    }

    /// <summary>A writable view of the value grown to at least <paramref name="minLength"/> bytes (zero filled), raw encoding (SETRANGE).</summary>
    public static Span<byte> Writable(Keyspace ks, ulong rec, long minLength)
    {
        ref var r = ref ks.Rec(rec);
        Span<byte> scratch = stackalloc byte[MaxIntChars];
        var old = Read(ks, rec, scratch);
        long len = Math.Max(old.Length, minLength);
        if (r.Encoding != RegionLayout.EncInt && (ulong)sizeof(RlStr) + (ulong)len <= ks.Alloc.SizeOf(r.Value))
        {
            var s = (RlStr*)ks.Region.Ptr(r.Value);
            var span = new Span<byte>((byte*)s + sizeof(RlStr), (int)len);
            // Write only what changes: during a snapshot every first write to a page is a COW
            // copy, so an overwrite in place must not also dirty the header's or record's page.
            if (s->Len != (ulong)len)
            {
                span[(int)s->Len..].Clear();
                s->Len = (ulong)len;
            }
            if (r.Encoding != RegionLayout.EncRaw) r.Encoding = RegionLayout.EncRaw;
            return span;
        }
        ulong block = ks.Alloc.Alloc((ulong)sizeof(RlStr) + (ulong)len);
        var ns = (RlStr*)ks.Region.Ptr(block);
        ns->Len = (ulong)len;
        var dst = new Span<byte>((byte*)ns + sizeof(RlStr), (int)len);
        old.CopyTo(dst);
        dst[old.Length..].Clear();
        Free(ks, rec);
        r.Value = block;
        r.Encoding = RegionLayout.EncRaw;
        return dst;
    }

    private static ulong NewBlock(Keyspace ks, ReadOnlySpan<byte> value)
    {
        ulong block = ks.Alloc.Alloc((ulong)(sizeof(RlStr) + value.Length));
        ((RlStr*)ks.Region.Ptr(block))->Len = (ulong)value.Length;
        value.CopyTo(new Span<byte>(ks.Region.Ptr(block + (ulong)sizeof(RlStr)), value.Length));
        return block;
    }

    /// <summary>
    /// Redis's string2ll: optional '-', digits, no leading zeros (except "0"), no spaces or '+',
    /// fits in int64. Only such text may be stored as an int without changing what GET returns.
    /// </summary>
    public static bool TryParseCanonicalInt(ReadOnlySpan<byte> s, out long value)
    {
        value = 0;
        if (s.Length == 0 || s.Length > 20) return false;
        if (s.Length == 1 && s[0] == '0') return true;
        int i = 0;
        bool neg = false;
        if (s[0] == '-') { neg = true; i = 1; if (s.Length == 1) return false; }
        if (s[i] < '1' || s[i] > '9') return false;
        ulong v = 0;
        for (; i < s.Length; i++)
        {
            uint d = (uint)(s[i] - '0');
            if (d > 9) return false;
            if (v > (ulong.MaxValue - d) / 10) return false;
            v = v * 10 + d;
        }
        if (neg)
        {
            if (v > (ulong)long.MaxValue + 1) return false;
            value = (long)(0 - v);
        }
        else
        {
            if (v > long.MaxValue) return false;
            value = (long)v;
        }
        return true;
    }
}
