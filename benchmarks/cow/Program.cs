using System.Diagnostics;
using System.Globalization;

namespace RedisLite.Benchmarks.Cow;

/// <summary>
/// The COW experiment (benchmarks/cow/run.sh runs it): for each server setup (RedisLite with its
/// COW switches, redis-server 7.0.15 when installed) start the server, load the dataset, and for
/// each write ratio drive the mixed load, trigger BGSAVE, and record COW bytes and pages, faults,
/// fork and snapshot time, throughput and latency before and during the snapshot.
/// Writes CSV, a Markdown table and gnuplot charts (see <see cref="Report"/>).
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        var o = Options.Parse(args);
        if (o == null) return 2;
        CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
        Directory.CreateDirectory(o.WorkDir);
        var setups = new List<ServerSetup>();
        foreach (var s in o.Setups)
        {
            if (s == "redis")
            {
                if (File.Exists(o.RedisServer)) setups.Add(new ServerSetup("redis-7.0.15", false, true, false, true, false));
                else Console.Error.WriteLine($"{o.RedisServer} not installed: Redis runs skipped");
                continue;
            }
            // lite[:nodismiss][:nothp][:noavoid][:nofresh]: RedisLite's COW switches, each on (the
            // server's defaults) unless named.
            var parts = s.Split(':');
            setups.Add(new ServerSetup("redislite", true, !parts.Contains("nodismiss"), !parts.Contains("nothp"), !parts.Contains("noavoid"), !parts.Contains("nofresh")));
        }
        long keys = o.DatasetBytes / o.ValueSize;
        var value = new byte[o.ValueSize];
        new Random(7).NextBytes(value);
        for (int i = 0; i < value.Length; i++) value[i] = (byte)('a' + value[i] % 26); // printable, incompressible enough
        var results = new List<RunResult>();
        var total = Stopwatch.StartNew();
        foreach (var setup in setups)
        {
            Console.Error.WriteLine($"== {setup.Label}: loading {keys} keys of {o.ValueSize} B ({o.DatasetBytes >> 20} MB)");
            using var server = new ServerProcess(setup, o.RedisliteDll, o.RedisServer, o.KeySaveDelay, o.WorkDir);
            var load = Stopwatch.StartNew();
            Dataset.Load(server.Port, keys, value);
            var mem = server.Info("memory");
            Console.Error.WriteLine($"   loaded in {load.Elapsed.TotalSeconds:F1} s, used_memory {long.Parse(mem["used_memory"]) >> 20} MB, rss {server.Rss() >> 20} MB");
            foreach (double w in o.WriteRatios)
            {
                var r = RunOne(server, setup, w, keys, value, o);
                r.UsedMemory = long.Parse(mem["used_memory"]);
                results.Add(r);
                Console.Error.WriteLine(
                    $"   write {w:0.##}%: cow(child) {r.CowMb:F1} MB, pages copied {r.PagesCopied} ({r.PagesCopiedMb:F1} MB), " +
                    $"writes {r.WritesDuring}, faults {r.ProcFaults}, fork {r.ForkUsec} us, snapshot {r.SnapshotMs} ms, " +
                    $"ops {r.Before.OpsPerSec:F0}->{r.During.OpsPerSec:F0}, p99 {r.Before.P99Us}->{r.During.P99Us} us");
                Report.Write(results, o); // after every run, so a cut-short sweep still leaves its results
            }
        }
        Console.Error.WriteLine($"done in {total.Elapsed.TotalMinutes:F1} min; results in {o.OutDir}");
        return 0;
    }

    private static RunResult RunOne(ServerProcess server, ServerSetup setup, double writePct, long keys, byte[] value, Options o)
    {
        var clock = Stopwatch.StartNew();
        var gen = new LoadGenerator(server.Port, new LoadSpec(writePct / 100, o.Zipf, o.Pipeline, o.Connections, keys, value), clock);
        gen.Start();
        Thread.Sleep(o.BeforeMs);
        long faults0 = server.MinorFaults();
        int forkMs = (int)clock.ElapsedMilliseconds;
        var reply = server.Control.Call("BGSAVE");
        if (reply == null || !reply.StartsWith("Background saving started"))
            throw new InvalidOperationException("BGSAVE: " + reply);
        while (server.Info("persistence")["rdb_bgsave_in_progress"] == "1") Thread.Sleep(25);
        int endMs = (int)clock.ElapsedMilliseconds;
        long faults1 = server.MinorFaults();
        Thread.Sleep(o.AfterMs);
        var samples = gen.Stop();
        var info = server.Info("all");
        long L(string k, long def = -1) => info.TryGetValue(k, out var v) && long.TryParse(v, out long x) ? x : def;
        var r = new RunResult
        {
            Setup = setup, WritePct = writePct, Zipf = o.Zipf, Pipeline = o.Pipeline, Connections = o.Connections,
            ValueSize = o.ValueSize, Keys = keys, DatasetBytes = o.DatasetBytes,
            Rss = server.Rss(),
            ForkUsec = L("latest_fork_usec"),
            SnapshotMs = endMs - forkMs,
            RdbLastCowSize = L("rdb_last_cow_size"),
            PagesCopied = L("cow_last_pages_copied"),
            RegionPagesAtFork = L("cow_last_region_pages"),
            CowFaults = L("cow_last_faults"),
            ChildRegionDirty = L("cow_last_child_region_dirty"),
            DismissedBytes = L("cow_last_dismissed_bytes"),
            HeldBytes = L("cow_last_held_bytes"),
            FreshBytes = L("cow_last_fresh_bytes"),
            SampleAvgUs = L("cow_last_sample_avg_usec"),
            SampleMaxUs = L("cow_last_sample_max_usec"),
            SampleCpuAvgUs = L("cow_last_sample_cpu_avg_usec"),
            WritesDuring = samples.Where(b => b.EndMs >= forkMs && b.EndMs < endMs).Sum(b => (long)b.Writes),
            Samples = L("cow_last_samples"),
            ProcFaults = faults1 - faults0,
            Before = PhaseStats.Of(samples, Math.Max(0, forkMs - o.BeforeMs + 500), forkMs),
            During = PhaseStats.Of(samples, forkMs, endMs),
        };
        if (info.TryGetValue("rdb_last_bgsave_status", out var st) && st != "ok")
            Console.Error.WriteLine("   warning: rdb_last_bgsave_status " + st);
        // Latency over time around the fork, in 200 ms windows.
        const int Window = 200;
        for (int t = forkMs - o.BeforeMs + 500; t + Window <= endMs + o.AfterMs; t += Window)
        {
            var p = PhaseStats.Of(samples, t, t + Window);
            r.Timeline.Add(new TimelinePoint((t - forkMs) / 1000.0, p.OpsPerSec, p.P50Us, p.P99Us));
        }
        return r;
    }
}

