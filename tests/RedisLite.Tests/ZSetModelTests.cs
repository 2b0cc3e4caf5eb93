using System.Globalization;
using System.Text;
using RedisLite.Network;
using RedisLite.Persistence;
using RedisLite.Store;
using Xunit.Abstractions;
using static RedisLite.Tests.Replies;

namespace RedisLite.Tests;

/// <summary>
/// Randomized model test for sorted sets: a seeded stream of Z commands (ZADD with every flag,
/// ZINCRBY, ZREM, ranges by rank/score/lex in both directions with LIMIT, counts, ranks, pops,
/// ZMPOP, the REMRANGE family, ZRANGESTORE and the union/inter/diff stores) runs in-process
/// against RedisLite and against <see cref="ZSetModel"/>, a plain model written from Redis 7.0's
/// documented behaviour. Scores include ties, ±inf and negative zero (which a listpack stores as
/// "0" and a skiplist keeps); members are sometimes longer than the listpack value limit. The
/// listpack limits are lowered so sets cross the threshold in both directions often (growth
/// converts to skiplist; stores of small results come back as listpacks). Every reply is
/// compared; after every step the touched key is compared in full (members, scores, encoding),
/// and every few hundred steps the whole keyspace is compared and the region audited
/// (skiplist spans/back links/order, index agreement, no leaked or overlapping block).
/// REDISLITE_TEST_SEED / REDISLITE_TEST_STEPS replay or lengthen a run (<see cref="TestSeed"/>).
/// </summary>
public class ZSetModelTests(ITestOutputHelper output)
{
    private static readonly Encoding L1 = Encoding.Latin1;
    private const int MaxEntries = 16, MaxValue = 12;

    [Fact]
    public void RandomZSetOperationsMatchTheModel() => TestSeed.Run(output, seed =>
    {
        var stats = Run(seed, TestSeed.Steps(100_000));
        output.WriteLine(string.Join("\n", stats.Select(kv => $"{kv.Key}: {kv.Value}")));
    });

    private static SortedDictionary<string, int> Run(int seed, int steps)
    {
        var stats = new SortedDictionary<string, int>();
        var rng = new Random(seed);
        using var server = new InProcessServer(c =>
        {
            c.ZsetMaxListpackEntries.Value = MaxEntries;
            c.ZsetMaxListpackValue.Value = MaxValue;
        });
        var model = new ZSetModel(MaxEntries, MaxValue);
        var gen = new ZSetCommandGenerator(rng);
        var history = new Queue<string>();
        for (int step = 1; step <= steps; step++)
        {
            string[] args = gen.Next();
            history.Enqueue(string.Join(' ', args.Select(Show)));
            if (history.Count > 20) history.Dequeue();
            var expected = model.Apply(args);
            var actual = server.Call(args.Select(a => (object)L1.GetBytes(a)).ToArray());
            string cmd = args[0].ToUpperInvariant() + (actual is RespClient.RespError ? " (error)" : "");
            stats[cmd] = stats.GetValueOrDefault(cmd) + 1;
            string? problem = expected is ZSetModel.AnyOf any ? any.Verify(actual) : Same(expected, actual) ? null : "replies differ";
            if (problem == null)
                foreach (var key in model.Touched) problem ??= CompareKey(server, model, key);
            if (problem != null)
                throw new InvalidOperationException($"step {step}: {string.Join(' ', args.Select(Show))}\n  {problem}\n  model:  {Show(expected is ZSetModel.AnyOf a ? a.What : expected)}\n  server: {Show(actual)}\nlast commands:\n  " + string.Join("\n  ", history));
            SharingSimulation.Step(server.Server.Keyspace, step);
            if (step % 2000 == 0 || step == steps)
            {
                foreach (var key in model.Sets.Keys.ToList()) if (CompareKey(server, model, key) is { } p) throw new InvalidOperationException($"step {step}: {p}");
                if ((long)server.Server.Keyspace.KeyCount(0) != model.Sets.Count + model.Strings.Count)
                    throw new InvalidOperationException($"step {step}: server has {server.Server.Keyspace.KeyCount(0)} keys, model {model.Sets.Count + model.Strings.Count}");
                RegionAudit.Check(server.Server.Keyspace);
                stats["full comparisons and audits"] = stats.GetValueOrDefault("full comparisons and audits") + 1;
            }
        }
        stats["skiplist conversions seen"] = model.ToSkiplist;
        stats["listpack results from stores"] = model.StoredAsListpack;
        return stats;
    }

