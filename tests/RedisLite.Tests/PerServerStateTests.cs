using RedisLite.Store;

namespace RedisLite.Tests;

/// <summary>
/// One process may run several servers (the tests do; so will a future embedding): what one
/// server sets, counts or is configured with must not reach another. Each test here pairs two
/// in-process servers and checks that a setting or count of the first leaves the second alone;
/// each failed while the state lived in a static.
/// </summary>
public class PerServerStateTests
{
    [Fact]
    public void SnapshotChildOfOneServerDoesNotStopAnotherServersTablesGrowing()
    {
        using var sharing = new InProcessServer();
        using var other = new InProcessServer();
        sharing.Server.Keyspace.BeginChildSharing(avoidWrites: true, freshPages: false, hugepages: false);
        try
        {
            for (int i = 0; i < 64; i++) other.Call("SET", $"k{i}", "v");
            var keys = other.Server.Keyspace.Keys(0);
            while (keys.IsRehashing) keys.RehashStep(100);
            // Without a child of its own, the other server's table grows at one key per bucket.
            Assert.True(keys.BucketCount >= 64, $"64 keys in {keys.BucketCount} buckets");
        }
        finally
        {
            sharing.Server.Keyspace.EndChildSharing(hugepages: false);
        }
    }

    [Fact]
    public void CommandStatisticsAreCountedPerServer()
    {
        using var a = new InProcessServer();
        using var b = new InProcessServer();
        a.Call("CONFIG", "RESETSTAT");
        b.Call("CONFIG", "RESETSTAT");
        for (int i = 0; i < 3; i++) a.Call("SET", "k", "v");
        Assert.Contains("cmdstat_set:calls=3,", (string)a.CallStr("INFO", "commandstats")!);
        Assert.DoesNotContain("cmdstat_set:", (string)b.CallStr("INFO", "commandstats")!);
        b.Call("SET", "k", "v");
        b.Call("CONFIG", "RESETSTAT");
        Assert.Contains("cmdstat_set:calls=3,", (string)a.CallStr("INFO", "commandstats")!);
    }

    [Fact]
    public void SortStoreUsesItsOwnServersListNodeSize()
    {
        using var a = new InProcessServer();
        using var later = new InProcessServer(); // created after a: must not lend a its configuration
        Assert.Equal("OK", a.Call("CONFIG", "SET", "list-max-listpack-size", "2"));
        a.Call("SADD", "s", "1", "2", "3", "4", "5", "6");
        Assert.Equal(6L, a.Call("SORT", "s", "STORE", "dst"));
        var ks = a.Server.Keyspace;
        ulong rec = ks.Find(0, "dst"u8);
        int nodes = new Quicklist(ks, -2).Blocks(ks.Rec(rec).Value).Count(b => b.What == "quicklist node");
        Assert.Equal(3, nodes);
    }
}
