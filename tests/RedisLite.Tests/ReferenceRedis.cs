using System.Diagnostics;

namespace RedisLite.Tests;

/// <summary>
/// A real redis-server 7.0 on a free 127.0.0.1 port, for tests that compare RedisLite's replies
/// with Redis's own. Tests using it are [SkippableFact] and call <see cref="SkipIfAbsent"/> first.
/// </summary>
public sealed class ReferenceRedis : IDisposable
{
    public const string ServerPath = "/usr/bin/redis-server";
    public int Port { get; private set; }
    public Process Process { get; private set; } = null!;
    private readonly string _dir;
    private readonly bool _ownsDir;
    private readonly System.Text.StringBuilder _log = new();

    public static bool Available => File.Exists(ServerPath);

    public static void SkipIfAbsent() => Skip.IfNot(Available, "redis-server is not installed");

    /// <summary>A started server, or null when redis-server is not installed (for tests whose Redis comparison is optional).</summary>
    public static ReferenceRedis? TryStart(params string[] args) => Available ? new ReferenceRedis(args) : null;

    public ReferenceRedis(params string[] args) : this(null, args) { }

    /// <summary>A redis-server whose <c>dir</c> is an existing directory (e.g. holding a dump to load); the directory is left in place.</summary>
    public static ReferenceRedis InDir(string dir, params string[] args) => new(dir, args);

    private ReferenceRedis(string? dir, string[] args)
    {
        _ownsDir = dir == null;
        _dir = dir ?? Directory.CreateTempSubdirectory("redislite-ref-").FullName;
        // A port picked free can be taken before the server binds it: then start on another.
        for (int attempt = 1; ; attempt++)
        {
            Port = TestServer.FreePort();
            Process = Start(args);
            if (ServerStartup.WaitUntilServing(Process, Port, () => { lock (_log) return _log.ToString(); })) break;
            if (attempt == 5) throw new InvalidOperationException("five picked ports were all taken before redis-server bound them");
            lock (_log) _log.Clear();
        }
    }

    private Process Start(string[] args) =>
        ServerStartup.StartLogged(ServerPath, new[] { "--port", Port.ToString(), "--bind", "127.0.0.1", "--save", "", "--dir", _dir }.Concat(args), _log);

    public RespClient Client() => new(Port);

    /// <summary>Runs redis-server (or RedisLite) with <paramref name="args"/> until it exits; returns its exit code and stderr.</summary>
    public static (int ExitCode, string Stderr, string Stdout) RunToExit(string file, IEnumerable<string> args, int timeoutMs = 30000)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        var stdout = p.StandardOutput.ReadToEndAsync();
        if (!p.WaitForExit(timeoutMs))
        {
            p.Kill();
            throw new TimeoutException($"{file} did not exit");
        }
        return (p.ExitCode, stderr.Result, stdout.Result);
    }

    public void Dispose()
    {
        TestServer.Stop(Process);
        if (_ownsDir)
            try { Directory.Delete(_dir, true); } catch (IOException) { }
    }
}
