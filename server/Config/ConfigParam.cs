using System.Globalization;
using System.Text;
using RedisLite.Store;

namespace RedisLite.Config;

[Flags]
public enum ConfigFlags
{
    None = 0,
    /// <summary>CONFIG SET refuses it: "can't set immutable config".</summary>
    Immutable = 1,
    /// <summary>Redirects file writes; CONFIG SET refuses it as Redis does with enable-protected-configs no.</summary>
    Protected = 2,
    /// <summary>Value is a secret (never logged).</summary>
    Sensitive = 4,
}

/// <summary>
/// One configuration parameter with Redis's name, default, parsing rules and error texts. The
/// value is typed in subclasses so the command path reads a field, never a string.
/// </summary>
public abstract class ConfigParam(string name, ConfigFlags flags)
{
    public string Name { get; } = name;
    public ConfigFlags Flags { get; } = flags;
    /// <summary>Redis's second name for the parameter (e.g. hash-max-ziplist-entries): accepted everywhere, and CONFIG GET lists it under that name too.</summary>
    public string? Alias { get; init; }
    /// <summary>Called after a successful change (CONFIG SET or file), to apply it.</summary>
    public Action? Changed { get; set; }

    /// <summary>
    /// Applies a CONFIG SET at runtime, given the previous value as CONFIG GET showed it; returns
    /// Redis's error text when the change cannot take effect, and CONFIG SET then restores every
    /// parameter of the call (Redis's apply step).
    /// </summary>
    public Func<string, string?>? Apply { get; set; }

    /// <summary>Sets the value from its arguments; on failure returns Redis's reason and leaves the value unchanged.</summary>
    public abstract string? TrySet(IReadOnlyList<string> args);

    /// <summary>Sets the value from a config file line; differs from <see cref="TrySet"/> only where Redis's loader does (save lines accumulate).</summary>
    public virtual string? TrySetFromFile(IReadOnlyList<string> args) => TrySet(args);

    /// <summary>The value as CONFIG GET shows it.</summary>
    public abstract string Get();

    /// <summary>True when the config line may have more than one argument (save, bind).</summary>
    public virtual bool MultiArg => false;
}

public sealed class BoolConfig(string name, bool def, ConfigFlags flags = ConfigFlags.None) : ConfigParam(name, flags)
{
    public bool Value = def;

    public override string? TrySet(IReadOnlyList<string> args)
    {
        if (args.Count != 1) return "wrong number of arguments";
        switch (args[0].ToLowerInvariant())
        {
            case "yes": Value = true; return null;
            case "no": Value = false; return null;
            default: return "argument must be 'yes' or 'no'";
        }
    }

    public override string Get() => Value ? "yes" : "no";
}

/// <summary>
/// An integer parameter with bounds. <paramref name="memory"/> values take units (1gb);
/// <paramref name="normalize"/> adjusts an accepted value as Redis's apply step does (hz is
/// stored clamped to 1..500, so CONFIG GET shows the clamped value).
/// </summary>
public sealed class NumberConfig(string name, long def, long min, long max, bool memory = false, ConfigFlags flags = ConfigFlags.None,
    Func<long, long>? normalize = null)
    : ConfigParam(name, flags)
{
    public long Value = def;
    public long Min { get; } = min;
    public long Max { get; } = max;

    public override string? TrySet(IReadOnlyList<string> args)
    {
        if (args.Count != 1) return "wrong number of arguments";
        long v;
        if (memory)
        {
            if (!TryParseMemory(args[0], out v)) return "argument must be a memory value";
        }
        else if (!StringValues.TryParseCanonicalInt(Encoding.UTF8.GetBytes(args[0]), out v))
            return "argument couldn't be parsed into an integer";
        if (v < Min || v > Max) return $"argument must be between {Min} and {Max} inclusive";
        Value = normalize?.Invoke(v) ?? v;
        return null;
    }

    public override string Get() => Value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Redis's memtoull: digits with an optional k/kb/m/mb/g/gb unit (k = 1000, kb = 1024); no sign.</summary>
    public static bool TryParseMemory(string s, out long bytes)
    {
        bytes = 0;
        s = s.ToLowerInvariant();
        int i = 0;
        while (i < s.Length && char.IsAsciiDigit(s[i])) i++;
        if (i == 0 || !long.TryParse(s.AsSpan(0, i), NumberStyles.None, CultureInfo.InvariantCulture, out long n)) return false;
        long mul = s[i..] switch
        {
            "" or "b" => 1, "k" => 1000, "kb" => 1024, "m" => 1000_000, "mb" => 1024 * 1024,
            "g" => 1000_000_000L, "gb" => 1024L * 1024 * 1024, _ => 0,
        };
        if (mul == 0) return false;
        try { bytes = checked(n * mul); }
        catch (OverflowException) { return false; }
        return true;
    }
}

