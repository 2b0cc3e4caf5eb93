using RedisLite.Persistence;

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
        ref var r = ref ks.Rec(rec);
        IEnumerable<ulong> blocks = r.Type switch
        {
            RegionLayout.TypeString => r.Encoding == RegionLayout.EncInt ? [] : [r.Value],
            RegionLayout.TypeList => new Quicklist(ks, -2).Blocks(r.Value).Select(b => b.Off),
            RegionLayout.TypeHash => HashValues.Blocks(ks, rec).Select(b => b.Offset),
            RegionLayout.TypeSet => SetValues.Blocks(ks, rec).Select(b => b.Offset),
            RegionLayout.TypeZSet => ZSetValues.AuditBlocks(ks, rec).Select(b => b.Off),
            _ => throw new InvalidOperationException($"no size for value type {r.Type}"),
        };
        ulong bytes = 0;
        foreach (ulong b in blocks) bytes += ks.Alloc.SizeOf(b);
        return bytes;
    }
}
