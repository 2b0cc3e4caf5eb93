using RedisLite.Persistence;

namespace RedisLite.Store;

/// <summary>
/// The hashtable encoding shared by hashes and sets: a region <see cref="Dict"/> (Elements layout)
/// of self-contained <see cref="RlHent"/> blocks (header, key bytes, value bytes; a set member has
/// no value). Because an element holds no offsets other than its chain link, a copy is its bytes.
/// Sorted sets also index members with rl_hent, but theirs point at skiplist nodes, so they keep
/// their own copier.
/// </summary>
public static unsafe class ElementTables
{
    /// <summary>A new, empty table; returns the offset of its rl_dict block.</summary>
    public static ulong New(Keyspace ks)
    {
        ulong d = ks.Alloc.Alloc((ulong)sizeof(RlDict));
        _ = new Dict(ks, d, Dict.EntryLayout.Elements);
        return d;
    }

    public static Dict Open(Keyspace ks, ulong dict) => new(ks, dict, null);

    /// <summary>Removes and frees the element keyed <paramref name="key"/>, shrinking a sparse table; false if there is none.</summary>
    public static bool Remove(Keyspace ks, ulong dict, ReadOnlySpan<byte> key)
    {
        var table = Open(ks, dict);
        ulong e = table.Find(key, ks.Hash(key));
        if (e == 0) return false;
        table.Remove(e);
        ks.Alloc.Free(e);
        table.ShrinkIfNeeded();
        return true;
    }

    /// <summary>Frees every element, the bucket arrays and the rl_dict block.</summary>
    public static void Free(Keyspace ks, ulong dict)
    {
        var alloc = ks.Alloc;
        Open(ks, dict).Clear(e => alloc.Free(e));
        alloc.Free(dict);
    }

    /// <summary>A new table holding byte copies of every element of <paramref name="dict"/> (COPY).</summary>
    public static ulong Copy(Keyspace ks, ulong dict)
    {
        ulong copy = New(ks);
        var to = Open(ks, copy);
        foreach (ulong e in Open(ks, dict).Entries())
        {
            var h = (RlHent*)ks.Region.Ptr(e);
            int size = sizeof(RlHent) + (int)h->KeyLen + (int)h->ValLen;
            ulong n = ks.Alloc.Alloc((ulong)size);
            new ReadOnlySpan<byte>(ks.Region.Ptr(e), size).CopyTo(new Span<byte>(ks.Region.Ptr(n), size));
            to.Add(n);
        }
        return copy;
    }
}
