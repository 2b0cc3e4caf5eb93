namespace RedisLite.Tests;

/// <summary>
/// Hashes and sets through snapshots, both encodings of each (listpack / hashtable hashes,
/// 16/32/64-bit intsets / hashtable sets): our BGSAVE is accepted by redis-check-rdb and loaded by
/// redis-server 7.0.15 with the same contents and encodings, a redis-server dump loads into
/// RedisLite the same way, and our own dump survives a restart. Uses <see cref="SnapshotTests"/>'
/// helpers and <see cref="ReferenceRedis"/>.
/// </summary>
public class HashSetSnapshotTests
{
    private static bool HaveRedis => ReferenceRedis.Available && File.Exists("/usr/bin/redis-check-rdb");

    /// <summary>Keys of every encoding, in db 0 and db 2; returns (db, key) of each.</summary>
    private static List<(int Db, string Key)> Populate(RespClient c)
    {
        var keys = new List<(int, string)>();
        foreach (int db in new[] { 0, 2 })
        {
            c.Call("SELECT", db);
            void Add(string key, params object[] cmd)
            {
                var reply = c.Call(cmd);
                Assert.False(reply is RespClient.RespError, $"{string.Join(' ', cmd)}: {reply}");
                keys.Add((db, key));
            }
            Add("h:lp", "HSET", "h:lp", "a", "1", "b", "hello", "n", "-123456789012", "", "empty-field");
            var big = new List<object> { "HSET", "h:ht" };
            for (int i = 0; i < 700; i++) { big.Add($"field:{i}"); big.Add(i % 3 == 0 ? i.ToString() : $"value-{i}-{new string('x', i % 50)}"); }
            Add("h:ht", big.ToArray());
            Add("h:long", "HSET", "h:long", "f", new string('L', 300));
            Add("s:16", "SADD", "s:16", "1", "-5", "32767", "-32768");
            Add("s:32", "SADD", "s:32", "1", "70000", "-2147483648");
            Add("s:64", "SADD", "s:64", "1", "-9223372036854775808", "9223372036854775807", "5000000000");
            Add("s:str", "SADD", "s:str", "a", "b", "007", "");
            var many = new List<object> { "SADD", "s:bigint" };
            for (int i = 0; i < 600; i++) many.Add((i * 7919).ToString());
            Add("s:bigint", many.ToArray());
            var strs = new List<object> { "SADD", "s:ht" };
            for (int i = 0; i < 300; i++) strs.Add($"member-{i}");
            Add("s:ht", strs.ToArray());
            Assert.Equal(1L, c.Call("PEXPIRE", "s:16", 5_000_000));
        }
        c.Call("SELECT", 0);
        return keys;
    }

    /// <summary>Type, encoding and sorted contents of a key, as one comparable string.</summary>
    private static string Describe(RespClient c, int db, string key)
    {
        c.Call("SELECT", db);
        string type = (string)c.Call("TYPE", key)!;
        string enc = ReplyText.Show(c.Call("OBJECT", "ENCODING", key));
        object? contents = type switch
        {
            "hash" => c.Call("HGETALL", key),
            "set" => c.Call("SMEMBERS", key),
            _ => null,
        };
        var items = ((object?[])contents!).Select(ReplyText.Show).ToList();
        if (type == "hash")
            items = items.Chunk(2).Select(p => p[0] + "=" + p[1]).ToList();
        items.Sort(StringComparer.Ordinal);
        return $"{type} {enc} [{string.Join(",", items)}]";
    }

    private static void AssertExpectedEncodings(RespClient c)
    {
        var want = new Dictionary<string, string>
        {
            ["h:lp"] = "listpack", ["h:ht"] = "hashtable", ["h:long"] = "hashtable", ["s:16"] = "intset", ["s:32"] = "intset",
            ["s:64"] = "intset", ["s:str"] = "hashtable", ["s:bigint"] = "hashtable", ["s:ht"] = "hashtable",
        };
        foreach (var (k, e) in want) Assert.Equal(e, c.Call("OBJECT", "ENCODING", k));
    }

