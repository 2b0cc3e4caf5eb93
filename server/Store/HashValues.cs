using RedisLite.Persistence;

namespace RedisLite.Store;

/// <summary>
/// Hash values of records (the storage side of Redis 7.0's t_hash.c). Two encodings:
/// <list type="bullet">
/// <item><c>listpack</c>: a <see cref="Listpack"/> of field, value, field, value... while there
/// are at most <c>hash-max-listpack-entries</c> fields and no field or value is longer than
/// <c>hash-max-listpack-value</c> bytes; new fields are appended, so order is insertion order;</item>
/// <item><c>hashtable</c>: a <see cref="Dict"/> of <see cref="RlHent"/> elements, each holding
/// the field bytes and then the value bytes in one block (one allocation per field, and a value
/// update rewrites in place when the block's class has room).</item>
/// </list>
/// A hash never converts back (as in Redis), and is never empty: callers delete the key when the
/// last field goes.
/// </summary>
public static unsafe class HashValues
{
    private static Dict OpenDict(Keyspace ks, ulong dict) => ElementTables.Open(ks, dict);

    /// <summary>The limits that decide the encoding (hash-max-listpack-entries / -value).</summary>
    public readonly record struct Limits(long MaxEntries, long MaxValue);

    /// <summary>Makes the record an empty listpack hash.</summary>
    public static void Init(Keyspace ks, ulong rec)
    {
        ref var r = ref ks.Rec(rec);
        r.Type = RegionLayout.TypeHash;
        r.Encoding = RegionLayout.EncListpack;
        r.Value = new Listpack(ks).Create();
    }

    private static ulong NewDict(Keyspace ks) => ElementTables.New(ks);

    public static long Count(Keyspace ks, ulong rec)
    {
        ref var r = ref ks.Rec(rec);
        return r.Encoding == RegionLayout.EncListpack ? new Listpack(ks).Count(r.Value) / 2 : (long)OpenDict(ks, r.Value).Count;
    }

    /// <summary>
    /// The value of <paramref name="field"/>, or false. Listpack ints are formatted into
    /// <paramref name="scratch"/> (≥ 20 bytes). The span is valid until the next write.
    /// </summary>
    public static bool TryGet(Keyspace ks, ulong rec, ReadOnlySpan<byte> field, Span<byte> scratch, out ReadOnlySpan<byte> value)
    {
        ref var r = ref ks.Rec(rec);
        value = default;
        if (r.Encoding == RegionLayout.EncListpack)
        {
            var lp = new Listpack(ks);
            int first = lp.First(r.Value);
            if (first < 0) return false;
            int pos = lp.Find(r.Value, first, field, 1);
            if (pos < 0) return false;
            value = lp.GetBytes(r.Value, lp.Next(r.Value, pos), scratch);
            return true;
        }
        var dict = OpenDict(ks, r.Value);
        ulong e = dict.Find(field, ks.Hash(field));
        if (e == 0) return false;
        value = ElementValue(ks, e);
        return true;
    }

    private static ReadOnlySpan<byte> ElementValue(Keyspace ks, ulong e)
    {
        var h = (RlHent*)ks.Region.Ptr(e);
        return new ReadOnlySpan<byte>((byte*)h + sizeof(RlHent) + h->KeyLen, (int)h->ValLen);
    }

    private static ReadOnlySpan<byte> ElementField(Keyspace ks, ulong e)
    {
        var h = (RlHent*)ks.Region.Ptr(e);
        return new ReadOnlySpan<byte>((byte*)h + sizeof(RlHent), (int)h->KeyLen);
    }

    public static bool Exists(Keyspace ks, ulong rec, ReadOnlySpan<byte> field)
    {
        Span<byte> scratch = stackalloc byte[20];
        return TryGet(ks, rec, field, scratch, out _);
    }

