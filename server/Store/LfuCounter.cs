namespace RedisLite.Store;

/// <summary>
/// Redis's LFU access counter, kept in a record's 24-bit <c>lru</c> field while an LFU
/// maxmemory policy is selected: the high 16 bits are the minute of the last decrement
/// (wrapping), the low 8 a logarithmic counter that starts at 5, grows with probability
/// 1/((counter-5)*factor+1) per access and loses one per decay period of idleness. Factor and
/// period are Redis's defaults (lfu-log-factor 10, lfu-decay-time 1 minute).
/// </summary>
public static class LfuCounter
{
    public const uint InitValue = 5;
    private const int LogFactor = 10;
    private const uint DecayMinutes = 1;

    private static uint Minutes(long nowMs) => (uint)(nowMs / 1000 / 60) & 65535;

    /// <summary>The field of a key created now.</summary>
    public static uint Initial(long nowMs) => (Minutes(nowMs) << 8) | InitValue;

    /// <summary>The counter after decay for the minutes elapsed since the field was last updated.</summary>
    public static uint DecrAndReturn(uint field, long nowMs)
    {
        uint last = field >> 8, counter = field & 255, now = Minutes(nowMs);
        uint elapsed = now >= last ? now - last : 65535 - last + now;
        uint periods = elapsed / DecayMinutes;
        return periods >= counter ? 0 : counter - periods;
    }

    /// <summary>The field after one access (updateLFU).</summary>
    public static uint Touch(uint field, long nowMs)
    {
        uint counter = DecrAndReturn(field, nowMs);
        if (counter < 255)
        {
            double baseval = Math.Max(0, (double)counter - InitValue);
            if (Random.Shared.NextDouble() < 1.0 / (baseval * LogFactor + 1)) counter++;
        }
        return (Minutes(nowMs) << 8) | counter;
    }
}
