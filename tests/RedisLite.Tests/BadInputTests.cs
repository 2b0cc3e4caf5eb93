using System.Net.Sockets;
using System.Text;

namespace RedisLite.Tests;

/// <summary>
/// Hostile and broken clients (ARCHITECTURE.md section 7): random bytes, truncated frames, huge
/// lengths, endless lines, clients that never read. Each gets an error or is disconnected; the
/// server never crashes, its memory stays bounded, and other clients see nothing of it.
/// </summary>
public class BadInputTests
{
    [Fact]
    public void RandomBytesGetAnErrorOrADisconnect()
    {
        using var server = new TestServer();
        using var redis = ReferenceRedis.TryStart();
        var rng = new Random(1234);
        var payloads = Enumerable.Range(0, 20).Select(i =>
        {
            var b = new byte[64 * 1024];
            rng.NextBytes(b);
            if (i % 2 == 0) b[0] = (byte)'*';
            return b;
        }).ToList();
        Parallel.ForEach(payloads, new ParallelOptions { MaxDegreeOfParallelism = 4 }, payload =>
        {
            var (reply, closed) = ExchangeAndHalfClose(server.Port, payload);
            Assert.True(closed, "the server must end a connection whose client finished sending");
            // Random bytes hold a bad frame, an unknown command or an over-long line, which get an
            // error, unless a NUL comes first in a line: then the request waits for its line end
            // (Redis's strchr) until the client hangs up. Either way Redis answers the same bytes.
            if (redis != null) Assert.Equal(ExchangeAndHalfClose(redis.Port, payload).Reply, reply);
            else if (reply.Length > 0) Assert.StartsWith("-", reply);
            AssertWellFormedReplies(reply);
        });
        AssertHealthy(server);
    }

    [Fact]
    public void TruncatedFramesThenDisconnect()
    {
        using var server = new TestServer();
        using var control = server.Client();
        Assert.Equal("OK", control.Call("SET", "bad:keep", "intact"));
        byte[][] frames =
        {
            RespClient.Encode("SET", "bad:t", new string('v', 1000)),
            RespClient.Encode("MSET", "bad:a", "1", "bad:b", "2"),
            Encoding.ASCII.GetBytes("SET bad:t \"quoted value\"\r\n"),
        };
        foreach (var frame in frames)
        {
            foreach (int cut in new[] { 1, 2, 3, 5, frame.Length / 2, frame.Length - 2, frame.Length - 1 })
            {
                using var s = Connect(server.Port);
                s.Send(frame, 0, cut, SocketFlags.None);
                // An abrupt close (RST) halfway through a frame.
                s.LingerState = new LingerOption(true, 0);
            }
        }
        Assert.Null(control.Call("GET", "bad:t"));
        Assert.Equal("intact", control.Call("GET", "bad:keep"));
        AssertHealthy(server, otherClients: 1);
    }

    [Fact]
    public void TwoGigabyteBulkLength()
    {
        using var server = new TestServer();
        var (reply, closed) = Wire.Exchange(server.Port, Encoding.ASCII.GetBytes("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$2147483648\r\n"), closes: true);
        Assert.Equal("-ERR Protocol error: invalid bulk length\r\n", reply);
        Assert.True(closed);

        // Allowed by proto-max-bulk-len but beyond the query buffer limit: the client is dropped
        // at once instead of being waited for (the frame could never fit).
        using var admin = server.Client();
        Assert.Equal("OK", admin.Call("CONFIG", "SET", "proto-max-bulk-len", "4gb"));
        Assert.Equal("OK", admin.Call("CONFIG", "SET", "client-query-buffer-limit", "4gb"));
        (reply, closed) = Wire.Exchange(server.Port, Encoding.ASCII.GetBytes("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$2147483648\r\nabc"), closes: true);
        Assert.Equal("", reply);
        Assert.True(closed);
        AssertHealthy(server, otherClients: 1);
    }

    [Fact]
    public void HundredMegabyteInlineLineWithoutNewline()
    {
        using var server = new TestServer();
        long baseline = RssKb(server);
        using var s = Connect(server.Port);
        var chunk = Enumerable.Repeat((byte)'a', 1 << 20).ToArray();
        long peak = baseline;
        int sent = 0;
        try
        {
            for (; sent < 100; sent++)
            {
                s.Send(chunk);
                peak = Math.Max(peak, RssKb(server));
            }
        }
        catch (SocketException)
        {
            // The server closed the connection while we were still sending: expected.
        }
        var reply = ReadToEnd(s);
        Assert.Equal("-ERR Protocol error: too big inline request\r\n", reply);
        Assert.True(peak - baseline < 300 * 1024, $"server RSS grew by {(peak - baseline) / 1024} MB");
        AssertHealthy(server);
    }

