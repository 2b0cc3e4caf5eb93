using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace RedisLite.Tests;

/// <summary>
/// The query buffer (issue 11, defects 7 and 8): the live client-query-buffer-limit applies to
/// connections already open, a client's input is held in memory only as far as it is needed, and
/// memory held for a frame that never completes goes back when the client goes.
/// </summary>
public class QueryBufferTests
{
    [Fact]
    public void RaisingTheLimitAtRuntimeAppliesToTheSameConnection()
    {
        using var server = new TestServer("--client-query-buffer-limit", "1mb");
        using var c = new RespClient(server.Port, timeoutMs: 60_000);
        // What redis-cli users do: raise the limit, then send the big value on the same connection.
        Assert.Equal("OK", c.Call("CONFIG", "SET", "client-query-buffer-limit", "10mb"));
        var value = new string('v', 5_000_000);
        Assert.Equal("OK", c.Call("SET", "qb:big", value));
        Assert.Equal(5_000_000L, c.Call("STRLEN", "qb:big"));

        // Lowered again, the same request is over the limit: the client is closed, as in Redis.
        Assert.Equal("OK", c.Call("CONFIG", "SET", "client-query-buffer-limit", "1mb"));
        using var d = new RespClient(server.Port, timeoutMs: 60_000);
        try
        {
            d.Send(RespClient.Encode("SET", "qb:big2", value));
        }
        catch (IOException)
        {
            // Closed while still sending: expected.
        }
        Assert.True(d.IsClosedByServer(30_000));
        Eventually.LogContains(server, "Closing client that reached max query buffer length");
        Assert.Equal(0L, c.Call("EXISTS", "qb:big2"));
    }

    [Fact]
    public void UnreadPipelineWaitsInTheKernelNotInTheServer()
    {
        using var server = new TestServer();
        using var control = server.Client();
        Assert.Equal("OK", control.Call("SET", "qb:value", new string('x', 4 << 20)));
        long rssBefore = server.RssKb();

        // A client asks for 4 MB it never reads, then keeps pipelining: the server stops reading
        // it (its replies wait), so the rest stays in socket buffers instead of server memory.
        using var hog = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        hog.ReceiveBufferSize = 4096;
        hog.Connect("127.0.0.1", server.Port);
        hog.Send(RespClient.Encode("GET", "qb:value"));
        var one = RespClient.Encode("SET", "qb:k", new string('p', 1000));
        var batch = new byte[one.Length * 1000];
        for (int i = 0; i < 1000; i++) one.CopyTo(batch, i * one.Length);
        const long total = 256L << 20;
        var sender = Task.Run(() =>
        {
            try
            {
                for (long sent = 0; sent < total; sent += batch.Length) hog.Send(batch);
            }
            catch (SocketException)
            {
                // Closed at the end of the test.
            }
        });
        // Either the server took everything (the sender finishes) or the bytes queue in the kernel
        // on both sides of the connection because the server stopped reading.
        Eventually.True(() => sender.IsCompleted || TcpQueues.ServerStoppedReading(hog, server.Port),
            "the sender finished or the socket buffers filled");
        Assert.False(sender.IsCompleted, "the server read 256 MB of requests it could not run");
        long grownMb = (server.RssKb() - rssBefore) / 1024;
        Assert.True(grownMb < 64, $"RSS grew by {grownMb} MB");
        Assert.Equal("PONG", control.Call("PING"));
        hog.Close();
        sender.Wait(TimeSpan.FromMinutes(1));
    }

    [Fact]
    public void AbandonedBigBulksGiveTheirMemoryBack()
    {
        using var server = new TestServer("--proto-max-bulk-len", "1gb");
        using var control = server.Client();
        long rssBefore = server.RssKb();
        const int clients = 5, sentEach = 40 << 20, declared = 600 << 20;
        string header = $"*3\r\n$3\r\nSET\r\n$5\r\nqb:ab\r\n${declared}\r\n";
        var chunk = new byte[1 << 20];
        Array.Fill(chunk, (byte)'y');
        var sockets = new List<Socket>();
        try
        {
            for (int i = 0; i < clients; i++)
            {
                var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                s.Connect("127.0.0.1", server.Port);
                s.Send(Encoding.ASCII.GetBytes(header));
                for (int sent = 0; sent < sentEach; sent += chunk.Length) s.Send(chunk);
                sockets.Add(s);
            }
            // Every byte sent is in the server (CLIENT LIST's qbuf: the bulk's data received so far).
            long expected = sentEach;
            Eventually.True(() => QueryBuffers(control).Count(q => q == expected) == clients, $"{clients} clients holding {expected} bytes each");
        }
        finally
        {
            foreach (var s in sockets) s.Dispose();
        }
        Eventually.True(() => QueryBuffers(control).Count == 1, "the big clients are gone");
        long after = Eventually.Value(server.RssKb, kb => kb - rssBefore < 100 * 1024, "RSS back near where it started");
        Assert.True(after - rssBefore < 100 * 1024, $"RSS stayed {(after - rssBefore) / 1024} MB above the start");
        Assert.Equal(0L, control.Call("EXISTS", "qb:ab"));
    }

    /// <summary>qbuf of every connected client.</summary>
    internal static List<long> QueryBuffers(RespClient c) =>
        ((string)c.Call("CLIENT", "LIST")!).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => long.Parse(Regex.Match(l, @" qbuf=(\d+) ").Groups[1].Value)).ToList();
}
