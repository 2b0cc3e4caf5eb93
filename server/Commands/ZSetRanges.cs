using RedisLite.Persistence;
using RedisLite.Store;

namespace RedisLite.Commands;

/// <summary>
/// Range reads and removals of sorted sets (zrangeGenericCommand and zremrangeGenericCommand):
/// ZRANGE in every form, ZRANGESTORE, the legacy ZRANGEBYSCORE / ZREVRANGE... commands and
/// ZREMRANGEBYRANK / BYSCORE / BYLEX, by rank, score or lexical range.
/// </summary>
public static class ZSetRanges
{
    // ------------------------------------------------------------------ ranges

    private enum RangeType { Auto, Rank, Score, Lex }

    public static void ZRange(CommandContext ctx) => RangeGeneric(ctx, 1, store: false, RangeType.Auto, null);
    public static void ZRangeStore(CommandContext ctx) => RangeGeneric(ctx, 2, store: true, RangeType.Auto, null);
    public static void ZRangeByScore(CommandContext ctx) => RangeGeneric(ctx, 1, store: false, RangeType.Score, false);
    public static void ZRevRangeByScore(CommandContext ctx) => RangeGeneric(ctx, 1, store: false, RangeType.Score, true);
    public static void ZRangeByLex(CommandContext ctx) => RangeGeneric(ctx, 1, store: false, RangeType.Lex, false);
    public static void ZRevRangeByLex(CommandContext ctx) => RangeGeneric(ctx, 1, store: false, RangeType.Lex, true);
    public static void ZRevRange(CommandContext ctx) => RangeGeneric(ctx, 1, store: false, RangeType.Rank, true);

    /// <summary>zrangeGenericCommand: every ZRANGE form, ZRANGESTORE and the legacy range commands.</summary>
    private static void RangeGeneric(CommandContext ctx, int keyIdx, bool store, RangeType type, bool? reverse)
    {
        var a = ctx.Args;
        bool withScores = false;
        long offset = 0, limit = -1;
        bool limitGiven = false;
        for (int j = keyIdx + 3; j < a.Count; j++)
        {
            int left = a.Count - j - 1;
            if (!store && a.Is(j, "WITHSCORES")) withScores = true;
            else if (a.Is(j, "LIMIT") && left >= 2)
            {
                if (!ctx.TryLong(j + 1, out offset) || !ctx.TryLong(j + 2, out limit)) return;
                limitGiven = true;
                j += 2;
            }
            else if (reverse == null && a.Is(j, "REV")) reverse = true;
            else if (type == RangeType.Auto && a.Is(j, "BYLEX")) type = RangeType.Lex;
            else if (type == RangeType.Auto && a.Is(j, "BYSCORE")) type = RangeType.Score;
            else
            {
                ctx.SyntaxError();
                return;
            }
        }
        bool rev = reverse ?? false;
        if (type == RangeType.Auto) type = RangeType.Rank;
        if (limitGiven && limit != -1 && type == RangeType.Rank)
        {
            ctx.Error("ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX");
            return;
        }
        if (withScores && type == RangeType.Lex)
        {
            ctx.Error("ERR syntax error, WITHSCORES not supported in combination with BYLEX");
            return;
        }
        int minIdx = keyIdx + 1, maxIdx = keyIdx + 2;
        if (rev && type != RangeType.Rank) (minIdx, maxIdx) = (maxIdx, minIdx);
        long start = 0, end = 0;
        ZScoreRange scoreRange = default;
        ZLexRange? lexRange = null;
        switch (type)
        {
            case RangeType.Rank:
                if (!ctx.TryLong(minIdx, out start) || !ctx.TryLong(maxIdx, out end)) return;
                break;
            case RangeType.Score:
                if (!ZSetScores.TryParseScoreRange(a[minIdx], a[maxIdx], out scoreRange))
                {
                    ctx.Error(SortedSets.MinMaxNotFloat);
                    return;
                }
                break;
            case RangeType.Lex:
                lexRange = ZLexRange.TryParse(a[minIdx], a[maxIdx]);
                if (lexRange == null)
                {
                    ctx.Error(SortedSets.MinMaxNotString);
                    return;
                }
                break;
        }

        var ks = ctx.Keyspace;
        ulong rec = ctx.LookupRead(a[keyIdx]);
        if (rec != 0 && ks.Rec(rec).Type != RegionLayout.TypeZSet)
        {
            ctx.WrongType();
            return;
        }
        var handles = new List<ulong>();
        if (rec != 0)
        {
            switch (type)
            {
                case RangeType.Rank: CollectRank(ks, rec, start, end, rev, handles); break;
                case RangeType.Score: CollectScore(ks, rec, scoreRange, rev, offset, limit, handles); break;
                case RangeType.Lex: CollectLex(ks, rec, lexRange!, rev, offset, limit, handles); break;
            }
        }
        if (store)
        {
            var items = new List<(byte[], double)>(handles.Count);
            Span<byte> scratch = stackalloc byte[24];
            foreach (ulong h in handles) items.Add((ZSetValues.Member(ks, rec, h, scratch).ToArray(), ZSetValues.Score(ks, rec, h)));
            if (rev) items.Reverse();
            ZSetResults.StoreResult(ctx, a[1], items);
            return;
        }
        ZSetResults.EmitHandles(ctx, rec, handles, withScores);
    }