    private static string? CompareKey(InProcessServer server, ZSetModel model, string key)
    {
        var ks = server.Server.Keyspace;
        ulong rec = ks.FindRaw(0, L1.GetBytes(key));
        model.Sets.TryGetValue(key, out var set);
        if (rec == 0) return set == null && !model.Strings.Contains(key) ? null : $"key {Show(key)} missing on the server";
        if (set == null)
            return model.Strings.Contains(key) && ks.Rec(rec).Type == RegionLayout.TypeString ? null : $"key {Show(key)} exists on the server only";
        if (ks.Rec(rec).Type != RegionLayout.TypeZSet) return $"key {Show(key)} is not a zset";
        var items = ZSetValues.Items(ks, rec);
        var want = set.Sorted();
        string enc = ZSetValues.IsListpack(ks, rec) ? "listpack" : "skiplist";
        if (enc != set.Encoding) return $"key {Show(key)}: encoding {enc}, model {set.Encoding}";
        if (items.Count != want.Count) return $"key {Show(key)}: {items.Count} members, model {want.Count}";
        for (int i = 0; i < items.Count; i++)
        {
            if (L1.GetString(items[i].Member) != want[i].Member || BitConverter.DoubleToInt64Bits(items[i].Score) != BitConverter.DoubleToInt64Bits(want[i].Score))
                return $"key {Show(key)} element {i}: server {Show(items[i].Member)} {items[i].Score:R}, model {Show(want[i].Member)} {want[i].Score:R}";
        }
        return null;
    }
}

/// <summary>
/// Redis 7.0's sorted sets as plain dictionaries (db 0 only), with the encoding Redis would have
/// chosen: new keys start as listpack unless the first member is longer than the value limit;
/// an insert that would pass either limit converts to skiplist; removals never convert back;
/// stores pick by the finished size. A listpack keeps a score as d2string text, so a -0 stored
/// there reads back as 0; a skiplist keeps the double as it is.
/// </summary>
public sealed class ZSetModel(int maxEntries, int maxValue)
{
    public sealed class ZSet
    {
        public Dictionary<string, double> Scores = new(StringComparer.Ordinal);
        public string Encoding = "listpack";

        public List<(string Member, double Score)> Sorted()
        {
            var l = Scores.Select(kv => (kv.Key, kv.Value)).ToList();
            l.Sort(Cmp);
            return l;
        }
    }

    public static int Cmp((string Member, double Score) a, (string Member, double Score) b) =>
        a.Score != b.Score ? a.Score.CompareTo(b.Score) : string.CompareOrdinal(a.Member, b.Member);

    /// <summary>A reply any of several forms of which is right (random members).</summary>
    public sealed record AnyOf(string What, Func<object?, string?> Verify);

    public Dictionary<string, ZSet> Sets { get; } = new(StringComparer.Ordinal);
    public HashSet<string> Strings { get; } = new(StringComparer.Ordinal);
    public List<string> Touched { get; } = [];
    public int ToSkiplist, StoredAsListpack;

    private static readonly Encoding L1 = System.Text.Encoding.Latin1;
    private static byte[] B(string s) => L1.GetBytes(s);
    private static byte[] D(double d) => B(RespWriter.FormatDouble(d));
    private static RespClient.RespError Err(string m) => new(m);
    private static readonly RespClient.RespError WrongType = Err("WRONGTYPE Operation against a key holding the wrong kind of value");
    private static readonly RespClient.RespError Syntax = Err("ERR syntax error");

    private double Stored(ZSet z, double s) => z.Encoding == "listpack" && s == 0 ? 0.0 : s;

    private void Insert(ZSet z, string m, double s)
    {
        if (z.Encoding == "listpack" && (z.Scores.Count + 1 > maxEntries || m.Length > maxValue))
        {
            z.Encoding = "skiplist";
            ToSkiplist++;
        }
        z.Scores[m] = Stored(z, s);
    }

