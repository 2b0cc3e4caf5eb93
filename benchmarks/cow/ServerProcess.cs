using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace RedisLite.Benchmarks.Cow;

/// <summary>Which server and which COW switches a run uses.</summary>
public sealed record ServerSetup(string Name, bool IsRedisLite, bool Dismiss, bool Hugepages, bool AvoidWrites, bool FreshPages)
{
    /// <summary>Short label used in tables and charts.</summary>
    public string Label => IsRedisLite
        ? $"{Name} dismiss={(Dismiss ? "on" : "off")} thp={(Hugepages ? "on" : "off")} fresh={(FreshPages ? "on" : "off")}{(AvoidWrites ? "" : " avoid-writes=off")}"
        : Name;
}

/// <summary>
/// A server process started for the experiment on a free 127.0.0.1 port in its own directory,
/// stopped (only this process, by its pid) when disposed. Reads INFO and the process's minor
/// faults from /proc/PID/stat (field 10), which is comparable across both servers.
/// </summary>
public sealed class ServerProcess : IDisposable
{
    public int Port { get; }
    public Process Process { get; }
    public string Dir { get; }
    public RespConnection Control { get; }

    public ServerProcess(ServerSetup setup, string redisliteDll, string redisServer, long keySaveDelay, string workDir)
    {
        Port = FreePort();
        Dir = Path.Combine(workDir, $"{setup.Name}-{Port}");
        Directory.CreateDirectory(Dir);
        var psi = setup.IsRedisLite ? new ProcessStartInfo("dotnet") : new ProcessStartInfo(redisServer);
        if (setup.IsRedisLite) psi.ArgumentList.Add(redisliteDll);
        string[] common =
        [
            "--port", Port.ToString(), "--bind", "127.0.0.1", "--dir", Dir, "--save", "", "--appendonly", "no",
            "--rdb-key-save-delay", keySaveDelay.ToString(), "--rdbcompression", "no",
        ];
        foreach (var a in common) psi.ArgumentList.Add(a);
        if (setup.IsRedisLite)
        {
            foreach (var a in new[]
            {
                "--rdb-child-dismiss", setup.Dismiss ? "yes" : "no", "--region-hugepages", setup.Hugepages ? "yes" : "no",
                "--cow-avoid-writes", setup.AvoidWrites ? "yes" : "no", "--cow-fresh-pages", setup.FreshPages ? "yes" : "no",
            }) psi.ArgumentList.Add(a);
        }
        psi.RedirectStandardOutput = true;
        psi.RedirectStandardError = true;
        psi.UseShellExecute = false;
        Process = Process.Start(psi)!;
        Process.OutputDataReceived += (_, e) => { if (e.Data != null) lock (Log) Log.Add(e.Data); };
        Process.ErrorDataReceived += (_, e) => { if (e.Data != null) lock (Log) Log.Add(e.Data); };
        Process.BeginOutputReadLine();
        Process.BeginErrorReadLine();
        var sw = Stopwatch.StartNew();
        for (;;)
        {
            try
            {
                Control = new RespConnection(Port);
                if (Control.Call("PING") == "PONG") break;
            }
            catch (SocketException) when (sw.Elapsed.TotalSeconds < 30) { Thread.Sleep(100); }
        }
    }

    public readonly List<string> Log = [];

    public Dictionary<string, string> Info(string section = "all")
    {
        var text = Control.Call("INFO", section) ?? "";
        var d = new Dictionary<string, string>();
        foreach (var line in text.Split("\r\n"))
        {
            int i = line.IndexOf(':');
            if (i > 0 && !line.StartsWith('#')) d[line[..i]] = line[(i + 1)..];
        }
        return d;
    }

    /// <summary>Minor faults of the server process so far (/proc/PID/stat field 10).</summary>
    public long MinorFaults()
    {
        var stat = File.ReadAllText($"/proc/{Process.Id}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(fields[7]); // field 10 overall: state is field 3 = index 0 here
    }

    /// <summary>Resident set size of the server process in bytes.</summary>
    public long Rss()
    {
        foreach (var line in File.ReadLines($"/proc/{Process.Id}/status"))
            if (line.StartsWith("VmRSS:")) return long.Parse(line[6..].Trim().Split(' ')[0]) * 1024;
        return 0;
    }

    private static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        int p = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return p;
    }

    public void Dispose()
    {
        try { Control?.Dispose(); } catch (Exception) { }
        try
        {
            if (!Process.HasExited)
            {
                Process.Kill();
                Process.WaitForExit(10000);
            }
        }
        catch (InvalidOperationException) { }
        try { Directory.Delete(Dir, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
