using RedisLite.Persistence;
using RedisLite.Store;

namespace RedisLite.Commands;

/// <summary>
/// Sorted-set commands (Redis's t_zset.c): replies, errors, argument order of checks and
/// propagation as in Redis 7.0.15. Storage lives in <see cref="ZSetValues"/>. Scores are replied
/// as %.17g (<see cref="Network.RespWriter.Double"/>). This file has what the sorted-set commands
/// share (typed lookups, limits, error texts) and the commands on single members: ZADD, ZINCRBY,
/// ZREM, ZCARD, ZSCORE, ZMSCORE, ZRANK, ZREVRANK, ZCOUNT, ZLEXCOUNT, ZRANDMEMBER. The others are
/// by concern: <see cref="ZSetRanges"/>, <see cref="ZSetPops"/>, <see cref="ZSetAlgebra"/>,
/// <see cref="ZSetScan"/>; argument parsing in <see cref="ZSetScores"/>, shared replies and stores
/// in <see cref="ZSetResults"/>.
/// </summary>
public static class SortedSets
{
    internal const string NanError = "ERR resulting score is not a number (NaN)";
    internal const string MinMaxNotFloat = "ERR min or max is not a float";
    internal const string MinMaxNotString = "ERR min or max not valid string range item";

    internal static ZSetLimits Limits(CommandContext ctx) =>
        new(ctx.Server.Config.ZsetMaxListpackEntries.Value, ctx.Server.Config.ZsetMaxListpackValue.Value);

    /// <summary>The record if it holds a zset; 0 if missing; <see cref="CommandContext.WrongTypeReplied"/> after replying WRONGTYPE.</summary>
    internal static ulong Read(CommandContext ctx, ReadOnlySpan<byte> key) => ctx.LookupRead(key, RegionLayout.TypeZSet);
    internal static ulong Write(CommandContext ctx, ReadOnlySpan<byte> key) => ctx.LookupWrite(key, RegionLayout.TypeZSet);

    internal static void DeleteIfEmpty(CommandContext ctx, ulong rec)
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
            if (!ZSetScores.ScoreArg(ctx, scoreIdx + j * 2, out scores[j])) return;

        var ks = ctx.Keyspace;
        ulong rec = Write(ctx, a[1]);
        if (rec == CommandContext.WrongTypeReplied) return;
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
        if (rec == CommandContext.WrongTypeReplied) return;
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
        if (rec == CommandContext.WrongTypeReplied) return;
        ctx.Reply.Integer(rec == 0 ? 0 : ZSetValues.Length(ctx.Keyspace, rec));
    }

    public static void ZScore(CommandContext ctx)
    {
        ulong rec = Read(ctx, ctx.Args[1]);
        if (rec == CommandContext.WrongTypeReplied) return;
        if (rec != 0 && ZSetValues.TryGetScore(ctx.Keyspace, rec, ctx.Args[2], out double s)) ctx.Reply.Double(s);
        else ctx.Reply.Null();
    }

    public static void ZMScore(CommandContext ctx)
    {
        ulong rec = Read(ctx, ctx.Args[1]);
        if (rec == CommandContext.WrongTypeReplied) return;
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
        if (rec == CommandContext.WrongTypeReplied) return;
        long rank = rec == 0 ? -1 : ZSetValues.Rank(ctx.Keyspace, rec, ctx.Args[2]);
        if (rank < 0) ctx.Reply.Null();
        else ctx.Reply.Integer(reverse ? ZSetValues.Length(ctx.Keyspace, rec) - 1 - rank : rank);
    }

    public static void ZCount(CommandContext ctx)
    {
        if (!ZSetScores.TryParseScoreRange(ctx.Args[2], ctx.Args[3], out var range))
        {
            ctx.Error(MinMaxNotFloat);
            return;
        }
        ReplyCountInRange(ctx, (ks, rec) => ZSetValues.FirstInRange(ks, rec, range), (ks, rec) => ZSetValues.LastInRange(ks, rec, range));
    }

    public static void ZLexCount(CommandContext ctx)
    {
        var range = ZLexRange.TryParse(ctx.Args[2], ctx.Args[3]);
        if (range == null)
        {
            ctx.Error(MinMaxNotString);
            return;
        }
        ReplyCountInRange(ctx, (ks, rec) => ZSetValues.FirstInLexRange(ks, rec, range), (ks, rec) => ZSetValues.LastInLexRange(ks, rec, range));
    }

    // ZCOUNT / ZLEXCOUNT after their range parsed: the ranks between the range's first and last member.
    private static void ReplyCountInRange(CommandContext ctx, Func<Keyspace, ulong, ulong> first, Func<Keyspace, ulong, ulong> last)
    {
        ulong rec = Read(ctx, ctx.Args[1]);
        if (rec == CommandContext.WrongTypeReplied) return;
        long count = 0;
        var ks = ctx.Keyspace;
        if (rec != 0)
        {
            ulong from = first(ks, rec);
            if (from != 0) count = ZSetValues.RankOf(ks, rec, last(ks, rec)) - ZSetValues.RankOf(ks, rec, from) + 1;
        }
        ctx.Reply.Integer(count);
    }

    // ------------------------------------------------------------------ ZRANDMEMBER

    public static void ZRandMember(CommandContext ctx)
    {
        var a = ctx.Args;
        var ks = ctx.Keyspace;
        if (a.Count == 2)
        {
            ulong r1 = Read(ctx, a[1]);
            if (r1 == CommandContext.WrongTypeReplied) return;
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
        if (rec == CommandContext.WrongTypeReplied) return;
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
        ZSetResults.EmitHandles(ctx, rec, picked, withScores);
    }
}
