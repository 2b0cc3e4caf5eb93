using System.Net.Sockets;

namespace RedisLite.Tests;

/// <summary>
/// client-output-buffer-limit (issue 11, defect 9): the config with Redis 7.0's syntax, defaults,
/// errors and CONFIG GET form, checked against redis-server; and its enforcement for normal
/// clients: a client whose pending replies reach the hard limit, or stay over the soft limit for
/// the soft seconds, is closed with Redis's log line while other clients carry on. Before, the
/// config was unknown and nothing bounded a client's pending output.
/// </summary>
public class OutputBufferLimitTests
{
    private const string Default = "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60";

    /// <summary>
    /// CONFIG SET values, each followed by CONFIG GET: the reply and the resulting value must be
    /// Redis's. Odd numbers go to the pubsub class: a tiny normal limit would close the test's
    /// own connection at its next reply, on both servers.
    /// </summary>
    private static readonly string[] SetCases =
    [
        "normal 1mb 0 0",
        "NORMAL 1MB 2Mb 3",
        "replica 5 6 7",
        "slave 1k 2kb 3",
        "pubsub 1 2 3 pubsub 4 5 6",
        "normal 1gb 2gb 3 pubsub 5 6 7",
        "",
        "pubsub 1 2 99999999999",
        "pubsub 1 2 2147483648",
        "pubsub 18446744073709551615 2 3",
        "pubsub 99999999999999999999 2 3",
        "pubsub +1 2 3",
        "pubsub 1 2 +3",
        "pubsub 1 2 -0",
        "pubsub 1 2 3k",
        "pubsub 1 2 x",
        "pubsub 1 2 -3",
        "pubsub 1.5 2 3",
        "pubsub 1 2 3 normal 1 2 x",
        " normal 1 2 3 ",
        "normal  1 2 3",
        "master 1 2 3",
        "foo 1 2 3",
        "pubsub 1 2",
        "normal 0 0 0",
    ];

    [SkippableFact]
    public void ConfigMatchesRedis()
    {
        using var lite = new TestServer();
        using var redis = ReferenceRedis.TryStart();
        using var l = lite.Client();
        Assert.Equal(Default, ConfigGet(l));
        if (redis != null)
        {
            using var r = redis.Client();
            Assert.Equal(Default, ConfigGet(r));
            foreach (var value in SetCases)
            {
                var theirs = r.Call("CONFIG", "SET", "client-output-buffer-limit", value)?.ToString();
                var ours = l.Call("CONFIG", "SET", "client-output-buffer-limit", value)?.ToString();
                Assert.True(theirs == ours, $"CONFIG SET \"{value}\": redis-server {theirs}, RedisLite {ours}");
                Assert.Equal(ConfigGet(r), ConfigGet(l));
            }
        }
        // Without redis-server, a few of the same facts as literals.
        Assert.Equal("OK", l.Call("CONFIG", "SET", "client-output-buffer-limit", "replica 1mb 2mb 3"));
        Assert.Contains("slave 1048576 2097152 3", ConfigGet(l));
        Assert.Equal("ERR CONFIG SET failed (possibly related to argument 'client-output-buffer-limit') - Invalid client class specified in buffer limit configuration.",
            l.Call("CONFIG", "SET", "client-output-buffer-limit", "master 1 2 3")!.ToString());
    }

    [Fact]
    public void SetFromTheCommandLineAndConfigFile()
    {
        string dir = Directory.CreateTempSubdirectory("redislite-obl-").FullName;
        string file = Path.Combine(dir, "redis.conf");
        File.WriteAllText(file, "client-output-buffer-limit normal 1mb 512kb 10\nclient-output-buffer-limit pubsub 1 2 3\n");
        using var server = TestServer.WithConfigFile(file, "--client-output-buffer-limit", "replica 4mb 2mb 30");
        using var c = server.Client();
        Assert.Equal("normal 1048576 524288 10 slave 4194304 2097152 30 pubsub 1 2 3", ConfigGet(c));
    }

    [SkippableFact]
    public void AReplyBeyondTheHardLimitClosesTheClient()
    {
        using var lite = new TestServer();
        using var redis = ReferenceRedis.TryStart();
        foreach (var port in new[] { lite.Port, redis?.Port ?? 0 }.Where(p => p != 0))
        {
            using var control = new RespClient(port);
            Assert.Equal("OK", control.Call("SET", "obl:big", new string('b', 2 << 20)));
            Assert.Equal("OK", control.Call("CONFIG", "SET", "client-output-buffer-limit", "normal 1mb 0 0"));
            // As in Redis, even a client that reads is closed: the 2 MB reply passes 1 MB at once.
            using var reader = new RespClient(port);
            reader.Send(RespClient.Encode("GET", "obl:big"));
            Assert.True(reader.IsClosedByServer(30_000));
            Assert.Equal("PONG", control.Call("PING"));
            Assert.Equal((long)(2 << 20), control.Call("STRLEN", "obl:big"));
            Assert.Equal("OK", control.Call("CONFIG", "SET", "client-output-buffer-limit", "normal 0 0 0"));
        }
        Eventually.LogMatches(lite, @"Client id=\d+ addr=\S+ .* cmd=get .* scheduled to be closed ASAP for overcoming of output buffer limits\.");
    }

    [Fact]
    public void AClientThatStopsReadingIsClosedAfterTheSoftSeconds()
    {
        using var server = new TestServer("--client-output-buffer-limit", "normal 0 1mb 1");
        using var control = server.Client();
        Assert.Equal("OK", control.Call("SET", "obl:value", new string('v', 16 << 20)));

        // Asks for 16 MB and never reads: past what the socket buffers take, its replies wait in
        // the server, over the soft limit, until they have been for more than a second.
        using var hog = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        hog.ReceiveBufferSize = 4096;
        hog.Connect("127.0.0.1", server.Port);
        hog.Send(RespClient.Encode("GET", "obl:value"));
        Eventually.LogContains(server, "scheduled to be closed ASAP for overcoming of output buffer limits.");
        // Another client kept working, and the closed one holds nothing any more.
        Assert.Equal("PONG", control.Call("PING"));
        Assert.Equal((long)(16 << 20), control.Call("STRLEN", "obl:value"));
        Eventually.True(() => ClientMemoryTests.Lines(control).Count == 1, "the hog is gone");
        Eventually.True(() => long.Parse(Field(control, "mem_clients_normal")) == 0, "its pending output no longer counted");
    }

    private static string ConfigGet(RespClient c) => (string)((object?[])c.Call("CONFIG", "GET", "client-output-buffer-limit")!)[1]!;

    private static string Field(RespClient c, string field)
    {
        var text = (string)c.Call("INFO", "memory")!;
        var line = text.Split("\r\n").First(l => l.StartsWith(field + ":"));
        return line[(field.Length + 1)..];
    }
}