    private void Store(string dst, List<(string Member, double Score)> items)
    {
        Strings.Remove(dst);
        Sets.Remove(dst);
        Touched.Add(dst);
        if (items.Count == 0) return;
        var z = new ZSet
        {
            Encoding = items.Count <= maxEntries && items.Max(i => i.Member.Length) <= maxValue ? "listpack" : "skiplist",
        };
        if (z.Encoding == "listpack") StoredAsListpack++;
        foreach (var (m, s) in items) z.Scores[m] = Stored(z, s);
        Sets[dst] = z;
    }

    private void DropIfEmpty(string key)
    {
        if (Sets.TryGetValue(key, out var z) && z.Scores.Count == 0) Sets.Remove(key);
    }

    private static object Flat(IEnumerable<(string Member, double Score)> items, bool withScores)
    {
        var l = new List<object?>();
        foreach (var (m, s) in items)
        {
            l.Add(B(m));
            if (withScores) l.Add(D(s));
        }
        return l.ToArray();
    }

    private static bool ParseScore(string s, out double d) => Commands.ZSetScores.TryParseScore(B(s), out d);

    public object? Apply(string[] a)
    {
        Touched.Clear();
        string cmd = a[0].ToUpperInvariant();
        string key = a.Length > 1 ? a[1] : "";
        if (cmd == "SET")
        {
            Sets.Remove(key);
            Strings.Add(key);
            Touched.Add(key);
            return "OK";
        }
        if (cmd == "DEL")
        {
            bool had = Sets.Remove(key) | Strings.Remove(key);
            Touched.Add(key);
            return had ? 1L : 0L;
        }
        // Commands that parse arguments before looking the key up report a bad argument first.
        bool parsesFirst = cmd is "ZUNIONSTORE" or "ZINTERSTORE" or "ZDIFFSTORE" or "ZRANGESTORE" or "ZRANGE" or "ZADD" or "ZINCRBY"
            or "ZCOUNT" or "ZLEXCOUNT" or "ZREMRANGEBYSCORE" or "ZREMRANGEBYLEX" or "ZMPOP" or "ZINTERCARD";
        bool isString = Strings.Contains(key);
        if (!parsesFirst && isString) return WrongType;
        Sets.TryGetValue(key, out var z);
        Touched.Add(key);
        switch (cmd)
        {
            case "ZADD": return ZAdd(a, key, z, isString);
            case "ZINCRBY":
            {
                if (!ParseScore(a[2], out double inc)) return Err("ERR value is not a valid float");
                if (isString) return WrongType;
                if (z == null) { z = new ZSet(); Sets[key] = z; if (a[3].Length > maxValue) z.Encoding = "skiplist"; }
                double ns = z.Scores.TryGetValue(a[3], out double cur) ? cur + inc : inc;
                if (double.IsNaN(ns)) return Err("ERR resulting score is not a number (NaN)");
                if (z.Scores.ContainsKey(a[3])) z.Scores[a[3]] = ns == cur ? cur : Stored(z, ns);
                else Insert(z, a[3], ns);
                return D(ns);
            }
            case "ZREM":
            {
                if (z == null) return 0L;
                long n = 0;
                for (int i = 2; i < a.Length; i++) if (z.Scores.Remove(a[i])) n++;
                DropIfEmpty(key);
                return n;
            }
            case "ZCARD": return z == null ? 0L : (long)z.Scores.Count;
            case "ZSCORE": return z != null && z.Scores.TryGetValue(a[2], out double sc) ? D(sc) : null;
            case "ZMSCORE": return a.Skip(2).Select(m => z != null && z.Scores.TryGetValue(m, out double v) ? (object?)D(v) : null).ToArray();
            case "ZRANK" or "ZREVRANK":
            {
                if (z == null || !z.Scores.ContainsKey(a[2])) return null;
                var sorted = z.Sorted();
                long r = sorted.FindIndex(x => x.Member == a[2]);
                return cmd == "ZRANK" ? r : sorted.Count - 1 - r;
            }
            case "ZCOUNT":
            {
                if (!Commands.ZSetScores.TryParseScoreRange(B(a[2]), B(a[3]), out var range)) return Err("ERR min or max is not a float");
                if (isString) return WrongType;
                return z == null ? 0L : (long)z.Scores.Values.Count(v => range.GteMin(v) && range.LteMax(v));
            }
            case "ZLEXCOUNT":
            {
                var lex = ZLexRange.TryParse(B(a[2]), B(a[3]));
                if (lex == null) return Err("ERR min or max not valid string range item");
                if (isString) return WrongType;
                return z == null ? 0L : (long)z.Scores.Keys.Count(m => lex.GteMin(B(m)) && lex.LteMax(B(m)));
            }
            case "ZRANGE" or "ZRANGESTORE": return Range(a, cmd == "ZRANGESTORE");
            case "ZREMRANGEBYRANK":
            {
                long start = long.Parse(a[2], CultureInfo.InvariantCulture), end = long.Parse(a[3], CultureInfo.InvariantCulture);
                if (z == null) return 0L;
                var sorted = z.Sorted();
                var picked = RankSlice(sorted, start, end, false);
                foreach (var (m, _) in picked) z.Scores.Remove(m);
                DropIfEmpty(key);
                return (long)picked.Count;
            }
            case "ZREMRANGEBYSCORE":
            {
                if (!Commands.ZSetScores.TryParseScoreRange(B(a[2]), B(a[3]), out var range)) return Err("ERR min or max is not a float");
                if (isString) return WrongType;
                if (z == null) return 0L;
                var del = z.Scores.Where(kv => range.GteMin(kv.Value) && range.LteMax(kv.Value)).Select(kv => kv.Key).ToList();
                foreach (var m in del) z.Scores.Remove(m);
                DropIfEmpty(key);
                return (long)del.Count;
            }
            case "ZREMRANGEBYLEX":
            {
                var lex = ZLexRange.TryParse(B(a[2]), B(a[3]));
                if (lex == null) return Err("ERR min or max not valid string range item");
                if (isString) return WrongType;
                if (z == null) return 0L;
                var del = z.Scores.Keys.Where(m => lex.GteMin(B(m)) && lex.LteMax(B(m))).ToList();
                foreach (var m in del) z.Scores.Remove(m);
                DropIfEmpty(key);
                return (long)del.Count;
            }
            case "ZPOPMIN" or "ZPOPMAX":
            {
                long count = a.Length > 2 ? long.Parse(a[2], CultureInfo.InvariantCulture) : 1;
                if (z == null || count == 0) return Array.Empty<object?>();
                var sorted = z.Sorted();
                if (cmd == "ZPOPMAX") sorted.Reverse();
                var taken = sorted.Take((int)Math.Min(count, sorted.Count)).ToList();
                foreach (var (m, _) in taken) z.Scores.Remove(m);
                DropIfEmpty(key);
                return Flat(taken, true);
            }
            case "ZMPOP":
            {
                // ZMPOP 2 k1 k2 MIN|MAX COUNT n
                Touched.Clear();
                int nk = int.Parse(a[1], CultureInfo.InvariantCulture);
                bool max = a[2 + nk].Equals("MAX", StringComparison.OrdinalIgnoreCase);
                long count = long.Parse(a[4 + nk], CultureInfo.InvariantCulture);
                for (int i = 0; i < nk; i++)
                {
                    string k = a[2 + i];
                    Touched.Add(k);
                    if (Strings.Contains(k)) return WrongType;
                    if (!Sets.TryGetValue(k, out var zz)) continue;
                    var sorted = zz.Sorted();
                    if (max) sorted.Reverse();
                    var taken = sorted.Take((int)Math.Min(count, sorted.Count)).ToList();
                    foreach (var (m, _) in taken) zz.Scores.Remove(m);
                    DropIfEmpty(k);
                    return new object?[] { B(k), taken.Select(t => (object?)new object?[] { B(t.Member), D(t.Score) }).ToArray() };
                }
                return null;
            }
            case "ZUNIONSTORE" or "ZINTERSTORE" or "ZDIFFSTORE": return Algebra(a, cmd);
            case "ZINTERCARD":
            {
                Touched.Clear();
                var ins = new List<ZSet?>();
                for (int i = 0; i < 2; i++)
                {
                    if (Strings.Contains(a[2 + i])) return WrongType;
                    ins.Add(Sets.GetValueOrDefault(a[2 + i]));
                }
                if (ins.Any(x => x == null)) return 0L;
                return (long)ins[0]!.Scores.Keys.Count(m => ins[1]!.Scores.ContainsKey(m));
            }
            default: throw new ArgumentException($"model does not know {cmd}");
        }
    }

