using System.Text;
using RedisLite.Persistence;
using RedisLite.Store;

namespace RedisLite.Commands;

/// <summary>
/// ZSCAN: a listpack sorted set is returned whole with cursor 0 (scores as stored), a skiplist
/// one is walked through its member index with the reverse-binary cursor.
/// </summary>
public static class ZSetScan
{
    public static void ZScan(CommandContext ctx)
    {
        if (!GenericScan.TryBegin(ctx, RegionLayout.TypeZSet, out ulong rec, out ulong cursor, out var options)) return;
        var ks = ctx.Keyspace;
        var items = new List<byte[]>();
        if (ZSetValues.IsListpack(ks, rec))
        {
            Span<byte> scratch = stackalloc byte[24];
            Span<byte> scratch2 = stackalloc byte[24];
            for (ulong h = ZSetValues.First(ks, rec); h != 0; h = ZSetValues.Next(ks, rec, h))
            {
                items.Add(ZSetValues.Member(ks, rec, h, scratch).ToArray());
                items.Add(ZSetValues.ListpackScoreBytes(ks, rec, h, scratch2).ToArray());
            }
            cursor = 0;
        }
        else
        {
            var found = new List<ulong>();
            // COUNT counts members here (Redis 7.0 counts a member and its score as two items).
            cursor = GenericScan.Walk(ZSetValues.MemberIndexOf(ks, rec), cursor, found, () => found.Count, options);
            foreach (ulong e in found)
            {
                items.Add(ZSetValues.HentItem(ks, e, out double s).ToArray());
                items.Add(Encoding.ASCII.GetBytes(Network.RespWriter.FormatDouble(s)));
            }
        }
        GenericScan.Reply(ctx, cursor, items, 2, options);
    }
}
