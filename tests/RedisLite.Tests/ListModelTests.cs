using System.Text;
using RedisLite.Persistence;
using RedisLite.Store;
using Xunit.Abstractions;
using static RedisLite.Tests.Replies;

namespace RedisLite.Tests;

/// <summary>
/// Randomized model test of the list commands, in process: a seeded stream of pushes, pops (with
/// and without COUNT), LRANGE/LINDEX/LSET/LINSERT/LREM/LTRIM/LPOS, LMOVE/RPOPLPUSH/LMPOP and the
/// blocking forms (with the client's DenyBlocking set, so they act as their non-blocking form),
/// plus DEL/COPY and a string key for WRONGTYPE, runs against the server and against plain
/// <see cref="List{T}"/>s. Values mix small and large integers, short and medium strings and
/// values over 8 KB; lists grow past many quicklist nodes and shrink again, and the node size
/// setting changes mid-run. Every reply is compared, the touched keys' contents are compared
/// with the model after every step (read straight from the region), and the whole keyspace is
/// compared and the region audited (<see cref="RegionAudit"/>) every 1000 steps and at the end.
/// REDISLITE_TEST_SEED / REDISLITE_TEST_STEPS replay or lengthen a run (<see cref="TestSeed"/>).
/// </summary>
public class ListModelTests(ITestOutputHelper output)
{
    private const string WrongType = "WRONGTYPE Operation against a key holding the wrong kind of value";
    private static readonly string[] ListKeys = ["l0", "l1", "l2", "l3", "l4", "l5"];
    private const string StringKey = "s";

