using RedisLite.Persistence;
using RedisLite.Server;
using RedisLite.Store;

namespace RedisLite.Commands;

/// <summary>
/// Replies and stores shared by the sorted-set commands that produce member lists: elements by
/// handle or as (member, score) items, with scores as RESP3 pairs or flat, and the *STORE forms'
/// write of a finished, sorted result.
/// </summary>
public static class ZSetResults
{
    internal static void EmitHandles(CommandContext ctx, ulong rec, List<ulong> handles, bool withScores)
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

    internal static void EmitItems(CommandContext ctx, IReadOnlyList<(byte[] Member, double Score)> items, bool withScores)
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
    internal static void StoreResult(CommandContext ctx, ReadOnlySpan<byte> dst, IReadOnlyList<(byte[] Member, double Score)> items)
    {
        var limits = SortedSets.Limits(ctx);
        ResultStore.Replace(ctx, dst, items.Count, items.Aggregate(0UL, (n, m) => n + (ulong)m.Member.Length + sizeof(double)),
            RegionLayout.TypeZSet, RegionLayout.EncListpack, (ks, rec) => ZSetValues.Build(ks, rec, items, limits));
    }
}