    [Fact]
    public async Task MillionPipelinedCommandsFromAClientThatNeverReads()
    {
        using var server = new TestServer();
        using var control = server.Client();
        long baseline = RssKb(server);
        var one = RespClient.Encode("INCR", "bad:n");
        var batch = new byte[one.Length * 10_000];
        for (int i = 0; i < 10_000; i++) one.CopyTo(batch, i * one.Length);

        using var hog = Connect(server.Port);
        hog.ReceiveBufferSize = 4096;
        var sender = Task.Run(() =>
        {
            try
            {
                for (int i = 0; i < 100; i++) hog.Send(batch);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                // Blocked until closed: the server stops reading a client whose replies wait.
            }
        });
        long peak = baseline;
        int checks = 0;
        // Until the hog has sent everything or the server stopped reading it (its replies wait,
        // so its requests wait in socket buffers, not in the server).
        while (!(sender.IsCompleted || TcpQueues.ServerStoppedReading(hog, server.Port)) || checks < 20)
        {
            peak = Math.Max(peak, RssKb(server));
            // Other clients are served meanwhile, and correctly.
            string v = $"v{checks}";
            Assert.Equal("OK", control.Call("SET", "bad:other", v));
            Assert.Equal(v, control.Call("GET", "bad:other"));
            checks++;
            // Pacing of the RSS samples, not synchronisation: the loop ends on the sender's
            // completion and a count of checks, never on time.
            Thread.Sleep(50);
            Assert.False(server.Process.HasExited);
        }
        peak = Math.Max(peak, RssKb(server));
        Assert.True(peak - baseline < 300 * 1024, $"server RSS grew by {(peak - baseline) / 1024} MB");
        // Replies are held back, not lost: the commands run as the client reads.
        long counted = long.Parse((string)control.Call("GET", "bad:n")!);
        Assert.InRange(counted, 1, 1_000_000);
        hog.Close();
        await sender.WaitAsync(TimeSpan.FromMinutes(2));
        AssertHealthy(server, otherClients: 1);
    }

    [Fact]
    public async Task ThousandMalformedFramesOnConcurrentConnectionsLeaveOtherClientsCorrect()
    {
        using var server = new TestServer();
        using var stop = new CancellationTokenSource();
        var checking = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        long checkerOps = 0;
        var checker = Task.Run(() =>
        {
            using var c = server.Client();
            var rng = new Random(7);
            long n = 0;
            while (!stop.IsCancellationRequested)
            {
                string key = $"checker:{rng.Next(100)}";
                string value = new string((char)('a' + rng.Next(26)), rng.Next(1, 200)) + n;
                Assert.Equal("OK", c.Call("SET", key, value));
                Assert.Equal(value, c.Call("GET", key));
                Assert.Equal(++n, c.Call("INCR", "checker:count"));
                Interlocked.Increment(ref checkerOps);
                checking.TrySetResult();
            }
        });
        // The fuzzing starts once the checker is under way, so the two really overlap.
        await checking.Task.WaitAsync(TimeSpan.FromMinutes(1));

        const int workers = 4, framesEach = 250;
        var fuzzers = Enumerable.Range(0, workers).Select(w => Task.Run(() =>
        {
            var rng = new Random(1000 + w);
            for (int i = 0; i < framesEach; i++)
            {
                var (frame, abort) = MalformedFrame(rng);
                if (abort)
                {
                    using var s = Connect(server.Port);
                    Wire.SendAll(s, frame);
                    s.LingerState = new LingerOption(true, 0);
                    continue;
                }
                var (reply, closed) = ExchangeAndHalfClose(server.Port, frame);
                Assert.True(closed, "the server must end a connection whose client finished sending");
                AssertWellFormedReplies(reply);
            }
        })).ToArray();

        try
        {
            // Rethrows the first fuzzer's failed assertion, if any.
            await Task.WhenAll(fuzzers).WaitAsync(TimeSpan.FromMinutes(5));
        }
        finally
        {
            stop.Cancel();
        }
        await checker.WaitAsync(TimeSpan.FromMinutes(1));
        Assert.True(Interlocked.Read(ref checkerOps) > 0, "the checker never ran");
        AssertHealthy(server);
    }

    private static readonly byte[][] Templates =
    {
        RespClient.Encode("SET", "fuzz:a", "some value"),
        RespClient.Encode("GET", "fuzz:a"),
        RespClient.Encode("INCR", "fuzz:n"),
        RespClient.Encode("MSET", "fuzz:x", "1", "fuzz:y", "2"),
        RespClient.Encode("ECHO", "hello\r\nworld"),
        RespClient.Encode("PING"),
        Encoding.ASCII.GetBytes("SET fuzz:b \"quoted \\x41 value\"\r\n"),
        Encoding.ASCII.GetBytes("ECHO 'single' \"double\"\r\n"),
    };

