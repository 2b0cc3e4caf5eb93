using System.Diagnostics;
using System.Text;

namespace RedisLite.Tests;

/// <summary>
/// The RESP transport seen from a raw socket. Every expected reply below is the exact byte
/// string redis-server 7.0.15 sends for the same request; when redis-server is installed each
/// request is also sent to a real one and must get that same reply, so the literals are checked
/// against the reference itself, not just written down from memory.
/// </summary>
public class ProtocolTests : IClassFixture<ProtocolTests.Servers>
{
    public sealed class Servers : IDisposable
    {
        public TestServer Lite { get; } = new();
        public ReferenceRedis? Redis { get; } = ReferenceRedis.TryStart();

        public void Dispose()
        {
            Lite.Dispose();
            Redis?.Dispose();
        }
    }

    private readonly Servers _f;
    public ProtocolTests(Servers f) => _f = f;

    private const string InvalidMultibulk = "-ERR Protocol error: invalid multibulk length\r\n";
    private const string InvalidBulk = "-ERR Protocol error: invalid bulk length\r\n";
    private const string Unbalanced = "-ERR Protocol error: unbalanced quotes in request\r\n";

    /// <summary>Requests that are protocol errors (Redis replies the error and closes) or HTTP (Redis just closes).</summary>
    private static readonly Dictionary<string, (string Request, string Reply)> ErrorCases = new()
    {
        ["count not a number"] = ("*x\r\n", InvalidMultibulk),
        ["count empty"] = ("*\r\n", InvalidMultibulk),
        ["count leading zero"] = ("*01\r\n$4\r\nPING\r\n", InvalidMultibulk),
        ["count plus sign"] = ("*+1\r\n$4\r\nPING\r\n", InvalidMultibulk),
        ["count over INT_MAX"] = ("*2147483648\r\n", InvalidMultibulk),
        ["count over int64"] = ("*99999999999999999999\r\n", InvalidMultibulk),
        ["bulk negative"] = ("*1\r\n$-1\r\n", InvalidBulk),
        ["bulk empty"] = ("*1\r\n$\r\n", InvalidBulk),
        ["bulk leading zero"] = ("*1\r\n$04\r\nPING\r\n", InvalidBulk),
        ["bulk over proto-max-bulk-len"] = ("*1\r\n$536870913\r\n", InvalidBulk),
        ["bulk 2 GB"] = ("*1\r\n$2147483648\r\n", InvalidBulk),
        ["expected $"] = ("*1\r\nxyz\r\n", "-ERR Protocol error: expected '$', got 'x'\r\n"),
        ["expected $, got integer"] = ("*2\r\n$4\r\nECHO\r\n:1\r\n", "-ERR Protocol error: expected '$', got ':'\r\n"),
        ["expected $, got CR"] = ("*1\r\n\r\n", "-ERR Protocol error: expected '$', got ' '\r\n"),
        ["expected $, got byte FF"] = ("*1\r\n\xff\r\n", "-ERR Protocol error: expected '$', got '\xff'\r\n"),
        ["unbalanced double quote"] = ("PING \"abc\r\n", Unbalanced),
        ["unbalanced single quote"] = ("PING 'abc\r\n", Unbalanced),
        ["double quote closed mid-word"] = ("PING \"a\"b\r\n", Unbalanced),
        ["single quote closed mid-word"] = ("PING 'a'b\r\n", Unbalanced),
        ["commands before the error are answered, none after"] =
            ("PING\r\nECHO a\r\n*1\r\nx\r\nPING\r\n", "+PONG\r\n$1\r\na\r\n-ERR Protocol error: expected '$', got 'x'\r\n"),
        ["too big inline request"] = (new string('a', 70000), "-ERR Protocol error: too big inline request\r\n"),
        ["too big mbulk count string"] = ("*" + new string('1', 70000), "-ERR Protocol error: too big mbulk count string\r\n"),
        ["HTTP POST (cross-protocol attack): closed without a reply"] = ("POST / HTTP/1.1\r\nHost: localhost\r\n\r\n", ""),
        ["Host: line drops the replies before it"] = ("PING\r\nHost: x\r\nPING\r\n", ""),
        ["post as a multibulk command"] = ("*1\r\n$4\r\npOsT\r\n", ""),
        ["too big bulk count string"] = ("*1\r\n$" + new string('1', 70000), "-ERR Protocol error: too big bulk count string\r\n"),
        // Redis finds line ends with strchr, which stops at a NUL: a NUL before the newline leaves
        // the request pending (never executed), until the 64 KiB line limit ends the connection.
        ["inline NUL before the newline leaves the line pending"] =
            ("ECHO a\0b\r\nPING\r\n" + new string('x', 70000), "-ERR Protocol error: too big inline request\r\n"),
        ["inline line starting with NUL"] = ("\0\r\nPING\r\n" + new string('x', 70000), "-ERR Protocol error: too big inline request\r\n"),
        ["NUL in the multibulk count line"] = ("*1\0\r\n$4\r\nPING\r\n" + new string('x', 70000), "-ERR Protocol error: too big mbulk count string\r\n"),
        ["NUL in a bulk count line"] = ("*1\r\n$4\0\r\nPING\r\n" + new string('x', 70000), "-ERR Protocol error: too big bulk count string\r\n"),
    };

