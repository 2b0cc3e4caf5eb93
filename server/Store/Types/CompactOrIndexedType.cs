namespace RedisLite.Store;

/// <summary>
/// The life of a collection kept either compact, as one self-contained block (a listpack or an
/// intset: freed as a block, copied as its bytes), or indexed, in structures of its own (a
/// hashtable, a skiplist). Hashes, sets and sorted sets differ only in which encoding is the
/// compact one and how their indexed form is freed and copied, so DEL and COPY are written once here.
/// </summary>
/// <param name="code">The RegionLayout.Type* code.</param>
/// <param name="name">The TYPE name.</param>
/// <param name="compact">The compact encoding and its OBJECT ENCODING name.</param>
/// <param name="indexed">The indexed encoding and its OBJECT ENCODING name.</param>
public abstract class CompactOrIndexedType(byte code, string name, (byte Code, string Name) compact, (byte Code, string Name) indexed) : IValueType
{
    public byte Code => code;
    public string Name => name;

    public string EncodingName(byte encoding) =>
        encoding == compact.Code ? compact.Name : encoding == indexed.Code ? indexed.Name : "unknown";

    public abstract long Count(Keyspace ks, ulong rec);
    public abstract IEnumerable<(ulong Offset, string What)> Blocks(Keyspace ks, ulong rec);

    /// <summary>A copy of a compact value's block, in a block of its own.</summary>
    protected abstract ulong CopyCompact(Keyspace ks, ulong block);

    /// <summary>Frees everything an indexed value (the record's value offset) owns.</summary>
    protected abstract void FreeIndexed(Keyspace ks, ulong value);

    /// <summary>A deep copy of an indexed value; returns the new value offset.</summary>
    protected abstract ulong CopyIndexed(Keyspace ks, ulong value);

    public void Free(Keyspace ks, ulong rec)
    {
        ref var r = ref ks.Rec(rec);
        if (r.Value == 0) return;
        if (r.Encoding == compact.Code) ks.Alloc.Free(r.Value);
        else FreeIndexed(ks, r.Value);
    }

    public void Copy(Keyspace ks, ulong src, ulong dst)
    {
        ref var s = ref ks.Rec(src);
        ulong value = s.Encoding == compact.Code ? CopyCompact(ks, s.Value) : CopyIndexed(ks, s.Value);
        ref var d = ref ks.Rec(dst);
        d.Encoding = s.Encoding;
        d.Value = value;
    }
}
