using Xunit.Abstractions;

namespace RedisLite.Tests;

/// <summary>
/// Region memory of hashes and sets: deleting a large value gives every block back to the
/// allocator (used_memory returns to where it was), and, on demand, the footprint of 1,000 hashes
/// of 1,000 16-byte fields and values against redis-server's used_memory for the same data
/// (REDISLITE_MEMORY_BENCH=1; the figure is in the README's results).
/// </summary>
public class HashSetMemoryTests(ITestOutputHelper output)
{
    private static long UsedMemory(RespClient c) => long.Parse(SnapshotTests.Info(c, "used_memory"));

    /// <summary>Sends commands in pipelined batches, checking every reply is not an error.</summary>
    private static void Pipeline(RespClient c, IEnumerable<object[]> commands, int batch = 200)
    {
        var pending = new List<object[]>();
        void Flush()
        {
            var frame = new MemoryStream();
            foreach (var cmd in pending) frame.Write(RespClient.Encode(cmd));
            c.Send(frame.ToArray());
            foreach (var cmd in pending)
            {
                var r = c.Read();
                Assert.False(r is RespClient.RespError, $"{cmd[0]}: {r}");
            }
            pending.Clear();
        }
        foreach (var cmd in commands)
        {
            pending.Add(cmd);
            if (pending.Count == batch) Flush();
        }
        if (pending.Count > 0) Flush();
    }

    private static IEnumerable<object[]> Batches(string cmd, string key, int count, int perCommand, Func<int, string[]> item)
    {
        for (int start = 0; start < count; start += perCommand)
        {
            var args = new List<object> { cmd, key };
            for (int i = start; i < Math.Min(count, start + perCommand); i++) args.AddRange(item(i));
            yield return args.ToArray();
        }
    }

    [Fact]
    public void DeletingLargeSetsAndHashesReturnsRegionMemory()
    {
        using var s = new TestServer("--save", "");
        using var c = s.Client();
        // Grow the key index to its loaded size first (it shrinks only in the cron), so the
        // baseline differs from the loaded state by the values alone.
        c.Call("MSET", "placeholder", "x", "bigset", "x", "intset", "x", "bighash", "x", "smallhash", "x");
        c.Call("DEL", "bigset", "intset", "bighash", "smallhash");
        long baseline = UsedMemory(c);

        Pipeline(c, Batches("SADD", "bigset", 60_000, 500, i => [$"member:{i}"]));
        Pipeline(c, Batches("SADD", "intset", 500, 500, i => [i.ToString()]));
        Pipeline(c, Batches("HSET", "bighash", 30_000, 250, i => [$"field:{i}", $"value:{i}:{new string('v', i % 40)}"]));
        Pipeline(c, Batches("HSET", "smallhash", 50, 50, i => [$"f{i}", $"v{i}"]));
        Assert.Equal("hashtable", c.Call("OBJECT", "ENCODING", "bigset"));
        Assert.Equal("intset", c.Call("OBJECT", "ENCODING", "intset"));
        Assert.Equal("hashtable", c.Call("OBJECT", "ENCODING", "bighash"));
        Assert.Equal("listpack", c.Call("OBJECT", "ENCODING", "smallhash"));
        long loaded = UsedMemory(c);
        Assert.True(loaded - baseline > 5_000_000, $"loading grew used_memory by only {loaded - baseline} bytes");

        Assert.Equal(4L, c.Call("DEL", "bigset", "intset", "bighash", "smallhash"));
        long after = UsedMemory(c);
        output.WriteLine($"used_memory: baseline {baseline:N0}, loaded {loaded:N0}, after DEL {after:N0}");
        Assert.Equal(baseline, after);

        // Shrinking by removal gives memory back too (members, and tables resized down).
        Pipeline(c, Batches("SADD", "shrink", 20_000, 500, i => [$"m{i}"]));
        long full = UsedMemory(c);
        Pipeline(c, Batches("SREM", "shrink", 19_990, 500, i => [$"m{i}"]));
        Assert.Equal(10L, c.Call("SCARD", "shrink"));
        long shrunk = UsedMemory(c);
        Assert.True(shrunk - baseline < (full - baseline) / 20, $"after SREM of 99.95% of members: {shrunk - baseline:N0} of {full - baseline:N0} bytes still used");
    }

    [SkippableFact]
    public void ThousandHashesOfThousandFieldsAgainstRedis()
    {
        Skip.IfNot(Environment.GetEnvironmentVariable("REDISLITE_MEMORY_BENCH") == "1", "set REDISLITE_MEMORY_BENCH=1 to run the hash memory comparison");
        ReferenceRedis.SkipIfAbsent();
        const int Hashes = 1000, Fields = 1000;
        IEnumerable<object[]> Load()
        {
            for (int h = 0; h < Hashes; h++)
                foreach (var cmd in Batches("HSET", $"hash:{h:D6}", Fields, 100, i => [$"field-{h:D4}-{i:D5}", $"value-{h:D4}-{i:D5}"]))
                    yield return cmd;
        }
        using var lite = new TestServer("--save", "");
        using var lc = new RespClient(lite.Port, 60_000);
        long liteBase = UsedMemory(lc), liteRssBase = long.Parse(SnapshotTests.Info(lc, "region_rss_bytes"));
        Pipeline(lc, Load(), 50);
        long liteUsed = UsedMemory(lc) - liteBase, liteRss = long.Parse(SnapshotTests.Info(lc, "region_rss_bytes")) - liteRssBase;

        using var redis = new ReferenceRedis();
        using var rc = new RespClient(redis.Port, 60_000);
        long redisBase = UsedMemory(rc);
        Pipeline(rc, Load(), 50);
        long redisUsed = UsedMemory(rc) - redisBase;

        Assert.Equal("hashtable", lc.Call("OBJECT", "ENCODING", "hash:000000"));
        Assert.Equal((long)Fields, lc.Call("HLEN", "hash:000999"));
        string report = $"1,000 hashes x 1,000 fields (16-byte fields and values): RedisLite used_memory +{liteUsed:N0}, region RSS +{liteRss:N0}; " +
                        $"redis-server used_memory +{redisUsed:N0}; ratio used {(double)liteUsed / redisUsed:F2}, region RSS/redis used {(double)liteRss / redisUsed:F2}";
        output.WriteLine(report);
        Assert.True(liteUsed <= redisUsed * 1.5 && liteRss <= redisUsed * 1.5, report);
    }
}
