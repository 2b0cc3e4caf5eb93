using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace RedisLite.Tests;

/// <summary>
/// Memory held for clients is memory the server uses (issue 11, defect 8): a client's query
/// buffer, including a partly received big bulk, and its pending output count in used_memory,
/// mem_clients_normal and CLIENT LIST (qbuf, qbuf-free, argv-mem, omem, tot-mem), and stop
/// counting when the client goes. Before, used_memory was the keyspace alone (2.61K with 5 clients
/// holding 600 MB declared bulks, where Redis shows 3.13G) and CLIENT LIST showed zeros.
/// </summary>
public class ClientMemoryTests
{
    [Fact]
    public void ClientBuffersCountInUsedMemoryUntilTheClientGoes()
    {
        using var server = new TestServer("--proto-max-bulk-len", "1gb");
        using var control = server.Client();
        Assert.Equal("OK", control.Call("SET", "cm:value", new string('v', 8 << 20)));
        long usedBefore = Info(control, "used_memory");
        Assert.Equal(0, Info(control, "mem_clients_normal"));

        const int declared = 600 << 20, sent = 10 << 20;
        string header = $"*3\r\n$3\r\nSET\r\n$5\r\ncm:ab\r\n${declared}\r\n";
        var chunk = new byte[1 << 20];
        Array.Fill(chunk, (byte)'y');
        var sockets = new List<Socket>();
        try
        {
            for (int i = 0; i < 2; i++)
            {
                var s = Connect(server.Port);
                s.Send(Encoding.ASCII.GetBytes(header));
                for (int n = 0; n < sent; n += chunk.Length) s.Send(chunk);
                sockets.Add(s);
            }
            // A third client asks for 8 MB and never reads: its replies wait in the server.
            var reader = Connect(server.Port);
            reader.ReceiveBufferSize = 4096;
            reader.Send(RespClient.Encode("GET", "cm:value"));
            sockets.Add(reader);

            var big = Eventually.Value(() => Lines(control).Where(l => l["qbuf"] == sent.ToString()).ToList(), l => l.Count == 2,
                "two clients holding their 10 MB");
            foreach (var line in big)
            {
                // As in Redis: qbuf is the bulk's data so far, argv-mem the arguments before it
                // ("SET", "cm:ab"); the buffer is allocated for the whole declared bulk.
                Assert.Equal("8", line["argv-mem"]);
                Assert.Equal("NULL", line["cmd"]);
                long frame = header.Length + declared + 2;
                Assert.Equal(frame - header.Length - sent, long.Parse(line["qbuf-free"]));
                Assert.True(long.Parse(line["tot-mem"]) >= frame, $"tot-mem {line["tot-mem"]}");
            }
            var waiting = Eventually.Value(() => Lines(control).FirstOrDefault(l => l["cmd"] == "get" && long.Parse(l["omem"]) > 1 << 20),
                l => l != null, "the non-reading client's replies wait")!;
            Assert.Equal("rw", waiting["events"]);
            long omem = long.Parse(waiting["omem"]);
            Assert.True(long.Parse(waiting["tot-mem"]) >= omem);

            long clients = Eventually.Value(() => Info(control, "mem_clients_normal"), m => m >= 2L * declared + (1 << 20),
                "mem_clients_normal counts both query buffers and the pending output");
            Assert.True(Info(control, "used_memory") >= usedBefore + 2L * declared, "used_memory counts the clients' buffers");
            Assert.True(Info(control, "used_memory_overhead") >= 2L * declared, "clients' buffers are overhead, not dataset");
            Assert.True(Info(control, "client_recent_max_input_buffer") >= declared);
            Assert.True(Info(control, "client_recent_max_output_buffer") >= 1 << 20);
            Assert.True(clients < 2L * declared + (16 << 20), $"mem_clients_normal {clients} is more than the clients hold");
        }
        finally
        {
            foreach (var s in sockets) s.Dispose();
        }
        Eventually.True(() => Info(control, "mem_clients_normal") == 0, "nothing counted once the clients are gone");
        Assert.Equal(usedBefore, Info(control, "used_memory"));
    }

    private static Socket Connect(int port)
    {
        var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        s.Connect("127.0.0.1", port);
        return s;
    }

    private static long Info(RespClient c, string field)
    {
        var text = (string)c.Call("INFO", "everything")!;
        var m = Regex.Match(text, $@"^{field}:(\d+)\r$", RegexOptions.Multiline);
        Assert.True(m.Success, $"INFO has no {field}");
        return long.Parse(m.Groups[1].Value);
    }

    /// <summary>CLIENT LIST as one field map per client.</summary>
    internal static List<Dictionary<string, string>> Lines(RespClient c) =>
        ((string)c.Call("CLIENT", "LIST")!).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(ClientLine).ToList();

    internal static Dictionary<string, string> ClientLine(string line) =>
        line.Trim().Split(' ').Select(f => f.Split('=', 2)).ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : "");
}
