using RedisLite.Persistence;

namespace RedisLite.Store;

/// <summary>The list type in the keyspace's registry; its storage is <see cref="Quicklist"/>.</summary>
public sealed class ListType : IElementSequence
{
    public byte Code => RegionLayout.TypeList;
    public string Name => "list";
    public bool HasOrder => true;

    // Node size does not matter for reading, freeing or copying (a copy keeps the source's nodes).
    private static Quicklist Ql(Keyspace ks) => new(ks, -2);

    public string EncodingName(byte encoding) => encoding == RegionLayout.EncQuicklist ? "quicklist" : "unknown";

    public long Count(Keyspace ks, ulong rec) => Ql(ks).Count(ks.Rec(rec).Value);

    public void Free(Keyspace ks, ulong rec)
    {
        ulong ql = ks.Rec(rec).Value;
        if (ql != 0) Ql(ks).Free(ql);
    }

    public void Copy(Keyspace ks, ulong src, ulong dst) => ks.Rec(dst).Value = Ql(ks).Duplicate(ks.Rec(src).Value);

    public IEnumerable<(ulong Offset, string What)> Blocks(Keyspace ks, ulong rec)
    {
        ref var r = ref ks.Rec(rec);
        if (r.Encoding != RegionLayout.EncQuicklist) throw new InvalidOperationException($"list record {rec} has encoding {r.Encoding}");
        return Ql(ks).Blocks(r.Value);
    }

    public List<byte[]> Range(Keyspace ks, ulong rec, long start, long stop, bool fromTail)
    {
        if (fromTail)
        {
            long len = Count(ks, rec);
            var slice = Range(ks, rec, len - 1 - stop, len - 1 - start, fromTail: false);
            slice.Reverse();
            return slice;
        }
        var ql = Ql(ks);
        var result = new List<byte[]>((int)(stop - start + 1));
        var (node, pos) = ql.Locate(ks.Rec(rec).Value, start);
        Span<byte> scratch = stackalloc byte[24];
        for (long i = start; i <= stop && node != 0; i++)
        {
            result.Add(ql.Get(node, pos, scratch).ToArray());
            ql.Step(ref node, ref pos, forward: true);
        }
        return result;
    }
}
