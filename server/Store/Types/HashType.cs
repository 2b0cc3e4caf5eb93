using RedisLite.Persistence;

namespace RedisLite.Store;

/// <summary>The hash type in the keyspace's registry; its storage is <see cref="HashValues"/>.</summary>
public sealed class HashType() : CompactOrIndexedType(RegionLayout.TypeHash, "hash",
    (RegionLayout.EncListpack, "listpack"), (RegionLayout.EncHt, "hashtable"))
{
    public override long Count(Keyspace ks, ulong rec) => HashValues.Count(ks, rec);
    public override IEnumerable<(ulong Offset, string What)> Blocks(Keyspace ks, ulong rec) => HashValues.Blocks(ks, rec);
    protected override ulong CopyCompact(Keyspace ks, ulong block) => new Listpack(ks).Duplicate(block);
    protected override void FreeIndexed(Keyspace ks, ulong value) => ElementTables.Free(ks, value);
    protected override ulong CopyIndexed(Keyspace ks, ulong value) => ElementTables.Copy(ks, value);
}
