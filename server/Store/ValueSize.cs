namespace RedisLite.Store;

/// <summary>
/// The region bytes a key's value owns, block by block (what a COPY of it allocates). Walks the
/// whole value, O(its size): for the rare case where that must be known exactly (a nearly full
/// region), never on a hot path.
/// </summary>
public static class ValueSize
{
    public static ulong Of(Keyspace ks, ulong rec)
    {
        ulong bytes = 0;
        foreach (var (block, _) in ks.Types.Of(ks.Rec(rec).Type).Blocks(ks, rec)) bytes += ks.Alloc.SizeOf(block);
        return bytes;
    }
}
