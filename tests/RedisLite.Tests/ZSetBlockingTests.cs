using System.Diagnostics;

namespace RedisLite.Tests;

/// <summary>BZPOPMIN, BZPOPMAX and BZMPOP over the shared blocking machinery (Server/BlockingKeys.cs).</summary>
public class ZSetBlockingTests(ServerFixture f) : IClassFixture<ServerFixture>
{
    private readonly ServerFixture _f = f;

    private static void WaitBlocked(RespClient c, int n) => BlockedClients.WaitFor(c, n);

    [Fact]
    public void ServesImmediatelyWhenAKeyHasMembers()
    {
        using var c = _f.S.Client();
        c.Call("SELECT", 8);
        c.Call("DEL", "bz:a", "bz:b");
        c.Call("ZADD", "bz:b", 1, "x", 2, "y", 3, "z");
        Assert.Equal(new object?[] { "bz:b", "x", "1" }, (object?[])c.Call("BZPOPMIN", "bz:a", "bz:b", 0)!);
        Assert.Equal(new object?[] { "bz:b", "z", "3" }, (object?[])c.Call("BZPOPMAX", "bz:a", "bz:b", 0)!);
        Assert.Equal(new object?[] { "bz:b", new object?[] { new object?[] { "y", "2" } } }, (object?[])c.Call("BZMPOP", 0, 2, "bz:a", "bz:b", "MIN", "COUNT", 5)!);
        Assert.Equal(0L, c.Call("EXISTS", "bz:b"));
        c.Call("SET", "bz:s", "v");
        Assert.StartsWith("WRONGTYPE", c.Call("BZPOPMIN", "bz:s", 0)!.ToString());
        Assert.Equal("ERR timeout is negative", c.Call("BZPOPMIN", "bz:a", -1)!.ToString());
        Assert.Equal("ERR timeout is not a float or out of range", c.Call("BZPOPMAX", "bz:a", "abc")!.ToString());
        Assert.Equal("ERR numkeys should be greater than 0", c.Call("BZMPOP", "abc", 0, "bz:a", "MIN")!.ToString());
        Assert.Equal("ERR timeout is negative", c.Call("BZMPOP", -1, 1, "bz:a", "MIN")!.ToString());
        Assert.Equal("ERR count should be greater than 0", c.Call("BZMPOP", 0, 1, "bz:a", "MIN", "COUNT", 0)!.ToString());
    }

    [Fact]
    public void BlockedClientsAreServedInArrivalOrderWhenTheKeyIsCreated()
    {
        using var a = _f.S.Client();
        using var b = _f.S.Client();
        using var w = _f.S.Client();
        foreach (var c in new[] { a, b, w }) c.Call("SELECT", 9);
        w.Call("DEL", "bz:q", "bz:other");
        a.Send(RespClient.Encode("BZPOPMIN", "bz:other", "bz:q", 0));
        WaitBlocked(w, 1);
        b.Send(RespClient.Encode("BZMPOP", 0, 1, "bz:q", "MAX", "COUNT", 2));
        WaitBlocked(w, 2);
        Assert.Equal(3L, w.Call("ZADD", "bz:q", 1, "m1", 2, "m2", 3, "m3"));
        Assert.Equal(new object?[] { "bz:q", "m1", "1" }, (object?[])RespClient.Simplify(a.Read())!);
        Assert.Equal(new object?[] { "bz:q", new object?[] { new object?[] { "m3", "3" }, new object?[] { "m2", "2" } } }, (object?[])RespClient.Simplify(b.Read())!);
        Assert.Equal(0L, w.Call("EXISTS", "bz:q"));
        WaitBlocked(w, 0);
    }

    [Fact]
    public void TimesOutWithANullArray()
    {
        using var c = _f.S.Client();
        c.Call("SELECT", 10);
        var sw = Stopwatch.StartNew();
        Assert.Null(c.Call("BZPOPMAX", "bz:none", "0.2"));
        // A lower bound only: the nil reply may not come before the timeout.
        Assert.True(sw.ElapsedMilliseconds >= 180, $"BZPOPMAX with a 0.2 s timeout answered after {sw.ElapsedMilliseconds} ms");
        Assert.Null(c.Call("BZMPOP", "0.1", 1, "bz:none", "MIN"));
        // Timed out means unblocked.
        Assert.Equal(0L, BlockedClients.Count(c));
    }
}