    public static TheoryData<string> ErrorCaseNames => new(ErrorCases.Keys);

    [Theory]
    [MemberData(nameof(ErrorCaseNames))]
    public void ProtocolErrorRepliesAndCloses(string name)
    {
        var (request, reply) = ErrorCases[name];
        AssertExchange(Wire.Bytes(request), reply, closes: true);
    }

    /// <summary>Requests answered on a connection that stays open (inline quoting, empty frames, error texts).</summary>
    private static readonly Dictionary<string, (string Request, string Reply)> OpenCases = new()
    {
        ["inline double-quote escapes"] = ("SET proto:q \"a\\x41\\n\\\"b\\t\\r\\\\\"\r\nGET proto:q\r\n", "+OK\r\n$8\r\naA\n\"b\t\r\\\r\n"),
        ["inline single quotes"] = ("ECHO 'it\\'s \\n'\r\n", "$7\r\nit's \\n\r\n"),
        ["inline empty quoted word"] = ("ECHO \"\"\r\n", "$0\r\n\r\n"),
        ["inline quoted space"] = ("ECHO \"a b\"\r\n", "$3\r\na b\r\n"),
        ["inline quote inside a word"] = ("ECHO a\"b c\"\r\n", "$4\r\nab c\r\n"),
        ["inline not-quite-hex escape"] = ("ECHO \"\\x4g\"\r\n", "$3\r\nx4g\r\n"),
        ["inline vertical tab is part of a word"] = ("ECHO a\vb\r\n", "$3\r\na\vb\r\n"),
        ["inline extra blanks and bare LF"] = ("  ECHO \t x  \nECHO y\r\n", "$1\r\nx\r\n$1\r\ny\r\n"),
        ["inline lowercase command"] = ("echo x\r\n", "$1\r\nx\r\n"),
        ["empty lines and empty multibulks are skipped"] = ("\r\n\n   \r\n*0\r\n*-1\r\n*-5\r\nPING\r\n", "+PONG\r\n"),
        ["bulk terminator bytes are not checked"] = ("*2\r\n$4\r\nECHO\r\n$3\r\nfooXY", "$3\r\nfoo\r\n"),
        ["unknown command"] = ("*3\r\n$3\r\nFOO\r\n$1\r\na\r\n$1\r\nb\r\n", "-ERR unknown command 'FOO', with args beginning with: 'a' 'b' \r\n"),
        ["unknown command without args"] = ("FOO\r\n", "-ERR unknown command 'FOO', with args beginning with: \r\n"),
        ["unknown command args cut at 128 bytes"] = ($"FOO {new string('a', 100)} {new string('b', 60)} c\r\n",
            $"-ERR unknown command 'FOO', with args beginning with: '{new string('a', 100)}' '{new string('b', 25)}' \r\n"),
        ["unknown command name cut at 128 bytes"] = (new string('X', 200) + "\r\n", $"-ERR unknown command '{new string('X', 128)}', with args beginning with: \r\n"),
        ["unknown command echoes raw bytes, CR LF as spaces"] = ("FOO \"a\\xffb\\r\\n\"\r\n", "-ERR unknown command 'FOO', with args beginning with: 'a\u00ffb  ' \r\n"),
        ["NUL inside bulk data is data"] = ("*2\r\n$4\r\nECHO\r\n$3\r\na\0b\r\n", "$3\r\na\0b\r\n"),
        ["unknown command arg cut at NUL"] = ("*2\r\n$3\r\nFOO\r\n$3\r\na\0b\r\n", "-ERR unknown command 'FOO', with args beginning with: 'a' \r\n"),
        ["post as an argument is fine"] = ("GET post\r\n", "$-1\r\n"),
        ["wrong number of arguments GET"] = ("GET\r\n", "-ERR wrong number of arguments for 'get' command\r\n"),
        ["wrong number of arguments SET"] = ("*2\r\n$3\r\nsEt\r\n$1\r\nk\r\n", "-ERR wrong number of arguments for 'set' command\r\n"),
        ["wrong number of arguments subcommand"] = ("CONFIG GET\r\n", "-ERR wrong number of arguments for 'config|get' command\r\n"),
        ["wrong number of arguments container"] = ("CONFIG\r\n", "-ERR wrong number of arguments for 'config' command\r\n"),
        ["unknown subcommand"] = ("CONFIG FOO\r\n", "-ERR unknown subcommand 'FOO'. Try CONFIG HELP.\r\n"),
    };

