using StackExchange.Redis;

namespace RedisLite.Tests;

/// <summary>Sorted sets against the real server binary, through StackExchange.Redis and raw RESP.</summary>
public class ZSetTests(ServerFixture f) : IClassFixture<ServerFixture>
{
    private readonly ServerFixture _f = f;
    private IDatabase Db(int n) => _f.Mux.GetDatabase(n);

    [Fact]
    public void AddScoreRankRangeThroughStackExchangeRedis()
    {
        var db = Db(5);
        db.KeyDelete("zs:a");
        Assert.True(db.SortedSetAdd("zs:a", "one", 1));
        Assert.False(db.SortedSetAdd("zs:a", "one", 1.5));
        Assert.Equal(2, db.SortedSetAdd("zs:a", [new SortedSetEntry("two", 2), new SortedSetEntry("three", 3), new SortedSetEntry("one", 1)]));
        Assert.Equal(1.0, db.SortedSetScore("zs:a", "one"));
        Assert.Null(db.SortedSetScore("zs:a", "nope"));
        Assert.Equal(3, db.SortedSetLength("zs:a"));
        Assert.Equal(2, db.SortedSetLength("zs:a", 1.5, 3));
        Assert.Equal(1, db.SortedSetRank("zs:a", "two"));
        Assert.Equal(0, db.SortedSetRank("zs:a", "three", Order.Descending));
        Assert.Null(db.SortedSetRank("zs:a", "nope"));
        Assert.Equal(4.5, db.SortedSetIncrement("zs:a", "two", 2.5));
        Assert.Equal(["one", "three", "two"], db.SortedSetRangeByRank("zs:a").Select(v => (string)v!));
        var withScores = db.SortedSetRangeByRankWithScores("zs:a", 0, -1, Order.Descending);
        Assert.Equal([("two", 4.5), ("three", 3.0), ("one", 1.0)], withScores.Select(e => ((string)e.Element!, e.Score)));
        Assert.Equal(["three"], db.SortedSetRangeByScore("zs:a", 1, 4.5, Exclude.Both).Select(v => (string)v!));
        Assert.Equal(["two"], db.SortedSetRangeByScore("zs:a", double.NegativeInfinity, double.PositiveInfinity, Exclude.None, Order.Descending, 0, 1).Select(v => (string)v!));
        Assert.True(db.SortedSetRemove("zs:a", "one"));
        Assert.Equal(1, db.SortedSetRemoveRangeByScore("zs:a", 0, 3));
        Assert.Equal(1, db.SortedSetRemoveRangeByRank("zs:a", 0, -1));
        Assert.False(db.KeyExists("zs:a"));
        db.StringSet("zs:str", "x");
        Assert.Throws<RedisServerException>(() => db.SortedSetAdd("zs:str", "m", 1));
    }

    [Fact]
    public void LexRangesAndCombineAndStore()
    {
        var db = Db(6);
        db.KeyDelete(["zs:lex", "zs:u1", "zs:u2", "zs:dst"]);
        db.SortedSetAdd("zs:lex", "abcdefg".Select(c => new SortedSetEntry(c.ToString(), 0)).ToArray());
        Assert.Equal(["b", "c", "d"], db.SortedSetRangeByValue("zs:lex", "b", "e", Exclude.Stop).Select(v => (string)v!));
        Assert.Equal(3, db.SortedSetLengthByValue("zs:lex", "b", "e", Exclude.Stop));
        Assert.Equal(2, db.SortedSetRemoveRangeByValue("zs:lex", "a", "b"));
        db.SortedSetAdd("zs:u1", [new SortedSetEntry("a", 1), new SortedSetEntry("b", 2)]);
        db.SortedSetAdd("zs:u2", [new SortedSetEntry("b", 10), new SortedSetEntry("c", 20)]);
        Assert.Equal(3, db.SortedSetCombineAndStore(SetOperation.Union, "zs:dst", "zs:u1", "zs:u2"));
        Assert.Equal(12.0, db.SortedSetScore("zs:dst", "b"));
        Assert.Equal(1, db.SortedSetCombineAndStore(SetOperation.Intersect, "zs:dst", ["zs:u1", "zs:u2"], [2, 0.5], Aggregate.Max));
        Assert.Equal(5.0, db.SortedSetScore("zs:dst", "b"));
        var scanned = db.SortedSetScan("zs:u2", "*", 1).Select(e => ((string)e.Element!, e.Score)).OrderBy(x => x.Item1);
        Assert.Equal([("b", 10.0), ("c", 20.0)], scanned);
    }