    private object? ZAdd(string[] a, string key, ZSet? z, bool isString)
    {
        int i = 2;
        bool nx = false, xx = false, gt = false, lt = false, ch = false, incr = false;
        for (; i < a.Length; i++)
        {
            switch (a[i].ToUpperInvariant())
            {
                case "NX": nx = true; continue;
                case "XX": xx = true; continue;
                case "GT": gt = true; continue;
                case "LT": lt = true; continue;
                case "CH": ch = true; continue;
                case "INCR": incr = true; continue;
            }
            break;
        }
        int elements = a.Length - i;
        if (elements == 0 || elements % 2 != 0) return Syntax;
        elements /= 2;
        if (nx && xx) return Err("ERR XX and NX options at the same time are not compatible");
        if ((gt && nx) || (lt && nx) || (gt && lt)) return Err("ERR GT, LT, and/or NX options at the same time are not compatible");
        if (incr && elements > 1) return Err("ERR INCR option supports a single increment-element pair");
        var scores = new double[elements];
        for (int j = 0; j < elements; j++)
            if (!ParseScore(a[i + 2 * j], out scores[j])) return Err("ERR value is not a valid float");
        if (isString) return WrongType;
        long added = 0, updated = 0, processed = 0;
        double last = 0;
        if (z == null)
        {
            if (xx) return incr ? null : 0L;
            z = new ZSet();
            if (maxEntries == 0 || a[i + 1].Length > maxValue) z.Encoding = "skiplist";
            Sets[key] = z;
        }
        for (int j = 0; j < elements; j++)
        {
            string m = a[i + 2 * j + 1];
            double s = scores[j];
            if (z.Scores.TryGetValue(m, out double cur))
            {
                if (nx) continue;
                if (incr)
                {
                    s += cur;
                    if (double.IsNaN(s)) return Err("ERR resulting score is not a number (NaN)");
                }
                if ((lt && s >= cur) || (gt && s <= cur)) continue;
                processed++;
                last = s;
                if (s != cur)
                {
                    z.Scores[m] = Stored(z, s);
                    updated++;
                }
            }
            else if (!xx)
            {
                Insert(z, m, s);
                added++;
                processed++;
                last = s;
            }
        }
        if (incr) return processed > 0 ? D(last) : null;
        return ch ? added + updated : added;
    }

