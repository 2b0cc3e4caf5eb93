using System.Text;
using RedisLite.Persistence;
using RedisLite.Server;
using RedisLite.Store;

namespace RedisLite.Commands;

/// <summary>
/// Sorted-set commands (Redis's t_zset.c): replies, errors, argument order of checks and
/// propagation as in Redis 7.0.15. Storage lives in <see cref="ZSetValues"/>. Scores are replied
/// as %.17g (<see cref="Network.RespWriter.Double"/>), ranges parsed as Redis's zslParseRange
/// (strtod, "(" for an open end) and zslParseLexRange ("[", "(", "-", "+").
/// Plain sets are accepted as inputs of ZUNION/ZINTER/ZDIFF/ZINTERCARD (every member scoring 1).
/// </summary>
public static class SortedSets
{
    private const string NanError = "ERR resulting score is not a number (NaN)";
    private const string MinMaxNotFloat = "ERR min or max is not a float";
    private const string MinMaxNotString = "ERR min or max not valid string range item";

    internal static ZSetLimits Limits(CommandContext ctx) =>
        new(ctx.Server.Config.ZsetMaxListpackEntries.Value, ctx.Server.Config.ZsetMaxListpackValue.Value);

    /// <summary>The record if it holds a zset; 0 if missing; ulong.MaxValue (<see cref="CommandContext.WrongTypeReplied"/>) after replying WRONGTYPE.</summary>
    private static ulong Read(CommandContext ctx, ReadOnlySpan<byte> key) => ctx.LookupRead(key, RegionLayout.TypeZSet);
    private static ulong Write(CommandContext ctx, ReadOnlySpan<byte> key) => ctx.LookupWrite(key, RegionLayout.TypeZSet);

    /// <summary>getDoubleFromObject: strtod over the whole text, no leading space, no NaN, no overflow/underflow.</summary>
    public static bool TryParseScore(ReadOnlySpan<byte> s, out double value) =>
        ZSetValues.TryParseStrtod(s, allowLeadingSpace: false, out value, out bool erange) && !erange && !double.IsNaN(value);

    private static bool ScoreArg(CommandContext ctx, int i, out double value, string error = Errors.NotFloat)
    {
        if (TryParseScore(ctx.Args[i], out value)) return true;
        ctx.Error(error);
        return false;
    }

    // zslParseRange's parse of one end: strtod (leading space allowed, empty reads 0), no NaN.
    private static bool TryParseRangeItem(ReadOnlySpan<byte> s, out double value, out bool ex)
    {
        ex = false;
        if (s.Length > 0 && s[0] == '(')
        {
            ex = true;
            s = s[1..];
        }
        if (s.Length == 0)
        {
            value = 0;
            return true;
        }
        return ZSetValues.TryParseStrtod(s, allowLeadingSpace: true, out value, out _) && !double.IsNaN(value);
    }

    public static bool TryParseScoreRange(ReadOnlySpan<byte> min, ReadOnlySpan<byte> max, out ZScoreRange range)
    {
        range = default;
        if (!TryParseRangeItem(min, out double a, out bool aex) || !TryParseRangeItem(max, out double b, out bool bex)) return false;
        range = new ZScoreRange(a, b, aex, bex);
        return true;
    }

    private static void DeleteIfEmpty(CommandContext ctx, ulong rec)
    {
        if (ZSetValues.Length(ctx.Keyspace, rec) == 0) ctx.Keyspace.Delete(ctx.Db, rec);
    }

    // ------------------------------------------------------------------ ZADD / ZINCRBY

    public static void ZAdd(CommandContext ctx) => AddGeneric(ctx, ZAddFlags.None);
    public static void ZIncrBy(CommandContext ctx) => AddGeneric(ctx, ZAddFlags.Incr);

