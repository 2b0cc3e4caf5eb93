using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace RedisLite.Benchmarks.Cow;

/// <summary>
/// The experiment's outputs in OutDir: cow.csv (one row per run), cow-timeline.csv (throughput
/// and latency in 200 ms windows around each fork), cow.md (the Markdown table) and, when gnuplot
/// is installed, cow-mb.png (COW MB against write ratio) and cow-latency.png (p99 over time
/// around the fork at the 10% write ratio, or the nearest one run).
/// </summary>
public static class Report
{
    private static string F(double d, string fmt = "0.##") => d.ToString(fmt, CultureInfo.InvariantCulture);

    public static void Write(List<RunResult> results, Options o)
    {
        Directory.CreateDirectory(o.OutDir);
        WriteCsv(results, Path.Combine(o.OutDir, "cow.csv"));
        WriteTimeline(results, Path.Combine(o.OutDir, "cow-timeline.csv"));
        WriteMarkdown(results, o, Path.Combine(o.OutDir, "cow.md"));
        Charts(results, o);
    }

    private static void WriteCsv(List<RunResult> rs, string path)
    {
        var sb = new StringBuilder();
        sb.AppendLine("server,dismiss,thp,avoid_writes,fresh_pages,write_pct,keys_dist,pipeline,connections,value_size,keys,used_memory,rss," +
                      "fork_usec,snapshot_ms,rdb_last_cow_size,pages_copied,pages_copied_mb,region_pages_at_fork,cow_faults,proc_faults," +
                      "child_region_dirty,dismissed_bytes,held_bytes,fresh_bytes,samples,sample_avg_us,sample_max_us,sample_cpu_avg_us,writes_during," +
                      "ops_before,p50_before_us,p99_before_us,p999_before_us,ops_during,p50_during_us,p99_during_us,p999_during_us");
        foreach (var r in rs)
        {
            var s = r.Setup;
            sb.AppendLine(string.Join(',',
                s.Name, s.IsRedisLite ? (s.Dismiss ? "yes" : "no") : "redis", s.IsRedisLite ? (s.Hugepages ? "yes" : "no") : "n/a",
                s.IsRedisLite ? (s.AvoidWrites ? "yes" : "no") : "n/a", s.IsRedisLite ? (s.FreshPages ? "yes" : "no") : "n/a", F(r.WritePct), r.Zipf ? "zipfian" : "uniform", r.Pipeline,
                r.Connections, r.ValueSize, r.Keys, r.UsedMemory, r.Rss, r.ForkUsec, r.SnapshotMs, r.RdbLastCowSize, r.PagesCopied,
                F(r.PagesCopiedMb), r.RegionPagesAtFork, r.CowFaults, r.ProcFaults, r.ChildRegionDirty, r.DismissedBytes, r.HeldBytes, r.FreshBytes, r.Samples,
                r.SampleAvgUs, r.SampleMaxUs, r.SampleCpuAvgUs, r.WritesDuring, F(r.Before.OpsPerSec, "0"), r.Before.P50Us, r.Before.P99Us, r.Before.P999Us,
                F(r.During.OpsPerSec, "0"), r.During.P50Us, r.During.P99Us, r.During.P999Us));
        }
        File.WriteAllText(path, sb.ToString());
    }

    private static void WriteTimeline(List<RunResult> rs, string path)
    {
        var sb = new StringBuilder("setup,write_pct,t_sec,ops,p50_us,p99_us\n");
        foreach (var r in rs)
            foreach (var t in r.Timeline)
                sb.AppendLine($"\"{r.Setup.Label}\",{F(r.WritePct)},{F(t.TSec)},{F(t.OpsPerSec, "0")},{t.P50Us},{t.P99Us}");
        File.WriteAllText(path, sb.ToString());
    }

    private static string Mb(long bytes) => bytes < 0 ? "n/a" : F(bytes / (double)(1 << 20), "0.0");

