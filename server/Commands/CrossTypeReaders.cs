using RedisLite.Persistence;
using RedisLite.Server;
using RedisLite.Store;

namespace RedisLite.Commands;

/// <summary>
/// Commands of one type that read another: SORT over lists and sorted sets (and SORT ... STORE,
/// which writes a list), ZUNIONSTORE and friends over plain sets. Each type module exposes
/// delegate hooks instead of referencing the others, so the types stay independent; this is the
/// one place that connects them, at server start.
/// </summary>
public static class CrossTypeReaders
{
    public static void Wire(RedisServer server)
    {
        SortSources.ListLength = (ks, rec) => new Quicklist(ks, -2).Count(ks.Rec(rec).Value);
        SortSources.ListRange = ListRange;
        SortSources.ZSetLength = ZSetValues.Length;
        SortSources.ZSetRange = ZSetRange;
        SortSources.StoreList = (ks, db, key, items) =>
        {
            ulong old = ks.FindRaw(db, key);
            if (old != 0) ks.Delete(db, old);
            ulong rec = ListValues.CreateKey(ks, db, key);
            var ql = new Quicklist(ks, server.Config.ListMaxListpackSize.Value);
            foreach (var item in items) ql.Push(ks.Rec(rec).Value, item, head: false);
        };
        SortedSets.SetMembers = (ks, rec) => SetValues.Members(ks, rec);
        SortedSets.SetCount = SetValues.Count;
    }

    private static List<byte[]> ListRange(Keyspace ks, ulong rec, long start, long stop)
    {
        var ql = new Quicklist(ks, -2);
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

    private static List<byte[]> ZSetRange(Keyspace ks, ulong rec, long start, long stop, bool desc)
    {
        long len = ZSetValues.Length(ks, rec);
        var result = new List<byte[]>((int)(stop - start + 1));
        // Rank 0 is the highest score when descending: walk backwards from the mirrored rank.
        ulong h = ZSetValues.AtRank(ks, rec, desc ? len - 1 - start : start);
        Span<byte> scratch = stackalloc byte[64];
        for (long i = start; i <= stop && h != 0; i++)
        {
            result.Add(ZSetValues.Member(ks, rec, h, scratch).ToArray());
            h = desc ? ZSetValues.Prev(ks, rec, h) : ZSetValues.Next(ks, rec, h);
        }
        return result;
    }
}