    [Fact]
    public void RandomListOperationsMatchTheModel() => TestSeed.Run(output, seed =>
    {
        var stats = Run(seed, TestSeed.Steps(100_000));
        output.WriteLine(string.Join("\n", stats.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key}: {kv.Value}")));
    });

    private sealed class Model
    {
        public readonly Dictionary<string, List<string>> Lists = new();
        public string? Str;
    }

    private static SortedDictionary<string, long> Run(int seed, int steps)
    {
        var stats = new SortedDictionary<string, long>();
        var rng = new Random(seed);
        using var server = new InProcessServer();
        server.Client.DenyBlocking = true;
        var m = new Model();
        var history = new Queue<string>();
        long maxLen = 0, maxNodes = 0;
        for (int step = 1; step <= steps; step++)
        {
            // Phases: grow for a while, then shrink, so lists cross the node thresholds both ways.
            bool growing = (step / 5000) % 2 == 0;
            if (step % 7919 == 0)
            {
                long fill = new long[] { -2, -1, 4, 16, -3, -2 }[rng.Next(6)];
                server.Call("CONFIG", "SET", "list-max-listpack-size", fill.ToString());
                stats["node size changes"] = stats.GetValueOrDefault("node size changes") + 1;
            }
            SharingSimulation.Step(server.Server.Keyspace, step);
            var (args, expected, touched) = Generate(rng, m, growing);
            history.Enqueue(string.Join(' ', args.Select(a => Show(a.Length > 40 ? a[..40] + $"...({a.Length})" : a))));
            if (history.Count > 20) history.Dequeue();
            var actual = Simplify(server.Call(args.Cast<object>().ToArray()));
            string name = args[0].ToUpperInvariant() + (actual is RespClient.RespError ? " (error)" : "");
            stats[name] = stats.GetValueOrDefault(name) + 1;
            if (!Same(expected, actual))
                throw new InvalidOperationException($"step {step}: replies differ\n  model:  {Show(expected)}\n  server: {Show(actual)}\nlast commands:\n  " + string.Join("\n  ", history));
            foreach (var key in touched)
            {
                CompareKey(server, m, key, step, full: !m.Lists.TryGetValue(key, out var l) || l.Count <= 300 || step % 25 == 0);
                if (m.Lists.TryGetValue(key, out var list))
                {
                    maxLen = Math.Max(maxLen, list.Count);
                    ulong rec = server.Server.Keyspace.Find(0, Encoding.Latin1.GetBytes(key));
                    ulong q = server.Server.Keyspace.Rec(rec).Value;
                    maxNodes = Math.Max(maxNodes, (long)server.Server.Keyspace.Region.At<RlQuicklist>(q).Len);
                }
            }
            if (step % 1000 == 0 || step == steps)
            {
                foreach (var key in ListKeys) CompareKey(server, m, key, step, full: true);
                RegionAudit.Check(server.Server.Keyspace);
                stats["full comparisons and audits"] = stats.GetValueOrDefault("full comparisons and audits") + 1;
            }
        }
        // Everything goes back to the allocator once the keys are gone.
        server.Call("FLUSHALL");
        RegionAudit.Check(server.Server.Keyspace);
        stats["longest list"] = maxLen;
        stats["most quicklist nodes in one list"] = maxNodes;
        stats["region bytes in use after FLUSHALL"] = (long)server.Server.Keyspace.Alloc.UsedBytes;
        return stats;
    }

    private static object? Simplify(object? o) => o switch
    {
        byte[] b => Encoding.Latin1.GetString(b),
        object?[] a => a.Select(Simplify).ToArray(),
        _ => o,
    };

    /// <summary>The key's type and (when <paramref name="full"/>) every element, read from the region.</summary>
    private static void CompareKey(InProcessServer server, Model m, string key, int step, bool full)
    {
        var ks = server.Server.Keyspace;
        ulong rec = ks.Find(0, Encoding.Latin1.GetBytes(key));
        if (key == StringKey)
        {
            bool isString = rec != 0 && ks.Rec(rec).Type == RegionLayout.TypeString;
            if (isString != (m.Str != null)) throw new InvalidOperationException($"step {step}: string key presence differs");
            return;
        }
        m.Lists.TryGetValue(key, out var list);
        if (rec == 0)
        {
            if (list != null) throw new InvalidOperationException($"step {step}: {key} missing, model has {list.Count} elements");
            return;
        }
        if (list == null) throw new InvalidOperationException($"step {step}: {key} exists, model has none");
        ref var r = ref ks.Rec(rec);
        if (r.Type != RegionLayout.TypeList || r.Encoding != RegionLayout.EncQuicklist) throw new InvalidOperationException($"step {step}: {key} type {r.Type} enc {r.Encoding}");
        var ql = new Quicklist(ks, -2);
        long count = ql.Count(r.Value);
        if (count != list.Count) throw new InvalidOperationException($"step {step}: {key} has {count} elements, model {list.Count}");
        if (!full) return;
        var (node, pos) = ql.End(r.Value, head: true);
        Span<byte> scratch = stackalloc byte[24];
        for (int i = 0; i < list.Count; i++)
        {
            string got = Encoding.Latin1.GetString(ql.Get(node, pos, scratch));
            if (got != list[i]) throw new InvalidOperationException($"step {step}: {key}[{i}] is {Show(got)}, model {Show(list[i])}");
            ql.Step(ref node, ref pos, forward: true);
        }
        if (node != 0) throw new InvalidOperationException($"step {step}: {key} has elements past the model's end");
    }

    private static string Value(Random rng)
    {
        int k = rng.Next(100);
        if (k < 30) return rng.Next(-300, 300).ToString();
        if (k < 38) return new[] { "9223372036854775807", "-9223372036854775808", "4095", "-4096", "32767", "8388608", "2147483648", "007", "-0", "1.5", "" }[rng.Next(11)];
        if (k < 45) return rng.NextInt64(long.MinValue, long.MaxValue).ToString();
        if (k < 85) return "v" + rng.Next(50);
        if (k < 98) return new string((char)('a' + rng.Next(26)), rng.Next(60, 600));
        return new string((char)('A' + rng.Next(26)), rng.Next(8000, 12000)); // over a node's 8 KB
    }

    private static string Key(Random rng) => rng.Next(20) == 0 ? StringKey : ListKeys[rng.Next(ListKeys.Length)];

    private static (string[] Args, object? Expected, string[] Touched) Generate(Random rng, Model m, bool growing)
    {
        string key = Key(rng);
        bool wrong = key == StringKey && m.Str != null;
        m.Lists.TryGetValue(key, out var list);
        object? err = new RespClient.RespError(WrongType);
        int pick = rng.Next(growing ? 63 : 90);
        if (pick >= 63) pick = new[] { 12, 15, 18, 42, 44, 56, 58 }[rng.Next(7)]; // shrinking phase: more pops and trims
        switch (pick)
        {
            case < 12:
            {
                // LPUSH/RPUSH (sometimes many at once), LPUSHX/RPUSHX
                bool left = rng.Next(2) == 0;
                bool x = rng.Next(8) == 0;
                int n = rng.Next(10) == 0 ? rng.Next(20, 200) : rng.Next(1, 4);
                var vals = Enumerable.Range(0, n).Select(_ => Value(rng)).ToArray();
                var args = new[] { (left ? "LPUSH" : "RPUSH") + (x ? "X" : ""), key }.Concat(vals).ToArray();
                if (wrong) return (args, err, [key]);
                if (list == null)
                {
                    if (x) return (args, 0L, [key]);
                    m.Lists[key] = list = [];
                }
                foreach (var v in vals)
                    if (left) list.Insert(0, v);
                    else list.Add(v);
                return (args, (long)list.Count, [key]);
            }
            case < 20:
            {
                // LPOP/RPOP [count]
                bool left = rng.Next(2) == 0;
                int mode = rng.Next(4); // 0: no count, 1..: count
                long count = mode == 0 ? -1 : rng.Next(10) == 0 ? 0 : rng.Next(1, 30);
                var args = count < 0 ? new[] { left ? "LPOP" : "RPOP", key } : [left ? "LPOP" : "RPOP", key, count.ToString()];
                if (wrong) return (args, err, [key]);
                if (list == null) return (args, null, [key]);
                if (count == 0) return (args, Array.Empty<object?>(), [key]);
                var popped = new List<object?>();
                long n = count < 0 ? 1 : Math.Min(count, list.Count);
                for (int i = 0; i < n; i++) popped.Add(PopEnd(list, left));
                if (list.Count == 0) m.Lists.Remove(key);
                return (args, count < 0 ? popped[0] : popped.ToArray(), [key]);
            }
            case < 26:
            {
                // LRANGE / LLEN / LINDEX
                int which = rng.Next(3);
                long len = list?.Count ?? 0;
                if (which == 0)
                {
                    long start = rng.Next(-(int)len - 3, (int)len + 3), end = rng.Next(-(int)len - 3, (int)len + 3);
                    var args = new[] { "LRANGE", key, start.ToString(), end.ToString() };
                    if (wrong) return (args, err, []);
                    if (list == null) return (args, Array.Empty<object?>(), []);
                    if (start < 0) start += len;
                    if (end < 0) end += len;
                    if (start < 0) start = 0;
                    if (start > end || start >= len) return (args, Array.Empty<object?>(), []);
                    if (end >= len) end = len - 1;
                    return (args, list.GetRange((int)start, (int)(end - start + 1)).Cast<object?>().ToArray(), []);
                }
                if (which == 1) return (["LLEN", key], wrong ? err : len, []);
                long idx = rng.Next(-(int)len - 2, (int)len + 2);
                var a = new[] { "LINDEX", key, idx.ToString() };
                if (wrong) return (a, err, []);
                if (idx < 0) idx += len;
                return (a, list != null && idx >= 0 && idx < len ? list[(int)idx] : null, []);
            }
            case < 30:
            {
                // LSET
                long len = list?.Count ?? 0;
                long idx = rng.Next(-(int)len - 2, (int)len + 2);
                string v = Value(rng);
                var args = new[] { "LSET", key, idx.ToString(), v };
                if (wrong) return (args, err, [key]);
                if (list == null) return (args, new RespClient.RespError("ERR no such key"), [key]);
                if (idx < 0) idx += len;
                if (idx < 0 || idx >= len) return (args, new RespClient.RespError("ERR index out of range"), [key]);
                list[(int)idx] = v;
                return (args, "OK", [key]);
            }
            case < 36:
            {
                // LINSERT, pivot usually from the list
                bool after = rng.Next(2) == 0;
                string pivot = list != null && list.Count > 0 && rng.Next(5) > 0 ? list[rng.Next(list.Count)] : Value(rng);
                string v = Value(rng);
                var args = new[] { "LINSERT", key, after ? "AFTER" : "BEFORE", pivot, v };
                if (wrong) return (args, err, [key]);
                if (list == null) return (args, 0L, [key]);
                int at = list.FindIndex(e => Same(e, pivot) || SameInt(e, pivot));
                if (at < 0) return (args, -1L, [key]);
                list.Insert(after ? at + 1 : at, v);
                return (args, (long)list.Count, [key]);
            }
            case < 42:
            {
                // LREM
                long count = rng.Next(-3, 4);
                string v = list != null && list.Count > 0 && rng.Next(4) > 0 ? list[rng.Next(list.Count)] : Value(rng);
                var args = new[] { "LREM", key, count.ToString(), v };
                if (wrong) return (args, err, [key]);
                if (list == null) return (args, 0L, [key]);
                long limit = count == 0 ? long.MaxValue : Math.Abs(count);
                long removed = 0;
                if (count >= 0)
                {
                    for (int i = 0; i < list.Count && removed < limit;)
                        if (SameInt(list[i], v) || list[i] == v) { list.RemoveAt(i); removed++; }
                        else i++;
                }
                else
                {
                    for (int i = list.Count - 1; i >= 0 && removed < limit; i--)
                        if (SameInt(list[i], v) || list[i] == v) { list.RemoveAt(i); removed++; }
                }
                if (list.Count == 0) m.Lists.Remove(key);
                return (args, removed, [key]);
            }
            case < 46:
            {
                // LTRIM
                long len = list?.Count ?? 0;
                long start = rng.Next(-(int)len - 2, (int)len + 2), end = rng.Next(-(int)len - 2, (int)len + 2);
                if (rng.Next(3) == 0) { start = rng.Next(0, 5); end = -rng.Next(1, 5); }
                var args = new[] { "LTRIM", key, start.ToString(), end.ToString() };
                if (wrong) return (args, err, [key]);
                if (list == null) return (args, "OK", [key]);
                if (start < 0) start += len;
                if (end < 0) end += len;
                if (start < 0) start = 0;
                if (start > end || start >= len) list.Clear();
                else
                {
                    if (end >= len) end = len - 1;
                    list.RemoveRange((int)end + 1, (int)(len - end - 1));
                    list.RemoveRange(0, (int)start);
                }
                if (list.Count == 0) m.Lists.Remove(key);
                return (args, "OK", [key]);
            }
            case < 50:
            {
                // LPOS [RANK r] [COUNT c] [MAXLEN m]
                string v = list != null && list.Count > 0 && rng.Next(4) > 0 ? list[rng.Next(list.Count)] : Value(rng);
                var args = new List<string> { "LPOS", key, v };
                long rank = 1, count = -1, maxlen = 0;
                if (rng.Next(2) == 0) { rank = rng.Next(1, 4) * (rng.Next(2) == 0 ? 1 : -1); args.AddRange(["RANK", rank.ToString()]); }
                if (rng.Next(2) == 0) { count = rng.Next(0, 4); args.AddRange(["COUNT", count.ToString()]); }
                if (rng.Next(3) == 0) { maxlen = rng.Next(0, 20); args.AddRange(["MAXLEN", maxlen.ToString()]); }
                if (wrong) return (args.ToArray(), err, []);
                if (list == null) return (args.ToArray(), count != -1 ? Array.Empty<object?>() : null, []);
                var found = new List<object?>();
                long matches = 0;
                bool tail = rank < 0;
                long r = Math.Abs(rank);
                for (long i = 0; i < list.Count && (maxlen == 0 || i < maxlen); i++)
                {
                    int at = tail ? list.Count - 1 - (int)i : (int)i;
                    if (!(SameInt(list[at], v) || list[at] == v)) continue;
                    if (++matches < r) continue;
                    found.Add((long)at);
                    if (count == -1 || (count != 0 && found.Count >= count)) break;
                }
                if (count != -1) return (args.ToArray(), found.ToArray(), []);
                return (args.ToArray(), found.Count > 0 ? found[0] : null, []);
            }
            case < 56:
            {
                // LMOVE / RPOPLPUSH / BLMOVE / BRPOPLPUSH (DenyBlocking: nil when the source is missing)
                string dst = Key(rng);
                bool fromLeft = rng.Next(2) == 0, toLeft = rng.Next(2) == 0;
                int form = rng.Next(4);
                string[] args = form switch
                {
                    0 => ["LMOVE", key, dst, fromLeft ? "LEFT" : "RIGHT", toLeft ? "LEFT" : "RIGHT"],
                    1 => ["RPOPLPUSH", key, dst],
                    2 => ["BLMOVE", key, dst, fromLeft ? "LEFT" : "RIGHT", toLeft ? "LEFT" : "RIGHT", "0"],
                    _ => ["BRPOPLPUSH", key, dst, "0.5"],
                };
                if (form % 2 == 1) { fromLeft = false; toLeft = true; }
                if (wrong) return (args, err, [key, dst]);
                if (list == null) return (args, null, [key, dst]);
                if (dst == StringKey && m.Str != null) return (args, err, [key, dst]);
                string v = PopEnd(list, fromLeft);
                if (!m.Lists.TryGetValue(dst, out var dl)) m.Lists[dst] = dl = [];
                if (toLeft) dl.Insert(0, v);
                else dl.Add(v);
                if (list.Count == 0) m.Lists.Remove(key);
                return (args, v, [key, dst]);
            }
            case < 60:
            {
                // LMPOP / BLMPOP / BLPOP / BRPOP over several keys
                var keys = Enumerable.Range(0, rng.Next(1, 4)).Select(_ => Key(rng)).ToArray();
                bool left = rng.Next(2) == 0;
                int form = rng.Next(3);
                long count = rng.Next(2) == 0 ? -1 : rng.Next(1, 10);
                var args = new List<string>();
                if (form == 0) { args.AddRange(["LMPOP", keys.Length.ToString()]); args.AddRange(keys); args.Add(left ? "LEFT" : "RIGHT"); }
                else if (form == 1) { args.AddRange(["BLMPOP", "0.01", keys.Length.ToString()]); args.AddRange(keys); args.Add(left ? "LEFT" : "RIGHT"); }
                else { args.Add(left ? "BLPOP" : "BRPOP"); args.AddRange(keys); args.Add("1"); count = -2; }
                if (count > 0) args.AddRange(["COUNT", count.ToString()]);
                foreach (var k in keys)
                {
                    if (k == StringKey && m.Str != null) return (args.ToArray(), err, keys);
                    if (!m.Lists.TryGetValue(k, out var kl)) continue;
                    if (count == -2) // BLPOP/BRPOP
                    {
                        string v = PopEnd(kl, left);
                        if (kl.Count == 0) m.Lists.Remove(k);
                        return (args.ToArray(), new object?[] { k, v }, keys);
                    }
                    long n = Math.Min(count < 0 ? 1 : count, kl.Count);
                    var popped = new object?[n];
                    for (int i = 0; i < n; i++) popped[i] = PopEnd(kl, left);
                    if (kl.Count == 0) m.Lists.Remove(k);
                    return (args.ToArray(), new object?[] { k, popped }, keys);
                }
                return (args.ToArray(), null, keys);
            }
            case < 63:
            {
                // DEL, COPY between list keys, SET on the string key (which replaces a list there)
                int which = rng.Next(3);
                if (which == 0)
                {
                    bool existed = key == StringKey ? m.Str != null || list != null : list != null;
                    if (key == StringKey) m.Str = null;
                    m.Lists.Remove(key);
                    return (["DEL", key], existed ? 1L : 0L, [key]);
                }
                if (which == 1)
                {
                    string src = ListKeys[rng.Next(ListKeys.Length)], dst = ListKeys[rng.Next(ListKeys.Length)];
                    var args = new[] { "COPY", src, dst, "REPLACE" };
                    if (src == dst) return (args, new RespClient.RespError("ERR source and destination objects are the same"), [dst]);
                    if (!m.Lists.TryGetValue(src, out var sl)) return (args, 0L, [dst]);
                    m.Lists[dst] = [.. sl];
                    return (args, 1L, [dst]);
                }
                m.Str = "x";
                m.Lists.Remove(StringKey);
                return (["SET", StringKey, "x"], "OK", [StringKey]);
            }
            default:
                return (["LLEN", key], wrong ? err : (long)(list?.Count ?? 0), []);
        }
    }

    private static string PopEnd(List<string> list, bool left)
    {
        int at = left ? 0 : list.Count - 1;
        string v = list[at];
        list.RemoveAt(at);
        return v;
    }

    /// <summary>Redis compares a canonical integer argument with an integer-encoded element by value ("-0" is not canonical, so only text equality).</summary>
    private static bool SameInt(string element, string arg) =>
        StringValues.TryParseCanonicalInt(Encoding.Latin1.GetBytes(element), out long a) &&
        StringValues.TryParseCanonicalInt(Encoding.Latin1.GetBytes(arg), out long b) && a == b;
}
