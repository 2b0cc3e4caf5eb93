using System.Globalization;
using System.Text;

namespace RedisLite.Benchmarks.Snapshot;

/// <summary>
/// The measurement's outputs in OutDir: snapshot-latency.csv (one row per server, round and
/// phase) and snapshot-latency.md (medians over the rounds, then every round).
/// </summary>
public static class LatencyReport
{
    private static string F(double d, string fmt) => d.ToString(fmt, CultureInfo.InvariantCulture);

    private static double Median(IEnumerable<double> xs)
    {
        var s = xs.Order().ToArray();
        return s.Length == 0 ? 0 : s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2;
    }

    public static void Write(List<PhaseLatency> rs, LatencyOptions o)
    {
        Directory.CreateDirectory(o.OutDir);
        var csv = new StringBuilder("server,round,phase,commands,seconds,ops_per_sec,p50_us,p99_us,p999_us,max_us,fork_usec,save_ms\n");
        foreach (var r in rs)
            csv.AppendLine(string.Join(',', r.Server, r.Round, r.Phase, r.Commands, F(r.Seconds, "0.000"), F(r.OpsPerSec, "0"),
                F(r.P50Us, "0"), F(r.P99Us, "0"), F(r.P999Us, "0"), F(r.MaxUs, "0"), r.ForkUsec, r.SaveMs));
        File.WriteAllText(Path.Combine(o.OutDir, "snapshot-latency.csv"), csv.ToString());

        var md = new StringBuilder();
        md.AppendLine("# Snapshot latency benchmark").AppendLine();
        md.AppendLine($"`{o.Command}`: one connection runs GET and SET alternately, back to back, on {o.Keys:N0} keys");
        md.AppendLine($"of {o.ValueSize} B filled by DEBUG POPULATE (SET writes {o.ValueSize} B values), first {o.BaselineMs / 1000.0:0.#} s with no child, then from");
        md.AppendLine("just before BGSAVE until INFO shows the save finished. Both phases poll INFO persistence every");
        md.AppendLine($"{o.PollMs} ms on a second connection. Servers alternate round by round (both loaded, one measured at a");
        md.AppendLine("time), rdbcompression no on both; latency is each command's round trip seen by the client.").AppendLine();
        if (o.Machine.Length > 0) md.AppendLine(o.Machine);
        md.AppendLine($"- Run finished: {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC; rounds: {rs.Select(r => r.Round).DefaultIfEmpty().Max()}").AppendLine();
        md.AppendLine("Medians over the rounds (slowest: median, and the worst of any round):").AppendLine();
        md.AppendLine("| server | phase | commands/s | p50 us | p99 us | p99.9 us | slowest ms (worst) | fork ms | BGSAVE s |");
        md.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var g in rs.GroupBy(r => (r.Server, r.Phase)))
        {
            var x = g.ToList();
            bool save = g.Key.Phase == "bgsave";
            md.AppendLine($"| {g.Key.Server} | {g.Key.Phase} | {F(Median(x.Select(r => r.OpsPerSec)), "N0")} | {F(Median(x.Select(r => r.P50Us)), "0")} | " +
                          $"{F(Median(x.Select(r => r.P99Us)), "0")} | {F(Median(x.Select(r => r.P999Us)), "0")} | " +
                          $"{F(Median(x.Select(r => r.MaxUs)) / 1000, "0.0")} ({F(x.Max(r => r.MaxUs) / 1000, "0.0")}) | " +
                          $"{(save ? F(Median(x.Select(r => (double)r.ForkUsec)) / 1000, "0.0") : "")} | {(save ? F(Median(x.Select(r => (double)r.SaveMs)) / 1000, "0.00") : "")} |");
        }
        md.AppendLine().AppendLine("Every round:").AppendLine();
        md.AppendLine("| server | round | phase | commands | p50 us | p99 us | p99.9 us | slowest ms | fork ms | BGSAVE ms |");
        md.AppendLine("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in rs)
            md.AppendLine($"| {r.Server} | {r.Round} | {r.Phase} | {r.Commands} | {F(r.P50Us, "0")} | {F(r.P99Us, "0")} | {F(r.P999Us, "0")} | {F(r.MaxUs / 1000, "0.0")} | " +
                          $"{(r.ForkUsec >= 0 ? F(r.ForkUsec / 1000.0, "0.0") : "")} | {(r.Phase == "bgsave" ? r.SaveMs.ToString() : "")} |");
        File.WriteAllText(Path.Combine(o.OutDir, "snapshot-latency.md"), md.ToString());
    }
}