    /// <summary>Past 128 members the set becomes a skiplist; ranks, ranges and scans stay right across that.</summary>
    [Fact]
    public void EncodingConvertsAtTheThresholdAndBackOnStore()
    {
        using var c = _f.S.Client();
        c.Call("SELECT", 7);
        c.Call("DEL", "zs:big", "zs:small");
        for (int i = 0; i < 128; i++) c.Call("ZADD", "zs:big", i, $"m{i:D4}");
        Assert.Equal("listpack", c.Call("OBJECT", "ENCODING", "zs:big"));
        c.Call("ZADD", "zs:big", 500, "m0500");
        Assert.Equal("skiplist", c.Call("OBJECT", "ENCODING", "zs:big"));
        for (int i = 129; i < 3000; i++) c.Call("ZADD", "zs:big", i % 7 == 0 ? -i : i, $"m{i:D4}");
        Assert.Equal(2999L, c.Call("ZCARD", "zs:big"));
        Assert.Equal(0L, c.Call("ZRANK", "zs:big", "m2996")); // -2996, the lowest score
        Assert.Equal(2998L, c.Call("ZREVRANK", "zs:big", "m2996"));
        Assert.Equal(["m0100", "m0101"], (object?[])c.Call("ZRANGEBYSCORE", "zs:big", "(99", "101")!);
        Assert.Equal(10L, c.Call("ZRANGESTORE", "zs:small", "zs:big", "0", "9"));
        Assert.Equal("listpack", c.Call("OBJECT", "ENCODING", "zs:small"));
        // Shrinking by removal keeps the skiplist, as Redis does.
        Assert.Equal(2989L, c.Call("ZREMRANGEBYRANK", "zs:big", "10", "-1"));
        Assert.Equal("skiplist", c.Call("OBJECT", "ENCODING", "zs:big"));
        var seen = new HashSet<string>();
        string cursor = "0";
        do
        {
            var reply = (object?[])c.Call("ZSCAN", "zs:big", cursor, "COUNT", "3")!;
            cursor = (string)reply[0]!;
            var items = (object?[])reply[1]!;
            for (int i = 0; i < items.Length; i += 2) seen.Add((string)items[i]!);
        } while (cursor != "0");
        Assert.Equal(10, seen.Count);
        Assert.Equal("zset", c.Call("TYPE", "zs:big"));
        c.Call("SELECT", 0);
    }

    [Fact]
    public void DelReturnsTheMemoryOfBothEncodings()
    {
        using var s = new TestServer();
        using var c = s.Client();
        long before = UsedMemory(c);
        for (int i = 0; i < 2000; i++) c.Call("ZADD", "zs:mem", i * 0.5, $"member-{i}");
        c.Call("ZADD", "zs:lp", 1, "a", 2, "b");
        Assert.True(UsedMemory(c) > before + 100_000);
        Assert.Equal(1L, c.Call("COPY", "zs:mem", "zs:copy"));
        Assert.Equal("skiplist", c.Call("OBJECT", "ENCODING", "zs:copy"));
        Assert.Equal(2L, c.Call("ZRANK", "zs:copy", "member-2"));
        Assert.Equal(3L, c.Call("DEL", "zs:mem", "zs:lp", "zs:copy"));
        Assert.InRange(UsedMemory(c), before - 4096, before + 4096);
    }