    [SkippableFact]
    public void OurDumpIsAcceptedByRedisCheckRdbAndLoadsInRedisServer()
    {
        Skip.IfNot(HaveRedis, "redis-server/redis-check-rdb not installed");
        using var s = new TestServer("--save", "");
        using var c = s.Client();
        var keys = Populate(c);
        AssertExpectedEncodings(c);
        Assert.Equal("Background saving started", c.Call("BGSAVE"));
        SnapshotTests.WaitForBgsave(c);
        Assert.Equal("ok", SnapshotTests.Info(c, "rdb_last_bgsave_status"));
        string check = SnapshotTests.Run("redis-check-rdb", Path.Combine(s.Dir, "dump.rdb"));
        Assert.Contains("RDB looks OK", check);

        using var redis = ReferenceRedis.InDir(s.Dir);
        using var rc = new RespClient(redis.Port);
        foreach (var (db, key) in keys) Assert.Equal(Describe(c, db, key), Describe(rc, db, key));
        rc.Call("SELECT", 0);
        Assert.InRange((long)rc.Call("PTTL", "s:16")!, 4_000_000, 5_000_000);
    }

    [SkippableFact]
    public void LoadsHashesAndSetsFromARedisServerDump()
    {
        Skip.IfNot(HaveRedis, "redis-server not installed");
        var dir = Directory.CreateTempSubdirectory("redislite-hs-from-redis-").FullName;
        List<(int Db, string Key)> keys;
        var expected = new Dictionary<(int, string), string>();
        using (var redis = ReferenceRedis.InDir(dir))
        using (var rc = new RespClient(redis.Port))
        {
            keys = Populate(rc);
            AssertExpectedEncodings(rc);
            foreach (var (db, key) in keys) expected[(db, key)] = Describe(rc, db, key);
            Assert.Equal("OK", rc.Call("SAVE"));
        }
        using var s = TestServer.InDir(dir);
        using var c = s.Client();
        foreach (var (db, key) in keys) Assert.Equal(expected[(db, key)], Describe(c, db, key));
    }

    [Fact]
    public void SaveThenRestartRestoresHashesAndSets()
    {
        string dir;
        var expected = new Dictionary<(int, string), string>();
        List<(int Db, string Key)> keys;
        using (var s = new TestServer("--save", ""))
        {
            dir = s.Dir;
            using var c = s.Client();
            keys = Populate(c);
            foreach (var (db, key) in keys) expected[(db, key)] = Describe(c, db, key);
            Assert.Equal("OK", c.Call("SAVE"));
        }
        using var s2 = TestServer.InDir(dir);
        using var c2 = s2.Client();
        foreach (var (db, key) in keys) Assert.Equal(expected[(db, key)], Describe(c2, db, key));
        c2.Call("SELECT", 0);
        Assert.InRange((long)c2.Call("PTTL", "s:16")!, 4_000_000, 5_000_000);
    }

    /// <summary>The loader picks encodings by size under the configured limits, as Redis's does.</summary>
    [Fact]
    public void LoaderChoosesEncodingsByTheConfiguredLimits()
    {
        string dir;
        using (var s = new TestServer("--save", ""))
        {
            dir = s.Dir;
            using var c = s.Client();
            c.Call("HSET", "h", "a", "1", "b", "2", "c", "3");
            c.Call("SADD", "s", "1", "2", "3");
            Assert.Equal("OK", c.Call("SAVE"));
        }
        using var s2 = TestServer.InDir(dir, "--hash-max-ziplist-entries", "2", "--set-max-intset-entries", "2");
        using var c2 = s2.Client();
        Assert.Equal("hashtable", c2.Call("OBJECT", "ENCODING", "h"));
        Assert.Equal("hashtable", c2.Call("OBJECT", "ENCODING", "s"));
        Assert.Equal(3L, c2.Call("HLEN", "h"));
        Assert.Equal(3L, c2.Call("SCARD", "s"));
    }
}
