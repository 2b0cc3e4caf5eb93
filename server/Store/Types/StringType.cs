using RedisLite.Persistence;

namespace RedisLite.Store;

/// <summary>The string type in the keyspace's registry; its storage is <see cref="StringValues"/>.</summary>
public sealed unsafe class StringType : IValueType
{
    public byte Code => RegionLayout.TypeString;
    public string Name => "string";

    public string EncodingName(byte encoding) => encoding switch
    {
        RegionLayout.EncRaw => "raw",
        RegionLayout.EncInt => "int",
        RegionLayout.EncEmbstr => "embstr",
        _ => "unknown",
    };

    public long Count(Keyspace ks, ulong rec) => 1;

    public void Free(Keyspace ks, ulong rec) => StringValues.Free(ks, rec);

    public void Copy(Keyspace ks, ulong src, ulong dst) => StringValues.Copy(ks, src, dst);

    public IEnumerable<(ulong Offset, string What)> Blocks(Keyspace ks, ulong rec)
    {
        ref var r = ref ks.Rec(rec);
        if (r.Encoding == RegionLayout.EncInt) return [];
        if (ks.Region.At<RlStr>(r.Value).Len + (ulong)sizeof(RlStr) > ks.Alloc.SizeOf(r.Value))
            throw new InvalidOperationException($"string value {r.Value} larger than its block");
        return [(r.Value, "string value")];
    }
}