/// <summary>Command-line options (run.sh passes them; defaults describe the full experiment).</summary>
public sealed class Options
{
    public string RedisliteDll = "", RedisServer = "/usr/bin/redis-server", OutDir = "benchmarks/results", WorkDir = "";
    public long DatasetBytes = 1L << 30;
    public int ValueSize = 1024;
    public List<double> WriteRatios = [0, 1, 10, 50, 100];
    public List<string> Setups = ["lite", "lite:nodismiss", "lite:nothp", "lite:noavoid", "lite:nofresh", "redis"];
    public bool Zipf;
    public int Pipeline = 8, Connections = 8;
    public int BeforeMs = 3000, AfterMs = 1000;
    public long KeySaveDelay;
    public string Machine = "";

    public static Options? Parse(string[] args)
    {
        var o = new Options { WorkDir = Path.Combine(Path.GetTempPath(), "cow-bench-" + Environment.ProcessId) };
        for (int i = 0; i < args.Length; i++)
        {
            string a = args[i], v = i + 1 < args.Length ? args[i + 1] : "";
            switch (a)
            {
                case "--redislite-dll": o.RedisliteDll = v; i++; break;
                case "--redis-server": o.RedisServer = v; i++; break;
                case "--out": o.OutDir = v; i++; break;
                case "--work-dir": o.WorkDir = v; i++; break;
                case "--dataset-mb": o.DatasetBytes = long.Parse(v) << 20; i++; break;
                case "--value-size": o.ValueSize = int.Parse(v); i++; break;
                case "--write-ratios": o.WriteRatios = v.Split(',').Select(double.Parse).ToList(); i++; break;
                case "--setups": o.Setups = v.Split(',').ToList(); i++; break;
                case "--keys": o.Zipf = v == "zipfian"; i++; break;
                case "--pipeline": o.Pipeline = int.Parse(v); i++; break;
                case "--connections": o.Connections = int.Parse(v); i++; break;
                case "--before-ms": o.BeforeMs = int.Parse(v); i++; break;
                case "--after-ms": o.AfterMs = int.Parse(v); i++; break;
                case "--rdb-key-save-delay": o.KeySaveDelay = long.Parse(v); i++; break;
                case "--machine": o.Machine = v; i++; break;
                default:
                    Console.Error.WriteLine($"unknown option {a}\n" +
                        "usage: cow-bench --redislite-dll PATH [--redis-server PATH] [--out DIR] [--dataset-mb 1024] [--value-size 1024]\n" +
                        "  [--write-ratios 0,1,10,50,100] [--setups lite,lite:nodismiss,lite:nothp,lite:noavoid,lite:nofresh,redis] [--keys uniform|zipfian]\n" +
                        "  [--pipeline 8] [--connections 8] [--before-ms 3000] [--after-ms 1000] [--rdb-key-save-delay 0]");
                    return null;
            }
        }
        if (!File.Exists(o.RedisliteDll))
        {
            Console.Error.WriteLine($"--redislite-dll {o.RedisliteDll}: not found");
            return null;
        }
        return o;
    }
}
