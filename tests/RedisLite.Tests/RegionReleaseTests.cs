namespace RedisLite.Tests;

/// <summary>
/// Memory that the keyspace frees goes back to the kernel (issue 11): after FLUSHALL, after DEL
/// of large values and after DEL of many small keys, the server process's resident set falls back
/// near where it started, as Redis's does with jemalloc. Measured from outside, on a real server
/// process (/proc/&lt;pid&gt;/status VmRSS), as a user would. Ratios have wide margins: what fails
/// is memory kept, not a few megabytes of runtime noise.
/// </summary>
public class RegionReleaseTests
{
    private const int MiB = 1 << 20;

    private static long VmRss(TestServer s)
    {
        foreach (var line in File.ReadLines($"/proc/{s.Process.Id}/status"))
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
        throw new InvalidOperationException("no VmRSS line");
    }

    // The resident set comes back to within a quarter (or keptShare) of what the data added.
    private static void ShrinksBack(TestServer s, long start, long loaded, string what, double keptShare = 0.25)
    {
        long limit = start + (long)((loaded - start) * keptShare);
        long last = Eventually.Value(() => VmRss(s), rss => rss <= limit,
            $"{what}: RSS back under {limit / MiB} MB (started at {start / MiB} MB, {loaded / MiB} MB loaded)");
        Assert.True(last <= limit);
    }

    private static void Pipeline(RespClient c, IEnumerable<object[]> commands, Action<object?> check)
    {
        var batch = new List<object[]>();
        foreach (var cmd in commands)
        {
            batch.Add(cmd);
            if (batch.Count == 100) Flush();
        }
        Flush();

        void Flush()
        {
            var frame = new MemoryStream();
            foreach (var b in batch) frame.Write(RespClient.Encode(b));
            c.Send(frame.ToArray());
            foreach (var _ in batch) check(c.Read());
            batch.Clear();
        }
    }

    [Fact]
    public void FlushAllReturnsTheDataPages()
    {
        using var s = new TestServer();
        using var c = new RespClient(s.Port, 120_000);
        long start = VmRss(s);
        Assert.Equal("OK", c.Call("DEBUG", "POPULATE", 300_000, "key", 1000));
        long loaded = VmRss(s);
        Assert.True(loaded - start > 300L * MiB, $"populate added only {(loaded - start) / MiB} MB");

        Assert.Equal("OK", c.Call("FLUSHALL"));
        ShrinksBack(s, start, loaded, "after FLUSHALL");
        // The server goes on as before.
        Assert.Equal("OK", c.Call("SET", "k", "v"));
        Assert.Equal("v", RespClient.Simplify(c.Call("GET", "k")));
    }

    [Fact]
    public void DeletedLargeValuesReturnTheirPages()
    {
        using var s = new TestServer();
        using var c = new RespClient(s.Port, 120_000);
        var value = new byte[MiB];
        Array.Fill(value, (byte)'x');
        long start = VmRss(s);
        Pipeline(c, Enumerable.Range(0, 300).Select(i => new object[] { "SET", $"big:{i}", value }), r => Assert.Equal("OK", r));
        Pipeline(c, Enumerable.Range(0, 20).Select(i => new object[] { "SET", $"small:{i}", "v" }), r => Assert.Equal("OK", r));
        long loaded = VmRss(s);
        Assert.True(loaded - start > 300L * MiB, $"300 values of 1 MB added only {(loaded - start) / MiB} MB");

        Pipeline(c, Enumerable.Range(0, 300).Select(i => new object[] { "DEL", $"big:{i}" }), r => Assert.Equal(1L, r));
        ShrinksBack(s, start, loaded, "after DEL of every large value");
        Assert.Equal(20L, c.Call("DBSIZE"));
    }

    [Fact]
    public void DeletedSmallKeysReturnTheirSlabs()
    {
        using var s = new TestServer();
        using var c = new RespClient(s.Port, 120_000);
        long start = VmRss(s);
        const int Keys = 1_000_000;
        Assert.Equal("OK", c.Call("DEBUG", "POPULATE", Keys, "key", 100));
        long loaded = VmRss(s);
        Assert.True(loaded - start > 100L * MiB, $"populate added only {(loaded - start) / MiB} MB");

        // Nine keys in ten go, by DEL (not FLUSHALL), so their slabs empty chunk by chunk; what
        // stays is the first tenth of the keys plus the key index.
        const int PerCommand = 1000, Kept = Keys / 10;
        Pipeline(c, Enumerable.Range(Kept / PerCommand, (Keys - Kept) / PerCommand).Select(b =>
                new object[] { "DEL" }.Concat(Enumerable.Range(b * PerCommand, PerCommand).Select(i => (object)$"key:{i}")).ToArray()),
            r => Assert.Equal((long)PerCommand, r));
        Assert.Equal((long)Kept, c.Call("DBSIZE"));
        ShrinksBack(s, start, loaded, "after DEL of 90% of the small keys", keptShare: 0.35);
    }
}