    private static void AddGeneric(CommandContext ctx, ZAddFlags flags)
    {
        var a = ctx.Args;
        int scoreIdx = 2;
        bool ch = false;
        // ZINCRBY goes through the same code with INCR preset: its arguments are never flags.
        bool parseFlags = flags == ZAddFlags.None;
        while (parseFlags && scoreIdx < a.Count)
        {
            if (a.Is(scoreIdx, "NX")) flags |= ZAddFlags.Nx;
            else if (a.Is(scoreIdx, "XX")) flags |= ZAddFlags.Xx;
            else if (a.Is(scoreIdx, "CH")) ch = true;
            else if (a.Is(scoreIdx, "INCR")) flags |= ZAddFlags.Incr;
            else if (a.Is(scoreIdx, "GT")) flags |= ZAddFlags.Gt;
            else if (a.Is(scoreIdx, "LT")) flags |= ZAddFlags.Lt;
            else break;
            scoreIdx++;
        }
        int elements = a.Count - scoreIdx;
        if (elements % 2 != 0 || elements == 0)
        {
            ctx.SyntaxError();
            return;
        }
        elements /= 2;
        bool nx = (flags & ZAddFlags.Nx) != 0, xx = (flags & ZAddFlags.Xx) != 0, gt = (flags & ZAddFlags.Gt) != 0, lt = (flags & ZAddFlags.Lt) != 0;
        bool incr = (flags & ZAddFlags.Incr) != 0;
        if (nx && xx)
        {
            ctx.Error("ERR XX and NX options at the same time are not compatible");
            return;
        }
        if ((gt && nx) || (lt && nx) || (gt && lt))
        {
            ctx.Error("ERR GT, LT, and/or NX options at the same time are not compatible");
            return;
        }
        if (incr && elements > 1)
        {
            ctx.Error("ERR INCR option supports a single increment-element pair");
            return;
        }
        var scores = new double[elements];
        for (int j = 0; j < elements; j++)
            if (!ScoreArg(ctx, scoreIdx + j * 2, out scores[j])) return;

        var ks = ctx.Keyspace;
        ulong rec = Write(ctx, a[1]);
        if (rec == ulong.MaxValue) return;
        long added = 0, updated = 0, processed = 0;
        double score = 0;
        if (rec == 0)
        {
            if (xx)
            {
                Finish();
                return;
            }
            rec = ZSetValues.CreateForAdd(ks, ctx.Db, a[1], Limits(ctx), a[scoreIdx + 1].Length);
        }
        var limits = Limits(ctx);
        for (int j = 0; j < elements; j++)
        {
            var result = ZSetValues.Add(ks, rec, scores[j], a[scoreIdx + j * 2 + 1], flags, limits, out double ns);
            if (result == ZAddResult.NaN)
            {
                ctx.Error(NanError);
                ctx.Dirty += added + updated;
                return;
            }
            if (result == ZAddResult.Added) added++;
            else if (result == ZAddResult.Updated) updated++;
            if (result != ZAddResult.Nop) processed++;
            score = ns;
        }
        ctx.Dirty += added + updated;
        Finish();

        void Finish()
        {
            if (incr)
            {
                if (processed > 0) ctx.Reply.Double(score);
                else ctx.Reply.Null();
            }
            else ctx.Reply.Integer(ch ? added + updated : added);
        }
    }

    // ------------------------------------------------------------------ simple reads and ZREM

    public static void ZRem(CommandContext ctx)
    {
        ulong rec = Write(ctx, ctx.Args[1]);
        if (rec == ulong.MaxValue) return;
        if (rec == 0)
        {
            ctx.Reply.Integer(0);
            return;
        }
        long deleted = 0;
        for (int i = 2; i < ctx.Args.Count; i++)
        {
            if (ZSetValues.Remove(ctx.Keyspace, rec, ctx.Args[i])) deleted++;
            if (ZSetValues.Length(ctx.Keyspace, rec) == 0)
            {
                ctx.Keyspace.Delete(ctx.Db, rec);
                break;
            }
        }
        ctx.Dirty += deleted;
        ctx.Reply.Integer(deleted);
    }

    public static void ZCard(CommandContext ctx)
    {
        ulong rec = Read(ctx, ctx.Args[1]);
        if (rec == ulong.MaxValue) return;
        ctx.Reply.Integer(rec == 0 ? 0 : ZSetValues.Length(ctx.Keyspace, rec));
    }

    public static void ZScore(CommandContext ctx)
    {
        ulong rec = Read(ctx, ctx.Args[1]);
        if (rec == ulong.MaxValue) return;
        if (rec != 0 && ZSetValues.TryGetScore(ctx.Keyspace, rec, ctx.Args[2], out double s)) ctx.Reply.Double(s);
        else ctx.Reply.Null();
    }

