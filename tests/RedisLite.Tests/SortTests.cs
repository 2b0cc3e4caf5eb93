using static RedisLite.Tests.Replies;

namespace RedisLite.Tests;

/// <summary>
/// SORT over lists and sorted sets, and SORT ... STORE, against redis-server 7.0.15. These read
/// and write lists and sorted sets through <see cref="Commands.SortSources"/>, which the list and
/// sorted-set modules wire: until a build has them, the tests skip and say so. SORT over sets
/// (no hooks needed) is covered by ReferenceComparisonTests, HashSetClientTests and the set model test.
/// </summary>
public class SortTests
{
    private static void SkipIfUnwired(object? reply, string what)
    {
        string? err = (reply as RespClient.RespError)?.Message;
        Skip.If(err != null && (err.Contains("not wired") || err.StartsWith("ERR unknown command")), $"{what} not available in this build: {err}");
    }

    /// <summary>Runs each command on both servers; every reply must be identical.</summary>
    private static void SameReplies(RespClient redis, RespClient lite, string[][] script)
    {
        var failures = new List<string>();
        foreach (var cmd in script)
        {
            var args = cmd.Cast<object>().ToArray();
            var expected = redis.CallRaw(args);
            var actual = lite.CallRaw(args);
            if (!Same(expected, actual)) failures.Add($"{string.Join(' ', cmd)}: redis {Show(expected)} / redislite {Show(actual)}");
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [SkippableFact]
    public void SortOverListsMatchesRedis()
    {
        ReferenceRedis.SkipIfAbsent();
        using var reference = new ReferenceRedis();
        using var s = new TestServer();
        using var r = reference.Client();
        using var l = s.Client();
        string[] push = ["RPUSH", "l", "3", "1", "2", "10", "b", "a"];
        r.CallRaw(push.Cast<object>().ToArray());
        SkipIfUnwired(l.CallRaw(push.Cast<object>().ToArray()), "RPUSH");
        SkipIfUnwired(l.CallRaw("SORT", "l", "BY", "nosort"), "SORT over lists (SortSources.ListRange)");
        SameReplies(r, l,
        [
            ["SORT", "l", "ALPHA"], ["SORT", "l"], ["SORT", "l", "BY", "nosort"], ["SORT", "l", "BY", "nosort", "DESC"],
            ["SORT", "l", "BY", "nosort", "LIMIT", "1", "3"], ["SORT", "l", "BY", "nosort", "DESC", "LIMIT", "1", "3"],
            ["SORT", "l", "BY", "nosort", "LIMIT", "10", "3"], ["SORT", "l", "ALPHA", "DESC", "LIMIT", "0", "2"],
            ["SORT", "l", "BY", "nosort", "GET", "#", "GET", "missing_*"], ["SORT_RO", "l", "ALPHA"],
        ]);
    }

    [SkippableFact]
    public void SortOverSortedSetsMatchesRedis()
    {
        ReferenceRedis.SkipIfAbsent();
        using var reference = new ReferenceRedis();
        using var s = new TestServer();
        using var r = reference.Client();
        using var l = s.Client();
        string[] add = ["ZADD", "z", "3", "c", "1", "a", "2", "b", "5", "e"];
        r.CallRaw(add.Cast<object>().ToArray());
        SkipIfUnwired(l.CallRaw(add.Cast<object>().ToArray()), "ZADD");
        SkipIfUnwired(l.CallRaw("SORT", "z", "BY", "nosort"), "SORT over sorted sets (SortSources.ZSetRange)");
        SameReplies(r, l,
        [
            ["SORT", "z", "ALPHA"], ["SORT", "z", "BY", "nosort"], ["SORT", "z", "BY", "nosort", "DESC"],
            ["SORT", "z", "BY", "nosort", "LIMIT", "1", "2"], ["SORT", "z", "BY", "nosort", "DESC", "LIMIT", "1", "2"], ["SORT", "z"],
        ]);
    }

    [SkippableFact]
    public void SortStoreMatchesRedis()
    {
        ReferenceRedis.SkipIfAbsent();
        using var reference = new ReferenceRedis();
        using var s = new TestServer();
        using var r = reference.Client();
        using var l = s.Client();
        foreach (var c in new[] { r, l })
        {
            c.CallRaw("SADD", "s", "3", "1", "2", "b", "a");
            c.CallRaw("MSET", "w_1", "3", "w_2", "2", "w_3", "1");
        }
        SkipIfUnwired(l.CallRaw("SORT", "s", "ALPHA", "STORE", "probe"), "SORT ... STORE (SortSources.StoreList)");
        SameReplies(r, l,
        [
            ["SORT", "s", "ALPHA", "STORE", "dst"], ["LRANGE", "dst", "0", "-1"], ["OBJECT", "ENCODING", "dst"],
            ["SORT", "s", "BY", "nosort", "STORE", "dst"], ["LRANGE", "dst", "0", "-1"],
            ["SORT", "s", "BY", "w_*", "GET", "#", "GET", "w_*", "STORE", "dst"], ["LRANGE", "dst", "0", "-1"],
            ["SORT", "missing", "STORE", "dst"], ["EXISTS", "dst"], ["SORT", "s", "STORE", "dst"], ["EXISTS", "dst"],
        ]);
    }
}

/// <summary>
/// SORT's list and sorted-set paths (LIMIT ranges read directly in either direction, DESC,
/// STORE) checked before the list and sorted-set types exist: stand-in <see cref="Commands.SortSources"/>
/// hooks keep the elements in managed lists beside records of the right type, and every reply is
/// compared with redis-server holding the same data in real lists and sorted sets. Runs alone (the
/// hooks are process-wide) and only while the real hooks are not wired.
/// </summary>
[CollectionDefinition("SortSources stand-ins", DisableParallelization = true)]
public class SortSourcesStandInCollection;

[Collection("SortSources stand-ins")]
public class SortStandInHookTests
{
    [SkippableFact]
    public void ListAndSortedSetPathsMatchRedisWithStandInHooks()
    {
        ReferenceRedis.SkipIfAbsent();
        Skip.If(Commands.SortSources.ListRange != null || Commands.SortSources.ZSetRange != null || Commands.SortSources.StoreList != null,
            "the real list/sorted-set hooks are wired: SortTests covers them against redis-server");
        var lists = new Dictionary<ulong, List<byte[]>>();
        var zsets = new Dictionary<ulong, List<byte[]>>();
        using var server = new InProcessServer();
        var ks = server.Server.Keyspace;
        Commands.SortSources.ListLength = (_, rec) => lists[rec].Count;
        Commands.SortSources.ListRange = (_, rec, a, b) => lists[rec].GetRange((int)a, (int)(b - a + 1));
        Commands.SortSources.ZSetLength = (_, rec) => zsets[rec].Count;
        Commands.SortSources.ZSetRange = (_, rec, a, b, desc) =>
        {
            var order = desc ? Enumerable.Reverse(zsets[rec]).ToList() : zsets[rec];
            return order.GetRange((int)a, (int)(b - a + 1));
        };
        var stored = new Dictionary<string, List<byte[]>>();
        Commands.SortSources.StoreList = (k, db, key, items) =>
        {
            ulong old = k.Find(db, key);
            if (old != 0) k.Delete(db, old);
            k.Create(db, key, Persistence.RegionLayout.TypeList, Persistence.RegionLayout.EncQuicklist);
            stored[System.Text.Encoding.Latin1.GetString(key)] = items;
        };
        try
        {
            byte[] B(string x) => System.Text.Encoding.Latin1.GetBytes(x);
            ulong lrec = ks.Create(0, B("l"), Persistence.RegionLayout.TypeList, Persistence.RegionLayout.EncQuicklist);
            lists[lrec] = new[] { "3", "1", "2", "10", "b", "a" }.Select(B).ToList();
            ulong zrec = ks.Create(0, B("z"), Persistence.RegionLayout.TypeZSet, Persistence.RegionLayout.EncListpack);
            zsets[zrec] = new[] { "a", "b", "c", "e" }.Select(B).ToList(); // ascending by score 1,2,3,5
            using var reference = new ReferenceRedis();
            using var r = reference.Client();
            r.Call("RPUSH", "l", "3", "1", "2", "10", "b", "a");
            r.Call("ZADD", "z", "3", "c", "1", "a", "2", "b", "5", "e");
            foreach (var c in new Func<object[], object?>[] { a => r.CallRaw(a), a => server.Call(a) })
                c(["MSET", "w_3", "1", "w_1", "2", "w_2", "3", "w_10", "0", "w_a", "9", "w_b", "8"]);
            string[][] script =
            [
                ["SORT", "l", "ALPHA"], ["SORT", "l", "BY", "nosort"], ["SORT", "l", "BY", "nosort", "DESC"],
                ["SORT", "l", "BY", "nosort", "LIMIT", "1", "3"], ["SORT", "l", "BY", "nosort", "DESC", "LIMIT", "1", "3"],
                ["SORT", "l", "BY", "nosort", "LIMIT", "10", "3"], ["SORT", "l", "BY", "nosort", "LIMIT", "4", "100"],
                ["SORT", "l", "BY", "nosort", "DESC", "LIMIT", "4", "100"], ["SORT", "l", "ALPHA", "DESC", "LIMIT", "0", "2"],
                ["SORT", "l", "BY", "w_*"], ["SORT", "l", "BY", "w_*", "DESC", "LIMIT", "1", "2", "GET", "#", "GET", "w_*"],
                ["SORT", "l"], ["SORT_RO", "l", "BY", "nosort", "GET", "w_*"],
                ["SORT", "z", "ALPHA"], ["SORT", "z", "BY", "nosort"], ["SORT", "z", "BY", "nosort", "DESC"],
                ["SORT", "z", "BY", "nosort", "LIMIT", "1", "2"], ["SORT", "z", "BY", "nosort", "DESC", "LIMIT", "1", "2"], ["SORT", "z"],
                ["SORT", "z", "BY", "nosort", "LIMIT", "9", "1"],
                ["SORT", "l", "ALPHA", "STORE", "dst1"], ["SORT", "z", "BY", "nosort", "STORE", "dst2"], ["SORT", "l", "STORE", "dst3"],
                ["SORT", "l", "BY", "w_*", "GET", "#", "GET", "nope_*", "STORE", "dst4"], ["SORT", "missing", "STORE", "dst4"], ["EXISTS", "dst4"],
            ];
            var failures = new List<string>();
            foreach (var cmd in script)
            {
                var args = cmd.Cast<object>().ToArray();
                var expected = r.CallRaw(args);
                var actual = server.Call(args);
                if (!Same(expected, actual)) failures.Add($"{string.Join(' ', cmd)}: redis {Show(expected)} / redislite {Show(actual)}");
            }
            foreach (var dst in new[] { "dst1", "dst2" })
            {
                var want = (object?[])r.CallRaw("LRANGE", dst, "0", "-1")!;
                var got = stored[dst].Cast<object?>().ToArray();
                if (!Same(want, got)) failures.Add($"{dst}: redis {Show(want)} / stored {Show(got)}");
            }
            Assert.True(failures.Count == 0, string.Join("\n", failures));
        }
        finally
        {
            Commands.SortSources.ListLength = null;
            Commands.SortSources.ListRange = null;
            Commands.SortSources.ZSetLength = null;
            Commands.SortSources.ZSetRange = null;
            Commands.SortSources.StoreList = null;
        }
    }
}
