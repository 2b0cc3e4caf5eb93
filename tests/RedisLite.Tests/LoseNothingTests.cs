using System.Diagnostics;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

namespace RedisLite.Tests;

/// <summary>
/// Regression tests for ways to lose data that probing found: a dump that fails to load must
/// never be served in part or saved over, a SIGTERM whose final save fails must not exit,
/// protected mode must keep remote clients out of an unprotected server, CONFIG SET dir must be
/// refused when the directory cannot be entered, and the DEBUG RELOAD and HELLO texts are Redis's.
/// </summary>
public partial class LoseNothingTests
{
    private static string Err(object? reply) => Assert.IsType<RespClient.RespError>(reply).Message;

    [LibraryImport("libc", SetLastError = true)]
    private static partial int kill(int pid, int sig);
    private const int SIGTERM = 15;

    [Fact]
    public void ADumpThatFailsToLoadIsNeverServedNorOverwritten()
    {
        // A dump big enough that loading it takes a while, cut short so the load fails near its end.
        string dir = Directory.CreateTempSubdirectory("redislite-badload-").FullName;
        using (var maker = TestServer.InDir(dir))
        using (var c = maker.Client())
        {
            Assert.Equal("OK", c.Call("DEBUG", "POPULATE", "1000000", "key", "100"));
            Assert.Equal("OK", c.Call("SAVE"));
        }
        string dump = Path.Combine(dir, "dump.rdb");
        using (var f = new FileStream(dump, FileMode.Open)) f.SetLength(f.Length * 9 / 10);
        byte[] before = SHA256.HashData(File.ReadAllBytes(dump));

        int port = TestServer.FreePort();
        var log = new StringBuilder();
        using var p = ServerStartup.StartLogged("dotnet", [TestServer.ServerDll, "--port", port.ToString(), "--dir", dir, "--save", "1 1"], log);

        // Clients keep connecting and asking, as they would against a restarting server, until it exits.
        var replies = new List<object?>();
        while (!p.HasExited)
        {
            try
            {
                using var c = new RespClient(port, timeoutMs: 30_000);
                c.Send(RespClient.Encode("DBSIZE"));
                c.Send(RespClient.Encode("FLUSHALL"));
                replies.Add(c.Read());
                replies.Add(c.Read());
            }
            catch (Exception e) when (e is SocketException or IOException) { }
        }
        p.WaitForExit();
        Assert.Equal(1, p.ExitCode);
        Assert.Contains("Fatal error loading the DB", log.ToString());
        Assert.NotEmpty(replies); // the listener is open while loading, as in Redis
        foreach (var r in replies)
            Assert.Equal("LOADING Redis is loading the dataset in memory", Err(r));
        Assert.Equal(before, SHA256.HashData(File.ReadAllBytes(dump)));
    }

    [Fact]
    public void SigtermWhoseFinalSaveFailsKeepsServing()
    {
        using var s = new TestServer("--save", "100 1");
        using var c = s.Client();
        Assert.Equal("OK", c.Call("SET", "k", "v"));
        Directory.Delete(s.Dir, recursive: true); // the final save cannot create its file
        Assert.Equal(0, kill(s.Process.Id, SIGTERM));
        Eventually.LogContains(s, "Errors trying to shut down the server. Check the logs for more information.");
        Assert.Contains("Error trying to save the DB, can't exit.", s.Log);
        Assert.DoesNotContain("Exit anyway", s.Log);
        Assert.Equal("v", c.Call("GET", "k"));
        Assert.False(s.Process.HasExited);

        // Once the save can succeed, the next SIGTERM saves and exits.
        Directory.CreateDirectory(s.Dir);
        Assert.Equal(0, kill(s.Process.Id, SIGTERM));
        Assert.True(s.Process.WaitForExit(60_000), "the second SIGTERM did not stop the server");
        Assert.Equal(0, s.Process.ExitCode);
        Assert.True(File.Exists(Path.Combine(s.Dir, "dump.rdb")));
    }

