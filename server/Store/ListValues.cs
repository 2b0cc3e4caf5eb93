using RedisLite.Persistence;

namespace RedisLite.Store;

/// <summary>
/// Creating list keys, for the commands that make lists (pushes, LMOVE's destination, SORT ...
/// STORE); everything else about a list value is <see cref="Quicklist"/>'s.
/// </summary>
public static class ListValues
{
    /// <summary>Creates an empty list record for key (the caller pushes at least one element).</summary>
    public static ulong CreateKey(Keyspace ks, int db, ReadOnlySpan<byte> key)
    {
        ulong rec = ks.Create(db, key, RegionLayout.TypeList, RegionLayout.EncQuicklist);
        ks.Rec(rec).Value = new Quicklist(ks, -2).Create();
        return rec;
    }

    /// <summary>
    /// Replaces <paramref name="key"/> (any type, or missing) with a new list holding
    /// <paramref name="items"/> in order, nodes sized by <paramref name="fill"/>
    /// (list-max-listpack-size). Redis 7.0's SORT ... STORE always makes a quicklist.
    /// </summary>
    public static void Store(Keyspace ks, int db, ReadOnlySpan<byte> key, List<byte[]> items, long fill)
    {
        ulong old = ks.FindRaw(db, key);
        if (old != 0) ks.Delete(db, old);
        ulong rec = CreateKey(ks, db, key);
        var ql = new Quicklist(ks, fill);
        foreach (var item in items) ql.Push(ks.Rec(rec).Value, item, head: false);
    }
}
