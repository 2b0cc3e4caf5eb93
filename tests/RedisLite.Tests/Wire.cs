using System.Net.Sockets;
using System.Text;

namespace RedisLite.Tests;

/// <summary>
/// Raw byte exchanges for protocol tests: send exact bytes and collect exactly what comes back,
/// so RedisLite and a real redis-server can be compared byte for byte. Bytes are shown as
/// Latin-1 strings (one char per byte) so binary replies compare and print losslessly.
/// </summary>
public static class Wire
{
    // Sent after a request that leaves the connection open: once its reply arrives, everything
    // the request caused has arrived too (replies are in order), with no quiet-period guessing.
    // An unknown command, because Redis answers that even before authentication.
    private static readonly byte[] Sentinel = Encoding.ASCII.GetBytes("*1\r\n$8\r\n__done__\r\n");
    private static readonly byte[] SentinelReply = Encoding.ASCII.GetBytes("-ERR unknown command '__done__', with args beginning with: \r\n");

    public static byte[] Bytes(string latin1) => Encoding.Latin1.GetBytes(latin1);
    public static string Text(ReadOnlySpan<byte> bytes) => Encoding.Latin1.GetString(bytes);

    /// <summary>
    /// Sends <paramref name="request"/> on a new connection. If <paramref name="closes"/>, reads
    /// until the server closes; otherwise sends a sentinel ECHO and reads up to its reply. Returns
    /// what came back (without the sentinel's reply) and whether the server closed the connection.
    /// The timeout only fails a hang: a reply or a close that never comes.
    /// </summary>
    public static (string Reply, bool Closed) Exchange(int port, byte[] request, bool closes, int timeoutMs = 60_000)
    {
        using var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        s.Connect("127.0.0.1", port);
        s.ReceiveTimeout = timeoutMs;
        s.SendTimeout = timeoutMs;
        SendAll(s, request);
        if (!closes) SendAll(s, Sentinel);
        var got = new MemoryStream();
        var buf = new byte[65536];
        while (true)
        {
            int n;
            try
            {
                n = s.Receive(buf);
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
            {
                return (Text(got.ToArray()), true);
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.TimedOut)
            {
                return (Text(got.ToArray()), false);
            }
            if (n == 0) return (Text(got.ToArray()), true);
            got.Write(buf, 0, n);
            if (!closes && got.ToArray().AsSpan().EndsWith(SentinelReply))
                return (Text(got.ToArray()[..^SentinelReply.Length]), false);
        }
    }

    /// <summary>Sends everything, tolerating a server that closes mid-way (it may reject early).</summary>
    public static void SendAll(Socket s, byte[] data)
    {
        try
        {
            for (int off = 0; off < data.Length;)
                off += s.Send(data, off, Math.Min(65536, data.Length - off), SocketFlags.None);
        }
        catch (SocketException) { }
    }
}
