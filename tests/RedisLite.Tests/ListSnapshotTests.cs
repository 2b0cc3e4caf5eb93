namespace RedisLite.Tests;

/// <summary>
/// Lists through RDB both ways: a BGSAVE of small, multi-node and big-element lists (with TTLs, in
/// two databases) passes redis-check-rdb and loads into redis-server 7.0.15 with identical LRANGE
/// for every key; a dump written by redis-server loads into RedisLite with identical lists; and a
/// SAVE/restart round trip keeps them.
/// </summary>
public class ListSnapshotTests
{
    private static bool HaveRedis => File.Exists("/usr/bin/redis-server") && File.Exists("/usr/bin/redis-check-rdb");

    /// <summary>Small and large lists; returns every (db, key) with its elements.</summary>
    private static Dictionary<(int Db, string Key), string[]> Populate(RespClient c, int seed)
    {
        var rng = new Random(seed);
        var data = new Dictionary<(int, string), string[]>();
        foreach (int db in new[] { 0, 3 })
        {
            c.Call("SELECT", db);
            for (int k = 0; k < 12; k++)
            {
                string key = $"list:{k}";
                int n = k switch { 0 => 1, 1 => 5, < 6 => rng.Next(2, 130), < 10 => rng.Next(1000, 4000), _ => rng.Next(5, 40) };
                var items = new string[n];
                for (int i = 0; i < n; i++)
                {
                    int kind = rng.Next(100);
                    items[i] = kind < 40 ? rng.NextInt64(-100_000, 100_000).ToString()
                        : kind < 45 ? rng.NextInt64(long.MinValue, long.MaxValue).ToString()
                        : kind < 97 ? $"e{i}-" + new string('q', rng.Next(0, 80))
                        : new string((char)('a' + rng.Next(26)), k >= 10 ? rng.Next(9000, 20000) : rng.Next(100, 3000));
                }
                for (int i = 0; i < n; i += 500)
                    c.Call(["RPUSH", key, .. items.Skip(i).Take(500)]);
                if (k % 4 == 3) c.Call("EXPIRE", key, "100000");
                data[(db, key)] = items;
            }
        }
        c.Call("SELECT", 0);
        return data;
    }

    private static void AssertSameLists(RespClient c, Dictionary<(int Db, string Key), string[]> data)
    {
        foreach (var ((db, key), items) in data)
        {
            c.Call("SELECT", db);
            var got = (object?[])c.Call("LRANGE", key, "0", "-1")!;
            Assert.True(items.SequenceEqual(got.Cast<string>()), $"db {db} {key}: {got.Length} elements, expected {items.Length}");
            Assert.Equal("quicklist", c.Call("OBJECT", "ENCODING", key));
        }
        c.Call("SELECT", 0);
    }

    [SkippableFact]
    public void BgsaveOfListsPassesRedisCheckRdbAndLoadsIntoRedisServer()
    {
        Skip.IfNot(HaveRedis, "redis-server/redis-check-rdb not installed");
        using var s = new TestServer("--save", "");
        using var c = s.Client();
        var data = Populate(c, seed: 11);
        Assert.Equal("Background saving started", c.Call("BGSAVE"));
        SnapshotTests.WaitForBgsave(c);
        Assert.Equal("ok", SnapshotTests.Info(c, "rdb_last_bgsave_status"));
        string dump = Path.Combine(s.Dir, "dump.rdb");
        Assert.Contains("RDB looks OK", SnapshotTests.Run("redis-check-rdb", dump));
        using var redis = ReferenceRedis.InDir(s.Dir);
        using var rc = new RespClient(redis.Port);
        AssertSameLists(rc, data);
        rc.Call("SELECT", 0);
        Assert.InRange((long)rc.Call("TTL", "list:3")!, 99_000, 100_000);
    }

    [SkippableFact]
    public void LoadsListsFromADumpWrittenByRedisServer()
    {
        Skip.IfNot(HaveRedis, "redis-server not installed");
        var dir = Directory.CreateTempSubdirectory("redislite-lists-from-redis-").FullName;
        Dictionary<(int, string), string[]> data;
        using (var redis = ReferenceRedis.InDir(dir))
        using (var rc = new RespClient(redis.Port))
        {
            data = Populate(rc, seed: 12);
            Assert.Equal("OK", rc.Call("SAVE"));
        }
        using var s = TestServer.InDir(dir);
        using var c = s.Client();
        AssertSameLists(c, data);
        // The loaded lists are ordinary region lists: they can be written to and saved again.
        Assert.Equal(2L, c.Call("RPUSH", "list:0", "more"));
        Assert.Equal("OK", c.Call("SAVE"));
        Assert.Contains("RDB looks OK", SnapshotTests.Run("redis-check-rdb", Path.Combine(dir, "dump.rdb")));
    }

    [Fact]
    public void SaveAndRestartKeepsLists()
    {
        var dir = Directory.CreateTempSubdirectory("redislite-lists-restart-").FullName;
        Dictionary<(int, string), string[]> data;
        using (var s = TestServer.InDir(dir, "--save", ""))
        using (var c = s.Client())
        {
            data = Populate(c, seed: 13);
            Assert.Equal("OK", c.Call("SAVE"));
        }
        using var s2 = TestServer.InDir(dir, "--save", "");
        using var c2 = s2.Client();
        AssertSameLists(c2, data);
    }
}