    public static void ZMScore(CommandContext ctx)
    {
        ulong rec = Read(ctx, ctx.Args[1]);
        if (rec == ulong.MaxValue) return;
        ctx.Reply.ArrayHeader(ctx.Args.Count - 2);
        for (int i = 2; i < ctx.Args.Count; i++)
        {
            if (rec != 0 && ZSetValues.TryGetScore(ctx.Keyspace, rec, ctx.Args[i], out double s)) ctx.Reply.Double(s);
            else ctx.Reply.Null();
        }
    }

    public static void ZRank(CommandContext ctx) => RankGeneric(ctx, reverse: false);
    public static void ZRevRank(CommandContext ctx) => RankGeneric(ctx, reverse: true);

    private static void RankGeneric(CommandContext ctx, bool reverse)
    {
        ulong rec = Read(ctx, ctx.Args[1]);
        if (rec == ulong.MaxValue) return;
        long rank = rec == 0 ? -1 : ZSetValues.Rank(ctx.Keyspace, rec, ctx.Args[2]);
        if (rank < 0) ctx.Reply.Null();
        else ctx.Reply.Integer(reverse ? ZSetValues.Length(ctx.Keyspace, rec) - 1 - rank : rank);
    }

    public static void ZCount(CommandContext ctx)
    {
        if (!TryParseScoreRange(ctx.Args[2], ctx.Args[3], out var range))
        {
            ctx.Error(MinMaxNotFloat);
            return;
        }
        ulong rec = Read(ctx, ctx.Args[1]);
        if (rec == ulong.MaxValue) return;
        long count = 0;
        if (rec != 0)
        {
            var ks = ctx.Keyspace;
            ulong first = ZSetValues.FirstInRange(ks, rec, range);
            if (first != 0)
                count = ZSetValues.RankOf(ks, rec, ZSetValues.LastInRange(ks, rec, range)) - ZSetValues.RankOf(ks, rec, first) + 1;
        }
        ctx.Reply.Integer(count);
    }

    public static void ZLexCount(CommandContext ctx)
    {
        var range = ZLexRange.TryParse(ctx.Args[2], ctx.Args[3]);
        if (range == null)
        {
            ctx.Error(MinMaxNotString);
            return;
        }
        ulong rec = Read(ctx, ctx.Args[1]);
        if (rec == ulong.MaxValue) return;
        long count = 0;
        if (rec != 0)
        {
            var ks = ctx.Keyspace;
            ulong first = ZSetValues.FirstInLexRange(ks, rec, range);
            if (first != 0)
                count = ZSetValues.RankOf(ks, rec, ZSetValues.LastInLexRange(ks, rec, range)) - ZSetValues.RankOf(ks, rec, first) + 1;
        }
        ctx.Reply.Integer(count);
    }

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
                if (!TryParseScoreRange(a[minIdx], a[maxIdx], out scoreRange))
                {
                    ctx.Error(MinMaxNotFloat);
                    return;
                }
                break;
            case RangeType.Lex:
                lexRange = ZLexRange.TryParse(a[minIdx], a[maxIdx]);
                if (lexRange == null)
                {
                    ctx.Error(MinMaxNotString);
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
            StoreResult(ctx, a[1], items);
            return;
        }
        EmitHandles(ctx, rec, handles, withScores);
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

    private static void EmitHandles(CommandContext ctx, ulong rec, List<ulong> handles, bool withScores)
    {
        var ks = ctx.Keyspace;
        bool pairs = withScores && ctx.Reply.Protocol == 3;
        ctx.Reply.ArrayHeader(withScores && !pairs ? handles.Count * 2L : handles.Count);
        Span<byte> scratch = stackalloc byte[24];
        foreach (ulong h in handles)
        {
            if (pairs) ctx.Reply.ArrayHeader(2);
            ctx.Reply.Bulk(ZSetValues.Member(ks, rec, h, scratch));
            if (withScores) ctx.Reply.Double(ZSetValues.Score(ks, rec, h));
        }
    }

    private static void EmitItems(CommandContext ctx, IReadOnlyList<(byte[] Member, double Score)> items, bool withScores)
    {
        bool pairs = withScores && ctx.Reply.Protocol == 3;
        ctx.Reply.ArrayHeader(withScores && !pairs ? items.Count * 2L : items.Count);
        foreach (var (m, s) in items)
        {
            if (pairs) ctx.Reply.ArrayHeader(2);
            ctx.Reply.Bulk(m);
            if (withScores) ctx.Reply.Double(s);
        }
    }

