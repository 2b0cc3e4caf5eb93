using System.Globalization;

namespace RedisLite.Config;

/// <summary>The classes client-output-buffer-limit distinguishes (Redis's client types; a master has no limit of its own).</summary>
public enum ClientClass
{
    Normal = 0,
    Replica = 1,
    PubSub = 2,
}

/// <summary>One class's limits: a hard byte limit, and a soft one the output may stay over for at most <paramref name="SoftSeconds"/> (0 bytes: no limit).</summary>
public readonly record struct OutputBufferLimit(ulong Hard, ulong Soft, int SoftSeconds)
{
    public bool Active => Hard > 0 || Soft > 0;
}

/// <summary>
/// <c>client-output-buffer-limit &lt;class&gt; &lt;hard&gt; &lt;soft&gt; &lt;soft seconds&gt; ...</c> with Redis
/// 7.0's rules: classes normal, replica (alias slave) and pubsub, case-insensitive; byte values
/// with Redis's memtoull units; seconds as C's strtoll read into an int; every group checked
/// before any is applied, and only the classes named change. CONFIG SET splits its value at
/// single spaces, as Redis does (so extra spaces are a wrong number of arguments); CONFIG GET
/// shows all three classes, the replica one as "slave".
/// </summary>
public sealed class OutputBufferLimitConfig(string name) : ConfigParam(name, ConfigFlags.None)
{
    // Replaced as a whole on change, so readers on any thread see one consistent set.
    private OutputBufferLimit[] _limits =
    [
        new(0, 0, 0),
        new(256UL << 20, 64UL << 20, 60),
        new(32UL << 20, 8UL << 20, 60),
    ];

    public OutputBufferLimit this[ClientClass c] => _limits[(int)c];

    public override bool MultiArg => true;

    public override string? TrySet(IReadOnlyList<string> args)
    {
        // CONFIG SET passes one string: Redis splits it with sdssplitlen on " " ("" is no groups).
        IReadOnlyList<string> words = args.Count == 1 ? (args[0].Length == 0 ? [] : args[0].Split(' ')) : args;
        if (words.Count % 4 != 0) return "Wrong number of arguments in buffer limit configuration.";
        var limits = (OutputBufferLimit[])_limits.Clone();
        for (int i = 0; i < words.Count; i += 4)
        {
            if (ClassNamed(words[i]) is not { } c) return "Invalid client class specified in buffer limit configuration.";
            if (!TryMemtoull(words[i + 1], out ulong hard) || !TryMemtoull(words[i + 2], out ulong soft) ||
                !TrySeconds(words[i + 3], out int seconds))
                return "Error in hard, soft or soft_seconds setting in buffer limit configuration.";
            limits[(int)c] = new OutputBufferLimit(hard, soft, seconds);
        }
        _limits = limits;
        return null;
    }

    public override string Get()
    {
        var l = _limits;
        return string.Create(CultureInfo.InvariantCulture,
            $"normal {l[0].Hard} {l[0].Soft} {l[0].SoftSeconds} slave {l[1].Hard} {l[1].Soft} {l[1].SoftSeconds} pubsub {l[2].Hard} {l[2].Soft} {l[2].SoftSeconds}");
    }

    private static ClientClass? ClassNamed(string name) => name.ToLowerInvariant() switch
    {
        "normal" => ClientClass.Normal,
        "slave" or "replica" => ClientClass.Replica,
        "pubsub" => ClientClass.PubSub,
        _ => null, // "master" too: Redis refuses a limit for it
    };

    /// <summary>
    /// Redis's memtoull: digits (possibly none, read as 0) and an optional unit (b, k, kb, m, mb,
    /// g, gb; k = 1000, kb = 1024); no sign. Like strtoull, an overflowing number reads as the
    /// largest value, and the unit's multiplication wraps.
    /// </summary>
    private static bool TryMemtoull(string s, out ulong value)
    {
        value = 0;
        int i = 0;
        while (i < s.Length && char.IsAsciiDigit(s[i])) i++;
        ulong mul = s[i..].ToLowerInvariant() switch
        {
            "" or "b" => 1, "k" => 1000, "kb" => 1024, "m" => 1000_000, "mb" => 1024 * 1024,
            "g" => 1000_000_000, "gb" => 1024UL * 1024 * 1024, _ => 0,
        };
        if (mul == 0) return false;
        ulong n = 0;
        foreach (char ch in s.AsSpan(0, i))
        {
            ulong d = (ulong)(ch - '0');
            if (n > (ulong.MaxValue - d) / 10)
            {
                n = ulong.MaxValue;
                break;
            }
            n = n * 10 + d;
        }
        value = unchecked(n * mul);
        return true;
    }

    /// <summary>
    /// The soft seconds as Redis reads them: strtoll (leading blanks, a sign, digits; clamped on
    /// overflow), the whole string consumed, stored in an int, which must not be negative.
    /// </summary>
    private static bool TrySeconds(string s, out int seconds)
    {
        seconds = 0;
        int i = 0;
        while (i < s.Length && s[i] is ' ' or '\t' or '\n' or '\v' or '\f' or '\r') i++;
        bool negative = false;
        if (i < s.Length && s[i] is '+' or '-') negative = s[i++] == '-';
        int digits = i;
        long n = 0;
        bool overflow = false;
        while (i < s.Length && char.IsAsciiDigit(s[i]))
        {
            int d = s[i++] - '0';
            if (n > (long.MaxValue - d) / 10) overflow = true;
            else n = n * 10 + d;
        }
        // No digits: strtoll consumes nothing, so only an empty string is "all consumed" (as 0).
        if (i == digits) return s.Length == 0;
        if (i != s.Length) return false;
        long value = overflow ? (negative ? long.MinValue : long.MaxValue) : negative ? -n : n;
        seconds = unchecked((int)value);
        return seconds >= 0;
    }
}
