namespace RedisLite.Tests;

/// <summary>One server with default settings shared by a test class (IClassFixture&lt;ServerFixture&gt;).</summary>
public sealed class ServerFixture : IDisposable
{
    public TestServer S { get; } = new();
    public void Dispose() => S.Dispose();
}