    private static void WriteMarkdown(List<RunResult> rs, Options o, string path)
    {
        var sb = new StringBuilder();
        var first = rs[0];
        sb.AppendLine("# Copy-on-write cost of BGSAVE: RedisLite against redis-server 7.0.15");
        sb.AppendLine();
        sb.AppendLine($"Produced by `benchmarks/cow/run.sh` ({DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC).");
        sb.AppendLine();
        if (o.Machine.Length > 0)
        {
            sb.AppendLine(o.Machine.TrimEnd());
            sb.AppendLine();
        }
        sb.AppendLine($"Dataset: {first.Keys} keys of {first.ValueSize} B values ({o.DatasetBytes >> 20} MB of values), " +
                      $"load: {first.Connections} connections x pipeline {first.Pipeline}, {(first.Zipf ? "zipfian (scrambled, theta 0.99)" : "uniform")} keys, " +
                      $"GET/SET mix by write ratio; rdbcompression no, rdb-key-save-delay {o.KeySaveDelay} on both servers. " +
                      $"Load runs {o.BeforeMs} ms before BGSAVE and {o.AfterMs} ms after it ends.");
        sb.AppendLine();
        sb.AppendLine("Columns: **child COW** = rdb_last_cow_size (peak Private_Dirty reported by the child, as Redis); " +
                      "**parent copied** = RedisLite's exact count of region pages the parent copied during the snapshot " +
                      "(cow_last_pages_copied x 4 KiB); **child region** = the part of the child's Private_Dirty in the region's mapping " +
                      "(RedisLite only: the rest is the child's own buffers and the .NET parent's heap pages copied); " +
                      "**held / fresh** = RedisLite only, with cow-fresh-pages: bytes of values freed during the snapshot and held until it ended " +
                      "(old values that Redis would have overwritten in place, copying their pages) / bytes of never-used pages the region grew by " +
                      "for the values written meanwhile (new memory, not copies; the sum of copied and fresh is the snapshot's whole memory cost); **faults** = minor faults of the server process while the child lived " +
                      "(/proc/PID/stat, both servers); **writes during** = SETs completed while the child lived (COW grows with these and " +
                      "with the snapshot's length, which varies with the machine's load); latencies are per pipelined batch round trips, in microseconds, " +
                      "*before* = the seconds before BGSAVE, *during* = while the child lived.");
        sb.AppendLine();
        sb.AppendLine("| server | write % | child COW MB | child region MB | parent copied MB (pages) | held / fresh MB | writes during | faults | fork ms | snapshot s | ops/s before | ops/s during | p50 before/during | p99 before/during | p99.9 before/during |");
        sb.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in rs)
        {
            string copied = r.PagesCopied < 0 ? "n/a" : $"{F(r.PagesCopiedMb, "0.0")} ({r.PagesCopied})";
            string heldFresh = r.Setup.IsRedisLite && r.HeldBytes >= 0 ? $"{Mb(r.HeldBytes)} / {Mb(r.FreshBytes)}" : "n/a";
            sb.AppendLine($"| {r.Setup.Label} | {F(r.WritePct)} | {Mb(r.RdbLastCowSize)} | {Mb(r.ChildRegionDirty)} | {copied} | {heldFresh} | {r.WritesDuring} | {r.ProcFaults} | " +
                          $"{F(r.ForkUsec / 1000.0, "0.0")} | {F(r.SnapshotMs / 1000.0, "0.0")} | {F(r.Before.OpsPerSec, "0")} | {F(r.During.OpsPerSec, "0")} | " +
                          $"{r.Before.P50Us}/{r.During.P50Us} | {r.Before.P99Us}/{r.During.P99Us} | {r.Before.P999Us}/{r.During.P999Us} |");
        }
        sb.AppendLine();
        var lite = rs.Where(r => r.Setup.IsRedisLite && r.Samples > 0).ToList();
        if (lite.Count > 0)
            sb.AppendLine($"Parent-side sampling cost (pagemap read and compare; one sample per 100 ms at most, and at most ~5% of a CPU): " +
                          $"CPU time {F(lite.Average(r => (double)r.SampleCpuAvgUs), "0")} us per sample on average; wall clock " +
                          $"{F(lite.Average(r => (double)r.SampleAvgUs), "0")} us on average, worst {lite.Max(r => r.SampleMaxUs)} us " +
                          $"(wall clock includes waiting for a CPU on this shared machine), over {lite.Sum(r => r.Samples)} samples; " +
                          "it runs on its own thread, outside the store lock.");
        sb.AppendLine();
        sb.AppendLine("Charts: `cow-mb.png` (COW MB against write ratio), `cow-latency.png` (p99 over time around the fork). Raw data: `cow.csv`, `cow-timeline.csv`.");
        File.WriteAllText(path, sb.ToString());
    }

    // Distinguishable colours (Okabe-Ito and a few more), one per server setup.
    private static readonly string[] Colours = ["#e69f00", "#56b4e9", "#009e73", "#cc79a7", "#0072b2", "#d55e00", "#000000", "#999999"];

    private static void Charts(List<RunResult> rs, Options o)
    {
        string dataDir = Path.Combine(o.OutDir, "cow-data");
        Directory.CreateDirectory(dataDir);
        var setups = rs.Select(r => r.Setup).Distinct().ToList();
        var plotMb = new List<string>();
        var plotLat = new List<string>();
        double target = rs.Select(r => r.WritePct).OrderBy(w => Math.Abs(w - 10)).First();
        for (int i = 0; i < setups.Count; i++)
        {
            var s = setups[i];
            string file = Path.Combine(dataDir, $"setup{i}.dat");
            var sb = new StringBuilder("# write_pct child_cow_mb parent_copied_mb\n");
            foreach (var r in rs.Where(r => r.Setup == s))
                sb.AppendLine($"{F(r.WritePct)} {F(r.CowMb, "0.00")} {(r.PagesCopied < 0 ? "NaN" : F(r.PagesCopiedMb, "0.00"))}");
            File.WriteAllText(file, sb.ToString());
            string rel = Path.GetRelativePath(o.OutDir, file);
            // One colour per setup: solid for the child's COW, dashed for the parent's copied pages.
            string colour = Colours[i % Colours.Length];
            plotMb.Add($"'{rel}' using 0:2:xtic(1) with linespoints lw 2 lc rgb '{colour}' title '{s.Label}: child COW'");
            if (s.IsRedisLite) plotMb.Add($"'{rel}' using 0:3 with linespoints dt 2 lc rgb '{colour}' title '{s.Label}: parent copied'");
            var run = rs.FirstOrDefault(r => r.Setup == s && r.WritePct == target);
            if (run == null) continue;
            string tfile = Path.Combine(dataDir, $"timeline{i}.dat");
            File.WriteAllText(tfile, "# t_sec p99_us ops\n" + string.Join('\n', run.Timeline.Select(t => $"{F(t.TSec)} {t.P99Us} {F(t.OpsPerSec, "0")}")) + "\n");
            plotLat.Add($"'{Path.GetRelativePath(o.OutDir, tfile)}' using 1:2 with lines lw 2 lc rgb '{colour}' title '{s.Label} (snapshot {F(run.SnapshotMs / 1000.0, "0.0")} s)'");
        }
        string script = $"""
            set terminal png size 1100,750
            set output 'cow-mb.png'
            set title 'COW during BGSAVE vs write ratio ({rs[0].Keys} keys x {rs[0].ValueSize} B)'
            set xlabel 'write ratio (%)'
            set ylabel 'MB'
            set key outside below maxrows 6
            set grid
            plot {string.Join(", \\\n     ", plotMb)}
            set output 'cow-latency.png'
            set title 'p99 latency (200 ms windows) around the fork, {F(target)}% writes; BGSAVE at t=0'
            set xlabel 'seconds since BGSAVE'
            set ylabel 'p99 batch latency (us)'
            set xtics auto
            set logscale y
            plot {string.Join(", \\\n     ", plotLat)}
            """;
        string scriptPath = Path.Combine(dataDir, "charts.gp");
        File.WriteAllText(scriptPath, script);
        try
        {
            using var p = Process.Start(new ProcessStartInfo("gnuplot", Path.GetRelativePath(o.OutDir, scriptPath))
            {
                RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = o.OutDir,
            });
            p!.WaitForExit(60000);
            string err = p.StandardError.ReadToEnd();
            if (p.ExitCode != 0) Console.Error.WriteLine("gnuplot: " + err);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            Console.Error.WriteLine("gnuplot not installed (apt-get install -y gnuplot-nox): charts skipped");
        }
    }
}
