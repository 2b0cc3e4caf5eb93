namespace RedisLite.Tests;

/// <summary>The server starts from the built binary and answers a real client.</summary>
public class SmokeTests : IClassFixture<SmokeTests.Server>
{
    public sealed class Server : IDisposable
    {
        public TestServer S { get; } = new();
        public void Dispose() => S.Dispose();
    }

    private readonly TestServer _s;
    public SmokeTests(Server f) => _s = f.S;

    [Fact]
    public void StackExchangeRedisSetGet()
    {
        using var mux = _s.Multiplexer();
        var db = mux.GetDatabase();
        Assert.True(db.StringSet("smoke:k", "v1"));
        Assert.Equal("v1", (string?)db.StringGet("smoke:k"));
        Assert.Equal(5, db.StringIncrement("smoke:n", 5));
    }
}
