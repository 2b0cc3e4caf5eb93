using System.Diagnostics;
using System.Net.Sockets;

namespace RedisLite.Tests;

/// <summary>
/// A real redis-server (the behaviour reference, 7.0.15) on a free 127.0.0.1 port, with no
/// persistence, for tests that send the same bytes to both servers and compare the replies.
/// <see cref="TryStart"/> gives null when redis-server is not installed; callers skip then.
/// </summary>
public sealed class ReferenceRedis : IDisposable
{
    public const string ServerPath = "/usr/bin/redis-server";
    public static bool Installed => File.Exists(ServerPath);

    public int Port { get; }
    private readonly Process _process;

    private ReferenceRedis(params string[] args)
    {
        Port = TestServer.FreePort();
        var psi = new ProcessStartInfo(ServerPath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { "--port", Port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no" }.Concat(args))
            psi.ArgumentList.Add(a);
        _process = Process.Start(psi)!;
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var sw = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var c = new RespClient(Port);
                // With requirepass PING answers NOAUTH: any reply means it is up.
                c.Call("PING");
                return;
            }
            catch (Exception e) when (e is SocketException or IOException && sw.Elapsed < TimeSpan.FromSeconds(20))
            {
                Thread.Sleep(50);
            }
        }
    }

    /// <summary>Starts redis-server with the given extra arguments, or returns null if it is not installed.</summary>
    public static ReferenceRedis? TryStart(params string[] args) => Installed ? new ReferenceRedis(args) : null;

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