    public static TheoryData<string> OpenCaseNames => new(OpenCases.Keys);

    [Theory]
    [MemberData(nameof(OpenCaseNames))]
    public void RequestIsAnsweredAndConnectionStaysOpen(string name)
    {
        var (request, reply) = OpenCases[name];
        AssertExchange(Wire.Bytes(request), reply, closes: false);
    }

    [Fact]
    public void QuitRepliesOkAndIgnoresWhatFollows() =>
        AssertExchange(Wire.Bytes("PING\r\nQUIT\r\nPING\r\n"), "+PONG\r\n+OK\r\n", closes: true);

    [Fact]
    public void IncompleteFrameWaitsForTheRest()
    {
        // No reply and no close while a frame (here a bulk header without its line end) is incomplete.
        using var c = _f.Lite.Client();
        using var observer = _f.Lite.Client();
        const string head = "*2\r\n$4\r\nECHO\r\n$5";
        c.Send(head);
        // CLIENT LIST shows the server has read the partial frame on its own, so whatever it does
        // with it (a reply, a close) comes before anything about the rest. As in Redis, the parsed
        // argument (ECHO) has left the query buffer for argv (argv-mem=4) and "$5" remains (qbuf=2).
        string addr = $"addr={c.Socket.LocalEndPoint} ";
        Eventually.True(() => ((string)observer.Call("CLIENT", "LIST")!).Split('\n').Any(l => l.Contains(addr) && l.Contains(" qbuf=2 ") && l.Contains(" argv-mem=4 ")),
            "the server holding the partial frame");
        c.Send("\r\nhello\r\n");
        // The first reply is the ECHO's: nothing answered the partial frame, and the connection stayed open.
        Assert.Equal("hello", RespClient.Simplify(c.Read()));
        Assert.Equal("PONG", c.Call("PING"));
    }

    [Fact]
    public void TenThousandPipelinedIncrsAnswerInOrder()
    {
        using var c = _f.Lite.Client();
        c.Call("DEL", "proto:counter");
        var batch = new MemoryStream();
        for (int i = 0; i < 10_000; i++) batch.Write(RespClient.Encode("INCR", "proto:counter"));
        c.Send(batch.ToArray());
        for (long i = 1; i <= 10_000; i++) Assert.Equal(i, c.Read());
        Assert.Equal("10000", c.Call("GET", "proto:counter"));
    }

    [Fact]
    public void CommandsSplitByteByByteParseTheSame()
    {
        byte[] value = Wire.Bytes("line1\r\nline2\0\xff");
        var req = new MemoryStream();
        req.Write(RespClient.Encode("SET", "proto:split", value));
        req.Write(Wire.Bytes("ECHO \"in line\"\r\n"));
        req.Write(RespClient.Encode("GET", "proto:split"));
        req.Write(Wire.Bytes("\r\n*0\r\nPING\r\n"));
        using var c = _f.Lite.Client();
        foreach (byte b in req.ToArray())
            c.Send(new[] { b });
        Assert.Equal("OK", c.Read());
        Assert.Equal("in line", Wire.Text((byte[])c.Read()!));
        Assert.Equal(value, (byte[])c.Read()!);
        Assert.Equal("PONG", c.Read());
    }

