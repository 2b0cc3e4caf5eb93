using System.Text;
using RedisLite.Persistence;
using RedisLite.Server;
using RedisLite.Store;

namespace RedisLite.Commands;

/// <summary>
/// Sorted-set pops: ZPOPMIN / ZPOPMAX, ZMPOP and their blocking forms BZPOPMIN / BZPOPMAX /
/// BZMPOP (Redis's genericZpopCommand and blockingGenericZpopCommand), with the replies and the
/// propagated forms Redis 7.0 writes.
/// </summary>
public static class ZSetPops
{
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
        ulong rec = SortedSets.Write(ctx, a[1]);
        if (rec == CommandContext.WrongTypeReplied) return;
        if (rec == 0 || count == 0)
        {
            ctx.Reply.ArrayHeader(0);
            return;
        }
        var popped = PopCore(ctx.Keyspace, ctx.Db, rec, max, count);
        ctx.Dirty += popped.Count;
        bool pairs = a.Count == 3 && ctx.Reply.Protocol == 3;
        EmitItems(ctx, popped, withScores: true, pairs);
    }

    private static void EmitItems(CommandContext ctx, IReadOnlyList<(byte[] Member, double Score)> items, bool withScores, bool pairs)
    {
        if (pairs) ZSetResults.EmitItems(ctx, items, withScores);
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
        if (!BlockingPop.ServeFirst(ctx, Keys(ctx, 2, numKeys), RegionLayout.TypeZSet, Popper(max, count, multi: true))) ctx.Reply.NullArray();
    }

    private static byte[][] Keys(CommandContext ctx, int first, int n)
    {
        var keys = new byte[n][];
        for (int i = 0; i < n; i++) keys[i] = ctx.Args[first + i].ToArray();
        return keys;
    }

    /// <summary>
    /// Pops from one key for [B]ZMPOP (<paramref name="multi"/>: [key, [[member, score]...]]) or
    /// BZPOPMIN/BZPOPMAX ([key, member, score]), now or for a blocked client.
    /// </summary>
    private static BlockingPop.Handler Popper(bool max, long count, bool multi) => (server, db, reply, key, rec) =>
    {
        var popped = PopCore(server.Keyspace, db, rec, max, count);
        if (popped.Count == 0) return null;
        if (multi) ReplyMPop(reply, key, popped);
        else ReplyBPop(reply, key, popped);
        return new BlockingPop.Served(popped.Count, PopRecord(max, key, multi ? popped.Count : null));
    };

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
        var keys = Keys(ctx, 1, ctx.Args.Count - 2);
        if (!BlockingKeys.TryParseTimeout(ctx, ctx.Args.Count - 1, out long deadline)) return;
        BlockingPop.Run(ctx, keys, deadline, RegionLayout.TypeZSet, Popper(max, count: 1, multi: false), reply => reply.NullArray());
    }

    /// <summary>BZMPOP timeout numkeys key [key ...] MIN|MAX [COUNT count]: arguments first, then the timeout.</summary>
    public static void BZMPop(CommandContext ctx)
    {
        if (!ParseMPop(ctx, 2, out int numKeys, out bool max, out long count)) return;
        if (!BlockingKeys.TryParseTimeout(ctx, 1, out long deadline)) return;
        BlockingPop.Run(ctx, Keys(ctx, 3, numKeys), deadline, RegionLayout.TypeZSet, Popper(max, count, multi: true), reply => reply.NullArray());
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
}
