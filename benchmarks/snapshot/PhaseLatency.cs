namespace RedisLite.Benchmarks.Snapshot;

/// <summary>
/// The commands of one phase (no child, or during a BGSAVE) of one round against one server,
/// summarised: how many, the rate, percentiles and the slowest, all in microseconds.
/// </summary>
public sealed record PhaseLatency(string Server, int Round, string Phase, int Commands, double Seconds,
    double P50Us, double P99Us, double P999Us, double MaxUs, long ForkUsec, long SaveMs)
{
    public double OpsPerSec => Commands / Math.Max(Seconds, 1e-9);

    /// <summary>The commands that completed at or after <paramref name="fromTicks"/> and started at or before <paramref name="toTicks"/>.</summary>
    public static PhaseLatency Of(string server, int round, string phase, List<CommandTiming> all, long fromTicks, long toTicks, long forkUsec, long saveMs)
    {
        var us = all.Where(t => t.EndTicks >= fromTicks && t.StartTicks <= toTicks).Select(t => t.Us).Order().ToArray();
        double seconds = (toTicks - fromTicks) / (double)System.Diagnostics.Stopwatch.Frequency;
        return new PhaseLatency(server, round, phase, us.Length, seconds,
            Pct(us, 0.50), Pct(us, 0.99), Pct(us, 0.999), us.Length == 0 ? 0 : us[^1], forkUsec, saveMs);
    }

    /// <summary>The nearest-rank percentile of sorted values.</summary>
    public static double Pct(double[] sorted, double q) =>
        sorted.Length == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Length) - 1, 0, sorted.Length - 1)];
}
