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
    public int Port { get; private set; }
    public Process Process { get; private set; } = null!;
    public string Dir { get; }
    private readonly StringBuilder _log = new();

    public TestServer(params string[] args) : this(null, null, null, null, args) { }

    /// <summary>A server whose <c>dir</c> is an existing directory (e.g. holding a dump to load).</summary>
    public static TestServer InDir(string dir, params string[] args) => new(dir, null, null, null, args);

    /// <summary>Starts the server with a redis.conf-style file as its first argument, then the usual options.</summary>
    public static TestServer WithConfigFile(string configFile, params string[] args) => new(null, configFile, null, null, args);

    /// <summary>A server whose first attempt uses <paramref name="port"/>, as if FreePort had picked it (tests of the startup itself).</summary>
    internal static TestServer TryingPortFirst(int port, params string[] args) => new(null, null, port, null, args);

    /// <summary>Starts the server under <c>ulimit -n <paramref name="openFiles"/></c> (soft and hard), as a user's shell would.</summary>
    public static TestServer WithOpenFilesLimit(int openFiles, params string[] args) => new(null, null, null, openFiles, args);

    private TestServer(string? dir, string? configFile, int? firstPort, int? openFiles, string[] args)
    {
        Dir = dir ?? Directory.CreateTempSubdirectory("redislite-test-").FullName;
        // A port picked free can be taken before the server binds it: then start on another.
        for (int attempt = 1; ; attempt++)
        {
            Port = attempt == 1 && firstPort is int p ? p : FreePort();
            Process = Start(configFile, openFiles, args);
            if (ServerStartup.WaitUntilServing(Process, Port, () => Log)) break;
            if (attempt == 5) throw new InvalidOperationException("five picked ports were all taken before the server bound them:\n" + Log);
            lock (_log) _log.Clear();
        }
    }

    private Process Start(string? configFile, int? openFiles, string[] extra)
    {
        var args = new List<string>();
        // With a limit, a shell sets it and then becomes the server (exec), so Process is the server itself.
        if (openFiles != null) args.AddRange(["-c", $"ulimit -n {openFiles} && exec \"$@\"", "sh", "dotnet"]);
        args.Add(ServerDll);
        if (configFile != null) args.Add(configFile);
        args.AddRange(new[] { "--port", Port.ToString(), "--dir", Dir, "--enable-debug-command", "yes" }.Concat(extra));
        return ServerStartup.StartLogged(openFiles == null ? "dotnet" : "/bin/sh", args, _log);
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
        StackExchange.Redis.ConnectionMultiplexer.Connect($"127.0.0.1:{Port},allowAdmin=true,abortConnect=false,connectTimeout=60000,syncTimeout=60000");

    public void Dispose() => Stop(Process);

    /// <summary>
    /// Stops the server and returns everything it printed. Output arrives asynchronously, so only
    /// once the process has exited and its streams are drained is the log known to be complete:
    /// the one moment a test may assert that a line is absent.
    /// </summary>
    public string StopAndReadLog()
    {
        Stop(Process);
        Process.WaitForExit();
        return Log;
    }

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
