using System.Text;

namespace RedisLite.Tests;

/// <summary>
/// Random picks are fair: each of 50 elements drawn 10,000 times must give a chi-square
/// (49 degrees of freedom, mean 49) far below what a biased pick gives. The bound, 150, is
/// exceeded by a fair pick with probability about 1e-12; a random bucket then a random chain
/// entry gave about 1,400 here, and redis-server 7.0.15 about 360.
/// </summary>
public class RandomFairnessTests
{
    private const int Elements = 50, Draws = 10_000;
    private const double Bound = 150;

    private static double ChiSquare(Dictionary<string, int> counts)
    {
        Assert.Equal(Elements, counts.Count);
        double expected = (double)counts.Values.Sum() / Elements;
        return counts.Values.Sum(c => (c - expected) * (c - expected) / expected);
    }

    private static Dictionary<string, int> Count(Func<string> draw)
    {
        var counts = new Dictionary<string, int>();
        for (int i = 0; i < Draws; i++)
        {
            string k = draw();
            counts[k] = counts.GetValueOrDefault(k) + 1;
        }
        return counts;
    }

    private static IEnumerable<string> Names => Enumerable.Range(0, Elements).Select(i => $"member:{i}");

    private static void AssertFair(string what, Dictionary<string, int> counts)
    {
        double chi = ChiSquare(counts);
        Assert.True(chi < Bound, $"{what}: chi-square {chi:0} over {Elements} elements (min {counts.Values.Min()}, max {counts.Values.Max()} of {Draws})");
    }

    [Fact]
    public void SrandmemberAndSpopOnAHashtableSet()
    {
        using var s = new InProcessServer();
        foreach (var m in Names) s.Call("SADD", "set", m);
        Assert.Equal("hashtable", s.CallStr("OBJECT", "ENCODING", "set"));
        AssertFair("SRANDMEMBER", Count(() => (string)s.CallStr("SRANDMEMBER", "set")!));
        AssertFair("SRANDMEMBER -1", Count(() => (string)((object?[])s.CallStr("SRANDMEMBER", "set", "-1")!)[0]!));
        AssertFair("SPOP", Count(() =>
        {
            var m = (string)s.CallStr("SPOP", "set")!;
            s.Call("SADD", "set", m);
            return m;
        }));
    }

    [Fact]
    public void HrandfieldOnAHashtableHash()
    {
        using var s = new InProcessServer(c => c.HashMaxListpackEntries.Value = 0);
        foreach (var m in Names) s.Call("HSET", "hash", m, "v");
        Assert.Equal("hashtable", s.CallStr("OBJECT", "ENCODING", "hash"));
        AssertFair("HRANDFIELD", Count(() => (string)s.CallStr("HRANDFIELD", "hash")!));
    }

    [Fact]
    public void ZrandmemberOnASkiplistZset()
    {
        using var s = new InProcessServer(c => c.ZsetMaxListpackEntries.Value = 0);
        int score = 0;
        foreach (var m in Names) s.Call("ZADD", "zset", score++, m);
        Assert.Equal("skiplist", s.CallStr("OBJECT", "ENCODING", "zset"));
        AssertFair("ZRANDMEMBER", Count(() => (string)s.CallStr("ZRANDMEMBER", "zset")!));
    }

    [Fact]
    public void Randomkey()
    {
        using var s = new InProcessServer();
        foreach (var m in Names) s.Call("SET", m, "v");
        AssertFair("RANDOMKEY", Count(() => (string)s.CallStr("RANDOMKEY")!));
    }
}
