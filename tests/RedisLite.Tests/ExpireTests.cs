using System.Text;
using StackExchange.Redis;

namespace RedisLite.Tests;

/// <summary>
/// Expiry: the commands over the network (StackExchange.Redis and raw RESP), keys really going
/// away with the wall clock (lazily and by the cron's active expiry), and in-process checks of
/// the test clock, propagation forms and the LRU/LFU fields.
/// </summary>
public class ExpireTests(ServerFixture f) : IClassFixture<ServerFixture>
{
    private readonly ServerFixture _f = f;

    [Fact]
    public void ExpireTtlPersistThroughStackExchangeRedis()
    {
        var db = _f.Mux.GetDatabase(1);
        db.StringSet("e:a", "v");
        Assert.Null(db.KeyTimeToLive("e:a"));
        Assert.True(db.KeyExpire("e:a", TimeSpan.FromSeconds(100)));
        // TTL windows below allow 30 s to pass between setting and reading, so only a wrong TTL fails.
        Assert.InRange(db.KeyTimeToLive("e:a")!.Value.TotalSeconds, 70, 100);
        Assert.True(db.KeyExpire("e:a", DateTime.UtcNow.AddHours(1)));
        Assert.InRange(db.KeyTimeToLive("e:a")!.Value.TotalMinutes, 55, 60);
        Assert.True(db.KeyPersist("e:a"));
        Assert.False(db.KeyPersist("e:a"));
        Assert.Null(db.KeyTimeToLive("e:a"));
        Assert.False(db.KeyExpire("e:missing", TimeSpan.FromSeconds(1)));
        Assert.True(db.KeyExpire("e:a", DateTime.UtcNow.AddDays(-1)));
        Assert.False(db.KeyExists("e:a"));
    }

    [Fact]
    public void ConditionsAndErrorsOverRawResp()
    {
        using var c = _f.S.Client();
        Assert.Equal("OK", c.Call("SELECT", "2"));
        Assert.Equal("OK", c.Call("SET", "e:c", "v"));
        Assert.Equal(0L, c.Call("EXPIRE", "e:c", "100", "XX"));
        Assert.Equal(0L, c.Call("EXPIRE", "e:c", "100", "GT"));
        Assert.Equal(1L, c.Call("EXPIRE", "e:c", "100", "LT"));
        Assert.Equal(0L, c.Call("EXPIRE", "e:c", "200", "NX"));
        Assert.Equal(1L, c.Call("EXPIRE", "e:c", "200", "GT"));
        Assert.Equal(0L, c.Call("EXPIRE", "e:c", "300", "LT"));
        Assert.Equal(1L, c.Call("PEXPIRE", "e:c", "150000", "XX"));
        Assert.InRange((long)c.Call("PTTL", "e:c")!, 120_000, 150_000);
        Assert.Equal("ERR NX and XX, GT or LT options at the same time are not compatible", Error(c.Call("EXPIRE", "e:c", "1", "NX", "LT")));
        Assert.Equal("ERR GT and LT options at the same time are not compatible", Error(c.Call("EXPIRE", "e:c", "1", "GT", "LT")));
        Assert.Equal("ERR Unsupported option bogus", Error(c.Call("EXPIRE", "e:c", "1", "bogus")));
        Assert.Equal("ERR invalid expire time in 'expire' command", Error(c.Call("EXPIRE", "e:c", "9223372036854776")));
        Assert.Equal("ERR invalid expire time in 'pexpire' command", Error(c.Call("PEXPIRE", "e:c", "9223372036854775807")));
        Assert.Equal(1L, c.Call("PEXPIREAT", "e:c", "99999999999999"));
        Assert.Equal(99999999999999L, c.Call("PEXPIRETIME", "e:c"));
        Assert.Equal(100000000000L, c.Call("EXPIRETIME", "e:c"));
        Assert.Equal(-2L, c.Call("TTL", "e:none"));
        Assert.Equal(-2L, c.Call("PEXPIRETIME", "e:none"));
        Assert.Equal("OK", c.Call("SET", "e:d", "v"));
        Assert.Equal(-1L, c.Call("PTTL", "e:d"));
        Assert.Equal(-1L, c.Call("EXPIRETIME", "e:d"));
        Assert.Equal(1L, c.Call("EXPIRE", "e:d", "-1"));
        Assert.Equal(0L, c.Call("EXISTS", "e:d"));
    }

