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
}