    private static List<(string Member, double Score)> RankSlice(List<(string Member, double Score)> sorted, long start, long end, bool rev)
    {
        long len = sorted.Count;
        if (start < 0) start += len;
        if (end < 0) end += len;
        if (start < 0) start = 0;
        if (start > end || start >= len) return [];
        if (end >= len) end = len - 1;
        var src = rev ? Enumerable.Reverse(sorted).ToList() : sorted;
        return src.Skip((int)start).Take((int)(end - start + 1)).ToList();
    }

    // ZRANGE key min max [BYSCORE|BYLEX] [REV] [LIMIT o c] [WITHSCORES]; ZRANGESTORE dst src ... (no WITHSCORES)
    private object? Range(string[] a, bool store)
    {
        int k = store ? 2 : 1;
        string src = a[k];
        Touched.Clear();
        if (store) Touched.Add(a[1]);
        Touched.Add(src);
        bool byScore = false, byLex = false, rev = false, withScores = false;
        long offset = 0, limit = -1;
        for (int j = k + 3; j < a.Length; j++)
        {
            switch (a[j].ToUpperInvariant())
            {
                case "BYSCORE": byScore = true; break;
                case "BYLEX": byLex = true; break;
                case "REV": rev = true; break;
                case "WITHSCORES": withScores = true; break;
                case "LIMIT":
                    offset = long.Parse(a[j + 1], CultureInfo.InvariantCulture);
                    limit = long.Parse(a[j + 2], CultureInfo.InvariantCulture);
                    j += 2;
                    break;
            }
        }
        if (withScores && byLex) return Err("ERR syntax error, WITHSCORES not supported in combination with BYLEX");
        string min = a[k + 1], max = a[k + 2];
        if (rev && (byScore || byLex)) (min, max) = (max, min);
        Func<List<(string Member, double Score)>, List<(string Member, double Score)>> pick;
        if (byScore)
        {
            if (!Commands.ZSetScores.TryParseScoreRange(B(min), B(max), out var range)) return Err("ERR min or max is not a float");
            pick = s => Window(s.Where(x => range.GteMin(x.Score) && range.LteMax(x.Score)), rev, offset, limit, s.Count);
        }
        else if (byLex)
        {
            var lex = ZLexRange.TryParse(B(min), B(max));
            if (lex == null) return Err("ERR min or max not valid string range item");
            pick = s => Window(s.Where(x => lex.GteMin(B(x.Member)) && lex.LteMax(B(x.Member))), rev, offset, limit, s.Count);
        }
        else
        {
            long start = long.Parse(min, CultureInfo.InvariantCulture), end = long.Parse(max, CultureInfo.InvariantCulture);
            pick = s => RankSlice(s, start, end, rev);
        }
        if (Strings.Contains(src)) return WrongType;
        var items = Sets.TryGetValue(src, out var z) ? pick(z.Sorted()) : [];
        if (store)
        {
            var sorted = items.ToList();
            sorted.Sort(Cmp);
            Store(a[1], sorted);
            return (long)items.Count;
        }
        return Flat(items, withScores);
    }