public sealed class StringConfig(string name, string def, ConfigFlags flags = ConfigFlags.None, Func<string, string?>? validate = null)
    : ConfigParam(name, flags)
{
    public string Value = def;

    public override string? TrySet(IReadOnlyList<string> args)
    {
        if (args.Count != 1) return "wrong number of arguments";
        if (validate?.Invoke(args[0]) is { } err) return err;
        Value = args[0];
        return null;
    }

    public override string Get() => Value;
}

public sealed class EnumConfig(string name, string def, string[] choices, ConfigFlags flags = ConfigFlags.None) : ConfigParam(name, flags)
{
    public string Value = def;

    public override string? TrySet(IReadOnlyList<string> args)
    {
        if (args.Count != 1) return "wrong number of arguments";
        string v = args[0].ToLowerInvariant();
        if (Array.IndexOf(choices, v) < 0) return "argument(s) must be one of the following: " + string.Join(", ", choices);
        Value = v;
        return null;
    }

    public override string Get() => Value;
}

/// <summary>
/// <c>save</c>: pairs of (seconds, changes); "" disables snapshots on change count. In a config
/// file the first save line replaces the defaults and later ones add to it, as in Redis, so
/// redis.conf's one-pair-per-line style works.
/// </summary>
public sealed class SaveConfig(string name, string def) : ConfigParam(name, ConfigFlags.None)
{
    public IReadOnlyList<(long Seconds, long Changes)> Points { get; private set; } = Parse(def.Split(' '))!;
    private bool _fileLineSeen;

    public override bool MultiArg => true;

    public override string? TrySet(IReadOnlyList<string> args)
    {
        var points = Parse(Words(args));
        if (points == null) return "Invalid save parameters";
        Points = points;
        return null;
    }

    public override string? TrySetFromFile(IReadOnlyList<string> args)
    {
        var words = Words(args);
        var points = Parse(words);
        if (points == null) return "Invalid save parameters";
        // save "" clears whatever earlier lines set.
        Points = _fileLineSeen && words is not [""] ? [.. Points, .. points] : points;
        _fileLineSeen = true;
        return null;
    }

    private static string[] Words(IReadOnlyList<string> args) =>
        args.SelectMany(a => a.Split(' ', StringSplitOptions.RemoveEmptyEntries)).DefaultIfEmpty("").ToArray();

    private static List<(long, long)>? Parse(string[] words)
    {
        var list = new List<(long, long)>();
        if (words.Length == 1 && words[0] == "") return list;
        if (words.Length % 2 != 0) return null;
        for (int i = 0; i < words.Length; i += 2)
        {
            if (!long.TryParse(words[i], out long s) || !long.TryParse(words[i + 1], out long c) || s < 1 || c < 0) return null;
            list.Add((s, c));
        }
        return list;
    }

    public override string Get() => string.Join(' ', Points.Select(p => $"{p.Seconds} {p.Changes}"));
}

/// <summary>A space-separated list of words (<c>bind</c>).</summary>
public sealed class ListConfig(string name, string def, ConfigFlags flags = ConfigFlags.None) : ConfigParam(name, flags)
{
    public IReadOnlyList<string> Values { get; private set; } = def.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    public override bool MultiArg => true;

    public override string? TrySet(IReadOnlyList<string> args)
    {
        var words = args.SelectMany(a => a.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToArray();
        if (words.Length == 0 || words.Length > 16) return "Too many bind addresses specified.";
        Values = words;
        return null;
    }

    public override string Get() => string.Join(' ', Values);
}
