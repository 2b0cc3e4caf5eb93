namespace RedisLite.Tests;

/// <summary>
/// INFO's blocked_clients, and waiting for it. A test that sends a blocking command cannot know
/// when the server has parked the client, so before acting on it (pushing, unblocking,
/// disconnecting) it waits until the server reports the count it expects.
/// </summary>
public static class BlockedClients
{
    public static long Count(RespClient c)
    {
        var info = (string)c.Call("INFO", "clients")!;
        const string field = "blocked_clients:";
        return long.Parse(info.Split("\r\n").First(l => l.StartsWith(field, StringComparison.Ordinal))[field.Length..]);
    }

    public static void WaitFor(RespClient c, long n) =>
        Eventually.Value(() => Count(c), v => v == n, $"blocked_clients to reach {n}");
}
