using System.Text;
using RedisLite.Store;

namespace RedisLite.Commands;

/// <summary>
/// ZSCAN: a listpack sorted set is returned whole with cursor 0 (scores as stored), a skiplist
/// one is walked through its member index with the reverse-binary cursor.
/// </summary>
public static class ZSetScan
{
    // ------------------------------------------------------------------ ZSCAN

    private struct Collector(List<ulong> found) : IDictVisitor
    {
        public readonly List<ulong> Found = found;
        public void Visit(ulong entry) => Found.Add(entry);
    }

    public static void ZScan(CommandContext ctx)
    {
        var a = ctx.Args;
        if (!Keys.TryParseCursor(a[2], out ulong cursor))
        {
            ctx.Error("ERR invalid cursor");
            return;
        }
        ulong rec = SortedSets.Read(ctx, a[1]);
        if (rec == ulong.MaxValue) return;
        long count = 10;
        int patternArg = -1;
        if (rec == 0)
        {
            ctx.Reply.ArrayHeader(2);
            ctx.Reply.Bulk("0"u8);
            ctx.Reply.ArrayHeader(0);
            return;
        }
        for (int i = 3; i < a.Count; i += 2)
        {
            bool hasValue = i + 1 < a.Count;
            if (a.Is(i, "COUNT") && hasValue)
            {
                if (!ctx.TryLong(i + 1, out count)) return;
                if (count < 1)
                {
                    ctx.SyntaxError();
                    return;
                }
            }
            else if (a.Is(i, "MATCH") && hasValue) patternArg = i + 1;
            else
            {
                ctx.SyntaxError();
                return;
            }
        }
        bool usePattern = patternArg > 0 && !Glob.MatchesEverything(a[patternArg]);
        var ks = ctx.Keyspace;
        var outItems = new List<(byte[] Member, byte[] Score)>();
        Span<byte> scratch = stackalloc byte[24];
        Span<byte> scratch2 = stackalloc byte[24];
        if (ZSetValues.IsListpack(ks, rec))
        {
            for (ulong h = ZSetValues.First(ks, rec); h != 0; h = ZSetValues.Next(ks, rec, h))
            {
                var m = ZSetValues.Member(ks, rec, h, scratch);
                if (usePattern && !Glob.Match(a[patternArg], m)) continue;
                outItems.Add((m.ToArray(), ZSetValues.ListpackScoreBytes(ks, rec, h, scratch2).ToArray()));
            }
            cursor = 0;
        }
        else
        {
            var visitor = new Collector(new List<ulong>());
            long maxIterations = count > long.MaxValue / 10 ? long.MaxValue : count * 10;
            do cursor = ZSetValues.ScanIndex(ks, rec, cursor, ref visitor);
            while (cursor != 0 && maxIterations-- > 0 && visitor.Found.Count < count);
            foreach (ulong e in visitor.Found)
            {
                var m = ZSetValues.HentItem(ks, e, out double s);
                if (usePattern && !Glob.Match(a[patternArg], m)) continue;
                outItems.Add((m.ToArray(), Encoding.ASCII.GetBytes(Network.RespWriter.FormatDouble(s))));
            }
        }
        ctx.Reply.ArrayHeader(2);
        ctx.Reply.Bulk(Encoding.ASCII.GetBytes(cursor.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        ctx.Reply.ArrayHeader(outItems.Count * 2L);
        foreach (var (m, s) in outItems)
        {
            ctx.Reply.Bulk(m);
            ctx.Reply.Bulk(s);
        }
    }
}