    private static void CollectRank(Keyspace ks, ulong rec, long start, long end, bool rev, List<ulong> into)
    {
        long len = ZSetValues.Length(ks, rec);
        if (start < 0) start += len;
        if (end < 0) end += len;
        if (start < 0) start = 0;
        if (start > end || start >= len) return;
        if (end >= len) end = len - 1;
        long n = end - start + 1;
        ulong h = ZSetValues.AtRank(ks, rec, rev ? len - 1 - start : start);
        for (long i = 0; i < n && h != 0; i++)
        {
            into.Add(h);
            h = rev ? ZSetValues.Prev(ks, rec, h) : ZSetValues.Next(ks, rec, h);
        }
    }

    private static void CollectScore(Keyspace ks, ulong rec, in ZScoreRange range, bool rev, long offset, long limit, List<ulong> into)
    {
        if (offset > 0 && offset >= ZSetValues.Length(ks, rec)) return;
        ulong h = rev ? ZSetValues.LastInRange(ks, rec, range) : ZSetValues.FirstInRange(ks, rec, range);
        // A negative offset skips everything (Redis's "while (offset--)" never reaches zero).
        while (h != 0 && offset-- != 0) h = rev ? ZSetValues.Prev(ks, rec, h) : ZSetValues.Next(ks, rec, h);
        while (h != 0 && limit-- != 0)
        {
            double s = ZSetValues.Score(ks, rec, h);
            if (rev ? !range.GteMin(s) : !range.LteMax(s)) break;
            into.Add(h);
            h = rev ? ZSetValues.Prev(ks, rec, h) : ZSetValues.Next(ks, rec, h);
        }
    }

    private static void CollectLex(Keyspace ks, ulong rec, ZLexRange range, bool rev, long offset, long limit, List<ulong> into)
    {
        if (offset > 0 && offset >= ZSetValues.Length(ks, rec)) return;
        Span<byte> scratch = stackalloc byte[24];
        ulong h = rev ? ZSetValues.LastInLexRange(ks, rec, range) : ZSetValues.FirstInLexRange(ks, rec, range);
        while (h != 0 && offset-- != 0) h = rev ? ZSetValues.Prev(ks, rec, h) : ZSetValues.Next(ks, rec, h);
        while (h != 0 && limit-- != 0)
        {
            var m = ZSetValues.Member(ks, rec, h, scratch);
            if (rev ? !range.GteMin(m) : !range.LteMax(m)) break;
            into.Add(h);
            h = rev ? ZSetValues.Prev(ks, rec, h) : ZSetValues.Next(ks, rec, h);
        }
    }

    // ------------------------------------------------------------------ ZREMRANGEBY*

    public static void ZRemRangeByRank(CommandContext ctx) => RemRangeGeneric(ctx, RangeType.Rank);
    public static void ZRemRangeByScore(CommandContext ctx) => RemRangeGeneric(ctx, RangeType.Score);
    public static void ZRemRangeByLex(CommandContext ctx) => RemRangeGeneric(ctx, RangeType.Lex);

    private static void RemRangeGeneric(CommandContext ctx, RangeType type)
    {
        var a = ctx.Args;
        long start = 0, end = 0;
        ZScoreRange scoreRange = default;
        ZLexRange? lexRange = null;
        switch (type)
        {
            case RangeType.Rank:
                if (!ctx.TryLong(2, out start) || !ctx.TryLong(3, out end)) return;
                break;
            case RangeType.Score:
                if (!ZSetScores.TryParseScoreRange(a[2], a[3], out scoreRange))
                {
                    ctx.Error(SortedSets.MinMaxNotFloat);
                    return;
                }
                break;
            default:
                lexRange = ZLexRange.TryParse(a[2], a[3]);
                if (lexRange == null)
                {
                    ctx.Error(SortedSets.MinMaxNotString);
                    return;
                }
                break;
        }
        ulong rec = SortedSets.Write(ctx, a[1]);
        if (rec == CommandContext.WrongTypeReplied) return;
        if (rec == 0)
        {
            ctx.Reply.Integer(0);
            return;
        }
        var ks = ctx.Keyspace;
        var handles = new List<ulong>();
        switch (type)
        {
            case RangeType.Rank: CollectRank(ks, rec, start, end, false, handles); break;
            case RangeType.Score: CollectScore(ks, rec, scoreRange, false, 0, -1, handles); break;
            default: CollectLex(ks, rec, lexRange!, false, 0, -1, handles); break;
        }
        var members = new List<byte[]>(handles.Count);
        Span<byte> scratch = stackalloc byte[24];
        foreach (ulong h in handles) members.Add(ZSetValues.Member(ks, rec, h, scratch).ToArray());
        foreach (var m in members) ZSetValues.Remove(ks, rec, m);
        if (members.Count > 0) SortedSets.DeleteIfEmpty(ctx, rec);
        ctx.Dirty += members.Count;
        ctx.Reply.Integer(members.Count);
    }
}
