using System.Text;
using RedisLite.Persistence;
using RedisLite.Store;

namespace RedisLite.Commands;

/// <summary>
/// ZUNION / ZINTER / ZDIFF, their STORE forms and ZINTERCARD (Redis's
/// zunionInterDiffGenericCommand). Plain sets are accepted as inputs, every member scoring 1.
/// </summary>
public static class ZSetAlgebra
{
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
            ulong rec = dst != null ? ctx.LookupStoreSource(key) : ctx.LookupRead(key);
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
                    if (!ZSetScores.ScoreArg(ctx, j, out inputs[i].Weight, "ERR weight value is not a float")) return;
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
            ZSetResults.StoreResult(ctx, dst, items);
            return;
        }
        ZSetResults.EmitItems(ctx, items, withScores);
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