    [Fact]
    public void ZiplistNamesAreAliasesOfTheListpackLimits()
    {
        using var s = new TestServer("--zset-max-ziplist-entries", "3");
        using var c = s.Client();
        Assert.Equal(new object?[] { "zset-max-listpack-entries", "3" }, (object?[])c.Call("CONFIG", "GET", "zset-max-listpack-entries")!);
        c.Call("ZADD", "z", 1, "a", 2, "b", 3, "c");
        Assert.Equal("listpack", c.Call("OBJECT", "ENCODING", "z"));
        c.Call("ZADD", "z", 4, "d");
        Assert.Equal("skiplist", c.Call("OBJECT", "ENCODING", "z"));
        Assert.Equal("OK", c.Call("CONFIG", "SET", "zset-max-ziplist-value", "2"));
        Assert.Equal(new object?[] { "zset-max-listpack-value", "2" }, (object?[])c.Call("CONFIG", "GET", "zset-max-listpack-value")!);
        c.Call("ZADD", "y", 1, "abc");
        Assert.Equal("skiplist", c.Call("OBJECT", "ENCODING", "y"));
    }

    [Fact]
    public void DebugReloadKeepsScoresAndEncodings()
    {
        using var s = new TestServer("--save", "");
        using var c = s.Client();
        c.Call("ZADD", "small", "-0", "z", "0.1", "a", "inf", "b", "-inf", "c");
        for (int i = 0; i < 200; i++) c.Call("ZADD", "large", i / 3.0, $"m{i}");
        c.Call("ZADD", "large", "-0", "negzero");
        var small = c.Call("ZRANGE", "small", "0", "-1", "WITHSCORES");
        var large = c.Call("ZRANGE", "large", "0", "-1", "WITHSCORES");
        Assert.Equal("OK", c.Call("DEBUG", "RELOAD"));
        Assert.Equal(small, c.Call("ZRANGE", "small", "0", "-1", "WITHSCORES"));
        Assert.Equal(large, c.Call("ZRANGE", "large", "0", "-1", "WITHSCORES"));
        Assert.Equal("listpack", c.Call("OBJECT", "ENCODING", "small"));
        Assert.Equal("skiplist", c.Call("OBJECT", "ENCODING", "large"));
        Assert.Equal("-0", c.Call("ZSCORE", "large", "negzero"));
    }

    private static long UsedMemory(RespClient c) => long.Parse(SnapshotTests.Info(c, "used_memory"));

    /// <summary>Score parsing agrees with a correctly rounding parser on random decimal text, and follows strtod's edges.</summary>
    [Fact]
    public void ScoreTextParsesLikeStrtod()
    {
        var rng = new Random(5);
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        for (int i = 0; i < 20000; i++)
        {
            double d = BitConverter.Int64BitsToDouble(rng.NextInt64());
            if (!double.IsFinite(d)) continue;
            foreach (string text in new[] { d.ToString("R", inv), d.ToString("E25", inv), d.ToString("G17", inv), (rng.Next(-100000, 100000) / 1000.0).ToString(inv) })
            {
                Assert.True(Commands.ZSetScores.TryParseScore(System.Text.Encoding.ASCII.GetBytes(text), out double got), text);
                Assert.Equal(double.Parse(text, inv), got);
            }
        }
        foreach (var (text, ok) in new[] { ("1e400", false), ("-1e400", false), ("1e-400", false), (" 1", false), ("1 ", false), ("nan", false), ("", false),
                                           ("inf", true), ("-Infinity", true), ("0x10", true), (".5", true), ("5.", true), ("+3", true), ("1e", false), ("-0", true) })
            Assert.True(Commands.ZSetScores.TryParseScore(System.Text.Encoding.ASCII.GetBytes(text), out _) == ok, text);
    }
}