    /// <summary>
    /// Replaces <paramref name="dst"/> with the sorted items (ZRANGESTORE, ZUNIONSTORE...): the
    /// encoding the finished size calls for, no TTL; an empty result deletes the key. Replies the count.
    /// </summary>
    private static void StoreResult(CommandContext ctx, ReadOnlySpan<byte> dst, IReadOnlyList<(byte[] Member, double Score)> items)
    {
        var ks = ctx.Keyspace;
        ulong old = ks.Find(ctx.Db, dst);
        if (items.Count == 0)
        {
            if (old != 0)
            {
                ks.Delete(ctx.Db, old);
                ctx.Dirty++;
            }
            ctx.Reply.Integer(0);
            return;
        }
        if (!ctx.EnsureRoom(RegionRoom.ForElements((ulong)items.Count, items.Aggregate(0UL, (n, m) => n + (ulong)m.Member.Length + sizeof(double))))) return;
        if (old != 0) ks.Delete(ctx.Db, old);
        ulong rec = ks.Create(ctx.Db, dst, RegionLayout.TypeZSet, RegionLayout.EncListpack);
        ZSetValues.Build(ks, rec, items, Limits(ctx));
        ctx.Dirty++;
        ctx.Reply.Integer(items.Count);
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
                if (!TryParseScoreRange(a[2], a[3], out scoreRange))
                {
                    ctx.Error(MinMaxNotFloat);
                    return;
                }
                break;
            default:
                lexRange = ZLexRange.TryParse(a[2], a[3]);
                if (lexRange == null)
                {
                    ctx.Error(MinMaxNotString);
                    return;
                }
                break;
        }
        ulong rec = Write(ctx, a[1]);
        if (rec == ulong.MaxValue) return;
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
        if (members.Count > 0) DeleteIfEmpty(ctx, rec);
        ctx.Dirty += members.Count;
        ctx.Reply.Integer(members.Count);
    }

    // ------------------------------------------------------------------ pops

    public static void ZPopMin(CommandContext ctx) => PopCommand(ctx, max: false);
    public static void ZPopMax(CommandContext ctx) => PopCommand(ctx, max: true);

    private const string MustBePositive = "ERR value is out of range, must be positive";

    private static void PopCommand(CommandContext ctx, bool max)
    {
        var a = ctx.Args;
        if (a.Count > 3)
        {
            ctx.SyntaxError();
            return;
        }
        long count = 1;
        if (a.Count == 3 && (!StringValues.TryParseCanonicalInt(a[2], out count) || count < 0))
        {
            ctx.Error(MustBePositive);
            return;
        }
        ulong rec = Write(ctx, a[1]);
        if (rec == ulong.MaxValue) return;
        if (rec == 0 || count == 0)
        {
            ctx.Reply.ArrayHeader(0);
            return;
        }
        var popped = PopItems(ctx, rec, a[1], max, count);
        bool pairs = a.Count == 3 && ctx.Reply.Protocol == 3;
        EmitItems(ctx, popped, withScores: true, pairs);
    }

    private static void EmitItems(CommandContext ctx, IReadOnlyList<(byte[] Member, double Score)> items, bool withScores, bool pairs)
    {
        if (pairs) EmitItems(ctx, items, withScores);
        else
        {
            ctx.Reply.ArrayHeader(items.Count * 2L);
            foreach (var (m, s) in items)
            {
                ctx.Reply.Bulk(m);
                ctx.Reply.Double(s);
            }
        }
    }

    /// <summary>Pops up to count elements from one end and deletes the key if emptied (ZPOPMIN/ZPOPMAX propagate as received).</summary>
    internal static List<(byte[] Member, double Score)> PopItems(CommandContext ctx, ulong rec, ReadOnlySpan<byte> key, bool max, long count)
    {
        var popped = PopCore(ctx.Keyspace, ctx.Db, rec, max, count);
        ctx.Dirty += popped.Count;
        return popped;
    }

    /// <summary>
    /// How [B]ZMPOP and BZPOPMIN/BZPOPMAX replay, as Redis 7.0 writes them: ZPOPMIN/ZPOPMAX key,
    /// with the number actually popped for the MPOP forms (<paramref name="count"/> null for the others).
    /// </summary>
    private static byte[][] PopRecord(bool max, byte[] key, long? count)
    {
        var name = Encoding.ASCII.GetBytes(max ? "ZPOPMAX" : "ZPOPMIN");
        return count is { } n ? [name, key, CommandContext.IntBytes(n)] : [name, key];
    }

    /// <summary>The popping itself, with no command context (also used to serve blocked clients).</summary>
    private static List<(byte[] Member, double Score)> PopCore(Keyspace ks, int db, ulong rec, bool max, long count)
    {
        var popped = new List<(byte[], double)>();
        Span<byte> scratch = stackalloc byte[24];
        while (count-- > 0)
        {
            ulong h = max ? ZSetValues.Last(ks, rec) : ZSetValues.First(ks, rec);
            if (h == 0) break;
            var m = ZSetValues.Member(ks, rec, h, scratch).ToArray();
            popped.Add((m, ZSetValues.Score(ks, rec, h)));
            ZSetValues.Remove(ks, rec, m);
        }
        if (ZSetValues.Length(ks, rec) == 0) ks.Delete(db, rec);
        return popped;
    }

    public static void ZMPop(CommandContext ctx)
    {
        if (!ParseMPop(ctx, 1, out int numKeys, out bool max, out long count)) return;
        for (int i = 0; i < numKeys; i++)
        {
            var key = ctx.Args[2 + i];
            ulong rec = Write(ctx, key);
            if (rec == ulong.MaxValue) return;
            if (rec == 0) continue;
            var popped = PopItems(ctx, rec, key, max, count);
            ReplyMPop(ctx, key, popped);
            ctx.Propagate(PopRecord(max, key.ToArray(), popped.Count));
            return;
        }
        ctx.Reply.NullArray();
    }

    internal static void ReplyMPop(CommandContext ctx, ReadOnlySpan<byte> key, List<(byte[] Member, double Score)> popped) =>
        ReplyMPop(ctx.Reply, key, popped);

    private static void ReplyMPop(Network.RespWriter reply, ReadOnlySpan<byte> key, List<(byte[] Member, double Score)> popped)
    {
        reply.ArrayHeader(2);
        reply.Bulk(key);
        reply.ArrayHeader(popped.Count);
        foreach (var (m, s) in popped)
        {
            reply.ArrayHeader(2);
            reply.Bulk(m);
            reply.Double(s);
        }
    }

    // BZPOPMIN/BZPOPMAX's reply: key, member, score.
    private static void ReplyBPop(Network.RespWriter reply, ReadOnlySpan<byte> key, List<(byte[] Member, double Score)> popped)
    {
        reply.ArrayHeader(3);
        reply.Bulk(key);
        reply.Bulk(popped[0].Member);
        reply.Double(popped[0].Score);
    }

    // ------------------------------------------------------------------ blocking pops

    public static void BZPopMin(CommandContext ctx) => BPop(ctx, max: false);
    public static void BZPopMax(CommandContext ctx) => BPop(ctx, max: true);

    /// <summary>BZPOPMIN/BZPOPMAX key [key ...] timeout: the timeout is checked first, then each key in order.</summary>
    private static void BPop(CommandContext ctx, bool max)
    {
        var keys = new byte[ctx.Args.Count - 2][];
        for (int i = 0; i < keys.Length; i++) keys[i] = ctx.Args[i + 1].ToArray();
        if (!BlockingKeys.TryParseTimeout(ctx, ctx.Args.Count - 1, out long deadline)) return;
        BlockingPop(ctx, keys, deadline, max, count: 1, multi: false);
    }

    /// <summary>BZMPOP timeout numkeys key [key ...] MIN|MAX [COUNT count]: arguments first, then the timeout.</summary>
    public static void BZMPop(CommandContext ctx)
    {
        if (!ParseMPop(ctx, 2, out int numKeys, out bool max, out long count)) return;
        if (!BlockingKeys.TryParseTimeout(ctx, 1, out long deadline)) return;
        var keys = new byte[numKeys][];
        for (int i = 0; i < numKeys; i++) keys[i] = ctx.Args[3 + i].ToArray();
        BlockingPop(ctx, keys, deadline, max, count, multi: true);
    }

    private static void BlockingPop(CommandContext ctx, byte[][] keys, long deadline, bool max, long count, bool multi)
    {
        foreach (var key in keys)
        {
            ulong rec = Write(ctx, key);
            if (rec == ulong.MaxValue) return;
            if (rec == 0) continue;
            var popped = PopItems(ctx, rec, key, max, count);
            ctx.Propagate(PopRecord(max, key, multi ? popped.Count : null));
            if (multi) ReplyMPop(ctx.Reply, key, popped);
            else ReplyBPop(ctx.Reply, key, popped);
            return;
        }
        if (ctx.Client.DenyBlocking)
        {
            ctx.Reply.NullArray();
            return;
        }
        int db = ctx.Db;
        var server = ctx.Server;
        server.Blocking.Block(ctx.Client, db, keys, deadline, RegionLayout.TypeZSet,
            serve: (bc, key, rec) =>
            {
                var popped = PopCore(server.Keyspace, db, rec, max, count);
                if (popped.Count == 0) return false;
                if (multi) ReplyMPop(bc.Reply, key, popped);
                else ReplyBPop(bc.Reply, key, popped);
                server.Dirty += popped.Count;
                server.Propagation.Add(db, PopRecord(max, key, multi ? popped.Count : null));
                return true;
            },
            timeout: reply => reply.NullArray());
    }

    /// <summary>[B]ZMPOP's arguments from <paramref name="numKeysIdx"/> on: numkeys key... MIN|MAX [COUNT count].</summary>
    internal static bool ParseMPop(CommandContext ctx, int numKeysIdx, out int numKeys, out bool max, out long count)
    {
        var a = ctx.Args;
        numKeys = 0;
        max = false;
        count = -1;
        if (!StringValues.TryParseCanonicalInt(a[numKeysIdx], out long n) || n < 1)
        {
            ctx.Error("ERR numkeys should be greater than 0");
            return false;
        }
        long whereIdx = numKeysIdx + n + 1;
        if (whereIdx >= a.Count)
        {
            ctx.SyntaxError();
            return false;
        }
        numKeys = (int)n;
        if (a.Is((int)whereIdx, "MIN")) max = false;
        else if (a.Is((int)whereIdx, "MAX")) max = true;
        else
        {
            ctx.SyntaxError();
            return false;
        }
        for (int j = (int)whereIdx + 1; j < a.Count; j++)
        {
            int remaining = a.Count - j - 1;
            if (a.Is(j, "COUNT") && remaining > 0 && count == -1)
            {
                if (!StringValues.TryParseCanonicalInt(a[j + 1], out count) || count < 1)
                {
                    ctx.Error("ERR count should be greater than 0");
                    return false;
                }
                j++;
            }
            else
            {
                ctx.SyntaxError();
                return false;
            }
        }
        if (count == -1) count = 1;
        return true;
    }

    // ------------------------------------------------------------------ ZRANDMEMBER

    public static void ZRandMember(CommandContext ctx)
    {
        var a = ctx.Args;
        var ks = ctx.Keyspace;
        if (a.Count == 2)
        {
            ulong r1 = Read(ctx, a[1]);
            if (r1 == ulong.MaxValue) return;
            if (r1 == 0)
            {
                ctx.Reply.Null();
                return;
            }
            Span<byte> scratch = stackalloc byte[24];
            ulong h = ZSetValues.AtRank(ks, r1, Random.Shared.NextInt64(ZSetValues.Length(ks, r1)));
            ctx.Reply.Bulk(ZSetValues.Member(ks, r1, h, scratch));
            return;
        }
        if (!RandomCountArgs.TryParse(ctx, "WITHSCORES", out long l, out bool withScores)) return;
        ulong rec = Read(ctx, a[1]);
        if (rec == ulong.MaxValue) return;
        if (rec == 0 || l == 0)
        {
            ctx.Reply.ArrayHeader(0);
            return;
        }
        long size = ZSetValues.Length(ks, rec);
        var picked = new List<ulong>();
        if (l < 0)
        {
            // Repetitions allowed: each pick independent.
            long n = -l;
            for (long i = 0; i < n; i++) picked.Add(ZSetValues.AtRank(ks, rec, Random.Shared.NextInt64(size)));
        }
        else if (l >= size)
        {
            for (ulong h = ZSetValues.First(ks, rec); h != 0; h = ZSetValues.Next(ks, rec, h)) picked.Add(h);
        }
        else
        {
            // Distinct ranks: a partial Fisher-Yates over rank numbers, sparse so it stays O(count).
            var swapped = new Dictionary<long, long>();
            for (long i = 0; i < l; i++)
            {
                long j = i + Random.Shared.NextInt64(size - i);
                long vj = swapped.TryGetValue(j, out long x) ? x : j;
                long vi = swapped.TryGetValue(i, out long y) ? y : i;
                swapped[j] = vi;
                picked.Add(ZSetValues.AtRank(ks, rec, vj));
            }
        }
        EmitHandles(ctx, rec, picked, withScores);
    }

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
        ulong rec = Read(ctx, a[1]);
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

    // ------------------------------------------------------------------ ZUNION / ZINTER / ZDIFF

    private enum SetOp { Union, Inter, Diff }
    private enum Aggregate { Sum, Min, Max }

    public static void ZUnion(CommandContext ctx) => AlgebraGeneric(ctx, null, 1, SetOp.Union, false);
    public static void ZInter(CommandContext ctx) => AlgebraGeneric(ctx, null, 1, SetOp.Inter, false);
    public static void ZDiff(CommandContext ctx) => AlgebraGeneric(ctx, null, 1, SetOp.Diff, false);
    public static void ZUnionStore(CommandContext ctx) => AlgebraGeneric(ctx, ctx.Args.Bytes(1), 2, SetOp.Union, false);
    public static void ZInterStore(CommandContext ctx) => AlgebraGeneric(ctx, ctx.Args.Bytes(1), 2, SetOp.Inter, false);
    public static void ZDiffStore(CommandContext ctx) => AlgebraGeneric(ctx, ctx.Args.Bytes(1), 2, SetOp.Diff, false);
    public static void ZInterCard(CommandContext ctx) => AlgebraGeneric(ctx, null, 1, SetOp.Inter, true);

    // One input of the algebra: its elements (member -> score) in its own order, and its weight.
    private sealed class Input
    {
        public List<(byte[] Member, double Score)> Items = [];
        public Dictionary<string, double>? Lookup;
        public double Weight = 1;

        public Dictionary<string, double> Map()
        {
            if (Lookup != null) return Lookup;
            Lookup = new Dictionary<string, double>(Items.Count, StringComparer.Ordinal);
            foreach (var (m, s) in Items) Lookup[Encoding.Latin1.GetString(m)] = s;
            return Lookup;
        }
    }

    /// <summary>zunionInterDiffGenericCommand, including ZINTERCARD (cardinality only).</summary>
    private static void AlgebraGeneric(CommandContext ctx, byte[]? dst, int numKeysIdx, SetOp op, bool cardinalityOnly)
    {
        var a = ctx.Args;
        var ks = ctx.Keyspace;
        if (!ctx.TryLong(numKeysIdx, out long numKeys)) return;
        if (numKeys < 1)
        {
            ctx.Error($"ERR at least 1 input key is needed for '{ctx.Command.Name}' command");
            return;
        }
        if (numKeys > a.Count - numKeysIdx - 1)
        {
            ctx.SyntaxError();
            return;
        }
        var inputs = new Input[numKeys];
        for (int i = 0; i < numKeys; i++)
        {
            var key = a[numKeysIdx + 1 + i];
            ulong rec = dst != null ? ctx.LookupWrite(key) : ctx.LookupRead(key);
            var input = new Input();
            inputs[i] = input;
            if (rec == 0) continue;
            byte type = ks.Rec(rec).Type;
            if (type == RegionLayout.TypeZSet) input.Items = ZSetValues.Items(ks, rec);
            else if (type == RegionLayout.TypeSet)
                foreach (var m in SetValues.Members(ks, rec)) input.Items.Add((m, 1.0));
            else
            {
                ctx.WrongType();
                return;
            }
        }
        var agg = Aggregate.Sum;
        bool withScores = false;
        long limit = 0;
        int j = numKeysIdx + (int)numKeys + 1;
        int remaining = a.Count - j;
        while (remaining > 0)
        {
            if (op != SetOp.Diff && !cardinalityOnly && remaining >= numKeys && a.Is(j, "WEIGHTS"))
            {
                j++;
                remaining--;
                for (int i = 0; i < numKeys; i++, j++, remaining--)
                    if (!ScoreArg(ctx, j, out inputs[i].Weight, "ERR weight value is not a float")) return;
            }
            else if (op != SetOp.Diff && !cardinalityOnly && remaining >= 2 && a.Is(j, "AGGREGATE"))
            {
                j++;
                remaining--;
                if (a.Is(j, "SUM")) agg = Aggregate.Sum;
                else if (a.Is(j, "MIN")) agg = Aggregate.Min;
                else if (a.Is(j, "MAX")) agg = Aggregate.Max;
                else
                {
                    ctx.SyntaxError();
                    return;
                }
                j++;
                remaining--;
            }
            else if (remaining >= 1 && dst == null && !cardinalityOnly && a.Is(j, "WITHSCORES"))
            {
                j++;
                remaining--;
                withScores = true;
            }
            else if (cardinalityOnly && remaining >= 2 && a.Is(j, "LIMIT"))
            {
                j++;
                remaining--;
                if (!StringValues.TryParseCanonicalInt(a[j], out limit) || limit < 0)
                {
                    ctx.Error("ERR LIMIT can't be negative");
                    return;
                }
                j++;
                remaining--;
            }
            else
            {
                ctx.SyntaxError();
                return;
            }
        }

        // Redis orders inputs by size (smallest first) for union and intersection; the order
        // decides how sums of floats round, so it is kept.
        var ordered = inputs.ToList();
        if (op != SetOp.Diff) ordered = ordered.OrderBy(x => x.Items.Count).ToList();
        var result = new Dictionary<string, (byte[] Member, double Score)>(StringComparer.Ordinal);
        long card = 0;
        switch (op)
        {
            case SetOp.Inter:
                if (ordered[0].Items.Count == 0) break;
                foreach (var (m, s0) in ordered[0].Items)
                {
                    double score = Weighted(ordered[0].Weight, s0);
                    string k = Encoding.Latin1.GetString(m);
                    bool all = true;
                    for (int i = 1; i < ordered.Count && all; i++)
                    {
                        if (ordered[i].Map().TryGetValue(k, out double v)) score = Combine(score, Weighted(ordered[i].Weight, v), agg);
                        else all = false;
                    }
                    if (!all) continue;
                    if (cardinalityOnly)
                    {
                        card++;
                        if (limit != 0 && card >= limit) break;
                    }
                    else result[k] = (m, score);
                }
                break;
            case SetOp.Union:
                foreach (var input in ordered)
                    foreach (var (m, s) in input.Items)
                    {
                        double score = Weighted(input.Weight, s);
                        string k = Encoding.Latin1.GetString(m);
                        result[k] = result.TryGetValue(k, out var cur) ? (m, Combine(cur.Score, score, agg)) : (m, score);
                    }
                break;
            case SetOp.Diff:
                foreach (var (m, s) in ordered[0].Items)
                {
                    string k = Encoding.Latin1.GetString(m);
                    bool elsewhere = false;
                    for (int i = 1; i < ordered.Count && !elsewhere; i++) elsewhere = ordered[i].Map().ContainsKey(k);
                    if (!elsewhere) result[k] = (m, s);
                }
                break;
        }
        if (cardinalityOnly)
        {
            ctx.Reply.Integer(card);
            return;
        }
        var items = result.Values.ToList();
        items.Sort((x, y) => x.Score != y.Score ? x.Score.CompareTo(y.Score) : x.Member.AsSpan().SequenceCompareTo(y.Member));
        if (dst != null)
        {
            StoreResult(ctx, dst, items);
            return;
        }
        EmitItems(ctx, items, withScores);
    }

    private static double Weighted(double weight, double score)
    {
        double r = weight * score;
        return double.IsNaN(r) ? 0 : r;
    }

    // zunionInterAggregate: a sum of inf and -inf counts as 0.
    private static double Combine(double target, double value, Aggregate agg) => agg switch
    {
        Aggregate.Sum => double.IsNaN(target + value) ? 0 : target + value,
        Aggregate.Min => value < target ? value : target,
        _ => value > target ? value : target,
    };
}