    /// <summary>An IPv4 address of this machine that is not loopback, or null.</summary>
    private static IPAddress? NonLoopbackAddress() =>
        NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up && n.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a));

    private static object? CallFrom(IPAddress address, int port, params object[] command)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.ReceiveTimeout = 30_000;
        socket.Connect(address, port); // to this machine's own address: the peer is not loopback
        using var stream = new NetworkStream(socket);
        stream.Write(RespClient.Encode(command));
        var reader = new StreamReader(stream, Encoding.Latin1);
        string line = reader.ReadLine() ?? throw new IOException("closed without a reply");
        return line[0] switch { '-' => new RespClient.RespError(line[1..]), '+' => line[1..], _ => line };
    }

    [SkippableFact]
    public void ProtectedModeRefusesRemoteClientsWithoutAPassword()
    {
        var remote = NonLoopbackAddress();
        Skip.If(remote == null, "this machine has no non-loopback IPv4 address");
        using (var s = new TestServer("--bind", "0.0.0.0"))
        {
            var reply = CallFrom(remote!, s.Port, "SET", "k", "v");
            Assert.StartsWith("DENIED Redis is running in protected mode because protected mode is enabled and no password is set for the default user.", Err(reply));
            using var local = s.Client();
            Assert.Null(local.Call("GET", "k"));
            var stats = (string)local.Call("INFO", "stats")!;
            Assert.Contains("rejected_connections:1", stats);
            Assert.Equal("OK", local.Call("CONFIG", "SET", "protected-mode", "no"));
            Assert.Equal("OK", CallFrom(remote!, s.Port, "SET", "k", "v"));
        }
        using (var s = new TestServer("--bind", "0.0.0.0", "--requirepass", "pw"))
            Assert.Equal("NOAUTH Authentication required.", Err(CallFrom(remote!, s.Port, "SET", "k", "v")));
    }

    [Fact]
    public void ConfigSetDirRefusesADirectoryThatCannotBeEntered()
    {
        using var s = new TestServer("--enable-protected-configs", "yes");
        using var c = s.Client();
        Assert.Equal("ERR CONFIG SET failed (possibly related to argument 'dir') - No such file or directory",
            Err(c.Call("CONFIG", "SET", "dir", "/nonexistent/dir")));
        Assert.Equal(s.Dir, ((object?[])c.Call("CONFIG", "GET", "dir")!)[1]);
        string file = Path.Combine(s.Dir, "plain-file");
        File.WriteAllText(file, "");
        Assert.Equal("ERR CONFIG SET failed (possibly related to argument 'dir') - Not a directory", Err(c.Call("CONFIG", "SET", "dir", file)));

        string other = Directory.CreateTempSubdirectory("redislite-dir-").FullName;
        Assert.Equal("OK", c.Call("CONFIG", "SET", "dir", other));
        Assert.Equal(other, ((object?[])c.Call("CONFIG", "GET", "dir")!)[1]);
        Assert.Equal("OK", c.Call("SAVE"));
        Assert.True(File.Exists(Path.Combine(other, "dump.rdb")));
    }

    [Fact]
    public void DebugReloadAndHelloTextsAreRedisTexts()
    {
        using var s = new TestServer();
        using var c = s.Client();
        Assert.Equal("ERR Error trying to load the RDB dump", Err(c.Call("DEBUG", "RELOAD", "NOSAVE"))); // no dump yet
        Assert.Equal("ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.", Err(c.Call("DEBUG", "RELOAD", "foo")));
        Assert.Equal("OK", c.Call("SET", "a", "1"));
        Assert.Equal("OK", c.Call("DEBUG", "RELOAD"));
        Assert.Equal("OK", c.Call("SET", "b", "2"));
        Assert.Equal("OK", c.Call("DEBUG", "RELOAD", "NOSAVE", "NOFLUSH")); // the dump holds a; b stays
        Assert.Equal(2L, c.Call("DBSIZE"));
        Directory.Delete(s.Dir, recursive: true);
        Assert.Equal("ERR", Err(c.Call("DEBUG", "RELOAD")));

        using var p = new TestServer("--requirepass", "pw");
        using var d = p.Client();
        Assert.Equal("NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time",
            Err(d.Call("HELLO", "2")));
    }

    [Fact]
    public void RdbchecksumNoLoadsADumpWithABadChecksum()
    {
        string dir = Directory.CreateTempSubdirectory("redislite-crc-").FullName;
        using (var maker = TestServer.InDir(dir))
        using (var c = maker.Client())
        {
            Assert.Equal("OK", c.Call("SET", "k", "v"));
            Assert.Equal("OK", c.Call("SAVE"));
        }
        string dump = Path.Combine(dir, "dump.rdb");
        var bytes = File.ReadAllBytes(dump);
        bytes[^1] ^= 0xFF; // the last byte of the CRC64
        File.WriteAllBytes(dump, bytes);

        using (var s = TestServer.InDir(dir, "--rdbchecksum", "no"))
        using (var c = s.Client())
            Assert.Equal("v", c.Call("GET", "k"));
        Assert.Equal(bytes, File.ReadAllBytes(dump));
    }
}