    [Fact]
    public void KeysExpireWithTheWallClockLazilyAndActively()
    {
        using var c = _f.S.Client();
        Assert.Equal("OK", c.Call("SELECT", "3"));
        Assert.Equal("OK", c.Call("SET", "e:lazy", "v", "PX", "50"));
        for (int i = 0; i < 200; i++) Assert.Equal("OK", c.Call("SET", $"e:active:{i}", "v", "PX", "50"));
        Assert.Equal("OK", c.Call("SET", "e:stays", "v"));
        // Real time passes here on purpose (the wall clock is the subject); nothing asserts how
        // fast the keys go, only that they do.
        Eventually.True(() => c.Call("GET", "e:lazy") == null, "e:lazy expiring when read");
        // Nobody reads the others: only the cron's active expiry can remove them.
        Eventually.True(() => (long)c.Call("DBSIZE")! == 1, "active expiry removing the 200 keys nobody reads");
        Assert.Equal(new object?[] { "e:stays" }, c.Call("KEYS", "*"));
    }

    private static string? Error(object? reply) => (reply as RespClient.RespError)?.Message;

    // ---- in process, with the test clock

    private static byte[][] Argv(params string[] a) => a.Select(Encoding.ASCII.GetBytes).ToArray();

    /// <summary>The rewritten form the last command asked to propagate; empty when it replays as received.</summary>
    private static string[] Propagated(InProcessServer s) =>
        s.Client.Context.Propagation is { } p ? p.Single().Select(Encoding.ASCII.GetString).ToArray() : [];

    [Fact]
    public void RelativeExpiriesPropagateAsAbsolutePexpireat()
    {
        using var s = new InProcessServer();
        s.Call("SET", "k", "v");
        Assert.Equal(1L, s.Call("EXPIRE", "k", "10", "NX"));
        Assert.Equal(["PEXPIREAT", "k", (s.NowMs + 10_000).ToString(), "NX"], Propagated(s));
        Assert.Equal(1L, s.Call("PEXPIRE", "k", "500"));
        Assert.Equal(["PEXPIREAT", "k", (s.NowMs + 500).ToString()], Propagated(s));
        Assert.Equal(1L, s.Call("EXPIREAT", "k", "2000000000"));
        Assert.Equal(["PEXPIREAT", "k", "2000000000000"], Propagated(s));
        Assert.Equal(1L, s.Call("PEXPIREAT", "k", "2000000000001"));
        Assert.Empty(Propagated(s));
        Assert.Equal(1L, s.Call("PEXPIRE", "k", "0"));
        Assert.Equal(["DEL", "k"], Propagated(s));
        Assert.Equal(0L, s.Call("EXISTS", "k"));

        s.Call("CONFIG", "SET", "lazyfree-lazy-expire", "yes");
        s.Call("SET", "k", "v");
        Assert.Equal(1L, s.Call("EXPIREAT", "k", "1"));
        Assert.Equal(["UNLINK", "k"], Propagated(s));
    }

    [Fact]
    public void TheTestClockDrivesExpiryAndTtl()
    {
        using var s = new InProcessServer();
        s.Call("SET", "k", "v", "PX", "1500");
        Assert.Equal(1500L, s.Call("PTTL", "k"));
        Assert.Equal(2L, s.Call("TTL", "k"));
        s.NowMs += 1000;
        Assert.Equal(1L, s.Call("TTL", "k"));
        Assert.Equal(500L, s.Call("PTTL", "k"));
        s.NowMs += 500;
        // Alive during its last millisecond, as in Redis.
        Assert.Equal(0L, s.Call("PTTL", "k"));
        Assert.Equal(1L, s.Call("EXISTS", "k"));
        s.NowMs += 1;
        Assert.Equal(-2L, s.Call("PTTL", "k"));
        Assert.Equal(1L, s.Server.Stats.ExpiredKeys);
    }

    [Fact]
    public void IdleTimeFollowsAccessesAndLfuCountsThem()
    {
        using var s = new InProcessServer();
        s.Call("SET", "k", "hello");
        s.NowMs += 7_000;
        Assert.Equal(7L, s.Call("OBJECT", "IDLETIME", "k"));
        Assert.Equal(1L, s.Call("EXISTS", "k"));
        Assert.Equal(7L, s.Call("OBJECT", "IDLETIME", "k"));
        s.Call("GET", "k");
        Assert.Equal(0L, s.Call("OBJECT", "IDLETIME", "k"));

        Assert.Equal("OK", s.Call("CONFIG", "SET", "maxmemory-policy", "allkeys-lfu"));
        s.Call("SET", "f", "hello");
        Assert.Equal(5L, s.Call("OBJECT", "FREQ", "f"));
        Assert.StartsWith("ERR An LFU maxmemory policy is selected", ((RespClient.RespError)s.Call("OBJECT", "IDLETIME", "f")!).Message);
        for (int i = 0; i < 2000; i++) s.Call("GET", "f");
        long hot = (long)s.Call("OBJECT", "FREQ", "f")!;
        Assert.InRange(hot, 6, 255);
        // The counter decays by one per idle minute.
        s.NowMs += 3 * 60_000;
        Assert.Equal(hot - 3, s.Call("OBJECT", "FREQ", "f"));
    }
}
