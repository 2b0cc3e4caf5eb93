using static RedisLite.Tests.Replies;

namespace RedisLite.Tests;

/// <summary>
/// SORT over lists and sorted sets, and SORT ... STORE, against redis-server 7.0.15. SORT reads
/// any type the keyspace's registry can read in order (Store/Types, IElementSequence). SORT over
/// sets is also covered by ReferenceComparisonTests, HashSetClientTests and the set model test.
/// </summary>
public class SortTests
{
    private static void AssertServed(object? reply, string what)
    {
        string? err = (reply as RespClient.RespError)?.Message;
        Assert.False(err != null && err.StartsWith("ERR unknown command"), $"{what} not available: {err}");
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
        AssertServed(l.CallRaw(push.Cast<object>().ToArray()), "RPUSH");
        AssertServed(l.CallRaw("SORT", "l", "BY", "nosort"), "SORT over lists");
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
        AssertServed(l.CallRaw(add.Cast<object>().ToArray()), "ZADD");
        AssertServed(l.CallRaw("SORT", "z", "BY", "nosort"), "SORT over sorted sets");
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
        AssertServed(l.CallRaw("SORT", "s", "ALPHA", "STORE", "probe"), "SORT ... STORE");
        SameReplies(r, l,
        [
            ["SORT", "s", "ALPHA", "STORE", "dst"], ["LRANGE", "dst", "0", "-1"], ["OBJECT", "ENCODING", "dst"],
            ["SORT", "s", "BY", "nosort", "STORE", "dst"], ["LRANGE", "dst", "0", "-1"],
            ["SORT", "s", "BY", "w_*", "GET", "#", "GET", "w_*", "STORE", "dst"], ["LRANGE", "dst", "0", "-1"],
            ["SORT", "missing", "STORE", "dst"], ["EXISTS", "dst"], ["SORT", "s", "STORE", "dst"], ["EXISTS", "dst"],
        ]);
    }
}