    private static List<(string Member, double Score)> Window(IEnumerable<(string Member, double Score)> inRange, bool rev, long offset, long limit, long len)
    {
        if (offset < 0 || (offset > 0 && offset >= len)) return [];
        var l = inRange.ToList();
        if (rev) l.Reverse();
        var r = l.Skip((int)Math.Min(offset, int.MaxValue));
        if (limit >= 0) r = r.Take((int)Math.Min(limit, int.MaxValue));
        return r.ToList();
    }

    // Z{UNION,INTER,DIFF}STORE dst 2 k1 k2 [WEIGHTS w1 w2] [AGGREGATE x]
    private object? Algebra(string[] a, string cmd)
    {
        Touched.Clear();
        string dst = a[1];
        var ins = new List<(ZSet? Set, double Weight)>();
        for (int i = 0; i < 2; i++)
        {
            if (Strings.Contains(a[3 + i])) { Touched.Add(dst); return WrongType; }
            ins.Add((Sets.GetValueOrDefault(a[3 + i]), 1));
        }
        string agg = "SUM";
        for (int j = 5; j < a.Length; j++)
        {
            if (a[j] == "WEIGHTS")
            {
                ins[0] = (ins[0].Set, double.Parse(a[j + 1], CultureInfo.InvariantCulture));
                ins[1] = (ins[1].Set, double.Parse(a[j + 2], CultureInfo.InvariantCulture));
                j += 2;
            }
            else if (a[j] == "AGGREGATE") agg = a[++j];
        }
        static double W(double w, double s) => double.IsNaN(w * s) ? 0 : w * s;
        double Combine(double t, double v) => agg switch
        {
            "SUM" => double.IsNaN(t + v) ? 0 : t + v,
            "MIN" => v < t ? v : t,
            _ => v > t ? v : t,
        };
        var result = new Dictionary<string, double>(StringComparer.Ordinal);
        var ordered = cmd == "ZDIFFSTORE" ? ins : ins.OrderBy(x => x.Set?.Scores.Count ?? 0).ToList();
        switch (cmd)
        {
            case "ZUNIONSTORE":
                foreach (var (set, w) in ordered)
                    if (set != null)
                        foreach (var (m, s) in set.Sorted())
                            result[m] = result.TryGetValue(m, out double cur) ? Combine(cur, W(w, s)) : W(w, s);
                break;
            case "ZINTERSTORE":
                if (ordered.All(x => x.Set != null))
                    foreach (var (m, s) in ordered[0].Set!.Sorted())
                    {
                        if (!ordered[1].Set!.Scores.TryGetValue(m, out double v)) continue;
                        result[m] = Combine(W(ordered[0].Weight, s), W(ordered[1].Weight, v));
                    }
                break;
            default:
                if (ordered[0].Set != null)
                    foreach (var (m, s) in ordered[0].Set!.Scores)
                        if (ordered[1].Set == null || !ordered[1].Set!.Scores.ContainsKey(m)) result[m] = s;
                break;
        }
        var items = result.Select(kv => (kv.Key, kv.Value)).ToList();
        items.Sort(Cmp);
        Store(dst, items);
        return (long)items.Count;
    }
}

