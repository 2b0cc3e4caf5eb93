using RedisLite.Persistence;

namespace RedisLite.Store;

/// <summary>The set type in the keyspace's registry; its storage is <see cref="SetValues"/>.</summary>
public sealed class SetType() : CompactOrIndexedType(RegionLayout.TypeSet, "set",
    (RegionLayout.EncIntset, "intset"), (RegionLayout.EncHt, "hashtable")), IElementSequence
{
    public bool HasOrder => false;

    public override long Count(Keyspace ks, ulong rec) => SetValues.Count(ks, rec);
    public override IEnumerable<(ulong Offset, string What)> Blocks(Keyspace ks, ulong rec) => SetValues.Blocks(ks, rec);
    protected override ulong CopyCompact(Keyspace ks, ulong block) => Intset.Duplicate(ks, block);
    protected override void FreeIndexed(Keyspace ks, ulong value) => ElementTables.Free(ks, value);
    protected override ulong CopyIndexed(Keyspace ks, ulong value) => ElementTables.Copy(ks, value);

    /// <summary>Members in stored order (intset ascending, hashtable in table order).</summary>
    public List<byte[]> Range(Keyspace ks, ulong rec, long start, long stop, bool fromTail)
    {
        var members = SetValues.Members(ks, rec);
        if (start != 0 || stop != members.Count - 1) members = members.GetRange((int)start, (int)(stop - start + 1));
        if (fromTail) members.Reverse();
        return members;
    }
}
