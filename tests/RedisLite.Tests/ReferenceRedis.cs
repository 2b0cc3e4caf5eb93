using System.Diagnostics;
using System.Net.Sockets;

namespace RedisLite.Tests;

/// <summary>
/// A real redis-server (the behaviour reference, Redis 7.0) on a free 127.0.0.1 port, without
/// persistence, for tests that run the same commands on both servers and compare. Tests call
/// <see cref="SkipIfMissing"/> first so machines without redis-server skip rather than fail.
/// </summary>
public sealed class ReferenceRedis : IDisposable
{
    public const string Binary = "/usr/bin/redis-server";
    public int Port { get; }
    private readonly Process _process;

    public static bool Available => File.Exists(Binary);

    public static void SkipIfMissing() => Skip.IfNot(Available, $"{Binary} is not installed");

    public ReferenceRedis(params string[] extraArgs)
    {
        Port = TestServer.FreePort();
        var psi = new ProcessStartInfo(Binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { "--port", Port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no" }.Concat(extraArgs))
            psi.ArgumentList.Add(a);
        _process = Process.Start(psi)!;
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var sw = Stopwatch.StartNew();
        while (true)
        {
            if (_process.HasExited) throw new InvalidOperationException("redis-server exited at startup");
            try
            {
                using var c = new RespClient(Port);
                if (c.Call("PING") is "PONG") return;
            }
            catch (SocketException) { }
            catch (IOException) { }
            if (sw.Elapsed > TimeSpan.FromSeconds(20)) throw new TimeoutException("redis-server did not answer PING");
            Thread.Sleep(50);
        }
    }

    public RespClient Client() => new(Port);

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException) { }
        _process.Dispose();
    }
}