    /// <summary>
    /// Converts a listpack hash to a hashtable before a write whose field or value is longer than
    /// the limit (hashTypeTryConversion, checked over all of a command's arguments first).
    /// </summary>
    public static void ConvertIfTooLong(Keyspace ks, ulong rec, ReadOnlySpan<byte> s, Limits limits)
    {
        if (ks.Rec(rec).Encoding == RegionLayout.EncListpack && s.Length > limits.MaxValue) ConvertToHashtable(ks, rec);
    }

    /// <summary>Sets field to value (hashTypeSet). True if the field is new.</summary>
    public static bool Set(Keyspace ks, ulong rec, ReadOnlySpan<byte> field, ReadOnlySpan<byte> value, Limits limits)
    {
        ref var r = ref ks.Rec(rec);
        if (r.Encoding == RegionLayout.EncListpack && (field.Length > limits.MaxValue || value.Length > limits.MaxValue))
            ConvertToHashtable(ks, rec);
        if (r.Encoding == RegionLayout.EncListpack)
        {
            var lp = new Listpack(ks);
            ulong block = r.Value;
            int first = lp.First(block);
            int pos = first < 0 ? -1 : lp.Find(block, first, field, 1);
            if (pos >= 0)
            {
                lp.Replace(ref block, lp.Next(block, pos), value);
                r.Value = block;
                return false;
            }
            lp.Append(ref block, field);
            lp.Append(ref block, value);
            r.Value = block;
            if (lp.Count(block) / 2 > limits.MaxEntries) ConvertToHashtable(ks, rec);
            return true;
        }
        var dict = OpenDict(ks, r.Value);
        ulong hash = ks.Hash(field);
        ulong e = dict.Find(field, hash);
        if (e == 0)
        {
            dict.Add(NewElement(ks, field, value, hash));
            return true;
        }
        var h = (RlHent*)ks.Region.Ptr(e);
        ulong need = (ulong)sizeof(RlHent) + h->KeyLen + (ulong)value.Length;
        ulong cap = ks.Alloc.SizeOf(e);
        if (need <= cap && (cap <= 64 || need > cap / 2))
        {
            value.CopyTo(new Span<byte>((byte*)h + sizeof(RlHent) + h->KeyLen, value.Length));
            h->ValLen = (uint)value.Length;
            return false;
        }
        ulong fresh = NewElement(ks, field, value, hash);
        dict.Replace(e, fresh);
        ks.Alloc.Free(e);
        return false;
    }

    private static ulong NewElement(Keyspace ks, ReadOnlySpan<byte> field, ReadOnlySpan<byte> value, ulong hash)
    {
        ulong e = ks.Alloc.Alloc((ulong)(sizeof(RlHent) + field.Length + value.Length));
        var h = (RlHent*)ks.Region.Ptr(e);
        h->Next = 0;
        h->Hash = hash;
        h->KeyLen = (uint)field.Length;
        h->ValLen = (uint)value.Length;
        byte* p = (byte*)h + sizeof(RlHent);
        field.CopyTo(new Span<byte>(p, field.Length));
        value.CopyTo(new Span<byte>(p + field.Length, value.Length));
        return e;
    }

    /// <summary>Deletes a field; true if it was there. The caller deletes the key if the hash is now empty.</summary>
    public static bool Delete(Keyspace ks, ulong rec, ReadOnlySpan<byte> field)
    {
        ref var r = ref ks.Rec(rec);
        if (r.Encoding == RegionLayout.EncListpack)
        {
            var lp = new Listpack(ks);
            ulong block = r.Value;
            int first = lp.First(block);
            int pos = first < 0 ? -1 : lp.Find(block, first, field, 1);
            if (pos < 0) return false;
            lp.Delete(ref block, pos, 2);
            r.Value = block;
            return true;
        }
        return ElementTables.Remove(ks, r.Value, field);
    }

