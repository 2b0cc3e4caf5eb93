using StackExchange.Redis;

namespace RedisLite.Tests;

/// <summary>A server binary and a StackExchange.Redis connection to it, shared by one test class.</summary>
public sealed class ServerFixture : IDisposable
{
    public TestServer S { get; } = new();
    public ConnectionMultiplexer Mux { get; }

    public ServerFixture() => Mux = S.Multiplexer();

    public void Dispose()
    {
        Mux.Dispose();
        S.Dispose();
    }
}
