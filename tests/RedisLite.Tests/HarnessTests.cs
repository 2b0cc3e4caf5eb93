namespace RedisLite.Tests;

/// <summary>
/// The test harness's own guarantees, which every other test relies on: a test gets the server
/// it started, and a check for a closed connection can fail.
/// </summary>
public class HarnessTests
{
    [Fact]
    public void TakenPortStartsTheServerOnAnotherOne()
    {
        // A port picked free may be taken by another server before ours binds it (tests run in
        // parallel, and other people's test runs share the machine). The test must then get its
        // own server on another port, never a connection to the one that took the port.
        using var squatter = new TestServer();
        using var s = TestServer.TryingPortFirst(squatter.Port);
        Assert.NotEqual(squatter.Port, s.Port);
        using var c = s.Client();
        Assert.Equal(s.Process.Id.ToString(), SnapshotTests.Info(c, "process_id"));
        Assert.False(s.Process.HasExited);
    }

    [Fact]
    public void OpenConnectionIsNotReportedClosed()
    {
        // A read that times out is an open connection (the check once said "closed" then, so a
        // server that never closed passed). Waiting 0.5 s for something that must not happen:
        // a slow machine cannot make it happen.
        using var s = new TestServer();
        using var c = s.Client();
        Assert.Equal("PONG", c.Call("PING"));
        Assert.False(c.IsClosedByServer(500));
        c.Send(RespClient.Encode("QUIT"));
        Assert.True(c.IsClosedByServer());
    }
}
