using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace RedisLite.Tests;

/// <summary>
/// Running out of file descriptors (issue 11, defect 2). Like Redis, the server fits maxclients to
/// its open-files limit at startup (logging Redis's warnings) and refuses connections beyond it
/// with "-ERR max number of clients reached"; and when accept fails anyway (EMFILE, descriptors
/// taken by something else) it backs off instead of retrying at once. Before the fix, 400
/// connections under <c>ulimit -n 256</c> made accept fail in a tight loop until the process
/// died "Out of memory.".
/// </summary>
public class OpenFilesLimitTests
{
    private const string MaxClientsReached = "-ERR max number of clients reached\r\n";

    [Fact]
    public void LowUlimitLowersMaxclientsAndExtraConnectionsAreRefused()
    {
        using var server = TestServer.WithOpenFilesLimit(256);
        var log = Eventually.LogContains(server, "to compensate for low ulimit");
        Assert.Matches(@"You requested maxclients of 10000 requiring at least \d+ max file descriptors\.", log);
        Assert.Matches(@"Server can't set maximum open files to \d+ because of OS error: Operation not permitted\.", log);
        var reduced = Regex.Match(log, @"Current maximum open files is 256\. maxclients has been reduced to (\d+) to compensate for low ulimit\. If you need higher maxclients increase 'ulimit -n'\.");
        Assert.True(reduced.Success, log);
        int maxclients = int.Parse(reduced.Groups[1].Value);
        Assert.InRange(maxclients, 1, 256 - 32);

        using var control = server.Client();
        Assert.Equal(maxclients.ToString(), Field(control, "clients", "maxclients"));
        // As in Redis, asking for more clients than the descriptors allow is refused, naming what fits.
        Assert.Equal($"ERR CONFIG SET failed (possibly related to argument 'maxclients') - The operating system is not able to handle the specified number of clients, try with {maxclients}",
            control.Call("CONFIG", "SET", "maxclients", "100000")!.ToString());
        Assert.Equal(maxclients.ToString(), Field(control, "clients", "maxclients"));

        long rssBefore = server.RssKb();
        const int extra = 400;
        var sockets = new List<Socket>();
        try
        {
            for (int i = 0; i < extra; i++)
            {
                var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                s.Connect("127.0.0.1", server.Port);
                sockets.Add(s);
            }
            // Every connection beyond maxclients is accepted, told why, and closed.
            int refused = extra - (maxclients - 1);
            Eventually.True(() => long.Parse(Field(control, "stats", "rejected_connections")) >= refused,
                $"{refused} connections rejected");
            Assert.Equal(maxclients.ToString(), Field(control, "clients", "connected_clients"));
            int gotError = sockets.Count(s => s.Available > 0 && ReadAll(s) == MaxClientsReached);
            Assert.True(gotError > 0, "no refused connection got the max-clients error");

            Assert.Equal("PONG", control.Call("PING"));
            Assert.False(server.Process.HasExited);
            long grownMb = (server.RssKb() - rssBefore) / 1024;
            Assert.True(grownMb < 200, $"RSS grew by {grownMb} MB");
        }
        finally
        {
            foreach (var s in sockets) s.Dispose();
        }
        Eventually.True(() => Field(control, "clients", "connected_clients") == "1", "the extra connections are gone");
        using var fresh = server.Client();
        Assert.Equal("PONG", fresh.Call("PING"));
    }

    [Fact]
    public void TooFewDescriptorsToStartIsRefused()
    {
        var psi = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-c", "ulimit -n 100 && exec \"$@\"", "sh", "dotnet", TestServer.ServerDll, "--port", TestServer.FreePort().ToString() })
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        Assert.True(p.WaitForExit(60_000), "the server kept running with too few descriptors");
        Assert.Equal(1, p.ExitCode);
        Assert.Matches(@"Your current 'ulimit -n' of 100 is not enough for the server to start\. Please increase your open file limit to at least \d+\. Exiting\.",
            stdout.Result + stderr.Result);
    }

    [Fact]
    public void AcceptFailingWithEmfileBacksOffAndRecovers()
    {
        using var server = new TestServer();
        using var control = server.Client();
        Assert.Equal("PONG", control.Call("PING"));
        long rssBefore = server.RssKb();
        // Take the descriptors away under the running server: maxclients (10000) no longer fits,
        // so accept itself fails with EMFILE, the case the maxclients check cannot cover.
        int limit = server.OpenFileDescriptors() + 8;
        int hardLimit = HardLimit(server.Process.Id);
        RunPrlimit(server.Process.Id, limit);
        var sockets = new List<Socket>();
        try
        {
            for (int i = 0; i < 50; i++)
            {
                var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                s.Connect("127.0.0.1", server.Port);
                sockets.Add(s);
            }
            Eventually.LogContains(server, "Accepting client connection: accept: Too many open files");
            // The server keeps serving its connections while accept fails, and does not run away.
            for (int i = 0; i < 20; i++) Assert.Equal("PONG", control.Call("PING"));
            Assert.False(server.Process.HasExited);
            long grownMb = (server.RssKb() - rssBefore) / 1024;
            Assert.True(grownMb < 200, $"RSS grew by {grownMb} MB");
        }
        finally
        {
            foreach (var s in sockets) s.Dispose();
        }
        // Once descriptors free up, the backlog drains and new connections are served again.
        RunPrlimit(server.Process.Id, hardLimit);
        Eventually.True(() =>
        {
            try
            {
                using var fresh = new RespClient(server.Port, timeoutMs: 2000);
                return "PONG".Equals(fresh.Call("PING"));
            }
            catch (Exception e) when (e is IOException or SocketException)
            {
                return false;
            }
        }, "a new connection answers PING");
        Assert.Equal("PONG", control.Call("PING"));
    }

    private static void RunPrlimit(int pid, int openFiles)
    {
        // The soft limit only: an unprivileged process can raise it back up to the hard one.
        var (code, stderr, _) = ReferenceRedis.RunToExit("prlimit", ["--pid", pid.ToString(), $"--nofile={openFiles}:"]);
        Assert.True(code == 0, "prlimit failed: " + stderr);
    }

    private static int HardLimit(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/limits").First(l => l.StartsWith("Max open files"));
        return int.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[4]);
    }

    private static string ReadAll(Socket s)
    {
        var sb = new StringBuilder();
        var buf = new byte[256];
        s.ReceiveTimeout = 5000;
        try
        {
            int n;
            while ((n = s.Receive(buf)) > 0) sb.Append(Encoding.ASCII.GetString(buf, 0, n));
        }
        catch (SocketException) { }
        return sb.ToString();
    }

    private static string Field(RespClient c, string section, string field)
    {
        var text = (string)c.Call("INFO", section)!;
        var m = Regex.Match(text, $@"^{field}:(.*)\r$", RegexOptions.Multiline);
        Assert.True(m.Success, $"INFO {section} has no {field}");
        return m.Groups[1].Value;
    }
}
