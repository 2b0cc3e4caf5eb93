using System.Net.Sockets;
using System.Text;

namespace RedisLite.Tests;

/// <summary>
/// CLIENT LIST / CLIENT INFO fields compared with redis-server 7.0.15's, field by field, for
/// clients in the states that move them: running the listing itself, idle after various commands,
/// halfway through a frame, blocked. Before (issue 11, defect 9) RedisLite showed qbuf-free=0,
/// argv-mem=0, tot-mem=0 and the caller's previous command (cmd=NULL for its first).
/// qbuf-free and tot-mem are compared only for sense: Redis keeps a 20 KB query buffer per client
/// where RedisLite parses in the transport's buffers, so their values differ by design.
/// </summary>
public class ClientListTests : IClassFixture<ClientListTests.Servers>
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
    public ClientListTests(Servers f) => _f = f;

    private IEnumerable<int> Ports => new[] { _f.Lite.Port, _f.Redis?.Port ?? 0 }.Where(p => p != 0);

    [SkippableFact]
    public void TheCallerSeesItselfRunningClientList()
    {
        foreach (int port in Ports)
        {
            using var c = new RespClient(port);
            c.Call("CLIENT", "SETNAME", "caller");
            var me = ClientMemoryTests.Lines(c).Single(l => l["name"] == "caller");
            // Its own request is in its query buffer (26 bytes), its arguments are "CLIENT" "LIST".
            AssertFields(port, me, ("qbuf", "26"), ("argv-mem", "10"), ("obl", "0"), ("oll", "0"), ("omem", "0"),
                ("events", "r"), ("cmd", "client|list"), ("multi-mem", "0"));
            AssertSane(me);
            var info = ClientMemoryTests.ClientLine((string)c.Call("CLIENT", "INFO")!);
            AssertFields(port, info, ("qbuf", "26"), ("argv-mem", "10"), ("cmd", "client|info"));
            // Inline, the request is 13 bytes.
            c.Send("CLIENT INFO\r\n");
            var inline = ClientMemoryTests.ClientLine(Encoding.UTF8.GetString((byte[])c.Read()!));
            AssertFields(port, inline, ("qbuf", "13"), ("argv-mem", "10"), ("cmd", "client|info"));
        }
    }

    [SkippableFact]
    public void CmdIsTheLastCommandByItsFullName()
    {
        var cases = new (string Request, string Cmd)[]
        {
            ("GET k\r\n", "get"),
            ("FOO\r\n", "NULL"),
            ("GET\r\n", "get"),
            ("CONFIG FOO\r\n", "NULL"),
            ("CONFIG GET maxclients\r\n", "config|get"),
            ("set k v\r\n", "set"),
            ("CLIENT INFO\r\n", "client|info"),
            ("CONFIG\r\n", "config"),
            ("PING\r\n", "ping"),
        };
        foreach (int port in Ports)
        {
            using var lister = new RespClient(port);
            using var target = new RespClient(port);
            target.Call("CLIENT", "SETNAME", "target");
            Assert.Equal("client|setname", Target(lister)["cmd"]);
            foreach (var (request, cmd) in cases)
            {
                target.Send(request);
                target.Read();
                // The target's connection finishes its turn on its own thread after the reply has
                // gone: wait for that (Redis, single-threaded, is always there already).
                var line = Eventually.Value(() => Target(lister), l => l["qbuf"] == "0" && l["omem"] == "0", "the target is idle");
                AssertFields(port, line, ("cmd", cmd), ("qbuf", "0"), ("argv-mem", "0"), ("obl", "0"), ("omem", "0"));
            }
        }
    }

    [SkippableFact]
    public void AClientHalfwayThroughAFrame()
    {
        var cases = new (string Partial, string Qbuf, string ArgvMem)[]
        {
            // Parsed arguments ("SET", "k") move out of qbuf into argv-mem; the bulk's bytes stay.
            ("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$10\r\nabc", "3", "4"),
            ("*5\r\n$4\r\nMSET\r\n$1\r\nk\r\n$3\r\nabc\r\n$2\r\nxy", "2", "8"),
            // An inline line without its newline yet is all query buffer.
            ("ECHO hello", "10", "0"),
        };
        foreach (int port in Ports)
        {
            using var lister = new RespClient(port);
            foreach (var (partial, qbuf, argvMem) in cases)
            {
                using var target = new RespClient(port);
                target.Call("CLIENT", "SETNAME", "target");
                target.Send(partial);
                var line = Eventually.Value(() => Target(lister), l => l["qbuf"] == qbuf, $"qbuf={qbuf} for {partial}");
                AssertFields(port, line, ("qbuf", qbuf), ("argv-mem", argvMem), ("cmd", "client|setname"));
                AssertSane(line);
            }
        }
    }

    [SkippableFact]
    public void ABlockedClientKeepsItsArguments()
    {
        foreach (int port in Ports)
        {
            using var lister = new RespClient(port);
            using var target = new RespClient(port);
            target.Call("CLIENT", "SETNAME", "target");
            target.Send("BLPOP cl:nokey 0\r\n");
            var line = Eventually.Value(() => Target(lister), l => l["flags"] == "b", "the client blocks");
            AssertFields(port, line, ("argv-mem", "14"), ("qbuf", "0"), ("cmd", "blpop"));
            lister.Call("CLIENT", "UNBLOCK", line["id"]);
            Assert.Null(target.Read());
        }
    }

    private static Dictionary<string, string> Target(RespClient lister) =>
        ClientMemoryTests.Lines(lister).Single(l => l["name"] == "target");

    private void AssertFields(int port, Dictionary<string, string> line, params (string Field, string Value)[] expected)
    {
        string server = port == _f.Lite.Port ? "RedisLite" : "redis-server";
        foreach (var (field, value) in expected)
            Assert.True(line[field] == value, $"{server}: {field}={line[field]}, expected {value} (line: {string.Join(' ', line.Select(kv => kv.Key + "=" + kv.Value))})");
    }

    /// <summary>The fields whose values differ by design still make sense.</summary>
    private static void AssertSane(Dictionary<string, string> line)
    {
        Assert.True(long.Parse(line["qbuf-free"]) >= 0);
        Assert.True(long.Parse(line["tot-mem"]) >= 0);
    }
}