    [Fact]
    public void HundredMegabyteValueInSmallChunks()
    {
        const int size = 100 << 20;
        var chunk = new byte[16 * 1024];
        for (int i = 0; i < chunk.Length; i++) chunk[i] = (byte)('a' + i % 26);
        using var c = new RespClient(_f.Lite.Port, timeoutMs: 180_000);
        c.Send($"*3\r\n$3\r\nSET\r\n$9\r\nproto:big\r\n${size}\r\n");
        for (int sent = 0; sent < size; sent += chunk.Length)
            c.Send(chunk);
        c.Send("\r\n");
        Assert.Equal("OK", c.Read());
        Assert.Equal((long)size, c.Call("STRLEN", "proto:big"));
        Assert.Equal("abcdefghij", c.Call("GETRANGE", "proto:big", 0, 9));
        // The last byte is at index size-1; chunks repeat every 16 KiB.
        Assert.Equal(((char)('a' + (chunk.Length - 1) % 26)).ToString(), c.Call("GETRANGE", "proto:big", -1, -1));
        c.Call("DEL", "proto:big");
        c.Call("SET", "proto:big", "x");
    }

    [Fact]
    public void FrameOfManySmallArgumentsInSmallChunks()
    {
        // 100,000 arguments arriving 512 bytes at a time: parsed once in total, not once per read.
        const int pairs = 50_000;
        var args = new List<object> { "MSET" };
        for (int i = 0; i < pairs; i++)
        {
            args.Add($"proto:m:{i}");
            args.Add($"v{i}");
        }
        byte[] bytes = RespClient.Encode(args.ToArray());
        using var c = new RespClient(_f.Lite.Port, timeoutMs: 120_000);
        for (int off = 0; off < bytes.Length; off += 512)
            c.Send(bytes[off..Math.Min(bytes.Length, off + 512)]);
        Assert.Equal("OK", c.Read());
        Assert.Equal(new object?[] { "v0", "v25000", $"v{pairs - 1}" },
            (object?[])c.Call("MGET", "proto:m:0", "proto:m:25000", $"proto:m:{pairs - 1}")!);
    }

    [SkippableFact]
    public void UnauthenticatedLimitsAndNoAuth()
    {
        using var lite = new TestServer("--requirepass", "secret");
        using var redis = ReferenceRedis.TryStart("--requirepass", "secret");
        var cases = new (string Request, string Reply, bool Closes)[]
        {
            ("*11\r\n", "-ERR Protocol error: unauthenticated multibulk length\r\n", true),
            ("*1\r\n$16385\r\n", "-ERR Protocol error: unauthenticated bulk length\r\n", true),
            // At the limits: parsed, then refused by authentication.
            ($"*10\r\n$4\r\nMSET{string.Concat(Enumerable.Repeat("\r\n$1\r\nk", 9))}\r\n", "-NOAUTH Authentication required.\r\n", false),
            ($"*2\r\n$3\r\nGET\r\n$16384\r\n{new string('k', 16384)}\r\n", "-NOAUTH Authentication required.\r\n", false),
            ("PING\r\n", "-NOAUTH Authentication required.\r\n", false),
            ("AUTH wrong\r\n", "-WRONGPASS invalid username-password pair or user is disabled.\r\n", false),
            ("AUTH secret\r\nMSET a 1 b 2 c 3 d 4 e 5\r\nGET e\r\n", "+OK\r\n+OK\r\n$1\r\n5\r\n", false),
            ($"AUTH secret\r\n*1\r\n$16385\r\n{new string('x', 16385)}\r\n",
                $"+OK\r\n-ERR unknown command '{new string('x', 128)}', with args beginning with: \r\n", false),
        };
        foreach (var (request, reply, closes) in cases)
        {
            AssertExchange(lite.Port, redis?.Port, Wire.Bytes(request), reply, closes);
        }
    }

