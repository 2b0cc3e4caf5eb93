using System.Diagnostics;
using System.Net.Sockets;

namespace RedisLite.Tests;

/// <summary>
/// A real redis-server 7.0 on a free 127.0.0.1 port, for tests that compare RedisLite's replies
/// with Redis's own. Tests using it are [SkippableFact] and call <see cref="SkipIfAbsent"/> first.
/// </summary>
public sealed class ReferenceRedis : IDisposable
{
    public const string ServerPath = "/usr/bin/redis-server";
    public int Port { get; }
    public Process Process { get; }
    private readonly string _dir;

    public static bool Available => File.Exists(ServerPath);

    public static void SkipIfAbsent() => Skip.IfNot(Available, "redis-server is not installed");

    /// <summary>A started server, or null when redis-server is not installed (for tests whose Redis comparison is optional).</summary>
    public static ReferenceRedis? TryStart(params string[] args) => Available ? new ReferenceRedis(args) : null;

    public ReferenceRedis(params string[] args)
    {
        Port = TestServer.FreePort();
        _dir = Directory.CreateTempSubdirectory("redislite-ref-").FullName;
        var psi = new ProcessStartInfo(ServerPath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { "--port", Port.ToString(), "--bind", "127.0.0.1", "--save", "", "--dir", _dir }.Concat(args))
            psi.ArgumentList.Add(a);
        Process = Process.Start(psi)!;
        Process.OutputDataReceived += (_, _) => { };
        Process.ErrorDataReceived += (_, _) => { };
        Process.BeginOutputReadLine();
        Process.BeginErrorReadLine();
        var sw = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var c = new RespClient(Port);
                // With requirepass, NOAUTH also means the server is up.
                var reply = c.Call("PING");
                if (reply is "PONG" || reply is RespClient.RespError e && e.Message.StartsWith("NOAUTH")) return;
            }
            catch (Exception e) when (e is SocketException or IOException)
            {
                if (sw.Elapsed > TimeSpan.FromSeconds(20) || Process.HasExited) throw;
            }
            // Every way out of this loop is bounded: a reply that is neither PONG nor NOAUTH must
            // fail the test, not hang the run (CI once timed out here).
            if (sw.Elapsed > TimeSpan.FromSeconds(20) || Process.HasExited)
                throw new TimeoutException($"redis-server on port {Port} did not answer PING within 20 s");
            Thread.Sleep(50);
        }
    }

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
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }
}