/// <summary>Random Z commands over a few keys, members and scores chosen to collide often.</summary>
public sealed class ZSetCommandGenerator(Random rng)
{
    private static readonly string[] Keys = ["z1", "z2", "z3", "z4", "str"];
    private static readonly string[] ScoreTexts =
        ["0", "1", "2", "3", "-1", "-2", "0.5", "-0", "inf", "-inf", "+inf", "1e-5", "0.1", "2.5", "100", "1e300", "-0.0", "3.0000000000000004", "abc", "nan"];

    private string Key() => Keys[rng.Next(Keys.Length)];

    private string Member()
    {
        int r = rng.Next(100);
        if (r < 70) return "m" + rng.Next(60);
        if (r < 80) return rng.Next(-20, 200).ToString(CultureInfo.InvariantCulture); // listpack int members
        if (r < 90) return new string((char)('a' + rng.Next(5)), rng.Next(1, 5));
        return "long-member-" + rng.Next(10) + new string('x', rng.Next(0, 6)); // over the value limit (12)
    }

    private string Score()
    {
        int r = rng.Next(100);
        if (r < 60) return ScoreTexts[rng.Next(ScoreTexts.Length - 2)];
        if (r < 62) return ScoreTexts[ScoreTexts.Length - 1 - rng.Next(2)];
        return (rng.Next(-1000, 1000) / 8.0).ToString("R", CultureInfo.InvariantCulture);
    }

    private string RangeItem()
    {
        int r = rng.Next(10);
        string v = r < 2 ? (rng.Next(2) == 0 ? "-inf" : "+inf") : (rng.Next(-10, 30) / 4.0).ToString(CultureInfo.InvariantCulture);
        return rng.Next(4) == 0 ? "(" + v : v;
    }

    private string LexItem()
    {
        int r = rng.Next(10);
        if (r == 0) return "-";
        if (r == 1) return "+";
        string m = Member();
        return (rng.Next(2) == 0 ? "[" : "(") + m[..Math.Min(2, m.Length)];
    }

    private string Rank() => rng.Next(-40, 40).ToString(CultureInfo.InvariantCulture);

