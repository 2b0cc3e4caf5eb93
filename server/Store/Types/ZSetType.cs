using RedisLite.Persistence;

namespace RedisLite.Store;

/// <summary>The sorted-set type in the keyspace's registry; its storage is <see cref="ZSetValues"/>.</summary>
public sealed class ZSetType() : CompactOrIndexedType(RegionLayout.TypeZSet, "zset",
    (RegionLayout.EncListpack, "listpack"), (RegionLayout.EncSkiplist, "skiplist")), IElementSequence
{
    public bool HasOrder => true;

    public override long Count(Keyspace ks, ulong rec) => ZSetValues.Length(ks, rec);
    public override IEnumerable<(ulong Offset, string What)> Blocks(Keyspace ks, ulong rec) => ZSetValues.AuditBlocks(ks, rec);
    protected override ulong CopyCompact(Keyspace ks, ulong block) => new Listpack(ks).Duplicate(block);
    protected override void FreeIndexed(Keyspace ks, ulong value) => ZSetValues.FreeSkiplist(ks, value);
    protected override ulong CopyIndexed(Keyspace ks, ulong value) => ZSetValues.CopySkiplist(ks, value);

    /// <summary>Members by rank, ascending by score (rank 0 the lowest), or from the highest with <paramref name="fromTail"/>.</summary>
    public List<byte[]> Range(Keyspace ks, ulong rec, long start, long stop, bool fromTail)
    {
        long len = Count(ks, rec);
        var result = new List<byte[]>((int)(stop - start + 1));
        ulong h = ZSetValues.AtRank(ks, rec, fromTail ? len - 1 - start : start);
        Span<byte> scratch = stackalloc byte[64];
        for (long i = start; i <= stop && h != 0; i++)
        {
            result.Add(ZSetValues.Member(ks, rec, h, scratch).ToArray());
            h = fromTail ? ZSetValues.Prev(ks, rec, h) : ZSetValues.Next(ks, rec, h);
        }
        return result;
    }
}