    [SkippableFact]
    public void MaxClientsRejectsTheExtraConnection()
    {
        using var lite = new TestServer("--maxclients", "2");
        using var redis = ReferenceRedis.TryStart("--maxclients", "2");
        foreach (int port in new[] { lite.Port, redis?.Port ?? 0 }.Where(p => p != 0))
        {
            using var a = new RespClient(port);
            // The server may still count the connection that checked it was up: wait for it to go.
            WaitForOneClient(a);
            using var b = new RespClient(port);
            Assert.Equal("PONG", b.Call("PING"));
            var (reply, closed) = Wire.Exchange(port, Wire.Bytes("PING\r\n"), closes: true);
            Assert.Equal("-ERR max number of clients reached\r\n", reply);
            Assert.True(closed);
            b.Dispose();
            WaitForOneClient(a);
            using var c = new RespClient(port);
            Assert.Equal("PONG", c.Call("PING"));
        }
    }

    [Fact]
    public void IdleTimeoutClosesTheConnection()
    {
        using var lite = new TestServer("--timeout", "1");
        using var idle = lite.Client();
        Assert.Equal("PONG", idle.Call("PING"));
        Assert.True(idle.IsClosedByServer(), "the idle connection was not closed");
    }

    [Fact]
    public void SlowUploadIsNotIdle()
    {
        // Redis counts any bytes read as interaction, so a value arriving slowly is not timed out.
        // The upload is paced in real time on purpose (the server's idle clock is the subject): a
        // byte every 250 ms until CLIENT LIST shows the connection older than the 3 s timeout plus
        // two idle checks, so a server that measured idleness from the connect or from the last
        // command would have closed it by then. Only a 3 s stall of this test between two bytes
        // could close it rightly.
        const int size = 100;
        using var lite = new TestServer("--timeout", "3");
        using var c = lite.Client();
        using var observer = lite.Client();
        string addr = $"addr={c.Socket.LocalEndPoint} ";
        long Age() => long.Parse(System.Text.RegularExpressions.Regex.Match(
            ((string)observer.Call("CLIENT", "LIST")!).Split('\n').Single(l => l.Contains(addr)), @" age=(\d+) ").Groups[1].Value);
        c.Send($"*3\r\n$3\r\nSET\r\n$10\r\nproto:slow\r\n${size}\r\n");
        int sent = 0;
        while (Age() < 5)
        {
            Assert.True(sent < size - 1, "the connection never got older than 5 s");
            Thread.Sleep(250);
            c.Send("x");
            sent++;
        }
        c.Send(new string('x', size - sent) + "\r\n");
        Assert.Equal("OK", c.Read());
        Assert.Equal(new string('x', size), c.Call("GET", "proto:slow"));
    }

    private void AssertExchange(byte[] request, string reply, bool closes) =>
        AssertExchange(_f.Lite.Port, _f.Redis?.Port, request, reply, closes);

    /// <summary>The request gets exactly <paramref name="reply"/> from RedisLite and, if given, from redis-server.</summary>
    private static void AssertExchange(int litePort, int? redisPort, byte[] request, string reply, bool closes)
    {
        if (redisPort is int rp)
        {
            var (theirs, theirClose) = Wire.Exchange(rp, request, closes);
            Assert.True(reply == theirs, $"redis-server replied {Show(theirs)}, the test expects {Show(reply)}");
            Assert.Equal(closes, theirClose);
        }
        var (ours, ourClose) = Wire.Exchange(litePort, request, closes);
        Assert.True(reply == ours, $"RedisLite replied {Show(ours)}, expected {Show(reply)}");
        Assert.Equal(closes, ourClose);
    }

    private static string Show(string s)
    {
        var sb = new StringBuilder("\"");
        foreach (char ch in s.Length > 300 ? s[..300] + "..." : s)
            sb.Append(ch < 32 || ch > 126 ? $"\\x{(int)ch:x2}" : ch.ToString());
        return sb.Append('"').ToString();
    }

    private static void WaitForOneClient(RespClient c) =>
        Eventually.True(() => ((string)c.Call("CLIENT", "LIST")!).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length == 1,
            "the server counting only this connection");
}
