using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using RedisLite.Benchmarks.Cow;

namespace RedisLite.Benchmarks.Snapshot;

/// <summary>
/// How long commands wait while a BGSAVE runs (benchmarks/snapshot/latency.sh runs it). For each
/// round, and each server in turn (so RedisLite and redis-server see the same machine weather),
/// one connection runs GET/SET back to back: first for a while with no child, then from just
/// before BGSAVE until INFO shows the save finished. Both phases poll INFO persistence at the
/// same rate on a second connection, so they differ only by the child. Reports the slowest
/// command, p50, p99 and p99.9 of each phase, the fork time (latest_fork_usec) and the save's
/// wall time. The servers are started and filled by the script.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        var o = LatencyOptions.Parse(args);
        if (o == null) return 2;
        CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
        // The client's own GC pauses would show as server latency: keep them short and rare.
        GCSettings.LatencyMode = GCLatencyMode.SustainedLowLatency;
        var results = new List<PhaseLatency>();
        for (int round = 1; round <= o.Rounds; round++)
        {
            foreach (var (name, port) in o.Servers)
            {
                using var control = new RespConnection(port);
                var baseline = Measure(name, port, round, control, o, bgsave: false);
                var during = Measure(name, port, round, control, o, bgsave: true);
                results.Add(baseline);
                results.Add(during);
                Console.Error.WriteLine(
                    $"[{name}] round {round}: no child p99 {baseline.P99Us:F0} us, p99.9 {baseline.P999Us:F0} us, slowest {baseline.MaxUs / 1000:F1} ms | " +
                    $"BGSAVE p99 {during.P99Us:F0} us, p99.9 {during.P999Us:F0} us, slowest {during.MaxUs / 1000:F1} ms, fork {during.ForkUsec / 1000.0:F1} ms, save {during.SaveMs} ms");
                LatencyReport.Write(results, o); // after every round, so a cut-short run still leaves its results
            }
        }
        return 0;
    }

    private static PhaseLatency Measure(string name, int port, int round, RespConnection control, LatencyOptions o, bool bgsave)
    {
        if (Info(control, "persistence")["rdb_bgsave_in_progress"] != "0")
            throw new InvalidOperationException($"{name}: a save is already running");
        using var loop = new LatencyLoop(port, o.Keys, o.ValueSize, seed: round * 1_000_003L + (bgsave ? 1 : 0));
        loop.Start();
        Thread.Sleep(o.WarmupMs);
        long from = Stopwatch.GetTimestamp(), to;
        long saveMs = 0;
        if (bgsave)
        {
            var reply = control.Call("BGSAVE");
            if (reply == null || !reply.StartsWith("Background saving started"))
                throw new InvalidOperationException($"{name}: BGSAVE replied {reply}");
            while (Info(control, "persistence")["rdb_bgsave_in_progress"] != "0") Thread.Sleep(o.PollMs);
            to = Stopwatch.GetTimestamp();
            saveMs = (long)Stopwatch.GetElapsedTime(from, to).TotalMilliseconds;
        }
        else
        {
            while (Stopwatch.GetElapsedTime(from).TotalMilliseconds < o.BaselineMs)
            {
                Info(control, "persistence"); // the same polling as during a save
                Thread.Sleep(o.PollMs);
            }
            to = Stopwatch.GetTimestamp();
        }
        var timings = loop.Stop();
        long forkUsec = -1;
        if (bgsave)
        {
            var persistence = Info(control, "persistence");
            if (persistence["rdb_last_bgsave_status"] != "ok") throw new InvalidOperationException($"{name}: the BGSAVE failed");
            forkUsec = long.Parse(Info(control, "stats")["latest_fork_usec"]);
        }
        return PhaseLatency.Of(name, round, bgsave ? "bgsave" : "no child", timings, from, to, forkUsec, saveMs);
    }

    private static Dictionary<string, string> Info(RespConnection c, string section)
    {
        var d = new Dictionary<string, string>();
        foreach (var line in (c.Call("INFO", section) ?? "").Split("\r\n"))
        {
            int i = line.IndexOf(':');
            if (i > 0 && !line.StartsWith('#')) d[line[..i]] = line[(i + 1)..];
        }
        return d;
    }
}

/// <summary>Command-line options (latency.sh passes them).</summary>
public sealed class LatencyOptions
{
    public List<(string Name, int Port)> Servers = [];
    public long Keys = 2_000_000;
    public int ValueSize = 500, Rounds = 3, BaselineMs = 3000, WarmupMs = 300, PollMs = 10;
    public string OutDir = "benchmarks/results", Command = "", Machine = "";

    public static LatencyOptions? Parse(string[] args)
    {
        var o = new LatencyOptions();
        for (int i = 0; i < args.Length; i++)
        {
            string a = args[i], v = i + 1 < args.Length ? args[i + 1] : "";
            switch (a)
            {
                case "--server":
                    int eq = v.LastIndexOf('=');
                    o.Servers.Add((v[..eq], int.Parse(v[(eq + 1)..])));
                    i++;
                    break;
                case "--keys": o.Keys = long.Parse(v); i++; break;
                case "--value-size": o.ValueSize = int.Parse(v); i++; break;
                case "--rounds": o.Rounds = int.Parse(v); i++; break;
                case "--baseline-ms": o.BaselineMs = int.Parse(v); i++; break;
                case "--poll-ms": o.PollMs = int.Parse(v); i++; break;
                case "--out": o.OutDir = v; i++; break;
                case "--command": o.Command = v; i++; break;
                case "--machine": o.Machine = v; i++; break;
                default:
                    Console.Error.WriteLine($"unknown option {a}\n" +
                        "usage: snapshot-latency --server NAME=PORT [--server NAME=PORT ...] [--keys 2000000] [--value-size 500]\n" +
                        "  [--rounds 3] [--baseline-ms 3000] [--poll-ms 10] [--out DIR] [--command TEXT] [--machine TEXT]");
                    return null;
            }
        }
        if (o.Servers.Count == 0)
        {
            Console.Error.WriteLine("no --server given");
            return null;
        }
        return o;
    }
}
