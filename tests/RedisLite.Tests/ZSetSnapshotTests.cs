namespace RedisLite.Tests;

/// <summary>
/// Sorted sets in snapshots, both ways: RedisLite's BGSAVE writes RDB_TYPE_ZSET_LISTPACK for
/// listpacks and RDB_TYPE_ZSET_2 (binary doubles, tail first) for skiplists; redis-check-rdb
/// accepts the file and redis-server 7.0.15 loads the same members and scores; and RedisLite
/// loads a dump redis-server wrote. Helpers come from <see cref="SnapshotTests"/>.
/// </summary>
public class ZSetSnapshotTests
{
    private static bool HaveRedis => File.Exists("/usr/bin/redis-server") && File.Exists("/usr/bin/redis-check-rdb");

    /// <summary>Sorted sets of both encodings (and encoding reasons), scores of every form, a TTL, two databases.</summary>
    private static List<(int Db, string Key)> Populate(RespClient c)
    {
        var keys = new List<(int, string)>();
        var rng = new Random(11);
        foreach (int db in new[] { 0, 2 })
        {
            c.Call("SELECT", db);
            c.Call("ZADD", "lp", "0.1", "a", "1", "b", "inf", "c", "-inf", "d", "1e300", "e", "-12345678.5", "f", "5e-324", "g", "3", "12345");
            keys.Add((db, "lp"));
            for (int i = 0; i < 300; i++)
                c.Call("ZADD", "sl", (rng.Next(-5000, 5000) / 7.0).ToString("R", System.Globalization.CultureInfo.InvariantCulture), $"member:{i}");
            c.Call("ZADD", "sl", "-0", "negzero", "inf", "top", "-inf", "bottom", "42", "42");
            keys.Add((db, "sl"));
            // Skiplist because of one long member, though small: Redis keeps it a skiplist on load.
            c.Call("ZADD", "long", "1", new string('x', 100), "2", "short");
            keys.Add((db, "long"));
            c.Call("ZADD", "ttl", "1", "a");
            c.Call("PEXPIRE", "ttl", 1_000_000);
            keys.Add((db, "ttl"));
            // A big member, compressed by LZF in the file.
            c.Call("ZADD", "lzf", "7", new string('y', 3000), "8", "z");
            keys.Add((db, "lzf"));
        }
        c.Call("SELECT", 0);
        return keys;
    }

    [SkippableFact]
    public void BgsaveOfBothEncodingsIsAcceptedAndLoadedByRedisServer()
    {
        Skip.IfNot(HaveRedis, "redis-server/redis-check-rdb not installed");
        using var s = new TestServer("--save", "");
        using var c = s.Client();
        var keys = Populate(c);
        Assert.Equal("listpack", c.Call("OBJECT", "ENCODING", "lp"));
        Assert.Equal("skiplist", c.Call("OBJECT", "ENCODING", "sl"));
        Assert.Equal("skiplist", c.Call("OBJECT", "ENCODING", "long"));
        Assert.Equal("Background saving started", c.Call("BGSAVE"));
        SnapshotTests.WaitForBgsave(c);
        Assert.Equal("ok", SnapshotTests.Info(c, "rdb_last_bgsave_status"));
        string dump = Path.Combine(s.Dir, "dump.rdb");
        Assert.Contains("RDB looks OK", SnapshotTests.Run("redis-check-rdb", dump));

        using var redis = ReferenceRedis.InDir(s.Dir);
        using var rc = new RespClient(redis.Port);
        foreach (var (db, key) in keys)
        {
            rc.Call("SELECT", db);
            c.Call("SELECT", db);
            Assert.Equal(c.Call("ZRANGE", key, "0", "-1", "WITHSCORES"), rc.Call("ZRANGE", key, "0", "-1", "WITHSCORES"));
            Assert.Equal(c.Call("OBJECT", "ENCODING", key), rc.Call("OBJECT", "ENCODING", key));
        }
        rc.Call("SELECT", 0);
        Assert.InRange((long)rc.Call("PTTL", "ttl")!, 900_000, 1_000_000);
        Assert.Equal("-0", rc.Call("ZSCORE", "sl", "negzero"));
    }

    [SkippableFact]
    public void LoadsSortedSetsFromARedisServerDump()
    {
        Skip.IfNot(HaveRedis, "redis-server not installed");
        var dir = Directory.CreateTempSubdirectory("redislite-zset-from-redis-").FullName;
        var expected = new Dictionary<(int, string), object?>();
        var encodings = new Dictionary<(int, string), object?>();
        using (var redis = ReferenceRedis.InDir(dir))
        using (var rc = new RespClient(redis.Port))
        {
            foreach (var (db, key) in Populate(rc))
            {
                rc.Call("SELECT", db);
                expected[(db, key)] = rc.Call("ZRANGE", key, "0", "-1", "WITHSCORES");
                encodings[(db, key)] = rc.Call("OBJECT", "ENCODING", key);
            }
            Assert.Equal("OK", rc.Call("SAVE"));
        }
        using var s = TestServer.InDir(dir);
        using var c = s.Client();
        foreach (var ((db, key), range) in expected)
        {
            c.Call("SELECT", db);
            Assert.Equal(range, c.Call("ZRANGE", key, "0", "-1", "WITHSCORES"));
            Assert.Equal(encodings[(db, key)], c.Call("OBJECT", "ENCODING", key));
        }
        c.Call("SELECT", 0);
        Assert.Equal(303L, c.Call("ZRANK", "sl", "top")); // 304 members, "top" scores inf
        Assert.Equal(0L, c.Call("ZRANK", "sl", "bottom"));
        Assert.InRange((long)c.Call("PTTL", "ttl")!, 900_000, 1_000_000);
    }
}
