using System.Diagnostics;
using System.Net.Sockets;

namespace RedisLite.Tests;

/// <summary>
/// Waiting for a server process the tests started (RedisLite or redis-server) to serve on its
/// port, and making sure the server that answers there is that process. A free port is only
/// free when it is picked: between FreePort and the server's bind, which takes seconds on a
/// busy machine, another test (or another person's test run) can take it. Then the new server
/// exits, and a PING on the port would be answered by the other one, so a test would silently
/// run against someone else's data. The port's listening socket must belong to our process.
/// </summary>
public static class ServerStartup
{
    /// <summary>Starts <paramref name="fileName"/> with <paramref name="args"/>, collecting everything it prints into <paramref name="log"/>.</summary>
    public static Process StartLogged(string fileName, IEnumerable<string> args, System.Text.StringBuilder log)
    {
        var psi = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        var process = Process.Start(psi)!;
        process.OutputDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>What RedisLite and redis-server both log when their port is taken.</summary>
    internal const string BindFailed = "Could not create server TCP listening socket";

    /// <summary>
    /// Waits until <paramref name="process"/> listens on <paramref name="port"/> and answers PING
    /// there (NOAUTH counts: with requirepass it means the server is up). Returns false when the
    /// process exited because the port was taken meanwhile (start again on another port); throws
    /// if it exited for any other reason.
    /// </summary>
    public static bool WaitUntilServing(Process process, int port, Func<string> log)
    {
        bool taken = false;
        Eventually.True(() =>
        {
            if (process.HasExited)
            {
                process.WaitForExit(); // drains the output, so the log holds the reason
                if (log().Contains(BindFailed)) return taken = true;
                throw new InvalidOperationException($"server on port {port} exited at startup:\n{log()}");
            }
            return Listens(process.Id, port) && AnswersPing(port);
        }, () => $"server pid {process.Id} answering PING on port {port} (output so far:\n{log()})");
        return !taken;
    }

    private static bool AnswersPing(int port)
    {
        try
        {
            using var c = new RespClient(port);
            var reply = c.Call("PING");
            return reply is "PONG" || reply is RespClient.RespError e && e.Message.StartsWith("NOAUTH");
        }
        catch (Exception e) when (e is SocketException or IOException)
        {
            return false;
        }
    }

    /// <summary>True when process <paramref name="pid"/> holds a TCP socket listening on <paramref name="port"/>.</summary>
    private static bool Listens(int pid, int port)
    {
        // /proc/net/tcp{,6}: "sl local_address(hex ip:port) rem_address st ... uid timeout inode"; st 0A is LISTEN.
        var inodes = new HashSet<string>();
        foreach (var table in new[] { "/proc/net/tcp", "/proc/net/tcp6" })
        {
            if (!File.Exists(table)) continue;
            foreach (var line in File.ReadLines(table).Skip(1))
            {
                var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (f.Length > 9 && f[3] == "0A" && Convert.ToInt32(f[1][(f[1].LastIndexOf(':') + 1)..], 16) == port)
                    inodes.Add($"socket:[{f[9]}]");
            }
        }
        if (inodes.Count == 0) return false;
        try
        {
            return Directory.EnumerateFiles($"/proc/{pid}/fd").Any(fd =>
            {
                try { return new FileInfo(fd).LinkTarget is { } target && inodes.Contains(target); }
                catch (IOException) { return false; } // the descriptor closed meanwhile
            });
        }
        catch (IOException)
        {
            return false; // the process is gone; the next check sees it exited
        }
    }
}