    /// <summary>A random broken frame, and whether to drop the connection abruptly after it.</summary>
    private static (byte[] Frame, bool Abort) MalformedFrame(Random rng)
    {
        byte[] t = Templates[rng.Next(Templates.Length)];
        byte[] frame;
        switch (rng.Next(10))
        {
            case 0: // random bytes
                frame = new byte[rng.Next(1, 4096)];
                rng.NextBytes(frame);
                break;
            case 1: // one byte changed
                frame = (byte[])t.Clone();
                frame[rng.Next(frame.Length)] = (byte)rng.Next(256);
                break;
            case 2: // truncated
                frame = t[..rng.Next(1, t.Length)];
                break;
            case 3: // bad multibulk count
                frame = Encoding.ASCII.GetBytes(rng.Next(4) switch
                {
                    0 => "*-x\r\n", 1 => "*99999999999999999999\r\n", 2 => "*1a\r\n", _ => "*0001\r\n",
                });
                break;
            case 4: // bad or huge bulk length
                frame = Encoding.ASCII.GetBytes(rng.Next(4) switch
                {
                    0 => "*1\r\n$2147483648\r\n", 1 => "*1\r\n$-5\r\n", 2 => "*2\r\n$3\r\nGET\r\n$x\r\n", _ => "*1\r\n$9999999999999999999999\r\n",
                });
                break;
            case 5: // unbalanced quotes
                frame = Encoding.ASCII.GetBytes(rng.Next(2) == 0 ? "SET fuzz:a \"open\r\n" : "ECHO 'a'b\r\n");
                break;
            case 6: // over-long count line
                frame = Encoding.ASCII.GetBytes("*" + new string('7', 70_000));
                break;
            case 7: // a valid frame, then garbage
                frame = t.Concat(new byte[] { (byte)'*', (byte)rng.Next(256), (byte)'\r', (byte)'\n' }).ToArray();
                break;
            case 8: // a bulk where an argument should be
                frame = Encoding.ASCII.GetBytes("*2\r\n$4\r\nECHO\r\n+simple\r\n");
                break;
            default: // random printable inline with quotes and escapes
                var sb = new StringBuilder();
                const string alphabet = "abcXYZ \"'\\x0f\t";
                for (int k = rng.Next(1, 100); k > 0; k--) sb.Append(alphabet[rng.Next(alphabet.Length)]);
                frame = Encoding.ASCII.GetBytes(sb.Append("\r\n").ToString());
                break;
        }
        return (frame, rng.Next(4) == 0);
    }

    private static Socket Connect(int port)
    {
        var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        s.Connect("127.0.0.1", port);
        s.ReceiveTimeout = 30_000;
        s.SendTimeout = 30_000;
        return s;
    }

    /// <summary>Sends, half-closes (the server then finishes and closes), reads everything back.</summary>
    private static (string Reply, bool Closed) ExchangeAndHalfClose(int port, byte[] request)
    {
        using var s = Connect(port);
        Wire.SendAll(s, request);
        try
        {
            s.Shutdown(SocketShutdown.Send);
        }
        catch (SocketException) { }
        try
        {
            return (ReadToEnd(s), true);
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.TimedOut)
        {
            return ("", false);
        }
    }

    private static string ReadToEnd(Socket s)
    {
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
                break;
            }
            if (n == 0) break;
            got.Write(buf, 0, n);
        }
        return Wire.Text(got.ToArray());
    }

    /// <summary>The bytes are a sequence of complete RESP2 replies.</summary>
    private static void AssertWellFormedReplies(string replies)
    {
        int pos = 0;
        while (pos < replies.Length) SkipReply(replies, ref pos);
    }

    private static void SkipReply(string s, ref int pos)
    {
        int eol = s.IndexOf("\r\n", pos, StringComparison.Ordinal);
        Assert.True(eol > pos, $"incomplete reply at {pos}: {s[pos..Math.Min(s.Length, pos + 80)]}");
        char type = s[pos];
        string line = s[(pos + 1)..eol];
        pos = eol + 2;
        switch (type)
        {
            case '+' or '-':
                break;
            case ':':
                Assert.True(long.TryParse(line, out _), $"bad integer reply {line}");
                break;
            case '$':
                int len = int.Parse(line);
                if (len >= 0)
                {
                    Assert.Equal("\r\n", s.Substring(pos + len, 2));
                    pos += len + 2;
                }
                break;
            case '*':
                int n = int.Parse(line);
                for (int i = 0; i < n; i++) SkipReply(s, ref pos);
                break;
            default:
                Assert.Fail($"bad reply type '{type}'");
                break;
        }
    }

    /// <summary>
    /// The server still runs and answers, and only <paramref name="otherClients"/> connections
    /// besides its probe remain. Then it stops the server: only its complete log (after exit)
    /// can show that no internal error was ever logged. The test's last step.
    /// </summary>
    private static void AssertHealthy(TestServer server, int otherClients = 0)
    {
        Assert.False(server.Process.HasExited, "server exited:\n" + server.Log);
        using (var c = server.Client())
        {
            Assert.Equal("PONG", c.Call("PING"));
            Eventually.Value(() => ((string)c.Call("CLIENT", "LIST")!).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length,
                n => n == 1 + otherClients, $"only {1 + otherClients} clients connected");
        }
        Assert.DoesNotContain("internal error", server.StopAndReadLog());
    }

    /// <summary>The server process's resident set size in KiB (VmRSS of /proc/pid/status).</summary>
    private static long RssKb(TestServer server) => server.RssKb();
}