    public string[] Next()
    {
        // Grow sets more than they shrink, with bursts of removal so sizes cross the limit both ways.
        int r = rng.Next(1000);
        string k = Key();
        if (r < 300)
        {
            var args = new List<string> { "ZADD", k };
            foreach (var f in new[] { "NX", "XX", "GT", "LT", "CH" })
                if (rng.Next(12) == 0) args.Add(f);
            bool incr = rng.Next(15) == 0;
            if (incr) args.Add("INCR");
            int n = incr ? 1 : rng.Next(1, rng.Next(10) == 0 ? 20 : 4);
            for (int i = 0; i < n; i++) { args.Add(Score()); args.Add(Member()); }
            return args.ToArray();
        }
        if (r < 340) return ["ZINCRBY", k, Score(), Member()];
        if (r < 420) return ["ZREM", k, .. Enumerable.Range(0, rng.Next(1, 6)).Select(_ => Member())];
        if (r < 440) return ["ZCARD", k];
        if (r < 470) return ["ZSCORE", k, Member()];
        if (r < 480) return ["ZMSCORE", k, Member(), Member()];
        if (r < 510) return [rng.Next(2) == 0 ? "ZRANK" : "ZREVRANK", k, Member()];
        if (r < 530) return ["ZCOUNT", k, RangeItem(), RangeItem()];
        // Lex ranges are defined only over equal scores (Redis walks its skiplist assuming so):
        // they run on "zl", whose members all score 0.
        if (r < 540) return ["ZLEXCOUNT", "zl", LexItem(), LexItem()];
        if (r < 555) return ["ZADD", "zl", .. Enumerable.Range(0, rng.Next(1, 6)).SelectMany(_ => new[] { rng.Next(3) == 0 ? "-0" : "0", Member() })];
        if (r < 560) return ["ZREM", "zl", Member(), Member()];
        if (r < 640)
        {
            var args = new List<string> { "ZRANGE", k };
            int type = rng.Next(3);
            if (type == 0) { args.Add(Rank()); args.Add(Rank()); }
            else if (type == 1) { args.Add(RangeItem()); args.Add(RangeItem()); args.Add("BYSCORE"); }
            else { args[1] = "zl"; args.Add(LexItem()); args.Add(LexItem()); args.Add("BYLEX"); }
            if (rng.Next(2) == 0) args.Add("REV");
            if (type != 0 && rng.Next(3) == 0) { args.Add("LIMIT"); args.Add(rng.Next(-1, 5).ToString(CultureInfo.InvariantCulture)); args.Add(rng.Next(-1, 8).ToString(CultureInfo.InvariantCulture)); }
            if (type != 2 && rng.Next(2) == 0) args.Add("WITHSCORES");
            return args.ToArray();
        }
        if (r < 670) return ["ZREMRANGEBYRANK", k, Rank(), Rank()];
        if (r < 690) return ["ZREMRANGEBYSCORE", k, RangeItem(), RangeItem()];
        if (r < 700) return ["ZREMRANGEBYLEX", "zl", LexItem(), LexItem()];
        if (r < 740) return rng.Next(3) == 0 ? [rng.Next(2) == 0 ? "ZPOPMIN" : "ZPOPMAX", k] : [rng.Next(2) == 0 ? "ZPOPMIN" : "ZPOPMAX", k, rng.Next(0, 25).ToString(CultureInfo.InvariantCulture)];
        if (r < 760) return ["ZMPOP", "2", Key(), Key(), rng.Next(2) == 0 ? "MIN" : "MAX", "COUNT", rng.Next(1, 20).ToString(CultureInfo.InvariantCulture)];
        if (r < 820)
        {
            string cmd = rng.Next(3) switch { 0 => "ZUNIONSTORE", 1 => "ZINTERSTORE", _ => "ZDIFFSTORE" };
            var args = new List<string> { cmd, Key(), "2", Key(), Key() };
            if (cmd != "ZDIFFSTORE" && rng.Next(3) == 0) { args.Add("WEIGHTS"); args.Add(rng.Next(-2, 3).ToString(CultureInfo.InvariantCulture)); args.Add("0.5"); }
            if (cmd != "ZDIFFSTORE" && rng.Next(3) == 0) { args.Add("AGGREGATE"); args.Add(new[] { "SUM", "MIN", "MAX" }[rng.Next(3)]); }
            return args.ToArray();
        }
        if (r < 850)
        {
            var args = new List<string> { "ZRANGESTORE", Key(), Key() };
            int type = rng.Next(2);
            if (type == 0) { args.Add(Rank()); args.Add(Rank()); }
            else { args.Add(RangeItem()); args.Add(RangeItem()); args.Add("BYSCORE"); }
            if (rng.Next(3) == 0) args.Add("REV");
            return args.ToArray();
        }
        if (r < 860) return ["ZINTERCARD", "2", Key(), Key()];
        if (r < 870) return ["DEL", k];
        if (r < 875) return ["SET", "str", "v"];
        // Bursts of pops shrink big sets under the limit (they stay skiplists, as in Redis).
        return ["ZPOPMIN", k, rng.Next(5, 40).ToString(CultureInfo.InvariantCulture)];
    }
}
