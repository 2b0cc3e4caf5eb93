using System.Globalization;

namespace RedisLite.Tests;

/// <summary>
/// One dataset with every type in both of its encodings, TTLs and several databases, through
/// BGSAVE both ways: redis-check-rdb accepts RedisLite's file, redis-server 7.0.15 loads it and
/// holds the same value, encoding and deadline for every key; and RedisLite loads what
/// redis-server wrote from the same commands with the same comparison.
/// </summary>
public class AllTypesSnapshotTests
{
    private static bool HaveRedis => File.Exists("/usr/bin/redis-server") && File.Exists("/usr/bin/redis-check-rdb");

    /// <summary>Writes the dataset with ordinary commands; returns every (db, key) written.</summary>
    private static List<(int Db, string Key)> Populate(RespClient c)
    {
        var keys = new List<(int, string)>();
        var rng = new Random(11);
        string Rand(int n) => string.Concat(Enumerable.Range(0, n).Select(_ => (char)('a' + rng.Next(26))));
        foreach (int db in new[] { 0, 5 })
        {
            c.Call("SELECT", db);
            void Add(string key, int i)
            {
                keys.Add((db, key));
                if (i % 2 == 0) Assert.Equal(1L, c.Call("PEXPIRE", key, 5_000_000 + i));
            }
            // Strings: int, short, long (LZF-compressible).
            c.Call("SET", "s:int", "12345"); Add("s:int", 0);
            c.Call("SET", "s:short", "hello"); Add("s:short", 1);
            c.Call("SET", "s:long", new string('z', 3000)); Add("s:long", 2);
            // Lists: listpack (small) and quicklist (many nodes).
            c.Call("RPUSH", "l:small", "a", "1", "-7", Rand(30)); Add("l:small", 3);
            for (int i = 0; i < 3000; i++) c.Call("RPUSH", "l:big", i % 3 == 0 ? i.ToString(CultureInfo.InvariantCulture) : Rand(20));
            Add("l:big", 4);
            // Sets: intset, hashtable (strings), hashtable (too many ints).
            c.Call("SADD", "t:ints", "1", "-5", "70000", "5000000000"); Add("t:ints", 5);
            c.Call("SADD", "t:strs", "x", "y", Rand(10)); Add("t:strs", 6);
            for (int i = 0; i < 600; i++) c.Call("SADD", "t:manyints", i * 3);
            Add("t:manyints", 7);
            // Hashes: listpack and hashtable (by count and by a long value).
            c.Call("HSET", "h:small", "f1", "v1", "n", "42"); Add("h:small", 8);
            for (int i = 0; i < 700; i++) c.Call("HSET", "h:big", "f" + i, Rand(12));
            Add("h:big", 9);
            c.Call("HSET", "h:longval", "f", new string('q', 200)); Add("h:longval", 10);
            // Sorted sets: listpack and skiplist, scores with ties, negatives, fractions, inf.
            c.Call("ZADD", "z:small", "1", "a", "1", "b", "-2.5", "c", "inf", "d"); Add("z:small", 11);
            for (int i = 0; i < 500; i++) c.Call("ZADD", "z:big", (i % 50 * 0.25).ToString(CultureInfo.InvariantCulture), "m" + i);
            Add("z:big", 12);
        }
        c.Call("SELECT", 0);
        return keys;
    }

    /// <summary>Type, encoding and a canonical text of the value (unordered types sorted).</summary>
    private static string Describe(RespClient c, int db, string key)
    {
        c.Call("SELECT", db);
        string type = (string)c.Call("TYPE", key)!;
        string enc = (string)c.Call("OBJECT", "ENCODING", key)!;
        static IEnumerable<string> Strs(object? r) => ((object?[])r!).Select(x => (string)x!);
        string value = type switch
        {
            "string" => (string)c.Call("GET", key)!,
            "list" => string.Join(",", Strs(c.Call("LRANGE", key, 0, -1))),
            "set" => string.Join(",", Strs(c.Call("SMEMBERS", key)).Order(StringComparer.Ordinal)),
            "hash" => string.Join(",", Strs(c.Call("HGETALL", key)).Chunk(2).Select(p => p[0] + "=" + p[1]).Order(StringComparer.Ordinal)),
            "zset" => string.Join(",", Strs(c.Call("ZRANGE", key, 0, -1, "WITHSCORES"))),
            _ => "?",
        };
        return $"{type}/{enc}/{value}";
    }

    private static void AssertSame(RespClient expected, RespClient actual, List<(int Db, string Key)> keys)
    {
        foreach (var (db, key) in keys)
        {
            Assert.Equal(Describe(expected, db, key), Describe(actual, db, key));
            long a = (long)expected.Call("PTTL", key)!, b = (long)actual.Call("PTTL", key)!;
            if (a == -1) Assert.Equal(-1L, b);
            else Assert.InRange(b, a - 60_000, a + 60_000); // one deadline, clocks read moments apart
        }
        expected.Call("SELECT", 0);
        actual.Call("SELECT", 0);
        Assert.Equal(expected.Call("DBSIZE"), actual.Call("DBSIZE"));
    }

    [SkippableFact]
    public void EveryTypeAndEncodingRoundTripsThroughRedisServer()
    {
        Skip.IfNot(HaveRedis, "redis-server/redis-check-rdb not installed");
        using var lite = new TestServer("--save", "");
        using var lc = lite.Client();
        var keys = Populate(lc);
        Assert.Equal("Background saving started", lc.Call("BGSAVE"));
        SnapshotTests.WaitForBgsave(lc);
        Assert.Equal("ok", SnapshotTests.Info(lc, "rdb_last_bgsave_status"));
        Assert.Contains("RDB looks OK", SnapshotTests.Run("redis-check-rdb", Path.Combine(lite.Dir, "dump.rdb")));

        using (var redis = ReferenceRedis.InDir(lite.Dir))
        using (var rc = new RespClient(redis.Port))
            AssertSame(lc, rc, keys);

        // The other way: redis-server builds the same dataset and saves; RedisLite loads it.
        var dir = Directory.CreateTempSubdirectory("redislite-alltypes-").FullName;
        using (var redis = ReferenceRedis.InDir(dir))
        using (var rc = new RespClient(redis.Port))
        {
            Populate(rc);
            Assert.Equal("OK", rc.Call("SAVE"));
            using var loaded = TestServer.InDir(dir, "--save", "");
            using var lc2 = loaded.Client();
            AssertSame(rc, lc2, keys);
        }
    }
}
