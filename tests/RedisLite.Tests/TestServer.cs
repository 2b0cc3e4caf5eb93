using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace RedisLite.Tests;

/// <summary>
/// Starts a real redislite-server process on a free 127.0.0.1 port (the same binary users run) and
/// stops it on dispose. Extra arguments are passed as on the command line (--name value ...).
/// </summary>
public sealed class TestServer : IDisposable
{
    public int Port { get; }
    public Process Process { get; }
    public string Dir { get; }
    private readonly StringBuilder _log = new();

    public TestServer(params string[] args) : this(null, null, null, args) { }

    /// <summary>A server whose <c>dir</c> is an existing directory (e.g. holding a dump to load).</summary>
    public static TestServer InDir(string dir, params string[] args) => new(dir, null, null, args);

    /// <summary>Starts the server with a redis.conf-style file as its first argument, then the usual options.</summary>
    public static TestServer WithConfigFile(string configFile, params string[] args) => new(null, configFile, null, args);

    /// <summary>Starts the server under <c>ulimit -n <paramref name="openFiles"/></c> (soft and hard), as a user's shell would.</summary>
    public static TestServer WithOpenFilesLimit(int openFiles, params string[] args) => new(null, null, openFiles, args);

    private TestServer(string? dir, string? configFile, int? openFiles, string[] args)
    {
        Port = FreePort();
        Dir = dir ?? Directory.CreateTempSubdirectory("redislite-test-").FullName;
        // With a limit, a shell sets it and then becomes the server (exec), so Process is the server itself.
        var psi = new ProcessStartInfo(openFiles == null ? "dotnet" : "/bin/sh")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (openFiles != null)
        {
            foreach (var a in new[] { "-c", $"ulimit -n {openFiles} && exec \"$@\"", "sh", "dotnet" }) psi.ArgumentList.Add(a);
        }
        psi.ArgumentList.Add(ServerDll);
        if (configFile != null) psi.ArgumentList.Add(configFile);
        foreach (var a in new[] { "--port", Port.ToString(), "--dir", Dir, "--enable-debug-command", "yes" }.Concat(args))
            psi.ArgumentList.Add(a);
        Process = Process.Start(psi)!;
        Process.OutputDataReceived += (_, e) => { lock (_log) _log.AppendLine(e.Data); };
        Process.ErrorDataReceived += (_, e) => { lock (_log) _log.AppendLine(e.Data); };
        Process.BeginOutputReadLine();
        Process.BeginErrorReadLine();
        WaitForPing();
    }

    /// <summary>Everything the server printed so far.</summary>
    public string Log { get { lock (_log) return _log.ToString(); } }

    public static string ServerDll => Path.Combine(AppContext.BaseDirectory, "redislite-server.dll");

    public static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        int port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    private void WaitForPing()
    {
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed < TimeSpan.FromSeconds(30))
        {
            if (Process.HasExited) throw new InvalidOperationException("server exited at startup:\n" + Log);
            try
            {
                using var c = new RespClient(Port);
                // With requirepass, NOAUTH also means the server is up.
                var reply = c.Call("PING");
                if (reply is "PONG" || reply is RespClient.RespError e && e.Message.StartsWith("NOAUTH")) return;
            }
            catch (SocketException) { }
            catch (IOException) { }
            Thread.Sleep(50);
        }
        throw new TimeoutException("server did not answer PING:\n" + Log);
    }

    public RespClient Client() => new(Port);

    /// <summary>The server's resident set size in KiB (VmRSS).</summary>
    public long RssKb()
    {
        foreach (var line in File.ReadLines($"/proc/{Process.Id}/status"))
            if (line.StartsWith("VmRSS:"))
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);
        throw new InvalidOperationException("no VmRSS");
    }

    /// <summary>How many file descriptors the server process has open.</summary>
    public int OpenFileDescriptors() => Directory.GetFiles($"/proc/{Process.Id}/fd").Length;

    public StackExchange.Redis.ConnectionMultiplexer Multiplexer() =>
        StackExchange.Redis.ConnectionMultiplexer.Connect($"127.0.0.1:{Port},allowAdmin=true,abortConnect=false,connectTimeout=10000,syncTimeout=10000");

    public void Dispose() => Stop(Process);

    /// <summary>Kills a server process that is still running and waits briefly for it.</summary>
    public static void Stop(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill();
                process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException) { }
    }
}