    /// <summary>Converts a listpack hash to a hashtable (hashTypeConvert), keeping every field.</summary>
    public static void ConvertToHashtable(Keyspace ks, ulong rec)
    {
        ref var r = ref ks.Rec(rec);
        if (r.Encoding != RegionLayout.EncListpack) return;
        var lp = new Listpack(ks);
        ulong block = r.Value;
        ulong d = NewDict(ks);
        var dict = OpenDict(ks, d);
        Span<byte> fs = stackalloc byte[20], vs = stackalloc byte[20];
        for (int pos = lp.First(block); pos >= 0; pos = lp.Next(block, lp.Next(block, pos)))
        {
            var f = lp.GetBytes(block, pos, fs);
            var v = lp.GetBytes(block, lp.Next(block, pos), vs);
            dict.Add(NewElement(ks, f, v, ks.Hash(f)));
        }
        lp.Free(block);
        r.Value = d;
        r.Encoding = RegionLayout.EncHt;
    }

    /// <summary>Every field and value (listpack in order, hashtable in table order).</summary>
    public static List<(byte[] Field, byte[] Value)> Pairs(Keyspace ks, ulong rec)
    {
        ref var r = ref ks.Rec(rec);
        var list = new List<(byte[], byte[])>();
        if (r.Encoding == RegionLayout.EncListpack)
        {
            var lp = new Listpack(ks);
            ulong block = r.Value;
            Span<byte> fs = stackalloc byte[20], vs = stackalloc byte[20];
            for (int pos = lp.First(block); pos >= 0; pos = lp.Next(block, lp.Next(block, pos)))
                list.Add((lp.GetBytes(block, pos, fs).ToArray(), lp.GetBytes(block, lp.Next(block, pos), vs).ToArray()));
            return list;
        }
        foreach (ulong e in OpenDict(ks, r.Value).Entries())
            list.Add((ElementField(ks, e).ToArray(), ElementValue(ks, e).ToArray()));
        return list;
    }

    /// <summary>The pair at a listpack index (0-based pair number) — for HRANDFIELD on listpacks.</summary>
    public static (byte[] Field, byte[] Value) PairAt(Keyspace ks, ulong rec, int index)
    {
        var lp = new Listpack(ks);
        ulong block = ks.Rec(rec).Value;
        int pos = lp.Seek(block, index * 2L);
        Span<byte> fs = stackalloc byte[20], vs = stackalloc byte[20];
        return (lp.GetBytes(block, pos, fs).ToArray(), lp.GetBytes(block, lp.Next(block, pos), vs).ToArray());
    }

    /// <summary>A uniformly random field and its value (hashTypeRandomElement).</summary>
    public static (byte[] Field, byte[] Value) RandomPair(Keyspace ks, ulong rec, Random rng)
    {
        ref var r = ref ks.Rec(rec);
        if (r.Encoding == RegionLayout.EncListpack) return PairAt(ks, rec, rng.Next((int)Count(ks, rec)));
        var dict = OpenDict(ks, r.Value);
        ulong e = dict.RandomEntry(rng);
        return (ElementField(ks, e).ToArray(), ElementValue(ks, e).ToArray());
    }

    /// <summary>The hashtable of a hashtable-encoded hash (HSCAN walks it).</summary>
    public static Dict HashtableOf(Keyspace ks, ulong rec) => OpenDict(ks, ks.Rec(rec).Value);

    /// <summary>Field and value of a hashtable element.</summary>
    public static (byte[] Field, byte[] Value) Element(Keyspace ks, ulong e) => (ElementField(ks, e).ToArray(), ElementValue(ks, e).ToArray());

    /// <summary>The region blocks a hash value owns (for audits).</summary>
    public static IEnumerable<(ulong Offset, string What)> Blocks(Keyspace ks, ulong rec)
    {
        var r = ks.Rec(rec);
        if (r.Encoding == RegionLayout.EncListpack)
        {
            if (new Listpack(ks).Bytes(r.Value) > ks.Alloc.SizeOf(r.Value)) throw new InvalidOperationException("hash listpack larger than its block");
            return [(r.Value, "hash listpack")];
        }
        return SetValues.DictBlocks(ks, r.Value, "hash");
    }
}
